"""Listing a dossier folder of 10,000 documents: server time and queries of the first page.

    .venv/bin/python bench/dossier_listing.py               # 10,000 documents, 3 rounds of 50
    .venv/bin/python bench/dossier_listing.py --quick       # 2,000 documents, 1 round of 20
    .venv/bin/python bench/dossier_listing.py --explain     # and the page query's plan

What it does, in this process (Django's test client, no network), and removes what it made:

1. Re-creates the PostgreSQL database `kontor_bench_listing` (`kontor migrate`) and seeds one
   office with a company (its folders from the country template), a client user and an assigned
   accountant (API tokens), `--documents` documents in one shared folder and 10 in another, and as
   many documents again in a second company (so that the company filter has work to do). Rows are
   bulk-created: each document has one Version (the listing never reads the stored bytes, and
   `storage_key` is unique, so each version names a key of its own that holds nothing), creation
   times one minute apart.
2. For each user and folder it requests `GET /api/v1/companies/<id>/documents/?folder=<id>` (the
   first page: 50 documents) and the page behind its `next` cursor, `--requests` times each after
   a warm-up, in `--repeat` rounds. Server time = time spent inside Django's handler (a timing
   middleware put first; everything from the first middleware to the rendered JSON), SQL = time
   spent in `cursor.execute` (an execute wrapper). Queries are counted with
   CaptureQueriesContext, for the 10-document and the big folder alike.
3. Baselines measured the same way in the same round: the ORM query of the same page
   (`list(selectors.document_list(...)[:51])`, DRF fetches one row more), the same SQL through a
   raw cursor, and the serializer and JSON renderer on that page alone; so the ratio server/ORM
   shows what the rest of the request (auth, access checks, serialization) adds.
4. The test client keeps one database connection for the whole run; a server does not: with
   CONN_MAX_AGE=0 (server/settings.py) every request opens a new one. The `new conn` rows close the
   connection before each request, so that their server time includes that connect.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
PY = sys.executable
KONTOR = str(Path(PY).with_name("kontor"))
GOAL_MS = 50.0
PAGE = 50


# --- timing hooks ------------------------------------------------------------------------------


class Clock:
    """What the hooks measured during one request."""

    server = 0.0
    sql = 0.0
    queries = 0


class ServerTimer:
    """Outermost middleware: the time Django spends on the request, rendering included."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        started = time.perf_counter()
        response = self.get_response(request)
        Clock.server = time.perf_counter() - started
        return response


def sql_timer(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
    started = time.perf_counter()
    try:
        return execute(sql, params, many, context)
    finally:
        Clock.sql += time.perf_counter() - started
        Clock.queries += 1


def py_spy(output: Path) -> subprocess.Popen[bytes]:
    """`py-spy record` of this process until SIGINT (collapsed stacks)."""
    spy = shutil.which("py-spy", path=str(Path(PY).parent)) or shutil.which("py-spy")
    if spy is None:
        raise SystemExit("--profile needs py-spy: .venv/bin/pip install py-spy")
    output.parent.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [spy, "record", "--pid", str(os.getpid()), "--rate", "1000", "--nonblocking",
         "--format", "raw", "--output", str(output)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(0.5)
    return process


CLK_TCK = os.sysconf("SC_CLK_TCK")


def cprofile_write(profiler: Any, output: Path) -> None:
    """The 40 costliest functions of a series, by cumulative and by own time (cProfile skews
    the figures of that series: it is printed, never compared)."""
    import io
    import pstats

    output.parent.mkdir(parents=True, exist_ok=True)
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(40)
    output.write_text(text.getvalue())


def backend_cpu() -> float:
    """CPU seconds of the PostgreSQL backend serving this process's connection (0 if none)."""
    from django.db import connection

    if connection.connection is None:
        return 0.0
    pid = connection.connection.info.backend_pid
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def cpu_now() -> tuple[float, float, float]:
    """(monotonic time, CPU seconds of the machine busy, CPU seconds of this process and of its
    database backend)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    busy = (sum(values) - values[3] - values[4]) / CLK_TCK
    return time.monotonic(), busy, time.process_time() + backend_cpu()


def others_busy(before: tuple[float, float, float]) -> float:
    """Cores other processes kept busy since `before`."""
    after = cpu_now()
    wall = max(after[0] - before[0], 1e-9)
    return max(0.0, (after[1] - before[1]) - (after[2] - before[2])) / wall


# --- results -----------------------------------------------------------------------------------


@dataclass
class Series:
    """Timings (ms) of one measured thing over one round."""

    name: str
    round: int
    server: list[float] = field(default_factory=list)
    sql: list[float] = field(default_factory=list)
    wall: list[float] = field(default_factory=list)
    queries: int = 0
    other: float = 0.0  # cores busy with other processes (not this one) during the series

    def p(self, values: list[float], q: float) -> float:
        if not values:
            return 0.0
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def spread(values: list[float], digits: int = 1) -> str:
    if not values:
        return "-"
    middle = statistics.median(values)
    if len(values) == 1:
        return f"{middle:.{digits}f}"
    return f"{middle:.{digits}f} [{min(values):.{digits}f}-{max(values):.{digits}f}]"


# --- the benchmark -----------------------------------------------------------------------------


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.data_dir = Path(tempfile.mkdtemp(prefix="kontor-bench-listing-"))
        self.prefix = f"kbenchlisting{os.getpid()}"
        self.series: list[Series] = []
        self.query_counts: dict[str, int] = {}
        self.query_texts: dict[str, list[str]] = {}
        self.seed_seconds = 0.0
        self.plan = ""
        self.plans: dict[str, str] = {}
        self.world: dict[str, Any] = {}

    def log(self, message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)

    def database_recreate(self, drop_only: bool = False) -> None:
        import psycopg
        from psycopg import sql

        with psycopg.connect(f"{self.args.pg.rstrip('/')}/postgres", autocommit=True) as conn:
            name = sql.Identifier(self.args.db)
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
            if not drop_only:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(name))

    def setup(self) -> None:
        args = self.args
        env = {
            "DJANGO_SETTINGS_MODULE": "server.settings",
            "DATABASE_URL": f"{args.pg.rstrip('/')}/{args.db}",
            "REDIS_URL": args.redis,
            "KONTOR_CHANNEL_PREFIX": self.prefix,
            "KONTOR_DATA_DIR": str(self.data_dir),
            "KONTOR_TASKS_EAGER": "1",
        }
        for name in ("S3_BUCKET", "DEBUG"):
            os.environ.pop(name, None)  # local storage (never read here), DEBUG off
        os.environ.update(env)
        self.log(f"database {args.db}, data dir {self.data_dir}")
        self.database_recreate()
        subprocess.run(
            [KONTOR, "migrate", "--verbosity", "0"], cwd=ROOT, env=dict(os.environ), check=True
        )
        import django

        django.setup()
        started = time.perf_counter()
        self.world = seed(args.documents)
        self.seed_seconds = time.perf_counter() - started
        self.log(
            f"seeded {args.documents} + 10 documents (and {args.documents} in another company)"
            f" in {self.seed_seconds:.1f} s"
        )

    def teardown(self) -> None:
        with contextlib.suppress(Exception):
            from django.db import connections

            connections.close_all()
        try:
            import redis

            client = redis.Redis.from_url(self.args.redis)
            keys = list(client.scan_iter(match=f"*{self.prefix}*", count=1000))
            if keys:
                client.delete(*keys)
            client.close()
        except Exception as error:
            self.log(f"could not clean Redis keys *{self.prefix}*: {error}")
        if self.args.keep:
            self.log(f"kept the database {self.args.db} and {self.data_dir}")
            return
        try:
            self.database_recreate(drop_only=True)
        except Exception as error:
            self.log(f"could not drop {self.args.db}: {error}")
        shutil.rmtree(self.data_dir, ignore_errors=True)

    # measurements

    def client_for(self, who: str) -> Any:
        from django.test import Client

        return Client(
            HTTP_HOST="127.0.0.1", HTTP_AUTHORIZATION=f"Token {self.world['tokens'][who]}"
        )

    @contextmanager
    def hooks(self) -> Iterator[None]:
        from django.conf import settings
        from django.db import connection
        from django.test.utils import override_settings

        with (
            override_settings(MIDDLEWARE=["__main__.ServerTimer", *settings.MIDDLEWARE]),
            connection.execute_wrapper(sql_timer),
        ):
            yield

    def url(self, folder: str) -> str:
        company = self.world["company"]
        return f"/api/v1/companies/{company}/documents/?folder={self.world['folders'][folder]}"

    def get(self, client: Any, url: str) -> tuple[dict[str, Any], float]:
        Clock.sql, Clock.queries = 0.0, 0
        started = time.perf_counter()
        response = client.get(url)
        wall = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}: {response.content[:300]!r}")
        return json.loads(response.content), wall

    def pages(self, who: str, folder: str) -> tuple[str, str]:
        """The first page's URL and the one its `next` points to."""
        from urllib.parse import urlsplit

        first = self.url(folder)
        body, _ = self.get(self.client_for(who), first)
        expected = min(PAGE, self.args.documents if folder == "big" else 10)
        if len(body["results"]) != expected:
            raise RuntimeError(f"{who}/{folder}: {len(body['results'])} documents on page 1")
        if not body["next"]:
            return first, ""
        parts = urlsplit(body["next"])
        return first, f"{parts.path}?{parts.query}"

    def count_queries(self, name: str, client: Any, url: str) -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            self.get(client, url)
        self.query_counts[name] = len(captured)
        self.query_texts[name] = [q["sql"] for q in captured.captured_queries]
        return len(captured)

    def measure_requests(self, name: str, round_: int, who: str, url: str, new_conn: bool) -> None:
        from django.db import connection

        client = self.client_for(who)
        series = Series(name, round_)
        self.wait_quiet()
        for _ in range(self.args.warmup):
            self.get(client, url)
        load = cpu_now()
        spy = None
        if self.args.profile and round_ == 0:
            spy = py_spy(Path(self.args.profile) / f"{name.replace(' ', '-')}.txt")
        profiler = None
        if self.args.cprofile and round_ == 0:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        for _ in range(self.args.requests):
            if new_conn:
                connection.close()
            _, wall = self.get(client, url)
            series.server.append(Clock.server * 1000)
            series.sql.append(Clock.sql * 1000)
            series.wall.append(wall * 1000)
            series.queries = Clock.queries
        if profiler is not None:
            profiler.disable()
            cprofile_write(profiler, Path(self.args.cprofile) / f"{name.replace(' ', '-')}.txt")
        series.other = others_busy(load)
        if spy is not None:
            spy.send_signal(signal.SIGINT)
            spy.wait(timeout=60)
        self.series.append(series)

    def wait_quiet(self) -> None:
        """With --wait-quiet: wait (at most that long) until other work leaves the CPUs idle."""
        deadline = time.monotonic() + self.args.wait_quiet
        while time.monotonic() < deadline:
            before = cpu_now()
            time.sleep(0.5)
            if others_busy(before) <= self.args.quiet_cores:
                return

    def measure_baselines(self, round_: int) -> None:
        """The same page straight from the ORM, from a raw cursor, and its serialization."""
        from django.db import connection
        from rest_framework.renderers import JSONRenderer

        from dossier import selectors
        from dossier.api import DocumentSerializer
        from dossier.models import Folder
        from server.accounts.models import User
        from server.tenancy.models import Company

        user = User.objects.get(pk=self.world["users"]["client"])
        company = Company.objects.get(pk=self.world["company"])
        folder = Folder.objects.get(pk=self.world["folders"]["big"])

        def page_queryset() -> Any:
            return selectors.document_list(user=user, company=company, folder=folder)

        # The reach queries of visible_to run when the queryset is built: built once, outside.
        queryset = page_queryset()
        sql, params = queryset[: PAGE + 1].query.sql_with_params()
        page = list(queryset[: PAGE + 1])[:PAGE]
        data = DocumentSerializer(page, many=True).data

        def orm() -> None:
            list(queryset[: PAGE + 1])

        def orm_with_access() -> None:
            list(page_queryset()[: PAGE + 1])

        def raw() -> None:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                cursor.fetchall()

        def serialize() -> None:
            DocumentSerializer(page, many=True).data  # noqa: B018

        def render() -> None:
            JSONRenderer().render(data)

        for name, work in (
            ("ORM page (list(qs[:51]))", orm),
            ("ORM page + access queries", orm_with_access),
            ("raw SQL of the page", raw),
            ("serializer, 50 documents", serialize),
            ("JSON render, 50 documents", render),
        ):
            series = Series(name, round_)
            self.wait_quiet()
            for _ in range(self.args.warmup):
                work()
            load = cpu_now()
            for _ in range(self.args.requests):
                Clock.sql, Clock.queries = 0.0, 0
                started = time.perf_counter()
                work()
                series.wall.append((time.perf_counter() - started) * 1000)
                series.server.append(series.wall[-1])
                series.sql.append(Clock.sql * 1000)
                series.queries = Clock.queries
            series.other = others_busy(load)
            self.series.append(series)
        if self.args.explain and not self.plan:
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
                self.plan = "\n".join(row[0] for row in cursor.fetchall())

    def run(self) -> None:
        self.setup()
        with self.hooks():
            urls = {}
            for who in ("client", "staff"):
                for folder in ("big", "small"):
                    urls[(who, folder)] = self.pages(who, folder)
            for (who, folder), (first, second) in urls.items():
                client = self.client_for(who)
                self.count_queries(f"{who} {folder} page 1", client, first)
                if second:
                    self.count_queries(f"{who} {folder} page 2", client, second)
            for round_ in range(self.args.repeat):
                for (who, folder), (first, second) in urls.items():
                    for page, url in (("page 1", first), ("page 2", second)):
                        if url:
                            name = f"{who} {folder} {page}"
                            self.measure_requests(name, round_, who, url, new_conn=False)
                    if folder == "big":
                        self.measure_requests(
                            f"{who} big page 1, new conn", round_, who, first, new_conn=True
                        )
                self.measure_baselines(round_)
                self.log(f"round {round_ + 1}/{self.args.repeat} done")
            for name in self.args.try_:
                with contextlib.ExitStack() as stack:
                    for part in name.split("+"):
                        stack.enter_context(EXPERIMENTS[part](self))
                    self.log(f"experiment {name}")
                    if self.args.explain:
                        self.plans[name] = self.explain_page()
                    for round_ in range(self.args.repeat):
                        for who in ("client", "staff"):
                            first, second = urls[(who, "big")]
                            self.measure_requests(
                                f"{who} big page 1 [{name}]", round_, who, first, new_conn=False
                            )
                            self.measure_requests(
                                f"{who} big page 2 [{name}]", round_, who, second, new_conn=False
                            )
                    self.count_queries(f"client big page 1 [{name}]", self.client_for("client"),
                                       urls[("client", "big")][0])  # fmt: skip

    def explain_page(self) -> str:
        from django.db import connection

        from dossier import selectors
        from dossier.models import Folder
        from server.accounts.models import User
        from server.tenancy.models import Company

        queryset = selectors.document_list(
            user=User.objects.get(pk=self.world["users"]["client"]),
            company=Company.objects.get(pk=self.world["company"]),
            folder=Folder.objects.get(pk=self.world["folders"]["big"]),
        )
        sql, params = queryset[: PAGE + 1].query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params)
            return "\n".join(row[0] for row in cursor.fetchall())


# --- experiments: what a change in dossier/ or server/tenancy/ would buy ------------------------


@contextmanager
def index_experiment(ddl: str) -> Iterator[None]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(ddl)
        cursor.execute("ANALYZE dossier_document")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX IF EXISTS bench_listing")


@contextmanager
def reach_once() -> Iterator[None]:
    """reach_of computed once per user object (token auth builds one per request) instead of
    once per call: company_get, folder_get and document_list each call it (3 queries each)."""
    from server.tenancy import access

    original = access.reach_of

    def cached(user: Any) -> Any:
        if user is None or not getattr(user, "is_authenticated", False):
            return original(user)
        if "_bench_reach" not in user.__dict__:
            user.__dict__["_bench_reach"] = original(user)
        return user.__dict__["_bench_reach"]

    patched = [access]
    access.reach_of = cached  # type: ignore[assignment]
    import dossier.selectors
    import dossier.services

    for module in (dossier.selectors, dossier.services):
        if getattr(module, "reach_of", None) is original:
            module.reach_of = cached  # type: ignore[attr-defined]
            patched.append(module)
    try:
        yield
    finally:
        for module in patched:
            module.reach_of = original  # type: ignore[attr-defined]


EXPERIMENTS: dict[str, Callable[[Bench], Any]] = {
    # The ordering of the page (-created_at, -id) after the filter on folder and deleted_at:
    # PostgreSQL can walk it and stop after 51 rows instead of joining and sorting the folder.
    "index": lambda bench: index_experiment(
        "CREATE INDEX bench_listing ON dossier_document"
        " (folder_id, deleted_at, created_at DESC, id DESC)"
    ),
    "partial-index": lambda bench: index_experiment(
        "CREATE INDEX bench_listing ON dossier_document (folder_id, created_at DESC, id DESC)"
        " WHERE deleted_at IS NULL"
    ),
    "reach-once": lambda bench: reach_once(),
}


# --- seeding -----------------------------------------------------------------------------------


def seed(documents: int) -> dict[str, Any]:
    from django.db import connection, transaction

    from dossier.models import Document, DocumentKind, Folder, InboxState, Version
    from server.accounts.models import User
    from server.accounts.services import api_token_issue
    from server.tenancy.models import (
        Assignment,
        ClientRole,
        CompanyMember,
        Office,
        OfficeMember,
        StaffRole,
    )
    from server.tenancy.services import company_create

    kinds = [k for k in DocumentKind.values if k != DocumentKind.OTHER]
    with transaction.atomic():
        office = Office.objects.create(name="Bench office")
        company = company_create(office=office, name="Bench company", country="BE")
        other = company_create(office=office, name="Other company", country="BE")
        client = User.objects.create_user(email="client@bench.test", password=None)
        CompanyMember.objects.create(company=company, user=client, role=ClientRole.ADMIN)
        staff = User.objects.create_user(email="staff@bench.test", password=None)
        OfficeMember.objects.create(office=office, user=staff, role=StaffRole.ACCOUNTANT)
        Assignment.objects.create(company=company, user=staff)
        big = Folder.objects.get(company=company, template_code="purchase_invoices")
        small = Folder.objects.get(company=company, template_code="sales_invoices")
        noise = Folder.objects.get(company=other, template_code="purchase_invoices")

        def fill(folder: Folder, count: int) -> None:
            batch = 2000
            for start in range(0, count, batch):
                rows = Document.objects.bulk_create(
                    Document(
                        company=folder.company,
                        folder=folder,
                        audience=folder.audience,
                        name=f"Invoice {folder.pk}-{n:05d}.pdf",
                        kind=kinds[n % len(kinds)],
                        tags=["2026", f"q{n % 4 + 1}"] if n % 3 else [],
                        note="Paid by card" if n % 5 == 0 else "",
                        due_date=date(2026, 1, 1) + timedelta(days=n % 365),
                        amount=Decimal(n % 10_000) + Decimal("0.99"),
                        currency="EUR",
                        supplier=f"Supplier {n % 97}",
                        inbox_state=InboxState.NEW if n % 2 else InboxState.BOOKED,
                        created_by=client,
                    )
                    for n in range(start, min(count, start + batch))
                )
                Version.objects.bulk_create(
                    Version(
                        document=document,
                        number=1,
                        storage_key=f"dossier/bench-{document.pk}",
                        original_name=document.name,
                        size=120_000 + document.pk,
                        sha256=f"{document.pk:064x}",
                        content_type="application/pdf",
                        uploaded_by=client,
                    )
                    for document in rows
                )

        fill(big, documents)
        fill(small, 10)
        fill(noise, documents)
        tables = (Document._meta.db_table, Version._meta.db_table)
        assert tables == ("dossier_document", "dossier_version"), tables
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE dossier_document d SET current_version_id = v.id,"
                " created_at = now() - d.id * interval '1 minute'"
                " FROM dossier_version v WHERE v.document_id = d.id"
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {
        "company": company.pk,
        "folders": {"big": big.pk, "small": small.pk},
        "users": {"client": client.pk, "staff": staff.pk},
        "tokens": {
            "client": api_token_issue(user=client),
            "staff": api_token_issue(user=staff),
        },
    }


# --- report ------------------------------------------------------------------------------------


def report(bench: Bench) -> None:
    args = bench.args
    print()
    print(
        f"dossier listing: {args.documents} documents in the big folder, 10 in the small one;"
        f" {args.repeat} round(s) of {args.requests} requests (after {args.warmup} warm-up);"
        f" page size {PAGE}; {os.cpu_count()} CPUs; seeding took {bench.seed_seconds:.1f} s"
    )
    names: list[str] = []
    for s in bench.series:
        if s.name not in names:
            names.append(s.name)
    width = max(34, *(len(name) for name in names))
    header = (
        f"{'what':{width}} {'queries':>7} {'server p50 ms':>20} {'p95 ms':>20} {'SQL p50 ms':>18}"
        f" {'client p50 ms':>14} {'other':>5}"
    )
    print(header)
    print("-" * len(header))
    p50: dict[str, list[float]] = {}
    p95: dict[str, list[float]] = {}
    for name in names:
        rows = [s for s in bench.series if s.name == name]
        p50[name] = [s.p(s.server, 0.5) for s in rows]
        p95[name] = [s.p(s.server, 0.95) for s in rows]
        sql = [s.p(s.sql, 0.5) for s in rows]
        wall = [s.p(s.wall, 0.5) for s in rows]
        print(
            f"{name:{width}} {rows[-1].queries:>7} {spread(p50[name], 2):>20}"
            f" {spread(p95[name], 2):>20} {spread(sql, 2):>18} {spread(wall, 1):>14}"
            f" {max(s.other for s in rows):>5.2f}"
        )
    print(
        "server: time in Django's handler (first middleware to rendered JSON); SQL: time in"
        " cursor.execute; client: the test client's call; median [min-max] over rounds of the"
        " per-round p50 / p95; baselines (last rows) are timed around the call itself; other:"
        " cores that other processes kept busy (max over rounds; the machine has"
        f" {os.cpu_count()}; for `new conn` it includes the backends of this process)"
    )
    print()
    print("Queries per request (CaptureQueriesContext):")
    for name, count in bench.query_counts.items():
        print(f"  {name:{width}} {count}")
    if args.show_queries:
        for name, texts in bench.query_texts.items():
            print(f"--- {name}")
            for text in texts:
                print(f"  {text}")
    if bench.plan:
        print()
        print("EXPLAIN ANALYZE of the first page's query (client user, big folder):")
        print(bench.plan)
    for name, plan in bench.plans.items():
        print()
        print(f"EXPLAIN ANALYZE of the same query with experiment {name}:")
        print(plan)
    print()
    orm = "ORM page (list(qs[:51]))"
    for who in ("client", "staff"):
        first = f"{who} big page 1"
        if first in p50 and orm in p50:
            ratios = [a / b for a, b in zip(p50[first], p50[orm], strict=False) if b]
            print(f"ratio server / ORM page, {who} big page 1: {spread(ratios, 1)} (per round)")
    print()
    constant = all(
        bench.query_counts.get(f"{who} small page 1") == bench.query_counts.get(f"{who} big page 1")
        for who in ("client", "staff")
    )
    print(
        f"Goal constant queries (10 vs {args.documents} documents, page 1): "
        f"{'MET' if constant else 'MISSED'} ("
        + ", ".join(
            f"{who}: {bench.query_counts.get(f'{who} small page 1')} vs"
            f" {bench.query_counts.get(f'{who} big page 1')}"
            for who in ("client", "staff")
        )
        + ")"
    )
    for name in ("client big page 1", "staff big page 1", "client big page 1, new conn"):
        if name in p50:
            met = all(v <= GOAL_MS for v in p50[name])
            met95 = all(v <= GOAL_MS for v in p95[name])
            print(
                f"Goal first page <= {GOAL_MS:.0f} ms server time ({name}): "
                f"{'MET' if met else 'MISSED'} on p50 {spread(p50[name], 1)} ms"
                f" (p95 {spread(p95[name], 1)} ms: {'within' if met95 else 'over'})"
            )


def experiment(text: str) -> str:
    unknown = [part for part in text.split("+") if part not in EXPERIMENTS]
    if unknown or ("index" in text.split("+") and "partial-index" in text.split("+")):
        raise argparse.ArgumentTypeError(
            f"{text!r}: choose from {', '.join(sorted(EXPERIMENTS))} (one index at a time)"
        )
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=50, help="timed requests per round")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3, help="rounds")
    parser.add_argument("--quick", action="store_true", help="2,000 documents, 1 round of 20")
    parser.add_argument("--explain", action="store_true", help="print the page query's plan")
    parser.add_argument("--show-queries", action="store_true", help="print every query's SQL")
    parser.add_argument(
        "--try",
        dest="try_",
        action="append",
        default=[],
        type=experiment,
        metavar="|".join(sorted(EXPERIMENTS)),
        help="after the rounds, measure the big folder again with an experiment in place: an"
        " index for the page's ordering (dropped afterwards), or reach_of once per request"
        " (patched in this process); combine with +, e.g. partial-index+reach-once; repeatable",
    )
    parser.add_argument(
        "--profile",
        metavar="DIR",
        help="py-spy record this process during each series of the first round (skews them)",
    )
    parser.add_argument(
        "--cprofile",
        metavar="DIR",
        help="cProfile each series of the first round (those figures are skewed), the costliest"
        " functions written to DIR/<series>.txt",
    )
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="before each series wait up to this long for the machine to be idle",
    )
    parser.add_argument(
        "--quiet-cores", type=float, default=0.3, help="what counts as idle for --wait-quiet"
    )
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--db", default="kontor_bench_listing")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()
    if args.quick:
        args.documents, args.requests, args.repeat = 2000, 20, 1
    if args.documents < 2 * PAGE:
        parser.error(f"--documents: at least {2 * PAGE}, for a second page")
    bench = Bench(args)
    try:
        bench.run()
    finally:
        bench.teardown()
    report(bench)


if __name__ == "__main__":
    main()
