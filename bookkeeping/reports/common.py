"""What every report shares: the posted lines of a company, dates, and the table of an export."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet

from server.tenancy.models import Company

from ..errors import BooksError
from ..models import FiscalYear, Line

ZERO = Decimal("0.00")


class BadReportInput(BooksError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(code, message)


def date_parse(value: str | None, name: str, default: datetime.date | None = None) -> datetime.date:
    """A YYYY-MM-DD query parameter, or a clear refusal."""
    if value in (None, ""):
        if default is not None:
            return default
        raise BadReportInput("bad_date", f"Give the {name} date as YYYY-MM-DD.")
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise BadReportInput(
            "bad_date", f"The {name} date {value!r} is not a date; write it as YYYY-MM-DD."
        ) from None


def period_check(start: datetime.date, end: datetime.date) -> None:
    if end < start:
        raise BadReportInput("bad_period", "The period ends before it starts; swap the dates.")
    if (end - start).days > 366 * 5:
        raise BadReportInput("bad_period", "Choose a period of at most five years.")


def posted_lines(company: Company) -> QuerySet[Line]:
    """The company's posted lines (drafts never count in a report)."""
    return Line.objects.filter(company=company, posted=True)


def in_company_currency(company: Company) -> QuerySet[Line]:
    return posted_lines(company).filter(currency=company.currency)


def closing_entry_ids(company: Company) -> list[int]:
    """Year-end closing entries: left out of the profit and loss, which they would zero."""
    return list(
        FiscalYear.objects.filter(company=company, closing_entry__isnull=False).values_list(
            "closing_entry_id", flat=True
        )
    )


def money(value: Decimal | None) -> Decimal:
    return (value or ZERO).quantize(Decimal("0.01"))


Cell = str | int | Decimal | datetime.date | None


@dataclass(frozen=True)
class ReportTable:
    """A report flattened for CSV, XLSX and PDF: a title, column headings and rows of cells."""

    title: str
    subtitle: str
    headers: Sequence[str]
    rows: list[Sequence[Cell]] = field(default_factory=list)
    # Which columns hold amounts (right-aligned, number format in XLSX).
    money_columns: frozenset[int] = frozenset()
    # Plain numbers (ratios, days), shown as they are.
    number_columns: frozenset[int] = frozenset()
