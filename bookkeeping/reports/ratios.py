"""Ratios for a period, each with the value of the previous period of the same length and the
change: gross margin, net margin, current ratio, quick ratio, DSO and DPO. A ratio whose
denominator is zero is None ("not meaningful"), never an error.

- gross margin = (revenue - purchases) / revenue; net margin = result / revenue, where revenue is
  the income of the period, purchases the expense on the account with role `purchases` (cost of
  goods sold) and result income - expense (year-end closing entries left out);
- current ratio = current assets / current liabilities, quick ratio = (current assets -
  inventory) / current liabilities, as of the last day (accounts flagged current / inventory);
- DSO = receivables / revenue x days, DPO = payables / purchases x days, balances as of the last
  day, days = the length of the period.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from server.tenancy.models import Company

from ..charts import AccountKind, Role
from ..models import Account
from .balances import balances_at
from .common import ZERO, ReportTable, money
from .profit_loss import result_lines

RATIO = Decimal("0.0001")
DAYS = Decimal("0.1")


@dataclass(frozen=True)
class Ratio:
    name: str
    value: Decimal | None
    previous: Decimal | None
    change: Decimal | None  # value - previous


@dataclass(frozen=True)
class Ratios:
    start: datetime.date
    end: datetime.date
    previous_start: datetime.date
    previous_end: datetime.date
    ratios: list[Ratio]


@dataclass(frozen=True)
class _Figures:
    revenue: Decimal
    purchases: Decimal
    result: Decimal
    current_assets: Decimal
    inventory: Decimal
    current_liabilities: Decimal
    receivables: Decimal
    payables: Decimal
    days: int


def _divide(numerator: Decimal, denominator: Decimal, quantum: Decimal) -> Decimal | None:
    if denominator == 0:
        return None
    return (numerator / denominator).quantize(quantum)


def _figures(
    company: Company, accounts: dict[int, Account], start: datetime.date, end: datetime.date
) -> _Figures:
    sums = result_lines(company, start, end).values("account_id").annotate(
        debit=Sum("debit"), credit=Sum("credit")
    ).order_by()  # fmt: skip
    revenue = purchases = expense = ZERO
    for row in sums:
        account = accounts[row["account_id"]]
        balance = money(row["debit"]) - money(row["credit"])
        if account.kind == AccountKind.INCOME:
            revenue -= balance
        else:
            expense += balance
            if account.role == Role.PURCHASES:
                purchases += balance
    current_assets = inventory = current_liabilities = receivables = payables = ZERO
    for account_id, balance in balances_at(company, end).items():
        account = accounts[account_id]
        if account.current and account.kind == AccountKind.ASSET:
            current_assets += balance
            if account.inventory:
                inventory += balance
        if account.current and account.kind == AccountKind.LIABILITY:
            current_liabilities -= balance
        if account.role == Role.RECEIVABLE:
            receivables += balance
        if account.role == Role.PAYABLE:
            payables -= balance
    return _Figures(
        revenue=revenue,
        purchases=purchases,
        result=revenue - expense,
        current_assets=current_assets,
        inventory=inventory,
        current_liabilities=current_liabilities,
        receivables=receivables,
        payables=payables,
        days=(end - start).days + 1,
    )


def _values(f: _Figures) -> dict[str, Decimal | None]:
    days = Decimal(f.days)
    dso = _divide(f.receivables * days, f.revenue, DAYS)
    dpo = _divide(f.payables * days, f.purchases, DAYS)
    return {
        "gross_margin": _divide(f.revenue - f.purchases, f.revenue, RATIO),
        "net_margin": _divide(f.result, f.revenue, RATIO),
        "current_ratio": _divide(f.current_assets, f.current_liabilities, RATIO),
        "quick_ratio": _divide(f.current_assets - f.inventory, f.current_liabilities, RATIO),
        "dso": dso,
        "dpo": dpo,
    }


def previous_period(
    start: datetime.date, end: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """The period of the same length right before (a month before a month when whole months)."""
    length = end - start
    if start.day == 1 and (end + datetime.timedelta(days=1)).day == 1:
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        index = start.year * 12 + start.month - 1 - months
        previous_start = datetime.date(index // 12, index % 12 + 1, 1)
        return previous_start, start - datetime.timedelta(days=1)
    previous_end = start - datetime.timedelta(days=1)
    return previous_end - length, previous_end


def ratios(*, company: Company, start: datetime.date, end: datetime.date) -> Ratios:
    accounts = {a.pk: a for a in Account.objects.filter(company=company)}
    previous_start, previous_end = previous_period(start, end)
    now = _values(_figures(company, accounts, start, end))
    before = _values(_figures(company, accounts, previous_start, previous_end))
    result = []
    for name, value in now.items():
        old = before[name]
        change = value - old if value is not None and old is not None else None
        result.append(Ratio(name, value, old, change))
    return Ratios(start, end, previous_start, previous_end, result)


LABELS = {
    "gross_margin": "Gross margin",
    "net_margin": "Net margin",
    "current_ratio": "Current ratio",
    "quick_ratio": "Quick ratio",
    "dso": "Days sales outstanding",
    "dpo": "Days payables outstanding",
}


def table(report: Ratios, company: Company) -> ReportTable:
    return ReportTable(
        title=f"Ratios — {company.name}",
        subtitle=(
            f"{report.start:%Y-%m-%d} to {report.end:%Y-%m-%d}, against"
            f" {report.previous_start:%Y-%m-%d} to {report.previous_end:%Y-%m-%d}"
        ),
        headers=["Ratio", "Value", "Previous", "Change"],
        rows=[[LABELS[r.name], r.value, r.previous, r.change] for r in report.ratios],
        number_columns=frozenset({1, 2, 3}),
    )
