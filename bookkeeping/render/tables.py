"""One report table, three formats: CSV (for any tool), XLSX (for Excel) and PDF (for people).

Every report (trial balance, ledger, P&L, balance sheet, VAT summary, ageing, ratios) builds a
`Table` and hands it to these functions. Money is Decimal end to end: a float in a money column
raises TypeError rather than print 0.1 + 0.2. Percent values are fractions (0.125 = 12.5 %).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from fpdf import FPDF
from fpdf.fonts import FontFace
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .fonts import PdfFont, font_install

ColumnKind = Literal["text", "money", "date", "number", "percent"]
_CENT = Decimal("0.01")
# A text cell starting with one of these is a formula to Excel/LibreOffice (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: ColumnKind = "text"

    @property
    def numeric(self) -> bool:
        return self.kind in ("money", "number", "percent")


@dataclass(frozen=True)
class Table:
    title: str
    columns: Sequence[Column]
    rows: Sequence[Mapping[str, object]]
    totals: Mapping[str, object] | None = None  # printed last, in bold; missing keys are blank
    notes: Sequence[str] = field(default_factory=tuple)  # printed under the PDF table


def _check(column: Column, value: object) -> object:
    if value is None:
        return None
    if column.numeric:
        if isinstance(value, float):
            raise TypeError(f"Column {column.key!r} takes Decimal, not float ({value!r}).")
        if isinstance(value, int) and not isinstance(value, bool):
            return Decimal(value)
        if not isinstance(value, Decimal):
            raise TypeError(f"Column {column.key!r} takes Decimal, not {type(value).__name__}.")
    if column.kind == "date" and not isinstance(value, dt.date):
        raise TypeError(f"Column {column.key!r} takes a date, not {type(value).__name__}.")
    return value


def _plain(column: Column, value: object) -> str:
    """The machine-readable text of a cell: 1234.50, 2026-03-31, 12.50 (percent points)."""
    value = _check(column, value)
    if value is None:
        return ""
    if isinstance(value, Decimal):
        if column.kind == "money":
            return str(value.quantize(_CENT, ROUND_HALF_UP))
        if column.kind == "percent":
            return str((value * 100).quantize(_CENT, ROUND_HALF_UP))
        return str(value)
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _body(table: Table) -> list[tuple[Mapping[str, object], bool]]:
    rows = [(row, False) for row in table.rows]
    if table.totals is not None:
        rows.append((table.totals, True))
    return rows


def table_csv(table: Table) -> bytes:
    """UTF-8 with a BOM (so Excel reads the accents), comma-separated, RFC 4180 quoting."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(
        [f"{c.label} (%)" if c.kind == "percent" and "%" not in c.label else c.label
         for c in table.columns]
    )  # fmt: skip
    for row, _ in _body(table):
        cells = []
        for column in table.columns:
            text = _plain(column, row.get(column.key))
            if column.kind == "text" and text.startswith(_FORMULA_START):
                text = "'" + text
            cells.append(text)
        writer.writerow(cells)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


_XLSX_FORMATS: dict[str, str] = {
    "money": "#,##0.00",
    "date": "yyyy-mm-dd",
    "number": "#,##0.####",
    "percent": "0.0%",
}


def table_xlsx(table: Table) -> bytes:
    """One sheet: bold frozen header row, typed cells (numbers stay numbers), sized columns."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = re.sub(r"[\[\]:*?/\\]", " ", table.title)[:31] or "Report"
    workbook.properties.title = table.title
    bold = Font(bold=True)
    widths = [len(c.label) for c in table.columns]
    for index, column in enumerate(table.columns, start=1):
        cell = sheet.cell(row=1, column=index, value=column.label)
        cell.font = bold
    for row_index, (row, is_total) in enumerate(_body(table), start=2):
        for index, column in enumerate(table.columns, start=1):
            value = _check(column, row.get(column.key))
            cell = sheet.cell(row=row_index, column=index)
            if column.kind == "text" and value is not None:
                # Assigned as a plain string: "=SUM(...)" from a description stays text.
                cell.value = str(value)
                cell.data_type = "s"
            else:
                cell.value = value  # type: ignore[assignment]
                if column.kind in _XLSX_FORMATS:
                    cell.number_format = _XLSX_FORMATS[column.kind]
            if is_total:
                cell.font = bold
            shown = _plain(column, value)
            widths[index - 1] = max(widths[index - 1], len(shown) + (4 if column.numeric else 0))
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 60)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _shown(column: Column, value: object) -> str:
    """The human text of a cell in the PDF: 1,234.50; 12.5 %; 2026-03-31."""
    value = _check(column, value)
    if value is None:
        return ""
    if isinstance(value, Decimal):
        if column.kind == "money":
            return f"{value.quantize(_CENT, ROUND_HALF_UP):,}"
        if column.kind == "percent":
            return f"{(value * 100).quantize(Decimal('0.1'), ROUND_HALF_UP):,} %"
        return f"{value:,}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


class _ReportPdf(FPDF):
    def __init__(self, *, heading: str, subtitle: str, orientation: str) -> None:
        super().__init__(orientation=orientation, unit="mm", format="A4")
        self.heading = heading
        self.subtitle = subtitle
        self.font_used: PdfFont = font_install(self)
        self.set_margins(12, 12, 12)
        self.set_auto_page_break(auto=True, margin=15)
        self.alias_nb_pages()

    def header(self) -> None:
        self.set_font(self.font_used.family, "B", 12)
        self.cell(0, 6, self.font_used.text(self.heading), new_x="LMARGIN", new_y="NEXT")
        if self.subtitle:
            self.set_font(self.font_used.family, "", 9)
            self.cell(0, 5, self.font_used.text(self.subtitle), new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.font_used.family, "", 8)
        self.cell(0, 5, f"{self.page_no()} / {{nb}}", align="R")


def table_pdf(table: Table, *, company_name: str, subtitle: str = "") -> bytes:
    """A4 (landscape past six columns), header row repeated on every page, amounts right-aligned,
    page numbers "n / total" at the bottom."""
    orientation = "L" if len(table.columns) > 6 else "P"
    heading = f"{company_name} — {table.title}" if company_name else table.title
    pdf = _ReportPdf(heading=heading, subtitle=subtitle, orientation=orientation)
    font = pdf.font_used
    pdf.add_page()
    pdf.set_font(font.family, "", 8)
    weights = [1.0 if c.numeric or c.kind == "date" else 2.0 for c in table.columns]
    total_weight = sum(weights)
    aligns = tuple("RIGHT" if c.numeric else "LEFT" for c in table.columns)
    with pdf.table(
        col_widths=tuple(w / total_weight for w in weights),
        text_align=aligns,
        repeat_headings=1,
        headings_style=FontFace(emphasis="BOLD", fill_color=(230, 230, 230)),
        line_height=4.5,
        borders_layout="HORIZONTAL_LINES",
    ) as pdf_table:
        heading_row = pdf_table.row()
        for column in table.columns:
            heading_row.cell(font.text(column.label))
        for row, is_total in _body(table):
            style = FontFace(emphasis="BOLD") if is_total else None
            pdf_row = pdf_table.row(style=style)
            for column in table.columns:
                pdf_row.cell(font.text(_shown(column, row.get(column.key))))
    if table.notes:
        pdf.ln(3)
        pdf.set_font(font.family, "", 8)
        for note in table.notes:
            pdf.multi_cell(0, 4, font.text(note), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
