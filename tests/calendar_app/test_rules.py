"""Deadline rules: dates on weekends and holidays, the periods they cover, who they bind.

Every expected date here was worked out by hand with a calendar (the weekday is written next to
it), not computed with the rules' own helpers. No database: the rules are pure functions.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from types import SimpleNamespace

import pytest
from django.utils.functional import Promise

from calendar_app.rules import (
    RULES,
    CompanyProfile,
    Deadline,
    deadlines_for,
    is_business_day,
    profile_of,
    rules_for,
    shifted,
)
from calendar_app.rules.base import Shift, add_months

# The obligation codes the issue names; they are part of the interface.
CODES = {
    "be.vat_return", "be.ec_sales_list", "be.customer_listing", "be.withholding_274", "be.dmfa",
    "be.cit_advance", "be.cit_return", "be.annual_accounts_approval", "be.annual_accounts_filing",
    "pl.jpk_v7", "pl.vat_ue", "pl.zus_dra", "pl.pit4_advance", "pl.pit4r", "pl.pit11",
    "pl.cit_advance", "pl.cit8", "pl.financial_statements", "pl.fs_approval", "pl.krs_filing",
    "no.mva", "no.a_melding", "no.forskuddstrekk", "no.forskuddsskatt", "no.skattemelding",
    "no.aksjonaerregister", "no.arsregnskap_approval", "no.arsregnskap_filing",
}  # fmt: skip

BE_BV = CompanyProfile("BE", vat_regime="monthly", employer=True, legal_form="BV")
BE_QUARTERLY = replace(BE_BV, vat_regime="quarterly")
PL_SPZOO = CompanyProfile("PL", vat_regime="monthly", employer=True, legal_form="sp. z o.o.")
PL_QUARTERLY = replace(PL_SPZOO, vat_regime="quarterly")
PL_JDG = CompanyProfile("PL", vat_regime="monthly", employer=False, legal_form="JDG")
NO_AS = CompanyProfile("NO", vat_regime="bimonthly", employer=True, legal_form="AS")
NO_ENK = CompanyProfile("NO", vat_regime="bimonthly", employer=False, legal_form="ENK")


def year_ending(profile: CompanyProfile, month: int, day: int) -> CompanyProfile:
    return replace(profile, fiscal_year_end=(month, day))


def deadline(profile: CompanyProfile, code: str, period: str, due_year: int) -> Deadline:
    found = [
        d for d in deadlines_for(profile, due_year) if (d.obligation, d.period) == (code, period)
    ]
    assert len(found) == 1, f"{code} {period}: {found}"
    return found[0]


# (profile, code, period, period start, period end, unshifted, due): each rule's dates in 2026 or
# 2027 that fall on a weekend or holiday, and where they move (or why they stay).
D = date
WEEKENDS = [
    # Belgium: VAT moves to the next working day (administrative tolerance).
    (BE_BV, "be.vat_return", "2026-11", D(2026, 11, 1), D(2026, 11, 30),
     D(2026, 12, 20), D(2026, 12, 21)),  # Sun → Mon
    (BE_QUARTERLY, "be.vat_return", "2026-Q3", D(2026, 7, 1), D(2026, 9, 30),
     D(2026, 10, 25), D(2026, 10, 26)),  # Sun → Mon
    (BE_BV, "be.ec_sales_list", "2026-08", D(2026, 8, 1), D(2026, 8, 31),
     D(2026, 9, 20), D(2026, 9, 21)),  # Sun → Mon
    (BE_QUARTERLY, "be.ec_sales_list", "2027-Q2", D(2027, 4, 1), D(2027, 6, 30),
     D(2027, 7, 25), D(2027, 7, 26)),  # Sun → Mon
    # Withholding tax and DmfA are payments with no published shift: the working day before.
    (BE_BV, "be.withholding_274", "2026-01", D(2026, 1, 1), D(2026, 1, 31),
     D(2026, 2, 15), D(2026, 2, 13)),  # Sun → Fri
    (BE_BV, "be.withholding_274", "2026-07", D(2026, 7, 1), D(2026, 7, 31),
     D(2026, 8, 15), D(2026, 8, 14)),  # Sat and Assumption → Fri
    (BE_BV, "be.dmfa", "2025-Q4", D(2025, 10, 1), D(2025, 12, 31),
     D(2026, 1, 31), D(2026, 1, 30)),  # Sat → Fri
    (BE_BV, "be.dmfa", "2027-Q2", D(2027, 4, 1), D(2027, 6, 30),
     D(2027, 7, 31), D(2027, 7, 30)),  # Sat → Fri
    (BE_BV, "be.cit_advance", "FY2026-Q3", D(2026, 7, 1), D(2026, 9, 30),
     D(2026, 10, 10), D(2026, 10, 12)),  # Sat → Mon
    (BE_BV, "be.cit_advance", "FY2027-Q1", D(2027, 1, 1), D(2027, 3, 31),
     D(2027, 4, 10), D(2027, 4, 12)),  # Sat → Mon
    # Year ending 31 March 2026: 7 months from 1 April = 31 October (Sat); 1 November is a Sunday
    # and All Saints.
    (year_ending(BE_BV, 3, 31), "be.cit_return", "FY2026", D(2025, 4, 1), D(2026, 3, 31),
     D(2026, 10, 31), D(2026, 11, 2)),  # Sat → Mon
    # A general meeting and an online filing: nothing moves them.
    (year_ending(BE_BV, 8, 31), "be.annual_accounts_approval", "FY2026", D(2025, 9, 1),
     D(2026, 8, 31), D(2027, 2, 28), D(2027, 2, 28)),  # Sun, stays
    (BE_BV, "be.annual_accounts_filing", "FY2026", D(2026, 1, 1), D(2026, 12, 31),
     D(2027, 7, 31), D(2027, 7, 31)),  # Sat, stays
    # Poland: the next day that is neither a Saturday nor a holiday (Ordynacja art. 12 §5).
    (PL_SPZOO, "pl.jpk_v7", "2025-12", D(2025, 12, 1), D(2025, 12, 31),
     D(2026, 1, 25), D(2026, 1, 26)),  # Sun → Mon
    (PL_QUARTERLY, "pl.jpk_v7", "2026-03", D(2026, 3, 1), D(2026, 3, 31),
     D(2026, 4, 25), D(2026, 4, 27)),  # Sat → Mon
    (PL_SPZOO, "pl.vat_ue", "2026-11", D(2026, 11, 1), D(2026, 11, 30),
     D(2026, 12, 25), D(2026, 12, 28)),  # Christmas Fri, 26th Sat, Sun → Mon
    (PL_SPZOO, "pl.zus_dra", "2026-01", D(2026, 1, 1), D(2026, 1, 31),
     D(2026, 2, 15), D(2026, 2, 16)),  # legal person: 15th, Sun → Mon
    (PL_JDG, "pl.zus_dra", "2026-11", D(2026, 11, 1), D(2026, 11, 30),
     D(2026, 12, 20), D(2026, 12, 21)),  # sole proprietor: 20th, Sun → Mon
    (PL_SPZOO, "pl.pit4_advance", "2026-08", D(2026, 8, 1), D(2026, 8, 31),
     D(2026, 9, 20), D(2026, 9, 21)),  # Sun → Mon
    (PL_SPZOO, "pl.pit4r", "2025", D(2025, 1, 1), D(2025, 12, 31),
     D(2026, 1, 31), D(2026, 2, 2)),  # Sat → Mon
    (PL_SPZOO, "pl.pit4r", "2026", D(2026, 1, 1), D(2026, 12, 31),
     D(2027, 1, 31), D(2027, 2, 1)),  # Sun → Mon
    (PL_SPZOO, "pl.pit11", "2025", D(2025, 1, 1), D(2025, 12, 31),
     D(2026, 1, 31), D(2026, 2, 2)),  # Sat → Mon
    (PL_SPZOO, "pl.cit_advance", "2026-05", D(2026, 5, 1), D(2026, 5, 31),
     D(2026, 6, 20), D(2026, 6, 22)),  # Sat → Mon
    (year_ending(PL_SPZOO, 2, 28), "pl.cit8", "FY2026", D(2025, 3, 1), D(2026, 2, 28),
     D(2026, 5, 31), D(2026, 6, 1)),  # Sun → Mon
    # Civil Code: 3 months after 31 October 2026 is 31 January 2027 (Sun).
    (year_ending(PL_SPZOO, 10, 31), "pl.financial_statements", "FY2026", D(2025, 11, 1),
     D(2026, 10, 31), D(2027, 1, 31), D(2027, 2, 1)),  # Sun → Mon
    (year_ending(PL_SPZOO, 8, 31), "pl.fs_approval", "FY2026", D(2025, 9, 1), D(2026, 8, 31),
     D(2027, 2, 28), D(2027, 3, 1)),  # Sun → Mon
    # Approval due 31 July 2026, filing 15 days later: 15 August, a Saturday and Assumption.
    (year_ending(PL_SPZOO, 1, 31), "pl.krs_filing", "FY2026", D(2025, 2, 1), D(2026, 1, 31),
     D(2026, 8, 15), D(2026, 8, 17)),  # Sat → Mon
    # Norway: filings and payments move to the next working day.
    (NO_AS, "no.mva", "2026-T4", D(2026, 7, 1), D(2026, 8, 31),
     D(2026, 10, 10), D(2026, 10, 12)),  # Sat → Mon
    (NO_AS, "no.mva", "2027-T1", D(2027, 1, 1), D(2027, 2, 28),
     D(2027, 4, 10), D(2027, 4, 12)),  # Sat → Mon
    (replace(NO_AS, vat_regime="monthly"), "no.mva", "2026-08", D(2026, 8, 1), D(2026, 8, 31),
     D(2026, 10, 10), D(2026, 10, 12)),  # Sat → Mon
    (NO_AS, "no.a_melding", "2026-03", D(2026, 3, 1), D(2026, 3, 31),
     D(2026, 4, 5), D(2026, 4, 7)),  # Easter Sunday, Easter Monday → Tue
    (NO_AS, "no.forskuddstrekk", "2026-T1", D(2026, 1, 1), D(2026, 2, 28),
     D(2026, 3, 15), D(2026, 3, 16)),  # Sun → Mon
    (NO_AS, "no.forskuddsskatt", "2025-T1", D(2025, 1, 1), D(2025, 12, 31),
     D(2026, 2, 15), D(2026, 2, 16)),  # company, first half for 2025: Sun → Mon
    (NO_ENK, "no.forskuddsskatt", "2026-T4", D(2026, 1, 1), D(2026, 12, 31),
     D(2026, 11, 15), D(2026, 11, 16)),  # sole trader, fourth quarter: Sun → Mon
    (NO_AS, "no.skattemelding", "2025", D(2025, 1, 1), D(2025, 12, 31),
     D(2026, 5, 31), D(2026, 6, 1)),  # Sun → Mon
    (NO_AS, "no.aksjonaerregister", "2025", D(2025, 1, 1), D(2025, 12, 31),
     D(2026, 1, 31), D(2026, 2, 2)),  # Sat → Mon
    (year_ending(NO_AS, 8, 31), "no.arsregnskap_approval", "FY2026", D(2025, 9, 1),
     D(2026, 8, 31), D(2027, 2, 28), D(2027, 2, 28)),  # Sun, stays
    (NO_AS, "no.arsregnskap_filing", "FY2026", D(2026, 1, 1), D(2026, 12, 31),
     D(2027, 7, 31), D(2027, 7, 31)),  # Sat, stays
]  # fmt: skip


@pytest.mark.parametrize(
    ("profile", "code", "period", "start", "end", "unshifted", "due"),
    WEEKENDS,
    ids=[f"{row[1]}-{row[2]}" for row in WEEKENDS],
)
def test_weekend_and_holiday_dates_move_as_the_law_says(
    profile: CompanyProfile,
    code: str,
    period: str,
    start: date,
    end: date,
    unshifted: date,
    due: date,
) -> None:
    assert unshifted.weekday() >= 5 or not is_business_day(profile.country, unshifted)
    found = deadline(profile, code, period, due.year)
    assert (found.period_start, found.period_end) == (start, end)
    assert (found.unshifted, found.due) == (unshifted, due)
    assert found.source


def test_every_rule_has_a_weekend_case_and_an_exclusion_case() -> None:
    codes = {rule.code for rule in RULES}
    assert codes == CODES
    # 31 March is a weekday in 2026 and 2027: the customer listing has its own test below.
    assert {row[1] for row in WEEKENDS} | {"be.customer_listing"} == codes
    assert {row[0] for row in EXCLUDED} == codes


def test_customer_listing_has_no_weekend_before_2029() -> None:
    # 31 March is a Tuesday in 2026 and a Wednesday in 2027; in 2029 it is a Saturday, and the
    # listing (no published tolerance) is then due the Friday before (30 March, Good Friday, is a
    # working day in Belgium).
    listing_2025 = deadline(BE_BV, "be.customer_listing", "2025", 2026)
    assert (listing_2025.unshifted, listing_2025.due) == (date(2026, 3, 31), date(2026, 3, 31))
    assert deadline(BE_BV, "be.customer_listing", "2026", 2027).due == date(2027, 3, 31)
    listing_2028 = deadline(BE_BV, "be.customer_listing", "2028", 2029)
    assert (listing_2028.period_start, listing_2028.period_end) == (
        date(2028, 1, 1),
        date(2028, 12, 31),
    )
    assert (listing_2028.unshifted, listing_2028.due) == (date(2029, 3, 31), date(2029, 3, 30))


# --- Who a rule binds ----------------------------------------------------------------------------

BE_NO_VAT = replace(BE_BV, vat_regime="none")
BE_NO_STAFF = replace(BE_BV, employer=False)
BE_SOLE = CompanyProfile("BE", vat_regime="quarterly", employer=True, legal_form="")
BE_EZ = replace(BE_SOLE, legal_form="EZ")
BE_VOF = replace(BE_BV, legal_form="VOF")
BE_COMMV = replace(BE_BV, legal_form="CommV")
PL_NO_VAT = replace(PL_SPZOO, vat_regime="none")
PL_NO_STAFF = replace(PL_SPZOO, employer=False)
PL_SPJ = CompanyProfile("PL", vat_regime="monthly", employer=False, legal_form="sp.j.")
PL_JDG_STAFF = replace(PL_JDG, employer=True)
NO_NO_VAT = replace(NO_AS, vat_regime="none")
NO_NO_STAFF = replace(NO_AS, employer=False)
NO_ANS = CompanyProfile("NO", vat_regime="bimonthly", employer=True, legal_form="ANS")
NO_DA = replace(NO_ANS, legal_form="DA")

EXCLUDED = [
    ("be.vat_return", [BE_NO_VAT, PL_SPZOO]),
    ("be.ec_sales_list", [BE_NO_VAT]),
    ("be.customer_listing", [BE_NO_VAT]),
    ("be.withholding_274", [BE_NO_STAFF]),
    ("be.dmfa", [BE_NO_STAFF]),
    ("be.cit_advance", [BE_SOLE, BE_EZ]),
    ("be.cit_return", [BE_SOLE, BE_EZ]),
    ("be.annual_accounts_approval", [BE_SOLE, BE_EZ, BE_VOF, BE_COMMV]),
    ("be.annual_accounts_filing", [BE_SOLE, BE_EZ, BE_VOF, BE_COMMV]),
    ("pl.jpk_v7", [PL_NO_VAT, BE_BV]),
    ("pl.vat_ue", [PL_NO_VAT]),
    ("pl.zus_dra", [PL_NO_STAFF, PL_SPJ]),
    ("pl.pit4_advance", [PL_NO_STAFF, PL_JDG]),
    ("pl.pit4r", [PL_NO_STAFF, PL_JDG]),
    ("pl.pit11", [PL_NO_STAFF, PL_JDG]),
    ("pl.cit_advance", [PL_JDG_STAFF, PL_SPJ]),
    ("pl.cit8", [PL_JDG_STAFF, PL_SPJ]),
    ("pl.financial_statements", [PL_JDG_STAFF, PL_SPJ]),
    ("pl.fs_approval", [PL_JDG_STAFF, PL_SPJ]),
    ("pl.krs_filing", [PL_JDG_STAFF, PL_SPJ]),
    ("no.mva", [NO_NO_VAT]),
    ("no.a_melding", [NO_NO_STAFF, NO_ENK]),
    ("no.forskuddstrekk", [NO_NO_STAFF, NO_ENK]),
    ("no.forskuddsskatt", [NO_ANS, NO_DA]),
    ("no.skattemelding", [BE_BV, PL_SPZOO]),  # every Norwegian business files one
    ("no.aksjonaerregister", [NO_ENK, NO_ANS]),
    ("no.arsregnskap_approval", [NO_ENK, NO_ANS, NO_DA]),
    ("no.arsregnskap_filing", [NO_ENK, NO_ANS, NO_DA]),
]


@pytest.mark.parametrize(("code", "profiles"), EXCLUDED, ids=[row[0] for row in EXCLUDED])
def test_companies_a_rule_does_not_bind(code: str, profiles: list[CompanyProfile]) -> None:
    for profile in profiles:
        for year in (2026, 2027):
            assert code not in {d.obligation for d in deadlines_for(profile, year)}, profile


def test_belgian_partnerships_pay_corporate_tax_but_publish_no_accounts() -> None:
    codes = {d.obligation for d in deadlines_for(BE_VOF, 2026)}
    assert {"be.cit_advance", "be.cit_return"} <= codes
    assert not codes & {"be.annual_accounts_approval", "be.annual_accounts_filing"}


def test_polish_quarterly_vat_files_jpk_every_month_with_the_return_in_the_third() -> None:
    found = [d for d in deadlines_for(PL_QUARTERLY, 2026) if d.obligation == "pl.jpk_v7"]
    # December 2025 (due January) to November 2026 (due 28 December): twelve monthly files.
    assert [d.period for d in found] == ["2025-12", *(f"2026-{m:02d}" for m in range(1, 12))]
    assert "quarterly return" in str(deadline(PL_QUARTERLY, "pl.jpk_v7", "2026-03", 2026).title)
    records = deadline(PL_QUARTERLY, "pl.jpk_v7", "2026-02", 2026)
    assert "return" not in str(records.title)
    assert records.due == date(2026, 3, 25)  # Wednesday


def test_norway_keeps_31_august_for_the_third_term_only() -> None:
    third = deadline(NO_AS, "no.mva", "2026-T3", 2026)
    assert (third.period_start, third.period_end, third.due) == (
        date(2026, 5, 1),
        date(2026, 6, 30),
        date(2026, 8, 31),  # Monday
    )
    monthly = replace(NO_AS, vat_regime="monthly")
    assert deadline(monthly, "no.mva", "2026-06", 2026).due == date(2026, 8, 10)  # Monday


def test_norwegian_partnerships_file_the_partnership_return() -> None:
    found = deadline(NO_ANS, "no.skattemelding", "2025", 2026)
    assert "selskapsmelding" in str(found.title)
    assert found.due == date(2026, 6, 1)  # 31 May is a Sunday


# --- Rules that changed --------------------------------------------------------------------------


def test_belgian_quarterly_vat_moved_from_the_20th_to_the_25th_in_2025() -> None:
    q3_2024 = deadline(BE_QUARTERLY, "be.vat_return", "2024-Q3", 2024)
    assert (q3_2024.unshifted, q3_2024.due) == (date(2024, 10, 20), date(2024, 10, 21))  # Sun
    # Q4 2024 was the first return under the new rule: 25 January 2025, a Saturday.
    q4_2024 = deadline(BE_QUARTERLY, "be.vat_return", "2024-Q4", 2025)
    assert (q4_2024.unshifted, q4_2024.due) == (date(2025, 1, 25), date(2025, 1, 27))
    assert deadline(BE_QUARTERLY, "be.ec_sales_list", "2024-Q4", 2025).due == date(2025, 1, 27)
    # Monthly returns stayed on the 20th.
    assert deadline(BE_BV, "be.vat_return", "2024-12", 2025).due == date(2025, 1, 20)  # Monday


def test_polish_contribution_dates_changed_with_january_2022() -> None:
    # A sole proprietor paying only for himself: 10th until December 2021, then the 20th.
    old = deadline(PL_JDG, "pl.zus_dra", "2021-12", 2022)
    assert old.due == date(2022, 1, 10)  # Monday
    new = deadline(PL_JDG, "pl.zus_dra", "2022-01", 2022)
    assert (new.unshifted, new.due) == (date(2022, 2, 20), date(2022, 2, 21))  # Sun → Mon
    assert deadline(PL_SPZOO, "pl.zus_dra", "2022-01", 2022).due == date(2022, 2, 15)  # Tue


def test_poland_rests_on_24_december_from_2025() -> None:
    assert is_business_day("PL", date(2024, 12, 24))  # Tuesday, a working day then
    assert not is_business_day("PL", date(2025, 12, 24))  # Wednesday, now a holiday
    assert is_business_day("BE", date(2025, 12, 24))
    assert shifted(date(2024, 12, 24), Shift.NEXT_BUSINESS_DAY, "PL") == date(2024, 12, 24)
    # Friday 24, Christmas Saturday 25, Sunday 26: the next working day is Monday 27.
    assert shifted(date(2027, 12, 24), Shift.NEXT_BUSINESS_DAY, "PL") == date(2027, 12, 27)


# --- Years and fiscal years ----------------------------------------------------------------------


def test_december_is_due_in_the_next_years_list() -> None:
    december = [d for d in deadlines_for(BE_BV, 2026) if d.period == "2025-12"]
    assert {d.obligation for d in december} == {
        "be.vat_return",
        "be.ec_sales_list",
        "be.withholding_274",
    }
    assert not [d for d in deadlines_for(BE_BV, 2025) if d.period == "2025-12"]


def test_a_shift_can_carry_a_deadline_into_the_next_year() -> None:
    # Year ending 30 June 2028: approval by 30 December 2028, a Saturday; 31 December is a Sunday
    # and 1 January a holiday, so it is due Tuesday 2 January 2029.
    profile = year_ending(PL_SPZOO, 6, 30)
    assert "pl.fs_approval" not in {d.obligation for d in deadlines_for(profile, 2028)}
    approval = deadline(profile, "pl.fs_approval", "FY2028", 2029)
    assert (approval.unshifted, approval.due) == (date(2028, 12, 30), date(2029, 1, 2))


def test_deadlines_are_sorted_by_date_then_code_and_unique() -> None:
    for profile in (BE_QUARTERLY, PL_SPZOO, PL_JDG, NO_AS, NO_ENK):
        found = deadlines_for(profile, 2026)
        assert found == sorted(found, key=lambda d: (d.due, d.obligation))
        keys = [(d.obligation, d.period) for d in found]
        assert len(keys) == len(set(keys))
        assert all(d.due.year == 2026 for d in found)


def test_at_most_one_variant_of_a_code_yields_a_period() -> None:
    profiles = [BE_BV, BE_QUARTERLY, BE_SOLE, PL_SPZOO, PL_QUARTERLY, PL_JDG, PL_JDG_STAFF]
    profiles += [PL_SPJ, NO_AS, NO_ENK, NO_ANS, replace(NO_AS, vat_regime="monthly")]
    for profile in profiles:
        for cycle in range(2020, 2029):
            yielded: dict[tuple[str, str], int] = {}
            for rule in rules_for(profile.country):
                if not rule.applies(profile):
                    continue
                for period in rule.periods_of(profile, cycle):
                    if rule.deadline(profile, period) is not None:
                        key = (rule.code, period.label)
                        yielded[key] = yielded.get(key, 0) + 1
            assert all(n == 1 for n in yielded.values()), (profile, yielded)


def test_a_fiscal_year_ending_30_june() -> None:
    be = year_ending(BE_BV, 6, 30)
    # FY2027 runs from 1 July 2026 to 30 June 2027; advance payments on the 10th of its 4th, 7th
    # and 10th month and the 20th of its 12th.
    both_years = deadlines_for(be, 2026) + deadlines_for(be, 2027)
    advances = [
        d for d in both_years if d.obligation == "be.cit_advance" and d.period.startswith("FY2027")
    ]
    assert [(d.period, d.period_start, d.period_end, d.unshifted, d.due) for d in advances] == [
        ("FY2027-Q1", date(2026, 7, 1), date(2026, 9, 30), date(2026, 10, 10), date(2026, 10, 12)),
        ("FY2027-Q2", date(2026, 10, 1), date(2026, 12, 31), date(2027, 1, 10), date(2027, 1, 11)),
        ("FY2027-Q3", date(2027, 1, 1), date(2027, 3, 31), date(2027, 4, 10), date(2027, 4, 12)),
        ("FY2027-Q4", date(2027, 4, 1), date(2027, 6, 30), date(2027, 6, 20), date(2027, 6, 21)),
    ]  # 10 Oct Sat, 10 Jan Sun, 10 Apr Sat, 20 Jun Sun: each to the Monday
    approval = deadline(be, "be.annual_accounts_approval", "FY2026", 2026)
    assert (approval.period_start, approval.period_end) == (date(2025, 7, 1), date(2026, 6, 30))
    assert approval.due == date(2026, 12, 30)  # six months after 30 June, counted by date
    filing = deadline(be, "be.annual_accounts_filing", "FY2026", 2027)
    assert (filing.unshifted, filing.due) == (date(2027, 1, 30), date(2027, 1, 30))  # Sat, stays
    tax_return = deadline(be, "be.cit_return", "FY2026", 2027)
    assert (tax_return.unshifted, tax_return.due) == (date(2027, 1, 31), date(2027, 2, 1))  # Sun

    pl = year_ending(PL_SPZOO, 6, 30)
    assert deadline(pl, "pl.cit8", "FY2026", 2026).due == date(2026, 9, 30)  # Wednesday
    assert deadline(pl, "pl.financial_statements", "FY2026", 2026).due == date(2026, 9, 30)
    assert deadline(pl, "pl.fs_approval", "FY2026", 2026).due == date(2026, 12, 30)  # Wednesday
    assert deadline(pl, "pl.krs_filing", "FY2026", 2027).due == date(2027, 1, 14)  # Thursday

    no = year_ending(NO_AS, 6, 30)
    assert deadline(no, "no.arsregnskap_approval", "FY2026", 2026).due == date(2026, 12, 30)
    # Tax follows the calendar income year whatever the accounting year.
    assert deadline(no, "no.skattemelding", "2025", 2026).due == date(2026, 6, 1)


def test_a_calendar_year_company_gets_its_accounts_deadlines_in_summer() -> None:
    assert deadline(BE_BV, "be.annual_accounts_approval", "FY2025", 2026).due == date(2026, 6, 30)
    assert deadline(BE_BV, "be.cit_return", "FY2025", 2026).due == date(2026, 7, 31)  # Friday
    assert deadline(PL_SPZOO, "pl.cit8", "FY2025", 2026).due == date(2026, 3, 31)  # Tuesday
    assert deadline(PL_SPZOO, "pl.krs_filing", "FY2025", 2026).due == date(2026, 7, 15)
    assert deadline(NO_AS, "no.arsregnskap_filing", "FY2025", 2026).due == date(2026, 7, 31)


# --- The pieces ----------------------------------------------------------------------------------


def test_profile_of_reads_a_company_like_object() -> None:
    company = SimpleNamespace(
        country="pl",
        vat_regime="Quarterly",
        employer=1,
        legal_form=" Sp. z o.o. ",
        fiscal_year_end_month=6,
        fiscal_year_end_day=30,
    )
    profile = profile_of(company)
    assert profile == CompanyProfile("PL", "quarterly", True, "Sp. z o.o.", (6, 30))
    assert profile.form == PL_SPZOO.form  # same legal form whatever the spelling


def test_months_are_counted_by_date() -> None:
    assert add_months(date(2026, 9, 30), 3) == date(2026, 12, 30)
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2025, 12, 31), 7) == date(2026, 7, 31)


def test_every_rule_is_cited_and_translatable() -> None:
    for rule in RULES:
        assert rule.source.strip(), rule.code
        assert isinstance(rule.title, Promise), rule.code
        assert rule.code.split(".")[0] == rule.country.lower()
