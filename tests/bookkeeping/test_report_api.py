"""The reports over the API: JSON, the file exports, bad input, and publishing into the dossier."""

from __future__ import annotations

import csv
import io

import pypdfium2
import pytest
from openpyxl import load_workbook

from dossier.models import Document, DocumentKind, Folder
from tests.conftest import api_as
from tests.factories import World

from .helpers import account
from .report_ledger import Books, books_make

pytestmark = pytest.mark.django_db
BASE = "/api/v1/companies/{}/reports/"
REPORT_QUERIES = {
    "trial-balance": "date=2026-03-31",
    "general-ledger": "from=2026-01-01&to=2026-03-31&account={bank}",
    "profit-and-loss": "from=2026-01-01&to=2026-03-31",
    "balance-sheet": "date=2026-03-31",
    "vat-summary": "from=2026-01-01&to=2026-03-31",
    "cash": "date=2026-03-31",
    "receivables": "date=2026-03-31&party={customer}",
    "payables": "date=2026-03-31",
    "ratios": "from=2026-01-01&to=2026-03-31",
}


@pytest.fixture
def books(world: World) -> Books:
    return books_make(world.accountant, world.company)


def _url(world: World, books: Books, name: str, extra: str = "") -> str:
    query = REPORT_QUERIES[name].format(
        bank=account(world.company, "bank").pk, customer=books.customer.pk
    )
    return f"{BASE.format(world.company.pk)}{name}/?{query}{extra}"


def test_the_client_reads_its_trial_balance(world: World, books: Books) -> None:
    response = api_as(world.client).get(_url(world, books, "trial-balance"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["totals"] == [{"currency": "EUR", "debit": "2594.00", "credit": "2594.00"}]
    bank = next(r for r in body["rows"] if r["code"] == account(world.company, "bank").code)
    assert bank["balance"] == "200.00"


@pytest.mark.parametrize("name", list(REPORT_QUERIES))
def test_every_report_answers_json_to_the_client_member(world: World, books: Books, name) -> None:
    response = api_as(world.client_member).get(_url(world, books, name))
    assert response.status_code == 200, response.content


def test_receivables_with_the_items_of_a_party(world: World, books: Books) -> None:
    body = api_as(world.accountant).get(_url(world, books, "receivables")).json()
    assert body["totals"]["days_31_60"] == "710.00"
    assert [(i["residual"], i["bucket"]) for i in body["items"]] == [("710.00", "days_31_60")]


def test_ratios_answer_null_for_a_zero_denominator(world: World, books: Books) -> None:
    body = api_as(world.client).get(_url(world, books, "ratios")).json()
    gross = next(r for r in body["ratios"] if r["name"] == "gross_margin")
    assert gross == {"name": "gross_margin", "value": "0.6000", "previous": None, "change": None}


@pytest.mark.parametrize(
    ("query", "code"),
    [("date=2026-02-30", "bad_date"), ("date=yesterday", "bad_date")],
)
def test_a_bad_date_is_a_clear_400(world: World, query: str, code: str) -> None:
    url = f"{BASE.format(world.company.pk)}trial-balance/?{query}"
    response = api_as(world.client).get(url)
    assert response.status_code == 400
    assert response.json()["code"] == code and "YYYY-MM-DD" in response.json()["message"]


def test_a_swapped_period_and_a_bad_format_are_refused(world: World) -> None:
    client = api_as(world.client)
    swapped = client.get(f"{BASE.format(world.company.pk)}ratios/?from=2026-03-01&to=2026-01-01")
    assert (swapped.status_code, swapped.json()["code"]) == (400, "bad_period")
    bad = client.get(f"{BASE.format(world.company.pk)}cash/?format=docx")
    assert (bad.status_code, bad.json()["code"]) == (400, "bad_format")


def test_an_account_of_another_company_is_not_found(world: World, books: Books) -> None:
    other_bank = account(world.other_company, "bank").pk
    url = f"{BASE.format(world.company.pk)}general-ledger/?account={other_bank}"
    assert api_as(world.accountant).get(url).status_code == 404


def test_csv_export(world: World, books: Books) -> None:
    response = api_as(world.client).get(_url(world, books, "trial-balance", "&format=csv"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Account", "Name", "Currency", "Debit", "Credit", "Balance"]
    assert ["", "Total", "EUR", "2594.00", "2594.00", "0.00"] in rows


@pytest.mark.parametrize("name", list(REPORT_QUERIES))
def test_xlsx_and_pdf_exports_open(world: World, books: Books, name: str) -> None:
    client = api_as(world.client)
    xlsx = client.get(_url(world, books, name, "&format=xlsx"))
    assert xlsx.status_code == 200, xlsx.content[:300]
    assert "attachment" in xlsx["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None and sheet.max_row >= 2
    pdf = client.get(_url(world, books, name, "&format=pdf"))
    assert pdf.status_code == 200
    document = pypdfium2.PdfDocument(pdf.content)
    assert len(document) >= 1
    document.close()


def test_staff_publish_the_balance_sheet_and_the_client_sees_it(world: World, books: Books) -> None:
    url = f"{BASE.format(world.company.pk)}balance-sheet/publish/"
    response = api_as(world.accountant).post(
        url,
        {"params": {"date": "2026-03-31"}, "format": "pdf", "note": "Q1 balance",
         "acknowledgement_required": True},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    document = Document.objects.get(pk=response.json()["id"])
    assert document.kind == DocumentKind.BALANCE
    assert document.published_at is not None and document.ack_required
    assert document.publish_note == "Q1 balance"
    assert document.folder.template_code == "annual_accounts"
    listing = api_as(world.client).get(f"/api/v1/companies/{world.company.pk}/documents/")
    assert document.pk in [d["id"] for d in listing.json()["results"]]


def test_the_vat_summary_is_published_as_a_vat_return(world: World, books: Books) -> None:
    url = f"{BASE.format(world.company.pk)}vat-summary/publish/"
    response = api_as(world.owner).post(
        url, {"params": {"from": "2026-01-01", "to": "2026-03-31"}, "format": "csv"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    document = Document.objects.get(pk=response.json()["id"])
    assert (document.kind, document.folder.template_code) == ("vat_return", "vat_returns")


def test_publish_is_for_staff_only_and_refuses_an_internal_folder(
    world: World, books: Books
) -> None:
    url = f"{BASE.format(world.company.pk)}trial-balance/publish/"
    refused = api_as(world.client).post(url, {"format": "csv"}, format="json")
    assert refused.status_code == 403
    internal = Folder.objects.get(company=world.company, template_code="office_working_papers")
    response = api_as(world.accountant).post(
        url, {"format": "csv", "folder": internal.pk}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (400, "internal_folder")
    assert not Document.objects.filter(company=world.company).exists()


def test_an_unknown_report_is_not_found(world: World) -> None:
    url = f"{BASE.format(world.company.pk)}horoscope/publish/"
    assert api_as(world.owner).post(url, {}, format="json").status_code == 404


def test_the_reports_are_in_the_openapi_schema(world: World) -> None:
    paths = api_as(world.owner).get("/api/v1/schema/?format=json").json()["paths"]
    for name in REPORT_QUERIES:
        assert f"/api/v1/companies/{{company_id}}/reports/{name}/" in paths
    assert "/api/v1/companies/{company_id}/reports/{name}/publish/" in paths
