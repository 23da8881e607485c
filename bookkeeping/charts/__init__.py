"""Charts of accounts per country, as data: what `books_install` copies into a company's ledger.

Each country module (`be.py`, `pl.py`, `no.py`) defines `ACCOUNTS`, a tuple of `AccountTemplate`.
The features of Kontor find the accounts they need by `role`, never by number, so that staff may
renumber or add accounts freely.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class AccountKind(StrEnum):
    ASSET = "asset"
    LIABILITY = "liability"
    EQUITY = "equity"
    INCOME = "income"
    EXPENSE = "expense"


class Role(StrEnum):
    """The accounts the features need; exactly one account per role in each template chart.

    RESULT_YEAR is a balance-sheet equity account for the result of the year awaiting the general
    meeting's appropriation (PL 860, NO 8800, BE 149000); RETAINED_EARNINGS holds the results of
    earlier years carried forward (BE 140000, PL 820, NO 2050). Both are EQUITY in every chart.
    Self-assessed VAT (reverse charge, intra-EU acquisitions) is owed on VAT_DUE and deducted on
    VAT_DEDUCTIBLE; VAT_SETTLEMENT holds the balance of a filed return until it is paid.
    """

    BANK = "bank"
    CASH = "cash"
    RECEIVABLE = "receivable"
    PAYABLE = "payable"
    VAT_DUE = "vat_due"
    VAT_DEDUCTIBLE = "vat_deductible"
    VAT_SETTLEMENT = "vat_settlement"
    REVENUE_GOODS = "revenue_goods"
    REVENUE_SERVICES = "revenue_services"
    PURCHASES = "purchases"
    COSTS = "costs"
    PAYROLL_EXPENSE = "payroll_expense"
    PAYROLL_PAYABLE = "payroll_payable"
    EQUITY_CAPITAL = "equity_capital"
    RETAINED_EARNINGS = "retained_earnings"
    RESULT_YEAR = "result_year"
    ROUNDING = "rounding"
    SUSPENSE = "suspense"


@dataclass(frozen=True)
class AccountTemplate:
    code: str
    name: str
    kind: AccountKind
    role: Role | None = None
    # Current assets/liabilities feed the current and quick ratios.
    current: bool = False
    # Inventory is left out of the quick ratio.
    inventory: bool = False


def chart_for(country: str) -> tuple[AccountTemplate, ...]:
    """The template chart of a country ("BE", "PL", "NO")."""
    from . import be, no, pl

    charts = {"BE": be.ACCOUNTS, "PL": pl.ACCOUNTS, "NO": no.ACCOUNTS}
    try:
        return charts[country]
    except KeyError:
        raise ValueError(f"No chart of accounts for country {country!r}.") from None
