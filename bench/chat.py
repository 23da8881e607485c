"""Chat benchmark over `/ws/`: `chat.send` latency at a fixed rate, and messages per second at
saturation against `ws_fanout.py`'s bare baseline measured in the same run.

    .venv/bin/python bench/chat.py                 # 1,000 sockets, 250 companies, 100 messages/s
    .venv/bin/python bench/chat.py --repeat 3      # three rounds (chat/bare order alternates)
    .venv/bin/python bench/chat.py --quick         # smoke run: 100 sockets, 25 companies, 3 s

What it does, all on 127.0.0.1, and stops everything it started at the end (ws_fanout.py's
helpers, imported: database, seeding, daphne, ticket-based socket clients, bare baseline):

1. Re-creates the PostgreSQL database `kontor_bench_chat` (`kontor migrate`), a fresh
   KONTOR_DATA_DIR and a Redis key prefix of its own; seeds one office with 250 companies, each
   with 2 client users, 2 accountants assigned to it only, and its permanent chat thread.
2. Serves three daphne processes with the same environment: `server.asgi` with the socket rate
   limit as configured (KONTOR_WS_RATE / KONTOR_WS_BURST, 20/s and 40 by default) for the latency
   phases; `server.asgi` with the limit raised (`--sat-ws-rate`, `--sat-ws-burst`) for the
   saturation phase; `bench/bare_asgi.py` for the bare baseline. (`--conn-max-age N`: the two
   real ones serve `bench.chat:persistent_asgi`, an experiment with persistent DB connections.)
3. One client process (this file, `--role clients`: ws_fanout's socket clients plus chat frames)
   holds all 1,000 sockets. It sends `{"type": "chat.send", "thread", "body", "client_id"}` from
   each socket in turn (consecutive messages go to different companies), into the permanent
   thread of the sender's company, and stamps with time.time() the send, the `ack` on the same
   socket, and every `chat.message` event carrying that client_id on each member's socket.
4. Per repeat:
   - **latency**: `--low-rate` (20, below saturation) then `--rate` (100, the goal) messages/s,
     `--seconds` (10) each; then the client waits for what is still on its way;
   - **saturation**: closed loop, at most `--chat-window` messages in flight (sent and not yet
     acked and delivered to all 4 members), for `--sat-seconds` (8); messages/s = acks received
     from 1 s after the start to the end of the load;
   - **bare baseline**: ws_fanout's bare saturation phase (`Bench.publish_phase`: bare daphne,
     2 publisher processes feeding the channel layer directly, same closed loop), deliveries/s.
   Ratio = chat deliveries/s ÷ bare deliveries/s; both fan out to the 4 sockets of a company, so
   this is also messages/s ÷ bare events/s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from websockets.exceptions import ConnectionClosed  # noqa: E402

from bench.common import (  # noqa: E402
    BENCH,
    PY,
    Child,
    Daphne,
    background_load,
    cpu_snapshot,
    cpu_used,
    pct,
    run_and_report,
    spread,
)
from bench.fanout_clients import Clients, serve  # noqa: E402
from bench.ws_fanout import Bench, phase_line  # noqa: E402


def __getattr__(name: str) -> Any:
    """`bench.chat:persistent_asgi`, served by daphne for the `--conn-max-age` experiment:
    `server.asgi`'s application with CONN_MAX_AGE (and health checks) set in this process only,
    to measure persistent database connections before changing server/settings.py (conn_max_age=0:
    channels closes the connection after every database_sync_to_async call)."""
    if name != "persistent_asgi":
        raise AttributeError(name)
    import server.settings as settings_module  # before Django reads it

    database = settings_module.DATABASES["default"]
    database["CONN_MAX_AGE"] = int(os.environ["BENCH_CONN_MAX_AGE"])
    database["CONN_HEALTH_CHECKS"] = True
    from server.asgi import application

    return application


GOAL_P99_MS = 100.0
GOAL_RATE = 100.0
GOAL_RATIO = 0.3
BODY = "Message {n}: could you send the bank statements of March, please? **Thanks!**"


# --- client role: one asyncio process holding every socket ------------------------------------


@dataclass(slots=True)
class Sent:
    at: float  # time.time() right before the frame was handed to the socket
    sender: int  # socket index
    others: frozenset[int]  # the other members' sockets, which must each get the event
    acked: float = 0.0
    own: float = 0.0  # the sender's own copy of the event
    seen: dict[int, float] = field(default_factory=dict)  # other socket -> receipt time
    done: bool = False


class ChatRun:
    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.sent: dict[str, Sent] = {}
        self.in_flight = 0
        self.slot = asyncio.Event()
        self.ack_times: list[float] = []
        self.delivery_times: list[float] = []  # every copy of the event, the sender's included
        self.duplicates = 0
        self.misdelivered = 0  # an event on a socket that is not a member of the thread
        self.send_failed = 0
        self.errors: dict[str, int] = defaultdict(int)


class ChatClients(Clients):
    """ws_fanout's socket clients, which also send `chat.send` and time acks and deliveries."""

    def __init__(self) -> None:
        super().__init__()
        self.run: ChatRun | None = None
        self.strays = 0  # chat frames of no current run (late frames of an earlier one)

    def on_frame(self, index: int, frame: Any, now: float) -> None:
        kind = frame.get("type")
        if kind == "ack":
            self._acked(frame, now)
        elif kind == "event" and frame.get("kind") == "chat.message":
            self._delivered(index, frame, now)
        elif kind == "error":
            if self.run is not None:
                self.run.errors[str(frame.get("code"))] += 1
            else:
                self.strays += 1
        else:
            super().on_frame(index, frame, now)

    def _find(self, client_id: Any) -> tuple[ChatRun, Sent] | None:
        run = self.run
        sent = run.sent.get(client_id) if run is not None and isinstance(client_id, str) else None
        if run is None or sent is None:
            self.strays += 1
            return None
        return run, sent

    def _acked(self, frame: dict[str, Any], now: float) -> None:
        found = self._find(frame.get("client_id"))
        if found is None:
            return
        run, sent = found
        if sent.acked:
            run.duplicates += 1
            return
        sent.acked = now
        run.ack_times.append(now)
        self._check_done(run, sent)

    def _delivered(self, index: int, frame: dict[str, Any], now: float) -> None:
        data = frame.get("data")
        found = self._find(data.get("client_id") if isinstance(data, dict) else None)
        if found is None:
            return
        run, sent = found
        run.delivery_times.append(now)
        if index == sent.sender:
            if sent.own:
                run.duplicates += 1
            sent.own = sent.own or now
        elif index in sent.others:
            if index in sent.seen:
                run.duplicates += 1
            sent.seen.setdefault(index, now)
        else:
            run.misdelivered += 1
        self._check_done(run, sent)

    @staticmethod
    def _check_done(run: ChatRun, sent: Sent) -> None:
        if not sent.done and sent.acked and sent.own and len(sent.seen) == len(sent.others):
            sent.done = True
            run.in_flight -= 1
            run.slot.set()

    async def cmd_chat(
        self,
        tag: str,
        threads: dict[str, int],
        start_at: float,
        seconds: float,
        rate: float,
        window: int,
        warm: float,
        idle: float = 3.0,
        timeout: float = 60.0,
    ) -> dict[str, Any]:
        """Send chat messages: at `rate` per second, or (rate 0) keeping `window` in flight."""
        thread_of = [threads[str(user)] for user in self.socket_users]
        members: dict[int, list[int]] = defaultdict(list)
        for index, thread in enumerate(thread_of):
            members[thread].append(index)
        groups = list(members.values())
        # Round-robin over the companies first: consecutive messages go to different threads.
        order = [g[k] for k in range(max(map(len, groups))) for g in groups if k < len(g)]
        others = {i: frozenset(members[thread_of[i]]) - {i} for i in order}
        run = self.run = ChatRun(tag)
        end = start_at + seconds
        await asyncio.sleep(max(0.0, start_at - time.time()))
        sent, lag_max = 0, 0.0
        while True:
            if rate > 0:
                due = start_at + sent / rate
                if due >= end:
                    break
                delay = due - time.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                lag_max = max(lag_max, time.time() - due)
            else:
                while run.in_flight >= window and time.time() < end:
                    run.slot.clear()
                    try:
                        await asyncio.wait_for(run.slot.wait(), max(0.001, end - time.time()))
                    except TimeoutError:
                        break
                if time.time() >= end:
                    break
            index = order[sent % len(order)]
            client_id = str(uuid.uuid4())
            text = json.dumps(
                {
                    "type": "chat.send",
                    "thread": thread_of[index],
                    "body": BODY.format(n=sent),
                    "client_id": client_id,
                }
            )
            run.sent[client_id] = Sent(at=time.time(), sender=index, others=others[index])
            run.in_flight += 1
            sent += 1
            try:
                await self.sockets[index].send(text)
            except ConnectionClosed:
                run.send_failed += 1
        finished = time.time()
        # Drain: wait for the acks and events still on their way.
        began, last, last_change = time.monotonic(), -1, time.monotonic()
        while run.in_flight > 0:
            now = time.monotonic()
            progress = len(run.ack_times) + len(run.delivery_times)
            if progress != last:
                last, last_change = progress, now
            if now - last_change >= idle or now - began >= timeout:
                break
            await asyncio.sleep(0.05)
        self.run = None
        return _run_stats(run, start_at, finished, end, warm, lag_max)


def _ms(values: list[float], q: float) -> float:
    return pct(values, q) * 1000


def _run_stats(
    run: ChatRun, start: float, finished: float, end: float, warm: float, lag_max: float
) -> dict[str, Any]:
    messages = list(run.sent.values())
    acks = [s.acked - s.at for s in messages if s.acked]
    delivered = [t - s.at for s in messages for t in s.seen.values()]
    own = [s.own - s.at for s in messages if s.own]
    expected = sum(len(s.others) for s in messages)
    lo, hi = start + warm, end
    return {
        "sent": len(messages),
        "achieved_rate": len(messages) / max(finished - start, 1e-9),
        "acked": len(acks),
        "complete": sum(1 for s in messages if s.done),
        "ack_p50_ms": _ms(acks, 0.50),
        "ack_p99_ms": _ms(acks, 0.99),
        "ack_max_ms": max(acks, default=0.0) * 1000,
        "deliv_p50_ms": _ms(delivered, 0.50),
        "deliv_p90_ms": _ms(delivered, 0.90),
        "deliv_p99_ms": _ms(delivered, 0.99),
        "deliv_max_ms": max(delivered, default=0.0) * 1000,
        "own_p50_ms": _ms(own, 0.50),
        "own_p99_ms": _ms(own, 0.99),
        "expected": expected,
        "delivered": len(delivered),
        "lost": expected - len(delivered) + (len(messages) - len(own)),
        "acks_lost": len(messages) - len(acks),
        "duplicates": run.duplicates,
        "misdelivered": run.misdelivered,
        "send_failed": run.send_failed,
        "errors": dict(run.errors),
        "messages_per_s": sum(1 for t in run.ack_times if lo <= t < hi) / (hi - lo),
        "deliveries_per_s": sum(1 for t in run.delivery_times if lo <= t < hi) / (hi - lo),
        "lag_max_ms": lag_max * 1000,
    }


# --- the benchmark ----------------------------------------------------------------------------


@dataclass
class ChatPhase:
    server: str
    kind: str
    repeat: int
    seconds: float
    offered_rate: float  # messages/s asked for; 0 = closed loop, as fast as possible
    stats: dict[str, Any]
    cpu: dict[str, float] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.stats[key]


class ChatBench(Bench):
    """ws_fanout's Bench (database, Redis prefix, data dir, daphnes, clients, bare phases,
    teardown) with chat phases and a seed that also makes the permanent threads."""

    def __init__(self, args: argparse.Namespace) -> None:
        super().__init__(args)
        self.threads: dict[int, int] = {}  # company -> permanent thread
        self.chat_phases: list[ChatPhase] = []
        self.open_env = {
            **self.env,
            "KONTOR_WS_RATE": str(args.sat_ws_rate),
            "KONTOR_WS_BURST": str(args.sat_ws_burst),
        }
        self.app = "server.asgi:application"
        if args.sample:
            # bench/sampler.py: CPU-weighted stacks of each real daphne, no py-spy needed.
            self.app = "bench.sampler:application"
            Path(args.sample).mkdir(parents=True, exist_ok=True)
            for name, env in (("real", self.env), ("real-open", self.open_env)):
                env["BENCH_SAMPLE_FILE"] = str(Path(args.sample).resolve() / f"{name}.txt")
        if args.conn_max_age is not None:
            self.app = "bench.chat:persistent_asgi"
            for env in (self.env, self.open_env):
                env["BENCH_CONN_MAX_AGE"] = str(args.conn_max_age)
        self.limits = {
            "real": (
                os.environ.get("KONTOR_WS_RATE", "20"),
                os.environ.get("KONTOR_WS_BURST", "40"),
            ),
            "real-open": (str(args.sat_ws_rate), str(args.sat_ws_burst)),
        }

    def setup(self) -> None:
        if self.per_company < 2:
            raise SystemExit("--sockets must be at least 2 x --companies")
        self.migrate()
        seeded = subprocess.run(
            [PY, str(BENCH / "fanout_seed.py"), "--companies", str(self.args.companies),
             "--clients", str(self.clients_per_company), "--staff", str(self.staff_per_company),
             "--threads"],
            cwd=ROOT, env=self.env, check=True, capture_output=True, text=True,
        )  # fmt: skip
        result = json.loads(seeded.stdout.splitlines()[-1])
        self.users = [(int(u), int(c), str(k)) for u, c, k in result["users"]]
        self.companies = sorted({company for _, company, _ in self.users})
        self.threads = {int(c): int(t) for c, t in result["threads"].items()}
        self.log(
            f"seeded {len(self.companies)} companies with their permanent threads, "
            f"{len(self.users)} users ({self.clients_per_company} client + "
            f"{self.staff_per_company} staff each)"
        )
        self.servers["real"] = Daphne("real", self.app, self.env, self.data_dir)
        self.servers["real-open"] = Daphne("real-open", self.app, self.open_env, self.data_dir)
        bare_env = {k: v for k, v in self.env.items() if k != "BENCH_SAMPLE_FILE"}
        self.servers["bare"] = Daphne(
            "bare", "bench.bare_asgi:application", bare_env, self.data_dir
        )
        self.clients = Child(
            "clients", [PY, str(Path(__file__)), "--role", "clients"], self.env, self.data_dir
        )
        self.clients.recv(timeout=60)

    def sockets_open(self, server: str, mode: str, repeat: int) -> None:
        assert self.clients is not None
        users = [user for user, _, _ in self.users]
        url = self.servers[server].url
        opened = self.clients.call(
            {"cmd": "connect", "mode": mode, "url": url, "users": users}, 600
        )
        self.log(
            f"{server}: {opened['connected']} sockets open in {opened['seconds']:.1f} s"
            + (f", {opened['failed']} failed: {opened['errors']}" if opened["failed"] else "")
        )
        if opened["failed"]:
            self.anomalies.append(f"r{repeat}-{server}: {opened['failed']} sockets failed to open")
        time.sleep(1.0)

    def sockets_close(self, server: str, repeat: int) -> None:
        assert self.clients is not None
        closed = self.clients.call({"cmd": "close"}, timeout=120)
        if closed["closed_by_server"]:
            note = f"r{repeat}-{server}: {closed['closed_by_server']} sockets closed by the server"
            self.log(f"{note}: {closed['reasons']}")
            self.anomalies.append(note)

    def chat_phase(
        self, server: str, kind: str, repeat: int, rate: float, seconds: float
    ) -> ChatPhase:
        args = self.args
        background = self.wait_quiet() if kind != "warmup" and args.wait_quiet else None
        assert self.clients is not None
        tag = f"r{repeat}-chat-{kind}" + (f"-{rate:.0f}" if kind == "latency" else "")
        threads = {str(user): self.threads[company] for user, company, _ in self.users}
        start_at = time.time() + 0.5
        warm = min(1.0, seconds / 4) if kind == "saturation" else 0.0
        self.clients.send(
            {"cmd": "chat", "tag": tag, "threads": threads, "start_at": start_at,
             "seconds": seconds, "rate": rate, "window": args.chat_window, "warm": warm}
        )  # fmt: skip
        pids = {"daphne": self.servers[server].process.pid, "clients": self.clients.process.pid}
        time.sleep(max(0.0, start_at - time.time()))
        before = cpu_snapshot(pids)
        profilers = self.profile(tag, pids, seconds) if kind != "warmup" else []
        time.sleep(max(0.0, start_at + seconds - time.time()))
        after = cpu_snapshot(pids)
        stats = self.clients.recv(timeout=seconds + 120)
        for profiler in profilers:
            profiler.wait(timeout=60)
        phase = ChatPhase(server, kind, repeat, seconds, rate, stats, cpu_used(before, after))
        if background is not None:
            phase.cpu["before"] = background
        if kind != "warmup":
            problems = {
                "deliveries or acks lost": stats["lost"] + stats["acks_lost"],
                "events on sockets of other companies": stats["misdelivered"],
                "sends failed": stats["send_failed"],
                "error frames": sum(stats["errors"].values()),
            }
            for what, count in problems.items():
                if count:
                    self.anomalies.append(f"{tag}: {count} {what} {stats['errors'] or ''}")
        return phase

    def run_chat(self, repeat: int) -> None:
        args = self.args
        latency = [(args.rate, args.seconds)]
        if args.low_rate:
            latency.insert(0, (args.low_rate, args.seconds))
        for server, kind, phases in (
            ("real", "latency", latency),
            ("real-open", "saturation", [(0.0, args.sat_seconds)]),
        ):
            self.sockets_open(server, "real", repeat)
            try:
                self.chat_phase(server, "warmup", repeat, 20.0, 1.0)
                for rate, seconds in phases:
                    phase = self.chat_phase(server, kind, repeat, rate, seconds)
                    self.chat_phases.append(phase)
                    self.log(f"chat {kind} ({server}): {chat_line(phase)}")
            finally:
                self.sockets_close(server, repeat)

    def run_bare(self, repeat: int) -> None:
        self.sockets_open("bare", "bare", repeat)
        try:
            self.publish_phase("bare", "warmup", repeat, 50.0, 1.0, 1)
            phase = self.publish_phase(
                "bare", "saturation", repeat, 0.0, self.args.sat_seconds, self.args.publishers
            )
            self.phases.append(phase)
            self.log(f"bare saturation: {phase_line(phase)}")
        finally:
            self.sockets_close("bare", repeat)

    def run(self) -> None:
        self.background = {"machine": background_load()}
        self.log(f"before starting, the machine was busy {self.background['machine']:.2f} cores")
        self.setup()
        for repeat in range(self.args.repeat):
            for target in ("chat", "bare") if repeat % 2 == 0 else ("bare", "chat"):
                (self.run_chat if target == "chat" else self.run_bare)(repeat)


# --- report -----------------------------------------------------------------------------------


def chat_line(p: ChatPhase) -> str:
    text = (
        f"sent {p['sent']} ({p['achieved_rate']:.0f}/s), acked {p['acked']}, ack p50"
        f" {p['ack_p50_ms']:.1f} / p99 {p['ack_p99_ms']:.1f} ms, delivered to others"
        f" {p['delivered']}/{p['expected']} p50 {p['deliv_p50_ms']:.1f} / p99"
        f" {p['deliv_p99_ms']:.1f} / max {p['deliv_max_ms']:.1f} ms"
    )
    if p.kind == "saturation":
        text += f", {p['messages_per_s']:.0f} messages/s, {p['deliveries_per_s']:.0f} deliveries/s"
    return text


def report(bench: ChatBench) -> None:
    args = bench.args
    cpus = os.cpu_count()
    print()
    print(
        f"chat ({args.redis}): {len(bench.users)} sockets, {len(bench.companies)} companies,"
        f" {bench.per_company} members per thread; {args.repeat} repeat(s); {cpus} CPUs"
    )
    print(f"Real server: {bench.app}" + (
        f" (experiment: CONN_MAX_AGE={args.conn_max_age})" if args.conn_max_age is not None
        else " (database connections as server/settings.py configures them)"
    ))  # fmt: skip
    print(
        "Socket rate limit (frames/s, burst): latency phase on 'real' "
        f"{'/'.join(bench.limits['real'])}, saturation phase on 'real-open' "
        f"{'/'.join(bench.limits['real-open'])} (raised)"
    )
    header = (
        f"{'phase':10} {'rep':>3} {'offered/s':>9} {'sent/s':>6} {'sent':>6} {'ack p50':>8}"
        f" {'ack p99':>8} {'ack max':>8} {'del p50':>8} {'del p99':>8} {'del max':>8}"
        f" {'own p50':>8} {'lost':>5} {'dup':>4} {'err':>4} {'msg/s':>6} {'deliv/s':>7}"
    )
    print(header)
    print("-" * len(header))
    for p in bench.chat_phases:
        offered = f"{p.offered_rate:.0f}" if p.offered_rate else "max"
        per_s = (p["messages_per_s"], p["deliveries_per_s"])
        print(
            f"{p.kind:10} {p.repeat:>3} {offered:>9} {p['achieved_rate']:>6.0f} {p['sent']:>6}"
            f" {p['ack_p50_ms']:>8.1f} {p['ack_p99_ms']:>8.1f} {p['ack_max_ms']:>8.1f}"
            f" {p['deliv_p50_ms']:>8.1f} {p['deliv_p99_ms']:>8.1f} {p['deliv_max_ms']:>8.1f}"
            f" {p['own_p50_ms']:>8.1f} {p['lost'] + p['acks_lost']:>5} {p['duplicates']:>4}"
            f" {sum(p['errors'].values()):>4}"
            f" {per_s[0]:>6.0f} {per_s[1]:>7.0f}"
        )
    print(
        "ms; ack: send -> ack on the sender's socket; del: send -> chat.message event on each"
        " other member's socket; own: the sender's own copy; lost: deliveries + own copies + acks"
        " that never came; msg/s, deliv/s: acks and events received while the load lasted"
        " (saturation: from 1 s after the start)"
    )
    print()
    print("Bare baseline (ws_fanout's bare daphne and publishers, saturation):")
    for phase in bench.phases:
        print(f"  r{phase.repeat}: {phase_line(phase)}")
    print()
    print(f"Where the CPU went (cores; the machine has {cpus}):")
    print(
        f"{'phase':16} {'rep':>3} {'daphne':>6} {'clients':>7} {'publ.':>6} {'postgres':>8}"
        f" {'redis':>6} {'other':>6} {'machine':>7} {'before':>6} {'daphne ms/msg':>13}"
        f" {'lag max ms':>10}"
    )
    rows: list[tuple[str, int, dict[str, float], float, float]] = []
    for p in bench.chat_phases:
        rate = p["messages_per_s"]  # acked during the load (saturation: after 1 s)
        rows.append((f"chat {p.kind}", p.repeat, p.cpu, rate, p["lag_max_ms"]))
    for b in bench.phases:
        rows.append(("bare saturation", b.repeat, b.cpu, b.deliveries_per_s / bench.per_company,
                     b.publisher["lag_max_ms"]))  # fmt: skip
    for name, repeat, cpu, rate, lag in rows:
        publishers = sum(v for k, v in cpu.items() if k.startswith("publisher"))
        per_message = cpu.get("daphne", 0.0) / rate * 1000 if rate else 0.0
        before = f"{cpu['before']:.2f}" if "before" in cpu else "-"
        print(
            f"{name:16} {repeat:>3} {cpu.get('daphne', 0):>6.2f} {cpu.get('clients', 0):>7.2f}"
            f" {publishers:>6.2f} {cpu.get('postgres', 0):>8.2f} {cpu.get('redis', 0):>6.2f}"
            f" {cpu.get('other', 0):>6.2f} {cpu.get('machine', 0):>7.2f}"
            f" {before:>6} {per_message:>13.2f} {lag:>10.1f}"
        )
    print(
        "other: CPU of processes that are not part of the benchmark; before: machine load just"
        " before the phase (with --wait-quiet); daphne ms/msg: per message (bare: per event);"
        f" background load before the run: {bench.background['machine']:.2f} cores"
    )

    lat = [p for p in bench.chat_phases if p.kind == "latency" and p.offered_rate == args.rate]
    low = [p for p in bench.chat_phases if p.kind == "latency" and p.offered_rate != args.rate]
    sat = [p for p in bench.chat_phases if p.kind == "saturation"]
    bare = {b.repeat: b for b in bench.phases}
    ratios = [
        p["deliveries_per_s"] / bare[p.repeat].deliveries_per_s
        for p in sat
        if p.repeat in bare and bare[p.repeat].deliveries_per_s
    ]
    print()
    print("Summary: median [min-max] over repeats")
    print(f"  send-to-ack at {args.rate:.0f} messages/s:"
          f" p50 {spread([p['ack_p50_ms'] for p in lat])} ms,"
          f" p99 {spread([p['ack_p99_ms'] for p in lat])} ms")  # fmt: skip
    print(f"  send-to-delivered (other members):"
          f" p50 {spread([p['deliv_p50_ms'] for p in lat])} ms,"
          f" p99 {spread([p['deliv_p99_ms'] for p in lat])} ms,"
          f" max {spread([p['deliv_max_ms'] for p in lat])} ms")  # fmt: skip
    if low:
        print(f"  at {args.low_rate:.0f} messages/s (below saturation, for the path itself):"
              f" ack p50 {spread([p['ack_p50_ms'] for p in low])} ms,"
              f" p99 {spread([p['ack_p99_ms'] for p in low])} ms; delivered"
              f" p50 {spread([p['deliv_p50_ms'] for p in low])} ms,"
              f" p99 {spread([p['deliv_p99_ms'] for p in low])} ms")  # fmt: skip
    print(f"  saturation: {spread([p['messages_per_s'] for p in sat], 0)} messages/s"
          f" ({spread([p['deliveries_per_s'] for p in sat], 0)} deliveries/s),"
          f" {spread([p['ack_p50_ms'] for p in sat])} ms ack p50 with {args.chat_window} in"
          " flight")  # fmt: skip
    print(f"  bare baseline: {spread([b.deliveries_per_s for b in bench.phases], 0)} deliveries/s"
          f" = {spread([b.deliveries_per_s / bench.per_company for b in bench.phases], 0)}"
          " events/s")  # fmt: skip
    print(f"  ratio chat/bare (per repeat): {spread(ratios, 2)}")
    per_socket = [p["messages_per_s"] / max(1, len(bench.users)) for p in sat]
    if per_socket:
        print(f"  per socket at saturation: {max(per_socket):.2f} frames/s (configured limit:"
              f" {bench.limits['real'][0]}/s)")  # fmt: skip
    print()
    p99s = [p["deliv_p99_ms"] for p in lat]
    p99_ok = sum(1 for v in p99s if v <= GOAL_P99_MS)
    rate_ok = all(p["achieved_rate"] >= 0.95 * GOAL_RATE for p in lat)
    ratio_ok = sum(1 for r in ratios if r >= GOAL_RATIO)
    met = p99s and p99_ok == len(p99s) and rate_ok and args.rate >= GOAL_RATE
    print(
        f"Goal p99 send-to-delivered <= {GOAL_P99_MS:.0f} ms at {GOAL_RATE:.0f} messages/s: "
        f"{'MET' if met else 'MISSED'} ({p99_ok}/{len(p99s)} repeats; p99 {spread(p99s)} ms at"
        f" {args.rate:.0f}/s offered)"
    )
    print(
        f"Goal saturation >= {GOAL_RATIO} x bare: "
        f"{'MET' if ratios and ratio_ok == len(ratios) else 'MISSED'}"
        f" ({ratio_ok}/{len(ratios)} repeats; ratio {spread(ratios, 2)})"
    )
    for note in bench.anomalies:
        print(f"Anomaly: {note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument(
        "--role", choices=["bench", "clients"], default="bench", help=argparse.SUPPRESS
    )
    parser.add_argument("--sockets", type=int, default=1000)
    parser.add_argument("--companies", type=int, default=250)
    parser.add_argument("--rate", type=float, default=GOAL_RATE, help="messages/s, latency phase")
    parser.add_argument("--seconds", type=float, default=10.0, help="latency phase length")
    parser.add_argument(
        "--low-rate",
        type=float,
        default=20.0,
        help="also a latency phase at this rate, below saturation (0: none)",
    )
    parser.add_argument("--sat-seconds", type=float, default=8.0, help="saturation phase length")
    parser.add_argument(
        "--chat-window",
        type=int,
        default=64,
        help="saturation: messages in flight at most (sent, not yet acked and delivered)",
    )
    parser.add_argument("--sat-ws-rate", type=float, default=1000.0,
                        help="KONTOR_WS_RATE of the saturation phase's daphne")  # fmt: skip
    parser.add_argument("--sat-ws-burst", type=int, default=2000,
                        help="KONTOR_WS_BURST of the saturation phase's daphne")  # fmt: skip
    parser.add_argument("--publishers", type=int, default=2, help="bare baseline: processes")
    parser.add_argument(
        "--conn-max-age",
        type=int,
        metavar="SECONDS",
        help="experiment: the real daphnes keep database connections this long (CONN_MAX_AGE)"
        " instead of server/settings.py's 0",
    )
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="before each phase wait up to this long for the machine to be idle (shared machines)",
    )
    parser.add_argument(
        "--quiet-cores", type=float, default=0.3, help="what counts as idle for --wait-quiet"
    )
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="smoke run: 100 sockets, short phases")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--db", default="kontor_bench_chat")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--keep", action="store_true", help="keep the database and the logs")
    parser.add_argument(
        "--profile",
        metavar="DIR",
        help="py-spy record daphne (and the bare publishers) in each phase (skews the numbers)",
    )
    parser.add_argument(
        "--sample",
        metavar="DIR",
        help="bench/sampler.py in the real daphnes: DIR/real.txt, DIR/real-open.txt (collapsed"
        " stacks, CPU-weighted; summary: python bench/sampler.py DIR/real-open.txt)",
    )
    # What ws_fanout's bare baseline runs with (its defaults).
    parser.set_defaults(
        layer="configured", bare_feed="async", bare_dispatch="channels", real_push="as-is",
        concurrency=4, window=400,
    )  # fmt: skip
    args = parser.parse_args()
    if args.role == "clients":
        asyncio.run(serve(ChatClients()))
        return
    if args.quick:
        args.sockets, args.companies = 100, 25
        args.seconds, args.sat_seconds, args.repeat = 3.0, 3.0, 1
    bench = ChatBench(args)
    run_and_report(bench, report)


if __name__ == "__main__":
    main()
