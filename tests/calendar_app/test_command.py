"""`kontor deadlines`: the text and JSON a person checks the rules with, and its clear refusals."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command


def run(*args: str, **options: Any) -> str:
    out = StringIO()
    call_command("deadlines", *args, stdout=out, **options)
    return out.getvalue()


def test_text_lists_the_year_by_date_with_moved_dates_explained() -> None:
    lines = run(
        "--country", "BE", "--year", "2026", "--vat-regime", "quarterly", "--employer"
    ).splitlines()
    assert lines[0] == (
        "Deadlines due in 2026 · Belgium · BV · VAT quarterly · employer · fiscal year ends 12-31"
    )
    rows = lines[1:-1]
    assert lines[-1] == f"{len(rows)} deadlines."
    assert [row[:10] for row in rows] == sorted(row[:10] for row in rows)
    assert all(row[:10].startswith("2026-") for row in rows)
    # Q4 2025 was due Sunday 25 January 2026: the next working day.
    vat = next(row for row in rows if "be.vat_return" in row and "2025-Q4" in row)
    assert vat.startswith("2026-01-26")
    assert vat.endswith("(moved from Sun 2026-01-25)")
    assert any("be.dmfa" in row for row in rows)


def test_json_is_a_sorted_list_of_five_fields() -> None:
    found = json.loads(
        run(
            "--country", "BE", "--year", "2026", "--vat-regime", "quarterly", "--employer", "--json"
        )
    )
    assert found
    assert all(set(item) == {"obligation", "period", "due", "unshifted", "title"} for item in found)
    assert [(i["due"], i["obligation"]) for i in found] == sorted(
        (i["due"], i["obligation"]) for i in found
    )
    assert {
        "obligation": "be.vat_return",
        "period": "2025-Q4",
        "due": "2026-01-26",
        "unshifted": "2026-01-25",
        "title": "VAT return and payment (quarterly)",
    } in found


def test_the_profile_options_change_what_is_due() -> None:
    def codes(*args: str) -> set[str]:
        found = json.loads(run("--year", "2026", "--json", *args))
        return {item["obligation"] for item in found}

    staff = codes("--country", "PL", "--employer")
    assert {"pl.zus_dra", "pl.pit4_advance", "pl.cit8"} <= staff
    no_staff = codes("--country", "PL", "--no-employer")
    assert "pl.pit4_advance" not in no_staff
    assert "pl.zus_dra" not in no_staff  # an sp. z o.o. without staff pays no contributions
    sole = codes("--country", "PL", "--legal-form", "JDG", "--vat-regime", "none")
    assert "pl.zus_dra" in sole
    assert not sole & {"pl.cit8", "pl.jpk_v7", "pl.krs_filing"}
    assert "no.mva" in codes("--country", "NO")  # bimonthly by default in Norway


def test_a_fiscal_year_end_moves_the_yearly_deadlines() -> None:
    found = json.loads(
        run("--country", "NO", "--year", "2026", "--fiscal-year-end", "06-30", "--json")
    )
    approvals = [i for i in found if i["obligation"] == "no.arsregnskap_approval"]
    assert approvals == [
        {
            "obligation": "no.arsregnskap_approval",
            "period": "FY2026",
            "due": "2026-12-30",
            "unshifted": "2026-12-30",
            "title": "General meeting approves the annual accounts",
        }
    ]


def test_options_may_be_given_as_keywords() -> None:
    found = json.loads(run(country="no", year=2026, vat_regime="none", employer=True, json=True))
    assert "no.a_melding" in {item["obligation"] for item in found}
    assert "no.mva" not in {item["obligation"] for item in found}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--country", "DE", "--year", "2026"], "Unknown country 'DE': use BE, PL or NO."),
        (["--country", "BE", "--year", "26"], "Give the year as four digits"),
        (["--country", "BE", "--year", "2026", "--vat-regime", "weekly"], "Unknown VAT regime"),
        (
            ["--country", "NO", "--year", "2026", "--vat-regime", "quarterly"],
            "Norway has no quarterly VAT returns: use bimonthly, monthly or none.",
        ),
        (
            ["--country", "BE", "--year", "2026", "--vat-regime", "bimonthly"],
            "Belgium has no bimonthly VAT returns",
        ),
        (["--country", "PL", "--year", "2026", "--fiscal-year-end", "13-01"], "MM-DD"),
        (["--country", "PL", "--year", "2026", "--fiscal-year-end", "02-29"], "exists every year"),
        (["--country", "PL", "--year", "2026", "--fiscal-year-end", "June"], "e.g. 12-31"),
    ],
)
def test_bad_input_is_refused_with_one_clear_sentence(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        run(*args)
