"""WebSocket fan-out benchmark: the real `publish` pipeline against a bare Channels baseline.

    .venv/bin/python bench/ws_fanout.py                # 1,000 sockets, 250 companies, 200 events/s
    .venv/bin/python bench/ws_fanout.py --repeat 3     # phases three times, with the spread
    .venv/bin/python bench/ws_fanout.py --quick        # smoke run: 100 sockets, short phases

What it does, all on 127.0.0.1, and stops everything it started at the end:

1. Re-creates the PostgreSQL database `kontor_bench` (`kontor migrate`), a fresh KONTOR_DATA_DIR
   and a Redis key prefix of its own; seeds one office with N companies, each with 2 client users
   and 2 accountants assigned to that company only (each `company.<id>.shared` group: 4 sockets).
2. Serves two daphne processes with the same layer config: `server.asgi:application` (the real
   LiveConsumer, ticket auth) and `bench.bare_asgi:application` (a bare AsyncWebsocketConsumer
   joining the same groups).
3. One client process (`fanout_clients.py`, asyncio + websockets) holds all sockets of the server
   under test; publisher processes (`fanout_publisher.py`) publish events whose payload carries the
   publish time, so latency = receipt time - publish time on the same clock.
4. Per target and repeat: a latency phase at a fixed offered rate (`--rate`, one publisher, shared
   audience), then a saturation phase (`--publishers` processes publishing as fast as they can),
   counting the deliveries received per second while the load lasts.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.common import (  # noqa: E402
    BENCH,
    PY,
    Child,
    Daphne,
    Workspace,
    background_load,
    cpu_snapshot,
    cpu_used,
    run_and_report,
    spread,
)

LAYERS = {"configured": "server.settings", "pubsub": "bench.settings_pubsub"}
GOAL_P99_MS = 50.0
GOAL_RATIO = 0.5


# --- the benchmark ----------------------------------------------------------------------------


@dataclass
class Phase:
    target: str
    kind: str  # "latency" or "saturation"
    repeat: int
    seconds: float
    offered_rate: float  # events/s asked for; 0 = as fast as possible
    sent: int = 0
    achieved_rate: float = 0.0
    expected: int = 0
    received: int = 0
    unique: int = 0
    p50: float = 0.0
    p90: float = 0.0
    p99: float = 0.0
    max: float = 0.0
    deliveries_per_s: float = 0.0
    publisher: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)

    @property
    def lost(self) -> int:
        return self.expected - self.unique

    @property
    def duplicates(self) -> int:
        return self.received - self.unique


class Bench(Workspace):
    """The fan-out run: common.Workspace (database, Redis prefix, data dir, clean-up) plus the
    seeded users, the two daphnes, the socket clients and the phases."""

    def __init__(self, args: argparse.Namespace) -> None:
        super().__init__(args, LAYERS[args.layer], {"BENCH_BARE_DISPATCH": args.bare_dispatch})
        self.per_company = args.sockets // args.companies
        self.clients_per_company = (self.per_company + 1) // 2
        self.staff_per_company = self.per_company // 2
        self.progress_file = self.data_dir / "progress.bin"
        self.progress_file.write_bytes(bytes(8 * 64))
        self.servers: dict[str, Daphne] = {}
        self.clients: Child | None = None
        self.users: list[tuple[int, int, str]] = []
        self.companies: list[int] = []
        self.phases: list[Phase] = []

    # setup and teardown

    def setup(self) -> None:
        if self.per_company < 1:
            raise SystemExit("--sockets must be at least --companies")
        self.migrate()
        seeded = subprocess.run(
            [PY, str(BENCH / "fanout_seed.py"), "--companies", str(self.args.companies),
             "--clients", str(self.clients_per_company), "--staff", str(self.staff_per_company)],
            cwd=ROOT, env=self.env, check=True, capture_output=True, text=True,
        )  # fmt: skip
        self.users = [tuple(u) for u in json.loads(seeded.stdout.splitlines()[-1])["users"]]  # type: ignore[misc]
        self.companies = sorted({company for _, company, _ in self.users})
        self.log(
            f"seeded {len(self.companies)} companies, {len(self.users)} users "
            f"({self.clients_per_company} client + {self.staff_per_company} staff each)"
        )
        self.servers["real"] = Daphne("real", "server.asgi:application", self.env, self.data_dir)
        self.servers["bare"] = Daphne(
            "bare", "bench.bare_asgi:application", self.env, self.data_dir
        )
        self.clients = Child(
            "clients", [PY, str(BENCH / "fanout_clients.py")], self.env, self.data_dir
        )
        self.clients.recv(timeout=60)

    def teardown(self) -> None:
        """Stop the clients and servers, then clean the workspace up."""
        if self.clients is not None:
            try:
                self.clients.call({"cmd": "exit"}, timeout=30)
            except Exception as error:
                self.log(f"clients did not exit cleanly: {error}")
            self.clients.stop()
        for server in self.servers.values():
            server.stop()
        super().teardown()

    # phases

    def publish_phase(
        self, target: str, kind: str, repeat: int, rate: float, seconds: float, publishers: int
    ) -> Phase:
        args = self.args
        background = self.wait_quiet() if kind != "warmup" and args.wait_quiet else None
        assert self.clients is not None
        tag = f"r{repeat}-{target}-{kind}"
        self.clients.call({"cmd": "track", "tag": tag, "path": str(self.progress_file)})
        publishers_up: list[Child] = []
        for index in range(publishers):
            mine = self.companies[index::publishers]
            argv = [PY, str(BENCH / "fanout_publisher.py"), "--mode", target]
            argv += ["--companies", ",".join(map(str, mine)), "--rate", str(rate / publishers)]
            argv += ["--seconds", str(seconds), "--tag", tag, "--index", str(index)]
            argv += ["--feed", args.bare_feed, "--concurrency", str(args.concurrency)]
            argv += ["--window", str(args.window), "--progress-file", str(self.progress_file)]
            argv += ["--per-event", str(self.per_company), "--push", args.real_push]
            publishers_up.append(Child(f"publisher-{tag}-{index}", argv, self.env, self.data_dir))
        try:
            for publisher in publishers_up:
                publisher.recv(timeout=60)  # ready: Django set up, database connected
            start_at = time.time() + 0.5
            for publisher in publishers_up:
                publisher.send({"start_at": start_at})
            pids = {"daphne": self.servers[target].process.pid}
            pids["clients"] = self.clients.process.pid
            for index, publisher in enumerate(publishers_up):
                pids[f"publisher{index}"] = publisher.process.pid
            time.sleep(max(0.0, start_at - time.time()))
            before = cpu_snapshot(pids)
            profilers = self.profile(tag, pids, seconds) if kind != "warmup" else []
            time.sleep(max(0.0, start_at + seconds - time.time()))
            after = cpu_snapshot(pids)
            results = [p.recv(timeout=seconds + 120) for p in publishers_up]
            for profiler in profilers:
                profiler.wait(timeout=60)
        finally:
            for publisher in publishers_up:
                publisher.stop()
        phase = Phase(target, kind, repeat, seconds, rate)
        phase.sent = sum(int(r["sent"]) for r in results)
        phase.achieved_rate = phase.sent / (max(r["finished"] for r in results) - start_at)
        phase.expected = phase.sent * self.per_company
        phase.publisher = {
            "call_p50_ms": max(r["call_p50_ms"] for r in results),
            "call_p99_ms": max(r["call_p99_ms"] for r in results),
            "push_p50_ms": max(r["push_p50_ms"] for r in results),
            "push_p99_ms": max(r["push_p99_ms"] for r in results),
            "lag_max_ms": max(r["lag_max_ms"] for r in results),
            "held_s": max(r["held_s"] for r in results),
        }
        phase.cpu = cpu_used(before, after)
        if background is not None:
            phase.cpu["before"] = background
        self.clients.call(
            {"cmd": "wait", "tags": [tag], "expected": phase.expected, "idle": 3.0, "timeout": 60},
            timeout=90,
        )
        # Saturation: count what arrived while the load lasted, after a 1 s ramp-up.
        warm = min(1.0, seconds / 4) if kind == "saturation" else 0.0
        window = [start_at + warm, start_at + seconds]
        stats = self.clients.call({"cmd": "stats", "tag": tag, "window": window})
        phase.received, phase.unique = stats["received"], stats["unique"]
        phase.p50, phase.p90 = stats["p50_ms"], stats["p90_ms"]
        phase.p99, phase.max = stats["p99_ms"], stats["max_ms"]
        phase.deliveries_per_s = stats["in_window"] / (window[1] - window[0])
        if stats["other_frames"]:
            self.log(f"note: {stats['other_frames']} frames that are not bench events")
        if phase.lost and kind != "warmup":
            self.anomalies.append(f"{tag}: {phase.lost} deliveries lost")
        return phase

    def profile(
        self, tag: str, pids: dict[str, int], seconds: float
    ) -> list[subprocess.Popen[bytes]]:
        """With --profile: py-spy record (collapsed stacks) of daphne and the publishers."""
        if not self.args.profile:
            return []
        spy = shutil.which("py-spy", path=str(Path(PY).parent)) or shutil.which("py-spy")
        if spy is None:
            raise SystemExit("--profile needs py-spy: .venv/bin/pip install py-spy")
        out = Path(self.args.profile)
        out.mkdir(parents=True, exist_ok=True)
        started = []
        for name, pid in pids.items():
            if name == "clients":
                continue
            argv = [spy, "record", "--pid", str(pid), "--duration", str(max(1, int(seconds)))]
            argv += ["--rate", "200", "--nonblocking", "--format", "raw"]
            argv += ["--output", str(out / f"{tag}-{name}.txt")]
            started.append(
                subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            )
        return started

    def run_target(self, target: str, repeat: int) -> None:
        assert self.clients is not None
        server = self.servers[target]
        users = [user for user, _, _ in self.users]
        opened = self.clients.call(
            {"cmd": "connect", "mode": target, "url": server.url, "users": users}, timeout=600
        )
        self.log(
            f"{target}: {opened['connected']} sockets open in {opened['seconds']:.1f} s"
            + (f", {opened['failed']} failed: {opened['errors']}" if opened["failed"] else "")
        )
        if opened["failed"]:
            self.anomalies.append(f"r{repeat}-{target}: {opened['failed']} sockets failed to open")
        time.sleep(1.0)
        try:
            self.publish_phase(target, "warmup", repeat, 50.0, 1.0, 1)
            for kind, rate, seconds, publishers in (
                ("latency", self.args.rate, self.args.seconds, self.args.lat_publishers),
                ("saturation", 0.0, self.args.sat_seconds, self.args.publishers),
            ):
                phase = self.publish_phase(target, kind, repeat, rate, seconds, publishers)
                self.phases.append(phase)
                self.log(f"{target} {kind}: {phase_line(phase)}")
        finally:
            closed = self.clients.call({"cmd": "close"}, timeout=120)
            if closed["closed_by_server"]:
                note = (
                    f"r{repeat}-{target}: {closed['closed_by_server']} sockets closed by the server"
                )
                self.log(f"{note}: {closed['reasons']}")
                self.anomalies.append(note)

    def run(self) -> None:
        self.background = {"machine": background_load()}
        self.log(f"before starting, the machine was busy {self.background['machine']:.2f} cores")
        self.setup()
        for repeat in range(self.args.repeat):
            order = ["real", "bare"] if repeat % 2 == 0 else ["bare", "real"]
            for target in order:
                self.run_target(target, repeat)


# --- report -----------------------------------------------------------------------------------


def phase_line(p: Phase) -> str:
    text = (
        f"sent {p.sent} events ({p.achieved_rate:.0f}/s), deliveries {p.unique}/{p.expected}"
        f" (lost {p.lost}, dup {p.duplicates}), p50 {p.p50:.1f} ms, p99 {p.p99:.1f} ms,"
        f" max {p.max:.1f} ms"
    )
    if p.kind == "saturation":
        text += f", {p.deliveries_per_s:.0f} deliveries/s"
    return text


def report(bench: Bench) -> None:
    args, phases = bench.args, bench.phases
    print()
    print(
        f"ws_fanout ({args.layer} layer, {args.redis}): "
        f"{len(bench.users)} sockets, {len(bench.companies)} companies, "
        f"{bench.per_company} sockets per shared group; {args.repeat} repeat(s); "
        f"{os.cpu_count()} CPUs"
    )
    header = (
        f"{'target':6} {'phase':10} {'rep':>3} {'offered/s':>9} {'sent/s':>6} {'sent':>6}"
        f" {'expected':>8}"
        f" {'received':>8} {'lost':>5} {'dup':>4} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}"
        f" {'deliv/s':>8}"
    )
    print(header)
    print("-" * len(header))
    for p in phases:
        offered = f"{p.offered_rate:.0f}" if p.offered_rate else "max"
        deliveries = f"{p.deliveries_per_s:.0f}" if p.kind == "saturation" else ""
        print(
            f"{p.target:6} {p.kind:10} {p.repeat:>3} {offered:>9} {p.achieved_rate:>6.0f}"
            f" {p.sent:>6} {p.expected:>8}"
            f" {p.unique:>8} {p.lost:>5} {p.duplicates:>4} {p.p50:>8.1f} {p.p99:>8.1f}"
            f" {p.max:>8.1f} {deliveries:>8}"
        )
    print()
    print("Where the CPU went during each phase (cores; the machine has "
          f"{os.cpu_count()}), and the publisher's own timings:")  # fmt: skip
    print(
        f"{'target':6} {'phase':10} {'rep':>3} {'daphne':>6} {'clients':>7} {'publ.':>6}"
        f" {'postgres':>8} {'redis':>6} {'other':>6} {'machine':>7} {'us/deliv':>8}"
        f" {'call p50':>8} {'call p99':>8} {'push p50':>8} {'push p99':>8} {'lag max':>8}"
        f" {'held s':>6}"
    )
    for p in phases:
        publishers = sum(v for k, v in p.cpu.items() if k.startswith("publisher"))
        rate = p.unique / p.seconds if p.kind == "latency" else p.deliveries_per_s
        per_delivery = p.cpu.get("daphne", 0.0) / rate * 1e6 if rate else 0.0
        pub = p.publisher
        print(
            f"{p.target:6} {p.kind:10} {p.repeat:>3} {p.cpu.get('daphne', 0):>6.2f}"
            f" {p.cpu.get('clients', 0):>7.2f} {publishers:>6.2f} {p.cpu.get('postgres', 0):>8.2f}"
            f" {p.cpu.get('redis', 0):>6.2f} {p.cpu.get('other', 0):>6.2f}"
            f" {p.cpu.get('machine', 0):>7.2f} {per_delivery:>8.0f}"
            f" {pub['call_p50_ms']:>8.2f} {pub['call_p99_ms']:>8.2f} {pub['push_p50_ms']:>8.2f}"
            f" {pub['push_p99_ms']:>8.2f} {pub['lag_max_ms']:>8.1f} {pub['held_s']:>6.1f}"
        )
    print(
        "call/push in ms: one publish call (row, commit, push) / the group_send alone;"
        " lag max: how far the publisher fell behind its schedule (ms); held s: time the"
        " saturation publishers waited with a full window; us/deliv: daphne CPU per"
        " delivery; other: CPU of processes that are not part of the benchmark"
    )
    print(f"Bare feed: {args.bare_feed}; real push: {args.real_push}; bare dispatch:"
          f" {args.bare_dispatch}; background load before the run:"
          f" {bench.background['machine']:.2f} cores")  # fmt: skip

    def pick(target: str, kind: str) -> list[Phase]:
        return [p for p in phases if p.target == target and p.kind == kind]

    print()
    print("Summary: median [min-max] over repeats")
    rows = []
    for target in ("real", "bare"):
        lat, sat = pick(target, "latency"), pick(target, "saturation")
        rows.append(
            (
                target,
                spread([p.p50 for p in lat]),
                spread([p.p99 for p in lat]),
                spread([p.max for p in lat]),
                sum(p.lost for p in lat),
                spread([p.deliveries_per_s for p in sat], 0),
                sum(p.lost for p in sat),
            )
        )
    print(
        f"{'target':6} {f'p50 ms @{args.rate:.0f}/s':>22} {'p99 ms':>22} {'max ms':>22}"
        f" {'lost':>5} {'saturation deliv/s':>22} {'lost':>6}"
    )
    for row in rows:
        name, p50, p99, top, lat_lost, saturation, sat_lost = row
        print(
            f"{name:6} {p50:>22} {p99:>22} {top:>22} {lat_lost:>5} {saturation:>22} {sat_lost:>6}"
        )
    ratios = []
    for repeat in range(args.repeat):
        real = [p for p in pick("real", "saturation") if p.repeat == repeat]
        bare = [p for p in pick("bare", "saturation") if p.repeat == repeat]
        if real and bare and bare[0].deliveries_per_s:
            ratios.append(real[0].deliveries_per_s / bare[0].deliveries_per_s)
    print(f"saturation ratio real/bare (per repeat): {spread(ratios, 2)}")
    print()
    real_p99 = [p.p99 for p in pick("real", "latency")]
    p99_ok = sum(1 for v in real_p99 if v <= GOAL_P99_MS)
    ratio_ok = sum(1 for r in ratios if r >= GOAL_RATIO)
    print(
        f"Goal p99 <= {GOAL_P99_MS:.0f} ms at {args.rate:.0f} events/s (real): "
        f"{'MET' if real_p99 and p99_ok == len(real_p99) else 'MISSED'}"
        f" ({p99_ok}/{len(real_p99)} repeats; p99 {spread(real_p99)} ms)"
    )
    print(
        f"Goal saturation >= {GOAL_RATIO} x bare: "
        f"{'MET' if ratios and ratio_ok == len(ratios) else 'MISSED'}"
        f" ({ratio_ok}/{len(ratios)} repeats; ratio {spread(ratios, 2)})"
    )
    for note in bench.anomalies:
        print(f"Anomaly: {note}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sockets", type=int, default=1000)
    parser.add_argument("--companies", type=int, default=250)
    parser.add_argument("--rate", type=float, default=200.0, help="events/s, latency phase")
    parser.add_argument("--seconds", type=float, default=10.0, help="latency phase length")
    parser.add_argument("--sat-seconds", type=float, default=8.0, help="saturation phase length")
    parser.add_argument("--publishers", type=int, default=2, help="processes, saturation phase")
    parser.add_argument(
        "--lat-publishers",
        type=int,
        default=2,
        help="processes sharing the latency phase's rate (one real publish() process tops out"
        " near 200 events/s on this machine)",
    )
    parser.add_argument(
        "--bare-feed",
        choices=["async", "sync"],
        default="async",
        help="bare publisher: one event loop (async) or async_to_sync per event like _push (sync)",
    )
    parser.add_argument("--concurrency", type=int, default=4, help="bare async sends in flight")
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
    parser.add_argument(
        "--window",
        type=int,
        default=400,
        help="saturation: deliveries each publisher keeps in flight at most (0: no limit)",
    )
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="smoke run: 100 sockets, short phases")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--db", default="kontor_bench")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--keep", action="store_true", help="keep the database and the logs")
    parser.add_argument(
        "--real-push",
        choices=["as-is", "loop"],
        default="as-is",
        help="experiment: replace publish._push in the real publishers by a group_send on one"
        " long-lived event loop thread (loop)",
    )
    parser.add_argument(
        "--bare-dispatch",
        choices=["channels", "direct"],
        default="channels",
        help="experiment: the bare consumer skips channels' per-message aclose_old_connections",
    )
    parser.add_argument(
        "--layer",
        choices=sorted(LAYERS),
        default="configured",
        help="channel layer: as server.settings configures it, or channels_redis' pub/sub layer",
    )
    parser.add_argument(
        "--profile",
        metavar="DIR",
        help="py-spy record daphne and the publishers in each phase into DIR (skews the numbers)",
    )
    args = parser.parse_args()
    if args.quick:
        args.sockets, args.companies = 100, 25
        args.seconds, args.sat_seconds, args.repeat = 3.0, 3.0, 1
    bench = Bench(args)
    run_and_report(bench, report)


if __name__ == "__main__":
    main()
