"""Balances per account as of a date (one GROUP BY), for the balance sheet and the ratios."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import F, Sum

from server.tenancy.models import Company

from .common import in_company_currency, money


def balances_at(company: Company, date: datetime.date) -> dict[int, Decimal]:
    """{account id: debit - credit} of every posted line in the company's currency up to `date`."""
    rows = (
        in_company_currency(company)
        .filter(date__lte=date)
        .values("account_id")
        .annotate(balance=Sum(F("debit") - F("credit")))
        .order_by()
    )
    return {row["account_id"]: money(row["balance"]) for row in rows}
