"""Poland's statutory deadlines.

Weekends and holidays: a tax deadline on a Saturday or a statutory day off (every Sunday and the
holidays of the 1951 act, 24 December included since 2025) ends on the next day that is neither
(Ordynacja podatkowa art. 12 §5); ZUS applies the same rule (ustawa o systemie ubezpieczeń
społecznych art. 31). Company-law deadlines follow the Civil Code, which extends them the same way
(KC art. 110 and 115) and counts months from date to date (KC art. 112).
Legal forms: legal persons are sp. z o.o., S.A. and P.S.A.; sp.k. and S.K.A. are not legal
persons but pay CIT and keep full books; sp.j. and a sole proprietor (JDG, or "") pay PIT through
their owners and keep full books only above EUR 2 million of revenue, which the profile does not
record, so the accounting rules leave them out.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _

from .base import (
    CompanyProfile,
    Frequency,
    Rule,
    Shift,
    day_of_month_after,
    employer,
    last_day_of_month_after,
    legal_form,
    months,
    months_after_end,
    on_date,
    only,
    vat_regime,
)

LEGAL_PERSONS = ("sp. z o.o.", "S.A.", "P.S.A.")
CIT_PAYERS = (*LEGAL_PERSONS, "sp.k.", "S.K.A.")
FULL_BOOKS = CIT_PAYERS
SOLE_PROPRIETORS = ("JDG", "")

TAX_SHIFT = "Ordynacja podatkowa art. 12 §5"
CIVIL_SHIFT = "KC art. 110-112 and 115"
VAT_PAYERS = vat_regime("monthly", "quarterly")

# ZUS deadlines changed with the "Polski Ład" act (29.10.2021) from the contributions for January
# 2022: due 10/15 January 2022 is the last under the old rule, due 15/20 February the first new.
ZUS_CHANGE_FROM = date(2022, 2, 1)
ZUS_CHANGE_TO = date(2022, 1, 31)
ZUS_SOURCE = "Ustawa o systemie ubezpieczeń społecznych art. 47 ust. 1"
ZUS_SHIFT = f"art. 31 of that act with {TAX_SHIFT}"


def _is_legal_person(profile: CompanyProfile) -> bool:
    return legal_form(*LEGAL_PERSONS)(profile)


def _is_sole_proprietor(profile: CompanyProfile) -> bool:
    return legal_form(*SOLE_PROPRIETORS)(profile)


def _pays_contributions(profile: CompanyProfile) -> bool:
    # An employer pays for its staff; a sole proprietor pays for himself even without staff.
    # Partners of an sp.j. pay their own contributions: their obligation, not the company's.
    return profile.employer or _is_sole_proprietor(profile)


RULES = [
    Rule(
        code="pl.jpk_v7",
        country="PL",
        title=_("JPK_V7M: VAT records and return"),
        frequency=Frequency.MONTHLY,
        due=day_of_month_after(25),
        shift=Shift.NEXT_BUSINESS_DAY,
        condition=vat_regime("monthly"),
        source=f"Ustawa o VAT art. 99 ust. 1, art. 103 ust. 1, art. 109 ust. 3b; {TAX_SHIFT}",
    ),
    # Quarterly taxpayers still send JPK_V7K every month: records only in the first two months
    # of a quarter, records with the quarter's return (and payment) in the third.
    Rule(
        code="pl.jpk_v7",
        country="PL",
        title=_("JPK_V7K: VAT records"),
        frequency=Frequency.MONTHLY,
        due=day_of_month_after(25),
        shift=Shift.NEXT_BUSINESS_DAY,
        condition=vat_regime("quarterly"),
        source=f"Ustawa o VAT art. 109 ust. 3b; {TAX_SHIFT}",
        periods=only(months, (1, 2, 4, 5, 7, 8, 10, 11)),
    ),
    Rule(
        code="pl.jpk_v7",
        country="PL",
        title=_("JPK_V7K: VAT records and quarterly return"),
        frequency=Frequency.MONTHLY,
        due=day_of_month_after(25),
        shift=Shift.NEXT_BUSINESS_DAY,
        condition=vat_regime("quarterly"),
        source=f"Ustawa o VAT art. 99 ust. 2, art. 103 ust. 2, art. 109 ust. 3b; {TAX_SHIFT}",
        periods=only(months, (3, 6, 9, 12)),
        note="Quarterly returns are open to small taxpayers only (mały podatnik).",
    ),
    Rule(
        code="pl.vat_ue",
        country="PL",
        title=_("VAT-UE recapitulative statement"),
        frequency=Frequency.MONTHLY,
        due=day_of_month_after(25),
        shift=Shift.NEXT_BUSINESS_DAY,
        condition=VAT_PAYERS,
        source=f"Ustawa o VAT art. 100 ust. 3; {TAX_SHIFT}",
        note="Due only for months with intra-EU supplies or services, which the profile does "
        "not record; monthly whatever the VAT regime.",
    ),
    Rule(
        code="pl.zus_dra",
        country="PL",
        title=_("ZUS DRA: contribution return and payment"),
        frequency=Frequency.MONTHLY,
        due=day_of_month_after(10),
        shift=Shift.NEXT_BUSINESS_DAY,
        condition=lambda p: _is_sole_proprietor(p) and not p.employer,
        source=f"{ZUS_SOURCE} (before 2022: 10th for those paying only for themselves); "
        f"{ZUS_SHIFT}",
        valid_to=ZUS_CHANGE_TO,
    ),
    Rule(
        code="pl.zus_dra",
        country="PL",
        title=_("ZUS DRA: contribution return and payment"),
        frequency=Frequency.MONTHLY,
        due=day_of_month_after(15),
        shift=Shift.NEXT_BUSINESS_DAY,
        condition=employer,
        source=f"{ZUS_SOURCE} (before 2022: 15th for other payers); {ZUS_SHIFT}",
        valid_to=ZUS_CHANGE_TO,
    ),
    Rule(
        code="pl.zus_dra",
        country="PL",
        title=_("ZUS DRA: contribution return and payment"),
        frequency=Frequency.MONTHLY,
        due=day_of_month_after(15),
        shift=Shift.NEXT_BUSINESS_DAY,
        condition=lambda p: _pays_contributions(p) and _is_legal_person(p),
        source=f"{ZUS_SOURCE} (15th for payers with legal personality, since 2022); {ZUS_SHIFT}",
        valid_from=ZUS_CHANGE_FROM,
    ),
    Rule(
        code="pl.zus_dra",
        country="PL",
        title=_("ZUS DRA: contribution return and payment"),
        frequency=Frequency.MONTHLY,
        due=day_of_month_after(20),
        shift=Shift.NEXT_BUSINESS_DAY,
        condition=lambda p: _pays_contributions(p) and not _is_legal_person(p),
        source=f"{ZUS_SOURCE} (20th for other payers, since 2022); {ZUS_SHIFT}",
        valid_from=ZUS_CHANGE_FROM,
        note="Budget units (5th) are not modelled.",
    ),
    Rule(
        code="pl.pit4_advance",
        country="PL",
        title=_("Pay the income tax advances withheld from pay"),
        frequency=Frequency.MONTHLY,
        due=day_of_month_after(20),
        shift=Shift.NEXT_BUSINESS_DAY,
        condition=employer,
        source=f"Ustawa o PIT art. 38 ust. 1; {TAX_SHIFT}",
        note="A company that pays only board members or contractors withholds too; the profile "
        "records only whether it employs.",
    ),
    Rule(
        code="pl.pit4r",
        country="PL",
        title=_("PIT-4R: annual return of withheld advances"),
        frequency=Frequency.YEARLY,
        due=on_date(1, 31),
        shift=Shift.NEXT_BUSINESS_DAY,
        condition=employer,
        source=f"Ustawa o PIT art. 38 ust. 1a (by the end of January); {TAX_SHIFT}",
    ),
    Rule(
        code="pl.pit11",
        country="PL",
        title=_("PIT-11: annual information to the tax office and each employee"),
        frequency=Frequency.YEARLY,
        due=on_date(1, 31),
        shift=Shift.NEXT_BUSINESS_DAY,
        condition=employer,
        source=f"Ustawa o PIT art. 39 ust. 1 (tax office by the end of January); {TAX_SHIFT}",
        note="The employee's copy may follow until the end of February; the earlier date is shown.",
    ),
    Rule(
        code="pl.cit_advance",
        country="PL",
        title=_("CIT monthly advance payment"),
        frequency=Frequency.MONTHLY,
        due=day_of_month_after(20),
        shift=Shift.NEXT_BUSINESS_DAY,
        condition=legal_form(*CIT_PAYERS),
        source=f"Ustawa o CIT art. 25 ust. 1; {TAX_SHIFT}",
        note="Small taxpayers may pay quarterly, and simplified advances exist; not modelled.",
    ),
    Rule(
        code="pl.cit8",
        country="PL",
        title=_("CIT-8 annual return and payment"),
        frequency=Frequency.FISCAL_YEARLY,
        due=last_day_of_month_after(3),
        shift=Shift.NEXT_BUSINESS_DAY,
        condition=legal_form(*CIT_PAYERS),
        source=f"Ustawa o CIT art. 27 ust. 1 (end of the third month after the tax year); "
        f"{TAX_SHIFT}",
    ),
    Rule(
        code="pl.financial_statements",
        country="PL",
        title=_("Prepare the annual financial statements"),
        frequency=Frequency.FISCAL_YEARLY,
        due=months_after_end(3),
        shift=Shift.NEXT_BUSINESS_DAY,
        condition=legal_form(*FULL_BOOKS),
        source=f"Ustawa o rachunkowości art. 52 ust. 1 (3 months after the balance-sheet date); "
        f"{CIVIL_SHIFT}",
    ),
    Rule(
        code="pl.fs_approval",
        country="PL",
        title=_("Approve the annual financial statements"),
        frequency=Frequency.FISCAL_YEARLY,
        due=months_after_end(6),
        shift=Shift.NEXT_BUSINESS_DAY,
        condition=legal_form(*FULL_BOOKS),
        source="Ustawa o rachunkowości art. 53 ust. 1; KSH art. 231 §1 (sp. z o.o.), art. 395 §1 "
        f"(S.A.); {CIVIL_SHIFT}",
    ),
    Rule(
        code="pl.krs_filing",
        country="PL",
        title=_("File the financial statements with the KRS (eKRS)"),
        frequency=Frequency.FISCAL_YEARLY,
        # 15 days from the latest approval date the law allows, before any shift of that date.
        due=months_after_end(6, days=15),
        shift=Shift.NEXT_BUSINESS_DAY,
        condition=legal_form(*FULL_BOOKS),
        source=f"Ustawa o rachunkowości art. 69 ust. 1 (15 days from approval); {CIVIL_SHIFT}",
        note="Counted from the last day allowed for approval; an earlier approval brings it "
        "forward.",
    ),
]
