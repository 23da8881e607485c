"""Generating two years of statutory deadlines for 1,000 companies on PostgreSQL, against a plain
`bulk_create` of the same rows in the same run (goal: at most 2x).

    .venv/bin/python bench/deadlines.py                # 1,000 companies, 2026-2027, 3 repeats
    .venv/bin/python bench/deadlines.py --quick        # 100 companies, 1 repeat

In process (ws_fanout.py's helpers, through chat_thread.py, for the database, the Redis prefix, the
data dir and the clean-up):

1. Re-creates the database `kontor_bench_deadlines` (`kontor migrate`); bulk_creates one office
   and 1,000 companies (bulk_create sends no `company_created`, so nothing is generated yet): a
   mix of BE/PL/NO, each country's VAT regimes, employers or not, several legal forms (capital
   companies, partnerships, sole traders) and fiscal year ends.
2. Per repeat, on a fresh table each time (TRUNCATE calendar events and realtime events; the
   order of the two steps alternates between repeats):
   - **generation**: `calendar_app.services.deadlines_generate_many(companies=..., years=(2026,
     2027))`, as the yearly beat runs it (`GENERATION_BATCH` companies per transaction, with
     their row locks, one `calendar.generated` event per company, written and pushed per
     batch), then ANALYZE (as autovacuum would) and a second, idempotent run that must create
     nothing;
   - **baseline**: the same rows built from `calendar_app.rules.deadlines_for(profile_of(c),
     year)` (timed apart), then one `CalendarEvent.objects.bulk_create(rows)` (timed). For
     information, also one bulk_create per company.
   The generated and the baseline rows are checked to be the same (company, obligation, period,
   date).
3. Where the time of the generation goes: queries of one company (`deadlines_generate`, as on a
   profile change), and cProfile over `--profile-companies` companies generated as one batch
   (a fresh table again).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.chat_thread import bench_environment  # noqa: E402
from bench.common import (  # noqa: E402
    Load,
    Probe,
    cpu_snapshot,
    cpu_used,
    django_start,
    django_stop,
    measured,
    profile_breakdown,
    queries_of,
    spread,
)
from bench.ws_fanout import Bench  # noqa: E402

YEARS = (2026, 2027)
GOAL_RATIO = 2.0

FORMS = {
    "BE": ("BV", "NV", "VOF", "SRL", ""),
    "PL": ("sp. z o.o.", "S.A.", "sp.k.", "JDG", ""),
    "NO": ("AS", "ASA", "ANS", "ENK", ""),
}
SOLE_TRADERS = {"", "JDG", "ENK"}
CURRENCY = {"BE": "EUR", "PL": "PLN", "NO": "NOK"}

GENERATION_PROBES: list[Probe] = [
    ("deadlines_generate_many", "calendar_app/services.py", "deadlines_generate_many"),
    ("  rules (once per distinct profile)", "calendar_app/services.py", "_wanted_of"),
    ("  rules: deadlines_for", "calendar_app/rules/__init__.py", "deadlines_for"),
    ("  SELECTs (company lock, existing rows)", "django/db/models/query.py", "_fetch_all"),
    ("  bulk_create of the new rows", "django/db/models/query.py", "bulk_create"),
    ("  building CalendarEvent objects", "calendar_app/services.py", "_deadline_event"),
    ("  publish_batch (the batch's Event rows)", "server/realtime/publish.py", "publish_batch"),
    ("  bulk_update of changed rows", "django/db/models/query.py", "bulk_update"),
    ("  commit (on_commit push included)", "django/db/transaction.py", "__exit__"),
    ("    Redis pushes (_push_groups)", "server/realtime/publish.py", "_push_groups"),
    ("SQL execution (cursor, all queries)", "django/db/backends/utils.py", "_execute"),
]


def company_rows(office: Any, count: int) -> list[Any]:
    from calendar_app.rules import COUNTRY_VAT_REGIMES
    from server.tenancy.models import Company

    companies = []
    for i in range(count):
        country = ("BE", "PL", "NO")[i % 3]
        form = FORMS[country][(i // 3) % 5]
        regimes = COUNTRY_VAT_REGIMES[country]
        year_end = (12, 31) if form in SOLE_TRADERS or (i // 15) % 4 else (6, 30)
        companies.append(
            Company(
                office=office,
                name=f"Bench company {i:04d}",
                country=country,
                legal_form=form,
                vat_regime=regimes[(i // 15) % len(regimes)],
                employer=(i // 7) % 2 == 0,
                fiscal_year_end_month=year_end[0],
                fiscal_year_end_day=year_end[1],
                currency=CURRENCY[country],
            )
        )
    return companies


def truncate() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE calendar_app_calendarevent, realtime_event RESTART IDENTITY CASCADE"
        )


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE calendar_app_calendarevent")


def generate_all(companies: list[Any]) -> tuple[float, int]:
    from calendar_app.services import deadlines_generate_many

    began = time.perf_counter()
    results = deadlines_generate_many(companies=companies, years=YEARS)
    created = sum(len(r.created) for r in results.values())
    return time.perf_counter() - began, created


def build_rows(companies: list[Any]) -> list[Any]:
    """The rows deadlines_generate makes, built straight from the rules."""
    from calendar_app.models import CalendarEvent, EventKind
    from calendar_app.rules import deadlines_for, profile_of
    from server.tenancy.models import Audience

    rows = []
    for company in companies:
        profile = profile_of(company)
        wanted = {(d.obligation, d.period): d for y in YEARS for d in deadlines_for(profile, y)}
        rows += [
            CalendarEvent(
                company=company,
                kind=EventKind.DEADLINE,
                audience=Audience.SHARED,
                title=str(d.title),
                date=d.due,
                unshifted=d.unshifted,
                obligation=d.obligation,
                period=d.period,
                legal_source=str(d.source)[:300],
            )
            for d in wanted.values()
        ]
    return rows


def bulk_insert(rows: list[Any]) -> tuple[float, int]:
    from calendar_app.models import CalendarEvent

    began = time.perf_counter()
    inserted = len(CalendarEvent.objects.bulk_create(rows))
    return time.perf_counter() - began, inserted


def bulk_insert_per_company(rows: list[Any]) -> float:
    from django.db import transaction

    from calendar_app.models import CalendarEvent

    groups: dict[int, list[Any]] = {}
    for row in rows:
        groups.setdefault(row.company_id, []).append(row)
    began = time.perf_counter()
    for group in groups.values():
        with transaction.atomic():
            CalendarEvent.objects.bulk_create(group)
    return time.perf_counter() - began


def table_keys() -> set[tuple[int, str, str, Any]]:
    from calendar_app.models import CalendarEvent

    return set(
        CalendarEvent.objects.values_list("company_id", "obligation", "period", "date").iterator()
    )


@dataclass
class Repeat:
    index: int
    generate_s: float = 0.0
    created: int = 0
    idempotent_s: float = 0.0
    idempotent_created: int = 0
    build_s: float = 0.0
    bulk_s: float = 0.0
    bulk_rows: int = 0
    per_company_bulk_s: float = 0.0
    loads: dict[str, Load] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        return self.generate_s / self.bulk_s if self.bulk_s else 0.0


def run(args: argparse.Namespace, bench: Bench) -> dict[str, Any]:
    from server.tenancy.models import Company, Office

    office = Office.objects.create(name="Bench office")
    Company.objects.bulk_create(company_rows(office, args.companies))
    companies = list(Company.objects.filter(office=office).order_by("id"))
    mix: dict[str, int] = {}
    for c in companies:
        key = f"{c.country} {c.vat_regime}{' employer' if c.employer else ''}"
        mix[key] = mix.get(key, 0) + 1
    bench.log(f"{len(companies)} companies (bulk_create, nothing generated yet)")
    repeats: list[Repeat] = []
    same_rows: bool | None = None
    for index in range(args.repeat):
        repeat = Repeat(index)
        for step in ("generation", "baseline") if index % 2 == 0 else ("baseline", "generation"):
            truncate()
            if step == "generation":
                (repeat.generate_s, repeat.created), repeat.loads["generation"] = measured(
                    bench, partial(generate_all, companies)
                )
                generated = table_keys() if same_rows is None else set()
                analyze()
                (repeat.idempotent_s, repeat.idempotent_created), repeat.loads["idempotent"] = (
                    measured(bench, partial(generate_all, companies))
                )
            else:
                began = time.perf_counter()
                rows = build_rows(companies)
                repeat.build_s = time.perf_counter() - began
                (repeat.bulk_s, repeat.bulk_rows), repeat.loads["bulk_create"] = measured(
                    bench, partial(bulk_insert, rows)
                )
                baseline = table_keys() if same_rows is None else set()
                # For information: one bulk_create (one transaction) per company.
                truncate()
                repeat.per_company_bulk_s, repeat.loads["bulk_create per company"] = measured(
                    bench, partial(bulk_insert_per_company, build_rows(companies))
                )
        if same_rows is None:
            same_rows = generated == baseline
        repeats.append(repeat)
        bench.log(
            f"repeat {index + 1}: generation {repeat.generate_s:.2f} s ({repeat.created:,} rows),"
            f" idempotent {repeat.idempotent_s:.2f} s ({repeat.idempotent_created} created),"
            f" bulk_create {repeat.bulk_s:.2f} s ({repeat.bulk_rows:,} rows; built in"
            f" {repeat.build_s:.2f} s), ratio {repeat.ratio:.2f}"
        )

    # Where the time goes.
    truncate()
    from calendar_app.services import deadlines_generate, deadlines_generate_many

    one = companies[0]
    queries = queries_of(partial(deadlines_generate, company=one, years=YEARS))
    again = queries_of(partial(deadlines_generate, company=one, years=YEARS))
    sample = companies[1 : 1 + args.profile_companies]
    breakdown = profile_breakdown(
        lambda: deadlines_generate_many(companies=sample, years=YEARS), 1, GENERATION_PROBES
    )
    analyze()
    idempotent_breakdown = profile_breakdown(
        lambda: deadlines_generate_many(companies=sample, years=YEARS), 1, GENERATION_PROBES
    )
    truncate()
    return {
        "companies": len(companies),
        "mix": mix,
        "repeats": repeats,
        "same_rows": same_rows,
        "queries": queries,
        "queries_again": again,
        "breakdown": breakdown,
        "idempotent_breakdown": idempotent_breakdown,
        "sample": len(sample),
    }


def report(args: argparse.Namespace, result: dict[str, Any]) -> None:
    repeats: list[Repeat] = result["repeats"]
    companies = result["companies"]
    print()
    print(
        f"deadlines: {companies:,} companies, years {YEARS[0]}-{YEARS[-1]}, {len(repeats)}"
        f" repeat(s), {os.cpu_count()} CPUs, PostgreSQL"
    )
    print("Mix: " + ", ".join(f"{k} {v}" for k, v in sorted(result["mix"].items())))
    header = (
        f"{'rep':>3} {'generation s':>12} {'rows':>8} {'ms/company':>10} {'idempotent s':>12}"
        f" {'bulk_create s':>13} {'rows':>8} {'build s':>7} {'bulk/company s':>14} {'ratio':>5}"
    )
    print(header)
    print("-" * len(header))
    for r in repeats:
        print(
            f"{r.index + 1:>3} {r.generate_s:>12.2f} {r.created:>8,}"
            f" {r.generate_s * 1000 / companies:>10.2f} {r.idempotent_s:>12.2f}"
            f" {r.bulk_s:>13.2f} {r.bulk_rows:>8,} {r.build_s:>7.2f}"
            f" {r.per_company_bulk_s:>14.2f} {r.ratio:>5.2f}"
        )
    print(
        "generation: deadlines_generate for every company on an empty table; idempotent: the"
        " same again (nothing to create); bulk_create: one call with all rows, built beforehand"
        " from deadlines_for (build s, not in the ratio); bulk/company: one bulk_create per"
        " company, each in its transaction (for information); ratio: generation / bulk_create"
    )
    print("Load (cores):")
    for r in repeats:
        for step, load in r.loads.items():
            print(f"  r{r.index + 1} {step}: {load.text()}")
    print()
    for name, key in (("first run", "queries"), ("idempotent run", "queries_again")):
        queries = result[key]
        total = sum(ms for ms, _ in queries)
        print(f"Queries of one company's generation ({name}): {len(queries)}, {total:.1f} ms")
        for ms, sql in queries:
            print(f"  {ms:6.2f} ms  {sql[:140]}")
    for title, key in (("first run", "breakdown"), ("idempotent run", "idempotent_breakdown")):
        total, found = result[key]
        print()
        print(
            f"Where the generation goes ({title}; cProfile over one batch of"
            f" {result['sample']} companies, {total:.1f} ms under the profiler; read the shares):"
        )
        for label, ms, calls in found:
            print(f"  {label:44} {ms:7.2f} ms {ms / total:6.1%}  ({calls} call(s))")
    print()
    ratios = [r.ratio for r in repeats]
    print(
        f"Generation: {spread([r.generate_s for r in repeats], 2)} s for {companies:,} companies"
        f" ({spread([r.created for r in repeats], 0)} rows); idempotent run:"
        f" {spread([r.idempotent_s for r in repeats], 2)} s; bulk_create:"
        f" {spread([r.bulk_s for r in repeats], 2)} s; ratio {spread(ratios, 2)}"
    )
    floor = [r.generate_s / (r.build_s + r.bulk_s) for r in repeats if r.build_s + r.bulk_s]
    print(
        "For information: generation / (building the rows from the rules + bulk_create), what"
        f" any generation that builds model objects from the rules pays: {spread(floor, 2)};"
        " one bulk_create per company costs"
        f" {spread([r.per_company_bulk_s / r.bulk_s for r in repeats if r.bulk_s], 2)} x the"
        " single one"
    )
    if result["same_rows"] is not None:
        print(
            "Generated rows = baseline rows (company, obligation, period, date): "
            + ("yes" if result["same_rows"] else "NO")
        )
    if any(r.idempotent_created for r in repeats):
        print("Anomaly: the second run created rows; it should be idempotent")
    ok = sum(1 for v in ratios if v <= GOAL_RATIO)
    print(
        f"Goal generation <= {GOAL_RATIO:.0f} x bulk_create: "
        f"{'MET' if ratios and ok == len(ratios) else 'MISSED'} ({ok}/{len(ratios)} repeats;"
        f" ratio {spread(ratios, 2)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--companies", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--profile-companies", type=int, default=100, help="companies profiled with cProfile"
    )
    parser.add_argument("--quick", action="store_true", help="100 companies, 1 repeat")
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="before each timed step wait up to this long for the machine to be idle",
    )
    parser.add_argument("--quiet-cores", type=float, default=0.3)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--db", default="kontor_bench_deadlines")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()
    if args.quick:
        args.companies, args.repeat, args.profile_companies = 100, 1, 30
    bench = bench_environment(args)
    before = cpu_snapshot({})
    time.sleep(1.0)
    busy = cpu_used(before, cpu_snapshot({}))["machine"]
    bench.log(f"before starting, the machine was busy {busy:.2f} cores")
    try:
        django_start(bench)
        result = run(args, bench)
    except BaseException:
        bench.log(f"failed; data dir {bench.data_dir}")
        raise
    finally:
        django_stop(bench)
    report(args, result)


if __name__ == "__main__":
    main()
