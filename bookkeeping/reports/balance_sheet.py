"""Balance sheet as of a date: assets, liabilities and equity per account, and the result not yet
closed into equity (income minus expense of every posted line up to the date)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from server.tenancy.models import Company

from ..charts import AccountKind
from ..models import Account
from .balances import balances_at
from .common import ZERO, ReportTable


@dataclass(frozen=True)
class SheetRow:
    account: int
    code: str
    name: str
    amount: Decimal  # assets debit - credit; liabilities and equity credit - debit


@dataclass(frozen=True)
class BalanceSheet:
    date: datetime.date
    currency: str
    assets: list[SheetRow]
    liabilities: list[SheetRow]
    equity: list[SheetRow]
    unclosed_result: Decimal  # the profit (or loss, < 0) not yet closed into equity
    total_assets: Decimal
    total_liabilities: Decimal
    total_equity: Decimal  # equity accounts + the unclosed result
    balanced: bool  # total_assets == total_liabilities + total_equity


def balance_sheet(*, company: Company, date: datetime.date) -> BalanceSheet:
    balances = balances_at(company, date)
    sections: dict[str, list[SheetRow]] = {
        AccountKind.ASSET: [], AccountKind.LIABILITY: [], AccountKind.EQUITY: []
    }  # fmt: skip
    result = ZERO
    for account in Account.objects.filter(company=company, pk__in=list(balances)):
        balance = balances[account.pk]
        if account.kind in (AccountKind.INCOME, AccountKind.EXPENSE):
            result -= balance
            continue
        if balance == 0:
            continue
        amount = balance if account.kind == AccountKind.ASSET else -balance
        sections[account.kind].append(SheetRow(account.pk, account.code, account.name, amount))
    total = {kind: sum((r.amount for r in rows), ZERO) for kind, rows in sections.items()}
    equity = total[AccountKind.EQUITY] + result
    return BalanceSheet(
        date=date,
        currency=company.currency,
        assets=sections[AccountKind.ASSET],
        liabilities=sections[AccountKind.LIABILITY],
        equity=sections[AccountKind.EQUITY],
        unclosed_result=result,
        total_assets=total[AccountKind.ASSET],
        total_liabilities=total[AccountKind.LIABILITY],
        total_equity=equity,
        balanced=total[AccountKind.ASSET] == total[AccountKind.LIABILITY] + equity,
    )


def table(report: BalanceSheet, company: Company) -> ReportTable:
    rows: list = []
    for title, section, total in (
        ("Assets", report.assets, report.total_assets),
        ("Liabilities", report.liabilities, report.total_liabilities),
        ("Equity", report.equity, report.total_equity),
    ):
        rows.append([title, "", None])
        rows += [[r.code, r.name, r.amount] for r in section]
        if title == "Equity":
            rows.append(["", "Result not yet closed", report.unclosed_result])
        rows.append(["", f"Total {title.lower()}", total])
    return ReportTable(
        title=f"Balance sheet — {company.name}",
        subtitle=f"As of {report.date:%Y-%m-%d}, {report.currency}",
        headers=["Account", "Name", "Amount"],
        rows=rows,
        money_columns=frozenset({2}),
    )
