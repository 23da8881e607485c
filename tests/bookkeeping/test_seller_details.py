"""The seller details of issued invoices (IBAN, BIC, address in the books settings) and the
database's guarantee that a sales invoice number is given once."""

from __future__ import annotations

import datetime

import pypdfium2 as pdfium
import pytest
from django.db import IntegrityError, transaction

from bookkeeping.einvoice import einvoice_read, einvoice_write
from bookkeeping.invoices import services
from bookkeeping.invoices.documents import invoice_einvoice, totals_of
from bookkeeping.models import BooksSettings, Invoice, InvoiceDirection
from dossier import storage
from server.realtime.models import Event
from server.tenancy.models import Company
from tests.conftest import api_as
from tests.factories import World

from .test_invoices import customer, sales_draft

pytestmark = pytest.mark.django_db

IBAN = "BE68539007547034"
BIC = "GKCCBEBB"


@pytest.fixture
def company(world: World) -> Company:
    Company.objects.filter(pk=world.company.pk).update(vat_number="BE0403019261")
    world.company.refresh_from_db()
    return world.company


def _url(company: Company) -> str:
    return f"/api/v1/companies/{company.pk}/books-settings/"


def _details(company: Company) -> dict[str, str]:
    found = BooksSettings.objects.get(company=company)
    return {name: getattr(found, name) for name in ("iban", "bic", "street", "postcode", "city")}


def test_staff_set_the_seller_details(world: World, company: Company) -> None:
    staff = api_as(world.accountant)
    answer = staff.patch(_url(company), {"iban": "be68 5390 0754 7034", "bic": "gkccbebb",
                                         "street": "Veldstraat 1", "postcode": "9000",
                                         "city": "Gent"}, format="json")  # fmt: skip
    assert answer.status_code == 200, answer.content
    assert (answer.json()["iban"], answer.json()["bic"]) == (IBAN, BIC)  # stored compact
    assert answer.json()["lock_date"] is None  # a partial update leaves the lock date alone
    # Open Books tabs hear of it (both sides: it is the company's own bank account).
    announced = Event.objects.filter(company=company, kind="books.settings")
    assert list(announced.values_list("audience", flat=True)) == ["shared"]
    assert api_as(world.client).get(_url(company)).json()["city"] == "Gent"

    locked = staff.patch(_url(company), {"lock_date": "2020-12-31"}, format="json")
    assert locked.json()["lock_date"] == "2020-12-31" and locked.json()["iban"] == IBAN


def test_a_bad_iban_or_bic_is_refused_with_one_sentence(world: World, company: Company) -> None:
    staff = api_as(world.accountant)
    before = _details(company)
    bad = staff.patch(_url(company), {"iban": "BE68539007547035", "city": "Gent"}, format="json")
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_iban")
    assert "BE68539007547035" in bad.json()["message"] and bad.json()["message"].endswith(".")
    bad = staff.patch(_url(company), {"bic": "NOTABIC", "city": "Gent"}, format="json")
    assert (bad.status_code, bad.json()["code"]) == (400, "invalid_bic")
    assert _details(company) == before  # nothing half written, not even the city
    assert not Event.objects.filter(company=company, kind="books.settings").exists()


def test_clients_and_outsiders_cannot_set_seller_details(world: World, company: Company) -> None:
    body = {"iban": IBAN, "city": "Elsewhere"}
    assert api_as(world.client).patch(_url(company), body, format="json").status_code == 403
    assert api_as(world.other_client).patch(_url(company), body, format="json").status_code == 404
    assert _details(company)["iban"] == "" and _details(company)["city"] == ""


def _issued(world: World, company: Company, **draft) -> Invoice:
    invoice = sales_draft(world.client, company, issue_date=datetime.date.today(), **draft)
    return services.invoice_issue(actor=world.client, invoice=invoice)


def test_issued_invoices_carry_the_iban_and_address(world: World, company: Company) -> None:
    BooksSettings.objects.filter(company=company).update(
        iban=IBAN, bic=BIC, street="Veldstraat 1", postcode="9000", city="Gent"
    )
    invoice = _issued(world, company)
    items = list(invoice.lines.all())
    read = einvoice_read(einvoice_write(invoice_einvoice(invoice, items, totals_of(items))))
    assert read.payment is not None
    assert (read.payment.means_code, read.payment.iban, read.payment.bic) == ("58", IBAN, BIC)
    assert read.payment.payment_id == invoice.payment_reference
    assert (read.seller.street, read.seller.postcode, read.seller.city, read.seller.country) == (
        "Veldstraat 1", "9000", "Gent", "BE"
    )  # fmt: skip

    assert invoice.document is not None and invoice.document.current_version is not None
    with storage.file_open(invoice.document.current_version.storage_key) as stored:
        text = pdfium.PdfDocument(stored.read())[0].get_textpage().get_text_range()
    assert "BE68 5390 0754 7034" in text and BIC in text
    assert "Veldstraat 1" in text and "9000 Gent" in text


def test_without_an_iban_the_payment_means_stay_unspecified(world: World, company: Company) -> None:
    invoice = _issued(world, company)
    items = list(invoice.lines.all())
    read = einvoice_read(einvoice_write(invoice_einvoice(invoice, items, totals_of(items))))
    assert read.payment is not None and (read.payment.means_code, read.payment.iban) == ("1", "")


def test_outside_the_euro_the_transfer_is_not_sepa(world: World, company: Company) -> None:
    BooksSettings.objects.filter(company=company).update(iban=IBAN)
    invoice = _issued(world, company, currency="USD")
    items = list(invoice.lines.all())
    read = einvoice_read(einvoice_write(invoice_einvoice(invoice, items, totals_of(items))))
    assert read.payment is not None and (read.payment.means_code, read.payment.iban) == ("30", IBAN)


# --- The database's guarantee ---------------------------------------------------------------------


def test_the_database_refuses_a_second_sales_invoice_with_a_taken_number(
    world: World, company: Company
) -> None:
    first = _issued(world, company)
    second = _issued(world, company, party=first.party)
    assert second.series_id == first.series_id and second.number != first.number
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.filter(pk=second.pk).update(number=first.number)
    second.refresh_from_db()
    assert second.number != first.number


def test_purchase_invoices_may_repeat_a_supplier_number(world: World, company: Company) -> None:
    suppliers = [
        customer(world.accountant, company, name=name, vat_number=vat, kind="supplier")
        for name, vat in (("Leverancier A", "BE0417497106"), ("Leverancier B", "BE0202239951"))
    ]
    for supplier in suppliers:
        Invoice.objects.create(company=company, direction=InvoiceDirection.PURCHASE,
                               party=supplier, number="2026-001", currency="EUR")  # fmt: skip
    assert Invoice.objects.filter(company=company, number="2026-001").count() == 2
