"""Small builders for the books tests: accounts by role, balanced lines, posted entries."""

from __future__ import annotations

import datetime
from decimal import Decimal

from bookkeeping import services
from bookkeeping.models import Account, Entry, Journal, JournalKind
from bookkeeping.services import LineInput
from server.accounts.models import User
from server.tenancy.models import Company


def account(company: Company, role: str) -> Account:
    return services.account_for_role(company=company, role=role)


def journal(company: Company, kind: str = JournalKind.GENERAL) -> Journal:
    return services.journal_for(company=company, kind=kind)


def pair(
    company: Company,
    amount: str,
    debit_role: str = "bank",
    credit_role: str = "revenue_goods",
    **extra,
) -> list[LineInput]:
    """Two lines: `amount` debited on one account and credited on the other."""
    value = Decimal(amount)
    return [
        LineInput(account=account(company, debit_role), debit=value, **extra),
        LineInput(account=account(company, credit_role), credit=value, **extra),
    ]  # fmt: skip


def draft(
    staff: User,
    company: Company,
    amount: str = "100.00",
    date: datetime.date | None = None,
    kind: str = JournalKind.GENERAL,
    **kwargs,
) -> Entry:
    return services.entry_create(
        actor=staff, company=company, journal=journal(company, kind),
        date=date or datetime.date.today(), lines=pair(company, amount), **kwargs,
    )  # fmt: skip


def posted(
    staff: User,
    company: Company,
    amount: str = "100.00",
    date: datetime.date | None = None,
    kind: str = JournalKind.GENERAL,
) -> Entry:
    return services.entry_post(actor=staff, entry=draft(staff, company, amount, date, kind))
