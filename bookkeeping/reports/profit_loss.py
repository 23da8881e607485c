"""Profit and loss by month: income and expense per account and month (one GROUP BY with
TruncMonth), the year-end closing entries left out (they would zero the year's last month)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.db.models.functions import TruncMonth

from server.tenancy.models import Company

from ..charts import AccountKind
from ..models import Account, Line
from .common import ZERO, ReportTable, closing_entry_ids, in_company_currency, money


@dataclass(frozen=True)
class PnlAccount:
    account: int
    code: str
    name: str
    kind: str  # income or expense
    months: list[Decimal]  # one per month of the report, income and expense both positive
    total: Decimal


@dataclass(frozen=True)
class PnlMonth:
    month: datetime.date  # the first day
    income: Decimal
    expense: Decimal
    result: Decimal


@dataclass(frozen=True)
class ProfitAndLoss:
    start: datetime.date
    end: datetime.date
    currency: str
    months: list[PnlMonth]
    accounts: list[PnlAccount]
    income: Decimal
    expense: Decimal
    result: Decimal


def result_lines(company: Company, start: datetime.date, end: datetime.date) -> QuerySet[Line]:
    """Posted income and expense lines of the period, without year-end closing entries."""
    # A literal list of account ids (a company has tens) lets the planner use the line_report index.
    accounts = Account.objects.filter(
        company=company, kind__in=[AccountKind.INCOME, AccountKind.EXPENSE]
    ).values_list("id", flat=True)
    lines = in_company_currency(company).filter(
        date__gte=start, date__lte=end, account_id__in=list(accounts)
    )
    closing = closing_entry_ids(company)
    return lines.exclude(entry_id__in=closing) if closing else lines


def month_starts(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    months, month = [], start.replace(day=1)
    while month <= end:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def profit_and_loss(*, company: Company, start: datetime.date, end: datetime.date) -> ProfitAndLoss:
    sums = (
        result_lines(company, start, end)
        .annotate(month=TruncMonth("date"))
        .values("account_id", "month")
        .annotate(debit=Sum("debit"), credit=Sum("credit"))
        .order_by()
    )
    months = month_starts(start, end)
    index = {month: i for i, month in enumerate(months)}
    accounts = {a.pk: a for a in Account.objects.filter(company=company)}
    per_account: dict[int, list[Decimal]] = {}
    for row in sums:
        account = accounts[row["account_id"]]
        amount = money(row["debit"]) - money(row["credit"])
        if account.kind == AccountKind.INCOME:
            amount = -amount
        month = row["month"]
        if isinstance(month, datetime.datetime):
            month = month.date()
        per_account.setdefault(account.pk, [ZERO] * len(months))[index[month]] += amount
    rows = sorted(
        (
            PnlAccount(
                account=pk,
                code=accounts[pk].code,
                name=accounts[pk].name,
                kind=accounts[pk].kind,
                months=values,
                total=sum(values, ZERO),
            )
            for pk, values in per_account.items()
        ),
        key=lambda r: (r.kind != AccountKind.INCOME, r.code),
    )
    month_rows = []
    for i, month in enumerate(months):
        income = sum((r.months[i] for r in rows if r.kind == AccountKind.INCOME), ZERO)
        expense = sum((r.months[i] for r in rows if r.kind == AccountKind.EXPENSE), ZERO)
        month_rows.append(PnlMonth(month, income, expense, income - expense))
    income = sum((m.income for m in month_rows), ZERO)
    expense = sum((m.expense for m in month_rows), ZERO)
    return ProfitAndLoss(
        start=start,
        end=end,
        currency=company.currency,
        months=month_rows,
        accounts=rows,
        income=income,
        expense=expense,
        result=income - expense,
    )


def table(report: ProfitAndLoss, company: Company) -> ReportTable:
    months = [m.month.strftime("%Y-%m") for m in report.months]
    rows: list = [[r.code, r.name, *r.months, r.total] for r in report.accounts]
    rows.append(["", "Income", *[m.income for m in report.months], report.income])
    rows.append(["", "Expense", *[m.expense for m in report.months], report.expense])
    rows.append(["", "Result", *[m.result for m in report.months], report.result])
    return ReportTable(
        title=f"Profit and loss — {company.name}",
        subtitle=f"{report.start:%Y-%m-%d} to {report.end:%Y-%m-%d}, {report.currency}",
        headers=["Account", "Name", *months, "Total"],
        rows=rows,
        money_columns=frozenset(range(2, len(months) + 3)),
    )
