"""`kontor deadlines`: every statutory deadline the rules give for a company profile in a year.

    kontor deadlines --country BE --year 2026 --vat-regime quarterly --employer
    kontor deadlines --country PL --year 2026 --legal-form JDG --no-employer --json

For checking the rules by eye against an official calendar; nothing is read or written.
"""

from __future__ import annotations

import argparse
import json
import re
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from calendar_app.rules import (
    COUNTRIES,
    COUNTRY_VAT_REGIMES,
    VAT_REGIMES,
    CompanyProfile,
    Deadline,
    deadlines_for,
)
from calendar_app.rules.base import month_length

COUNTRY_NAMES = {"BE": "Belgium", "PL": "Poland", "NO": "Norway"}
USUAL_VAT_REGIME = {"BE": "monthly", "PL": "monthly", "NO": "bimonthly"}
USUAL_LEGAL_FORM = {"BE": "BV", "PL": "sp. z o.o.", "NO": "AS"}


class Command(BaseCommand):
    help = "Print every statutory deadline due in a year for a company profile, by date."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--country", required=True, help="BE, PL or NO")
        parser.add_argument("--year", required=True, help="the year the deadlines fall in")
        parser.add_argument(
            "--vat-regime",
            help="monthly, quarterly, bimonthly or none (default: bimonthly in NO, else monthly)",
        )
        parser.add_argument(
            "--employer",
            action=argparse.BooleanOptionalAction,
            default=False,
            help="the company employs staff (default: no)",
        )
        parser.add_argument(
            "--legal-form",
            help='e.g. BV, NV, VOF, "sp. z o.o.", JDG, AS, ENK; "" for a sole trader '
            "(default: BV, sp. z o.o. or AS)",
        )
        parser.add_argument(
            "--fiscal-year-end", default="12-31", help="MM-DD, e.g. 06-30 (default: 12-31)"
        )
        parser.add_argument("--json", action="store_true", help="print a JSON list")

    def handle(self, *args: Any, **options: Any) -> None:
        profile = _profile(options)
        year = _year(options["year"])
        found = deadlines_for(profile, year)
        if options["json"]:
            self.stdout.write(
                json.dumps([_as_json(d) for d in found], ensure_ascii=False, indent=2)
            )
            return
        self.stdout.write(_heading(profile, year))
        for deadline in found:
            self.stdout.write(_line(deadline))
        self.stdout.write(f"{len(found)} deadlines.")


def _profile(options: dict[str, Any]) -> CompanyProfile:
    country = str(options["country"]).strip().upper()
    if country not in COUNTRIES:
        raise CommandError(f"Unknown country {options['country']!r}: use BE, PL or NO.")
    regime = str(options["vat_regime"] or USUAL_VAT_REGIME[country]).strip().lower()
    if regime not in VAT_REGIMES:
        raise CommandError(
            f"Unknown VAT regime {options['vat_regime']!r}: use monthly, quarterly, bimonthly "
            "or none."
        )
    if regime not in COUNTRY_VAT_REGIMES[country]:
        raise CommandError(
            f"{COUNTRY_NAMES[country]} has no {regime} VAT returns: use "
            f"{_one_of(COUNTRY_VAT_REGIMES[country])}."
        )
    legal_form = options["legal_form"]
    return CompanyProfile(
        country=country,
        vat_regime=regime,
        employer=bool(options["employer"]),
        legal_form=USUAL_LEGAL_FORM[country] if legal_form is None else str(legal_form).strip(),
        fiscal_year_end=_month_day(str(options["fiscal_year_end"])),
    )


def _one_of(words: tuple[str, ...]) -> str:
    return f"{', '.join(words[:-1])} or {words[-1]}"


def _year(value: Any) -> int:
    text = str(value).strip()
    if not (re.fullmatch(r"\d{4}", text) and 2000 <= int(text) <= 2100):
        raise CommandError(
            f"Give the year as four digits from 2000 to 2100, e.g. 2026 (got {text!r})."
        )
    return int(text)


def _month_day(value: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{1,2})-(\d{1,2})", value.strip())
    # 29 February is refused, as in the company profile: a year end must exist every year.
    if match:
        month, day = int(match[1]), int(match[2])
        if 1 <= month <= 12 and 1 <= day <= month_length(2023, month):
            return month, day
    raise CommandError(
        f"The fiscal year end is a date as MM-DD that exists every year, e.g. 12-31 or 06-30 "
        f"(got {value!r})."
    )


def _heading(profile: CompanyProfile, year: int) -> str:
    month, day = profile.fiscal_year_end
    parts = [
        f"Deadlines due in {year}",
        COUNTRY_NAMES[profile.country],
        profile.legal_form or "sole trader",
        f"VAT {profile.vat_regime}",
        "employer" if profile.employer else "no staff",
        f"fiscal year ends {month:02d}-{day:02d}",
    ]
    return " · ".join(parts)


def _line(deadline: Deadline) -> str:
    line = (
        f"{deadline.due:%Y-%m-%d}  {deadline.obligation:<28} {deadline.period:<10} {deadline.title}"
    )
    if deadline.due != deadline.unshifted:
        line += f"  (moved from {deadline.unshifted:%a %Y-%m-%d})"
    return line


def _as_json(deadline: Deadline) -> dict[str, str]:
    return {
        "obligation": deadline.obligation,
        "period": deadline.period,
        "due": deadline.due.isoformat(),
        "unshifted": deadline.unshifted.isoformat(),
        "title": str(deadline.title),
    }
