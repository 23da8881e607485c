"""What every country's deadline rules are built from. Pure Python: nothing here reads the database.

A `Rule` is data: the companies it binds, how its periods are cut, how the due date follows from
a period, how a weekend or public holiday moves that date (with the country's holiday calendar from
the `holidays` package), the due dates it governs (`valid_from`/`valid_to`) and its legal source.
One obligation code may have several rules (variants): one per VAT regime, or one before and one
after a change in the law. For any company and period at most one variant yields a date.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache
from typing import Any

import holidays
from django.utils.functional import Promise

Title = str | Promise

COUNTRIES = ("BE", "PL", "NO")
VAT_REGIMES = ("monthly", "quarterly", "bimonthly", "none")


class Frequency(StrEnum):
    MONTHLY = "monthly"
    BIMONTHLY = "bimonthly"  # Norway's six terms: Jan–Feb, Mar–Apr, ...
    QUARTERLY = "quarterly"
    YEARLY = "yearly"  # the calendar year
    FISCAL_YEARLY = "fiscal-yearly"  # the company's fiscal year, labelled by the year it ends in
    FISCAL_QUARTERLY = "fiscal-quarterly"  # the four quarters of the fiscal year
    INSTALMENTS = "instalments"  # several payments on one year's tax


class Shift(StrEnum):
    """How a due date on a Saturday, Sunday or public holiday moves (each rule cites why)."""

    NEXT_BUSINESS_DAY = "next"
    PREVIOUS_BUSINESS_DAY = "previous"
    NONE = "none"


# --- The company ---------------------------------------------------------------------------------


def normal_form(legal_form: str) -> str:
    """ "sp. z o.o." and "Sp.z.o.o" are the same form: compare without case, dots or spaces."""
    return "".join(c for c in legal_form.lower() if c.isalnum())


@dataclass(frozen=True)
class CompanyProfile:
    """What the rules need to know about a company."""

    country: str  # "BE", "PL" or "NO"
    vat_regime: str = "monthly"  # "monthly", "quarterly", "bimonthly" or "none"
    employer: bool = False
    legal_form: str = ""  # as people write it: "BV", "sp. z o.o.", "AS"; "" is a sole trader
    fiscal_year_end: tuple[int, int] = (12, 31)  # (month, day)

    @property
    def form(self) -> str:
        return normal_form(self.legal_form)

    def fiscal_year_end_in(self, year: int) -> date:
        month, day = self.fiscal_year_end
        return date(year, month, min(day, month_length(year, month)))

    def fiscal_year(self, year: int) -> Period:
        """The fiscal year that ends in `year` (FY2026 for one that ends on 30 June 2026)."""
        end = self.fiscal_year_end_in(year)
        start = self.fiscal_year_end_in(year - 1) + timedelta(days=1)
        return Period(f"FY{year}", start, end)

    def fiscal_year_of(self, day: date) -> Period:
        """The fiscal year that `day` falls in."""
        end = self.fiscal_year_end_in(day.year)
        return self.fiscal_year(day.year if day <= end else day.year + 1)


def profile_of(company: Any) -> CompanyProfile:
    """The profile of a `server.tenancy.models.Company` (or anything with the same attributes)."""
    return CompanyProfile(
        country=str(company.country).upper(),
        vat_regime=str(company.vat_regime).lower(),
        employer=bool(company.employer),
        legal_form=str(company.legal_form or "").strip(),
        fiscal_year_end=(int(company.fiscal_year_end_month), int(company.fiscal_year_end_day)),
    )


# --- Dates ---------------------------------------------------------------------------------------


def month_length(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def month_plus(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day if it has none (30 Sep + 3 = 30 Dec).

    This is how Polish (KC art. 112) and Norwegian (domstolloven § 148) law count months, and for
    Belgium it is never later than the "month end to month end" reading: the safe side.
    """
    year, month = month_plus(day.year, day.month, months)
    return date(year, month, min(day.day, month_length(year, month)))


def last_day_of(year: int, month: int) -> date:
    return date(year, month, month_length(year, month))


# --- Holidays and shifts -------------------------------------------------------------------------


@lru_cache(maxsize=128)
def public_holidays(country: str, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, years=year))


def is_business_day(country: str, day: date) -> bool:
    return day.weekday() < 5 and day not in public_holidays(country, day.year)


def shifted(day: date, shift: Shift, country: str) -> date:
    if shift is Shift.NONE:
        return day
    step = timedelta(days=1 if shift is Shift.NEXT_BUSINESS_DAY else -1)
    while not is_business_day(country, day):
        day += step
    return day


# --- Periods -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    label: str  # "2026-03", "2026-Q1", "2026-T1", "2026", "FY2025", "FY2026-Q2"
    start: date
    end: date
    index: int = 0  # its place in the cycle: the month, term, quarter or instalment number


PeriodsFn = Callable[[CompanyProfile, int], list[Period]]


def months(profile: CompanyProfile, year: int) -> list[Period]:
    return [
        Period(f"{year}-{m:02d}", date(year, m, 1), last_day_of(year, m), m) for m in range(1, 13)
    ]


def terms(profile: CompanyProfile, year: int) -> list[Period]:
    return [
        Period(f"{year}-T{n}", date(year, 2 * n - 1, 1), last_day_of(year, 2 * n), n)
        for n in range(1, 7)
    ]


def quarters(profile: CompanyProfile, year: int) -> list[Period]:
    return [
        Period(f"{year}-Q{n}", date(year, 3 * n - 2, 1), last_day_of(year, 3 * n), n)
        for n in range(1, 5)
    ]


def calendar_year(profile: CompanyProfile, year: int) -> list[Period]:
    return [Period(str(year), date(year, 1, 1), date(year, 12, 31))]


def fiscal_year(profile: CompanyProfile, year: int) -> list[Period]:
    return [profile.fiscal_year(year)]


def fiscal_quarters(profile: CompanyProfile, year: int) -> list[Period]:
    fy = profile.fiscal_year(year)
    before = fy.start - timedelta(days=1)
    month_end = before.day == month_length(before.year, before.month)
    ends = []
    for n in range(1, 5):
        if month_end:
            ends.append(last_day_of(*month_plus(before.year, before.month, 3 * n)))
        else:
            ends.append(add_months(before, 3 * n))
    starts = [fy.start, *(end + timedelta(days=1) for end in ends[:3])]
    return [
        Period(f"FY{year}-Q{n}", start, end, n)
        for n, (start, end) in enumerate(zip(starts, ends, strict=True), start=1)
    ]


def only(periods: PeriodsFn, indexes: Iterable[int]) -> PeriodsFn:
    """Some of the periods: e.g. the first two months of each quarter."""
    wanted = frozenset(indexes)

    def pick(profile: CompanyProfile, year: int) -> list[Period]:
        return [p for p in periods(profile, year) if p.index in wanted]

    return pick


def instalments(count: int) -> PeriodsFn:
    """`count` payments on one (calendar) year's tax: labels 2026-T1 ... with the year as range."""

    def cut(profile: CompanyProfile, year: int) -> list[Period]:
        return [
            Period(f"{year}-T{n}", date(year, 1, 1), date(year, 12, 31), n)
            for n in range(1, count + 1)
        ]

    return cut


PERIODS: dict[Frequency, PeriodsFn] = {
    Frequency.MONTHLY: months,
    Frequency.BIMONTHLY: terms,
    Frequency.QUARTERLY: quarters,
    Frequency.YEARLY: calendar_year,
    Frequency.FISCAL_YEARLY: fiscal_year,
    Frequency.FISCAL_QUARTERLY: fiscal_quarters,
}


# --- Due dates -----------------------------------------------------------------------------------

DueFn = Callable[[CompanyProfile, Period], date]


def day_of_month_after(day: int, months: int = 1) -> DueFn:
    """The `day`th of the month `months` after the period's last month (20th of the next month)."""

    def due(profile: CompanyProfile, period: Period) -> date:
        year, month = month_plus(period.end.year, period.end.month, months)
        return date(year, month, min(day, month_length(year, month)))

    return due


def last_day_of_month_after(months: int) -> DueFn:
    def due(profile: CompanyProfile, period: Period) -> date:
        return last_day_of(*month_plus(period.end.year, period.end.month, months))

    return due


def months_after_end(months: int, days: int = 0) -> DueFn:
    """`months` after the period's last day (counted as `add_months`), then `days` more."""

    def due(profile: CompanyProfile, period: Period) -> date:
        return add_months(period.end, months) + timedelta(days=days)

    return due


def on_date(month: int, day: int, years_after: int = 1) -> DueFn:
    """A fixed date in the year after the period's year (31 January, 31 March, ...)."""

    def due(profile: CompanyProfile, period: Period) -> date:
        return date(period.end.year + years_after, month, day)

    return due


# --- Who a rule binds ----------------------------------------------------------------------------

Condition = Callable[[CompanyProfile], bool]


def vat_regime(*regimes: str) -> Condition:
    return lambda profile: profile.vat_regime in regimes


def employer(profile: CompanyProfile) -> bool:
    return profile.employer


def legal_form(*forms: str) -> Condition:
    wanted = frozenset(normal_form(f) for f in forms)
    return lambda profile: profile.form in wanted


def either(*conditions: Condition) -> Condition:
    return lambda profile: any(c(profile) for c in conditions)


# --- Rules and what they yield -------------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    obligation: str
    period: str
    period_start: date
    period_end: date
    due: date  # after the weekend/holiday shift
    unshifted: date
    title: Title
    source: str


@dataclass(frozen=True)
class Rule:
    code: str  # stable, part of the interface: "be.vat_return"
    country: str
    title: Title
    frequency: Frequency
    due: DueFn  # the unshifted due date of a period
    shift: Shift
    condition: Condition  # which companies of the country it binds
    source: str  # the legal citation, shown with the deadline
    # The (unshifted) due dates this rule governs: a change in the law is two variants of a code,
    # one ending the day before the other starts.
    valid_from: date = date.min
    valid_to: date = date.max
    periods: PeriodsFn | None = None  # when the frequency's usual cut does not fit
    note: str = ""  # what is simplified or not verified

    def applies(self, profile: CompanyProfile) -> bool:
        return profile.country == self.country and self.condition(profile)

    def periods_of(self, profile: CompanyProfile, year: int) -> list[Period]:
        """The periods of one cycle: calendar year `year`, or the fiscal year ending in it."""
        cut = self.periods or PERIODS[self.frequency]
        return cut(profile, year)

    def deadline(self, profile: CompanyProfile, period: Period) -> Deadline | None:
        unshifted = self.due(profile, period)
        if not self.valid_from <= unshifted <= self.valid_to:
            return None
        return Deadline(
            obligation=self.code,
            period=period.label,
            period_start=period.start,
            period_end=period.end,
            due=shifted(unshifted, self.shift, self.country),
            unshifted=unshifted,
            title=self.title,
            source=self.source,
        )


def deadlines_in(rules: Iterable[Rule], profile: CompanyProfile, year: int) -> list[Deadline]:
    """Every deadline of `rules` for `profile` whose shifted due date falls in `year`."""
    found: dict[tuple[str, str], Deadline] = {}
    for rule in rules:
        if not rule.applies(profile):
            continue
        # A period can be due up to a year and a half after it ends (December VAT in January, the
        # accounts of a June year end in January), or before its cycle ends (advance payments).
        for cycle in range(year - 2, year + 2):
            for period in rule.periods_of(profile, cycle):
                deadline = rule.deadline(profile, period)
                if deadline is not None and deadline.due.year == year:
                    found.setdefault((deadline.obligation, deadline.period), deadline)
    return sorted(found.values(), key=lambda d: (d.due, d.obligation, d.period))
