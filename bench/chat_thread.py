"""Opening a chat thread of 100,000 messages: the latest 50 in a constant number of queries and at
most 20 ms of server time; the thread list with its unread counts, for the same thread.

    .venv/bin/python bench/chat_thread.py              # 100 vs 100,000 messages, 3 rounds of 50
    .venv/bin/python bench/chat_thread.py --quick      # 100 vs 10,000 messages, 1 round of 20

In process, on PostgreSQL 127.0.0.1 (ws_fanout.py's helpers for the database, the Redis prefix, the
data dir, the seed and the clean-up):

1. Re-creates the database `kontor_bench_chat_thread` (`kontor migrate`); seeds (fanout_seed.py)
   one office with three companies, each with one client user, one assigned accountant and its
   permanent thread; bulk_creates 100 messages into the first company's thread, 100,000 into the
   second's (shared, authors alternating between the client and the accountant) and, interleaved
   with those row by row, `--noise` (100,000) messages over 100 threads of the third company, as
   other conversations go on meanwhile; then VACUUM ANALYZE, as autovacuum would.
2. For each viewer (the client user, the accountant) and thread: counts the queries of
   `GET /api/v1/threads/<id>/messages/` (DRF test client, token auth, page of 50, newest first)
   with CaptureQueriesContext (must be the same for 100 and 100,000 messages), then times the
   request `--times` times per round (the whole Django request in process: middleware, auth,
   view, JSON) against the baseline in the same round: the raw ORM query of the page,
   `list(Message.objects.filter(thread=t).order_by("-id")[:50])`.
3. Times `GET /api/v1/companies/<id>/threads/` (the thread list with unread counts) for the
   company of the big thread, for a reader who never opened it, one who read all but the last
   1,000 messages, and one who read everything; and the list's query alone, as chat.selectors
   builds it and with a proposed change (measured here, not made: the read mark looked up per
   thread, not per message); prints EXPLAIN ANALYZE of both.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    BENCH,
    PY,
    Load,
    Probe,
    background_load,
    django_start,
    django_stop,
    machine_load,
    measured,
    pct,
    profile_breakdown,
    queries_of,
    spread,
    timings,
)
from bench.ws_fanout import Bench  # noqa: E402

GOAL_MS = 20.0
PAGE = 50
UNREAD_CAP = 100


# --- a Django process of its own on a fresh database (deadlines.py uses it too) --------------


def bench_environment(args: argparse.Namespace) -> Bench:
    """ws_fanout's Bench for the database, the Redis prefix, the data dir, `wait_quiet` and the
    teardown, without sockets: for a benchmark that runs Django in its own process."""
    return Bench(
        argparse.Namespace(
            sockets=1, companies=1, layer="configured", bare_dispatch="channels",
            pg=args.pg, db=args.db, redis=args.redis, keep=args.keep,
            wait_quiet=args.wait_quiet, quiet_cores=args.quiet_cores,
        )
    )  # fmt: skip


# --- this benchmark ---------------------------------------------------------------------------


def p50(values: list[float]) -> float:
    return pct(values, 0.50)


def p95(values: list[float]) -> float:
    return pct(values, 0.95)


def seed(bench: Bench, big: int, small: int, noise: int) -> dict[str, Any]:
    """Companies A (`small` messages), B (`big`) and C (`noise` messages over 100 threads,
    interleaved row by row with B's, as other conversations go on meanwhile: the ids of B's
    thread are not one contiguous range, which matters to the plans)."""
    seeded = subprocess.run(
        [PY, str(BENCH / "fanout_seed.py"), "--companies", "3", "--clients", "1", "--staff", "1",
         "--threads"],
        cwd=ROOT, env=bench.env, check=True, capture_output=True, text=True,
    )  # fmt: skip
    result = json.loads(seeded.stdout.splitlines()[-1])
    from django.db import connection, transaction
    from django.db.models import Max

    from chat.markdown import render
    from chat.models import Message, Thread, ThreadKind
    from server.tenancy.models import Audience

    companies = sorted(int(c) for c in result["threads"])
    people: dict[int, dict[str, int]] = {c: {} for c in companies}
    for user, company, kind in result["users"]:
        people[int(company)][kind] = int(user)
    threads = {c: int(result["threads"][str(c)]) for c in companies}
    small_company, big_company, noise_company = companies
    noise_threads = [threads[noise_company]] + [
        t.pk
        for t in Thread.objects.bulk_create(
            Thread(company_id=noise_company, kind=ThreadKind.SUBJECT, title=f"Subject {n}")
            for n in range(99)
        )
    ]

    def message(company: int, thread: int, n: int) -> Message:
        body = f"Message {n}: the invoices of week {n % 52 + 1} are in the inbox." + (
            " Thanks!" * (n % 7)
        )
        return Message(
            thread_id=thread,
            company_id=company,
            audience=Audience.SHARED,
            author_id=(people[company]["client"], people[company]["staff"])[n % 2],
            body=body,
            body_html=render(body),  # as message_send stores it
        )

    def rows() -> Any:
        yield from (message(small_company, threads[small_company], n) for n in range(small))
        for n in range(max(big, noise)):
            if n < big:
                yield message(big_company, threads[big_company], n)
            if n < noise:
                yield message(noise_company, noise_threads[n % len(noise_threads)], n)

    began = time.perf_counter()
    with transaction.atomic():
        batch: list[Message] = []
        for row in rows():
            batch.append(row)
            if len(batch) == 5000:
                Message.objects.bulk_create(batch)
                batch = []
        Message.objects.bulk_create(batch)
        for thread in (threads[small_company], threads[big_company], *noise_threads):
            newest = Message.objects.filter(thread_id=thread).aggregate(Max("created_at"))
            Thread.objects.filter(pk=thread).update(last_message_at=newest["created_at__max"])
    bench.log(
        f"{small + big + noise:,} messages in {time.perf_counter() - began:.1f} s: {small:,} in"
        f" thread {threads[small_company]}, {big:,} in thread {threads[big_company]}, {noise:,}"
        f" over {len(noise_threads)} threads of a third company, interleaved with the latter"
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE chat_message")
        cursor.execute("VACUUM ANALYZE chat_thread")
        cursor.execute("VACUUM ANALYZE chat_readstate")
    return {
        size: {"company": c, "thread": threads[c], "messages": count, **people[c]}
        for size, c, count in (("small", small_company, small), ("big", big_company, big))
    }


class Api:
    """DRF's test client for one user, token auth, in process."""

    def __init__(self, user_id: int) -> None:
        from rest_framework.test import APIClient

        from server.accounts.models import User
        from server.accounts.services import api_token_issue

        self.client = APIClient(SERVER_NAME="localhost")
        token = api_token_issue(user=User.objects.get(pk=user_id))
        self.client.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    def get(self, path: str) -> Any:
        response = self.client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path}: {response.status_code} {response.content[:300]!r}")
        return response


PAGE_PROBES: list[Probe] = [
    ("token authentication", "rest_framework/authentication.py", "authenticate"),
    ("thread_get (incl. its reach_of)", "chat/selectors.py", "thread_get"),
    ("reach_of (who may see what)", "server/tenancy/access.py", "reach_of"),
    ("paginate_queryset (page query + prefetch)", "rest_framework/pagination.py",
     "paginate_queryset"),
    ("  of which prefetch of attachments", "django/db/models/query.py",
     "prefetch_related_objects"),
    ("message_payload x 50", "chat/events.py", "message_payload"),
    ("  of which Markdown render", "chat/markdown.py", "render"),
    ("JSON rendering", "rest_framework/response.py", "rendered_content"),
    ("SQL execution (cursor, all queries)", "django/db/backends/utils.py", "_execute"),
]  # fmt: skip


@dataclass
class Row:
    what: str
    viewer: str
    messages: int
    queries: list[tuple[float, str]]
    rounds: list[list[float]] = field(default_factory=list)  # ms per call, per round
    baseline: list[list[float]] = field(default_factory=list)
    loads: list[Load] = field(default_factory=list)

    @property
    def sql_ms(self) -> float:
        return sum(ms for ms, _ in self.queries)


@dataclass
class Results:
    pages: list[Row] = field(default_factory=list)
    lists: list[Row] = field(default_factory=list)
    whatif: list[Row] = field(default_factory=list)
    plans: dict[str, str] = field(default_factory=dict)
    breakdown: tuple[float, list[tuple[str, float, int]]] = (0.0, [])


def read_up_to(user_id: int, thread_id: int, last_read: int | None) -> None:
    from chat.models import ReadState

    ReadState.objects.filter(user_id=user_id, thread_id=thread_id).delete()
    if last_read is not None:
        ReadState.objects.create(user_id=user_id, thread_id=thread_id, last_read_id=last_read)


def thread_lists(user_id: int, company_id: int) -> dict[str, Any]:
    """The thread list's query as chat.selectors builds it, and the proposed change (measured
    here, not made): the read mark looked up for the listed thread (OuterRef(OuterRef("pk")))
    instead of for each message (OuterRef("thread")), so that `id > last_read` bounds the index
    scan instead of being re-evaluated for every message of the thread."""
    from django.db.models import Count, F, Func, IntegerField, OuterRef, Subquery, Value
    from django.db.models.functions import Coalesce

    from chat import selectors
    from chat.models import Message, ReadState
    from server.accounts.models import User
    from server.tenancy.models import Company

    user = User.objects.get(pk=user_id)
    company = Company.objects.get(pk=company_id)
    last_read = ReadState.objects.filter(user=user, thread=OuterRef(OuterRef("pk"))).values(
        "last_read_id"
    )
    unread = (
        Message.objects.visible_to(user)
        .filter(thread=OuterRef("pk"), deleted_at__isnull=True)
        .exclude(author=user)
        .filter(id__gt=Coalesce(Subquery(last_read[:1]), Value(0)))
        .order_by()
        .values("thread")
        .annotate(n=Count("id"))
        .values("n")
    )
    proposed = (
        selectors.threads_visible(user=user)
        .filter(company=company, resolved_at__isnull=True)
        .annotate(unread=Coalesce(Subquery(unread[:1], output_field=IntegerField()), 0))
        .order_by("kind", F("last_message_at").desc(nulls_last=True), "-id")
    )
    # And a cap: count at most UNREAD_CAP unread messages per thread (shown as "99+").
    last_read_3 = ReadState.objects.filter(
        user=user, thread=OuterRef(OuterRef(OuterRef("pk")))
    ).values("last_read_id")
    first_unread = (
        Message.objects.visible_to(user)
        .filter(thread=OuterRef(OuterRef("pk")), deleted_at__isnull=True)
        .exclude(author=user)
        .filter(id__gt=Coalesce(Subquery(last_read_3[:1]), Value(0)))
        .order_by()  # any UNREAD_CAP of them: the scan stops there
        .values("id")[:UNREAD_CAP]
    )
    capped_count = (
        Message.objects.filter(id__in=Subquery(first_unread))
        .order_by()
        .annotate(n=Func("id", function="COUNT"))
        .values("n")
    )
    capped = (
        selectors.threads_visible(user=user)
        .filter(company=company, resolved_at__isnull=True)
        .annotate(unread=Coalesce(Subquery(capped_count[:1], output_field=IntegerField()), 0))
        .order_by("kind", F("last_message_at").desc(nulls_last=True), "-id")
    )
    return {
        "as is": selectors.thread_list(user=user, company=company),
        "proposed": proposed,
        f"proposed, capped at {UNREAD_CAP}": capped,
    }


def run(args: argparse.Namespace, bench: Bench) -> Results:
    from chat.models import Message

    results = Results()
    threads = seed(bench, args.messages, 100, args.noise)
    bench.log(f"load before measuring: {machine_load(bench):.2f} cores busy")
    for viewer in ("client", "staff"):
        for size in ("small", "big"):
            thread = threads[size]
            api = Api(thread[viewer])
            path = f"/api/v1/threads/{thread['thread']}/messages/"
            body = api.get(path).json()
            if len(body["results"]) != PAGE or body["results"][0]["id"] <= body["results"][1]["id"]:
                raise RuntimeError(f"unexpected page: {str(body)[:300]}")
            queries = queries_of(partial(api.get, path))
            results.pages.append(Row("messages page", viewer, thread["messages"], queries))
    # Timings, in rounds; the order of the rows alternates between rounds.
    for round_ in range(args.repeat):
        for row in results.pages if round_ % 2 == 0 else results.pages[::-1]:
            thread = threads["small" if row.messages == 100 else "big"]
            api = Api(thread[row.viewer])
            path = f"/api/v1/threads/{thread['thread']}/messages/"
            tid = thread["thread"]

            def both(api: Api = api, path: str = path, tid: int = tid) -> tuple[Any, Any]:
                view = timings(lambda: api.get(path), args.times)
                raw = timings(
                    lambda: list(Message.objects.filter(thread_id=tid).order_by("-id")[:PAGE]),
                    args.times,
                )
                return view, raw

            (view, raw), load = measured(bench, both)
            row.rounds.append(view)
            row.baseline.append(raw)
            row.loads.append(load)
        bench.log(f"round {round_ + 1}: message pages timed")
    big = threads["big"]
    api = Api(big["client"])
    results.breakdown = profile_breakdown(
        partial(api.get, f"/api/v1/threads/{big['thread']}/messages/"), args.times, PAGE_PROBES
    )

    # The thread list of the big thread's company, as its client user sees it.
    ids = Message.objects.filter(thread_id=big["thread"]).order_by("-id").values_list("id")
    newest, thousandth = ids[0][0], ids[1000][0]
    api = Api(big["client"])
    path = f"/api/v1/companies/{big['company']}/threads/"
    for state, last_read in (
        ("never read", None),
        ("1,000 messages not read", thousandth),
        ("all read", newest),
    ):
        read_up_to(big["client"], big["thread"], last_read)
        unread = api.get(path).json()[0]["unread"]
        row = Row(
            f"thread list, {state}", "client", big["messages"], queries_of(lambda: api.get(path))
        )
        row.what += f" ({unread:,} unread)"
        for _ in range(args.repeat):
            spent, load = measured(bench, lambda: timings(lambda: api.get(path), args.times))
            row.rounds.append(spent)
            row.loads.append(load)
        results.lists.append(row)
        # What-if: the list's query alone, as is and with the proposed correlation.
        variants = thread_lists(big["client"], big["company"])
        counts = {name: [t.unread for t in qs] for name, qs in variants.items()}
        capped = counts.pop(f"proposed, capped at {UNREAD_CAP}")
        if counts["as is"] != counts["proposed"] or capped != [
            min(n, UNREAD_CAP) for n in counts["as is"]
        ]:
            raise RuntimeError(f"the proposed queries count differently: {counts} {capped}")
        for name, queryset in variants.items():
            whatif = Row(f"list query {name}, {state}", "client", big["messages"], [])
            for _ in range(args.repeat):
                fetch = partial(lambda qs: list(qs.all()), queryset)
                spent, load = measured(bench, partial(timings, fetch, args.times))
                whatif.rounds.append(spent)
                whatif.loads.append(load)
            results.whatif.append(whatif)
            if name == "proposed" or last_read is None:
                results.plans[f"{name}, {state}"] = str(
                    queryset.explain(analyze=True, buffers=True)
                )
        bench.log(f"thread list, {state}: timed")
    return results


def report(args: argparse.Namespace, results: Results) -> None:
    print()
    print(
        f"chat_thread: {args.repeat} round(s) of {args.times} calls per row, {os.cpu_count()}"
        " CPUs; times in ms (requests: the whole Django request in process - middleware, token"
        " auth, view, JSON)"
    )
    header = (
        f"{'what':58} {'viewer':6} {'messages':>8} {'queries':>7} {'sql ms':>6}"
        f" {'p50 ms':>20} {'p95 ms':>20} {'raw ORM p50':>18} {'ratio':>5}"
    )
    print(header)
    print("-" * len(header))
    for row in results.pages + results.lists + results.whatif:
        view50 = [p50(r) for r in row.rounds]
        view95 = [p95(r) for r in row.rounds]
        raw50 = [p50(r) for r in row.baseline]
        ratio = f"{statistics.median(view50) / statistics.median(raw50):>5.1f}" if raw50 else ""
        queries = f"{len(row.queries):>7} {row.sql_ms:>6.1f}" if row.queries else f"{'':>14}"
        print(
            f"{row.what:58} {row.viewer:6} {row.messages:>8,} {queries}"
            f" {spread(view50, 2):>20} {spread(view95, 2):>20}"
            f" {spread(raw50, 2) if raw50 else '':>18} {ratio:>5}"
        )
    print(
        "p50/p95: median [min-max] over rounds of each round's percentile; sql ms: summed"
        " database time of one request (CaptureQueriesContext, DEBUG cursor); raw ORM: the"
        " page's query alone, `list(Message.objects.filter(thread=t).order_by('-id')[:50])`,"
        " timed in the same round; ratio: request p50 / raw ORM p50; list query as is /"
        " proposed: the thread list's query alone (see the plans below)"
    )
    print("Load per round (cores):")
    for row in results.pages + results.lists + results.whatif:
        for index, load in enumerate(row.loads):
            print(f"  {row.what} / {row.viewer} / {row.messages:,} r{index + 1}: {load.text()}")
    print()
    big_client = next(
        r for r in results.pages if r.viewer == "client" and r.messages == args.messages
    )
    print(f"The {len(big_client.queries)} queries of one page request (client, big thread):")
    for ms, sql in big_client.queries:
        print(f"  {ms:6.2f} ms  {sql[:150]}")
    total, found = results.breakdown
    print()
    print(
        f"Where one page request goes (client, big thread; cProfile over {args.times} requests,"
        f" {total:.1f} ms each under the profiler; read the shares):"
    )
    for label, ms, calls in found:
        print(f"  {label:44} {ms:7.2f} ms {ms / total:6.1%}  ({calls} call(s))")
    for name, plan in results.plans.items():
        print()
        print(f"EXPLAIN (ANALYZE, BUFFERS) of the thread list's query, {name}:")
        for line in plan.splitlines():
            print(f"  {line}")
    print()
    ok = True
    for viewer in ("client", "staff"):
        rows = [r for r in results.pages if r.viewer == viewer]
        same = len({len(r.queries) for r in rows}) == 1
        ok = ok and same
        print(
            f"Queries, {viewer}: "
            + ", ".join(f"{len(r.queries)} for {r.messages:,} messages" for r in rows)
            + (" - constant" if same else " - NOT constant")
        )
    big = [r for r in results.pages if r.messages == args.messages]
    worst50 = max(statistics.median([p50(r) for r in row.rounds]) for row in big)
    worst95 = max(statistics.median([p95(r) for r in row.rounds]) for row in big)
    print(
        f"Goal: latest {PAGE} of {args.messages:,} messages in a constant number of queries and"
        f" <= {GOAL_MS:.0f} ms of server time: {'MET' if ok and worst95 <= GOAL_MS else 'MISSED'}"
        f" (worst viewer: p50 {worst50:.2f} ms, p95 {worst95:.2f} ms; judged on p95)"
    )
    print(
        f"Thread list with unread counts (client, {args.messages:,}-message thread), p50: "
        + ", ".join(
            f"{row.what.split(', ', 1)[1]} {statistics.median([p50(r) for r in row.rounds]):.1f} ms"
            for row in results.lists
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--messages", type=int, default=100_000, help="size of the big thread")
    parser.add_argument(
        "--noise",
        type=int,
        default=100_000,
        help="messages of other threads (another company), interleaved with the big thread's",
    )
    parser.add_argument("--times", type=int, default=50, help="requests per row and round")
    parser.add_argument("--repeat", type=int, default=3, help="rounds")
    parser.add_argument("--quick", action="store_true", help="10,000 messages, 1 round of 20")
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="before each round wait up to this long for the machine to be idle",
    )
    parser.add_argument("--quiet-cores", type=float, default=0.3)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--db", default="kontor_bench_chat_thread")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args()
    if args.quick:
        args.messages, args.noise, args.times, args.repeat = 10_000, 10_000, 20, 1
    bench = bench_environment(args)
    busy = background_load()
    bench.log(f"before starting, the machine was busy {busy:.2f} cores")
    try:
        django_start(bench)
        results = run(args, bench)
    except BaseException:
        bench.log(f"failed; data dir {bench.data_dir}")
        raise
    finally:
        django_stop(bench)
    report(args, results)


if __name__ == "__main__":
    main()
