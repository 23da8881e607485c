"""Payments against open invoices: partial and full, the open amounts, over-allocation refused,
the open items per party, and who may record or read them."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest

from bookkeeping import services as books
from bookkeeping.models import Allocation, Entry, Invoice, Line, Party, VatCode
from bookkeeping.purchases.services import PurchaseLineInput, purchase_book
from dossier import services as dossier
from dossier.models import Folder
from tests.conftest import api_as
from tests.dossier_files import pdf_bytes
from tests.factories import World

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def party(world: World, name: str = "Acme SRL", kind: str = "supplier") -> Party:
    return books.party_create(
        actor=world.owner, company=world.company, name=name, country="BE", kind=kind
    )


def purchase(world: World, supplier: Party, net: str = "100.00", days: int = 0) -> Invoice:
    folder = Folder.objects.get(company=world.company, template_code="purchase_invoices")
    document = dossier.document_upload(
        actor=world.client, folder=folder, content=io.BytesIO(pdf_bytes()), name="bill.pdf"
    )
    p21 = VatCode.objects.get(company=world.company, code="P21")
    return purchase_book(
        actor=world.owner, document=document, party=supplier, number=f"B-{document.pk}",
        issue_date=TODAY - datetime.timedelta(days=days),
        due_date=TODAY - datetime.timedelta(days=days) + datetime.timedelta(days=10),
        lines=[PurchaseLineInput("Goods", Decimal(net), p21)],
    )  # fmt: skip


def pay(user, world: World, supplier: Party, amount: str, allocations: list, **extra):
    return api_as(user).post(
        f"/api/v1/companies/{world.company.pk}/payments/",
        {"direction": "paid", "amount": amount, "party": supplier.pk,
         "allocations": allocations, **extra},
        format="json",
    )  # fmt: skip


def open_items(user, world: World, side: str = "payable"):
    return api_as(user).get(f"/api/v1/companies/{world.company.pk}/open-items/?side={side}")


def test_partial_then_full_payment_follow_the_open_amount(world: World) -> None:
    acme = party(world)
    invoice = purchase(world, acme)  # 121.00

    first = pay(world.accountant, world, acme, "50.00",
                [{"invoice": invoice.pk, "amount": "50.00"}])  # fmt: skip

    assert first.status_code == 201, first.content
    body = first.json()
    assert body["invoices"][0]["open_amount"] == "71.00"
    assert body["invoices"][0]["paid"] is False
    entry = Entry.objects.get(pk=body["entry"])
    assert (entry.journal.kind, entry.source, entry.state) == ("bank", "payment", "posted")
    lines = {line.account.role: line for line in Line.objects.filter(entry=entry)}
    assert lines["payable"].debit == Decimal("50.00") and lines["payable"].party_id == acme.pk
    assert lines["bank"].credit == Decimal("50.00")
    listed = open_items(world.client, world).json()["parties"]
    assert [(p["name"], p["invoices"][0]["open_amount"]) for p in listed] == [("Acme SRL", "71.00")]

    second = pay(world.owner, world, acme, "71.00", [{"invoice": invoice.pk, "amount": "71.00"}])

    assert second.status_code == 201, second.content
    assert second.json()["invoices"][0]["open_amount"] == "0.00"
    assert second.json()["invoices"][0]["paid"] is True
    assert open_items(world.owner, world).json()["parties"] == []


def test_over_allocation_is_refused_clearly_and_stores_nothing(world: World) -> None:
    acme = party(world)
    invoice = purchase(world, acme)
    before = (Entry.objects.count(), Allocation.objects.count())

    more_than_open = pay(world.owner, world, acme, "200.00",
                         [{"invoice": invoice.pk, "amount": "200.00"}])  # fmt: skip
    more_than_paid = pay(world.owner, world, acme, "10.00",
                         [{"invoice": invoice.pk, "amount": "20.00"}])  # fmt: skip

    for response in (more_than_open, more_than_paid):
        assert response.status_code == 400
        assert response.json()["code"] == "over_allocation"
    assert "121.00" in more_than_open.json()["message"]
    assert (Entry.objects.count(), Allocation.objects.count()) == before


def test_an_invoice_of_another_party_is_refused(world: World) -> None:
    acme, other = party(world), party(world, "Other BV")
    invoice = purchase(world, acme)
    response = pay(world.owner, world, other, "10.00", [{"invoice": invoice.pk, "amount": "10.00"}])
    assert response.status_code == 400 and response.json()["code"] == "invalid_invoice"


def test_a_received_payment_debits_the_bank_and_credits_the_receivable(world: World) -> None:
    customer = party(world, "Customer NV", "customer")
    response = api_as(world.owner).post(
        f"/api/v1/companies/{world.company.pk}/payments/",
        {"direction": "received", "amount": "30.00", "party": customer.pk}, format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["unallocated"] == "30.00"
    lines = {
        line.account.role: line for line in Line.objects.filter(entry_id=response.json()["entry"])
    }
    assert lines["bank"].debit == Decimal("30.00")
    assert lines["receivable"].credit == Decimal("30.00")
    assert lines["receivable"].party_id == customer.pk


def test_open_items_show_days_overdue_per_party(world: World) -> None:
    acme, other = party(world), party(world, "Zeta BV")
    purchase(world, acme, days=40)  # due 30 days ago
    purchase(world, other, "10.00")

    listed = open_items(world.accountant, world).json()["parties"]

    assert [p["name"] for p in listed] == ["Acme SRL", "Zeta BV"]
    assert listed[0]["invoices"][0]["days_overdue"] == 30
    assert listed[1]["invoices"][0]["days_overdue"] == 0
    assert listed[1]["totals"] == {"EUR": "12.10"}
    assert open_items(world.owner, world, "receivable").json()["parties"] == []
    assert open_items(world.owner, world, "sideways").status_code == 400


def test_clients_cannot_record_payments_and_outsiders_get_404(world: World) -> None:
    acme = party(world)
    invoice = purchase(world, acme)
    before = (Entry.objects.count(), Allocation.objects.count())
    allocations = [{"invoice": invoice.pk, "amount": "10.00"}]

    assert pay(world.client, world, acme, "10.00", allocations).status_code == 403
    assert pay(world.client_member, world, acme, "10.00", allocations).status_code == 403
    for user in (world.other_owner, world.other_client, world.assistant):
        assert pay(user, world, acme, "10.00", allocations).status_code == 404
        assert open_items(user, world).status_code == 404
    assert (Entry.objects.count(), Allocation.objects.count()) == before
