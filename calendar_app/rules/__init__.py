"""Statutory deadlines as data: one module per country, each rule citing its legal source.

    deadlines_for(profile_of(company), 2026)  # every deadline due in 2026, sorted by date

Pure functions over a `CompanyProfile`; the calendar's services turn the result into events.
"""

from __future__ import annotations

from . import be, no, pl
from .base import (
    COUNTRIES,
    VAT_REGIMES,
    CompanyProfile,
    Deadline,
    Frequency,
    Period,
    Rule,
    Shift,
    deadlines_in,
    is_business_day,
    profile_of,
    shifted,
)

RULES: list[Rule] = [*be.RULES, *pl.RULES, *no.RULES]

# The VAT regimes each country has; "none" is a company outside VAT (or exempt).
COUNTRY_VAT_REGIMES = {
    "BE": ("monthly", "quarterly", "none"),
    "PL": ("monthly", "quarterly", "none"),
    "NO": ("bimonthly", "monthly", "none"),
}


def rules_for(country: str) -> list[Rule]:
    return [rule for rule in RULES if rule.country == country.upper()]


def deadlines_for(profile: CompanyProfile, year: int) -> list[Deadline]:
    """Every deadline whose (shifted) due date falls in `year`, by due date then code."""
    return deadlines_in(rules_for(profile.country), profile, year)


__all__ = [
    "COUNTRIES",
    "COUNTRY_VAT_REGIMES",
    "RULES",
    "VAT_REGIMES",
    "CompanyProfile",
    "Deadline",
    "Frequency",
    "Period",
    "Rule",
    "Shift",
    "deadlines_for",
    "is_business_day",
    "profile_of",
    "rules_for",
    "shifted",
]
