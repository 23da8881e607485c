"""Twenty people issuing at once on PostgreSQL get consecutive numbers: no gap, no duplicate."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from bookkeeping import services as books
from bookkeeping.invoices import services
from bookkeeping.invoices.services import InvoiceLineInput
from bookkeeping.models import Entry, Invoice, InvoiceSeries, VatCode
from dossier.models import Document
from tests.factories import World, world_make

pytestmark = pytest.mark.django_db(transaction=True)

ISSUERS = 20


@pytest.fixture
def world(transactional_db: None) -> World:
    return world_make()


def test_twenty_concurrent_issuers_get_consecutive_numbers(world: World) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("row locks are what this proves; run it on PostgreSQL")
    company = world.company
    party = books.party_create(actor=world.client, company=company, name="Buyer", country="BE")
    vat = VatCode.objects.get(company=company, code="S21")
    drafts = [
        services.invoice_draft_create(
            actor=world.client,
            company=company,
            party=party,
            lines=[InvoiceLineInput(f"Work {n}", Decimal(1), Decimal(100 + n), vat)],
        )
        for n in range(ISSUERS)
    ]
    people = [world.client, world.client_member, world.accountant, world.owner]
    start = threading.Barrier(ISSUERS)
    errors: list[BaseException] = []

    def issue(n: int) -> None:
        try:
            start.wait()
            services.invoice_issue(actor=people[n % len(people)], invoice=drafts[n])
        except BaseException as error:  # reported below; a thread must not swallow it
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(n,)) for n in range(ISSUERS)]
    # The pool holds 20 connections (KONTOR_DB_POOL_SIZE): give this thread's back while they run.
    connections.close_all()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    issued = Invoice.objects.filter(company=company, state="issued")
    numbers = sorted(issued.values_list("number", flat=True))
    (year,) = set(issued.values_list("issue_date__year", flat=True))  # one year, all issued
    assert numbers == [f"{year}-{n:04d}" for n in range(1, ISSUERS + 1)]
    assert InvoiceSeries.objects.get(company=company, kind="sales_invoice").last_number == ISSUERS
    # Each got its own posted entry and PDF, and the sales journal has no gap either.
    entries = sorted(
        number or 0  # a posted entry always has its number; 0 would fail below
        for number in Entry.objects.filter(company=company, source="sales_invoice").values_list(
            "number", flat=True
        )
    )
    assert entries == list(range(1, ISSUERS + 1))
    assert Document.objects.filter(company=company, kind="sales_invoice").count() == ISSUERS
