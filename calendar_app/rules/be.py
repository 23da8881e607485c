"""Belgium's statutory deadlines.

Weekends and holidays: Belgian tax law has no general rule that moves a deadline. Where the
administration publishes a "next working day" practice (VAT returns, corporate tax advance payments
and returns) the rule says so and cites it; where we found none, a tax filing or payment is shown
on the working day before (the safe side) and a company-law act keeps its date.
Legal forms: every company with legal personality pays corporate tax, partnerships (VOF/SNC,
CommV/SComm) included; a sole trader ("" or "EZ") pays personal income tax and is in no rule below
that names legal forms.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

from .base import (
    CompanyProfile,
    Frequency,
    Period,
    Rule,
    Shift,
    day_of_month_after,
    employer,
    last_day_of_month_after,
    legal_form,
    month_plus,
    months_after_end,
    on_date,
    vat_regime,
)

# Old names (BVBA/SPRL, CVBA/SCRL) are still found in records of companies converted in 2024.
CAPITAL_COMPANIES = ("BV", "SRL", "NV", "SA", "CV", "SC", "BVBA", "SPRL", "CVBA", "SCRL")
PARTNERSHIPS = ("VOF", "SNC", "CommV", "SComm", "SCS")
CORPORATE_TAX_PAYERS = CAPITAL_COMPANIES + PARTNERSHIPS

# The VAT administration moves the filing and payment date of periodic returns to the next
# working day when the 20th/25th is a Saturday, Sunday or holiday: permanently for monthly
# returns, for quarterly ones "until the end of the transitional period", which Circ. 2025/C/62
# extended until further notice. When that period ends, quarterly returns lose it.
VAT_TOLERANCE = "next working day: Circ. 2025/C/6 (27.01.2025) and 2025/C/62 (01.10.2025)"
# The 2025 "btw-keten/chaîne TVA" reform moved quarterly returns and listings from the 20th to
# the 25th for returns due from 1 January 2025 (Q4 2024 was the first, due 25 January 2025).
REFORM = date(2025, 1, 1)
BEFORE_REFORM = REFORM - timedelta(days=1)


def cit_advance_due(profile: CompanyProfile, period: Period) -> date:
    """The 10th of the 4th, 7th and 10th month of the fiscal year and the 20th of its 12th.

    The month the fiscal year ends in counts as its 12th month, also when the year does not end
    on a month's last day (and a first month that does not start on the 1st is not counted).
    """
    end = profile.fiscal_year_of(period.end).end
    nth_month = {1: 4, 2: 7, 3: 10, 4: 12}[period.index]
    year, month = month_plus(end.year, end.month, nth_month - 12)
    return date(year, month, 20 if nth_month == 12 else 10)


RULES = [
    Rule(
        code="be.vat_return",
        country="BE",
        title=_("VAT return and payment (monthly)"),
        frequency=Frequency.MONTHLY,
        due=day_of_month_after(20),
        shift=Shift.NEXT_BUSINESS_DAY,
        condition=vat_regime("monthly"),
        source=f"Art. 53 §1 WBTW/CTVA; KB/AR nr. 1 art. 18 §1 (20th); {VAT_TOLERANCE}",
        note="The summer extension for June/July filings is announced yearly; not modelled.",
    ),
    Rule(
        code="be.vat_return",
        country="BE",
        title=_("VAT return and payment (quarterly)"),
        frequency=Frequency.QUARTERLY,
        due=day_of_month_after(20),
        shift=Shift.NEXT_BUSINESS_DAY,
        condition=vat_regime("quarterly"),
        source="Art. 53 §1 WBTW/CTVA; KB/AR nr. 1 art. 18 §1 (20th, before 2025); "
        "next working day: administrative tolerance",
        valid_to=BEFORE_REFORM,
    ),
    Rule(
        code="be.vat_return",
        country="BE",
        title=_("VAT return and payment (quarterly)"),
        frequency=Frequency.QUARTERLY,
        due=day_of_month_after(25),
        shift=Shift.NEXT_BUSINESS_DAY,
        condition=vat_regime("quarterly"),
        source="Art. 53 §1 WBTW/CTVA; KB/AR nr. 1 art. 18 §1 as amended for the VAT chain "
        f"reform (25th from 1.1.2025); {VAT_TOLERANCE}",
        valid_from=REFORM,
        note="The next-working-day tolerance for quarterly returns ends with the transitional "
        "period (no date announced yet); then the 25th is strict.",
    ),
    Rule(
        code="be.ec_sales_list",
        country="BE",
        title=_("Intra-Community sales listing (monthly)"),
        frequency=Frequency.MONTHLY,
        due=day_of_month_after(20),
        shift=Shift.NEXT_BUSINESS_DAY,
        condition=vat_regime("monthly"),
        source=f"Art. 53sexies WBTW/CTVA; KB/AR nr. 50 (20th); {VAT_TOLERANCE}",
        note="Filed only by companies with intra-EU supplies, which the profile does not record; "
        "the listing is monthly once such supplies pass EUR 50,000 a quarter, whatever the "
        "return's frequency. The tolerance is documented for returns, assumed for listings.",
    ),
    Rule(
        code="be.ec_sales_list",
        country="BE",
        title=_("Intra-Community sales listing (quarterly)"),
        frequency=Frequency.QUARTERLY,
        due=day_of_month_after(20),
        shift=Shift.NEXT_BUSINESS_DAY,
        condition=vat_regime("quarterly"),
        source="Art. 53sexies WBTW/CTVA; KB/AR nr. 50 (20th, before 2025); "
        "next working day: administrative tolerance",
        valid_to=BEFORE_REFORM,
    ),
    Rule(
        code="be.ec_sales_list",
        country="BE",
        title=_("Intra-Community sales listing (quarterly)"),
        frequency=Frequency.QUARTERLY,
        due=day_of_month_after(25),
        shift=Shift.NEXT_BUSINESS_DAY,
        condition=vat_regime("quarterly"),
        source=f"Art. 53sexies WBTW/CTVA; KB/AR nr. 50 (25th from 1.1.2025); {VAT_TOLERANCE}",
        valid_from=REFORM,
        note="Filed only by companies with intra-EU supplies (not in the profile).",
    ),
    Rule(
        code="be.customer_listing",
        country="BE",
        title=_("Annual customer listing (VAT)"),
        frequency=Frequency.YEARLY,
        due=on_date(3, 31),
        # No published tolerance found for the listing: the working day before is the safe side.
        shift=Shift.PREVIOUS_BUSINESS_DAY,
        condition=vat_regime("monthly", "quarterly"),
        source="Art. 53quinquies WBTW/CTVA; KB/AR nr. 23 (by 31 March)",
        note="Shift not verified: 31 March is a weekday in 2026-2028.",
    ),
    Rule(
        code="be.withholding_274",
        country="BE",
        title=_("Professional withholding tax: return 274 and payment"),
        frequency=Frequency.MONTHLY,
        due=day_of_month_after(15),
        # No published shift for art. 412: the payment must be in by the 15th.
        shift=Shift.PREVIOUS_BUSINESS_DAY,
        condition=employer,
        source="Art. 412 WIB/CIR 92 (within 15 days after the month of payment)",
        note="Debtors who withheld little the year before may file quarterly (art. 412 al. 2), "
        "and a company that pays only its directors files too; the profile records neither.",
    ),
    Rule(
        code="be.dmfa",
        country="BE",
        title=_("DmfA social security return and contributions"),
        frequency=Frequency.QUARTERLY,
        due=last_day_of_month_after(1),
        # The NSSO publishes the calendar date unmoved, and the contributions must have reached
        # it by then: a transfer only arrives on a working day.
        shift=Shift.PREVIOUS_BUSINESS_DAY,
        condition=employer,
        source="KB/AR 28.11.1969 art. 33-34 (return and contributions by the last day of the "
        "month after the quarter)",
        note="Article numbers of the royal decree not verified; the monthly provisional "
        "contributions (5th) of larger employers are not modelled.",
    ),
    Rule(
        code="be.cit_advance",
        country="BE",
        title=_("Corporate tax advance payment"),
        frequency=Frequency.FISCAL_QUARTERLY,
        due=cit_advance_due,
        shift=Shift.NEXT_BUSINESS_DAY,
        condition=legal_form(*CORPORATE_TAX_PAYERS),
        source="Art. 218 juncto art. 157-168 WIB/CIR 92 (10th of months 4, 7, 10 and 20th of "
        "month 12 of the fiscal year; next working day per FOD/SPF Financiën)",
        note="Paying in advance is optional (a surcharge otherwise); the article fixing the "
        "dates is not verified.",
    ),
    Rule(
        code="be.cit_return",
        country="BE",
        title=_("Corporate income tax return (Biztax)"),
        frequency=Frequency.FISCAL_YEARLY,
        due=last_day_of_month_after(7),
        shift=Shift.NEXT_BUSINESS_DAY,
        condition=legal_form(*CORPORATE_TAX_PAYERS),
        source="Art. 307 WIB/CIR 92; FOD/SPF Financiën (Biztax): 7 months from the first day of "
        "the month after the balance-sheet date, moved to the next working day",
        note="For year ends from 31 December to the end of February the administration usually "
        "grants a later date, announced each year; the calendar shows the rule.",
    ),
    Rule(
        code="be.annual_accounts_approval",
        country="BE",
        title=_("General meeting approves the annual accounts"),
        frequency=Frequency.FISCAL_YEARLY,
        due=months_after_end(6),
        shift=Shift.NONE,  # a meeting held by the statutes' date; nothing moves it
        condition=legal_form(*CAPITAL_COMPANIES),
        source="WVV/CSA: ordinary general meeting within six months of the year end",
        note="Article number not verified. Partnerships are left out: most are exempt from "
        "publishing accounts (all unlimited partners natural persons).",
    ),
    Rule(
        code="be.annual_accounts_filing",
        country="BE",
        title=_("File the annual accounts with the National Bank"),
        frequency=Frequency.FISCAL_YEARLY,
        due=months_after_end(7),
        shift=Shift.NONE,  # online filing; the law gives no extension
        condition=legal_form(*CAPITAL_COMPANIES),
        source="WVV/CSA art. 3:10 (within 30 days of approval, at the latest 7 months after the "
        "year end)",
        note="Article number not verified.",
    ),
]
