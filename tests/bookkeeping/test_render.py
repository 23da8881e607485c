"""Report tables to CSV/XLSX/PDF and the invoice PDF, read back the way a user's tool reads them."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pypdfium2 as pdfium
import pytest
from openpyxl import load_workbook

from bookkeeping.render import (
    Column,
    InvoiceDocument,
    InvoiceItem,
    InvoiceParty,
    Table,
    VatSummaryRow,
    fonts,
    invoice_pdf,
    table_csv,
    table_pdf,
    table_xlsx,
)
from bookkeeping.render.invoice_pdf import LABELS, format_amount, format_quantity

COLUMNS = [
    Column("code", "Account"),
    Column("name", "Name"),
    Column("date", "Date", "date"),
    Column("debit", "Debit", "money"),
    Column("share", "Share", "percent"),
]


def _table(rows: int = 2) -> Table:
    base = [
        {
            "code": "400000",
            "name": 'Clients, "Łódź" ø',
            "date": dt.date(2026, 3, 31),
            "debit": Decimal("1234.5"),
            "share": Decimal("0.125"),
        },
        {"code": "440000", "name": '=HYPERLINK("x")', "debit": Decimal("-0.1"), "share": None},
    ]
    body = [dict(base[i % 2], code=f"{400000 + i}") for i in range(rows)] if rows > 2 else base
    return Table(
        "Trial balance", COLUMNS, body, totals={"name": "Total", "debit": Decimal("1234.40")}
    )


def _pdf_pages(data: bytes) -> list[str]:
    document = pdfium.PdfDocument(data)
    return [page.get_textpage().get_text_range() for page in document]


def test_csv_is_excel_friendly_utf8_with_exact_decimals() -> None:
    data = table_csv(_table())
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["Account", "Name", "Date", "Debit", "Share (%)"]
    assert rows[1] == ["400000", 'Clients, "Łódź" ø', "2026-03-31", "1234.50", "12.50"]
    # A cell that a spreadsheet would run as a formula is neutralised; amounts are not touched.
    assert rows[2] == ["440000", '\'=HYPERLINK("x")', "", "-0.10", ""]
    assert rows[3] == ["", "Total", "", "1234.40", ""]


def test_floats_are_refused_in_money_columns() -> None:
    table = Table("t", COLUMNS, [{"debit": 0.1}])
    with pytest.raises(TypeError, match="Decimal"):
        table_csv(table)
    with pytest.raises(TypeError, match="Decimal"):
        table_xlsx(table)


def test_xlsx_types_formats_and_header() -> None:
    sheet = load_workbook(io.BytesIO(table_xlsx(_table()))).active
    assert sheet is not None
    assert sheet.title == "Trial balance"
    assert [c.value for c in sheet[1]] == ["Account", "Name", "Date", "Debit", "Share"]
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    debit = sheet["D2"]
    assert debit.value == pytest.approx(1234.5) and debit.number_format == "#,##0.00"
    assert (
        sheet["C2"].value == dt.datetime(2026, 3, 31) and sheet["C2"].number_format == "yyyy-mm-dd"
    )
    assert sheet["E2"].value == pytest.approx(0.125) and "%" in sheet["E2"].number_format
    # Text that looks like a formula stays text.
    assert sheet["B3"].value == '=HYPERLINK("x")' and sheet["B3"].data_type == "s"
    assert sheet["B4"].value == "Total" and sheet["B4"].font.bold
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["A"].width


def test_pdf_repeats_the_header_numbers_pages_and_right_aligns_amounts() -> None:
    rows = [
        {"code": str(i), "name": f"Konto ł {i}", "debit": Decimal(10 ** (i % 6)) + Decimal("0.5")}
        for i in range(150)
    ]
    data = table_pdf(
        Table("Grand livre", COLUMNS, rows), company_name="Żółć sp. z o.o.", subtitle="2026"
    )
    pages = _pdf_pages(data)
    assert len(pages) >= 3
    for number, text in enumerate(pages, start=1):
        assert "Żółć sp. z o.o. — Grand livre" in text
        assert "Account" in text and "Debit" in text  # header row on every page
        assert f"{number} / {len(pages)}" in text
    assert "100,000.50" in pages[0]
    page = pdfium.PdfDocument(data)[0].get_textpage()
    rights = []
    for needle in ("1.50", "100,000.50"):
        searcher = page.search(needle)
        found = searcher.get_next()
        assert found is not None
        index, count = found
        rights.append(page.get_charbox(index + count - 1)[2])
    assert rights[0] == pytest.approx(rights[1], abs=0.5)


def _invoice(language: str = "pl", kind: str = "invoice") -> InvoiceDocument:
    return InvoiceDocument(
        kind=kind,  # type: ignore[arg-type]
        number="FV/2026/03/0007",
        issue_date=dt.date(2026, 3, 4),
        due_date=dt.date(2026, 3, 18),
        currency="PLN",
        seller=InvoiceParty(
            "Biuro Rachunkowe Wspólnik sp. z o.o.",
            ("ul. Świętokrzyska 12", "00-916 Warszawa"),
            "PL5260250274",
            iban="PL61109010140000071219812874",
            bic="WBKPPLPP",
        ),
        buyer=InvoiceParty(
            "Zażółć Gęślą Jaźń S.A.", ("ul. Łąkowa 3", "90-554 Łódź"), "PL7251801126"
        ),
        lines=(
            InvoiceItem(
                "Usługi księgowe — marzec",
                Decimal("1"),
                Decimal("1500"),
                Decimal("23"),
                Decimal("1500.00"),
            ),
            InvoiceItem(
                "Książka", Decimal("3"), Decimal("33.3333"), Decimal("5"), Decimal("100.00")
            ),
        ),
        vat_breakdown=(
            VatSummaryRow(Decimal("23"), Decimal("1500.00"), Decimal("345.00")),
            VatSummaryRow(Decimal("5"), Decimal("100.00"), Decimal("5.00")),
        ),
        net_total=Decimal("1600.00"),
        vat_total=Decimal("350.00"),
        gross_total=Decimal("1950.00"),
        payment_reference="FV/2026/03/0007",
        note="Dziękujemy za współpracę.",
        language=language,  # type: ignore[arg-type]
    )


def test_invoice_pdf_prints_number_totals_and_polish_names() -> None:
    (text,) = _pdf_pages(invoice_pdf(_invoice()))
    assert "Faktura VAT" in text
    assert "FV/2026/03/0007" in text
    assert "Zażółć Gęślą Jaźń S.A." in text and "90-554 Łódź" in text
    assert "Usługi księgowe — marzec" in text
    assert "1 600,00 PLN" in text and "350,00 PLN" in text and "1 950,00 PLN" in text
    assert "345,00" in text and "33,3333" in text
    assert "PL61109010140000071219812874" in text
    assert "18.03.2026" in text


@pytest.mark.parametrize("language", ["en", "fr", "nl", "pl", "nb"])
def test_invoice_labels_per_language(language: str) -> None:
    labels = LABELS[language]
    (text,) = _pdf_pages(invoice_pdf(_invoice(language)))
    for key in ("invoice", "issue_date", "buyer", "net_total", "amount_due"):
        assert labels[key].upper() in text.upper(), (language, key)
    assert f"{format_amount(Decimal('1950'), language)} PLN" in text
    assert set(LABELS[language]) == set(LABELS["en"])


def test_credit_note_names_the_invoice_it_corrects() -> None:
    document = _invoice("nb", kind="credit_note")
    document = InvoiceDocument(
        **{**document.__dict__, "credit_of_number": "FV/2026/02/0003", "number": "KOR/1"}
    )
    (text,) = _pdf_pages(invoice_pdf(document))
    assert "Kreditnota" in text and "FV/2026/02/0003" in text and "KOR/1" in text


def test_without_a_truetype_font_the_pdf_still_renders(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "font_paths", lambda: None)
    (text,) = _pdf_pages(invoice_pdf(_invoice()))
    assert (
        "Zazólc Gesla Jazn S.A." in text
    )  # ó is Latin-1, ż ł ą ę ń are not and "FV/2026/03/0007" in text
    assert "1 950,00 PLN" in text


def test_number_formats() -> None:
    assert format_amount(Decimal("1234.5"), "en") == "1,234.50"
    assert format_amount(Decimal("1234.5"), "fr") == "1 234,50"
    assert format_amount(Decimal("-1234567.005"), "nl") == "-1.234.567,01"
    assert format_amount(Decimal("0.125"), "nb") == "0,13"
    assert format_quantity(Decimal("3.000"), "pl") == "3"
    assert format_quantity(Decimal("1.50"), "pl") == "1,5"
    assert format_quantity(Decimal("1E+2"), "en") == "100"
    assert fonts.to_latin1("Łódź — ø") == "Lódz - ø"
