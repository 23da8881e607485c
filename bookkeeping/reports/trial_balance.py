"""Trial balance as of a date: per account, the debits and credits of every posted line up to it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from server.tenancy.models import Company

from ..models import Account
from .common import ZERO, ReportTable, money, posted_lines


@dataclass(frozen=True)
class TrialBalanceRow:
    account: int
    code: str
    name: str
    kind: str
    currency: str
    debit: Decimal
    credit: Decimal
    balance: Decimal  # debit - credit


@dataclass(frozen=True)
class TrialBalanceTotal:
    currency: str
    debit: Decimal
    credit: Decimal


@dataclass(frozen=True)
class TrialBalance:
    date: datetime.date
    rows: list[TrialBalanceRow]
    totals: list[TrialBalanceTotal]  # one per currency; debit == credit in balanced books


def trial_balance(*, company: Company, date: datetime.date) -> TrialBalance:
    sums = (
        posted_lines(company)
        .filter(date__lte=date)
        .values("account_id", "currency")
        .annotate(debit=Sum("debit"), credit=Sum("credit"))
        .order_by()
    )
    accounts = {a.pk: a for a in Account.objects.filter(company=company)}
    rows = []
    totals: dict[str, list[Decimal]] = {}
    for row in sums:
        account = accounts[row["account_id"]]
        debit, credit = money(row["debit"]), money(row["credit"])
        rows.append(
            TrialBalanceRow(
                account=account.pk,
                code=account.code,
                name=account.name,
                kind=account.kind,
                currency=row["currency"],
                debit=debit,
                credit=credit,
                balance=debit - credit,
            )
        )
        total = totals.setdefault(row["currency"], [ZERO, ZERO])
        total[0] += debit
        total[1] += credit
    rows.sort(key=lambda r: (r.currency != company.currency, r.currency, r.code))
    return TrialBalance(
        date=date,
        rows=rows,
        totals=[TrialBalanceTotal(c, d, cr) for c, (d, cr) in sorted(totals.items())],
    )


def table(report: TrialBalance, company: Company) -> ReportTable:
    rows: list = [[r.code, r.name, r.currency, r.debit, r.credit, r.balance] for r in report.rows]
    rows += [
        ["", "Total", t.currency, t.debit, t.credit, t.debit - t.credit] for t in report.totals
    ]
    return ReportTable(
        title=f"Trial balance — {company.name}",
        subtitle=f"As of {report.date:%Y-%m-%d}",
        headers=["Account", "Name", "Currency", "Debit", "Credit", "Balance"],
        rows=rows,
        money_columns=frozenset({3, 4, 5}),
    )
