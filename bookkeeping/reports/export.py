"""A report's table as a file (CSV, XLSX or PDF) through the shared renderers of
bookkeeping/render/tables.py, which every export of the books uses."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from ..render import tables as render
from .common import BadReportInput, ReportTable

FORMATS = ("csv", "xlsx", "pdf")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@dataclass(frozen=True)
class ReportFile:
    content: bytes
    content_type: str
    extension: str


def _kind(table: ReportTable, index: int) -> render.ColumnKind:
    if index in table.money_columns:
        return "money"
    if index in table.number_columns:
        return "number"
    cells = [row[index] for row in table.rows if len(row) > index and row[index] is not None]
    if cells and all(isinstance(cell, datetime.date) for cell in cells):
        return "date"
    return "text"


def rendered(table: ReportTable) -> render.Table:
    columns = [
        render.Column(key=f"c{i}", label=label, kind=_kind(table, i))
        for i, label in enumerate(table.headers)
    ]
    rows = [
        {
            f"c{i}": cell if column.kind != "text" or cell is None else str(cell)
            for i, (cell, column) in enumerate(zip(row, columns, strict=True))
        }
        for row in table.rows
    ]
    return render.Table(title=table.title, columns=columns, rows=rows)


def report_file(table: ReportTable, fmt: str, *, company_name: str) -> ReportFile:
    if fmt not in FORMATS:
        raise BadReportInput("bad_format", "The format is csv, xlsx or pdf.")
    source = rendered(table)
    if fmt == "csv":
        content = render.table_csv(source)
    elif fmt == "xlsx":
        content = render.table_xlsx(source)
    else:
        content = render.table_pdf(source, company_name=company_name, subtitle=table.subtitle)
    return ReportFile(content, CONTENT_TYPES[fmt], fmt)
