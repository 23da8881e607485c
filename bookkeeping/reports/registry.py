"""The reports by their URL name: how each reads its parameters, runs, and becomes a table.

The API and the publishing service both go through `report_run`, so that a published file holds
exactly what the same GET answers.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.http import Http404
from django.utils import timezone

from server.tenancy.models import Company

from ..services.install import fiscal_year_bounds
from . import (
    balance_sheet,
    cash,
    ledger,
    open_items,
    profit_loss,
    ratios,
    trial_balance,
    vat_summary,
)
from .common import ReportTable, date_parse, period_check

Params = Mapping[str, Any]


@dataclass(frozen=True)
class Report:
    name: str  # as in the URL
    title: str
    document_kind: str  # the dossier kind when published
    folder_template: str  # the dossier folder it is published to by default
    run: Callable[[Company, Params], Any]
    table: Callable[[Any, Company], ReportTable]


def as_of(company: Company, params: Params) -> datetime.date:
    return date_parse(params.get("date"), "report", default=timezone.localdate())


def period(company: Company, params: Params) -> tuple[datetime.date, datetime.date]:
    """?from=&to=; `to` defaults to today, `from` to the start of that fiscal year."""
    end = date_parse(params.get("to"), "end", default=timezone.localdate())
    if params.get("from"):
        start = date_parse(params.get("from"), "start")
    else:
        start = fiscal_year_bounds(company, end)[0]
    period_check(start, end)
    return start, end


def _party(params: Params) -> int | None:
    value = params.get("party")
    if value in (None, ""):
        return None
    try:
        return int(str(value))
    except ValueError:
        raise Http404("No such party.") from None


def _open_items(side: open_items.Side) -> Callable[[Company, Params], Any]:
    def run(company: Company, params: Params) -> dict[str, Any]:
        date = as_of(company, params)
        summary = open_items.open_items(company=company, side=side, date=date)
        party = _party(params)
        items = (
            open_items.open_item_list(company=company, side=side, date=date, party=party)
            if party is not None
            else None
        )
        return {"summary": summary, "items": items}

    return run


def _ledger(company: Company, params: Params) -> ledger.GeneralLedger:
    account = ledger.account_of(company, params.get("account"))
    start, end = period(company, params)
    return ledger.general_ledger(company=company, account=account, start=start, end=end)


def _with_period(selector: Callable[..., Any]) -> Callable[[Company, Params], Any]:
    def run(company: Company, params: Params) -> Any:
        start, end = period(company, params)
        return selector(company=company, start=start, end=end)

    return run


def _as_of(selector: Callable[..., Any]) -> Callable[[Company, Params], Any]:
    return lambda company, params: selector(company=company, date=as_of(company, params))


REPORTS: dict[str, Report] = {
    report.name: report
    for report in (
        Report("trial-balance", "Trial balance", "balance", "annual_accounts",
               _as_of(trial_balance.trial_balance), trial_balance.table),
        Report("general-ledger", "General ledger", "other", "annual_accounts",
               _ledger, ledger.table),
        Report("profit-and-loss", "Profit and loss", "other", "annual_accounts",
               _with_period(profit_loss.profit_and_loss), profit_loss.table),
        Report("balance-sheet", "Balance sheet", "balance", "annual_accounts",
               _as_of(balance_sheet.balance_sheet), balance_sheet.table),
        Report("vat-summary", "VAT summary", "vat_return", "vat_returns",
               _with_period(vat_summary.vat_summary), vat_summary.table),
        Report("cash", "Cash position", "other", "annual_accounts",
               _as_of(cash.cash_position), cash.table),
        Report("receivables", "Receivables", "other", "annual_accounts",
               _open_items("receivables"), lambda r, c: open_items.table(r["summary"], c)),
        Report("payables", "Payables", "other", "annual_accounts",
               _open_items("payables"), lambda r, c: open_items.table(r["summary"], c)),
        Report("ratios", "Ratios", "other", "annual_accounts",
               _with_period(ratios.ratios), ratios.table),
    )
}  # fmt: skip


def report_get(name: str) -> Report:
    try:
        return REPORTS[name]
    except KeyError:
        raise Http404("No such report.") from None


def report_run(*, company: Company, name: str, params: Params) -> tuple[Report, Any]:
    report = report_get(name)
    return report, report.run(company, params)
