"""Importing e-invoices: every shared sample with its exact totals, the supplier found or created,
the XML filed in the inbox, and bad files refused with one clear error and nothing stored."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.storage import default_storage

from bookkeeping import services as books
from bookkeeping.models import Invoice, InvoiceLine, Party
from dossier.models import Document, Version
from server.realtime.models import Event
from server.tenancy.models import Company
from tests.conftest import api_as
from tests.dossier_files import upload
from tests.factories import World, company_make

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
SHARED_UBL = Path("/work/shared/data/ubl")
MINIMAL = (DATA / "minimal_invoice.xml").read_bytes()
MINIMAL_BUYER = "BE0403170701"

# name: (buyer's country and VAT number, currency, tax exclusive, VAT, tax inclusive, payable)
SAMPLES = {
    "odoo_BEG_testcase01_minimal_invoice.xml":
        ("BE", "BE0214168947", "EUR", "2600.00", "516.00", "3116.00", "3116.00"),
    "odoo_BEG_testcase04_creditnote_consumer_empties.xml":
        ("BE", "BE0214168947", "EUR", "4.5", "0", "4.5", "4.5"),
    "odoo_BEG_testcase11_invoice_in_usd_and_eur_vat_6_and_vat_21.xml":
        ("BE", "BE0214168947", "USD", "15682.00", "3278.22", "18960.22", "18960.22"),
    "openpeppol_NO_Norwegian-example-1.xml":
        ("NO", "NO987654325MVA", "NOK", "1436.5", "365.28", "1801.78", "802.00"),
    # A Swedish buyer: the company is kept in Belgian books with its Swedish VAT number.
    "openpeppol_base-creditnote-correction.xml":
        ("BE", "SE4598375937", "EUR", "1325", "331.25", "1656.25", "1656.25"),
    "openpeppol_base-example.xml":
        ("BE", "SE4598375937", "EUR", "1325", "331.25", "1656.25", "1656.25"),
}  # fmt: skip


def stored_keys() -> set[str]:
    try:
        _, files = default_storage.listdir("dossier")
    except FileNotFoundError:
        return set()
    return {f"dossier/{name}" for name in files}


def with_vat(company: Company, vat_number: str, currency: str = "") -> Company:
    # Some samples' buyers fail their check digit, which company_create refuses: set it as given.
    Company.objects.filter(pk=company.pk).update(
        vat_number=vat_number, **({"currency": currency} if currency else {})
    )
    company.refresh_from_db()
    return company


def snapshot() -> tuple:
    return (
        Document.objects.count(),
        Version.objects.count(),
        Invoice.objects.count(),
        InvoiceLine.objects.count(),
        Party.objects.count(),
        stored_keys(),
    )


def post_xml(user, company: Company, data: bytes, name: str = "invoice.xml"):
    return api_as(user).post(
        f"/api/v1/companies/{company.pk}/einvoices/",
        {"file": upload(name, data, "application/xml")},
        format="multipart",
    )


# --- The shared samples -------------------------------------------------------------------------


@pytest.mark.skipif(not SHARED_UBL.is_dir(), reason="/work/shared/data/ubl is not here")
@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_shared_sample_imports_with_its_exact_totals(world: World, name: str) -> None:
    country, vat, currency, net, tax, gross, payable = SAMPLES[name]
    company = company_make(world.office, country, f"Buyer of {name}")
    company = with_vat(company, vat, "EUR" if currency == "USD" else currency)
    before = stored_keys()

    response = post_xml(world.owner, company, (SHARED_UBL / name).read_bytes(), name)

    assert response.status_code == 201, response.content[:300]
    body = response.json()
    totals = body["totals"]
    assert Decimal(totals["tax_exclusive"]) == Decimal(net)
    assert Decimal(totals["tax_total"]) == Decimal(tax)
    assert Decimal(totals["tax_inclusive"]) == Decimal(gross)
    assert Decimal(totals["payable"]) == Decimal(payable)
    invoice = Invoice.objects.get(pk=body["invoice"]["id"])
    assert invoice.direction == "purchase" and invoice.state == "draft"
    assert invoice.currency == currency  # kept in the invoice's currency (USD too)
    assert (invoice.net_total, invoice.vat_total, invoice.gross_total) == (
        Decimal(net),
        Decimal(tax),
        Decimal(gross),
    )
    assert sum(line.net_amount for line in invoice.lines.all()) == Decimal(net)
    assert sum(Decimal(b["tax"]) for b in body["vat_breakdown"]) == Decimal(tax)
    document = Document.objects.get(pk=body["document"])
    assert (document.kind, document.inbox_state, document.company_id) == (
        "purchase_invoice",
        "new",
        company.pk,
    )
    assert document.folder.template_code == "purchase_invoices"
    assert document.amount == Decimal(payable)
    assert len(stored_keys() - before) == 1
    assert body["supplier"]["id"] == invoice.party_id


@pytest.mark.skipif(not SHARED_UBL.is_dir(), reason="/work/shared/data/ubl is not here")
def test_a_supplier_vat_number_failing_its_check_is_kept_as_written_and_flagged(
    world: World,
) -> None:
    company = with_vat(company_make(world.office, "BE"), "SE4598375937")
    data = (SHARED_UBL / "openpeppol_base-example.xml").read_bytes()

    body = post_xml(world.owner, company, data).json()

    assert body["supplier"]["vat_number_valid"] is False
    assert body["supplier"]["vat_number"] == "GB1232434"
    assert "supplier_vat_invalid" in {w["code"] for w in body["warnings"]}
    assert "supplier_iban_invalid" in {w["code"] for w in body["warnings"]}
    party = Party.objects.get(pk=body["supplier"]["id"])
    assert (party.kind, party.country, party.iban) == ("supplier", "GB", "")


@pytest.mark.skipif(not SHARED_UBL.is_dir(), reason="/work/shared/data/ubl is not here")
def test_usd_invoice_into_a_euro_company_is_kept_in_dollars_and_said_so(world: World) -> None:
    company = with_vat(company_make(world.office, "BE"), "BE0214168947")
    data = SHARED_UBL / "odoo_BEG_testcase11_invoice_in_usd_and_eur_vat_6_and_vat_21.xml"

    body = post_xml(world.owner, company, data.read_bytes()).json()

    assert body["currency"] == "USD" and body["invoice"]["currency"] == "USD"
    assert body["totals"]["tax_total_in_tax_currency"] == "2937.08"
    assert "foreign_currency" in {w["code"] for w in body["warnings"]}


# --- What an import answers and creates ----------------------------------------------------------


def test_an_import_answers_supplier_lines_vat_totals_due_date_and_reference(world: World) -> None:
    company = with_vat(world.company, MINIMAL_BUYER)

    response = post_xml(world.client, company, MINIMAL)  # clients may: it is their inbox

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"] == "F2025-017" and body["due_date"] == "2025-04-13"
    assert body["payment_reference"] == "+++090/9337/55493+++"
    assert body["supplier"]["name"] == "Imprimerie Lumière SRL"
    assert body["supplier"]["vat_number"] == "BE0123456749"
    assert body["supplier"]["created"] is True and body["supplier"]["vat_number_valid"] is True
    assert body["supplier"]["iban"] == "BE68539007547034"
    assert [(b["rate"], b["base"], b["tax"]) for b in body["vat_breakdown"]] == [
        ("21", "100.00", "21.00"), ("6", "18.80", "1.13")
    ]  # fmt: skip
    lines = body["invoice"]["lines"]
    assert [(x["description"], x["net_amount"], x["vat_code_code"]) for x in lines] == [
        ("Flyers A5", "100.00", "P21"), ("Livres de recettes", "18.80", "P06")
    ]  # fmt: skip
    assert body["warnings"] == []
    document = Document.objects.get(pk=body["document"])
    assert document.created_by == world.client and document.inbox_state == "new"
    assert document.supplier == "Imprimerie Lumière SRL"
    assert Event.objects.filter(company=company, kind="books.invoice").exists()


def test_staff_import_also_waits_in_the_inbox_and_reuses_a_known_supplier(world: World) -> None:
    company = with_vat(world.company, MINIMAL_BUYER)
    known = books.party_create(
        actor=world.owner, company=company, name="Lumière", country="BE",
        vat_number="BE0123456749", kind="customer",
    )  # fmt: skip
    before = Party.objects.count()

    body = post_xml(world.accountant, company, MINIMAL).json()

    assert body["supplier"]["id"] == known.pk and body["supplier"]["created"] is False
    assert Party.objects.count() == before
    known.refresh_from_db()
    assert known.kind == "both"
    assert Document.objects.get(pk=body["document"]).inbox_state == "new"


def test_a_raw_xml_body_is_accepted(world: World) -> None:
    company = with_vat(world.company, MINIMAL_BUYER)
    response = api_as(world.owner).generic(
        "POST", f"/api/v1/companies/{company.pk}/einvoices/", MINIMAL.decode(),
        content_type="application/xml",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["totals"]["payable"] == "140.93"


def test_the_same_invoice_twice_is_refused_and_stores_nothing(world: World) -> None:
    company = with_vat(world.company, MINIMAL_BUYER)
    assert post_xml(world.owner, company, MINIMAL).status_code == 201
    before = snapshot()

    response = post_xml(world.owner, company, MINIMAL)

    assert response.status_code == 409
    assert response.json()["code"] == "duplicate_invoice"
    assert snapshot() == before


# --- Refusals: one clear error, nothing stored -------------------------------------------------


def _bad_files() -> list[tuple[str, bytes, str]]:
    totals_off = MINIMAL.replace(b">140.93</cbc:PayableAmount>", b">140.94</cbc:PayableAmount>")
    assert totals_off != MINIMAL
    return [
        ("totals off", totals_off, "totals_mismatch"),
        ("bad totals file", (DATA / "bad_totals.xml").read_bytes(), "totals_mismatch"),
        ("CII", (DATA / "cii_invoice.xml").read_bytes(), "unknown_format"),
        ("not XML", (DATA / "not_xml.pdf").read_bytes(), "not_xml"),
        ("plain text", b"just some words, no invoice", "not_xml"),
        ("XXE", (DATA / "xxe.xml").read_bytes(), "unsafe_xml"),
        ("billion laughs", (DATA / "billion_laughs.xml").read_bytes(), "unsafe_xml"),
        ("too large", b"<" + b"x" * (10 * 1024 * 1024), "too_large"),
        ("not a UBL invoice", b"<?xml version='1.0'?><Order xmlns='urn:x'/>", "unknown_format"),
    ]


@pytest.mark.parametrize("case", _bad_files(), ids=lambda c: c[0])
def test_a_bad_einvoice_gets_one_clear_error_and_stores_nothing(world: World, case) -> None:
    _, data, code = case
    company = with_vat(world.company, MINIMAL_BUYER)
    before = snapshot()

    response = post_xml(world.client, company, data)

    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert body["code"] == code
    assert body["message"].endswith(".") and len(body["message"]) < 400
    assert snapshot() == before


def test_an_invoice_for_another_buyer_is_refused_and_stores_nothing(world: World) -> None:
    company = with_vat(world.company, "BE0403019261")  # not the buyer on the file
    before = snapshot()

    response = post_xml(world.owner, company, MINIMAL)

    assert response.status_code == 400
    assert response.json()["code"] == "buyer_mismatch"
    assert "Alpha BV" in response.json()["message"]
    assert snapshot() == before


def test_a_company_without_vat_number_cannot_check_the_buyer(world: World) -> None:
    before = snapshot()
    response = post_xml(world.owner, world.company, MINIMAL)
    assert response.status_code == 400 and response.json()["code"] == "buyer_mismatch"
    assert snapshot() == before


def test_a_failure_after_the_file_was_stored_removes_it_again(world: World, monkeypatch) -> None:
    from bookkeeping.purchases import services

    company = with_vat(world.company, MINIMAL_BUYER)
    before = snapshot()

    def boom(invoice) -> None:
        raise services.PurchaseConflict("boom", "Failed on purpose.")

    monkeypatch.setattr(services, "_announce", boom)
    response = post_xml(world.owner, company, MINIMAL)

    assert response.status_code == 409 and response.json()["code"] == "boom"
    assert snapshot() == before


def test_outsiders_cannot_import_into_a_company(world: World) -> None:
    company = with_vat(world.company, MINIMAL_BUYER)
    before = snapshot()
    for user in (world.other_owner, world.other_client, world.assistant):
        response = post_xml(user, company, MINIMAL)
        assert response.status_code == 404, response.content
    assert snapshot() == before


def test_dates_of_the_import_are_those_of_the_file(world: World) -> None:
    company = with_vat(world.company, MINIMAL_BUYER)
    body = post_xml(world.owner, company, MINIMAL).json()
    invoice = Invoice.objects.get(pk=body["invoice"]["id"])
    assert invoice.issue_date == datetime.date(2025, 3, 14)
    assert invoice.due_date == datetime.date(2025, 4, 13)
    assert invoice.payment_reference == "+++090/9337/55493+++"
