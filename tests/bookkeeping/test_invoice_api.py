"""The invoices API as the client's people and the office use it: draft, issue, PDF, UBL, credit."""

from __future__ import annotations

from decimal import Decimal

import pypdfium2 as pdfium
import pytest

from bookkeeping import services as books
from bookkeeping.einvoice import einvoice_read
from bookkeeping.models import Invoice, VatCode
from server.tenancy.models import Company
from tests.conftest import api_as
from tests.factories import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def company(world: World) -> Company:
    Company.objects.filter(pk=world.company.pk).update(vat_number="BE0403019261")
    world.company.refresh_from_db()
    return world.company


def _body(company: Company, party: int, **extra) -> dict:
    s21 = VatCode.objects.get(company=company, code="S21").pk
    s06 = VatCode.objects.get(company=company, code="S06").pk
    return {
        "party": party,
        "lines": [
            {"description": "Consulting", "quantity": "2", "unit_price": "150.00", "vat_code": s21},
            {"description": "Manual", "quantity": "1", "unit_price": "19.99", "vat_code": s06},
        ],
        **extra,
    }


def _party(world: World, company: Company) -> int:
    return books.party_create(
        actor=world.client,
        company=company,
        name="Klant BV",
        country="BE",
        vat_number="BE0417497106",
    ).pk


def _pdf_text(data: bytes) -> str:
    return pdfium.PdfDocument(data)[0].get_textpage().get_text_range()


def test_the_client_drafts_issues_and_downloads(world: World, company: Company) -> None:
    api = api_as(world.client_member)
    created = api.post(
        f"/api/v1/companies/{company.pk}/invoices/",
        _body(company, _party(world, company)),
        format="json",
    )
    assert created.status_code == 201, created.content
    draft = created.json()
    assert (draft["state"], draft["number"], draft["currency"]) == ("draft", "", "EUR")
    assert draft["gross_total"] == "384.19"  # 300 + 63 + 19.99 + 1.20
    assert [row["tax"] for row in draft["vat_breakdown"]] == ["63.00", "1.20"]

    preview = api.get(f"/api/v1/invoices/{draft['id']}/pdf/")
    assert preview.status_code == 200 and preview["Content-Type"] == "application/pdf"
    assert "Klant BV" in _pdf_text(preview.content)
    assert api.get(f"/api/v1/invoices/{draft['id']}/ubl/").status_code == 409

    patched = api.patch(f"/api/v1/invoices/{draft['id']}/", {"note": "Thank you"}, format="json")
    assert patched.status_code == 200 and patched.json()["note"] == "Thank you"

    issued = api.post(f"/api/v1/invoices/{draft['id']}/issue/", {}, format="json")
    assert issued.status_code == 200, issued.content
    invoice = issued.json()
    assert invoice["state"] == "issued" and invoice["number"].endswith("-0001")
    assert invoice["entry"] and invoice["document"]

    pdf = api.get(f"/api/v1/invoices/{invoice['id']}/pdf/", follow=True)
    assert pdf.status_code == 200
    content = pdf.getvalue()  # the joined stream of a FileResponse, the body of any other
    assert invoice["number"] in _pdf_text(content)

    ubl = api.get(f"/api/v1/invoices/{invoice['id']}/ubl/")
    assert ubl.status_code == 200 and ubl["Content-Disposition"].startswith("attachment")
    read = einvoice_read(ubl.content)
    assert read.totals.payable == Decimal(invoice["gross_total"])
    assert read.seller.vat_number and read.buyer.vat_number

    refused = api.patch(f"/api/v1/invoices/{invoice['id']}/", {"note": "x"}, format="json")
    assert (refused.status_code, refused.json()["code"]) == (409, "not_draft")

    credit = api.post(f"/api/v1/invoices/{invoice['id']}/credit-note/", {}, format="json")
    assert credit.status_code == 201
    assert (credit.json()["kind"], credit.json()["credit_of"]) == ("credit_note", invoice["id"])
    credited = api.post(f"/api/v1/invoices/{credit.json()['id']}/issue/", {}, format="json")
    assert credited.json()["number"].startswith("CN")


def test_list_filters_and_pages_newest_first(world: World, company: Company) -> None:
    api = api_as(world.accountant)
    party = _party(world, company)
    ids = [
        api.post(
            f"/api/v1/companies/{company.pk}/invoices/", _body(company, party), format="json"
        ).json()["id"]
        for _ in range(3)
    ]
    api.post(f"/api/v1/invoices/{ids[0]}/issue/", {}, format="json")
    listed = api.get(f"/api/v1/companies/{company.pk}/invoices/?page_size=2").json()
    assert [row["id"] for row in listed["results"]] == [ids[2], ids[1]]
    rest = api.get(listed["next"]).json()
    assert [row["id"] for row in rest["results"]] == [ids[0]]
    drafts = api.get(f"/api/v1/companies/{company.pk}/invoices/?state=draft").json()["results"]
    assert {row["id"] for row in drafts} == {ids[1], ids[2]}
    assert api.get(f"/api/v1/companies/{company.pk}/invoices/?party=999999").json()["results"] == []
    deleted = api.delete(f"/api/v1/invoices/{ids[2]}/")
    assert deleted.status_code == 204 and not Invoice.objects.filter(pk=ids[2]).exists()


def test_an_internal_invoice_never_reaches_the_client(world: World, company: Company) -> None:
    staff = api_as(world.accountant)
    created = staff.post(
        f"/api/v1/companies/{company.pk}/invoices/",
        _body(company, _party(world, company)),
        format="json",
    ).json()
    Invoice.objects.filter(pk=created["id"]).update(audience="internal")
    client = api_as(world.client)
    assert client.get(f"/api/v1/invoices/{created['id']}/").status_code == 404
    assert client.get(f"/api/v1/companies/{company.pk}/invoices/").json()["results"] == []
    assert client.post(f"/api/v1/invoices/{created['id']}/issue/", {}).status_code == 404
    assert staff.get(f"/api/v1/invoices/{created['id']}/").status_code == 200


def test_bad_input_answers_one_clear_error(world: World, company: Company) -> None:
    api = api_as(world.client)
    other_party = books.party_create(
        actor=world.other_client, company=world.other_company, name="Elsewhere", country="NO"
    ).pk
    answer = api.post(
        f"/api/v1/companies/{company.pk}/invoices/", _body(company, other_party), format="json"
    )
    assert (answer.status_code, answer.json()["code"]) == (400, "invalid_party")
    body = _body(company, _party(world, company))
    body["lines"][0]["vat_code"] = VatCode.objects.get(company=company, code="P21").pk
    answer = api.post(f"/api/v1/companies/{company.pk}/invoices/", body, format="json")
    assert (answer.status_code, answer.json()["code"]) == (400, "invalid_vat_code")
    assert not Invoice.objects.exists()
