"""What the benchmarks share: their processes (daphne, JSON-line children), CPU accounting from
/proc, a fresh database / Redis prefix / data dir and their clean-up, Django in the benchmark's own
process, timing and query capture, and the report's "median [min-max]".

Used by ws_fanout.py, chat.py and chat_thread.py (and, through them, by others).
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
PY = sys.executable
KONTOR = str(Path(PY).with_name("kontor"))
CLK_TCK = os.sysconf("SC_CLK_TCK")


# --- processes --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[Any], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"nothing listened on 127.0.0.1:{port} after {timeout} s")


class Child:
    """A child process spoken to in JSON lines over stdin/stdout; stderr goes to a log file."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str], log_dir: Path) -> None:
        self.name = name
        self.log_path = log_dir / f"{name}.log"
        self.log: IO[bytes] = self.log_path.open("ab")
        self.process = subprocess.Popen(
            argv,
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.log,
            text=True,
            bufsize=1,
        )
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, daemon=True).start()

    def _pump(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put("")

    def send(self, message: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(message) + "\n")
        self.process.stdin.flush()

    def recv(self, timeout: float = 120.0) -> dict[str, Any]:
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise TimeoutError(f"{self.name}: no answer in {timeout} s") from None
        if not line:
            raise RuntimeError(f"{self.name} exited; see {self.log_path}:\n{self.tail()}")
        return dict(json.loads(line))

    def call(self, message: dict[str, Any], timeout: float = 120.0) -> dict[str, Any]:
        self.send(message)
        return self.recv(timeout)

    def tail(self, lines: int = 15) -> str:
        text = self.log_path.read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


class Daphne:
    def __init__(self, name: str, app: str, env: dict[str, str], log_dir: Path) -> None:
        self.name, self.port = name, free_port()
        self.log_path = log_dir / f"daphne-{name}.log"
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [PY, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port), app],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_for_port(self.port, self.process)
        except Exception:
            self.stop()
            raise RuntimeError(
                f"daphne {name} did not start:\n{self.log_path.read_text()}"
            ) from None

    @property
    def url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


# --- CPU accounting from /proc ----------------------------------------------------------------


def _proc_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime, all threads


def _pids_named(*names: str) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() in names:
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def _machine_busy() -> tuple[float, float]:
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / CLK_TCK, sum(values) / CLK_TCK


@dataclass
class CpuSnapshot:
    at: float
    named: dict[str, float]
    services: dict[str, dict[int, float]]
    busy: float
    total: float


def cpu_snapshot(named_pids: dict[str, int]) -> CpuSnapshot:
    busy, total = _machine_busy()
    return CpuSnapshot(
        at=time.monotonic(),
        named={name: _proc_cpu(pid) for name, pid in named_pids.items()},
        services={
            "postgres": {pid: _proc_cpu(pid) for pid in _pids_named("postgres")},
            "redis": {pid: _proc_cpu(pid) for pid in _pids_named("redis-server")},
        },
        busy=busy,
        total=total,
    )


def cpu_used(before: CpuSnapshot, after: CpuSnapshot) -> dict[str, float]:
    """Cores used between the two snapshots, per process (and for all of postgres / redis)."""
    wall = max(after.at - before.at, 1e-9)
    used = {name: (after.named[name] - before.named.get(name, 0.0)) / wall for name in after.named}
    for service, pids in after.services.items():
        old = before.services[service]
        used[service] = sum(cpu - old.get(pid, 0.0) for pid, cpu in pids.items()) / wall
    used["machine"] = (after.busy - before.busy) / wall
    used["other"] = max(0.0, used["machine"] - sum(v for k, v in used.items() if k != "machine"))
    return used


# --- a fresh database, Redis prefix and data dir ------------------------------------------------


class Workspace:
    """The environment of one benchmark run: the PostgreSQL database `args.db` (re-created), a
    Redis key prefix and a KONTOR_DATA_DIR of its own, all removed by `teardown` (kept with
    `args.keep`, or the logs when something looked wrong: `anomalies`)."""

    def __init__(
        self,
        args: argparse.Namespace,
        settings_module: str = "server.settings",
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.args = args
        self.prefix = f"kbench{os.getpid()}"
        self.data_dir = Path(tempfile.mkdtemp(prefix="kontor-bench-"))
        self.database_url = f"{args.pg.rstrip('/')}/{args.db}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": settings_module,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
            "DATABASE_URL": self.database_url,
            "REDIS_URL": args.redis,
            "KONTOR_CHANNEL_PREFIX": self.prefix,
            "KONTOR_DATA_DIR": str(self.data_dir),
            "PYTHONUNBUFFERED": "1",
            **(extra_env or {}),
        }
        self.anomalies: list[str] = []

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

    def migrate(self) -> None:
        """A fresh database with the project's migrations applied."""
        self.log(f"database {self.args.db}, redis prefix {self.prefix}, data dir {self.data_dir}")
        self.database_recreate()
        subprocess.run([KONTOR, "migrate", "--verbosity", "0"], cwd=ROOT, env=self.env, check=True)

    def teardown(self) -> None:
        try:
            import redis

            client = redis.Redis.from_url(self.args.redis)
            keys = list(client.scan_iter(match=f"{self.prefix}*", count=1000))
            if keys:
                client.delete(*keys)
            client.close()
        except Exception as error:
            self.log(f"could not clean Redis keys {self.prefix}*: {error}")
        if not self.args.keep:
            try:
                self.database_recreate(drop_only=True)
            except Exception as error:
                self.log(f"could not drop {self.args.db}: {error}")
        if self.args.keep or self.anomalies:
            self.log(
                f"logs kept in {self.data_dir}"
                + (f" (database {self.args.db} too)" if self.args.keep else "")
            )
        else:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def wait_quiet(self) -> float:
        """With --wait-quiet: wait (at most that long) until other processes leave the CPUs alone.
        Returns the machine's load (cores busy) just before the phase."""
        deadline = time.monotonic() + self.args.wait_quiet
        waited = False
        while True:
            before = cpu_snapshot({})
            time.sleep(0.5)
            busy = cpu_used(before, cpu_snapshot({}))["machine"]
            if busy <= self.args.quiet_cores or time.monotonic() >= deadline:
                if waited:
                    self.log(f"machine busy {busy:.2f} cores; going on")
                return busy
            if not waited:
                self.log(f"machine busy {busy:.2f} cores with other work; waiting for it to settle")
                waited = True
            time.sleep(2.0)


def background_load(seconds: float = 1.0) -> float:
    """Cores the machine is busy with right now (before a run starts)."""
    before = cpu_snapshot({})
    time.sleep(seconds)
    return cpu_used(before, cpu_snapshot({}))["machine"]


# --- statistics -----------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    """The q-quantile (0..1) of `values`, nearest rank; 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def spread(values: list[float], digits: int = 1) -> str:
    if not values:
        return "-"
    middle = statistics.median(values)
    if len(values) == 1:
        return f"{middle:.{digits}f}"
    return f"{middle:.{digits}f} [{min(values):.{digits}f}-{max(values):.{digits}f}]"


# --- Django in the benchmark's own process ------------------------------------------------------


def django_start(bench: Workspace) -> None:
    """Re-create and migrate the database, then set Django up in this process on it."""
    bench.migrate()
    os.environ.update(bench.env)
    import django

    django.setup()


def django_stop(bench: Workspace) -> None:
    from django.db import connections

    connections.close_all()
    bench.teardown()


def machine_load(bench: Workspace) -> float:
    """Cores busy right now (0.5 s sample), after waiting for quiet if --wait-quiet asks to."""
    if bench.args.wait_quiet:
        return bench.wait_quiet()
    before = cpu_snapshot({})
    time.sleep(0.5)
    return cpu_used(before, cpu_snapshot({}))["machine"]


@dataclass
class Load:
    """CPU used while something ran: this process, postgres, everything else."""

    before: float
    cpu: dict[str, float] = field(default_factory=dict)

    def text(self) -> str:
        cpu = self.cpu
        return (
            f"load before {self.before:.2f} cores; during: bench {cpu.get('bench', 0):.2f},"
            f" postgres {cpu.get('postgres', 0):.2f}, other {cpu.get('other', 0):.2f}"
        )


def measured(bench: Workspace, run: Callable[[], Any]) -> tuple[Any, Load]:
    load = Load(machine_load(bench))
    before = cpu_snapshot({"bench": os.getpid()})
    result = run()
    load.cpu = cpu_used(before, cpu_snapshot({"bench": os.getpid()}))
    return result, load


def timings(call: Callable[[], Any], times: int, warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        call()
    spent = []
    for _ in range(times):
        began = time.perf_counter()
        call()
        spent.append((time.perf_counter() - began) * 1000)
    return spent


def queries_of(call: Callable[[], Any]) -> list[tuple[float, str]]:
    """The queries of one call (CaptureQueriesContext), BEGIN and COMMIT included, each with its
    time in ms: the debug cursor rounds its times to 1 ms, so they are taken from the records it
    logs to "django.db.backends" (same order, full precision)."""
    import logging

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    spent: list[float] = []

    class Timed(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            spent.append(float(getattr(record, "duration", 0.0)) * 1000)

    logger = logging.getLogger("django.db.backends")
    handler, level, propagate = Timed(logging.DEBUG), logger.level, logger.propagate
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    try:
        with CaptureQueriesContext(connection) as captured:
            call()
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
        logger.propagate = propagate
    sqls = [q["sql"] for q in captured.captured_queries]
    if len(spent) != len(sqls):  # should not happen; fall back to the rounded times
        spent = [float(q["time"]) * 1000 for q in captured.captured_queries]
    return list(zip(spent, sqls, strict=True))


# Where the time of a call goes: cumulative time of these functions under cProfile.
Probe = tuple[str, str, str]  # label, file name ending, function name


def profile_breakdown(
    call: Callable[[], Any], times: int, probes: list[Probe]
) -> tuple[float, list[tuple[str, float, int]]]:
    """Run `call` `times` times under cProfile: (ms per call in all, [(label, ms per call,
    calls per call)]). cProfile slows Python code down, so read the shares, not the ms."""
    import cProfile
    import pstats

    profiler = cProfile.Profile()
    began = time.perf_counter()
    profiler.enable()
    for _ in range(times):
        call()
    profiler.disable()
    total = (time.perf_counter() - began) * 1000 / times
    stats: dict[Any, Any] = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    found = []
    for label, ending, name in probes:
        cumulative, calls = 0.0, 0
        for (filename, _, function), (_, primitive, _, cum, _) in stats.items():
            if function == name and filename.endswith(ending):
                cumulative += cum
                calls += primitive
        found.append((label, cumulative * 1000 / times, round(calls / times)))
    return total, found


def run_and_report(bench: Any, report: Callable[[Any], None]) -> None:
    """Runs a benchmark and prints its report; a failed run keeps its files and says where;
    everything it started is stopped either way."""
    try:
        bench.run()
    except BaseException:
        bench.log(f"failed; logs in {bench.data_dir}")
        bench.args.keep = True
        raise
    finally:
        bench.teardown()
    report(bench)
