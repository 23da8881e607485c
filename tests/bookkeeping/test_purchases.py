"""Booking purchase invoices from the dossier inbox: the prefilled form, a balanced entry in the
purchases journal, the inbox state, reverse charge, and who may book."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.db.models import Sum

from bookkeeping import services as books
from bookkeeping.models import Entry, Invoice, Line, Party, VatCode
from dossier import services as dossier
from dossier.models import Document, Folder
from server.realtime.models import Event
from server.tenancy.models import Company
from tests.conftest import api_as
from tests.dossier_files import pdf_bytes, upload
from tests.factories import World

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
MINIMAL = (Path(__file__).parent / "data" / "minimal_invoice.xml").read_bytes()


def inbox_document(world: World, **details) -> Document:
    folder = Folder.objects.get(company=world.company, template_code="purchase_invoices")
    return dossier.document_upload(
        actor=world.client, folder=folder, content=io.BytesIO(pdf_bytes()), name="bill.pdf",
        kind="purchase_invoice", **details,
    )  # fmt: skip


def supplier(world: World, name: str = "Acme SRL") -> Party:
    return books.party_create(
        actor=world.owner, company=world.company, name=name, country="BE", kind="supplier"
    )


def code(company: Company, name: str) -> int:
    return VatCode.objects.get(company=company, code=name).pk


def line(world: World, description: str, net: str, vat: str) -> dict:
    return {"description": description, "net_amount": net, "vat_code": code(world.company, vat)}


def book(user, document: Document, body: dict):
    return api_as(user).post(f"/api/v1/documents/{document.pk}/book-purchase/", body, format="json")


def entry_lines(invoice: Invoice) -> list[tuple[str | None, Decimal, Decimal]]:
    lines = Line.objects.filter(entry=invoice.entry).select_related("account")
    return sorted((line.account.role, line.debit, line.credit) for line in lines)


def test_the_form_is_prefilled_from_what_the_client_entered(world: World) -> None:
    acme = supplier(world)
    due = TODAY + datetime.timedelta(days=30)
    document = inbox_document(
        world, supplier="acme srl", amount=Decimal("121.00"), currency="EUR", due_date=due
    )

    response = api_as(world.accountant).get(f"/api/v1/documents/{document.pk}/purchase-form/")

    assert response.status_code == 200
    form = response.json()
    assert form["supplier"]["id"] == acme.pk and form["supplier_name"] == "Acme SRL"
    assert form["amount"] == "121.00" and form["currency"] == "EUR"
    assert form["due_date"] == due.isoformat() and form["invoice"] is None
    assert "P21" in {c["code"] for c in form["vat_codes"]}
    assert form["default_account"] is not None


def test_booking_from_the_inbox_posts_a_balanced_entry_and_marks_the_document(
    world: World,
) -> None:
    acme = supplier(world)
    due = TODAY + datetime.timedelta(days=30)
    document = inbox_document(world, supplier="Acme SRL", amount=Decimal("121.00"), due_date=due)

    response = book(world.accountant, document, {
        "number": "A-1", "issue_date": TODAY.isoformat(),
        "lines": [line(world, "Paper", "100.00", "P21")],
    })  # fmt: skip

    assert response.status_code == 200, response.content
    invoice = Invoice.objects.get(pk=response.json()["id"])
    assert (invoice.state, invoice.direction, invoice.party_id) == ("booked", "purchase", acme.pk)
    assert (invoice.net_total, invoice.vat_total, invoice.gross_total) == (
        Decimal("100.00"),
        Decimal("21.00"),
        Decimal("121.00"),
    )
    entry = invoice.entry
    assert entry is not None
    assert (entry.state, entry.source, entry.journal.kind) == (
        "posted",
        "purchase_invoice",
        "purchases",
    )
    assert entry_lines(invoice) == sorted([
        ("costs", Decimal("100.00"), Decimal("0")),
        ("vat_deductible", Decimal("21.00"), Decimal("0")),
        ("payable", Decimal("0"), Decimal("121.00")),
    ])  # fmt: skip
    payable = Line.objects.get(entry=entry, account__role="payable")
    assert (payable.party_id, payable.due_date) == (acme.pk, due)
    totals = Line.objects.filter(entry=entry).aggregate(d=Sum("debit"), c=Sum("credit"))
    assert totals["d"] == totals["c"]
    document.refresh_from_db()
    assert document.inbox_state == "booked"
    assert Event.objects.filter(kind="books.invoice", payload__id=invoice.pk).exists()


def test_an_imported_einvoice_is_booked_with_its_own_vat(world: World) -> None:
    Company.objects.filter(pk=world.company.pk).update(vat_number="BE0403170701")
    today = TODAY.isoformat()
    data = MINIMAL.replace(b"2025-03-14", today.encode()).replace(b"2025-04-13", today.encode())
    imported = api_as(world.client).post(
        f"/api/v1/companies/{world.company.pk}/einvoices/",
        {"file": upload("e.xml", data, "application/xml")}, format="multipart",
    ).json()  # fmt: skip
    document = Document.objects.get(pk=imported["document"])

    form = api_as(world.owner).get(f"/api/v1/documents/{document.pk}/purchase-form/").json()
    assert form["invoice"]["id"] == imported["invoice"]["id"]
    assert form["amount"] == "140.93" and form["number"] == "F2025-017"

    response = book(world.owner, document, {})

    assert response.status_code == 200, response.content
    invoice = Invoice.objects.get(pk=imported["invoice"]["id"])
    assert entry_lines(invoice) == sorted([
        ("costs", Decimal("100.00"), Decimal("0")),
        ("costs", Decimal("18.80"), Decimal("0")),
        ("vat_deductible", Decimal("21.00"), Decimal("0")),
        ("vat_deductible", Decimal("1.13"), Decimal("0")),
        ("payable", Decimal("0"), Decimal("140.93")),
    ])  # fmt: skip


def test_reverse_charge_self_assesses_vat_due_and_deductible(world: World) -> None:
    supplier(world, "Cloud GmbH")
    document = inbox_document(world, supplier="Cloud GmbH")

    response = book(world.owner, document, {
        "issue_date": TODAY.isoformat(),
        "lines": [line(world, "Hosting", "1000.00", "ICAS")],
    })  # fmt: skip

    assert response.status_code == 200, response.content
    invoice = Invoice.objects.get(pk=response.json()["id"])
    assert (invoice.vat_total, invoice.gross_total) == (Decimal("0"), Decimal("1000.00"))
    assert entry_lines(invoice) == sorted([
        ("costs", Decimal("1000.00"), Decimal("0")),
        ("vat_deductible", Decimal("210.00"), Decimal("0")),
        ("vat_due", Decimal("0"), Decimal("210.00")),
        ("payable", Decimal("0"), Decimal("1000.00")),
    ])  # fmt: skip


def test_a_booked_document_is_not_booked_twice(world: World) -> None:
    supplier(world)
    document = inbox_document(world, supplier="Acme SRL")
    body = {
        "issue_date": TODAY.isoformat(),
        "lines": [
            {"description": "Paper", "net_amount": "10.00", "vat_code": code(world.company, "P21")}
        ],
    }
    assert book(world.owner, document, body).status_code == 200
    entries = Entry.objects.count()

    response = book(world.owner, document, body)

    assert response.status_code == 409
    assert Entry.objects.count() == entries


def test_nothing_is_booked_when_the_entry_is_refused(world: World) -> None:
    supplier(world)
    document = inbox_document(world, supplier="Acme SRL")
    books.lock_date_set(actor=world.owner, company=world.company, lock_date=TODAY)
    before = (Invoice.objects.count(), Entry.objects.count())

    response = book(
        world.owner,
        document,
        {
            "issue_date": TODAY.isoformat(),
            "lines": [
                {
                    "description": "Paper",
                    "net_amount": "10.00",
                    "vat_code": code(world.company, "P21"),
                }
            ],
        },
    )

    assert response.status_code == 400 and response.json()["code"] == "period_locked"
    assert (Invoice.objects.count(), Entry.objects.count()) == before
    document.refresh_from_db()
    assert document.inbox_state == "new"


def test_clients_read_the_form_but_cannot_book(world: World) -> None:
    supplier(world)
    document = inbox_document(world, supplier="Acme SRL")
    assert (
        api_as(world.client).get(f"/api/v1/documents/{document.pk}/purchase-form/").status_code
        == 200
    )
    before = (Invoice.objects.count(), Entry.objects.count())

    response = book(
        world.client,
        document,
        {
            "issue_date": TODAY.isoformat(),
            "lines": [
                {
                    "description": "Paper",
                    "net_amount": "10.00",
                    "vat_code": code(world.company, "P21"),
                }
            ],
        },
    )

    assert response.status_code == 403
    assert (Invoice.objects.count(), Entry.objects.count()) == before
    document.refresh_from_db()
    assert document.inbox_state == "new"


def test_another_company_gets_404(world: World) -> None:
    document = inbox_document(world)
    for user in (world.other_owner, world.other_client, world.assistant):
        client = api_as(user)
        assert client.get(f"/api/v1/documents/{document.pk}/purchase-form/").status_code == 404
        assert book(user, document, {}).status_code == 404
