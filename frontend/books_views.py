"""The Books tab: a dashboard, sales invoices, purchases, entries and reports. The page is a shell
rendered here; static/kontor/books/ fills it from /api/v1/ (docs/api.md) and keeps it live.

What the page may offer is decided here once (`staff`): a client gets no staff-only control in the
HTML at all, and the API refuses them anyway.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from bookkeeping import selectors as books_selectors
from bookkeeping.models import EntryState, InvoiceKind, InvoiceState, PartyKind
from bookkeeping.vat_codes import Direction
from calendar_app.rules.base import months, quarters, terms
from dossier.models import DocumentKind
from server.accounts.models import User
from server.tenancy.access import is_staff_of
from server.tenancy.models import Company, VatRegime

from . import books_strings

# name -> which parameters the report takes (docs/api.md, "Bookkeeping: reports")
REPORT_PARAMS: dict[str, tuple[str, ...]] = {
    "profit-and-loss": ("from", "to"),
    "balance-sheet": ("date",),
    "trial-balance": ("date",),
    "general-ledger": ("account", "from", "to"),
    "vat-summary": ("from", "to"),
    "cash": ("date",),
    "receivables": ("date",),
    "payables": ("date",),
    "ratios": ("from", "to"),
}

# The periods of a VAT return by the company's regime: the calendar's deadline rules' own.
VAT_PERIODS = {VatRegime.MONTHLY: months, VatRegime.BIMONTHLY: terms, VatRegime.QUARTERLY: quarters}


def vat_period(company: Company, today: datetime.date) -> dict[str, str] | None:
    """The VAT return period `today` falls in, or None when the company files no returns."""
    periods_of = VAT_PERIODS.get(company.vat_regime)  # type: ignore[call-overload]
    if periods_of is None:
        return None
    period = next(p for p in periods_of(None, today.year) if p.start <= today <= p.end)
    return {"from": period.start.isoformat(), "to": period.end.isoformat()}


def _choices(choices: Any) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


def books_context(company: Company, user: User) -> dict[str, Any]:
    staff = is_staff_of(user, company)
    today = timezone.localdate()
    vat_codes = [
        {
            "id": code.pk,
            "code": code.code,
            "name": code.name,
            "rate": format(code.rate, "f"),
            "category": code.ubl_category,
        }
        for code in books_selectors.vat_code_list(company=company)
        if code.active and code.direction == Direction.SALES
    ]
    accounts = [
        {"id": account.pk, "code": account.code, "name": account.name, "kind": account.kind}
        for account in books_selectors.account_list(company=company)
        if account.active
    ]
    journals = [
        {"id": journal.pk, "code": journal.code, "name": journal.name}
        for journal in books_selectors.journal_list(company=company)
    ]
    reports = [
        {"name": name, "params": list(params), "title": str(books_strings.REPORT_TITLES[name])}
        for name, params in REPORT_PARAMS.items()
    ]
    return {
        "books_staff": staff,
        "books_reports": reports,
        "books_config": {
            "company": company.pk,
            "staff": staff,
            "currency": company.currency,
            "country": company.country,
            "today": today.isoformat(),
            "vatPeriod": vat_period(company, today),
            "vatCodes": vat_codes,
            "accounts": accounts,
            "journals": journals,
            "reports": reports,
            "purchaseKind": DocumentKind.PURCHASE_INVOICE.value,
            "invoiceStates": _choices(InvoiceState.choices),
            "invoiceKinds": _choices(InvoiceKind.choices),
            "entryStates": _choices(EntryState.choices),
            "partyKinds": _choices(PartyKind.choices),
        },
        "books_strings": books_strings.translated(),
    }
