"""General ledger of one account for a period: the opening balance, every posted line with its
running balance (a window function in the database), and the closing balance."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Sum, Window
from django.http import Http404

from server.tenancy.models import Company

from ..models import Account
from .common import BadReportInput, ReportTable, in_company_currency, money

# A ledger longer than this is refused: ask for a shorter period rather than send megabytes.
MAX_LINES = 20_000


@dataclass(frozen=True)
class LedgerLine:
    line: int
    entry: int
    entry_label: str
    date: datetime.date
    description: str
    party: str
    debit: Decimal
    credit: Decimal
    balance: Decimal  # running, debit - credit, from the opening balance


@dataclass(frozen=True)
class GeneralLedger:
    account: int
    code: str
    name: str
    start: datetime.date
    end: datetime.date
    currency: str
    opening: Decimal
    debit: Decimal
    credit: Decimal
    closing: Decimal
    lines: list[LedgerLine]


def account_of(company: Company, account_id: int | str | None) -> Account:
    if account_id in (None, ""):
        raise BadReportInput("no_account", "Choose the account (?account=<id>).")
    try:
        return Account.objects.get(company=company, pk=int(str(account_id)))
    except (Account.DoesNotExist, ValueError):
        raise Http404("No such account.") from None


def general_ledger(
    *, company: Company, account: Account, start: datetime.date, end: datetime.date
) -> GeneralLedger:
    lines = in_company_currency(company).filter(account=account)
    opening = money(
        lines.filter(date__lt=start).aggregate(balance=Sum(F("debit") - F("credit")))["balance"]
    )
    period = lines.filter(date__gte=start, date__lte=end)
    count = period.count()
    if count > MAX_LINES:
        raise BadReportInput(
            "too_many_lines",
            f"This account has {count:,} lines in the period; choose a shorter period.",
        )
    rows = (
        period.select_related("entry__journal", "entry__fiscal_year", "party")
        .annotate(
            running=Window(Sum(F("debit") - F("credit")), order_by=[F("date").asc(), F("id").asc()])
        )
        .order_by("date", "id")
    )
    result = [
        LedgerLine(
            line=line.pk,
            entry=line.entry_id,
            entry_label=line.entry.label,
            date=line.date,
            description=line.description or line.entry.memo,
            party=line.party.name if line.party else "",
            debit=line.debit,
            credit=line.credit,
            balance=opening + money(line.running),  # type: ignore[attr-defined]
        )
        for line in rows
    ]
    debit = sum((line.debit for line in result), money(None))
    credit = sum((line.credit for line in result), money(None))
    return GeneralLedger(
        account=account.pk,
        code=account.code,
        name=account.name,
        start=start,
        end=end,
        currency=company.currency,
        opening=opening,
        debit=debit,
        credit=credit,
        closing=opening + debit - credit,
        lines=result,
    )


def table(report: GeneralLedger, company: Company) -> ReportTable:
    rows: list = [[report.start, "", "Opening balance", "", None, None, report.opening]]
    rows += [
        [line.date, line.entry_label, line.description, line.party, line.debit, line.credit,
         line.balance]
        for line in report.lines
    ]  # fmt: skip
    rows.append(
        [report.end, "", "Closing balance", "", report.debit, report.credit, report.closing]
    )
    return ReportTable(
        title=f"General ledger {report.code} {report.name} — {company.name}",
        subtitle=f"{report.start:%Y-%m-%d} to {report.end:%Y-%m-%d}, {report.currency}",
        headers=["Date", "Entry", "Description", "Party", "Debit", "Credit", "Balance"],
        rows=rows,
        money_columns=frozenset({4, 5, 6}),
    )
