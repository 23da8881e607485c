"""Norway's statutory deadlines.

Weekends and holidays: a filing deadline under the Tax Administration Act that ends on a Saturday,
Sunday or public holiday moves to the next working day (skatteforvaltningsloven § 5-5 (2) with
domstolloven § 149), and so does a payment (skattebetalingsloven § 10-2). The holidays are those
of the `holidays` package: the helligdager and 1 and 17 May; 24 and 31 December are working days.
Company-law deadlines (accounts) have no such rule here and keep their date.
Legal forms: AS and ASA are taxed as companies; an ENK (or "") is its owner's business and pays
personal tax; ANS and DA are taxed through their partners and file a partnership return.
Tax obligations follow the calendar income year; the accounts follow the fiscal year.
"""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext_lazy as _

from .base import (
    CompanyProfile,
    Frequency,
    Period,
    Rule,
    Shift,
    day_of_month_after,
    employer,
    instalments,
    legal_form,
    months_after_end,
    on_date,
    vat_regime,
)

COMPANIES = ("AS", "ASA")
SOLE_TRADERS = ("ENK", "")
PARTNERSHIPS = ("ANS", "DA")

FILING_SHIFT = "skatteforvaltningsloven § 5-5 (2) with domstolloven § 149"
PAYMENT_SHIFT = "skattebetalingsloven § 10-2"


def mva_term_due(profile: CompanyProfile, period: Period) -> date:
    """One month and ten days after the term (10 April for January–February), but 31 August for
    the third term (May–June)."""
    if period.index == 3:
        return date(period.end.year, 8, 31)
    return day_of_month_after(10, months=2)(profile, period)


def company_instalment_due(profile: CompanyProfile, period: Period) -> date:
    """Two halves, 15 February and 15 April of the year after the income year."""
    return date(period.end.year + 1, {1: 2, 2: 4}[period.index], 15)


def personal_instalment_due(profile: CompanyProfile, period: Period) -> date:
    """Four quarters, 15 March, 15 May, 15 September and 15 November of the income year."""
    return date(period.end.year, {1: 3, 2: 5, 3: 9, 4: 11}[period.index], 15)


MVA_SOURCE = (
    "Skatteforvaltningsloven § 8-3; skatteforvaltningsforskriften § 8-3-10 (1); "
    f"skattebetalingsloven § 10-30; {FILING_SHIFT}; {PAYMENT_SHIFT}"
)

RULES = [
    Rule(
        code="no.mva",
        country="NO",
        title=_("VAT return and payment (mva-melding)"),
        frequency=Frequency.BIMONTHLY,
        due=mva_term_due,
        shift=Shift.NEXT_BUSINESS_DAY,
        condition=vat_regime("bimonthly"),
        source=MVA_SOURCE,
        note="The yearly term for small businesses (10 March) is not a regime of the profile.",
    ),
    Rule(
        code="no.mva",
        country="NO",
        title=_("VAT return and payment (mva-melding, monthly)"),
        frequency=Frequency.MONTHLY,
        # The 31 August exception is for the third two-month term only: June is due 10 August.
        due=day_of_month_after(10, months=2),
        shift=Shift.NEXT_BUSINESS_DAY,
        condition=vat_regime("monthly"),
        source=MVA_SOURCE,
    ),
    Rule(
        code="no.a_melding",
        country="NO",
        title=_("A-melding (pay, withholding and employer's contribution report)"),
        frequency=Frequency.MONTHLY,
        due=day_of_month_after(5),
        shift=Shift.NEXT_BUSINESS_DAY,
        condition=employer,
        source=f"A-opplysningsloven (by the 5th of the following month); {FILING_SHIFT}",
        note="Paragraph of the a-opplysningsloven not verified; the next-working-day move is "
        "Skatteetaten's stated practice.",
    ),
    Rule(
        code="no.forskuddstrekk",
        country="NO",
        title=_("Pay withheld tax (forskuddstrekk) and employer's contribution"),
        frequency=Frequency.BIMONTHLY,
        due=day_of_month_after(15),
        shift=Shift.NEXT_BUSINESS_DAY,
        condition=employer,
        source=f"Skattebetalingsloven § 10-10 (15th of the month after each term); {PAYMENT_SHIFT}",
    ),
    Rule(
        code="no.forskuddsskatt",
        country="NO",
        title=_("Advance tax (forskuddsskatt), company"),
        frequency=Frequency.INSTALMENTS,
        due=company_instalment_due,
        shift=Shift.NEXT_BUSINESS_DAY,
        condition=legal_form(*COMPANIES),
        source=f"Skattebetalingsloven § 10-20 (upersonlige: 15 February and 15 April after the "
        f"income year); {PAYMENT_SHIFT}",
        periods=instalments(2),
    ),
    Rule(
        code="no.forskuddsskatt",
        country="NO",
        title=_("Advance tax (forskuddsskatt), sole trader"),
        frequency=Frequency.INSTALMENTS,
        due=personal_instalment_due,
        shift=Shift.NEXT_BUSINESS_DAY,
        condition=legal_form(*SOLE_TRADERS),
        source=f"Skattebetalingsloven § 10-20 (personlige: 15 March, 15 May, 15 September, "
        f"15 November); {PAYMENT_SHIFT}",
        periods=instalments(4),
    ),
    Rule(
        code="no.skattemelding",
        country="NO",
        title=_("Tax return (skattemelding)"),
        frequency=Frequency.YEARLY,
        due=on_date(5, 31),
        shift=Shift.NEXT_BUSINESS_DAY,
        condition=legal_form(*COMPANIES, *SOLE_TRADERS),
        source=f"Skatteforvaltningsloven § 8-2 (31 May for companies and the self-employed); "
        f"{FILING_SHIFT}",
    ),
    Rule(
        code="no.skattemelding",
        country="NO",
        title=_("Partnership tax return (selskapsmelding)"),
        frequency=Frequency.YEARLY,
        due=on_date(5, 31),
        shift=Shift.NEXT_BUSINESS_DAY,
        condition=legal_form(*PARTNERSHIPS),
        source=f"Skatteforvaltningsloven § 8-6 (by 31 May); {FILING_SHIFT}",
        note="Paragraph number not verified.",
    ),
    Rule(
        code="no.aksjonaerregister",
        country="NO",
        title=_("Shareholder register return (aksjonærregisteroppgave)"),
        frequency=Frequency.YEARLY,
        due=on_date(1, 31),
        shift=Shift.NEXT_BUSINESS_DAY,
        condition=legal_form(*COMPANIES),
        source=f"Skatteforvaltningsloven ch. 7 and skatteforvaltningsforskriften (by 31 January "
        f"after the income year); {FILING_SHIFT}",
        note="Paragraph numbers not verified.",
    ),
    Rule(
        code="no.arsregnskap_approval",
        country="NO",
        title=_("General meeting approves the annual accounts"),
        frequency=Frequency.FISCAL_YEARLY,
        due=months_after_end(6),
        shift=Shift.NONE,
        condition=legal_form(*COMPANIES),
        source="Aksjeloven § 5-5, allmennaksjeloven § 5-6 (ordinary general meeting within six "
        "months of the year end)",
    ),
    Rule(
        code="no.arsregnskap_filing",
        country="NO",
        title=_("File the annual accounts with the Register of Company Accounts"),
        frequency=Frequency.FISCAL_YEARLY,
        due=months_after_end(7),
        shift=Shift.NONE,
        condition=legal_form(*COMPANIES),
        source="Regnskapsloven § 8-2 (one month after approval: 31 July for a calendar year)",
        note="Partnerships and sole traders that must publish accounts (by size or ownership) "
        "are not recognisable from the profile. Whether a weekend moves this date is not "
        "verified.",
    ),
]
