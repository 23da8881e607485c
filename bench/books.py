"""The reports on 1,000,000 journal lines of one company on PostgreSQL: trial balance, profit and
loss by month and receivables ageing, each through the selector the API uses, against a bare
`SELECT account_id, SUM(debit), SUM(credit) ... GROUP BY account_id` over the same table in the
same run (goal: each <= 300 ms and <= 3 x the bare query).

    .venv/bin/python bench/books.py                    # 1,000,000 lines, 7 timed runs each
    .venv/bin/python bench/books.py --lines 100000     # smoke run

In process (bench/common.py's Workspace: a fresh database `kontor_bench_books`, migrated, removed
at the end):

1. One BE company (books installed by `company_create`), fiscal years 2025 and 2026, 2,000
   parties (customers and suppliers), then entries written with COPY until `--lines` lines: sales
   invoices (receivable with a due date 30 days on, revenue on one of 5 accounts, VAT 21 %),
   purchases (one of ~30 expense accounts, deductible VAT, payable), customer payments allocated
   in full or in part to an open invoice of the customer, supplier payments and other costs paid
   from the bank; ~40 accounts in use, dates spread over the two years. The open items
   (bookkeeping.models.OpenItem) are computed as the services keep them (opened with each
   receivable/payable line, changed by each allocation) and written with COPY too. The triggers
   of the line and entry tables are disabled during the load (a throwaway database; the rows are
   inserted already posted) and enabled again before anything is timed; then VACUUM ANALYZE.
2. Each query warm (`--warmup` runs), then `--times` timed runs, in turn (bare, trial balance,
   P&L, ageing, bare, ...), so that a busy moment of the machine hits all alike. Reported: p50
   and [min-max] in ms, the ratio of p50 to the bare query's p50, and EXPLAIN ANALYZE of each.
   For information (no goal): the ageing as of 2025-06-30 (allocations after the date added
   back) and the computation from lines and allocations used before the open items, which the
   ageing must equal at both dates (a check).
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import Workspace, cpu_snapshot, cpu_used, django_start, django_stop  # noqa: E402

GOAL_MS = 300.0
GOAL_RATIO = 3.0
START = datetime.date(2025, 1, 1)
DAYS = 730
CENT = Decimal("0.01")


def seed(args: argparse.Namespace, bench: Workspace) -> dict[str, Any]:
    from django.db import connection

    from bookkeeping.models import (
        Account,
        Allocation,
        Entry,
        FiscalYear,
        Journal,
        JournalSequence,
        Line,
        OpenItem,
        Party,
        VatCode,
    )
    from bookkeeping.services.install import fiscal_year_open
    from server.tenancy.models import Office
    from server.tenancy.services import company_create

    office = Office.objects.create(name="Bench office")
    company = company_create(office=office, name="Bench BV", country="BE")
    fiscal_year_open(
        company=company, start=datetime.date(2025, 1, 1), end=datetime.date(2025, 12, 31)
    )
    years = {y.start.year: y for y in FiscalYear.objects.filter(company=company)}
    roles = {a.role: a for a in Account.objects.filter(company=company, role__isnull=False)}
    income = list(Account.objects.filter(company=company, kind="income").order_by("code")[:5])
    expenses = list(
        Account.objects.filter(company=company, kind="expense")
        .exclude(role__in=["purchases"])
        .order_by("code")[:32]
    )
    expenses.append(roles["purchases"])
    journals = {j.kind: j for j in Journal.objects.filter(company=company)}
    s21 = VatCode.objects.get(company=company, code="S21")
    p21 = VatCode.objects.get(company=company, code="P21")
    Party.objects.bulk_create(
        Party(company=company, name=f"Party {i:04d}", kind="customer" if i % 4 else "supplier",
              country="BE")
        for i in range(args.parties)
    )  # fmt: skip
    parties = list(Party.objects.filter(company=company).values_list("id", "kind"))
    customers = [pk for pk, kind in parties if kind == "customer"]
    suppliers = [pk for pk, kind in parties if kind == "supplier"]

    rng = random.Random(20260101)
    now = "2026-01-01 00:00:00+00"
    entry_rows: list[tuple[Any, ...]] = []
    line_rows: list[tuple[Any, ...]] = []
    allocation_rows: list[tuple[Any, ...]] = []
    numbers: dict[tuple[int, int], int] = {}
    open_invoices: dict[int, list[list[Any]]] = {}  # customer -> [[line id, open amount, date]]
    # line id -> an open item row (residual at index 9, allocated_until at 10), kept as the
    # services keep it: opened with the line, changed by each allocation.
    item_rows: dict[int, list[Any]] = {}
    item_sides = {roles["receivable"].pk: "receivable", roles["payable"].pk: "payable"}
    entry_id = line_id = 0

    def entry(kind: str, date: datetime.date, memo: str) -> int:
        nonlocal entry_id
        entry_id += 1
        year = years[date.year]
        key = (journals[kind].pk, year.pk)
        numbers[key] = numbers.get(key, 0) + 1
        entry_rows.append((entry_id, company.pk, journals[kind].pk, year.pk, numbers[key], date,
                           "", memo, "posted", "shared", "", "manual", now, now))  # fmt: skip
        return entry_id

    def line(entry: int, date: datetime.date, account: Any, debit: Decimal, credit: Decimal,
             party: int | None = None, vat: Any = None, base: Decimal | None = None,
             due: datetime.date | None = None) -> int:  # fmt: skip
        nonlocal line_id
        line_id += 1
        line_rows.append((line_id, entry, company.pk, account.pk, party, "", debit, credit, "EUR",
                          vat.pk if vat else None, base, due, date, True))  # fmt: skip
        side = item_sides.get(account.pk)
        if side:
            amount = debit - credit
            item_rows[line_id] = [company.pk, line_id, account.pk, party, side, date, due or date,
                                  "EUR", amount, amount, None]  # fmt: skip
        return line_id

    def allocated(debit_line: int, credit_line: int, amount: Decimal, date: datetime.date) -> None:
        allocation_rows.append((debit_line, credit_line, amount, date))
        item_rows[debit_line][9] -= amount
        item_rows[credit_line][9] += amount
        for line in (debit_line, credit_line):
            until = item_rows[line][10]
            item_rows[line][10] = date if until is None else max(until, date)

    zero = Decimal("0.00")
    began = time.perf_counter()
    while line_id < args.lines:
        date = START + datetime.timedelta(days=rng.randrange(DAYS))
        pick = rng.random()
        if pick < 0.35:  # sales invoice
            net = Decimal(rng.randrange(5_000, 500_000)) * CENT
            tax = (net * Decimal("0.21")).quantize(CENT)
            customer = rng.choice(customers)
            e = entry("sales", date, "Invoice")
            receivable = line(e, date, roles["receivable"], net + tax, zero, customer,
                              due=date + datetime.timedelta(days=30))  # fmt: skip
            line(e, date, rng.choice(income), zero, net)
            line(e, date, roles["vat_due"], zero, tax, vat=s21, base=net)
            open_invoices.setdefault(customer, []).append([receivable, net + tax, date])
        elif pick < 0.65:  # customer payment, allocated to an open invoice
            customer = rng.choice(customers)
            invoices = open_invoices.get(customer)
            if not invoices:
                continue
            invoice = invoices[0]
            paid_on = max(date, invoice[2])
            if paid_on.year > 2026:
                continue
            amount = invoice[1] if rng.random() < 0.8 else (invoice[1] / 2).quantize(CENT)
            e = entry("bank", paid_on, "Payment")
            line(e, paid_on, roles["bank"], amount, zero)
            payment = line(e, paid_on, roles["receivable"], zero, amount, customer)
            allocated(invoice[0], payment, amount, paid_on)
            invoice[1] -= amount
            if invoice[1] == 0:
                invoices.pop(0)
        elif pick < 0.85:  # purchase invoice
            net = Decimal(rng.randrange(1_000, 200_000)) * CENT
            tax = (net * Decimal("0.21")).quantize(CENT)
            e = entry("purchases", date, "Purchase")
            line(e, date, rng.choice(expenses), net, zero)
            line(e, date, roles["vat_deductible"], tax, zero, vat=p21, base=net)
            line(e, date, roles["payable"], zero, net + tax, rng.choice(suppliers),
                 due=date + datetime.timedelta(days=30))  # fmt: skip
        elif pick < 0.95:  # supplier payment
            amount = Decimal(rng.randrange(1_000, 200_000)) * CENT
            e = entry("bank", date, "Supplier payment")
            line(e, date, roles["payable"], amount, zero, rng.choice(suppliers))
            line(e, date, roles["bank"], zero, amount)
        else:  # other costs paid from the bank
            amount = Decimal(rng.randrange(1_000, 50_000)) * CENT
            e = entry("general", date, "Costs")
            line(e, date, rng.choice(expenses), amount, zero)
            line(e, date, roles["bank"], zero, amount)
    built = time.perf_counter() - began

    began = time.perf_counter()
    entry_columns = ["id", "company_id", "journal_id", "fiscal_year_id", "number", "date",
                     "reference", "memo", "state", "audience", "internal_note", "source",
                     "created_at", "posted_at"]  # fmt: skip
    line_columns = ["id", "entry_id", "company_id", "account_id", "party_id", "description",
                    "debit", "credit", "currency", "vat_code_id", "vat_base", "due_date", "date",
                    "posted"]  # fmt: skip
    tables = (Entry._meta.db_table, Line._meta.db_table, Allocation._meta.db_table,
              OpenItem._meta.db_table)  # fmt: skip
    with connection.cursor() as cursor:
        for table in tables[:2]:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        raw = cursor.cursor
        for table, columns, rows in (
            (tables[0], entry_columns, entry_rows),
            (tables[1], line_columns, line_rows),
        ):
            with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        with raw.copy(
            f"COPY {tables[2]} (company_id, debit_line_id, credit_line_id, amount, date,"
            " created_at) FROM STDIN"
        ) as copy:
            for debit_line, credit_line, amount, date in allocation_rows:
                copy.write_row((company.pk, debit_line, credit_line, amount, date, now))
        with raw.copy(
            f"COPY {tables[3]} (company_id, line_id, account_id, party_id, side, date, due_date,"
            " currency, amount, residual, allocated_until, closed_at) FROM STDIN"
        ) as copy:
            for item in item_rows.values():
                copy.write_row((*item, now if item[9] == 0 else None))
        for table in tables[:2]:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")
        for table in tables:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"  # noqa: S608
                f" (SELECT MAX(id) FROM {table}))"
            )
    for (journal, year), last in numbers.items():
        JournalSequence.objects.update_or_create(
            journal_id=journal, fiscal_year_id=year, defaults={"last_number": last}
        )
    copied = time.perf_counter() - began
    began = time.perf_counter()
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"VACUUM ANALYZE {table}")
    vacuumed = time.perf_counter() - began
    accounts_used = Line.objects.filter(company=company).values("account").distinct().count()
    bench.log(
        f"seeded {line_id:,} lines, {entry_id:,} entries, {len(allocation_rows):,} allocations,"
        f" {len(item_rows):,} open items ({sum(1 for r in item_rows.values() if r[9]):,} open),"
        f" {len(parties):,} parties, {accounts_used} accounts: built {built:.1f} s, COPY"
        f" {copied:.1f} s, VACUUM ANALYZE {vacuumed:.1f} s"
    )
    return {"company": company, "lines": line_id, "entries": entry_id,
            "allocations": len(allocation_rows), "accounts": accounts_used,
            "seed_s": built + copied + vacuumed}  # fmt: skip


def run(args: argparse.Namespace, bench: Workspace, seeded: dict[str, Any]) -> dict[str, Any]:
    from django.db import connection

    from bookkeeping.models import Line
    from bookkeeping.reports import open_items, profit_loss, trial_balance

    company = seeded["company"]
    as_of = datetime.date(2026, 12, 31)

    def bare() -> Any:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT account_id, SUM(debit), SUM(credit) FROM {Line._meta.db_table}"  # noqa: S608
                " WHERE company_id = %s GROUP BY account_id",
                [company.pk],
            )
            return cursor.fetchall()

    past = datetime.date(2025, 6, 30)

    def before_open_items(date: datetime.date) -> Any:
        """The ageing as computed before the open-item table (every receivable line and every
        allocation on each call), for comparison in the same run."""
        return _before_open_items(company, date)

    calls = {
        "bare SUM ... GROUP BY": bare,
        "trial balance": lambda: trial_balance.trial_balance(company=company, date=as_of),
        "P&L by month (2 years)": lambda: profit_loss.profit_and_loss(
            company=company, start=START, end=as_of
        ),
        "receivables ageing": lambda: open_items.open_items(
            company=company, side="receivables", date=as_of
        ),
        # For information (no goal): an as-of report in the past (allocations after the date are
        # added back) and the computation before the open-item table.
        "(ageing as of 2025-06-30)": lambda: open_items.open_items(
            company=company, side="receivables", date=past
        ),
        "(ageing before open items)": lambda: before_open_items(as_of),
    }
    for call in calls.values():
        for _ in range(args.warmup):
            call()
    spent: dict[str, list[float]] = {name: [] for name in calls}
    before = cpu_snapshot({"bench": os.getpid()})
    for _ in range(args.times):
        for name, call in calls.items():
            began = time.perf_counter()
            call()
            spent[name].append((time.perf_counter() - began) * 1000)
    load = cpu_used(before, cpu_snapshot({"bench": os.getpid()}))
    checks = {
        "trial balance totals equal": (lambda r: r.totals[0].debit == r.totals[0].credit)(
            calls["trial balance"]()
        ),
        "ageing total = receivable balance": open_items.open_items(
            company=company, side="receivables", date=as_of
        ).totals.total
        == next(
            r.balance for r in calls["trial balance"]().rows if r.code == _receivable_code(company)
        ),
    }
    for date in (as_of, past):
        ageing = open_items.open_items(company=company, side="receivables", date=date)
        checks[f"ageing as of {date} = computation before open items"] = {
            (p.party, name, getattr(p.ageing, name))
            for p in ageing.parties
            for name in open_items.BUCKETS
        } == before_open_items(date)
    plans = {}
    if args.explain:
        from django.test.utils import CaptureQueriesContext

        for name, call in calls.items():
            with CaptureQueriesContext(connection) as captured:
                call()
            biggest = max(captured.captured_queries, key=lambda q: float(q["time"]))
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + biggest["sql"])
                plans[name] = [row[0] for row in cursor.fetchall()]
    return {"spent": spent, "load": load, "checks": checks, "plans": plans}


def _before_open_items(company: Any, date: datetime.date) -> set[tuple[Any, str, Decimal]]:
    """(party, bucket, residual) per party and bucket of the receivables as of `date`, from the
    lines and allocations themselves (the SQL of bookkeeping/reports/open_items.py before the
    open-item table)."""
    from django.db import connection, transaction

    from bookkeeping.models import Account, Allocation, Line
    from bookkeeping.reports.open_items import BUCKETS

    account = Account.objects.get(company=company, role="receivable")
    params: dict[str, Any] = {"company": company.pk, "account": account.pk, "date": date,
                              "currency": company.currency, "posted": True}  # fmt: skip
    for days in (30, 60, 90):
        params[f"edge{days}"] = date - datetime.timedelta(days=days)
    line, allocation = Line._meta.db_table, Allocation._meta.db_table
    sql = f"""
        SELECT party_id, bucket, SUM(residual) FROM (
        SELECT l.party_id AS party_id,
               CASE WHEN COALESCE(l.due_date, l.date) >= %(date)s THEN 0
                    WHEN COALESCE(l.due_date, l.date) >= %(edge30)s THEN 1
                    WHEN COALESCE(l.due_date, l.date) >= %(edge60)s THEN 2
                    WHEN COALESCE(l.due_date, l.date) >= %(edge90)s THEN 3
                    ELSE 4 END AS bucket,
               l.debit - l.credit - COALESCE(a.amount, 0) AS residual
        FROM {line} l
        LEFT JOIN (SELECT line_id, SUM(amount) AS amount
                   FROM (SELECT debit_line_id AS line_id, amount FROM {allocation}
                         WHERE company_id = %(company)s AND date <= %(date)s
                         UNION ALL
                         SELECT credit_line_id, -amount FROM {allocation}
                         WHERE company_id = %(company)s AND date <= %(date)s) matched
                   GROUP BY line_id) a
               ON a.line_id = l.id
        WHERE l.company_id = %(company)s AND l.posted = %(posted)s AND l.account_id = %(account)s
          AND l.currency = %(currency)s AND l.date <= %(date)s) open_lines
        GROUP BY party_id, bucket HAVING SUM(CASE WHEN residual <> 0 THEN 1 ELSE 0 END) > 0
    """  # noqa: S608
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    sums: dict[tuple[Any, str], Decimal] = {}
    for party, bucket, residual in rows:
        sums[(party, BUCKETS[bucket])] = residual
    parties = {party for party, _ in sums}
    # The report lists every bucket of a party with something open (zero where none).
    return {(party, name, sums.get((party, name), Decimal("0.00"))) for party in parties
            for name in BUCKETS}  # fmt: skip


def _receivable_code(company: Any) -> str:
    from bookkeeping.models import Account

    return Account.objects.get(company=company, role="receivable").code


def report(args: argparse.Namespace, seeded: dict[str, Any], result: dict[str, Any]) -> None:
    spent = result["spent"]
    base = statistics.median(spent["bare SUM ... GROUP BY"])
    print()
    print(
        f"books: {seeded['lines']:,} lines, {seeded['entries']:,} entries,"
        f" {seeded['allocations']:,} allocations, {seeded['accounts']} accounts, one company;"
        f" {args.times} timed runs each after {args.warmup} warm-up; {os.cpu_count()} CPUs;"
        f" seeded in {seeded['seed_s']:.0f} s"
    )
    header = f"{'query':28} {'p50 ms':>8} {'min-max ms':>17} {'ratio':>6}  goal"
    print(header)
    print("-" * len(header))
    verdicts = []
    for name, values in spent.items():
        middle = statistics.median(values)
        ratio = middle / base if base else 0.0
        is_bare = name.startswith(("bare", "("))
        met = is_bare or (middle <= GOAL_MS and ratio <= GOAL_RATIO)
        if not is_bare:
            verdicts.append(met)
        goal = "" if is_bare else ("MET" if met else "MISSED")
        print(
            f"{name:28} {middle:8.1f} {min(values):8.1f}-{max(values):<8.1f} {ratio:6.2f}  {goal}"
        )
    load = result["load"]
    print(
        f"CPU while timing (cores): bench {load.get('bench', 0):.2f}, postgres"
        f" {load.get('postgres', 0):.2f}, other {load.get('other', 0):.2f}"
    )
    for name, ok in result["checks"].items():
        print(f"check: {name}: {'yes' if ok else 'NO'}")
    for name, plan in result["plans"].items():
        print()
        print(f"EXPLAIN ANALYZE, {name}:")
        for row in plan:
            print(f"  {row}")
    print()
    print(
        f"Goal each report <= {GOAL_MS:.0f} ms and <= {GOAL_RATIO:.0f} x the bare query: "
        f"{'MET' if all(verdicts) else 'MISSED'} ({sum(verdicts)}/{len(verdicts)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--parties", type=int, default=2_000)
    parser.add_argument("--times", type=int, default=7)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--explain", action="store_true", help="print the plans")
    parser.add_argument("--wait-quiet", type=float, default=0.0)
    parser.add_argument("--quiet-cores", type=float, default=0.3)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--db", default="kontor_bench_books")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()
    bench = Workspace(args)
    try:
        django_start(bench)
        seeded = seed(args, bench)
        result = run(args, bench, seeded)
    except BaseException:
        bench.log(f"failed; data dir {bench.data_dir}")
        raise
    finally:
        django_stop(bench)
    report(args, seeded, result)


if __name__ == "__main__":
    main()
