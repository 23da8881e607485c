"""Threads about bookkeeping objects: a journal entry, an invoice."""

from __future__ import annotations

import pytest
from django.http import Http404

from chat import services
from tests.bookkeeping.helpers import draft, posted
from tests.factories import World


def test_discuss_a_posted_entry_from_both_sides(world: World) -> None:
    entry = posted(world.accountant, world.company)
    thread, created = services.thread_for_subject(
        actor=world.client, subject_type="books.entry", subject_id=entry.pk
    )
    assert created and thread.company == world.company and thread.audience == "shared"
    assert thread.title.startswith("Entry GEN 1")
    again, created = services.thread_for_subject(
        actor=world.accountant, subject_type="books.entry", subject_id=entry.pk
    )
    assert again == thread and not created


def test_an_office_draft_is_discussed_by_staff_only(world: World) -> None:
    internal = draft(world.accountant, world.company)
    with pytest.raises(Http404):
        services.thread_for_subject(
            actor=world.client, subject_type="books.entry", subject_id=internal.pk
        )
    thread, _ = services.thread_for_subject(
        actor=world.owner, subject_type="books.entry", subject_id=internal.pk
    )
    assert thread.audience == "internal"


def test_another_company_cannot_discuss_an_entry(world: World) -> None:
    entry = posted(world.accountant, world.company)
    for outsider in (world.other_client, world.other_owner):
        with pytest.raises(Http404):
            services.thread_for_subject(
                actor=outsider, subject_type="books.entry", subject_id=entry.pk
            )


def test_discuss_an_invoice_and_outsiders_cannot(world: World) -> None:
    from decimal import Decimal

    from bookkeeping import services as books
    from bookkeeping.invoices import services as invoices
    from bookkeeping.models import VatCode

    party = books.party_create(
        actor=world.client, company=world.company, name="Buyer", country=world.company.country
    )
    vat = VatCode.objects.filter(company=world.company, direction="sales", rate__gt=0).first()
    assert vat is not None
    line = invoices.InvoiceLineInput("Work", Decimal(1), Decimal("10.00"), vat)
    invoice = invoices.invoice_draft_create(
        actor=world.client, company=world.company, party=party, lines=[line]
    )
    thread, created = services.thread_for_subject(
        actor=world.accountant, subject_type="books.invoice", subject_id=invoice.pk
    )
    assert created and thread.company == world.company and "Buyer" in thread.title
    for outsider in (world.other_client, world.other_owner):
        with pytest.raises(Http404):
            services.thread_for_subject(
                actor=outsider, subject_type="books.invoice", subject_id=invoice.pk
            )
