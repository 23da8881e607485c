"""Cash position as of a date: the balance of each bank and cash account (by role), and the money
that came in and went out over the 30 days up to the date."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum

from server.tenancy.models import Company

from ..charts import Role
from ..models import Account
from .common import ZERO, ReportTable, in_company_currency, money

CASH_ROLES = (Role.BANK, Role.CASH)
RECENT_DAYS = 30


@dataclass(frozen=True)
class CashAccount:
    account: int
    code: str
    name: str
    role: str
    balance: Decimal


@dataclass(frozen=True)
class CashPosition:
    date: datetime.date
    currency: str
    accounts: list[CashAccount]
    total: Decimal
    inflow_30_days: Decimal
    outflow_30_days: Decimal


def cash_position(*, company: Company, date: datetime.date) -> CashPosition:
    accounts = list(Account.objects.filter(company=company, role__in=[str(r) for r in CASH_ROLES]))
    since = date - datetime.timedelta(days=RECENT_DAYS - 1)
    rows = (
        in_company_currency(company)
        .filter(account_id__in=[a.pk for a in accounts], date__lte=date)
        .values("account_id")
        .annotate(
            total_debit=Sum("debit"),
            total_credit=Sum("credit"),
            recent_in=Sum("debit", filter=Q(date__gte=since)),
            recent_out=Sum("credit", filter=Q(date__gte=since)),
        )
        .order_by()
    )
    sums = {row["account_id"]: row for row in rows}
    result = []
    inflow = outflow = ZERO
    for account in accounts:
        row: Mapping[str, Any] = sums.get(account.pk) or {}
        result.append(
            CashAccount(
                account=account.pk,
                code=account.code,
                name=account.name,
                role=account.role or "",
                balance=money(row.get("total_debit")) - money(row.get("total_credit")),
            )
        )
        inflow += money(row.get("recent_in"))
        outflow += money(row.get("recent_out"))
    return CashPosition(
        date=date,
        currency=company.currency,
        accounts=result,
        total=sum((a.balance for a in result), ZERO),
        inflow_30_days=inflow,
        outflow_30_days=outflow,
    )


def table(report: CashPosition, company: Company) -> ReportTable:
    rows: list = [[a.code, a.name, a.balance] for a in report.accounts]
    rows.append(["", "Total", report.total])
    rows.append(["", f"In over the last {RECENT_DAYS} days", report.inflow_30_days])
    rows.append(["", f"Out over the last {RECENT_DAYS} days", report.outflow_30_days])
    return ReportTable(
        title=f"Cash position — {company.name}",
        subtitle=f"As of {report.date:%Y-%m-%d}, {report.currency}",
        headers=["Account", "Name", "Amount"],
        rows=rows,
        money_columns=frozenset({2}),
    )
