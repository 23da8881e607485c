"""Who receives `books.invoice`: both sides of the company, live; no one of another company."""

from __future__ import annotations

from decimal import Decimal

import pytest
from channels.db import database_sync_to_async

from bookkeeping import services as books
from bookkeeping.invoices import services
from bookkeeping.invoices.services import InvoiceLineInput
from bookkeeping.models import Invoice, VatCode
from tests.factories import World, world_make
from tests.realtime.helpers import frames_until_quiet, socket_open

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(transactional_db: None) -> World:
    return world_make()


def _issue(world: World) -> Invoice:
    company = world.company
    party = books.party_create(actor=world.client, company=company, name="Buyer", country="BE")
    vat = VatCode.objects.get(company=company, code="S21")
    draft = services.invoice_draft_create(
        actor=world.client,
        company=company,
        party=party,
        lines=[InvoiceLineInput("Work", Decimal(2), Decimal("50.00"), vat)],
    )
    return services.invoice_issue(actor=world.client, invoice=draft)


async def test_invoice_events_reach_both_sides_of_the_company(world: World) -> None:
    client, _ = await socket_open(world.client_member)
    staff, _ = await socket_open(world.accountant)
    outsider, _ = await socket_open(world.other_owner)
    other_client, _ = await socket_open(world.other_client)

    invoice = await database_sync_to_async(_issue)(world)

    def invoices(frames):
        return [
            (f["data"]["id"], f["data"]["state"], f["data"]["number"])
            for f in frames
            if f["kind"] == "books.invoice"
        ]

    client_frames = await frames_until_quiet(client)
    staff_frames = await frames_until_quiet(staff)
    expected = [(invoice.pk, "draft", ""), (invoice.pk, "issued", invoice.number)]
    assert invoices(client_frames) == expected
    assert invoices(staff_frames) == expected
    issued = [f for f in client_frames if f["kind"] == "books.invoice"][-1]["data"]
    assert (issued["gross_total"], issued["entry"], issued["document"]) == (
        "121.00",
        invoice.entry_id,
        invoice.document_id,
    )
    # The posting's own event comes from the ledger, the PDF's from the dossier.
    assert {"books.entry", "dossier.document"} <= {f["kind"] for f in client_frames}
    assert await frames_until_quiet(outsider) == []
    assert await frames_until_quiet(other_client) == []
    for socket in (client, staff, outsider, other_client):
        await socket.disconnect()


async def test_a_failed_issue_publishes_nothing(world: World) -> None:
    staff, _ = await socket_open(world.accountant)

    def failing() -> None:
        company = world.company
        party = books.party_create(actor=world.client, company=company, name="B", country="BE")
        vat = VatCode.objects.get(company=company, code="S21")
        draft = services.invoice_draft_create(
            actor=world.client,
            company=company,
            party=party,
            lines=[InvoiceLineInput("Work", Decimal(1), Decimal("10.00"), vat)],
        )
        books.lock_date_set(actor=world.owner, company=company, lock_date=draft.created_at.date())
        with pytest.raises(Exception):  # noqa: B017 - the period is locked
            services.invoice_issue(actor=world.client, invoice=draft)

    await database_sync_to_async(failing)()
    kinds = [(f["kind"], f["data"].get("state")) for f in await frames_until_quiet(staff)]
    assert ("books.invoice", "issued") not in kinds
    assert all(kind != "books.entry" and kind != "dossier.document" for kind, _ in kinds)
    await staff.disconnect()
