"""Large-file benchmark of the dossier on a real S3 server: Kontor's paths against plain boto3.

    .venv/bin/python bench/dossier.py                  # 1 GiB file, 3 repeats
    .venv/bin/python bench/dossier.py --quick          # smoke run: 64 MiB, 1 repeat
    .venv/bin/python bench/dossier.py --size 512MiB --django-size 512MiB --repeat 1

What it does, all on 127.0.0.1, and stops everything it started at the end:

1. Writes a file of `--size` random bytes (starting with "%PDF-" so that the dossier accepts it)
   and hashes it once (client work, reported on its own). Starts SeaweedFS (`weed mini`, see
   tests/s3server.py) with one bucket, re-creates the PostgreSQL database `kontor_bench_dossier`
   (`kontor migrate`), seeds one office, one company, one client user with an API token, and serves
   Kontor with one daphne process on that bucket.
2. Per repeat (the order of Kontor and boto3 alternates between repeats):
   - Kontor upload, the path for a large file: `POST companies/<id>/uploads/` with `part_size`
     and the SHA-256 of each part (presigned multipart), the client PUTs the parts straight to
     S3, --part-threads at a time, then `POST uploads/<id>/finish/` (Kontor joins the parts and
     reads the object once to check the whole file's SHA-256). For information (--no-post skips
     it) the same with Kontor's presigned POST: the client streams a multipart form (policy
     fields, then `file`) straight to S3, then finishes. Kontor download:
     `GET documents/<id>/download/` answers 302 to a presigned link, which the client fetches
     in 8 MiB ranges, --part-threads at a time, as s3transfer does (thrown away; `--to-disk`
     writes it), then once more, untimed, to check its SHA-256; and, for information, in one
     stream as a browser does.
   - Baseline: boto3 `upload_file` / `download_fileobj` (`download_file` with --to-disk)
     (s3transfer, default TransferConfig: 8 MiB parts, 10 threads) of the same file, to and from
     the same bucket.
   - For information: boto3 single-stream `put_object` / `get_object` (one request each, like
     Kontor's); two proposals for Kontor's direct upload, signed here as Kontor would sign them
     (a presigned PUT pinned to the size and SHA-256, a presigned multipart upload with a SHA-256
     per part); and the upload through Django itself (`POST companies/<id>/documents/`,
     multipart, `--django-size`, 100 MiB by default = KONTOR_UPLOAD_MAX_BYTES) against boto3
     `upload_file` of the same bytes.
   `os.sync()` between steps; the bucket is emptied, deleted and re-created after each pair of
   transfers, so SeaweedFS holds at most one copy (deleting objects alone frees nothing).
3. While each step runs, the daphne process's RSS is sampled (/proc/<pid>/status, every 5 ms) and
   its peak RSS (VmHWM, reset through /proc/<pid>/clear_refs before each step) read; the growth is
   peak - RSS right before the step. Same for weed, for information. CPU seconds of the bench,
   daphne, weed and of everything else on the machine are reported per step ("other": on a shared
   machine, see --wait-quiet).

Temporary files: the source file, SeaweedFS's data (one object at a time), one downloaded copy
with --to-disk, and daphne's temporary files of an upload through Django (daphne's TMPDIR is the
bench's data folder; Twisted and Django each keep a copy of the body, Django a third one for the
uploaded file): about 2 x --size at the peak, plus 3 x --django-size during that upload.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import http.client
import json
import os
import random
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PY = sys.executable
KONTOR = str(Path(PY).with_name("kontor"))
CLK_TCK = os.sysconf("SC_CLK_TCK")
MIB = 1024 * 1024
CHUNK = MIB
GOAL_RATIO = 0.8
GOAL_GROWTH_MB = 50.0  # MB as in the issue; reported in MiB (1 MiB = 1.05 MB), the stricter reading
DEFAULT_UPLOAD_MAX = 100 * MIB  # KONTOR_UPLOAD_MAX_BYTES's default


def parse_size(text: str) -> int:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMG]i?B?|B?)\s*", text, re.IGNORECASE)
    if not match:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 1GiB, 64MiB, 1048576)")
    number, unit = float(match.group(1)), match.group(2).upper().rstrip("B").rstrip("I")
    return int(number * {"": 1, "K": 1024, "M": MIB, "G": 1024 * MIB}[unit])


def human(size: int) -> str:
    for unit, scale in (("GiB", 1024 * MIB), ("MiB", MIB), ("KiB", 1024)):
        if size >= scale and size % scale == 0:
            return f"{size // scale} {unit}"
    return f"{size} B"


# --- seeding (runs in a child process with the server's environment) ---------------------------


def seed() -> None:
    """One office, one company (folders seeded), one client user with an API token: JSON out."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "server.settings")
    import django

    django.setup()
    from dossier.models import Folder
    from server.accounts.models import User
    from server.accounts.services import api_token_issue
    from server.tenancy.models import ClientRole, CompanyMember, Office
    from server.tenancy.services import company_create

    office = Office.objects.create(name="Bench office")
    company = company_create(office=office, name="Bench company", country="BE")
    user = User.objects.create_user(email="client@bench.test", password=secrets.token_urlsafe())
    CompanyMember.objects.create(company=company, user=user, role=ClientRole.ADMIN)
    folder = Folder.objects.get(company=company, template_code="purchase_invoices")
    token = api_token_issue(user=user)
    print(json.dumps({"company": company.pk, "folder": folder.pk, "token": token}))


def serve_daphne(argv: list[str]) -> None:
    """daphne's CLI with the experiments of BENCH_DAPHNE_PATCHES applied first:

    - no-form-parse: Twisted's Request parses a multipart/form-data body into `request.args`
      (the whole body read into memory and through the `email` parser) before daphne hands the
      body to the application, which never reads `args`. Twisted >= 24.11 lets a Request opt
      out (`_parsePOSTFormSubmission`); daphne does not.
    - shared-s3-connection: django-storages keeps its boto3 resource per thread, and each ASGI
      request runs its sync view in a thread of its own, so every request that touches S3 builds
      a new boto3 session, resource and client (the JSON service model loaded and parsed again).
      Here one connection is built per storage object and shared by all threads.
    """
    patches = set(filter(None, os.environ.get("BENCH_DAPHNE_PATCHES", "").split(",")))
    if "no-form-parse" in patches:
        from daphne import http_protocol

        web_request_init = http_protocol.WebRequest.__init__

        def init(self: Any, *args: Any, **kwargs: Any) -> None:
            web_request_init(self, *args, **kwargs)
            self._parsePOSTFormSubmission = False

        http_protocol.WebRequest.__init__ = init  # type: ignore[method-assign]
    if "shared-s3-connection" in patches:
        from storages.backends import s3

        per_thread = s3.S3Storage.connection.fget  # type: ignore[attr-defined]
        lock = threading.Lock()

        def shared(self: Any) -> Any:
            with lock:
                if "_bench_connection" not in self.__dict__:
                    self.__dict__["_bench_connection"] = per_thread(self)
                return self.__dict__["_bench_connection"]

        s3.S3Storage.connection = property(shared)  # type: ignore[method-assign,assignment]
    from daphne.cli import CommandLineInterface

    sys.argv = ["daphne", *argv]
    CommandLineInterface.entrypoint()


# --- /proc ---------------------------------------------------------------------------------------


def proc_status(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM of a process, in bytes."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            name, amount = line.split(":", 1)
            values[name] = int(amount.split()[0]) * 1024
    return values


def proc_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def machine_busy() -> float:
    """CPU seconds all cores spent busy since boot (everything but idle and iowait)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(values) - values[3] - values[4]) / CLK_TCK


def hwm_reset(pid: int) -> bool:
    """Resets the process's peak RSS (VmHWM) to its current RSS; False if not permitted."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


@dataclass
class Usage:
    """Memory and CPU of one watched process during one step (bytes, CPU seconds)."""

    rss_before: int = 0
    rss_peak: int = 0
    rss_after: int = 0
    cpu: float = 0.0

    @property
    def growth(self) -> int:
        return max(0, self.rss_peak - self.rss_before)


class Watch:
    """Samples the RSS of some processes every `interval` s while a step runs, and their CPU."""

    def __init__(
        self, pids: dict[str, int], interval: float = 0.005, profile: Path | None = None
    ) -> None:
        self.pids, self.interval, self.profile = pids, interval, profile
        self.temp_dir: Path | None = None  # daphne's TMPDIR: the size of its files there
        self.temp_peak = 0
        self._spy: subprocess.Popen[bytes] | None = None
        self.usage = {name: Usage() for name in pids}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._cpu: dict[str, float] = {}
        self._client_cpu = 0.0
        self.client_cpu = 0.0
        self.other_cpu = 0.0
        self._busy = 0.0
        self.hwm_exact = True

    def __enter__(self) -> Watch:
        if self.profile is not None:
            self._spy = py_spy(self.pids["daphne"], self.profile)
        for name, pid in self.pids.items():
            self.hwm_exact &= hwm_reset(pid)
            rss = proc_status(pid)["VmRSS"]
            self.usage[name].rss_before = self.usage[name].rss_peak = rss
            self._cpu[name] = proc_cpu(pid)
        self._client_cpu = time.process_time()
        self._busy = machine_busy()
        self._thread.start()
        return self

    def _sample(self) -> None:
        ticks = 0
        while not self._stop.wait(self.interval):
            ticks += 1
            if self.temp_dir is not None and ticks % 10 == 0:
                self.temp_peak = max(self.temp_peak, open_files_size(self.pids["daphne"],
                                                                     self.temp_dir))  # fmt: skip
            for name, pid in self.pids.items():
                try:
                    rss = proc_status(pid)["VmRSS"]
                except OSError:
                    continue
                usage = self.usage[name]
                usage.rss_peak = max(usage.rss_peak, rss)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.client_cpu = time.process_time() - self._client_cpu
        busy = machine_busy() - self._busy
        for name, pid in self.pids.items():
            status = proc_status(pid)
            usage = self.usage[name]
            usage.rss_after = status["VmRSS"]
            usage.rss_peak = max(usage.rss_peak, status["VmHWM"] if self.hwm_exact else 0)
            usage.cpu = proc_cpu(pid) - self._cpu[name]
        ours = self.client_cpu + sum(usage.cpu for usage in self.usage.values())
        self.other_cpu = max(0.0, busy - ours)
        if self._spy is not None:
            self._spy.send_signal(signal.SIGINT)
            self._spy.wait(timeout=60)


def open_files_size(pid: int, folder: Path) -> int:
    """Bytes in the files under `folder` that `pid` holds open, deleted ones included (Twisted's
    and Django's upload temporary files are unlinked while still written)."""
    total = 0
    fd_dir = Path(f"/proc/{pid}/fd")
    try:
        fds = list(fd_dir.iterdir())
    except OSError:
        return 0
    for fd in fds:
        try:
            target = os.readlink(fd)
            if target.startswith(str(folder)):
                total += fd.stat().st_size
        except OSError:
            continue
    return total


def py_spy(pid: int, output: Path) -> subprocess.Popen[bytes]:
    """`py-spy record` of a process until SIGINT (collapsed stacks, all threads)."""
    spy = shutil.which("py-spy", path=str(Path(PY).parent)) or shutil.which("py-spy")
    if spy is None:
        raise SystemExit("--profile needs py-spy: .venv/bin/pip install py-spy")
    output.parent.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen(
        [spy, "record", "--pid", str(pid), "--rate", "250", "--nonblocking", "--format", "raw",
         "--output", str(output)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(0.5)  # attached before the step starts
    return process


# --- HTTP client: streamed, never the whole file in memory -------------------------------------


def multipart_body(
    fields: dict[str, str], path: Path, size: int, filename: str
) -> tuple[int, str, Iterator[bytes]]:
    """A multipart/form-data body: the fields, then `file` (S3 wants it last), read from `path`
    chunk by chunk. Returns its exact length, its content type and the chunks."""
    boundary = "kontor-bench-" + secrets.token_hex(12)
    head = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    )
    head += (
        f"--{boundary}\r\n"
        f'Content-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()

    def chunks() -> Iterator[bytes]:
        yield head
        yield from file_chunks(path, size)
        yield tail

    return len(head) + size + len(tail), f"multipart/form-data; boundary={boundary}", chunks()


def connection(url: str, timeout: float = 600.0) -> tuple[http.client.HTTPConnection, str]:
    parts = urlsplit(url)
    assert parts.scheme == "http" and parts.hostname, url
    conn = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
    return conn, (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def ranged_get(url: str, size: int, dest: Path | None, threads: int) -> int:
    """GETs `url` in 8 MiB ranges, `threads` at a time, each through one 1 MiB buffer, written
    at its offset in `dest` (None: thrown away); returns the bytes read."""
    part = 8 * MIB
    ranges = [(start, min(start + part, size) - 1) for start in range(0, size, part)]
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_TRUNC) if dest is not None else None
    lock = threading.Lock()
    queue = list(reversed(ranges))
    total = [0]
    errors: list[BaseException] = []

    def worker() -> None:
        view = memoryview(bytearray(CHUNK))
        conn, target = connection(url)
        try:
            while not errors:
                with lock:
                    if not queue:
                        return
                    first, last = queue.pop()
                conn.request("GET", target, headers={"Range": f"bytes={first}-{last}"})
                response = conn.getresponse()
                if response.status != 206:
                    raise RuntimeError(f"a range answered {response.status}")
                offset = first
                while True:
                    n = response.readinto(view)
                    if not n:
                        break
                    if fd is not None:
                        os.pwrite(fd, view[:n], offset)
                    offset += n
                with lock:
                    total[0] += offset - first
        except BaseException as error:
            errors.append(error)
        finally:
            conn.close()

    pool = [threading.Thread(target=worker) for _ in range(min(threads, len(ranges)))]
    try:
        for thread in pool:
            thread.start()
        for thread in pool:
            thread.join()
    finally:
        if fd is not None:
            os.close(fd)
    if errors:
        raise errors[0]
    return total[0]


def file_chunks(path: Path, size: int, offset: int = 0) -> Iterator[bytes]:
    """`size` bytes of `path` from `offset`, 1 MiB at a time."""
    with path.open("rb") as source:
        source.seek(offset)
        left = size
        while left:
            chunk = source.read(min(CHUNK, left))
            if not chunk:
                raise RuntimeError(f"{path} is shorter than {size} bytes")
            left -= len(chunk)
            yield chunk


def stream_to(response: http.client.HTTPResponse, path: Path | None, digest: Any = None) -> int:
    """Reads a response body through one 1 MiB buffer into `path` (None: thrown away), feeding
    `digest` if given; returns the bytes read."""
    view = memoryview(bytearray(CHUNK))
    written = 0
    with open(path or os.devnull, "wb") as out:
        while True:
            n = response.readinto(view)
            if not n:
                break
            if path is not None:
                out.write(view[:n])
            if digest is not None:
                digest.update(view[:n])
            written += n
    return written


def file_and_part_sha256s(path: Path, size: int, part_size: int) -> tuple[str, list[str]]:
    """SHA-256 of the file (hex) and of each `part_size` slice (base64), in one read."""
    whole, digests = hashlib.sha256(), []
    with path.open("rb") as source:
        for offset in range(0, size, part_size):
            digest = hashlib.sha256()
            left = min(part_size, size - offset)
            while left:
                chunk = source.read(min(CHUNK, left))
                digest.update(chunk)
                whole.update(chunk)
                left -= len(chunk)
            digests.append(base64.b64encode(digest.digest()).decode())
    return whole.hexdigest(), digests


def part_sha256s(path: Path, size: int, part_size: int) -> list[str]:
    """Base64 SHA-256 of each `part_size` slice of the file (S3's checksum header format)."""
    digests = []
    with path.open("rb") as source:
        for offset in range(0, size, part_size):
            digest = hashlib.sha256()
            left = min(part_size, size - offset)
            while left:
                chunk = source.read(min(CHUNK, left))
                digest.update(chunk)
                left -= len(chunk)
            digests.append(base64.b64encode(digest.digest()).decode())
    return digests


def file_sha256(path: Path, size: int | None = None) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        left = size if size is not None else -1
        while left:
            chunk = source.read(CHUNK if left < 0 else min(CHUNK, left))
            if not chunk:
                break
            digest.update(chunk)
            if left > 0:
                left -= len(chunk)
    return digest.hexdigest()


# --- the benchmark -------------------------------------------------------------------------------


@dataclass
class Step:
    repeat: int
    name: str  # e.g. "kontor upload"
    nbytes: int
    seconds: float
    parts: dict[str, float] = field(default_factory=dict)  # sub-steps, seconds
    usage: dict[str, Usage] = field(default_factory=dict)
    client_cpu: float = 0.0
    other_cpu: float = 0.0
    temp_peak: int = 0  # bytes of daphne's temporary files (uploads through Django)

    @property
    def mib_s(self) -> float:
        return self.nbytes / MIB / self.seconds if self.seconds else 0.0


class Bench:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.data_dir = Path(tempfile.mkdtemp(prefix="kontor-bench-dossier-", dir=args.tmp))
        self.tmp_dir = self.data_dir / "tmp"  # daphne's TMPDIR: its upload temp files land here
        self.tmp_dir.mkdir()
        self.prefix = f"kbenchdossier{os.getpid()}"
        self.database_url = f"{args.pg.rstrip('/')}/{args.db}"
        self.bucket = f"kontor-bench-{secrets.token_hex(4)}"
        self.source = self.data_dir / "source.pdf"
        self.small = self.data_dir / "small.pdf"
        self.sha256 = ""
        self.part_digests: list[str] = []  # base64 SHA-256 of each part, for the multipart proposal
        self.hash_seconds = 0.0
        self.django_sha256 = ""
        self.s3: Any = None  # tests.s3server.SeaweedS3
        self.client: Any = None  # boto3
        self.daphne: subprocess.Popen[bytes] | None = None
        self.port = 0
        self.seeded: dict[str, Any] = {}
        self.steps: list[Step] = []
        self.notes: list[str] = []
        self.warmup: dict[str, float] = {}
        self.disk_peak = 0
        self.sync_seconds = 0.0
        self.quiet_waits: list[tuple[float, float]] = []
        self.env: dict[str, str] = {}

    def log(self, message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)

    # setup and teardown

    def database_recreate(self, drop_only: bool = False) -> None:
        import psycopg
        from psycopg import sql

        with psycopg.connect(f"{self.args.pg.rstrip('/')}/postgres", autocommit=True) as conn:
            name = sql.Identifier(self.args.db)
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
            if not drop_only:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(name))

    def file_make(self, path: Path, size: int) -> None:
        """Random bytes behind a PDF signature: incompressible, and accepted by the dossier."""
        rng = random.Random(20261201)
        with path.open("wb") as out:
            out.write(b"%PDF-1.7\n%bench\n")
            left = size - 16
            while left > 0:
                n = min(8 * MIB, left)
                out.write(rng.randbytes(n))
                left -= n

    def setup(self) -> None:
        from tests.s3server import SeaweedS3

        args = self.args
        self.log(f"data dir {self.data_dir}, database {args.db}, redis prefix {self.prefix}")
        started = time.perf_counter()
        self.file_make(self.source, args.size)
        self.log(f"wrote {human(args.size)} in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        # What a client of the multipart upload computes before it starts, in one read.
        self.sha256, self.part_digests = file_and_part_sha256s(
            self.source, args.size, args.part_size
        )
        self.hash_seconds = time.perf_counter() - started
        if args.django_size:
            self.django_sha256 = file_sha256(self.source, args.django_size)
        self.file_make(self.small, 256 * 1024)
        self.s3 = SeaweedS3()
        self.s3.start()
        self.log(f"weed mini up in {self.s3.startup_seconds:.1f} s at {self.s3.endpoint_url}")
        self.client = self.s3.client(read_timeout=600)
        self.s3.make_bucket(self.bucket)
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "server.settings",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
            "PYTHONUNBUFFERED": "1",
            "DATABASE_URL": self.database_url,
            "REDIS_URL": args.redis,
            "KONTOR_CHANNEL_PREFIX": self.prefix,
            "KONTOR_DATA_DIR": str(self.data_dir / "kontor"),
            # Previews run in the server process at commit (files > 50 MB are skipped at once);
            # nothing is queued on the shared Redis for a worker that knows nothing of this run.
            "KONTOR_TASKS_EAGER": "1",
            "S3_BUCKET": self.bucket,
            "S3_ENDPOINT_URL": self.s3.endpoint_url,
            "S3_ACCESS_KEY_ID": self.s3.access_key,
            "S3_SECRET_ACCESS_KEY": self.s3.secret_key,
            "S3_REGION": self.s3.region,
            "S3_ADDRESSING_STYLE": "path",
            "TMPDIR": str(self.tmp_dir),
        }
        if args.django_size > DEFAULT_UPLOAD_MAX:
            self.env["KONTOR_UPLOAD_MAX_BYTES"] = str(args.django_size)
        self.database_recreate()
        subprocess.run([KONTOR, "migrate", "--verbosity", "0"], cwd=ROOT, env=self.env, check=True)
        seeded = subprocess.run(
            [PY, str(Path(__file__).resolve()), "--seed"],
            cwd=ROOT, env=self.env, check=True, capture_output=True, text=True,
        )  # fmt: skip
        self.seeded = json.loads(seeded.stdout.splitlines()[-1])
        self.daphne_start()

    def daphne_start(self) -> None:
        from tests.servers import free_port, wait_for_port

        self.port = free_port()
        log = (self.data_dir / "daphne.log").open("ab")
        # --server daphne: a bare `python -m daphne`; with --daphne-patch, daphne's own CLI
        # behind this script, which applies the patches first (experiments, never production).
        command = [PY, "-m", "daphne", "-b", "127.0.0.1", "-p", str(self.port),
                   "server.asgi:application"]  # fmt: skip
        if self.args.daphne_patch:
            command[:3] = [PY, str(Path(__file__).resolve()), "--serve-daphne"]
        elif self.args.server == "kontor":
            # What production runs: daphne started by `kontor serve` (server/cli.py).
            command = [KONTOR, "serve", "--bind", "127.0.0.1", "--port", str(self.port)]
        self.daphne = subprocess.Popen(
            command,
            cwd=ROOT, env={**self.env, "BENCH_DAPHNE_PATCHES": ",".join(self.args.daphne_patch)},
            stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        log.close()
        try:
            wait_for_port(self.port, timeout=60, process=self.daphne)
        except Exception:
            raise RuntimeError(
                f"daphne did not start:\n{(self.data_dir / 'daphne.log').read_text()}"
            ) from None

    def teardown(self) -> None:
        if self.daphne is not None and self.daphne.poll() is None:
            self.daphne.terminate()
            try:
                self.daphne.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.daphne.kill()
                self.daphne.wait()
        if self.s3 is not None:
            self.s3.stop()
        try:
            import redis

            client = redis.Redis.from_url(self.args.redis)
            keys = list(client.scan_iter(match=f"*{self.prefix}*", count=1000))
            if keys:
                client.delete(*keys)
            client.close()
        except Exception as error:
            self.log(f"could not clean Redis keys *{self.prefix}*: {error}")
        if not self.args.keep:
            try:
                self.database_recreate(drop_only=True)
            except Exception as error:
                self.log(f"could not drop {self.args.db}: {error}")
            shutil.rmtree(self.data_dir, ignore_errors=True)
        else:
            # The logs stay; the big files never do.
            for big in (self.source, self.small, self.data_dir / "download.bin",
                        self.data_dir / "django.pdf"):  # fmt: skip
                big.unlink(missing_ok=True)
            shutil.rmtree(self.tmp_dir, ignore_errors=True)
            self.log(f"kept {self.data_dir} (logs) and the database {self.args.db}")

    # bookkeeping

    def disk_check(self) -> None:
        used = sum(f.stat().st_size for f in self.data_dir.rglob("*") if f.is_file())
        if self.s3 is not None and self.s3.workdir is not None:
            used += sum(f.stat().st_size for f in self.s3.workdir.rglob("*") if f.is_file())
        self.disk_peak = max(self.disk_peak, used)

    def bucket_recycle(self) -> None:
        """Empty, delete and re-create the bucket: SeaweedFS drops the bucket's volumes at once
        (deleting objects alone leaves their space taken until a vacuum)."""
        self.disk_check()
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket):
            keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
            if keys:
                self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": keys})
        self.client.delete_bucket(Bucket=self.bucket)
        self.client.create_bucket(Bucket=self.bucket)

    def watched(self, profile_tag: str = "", repeat: int = 0) -> Watch:
        assert self.daphne is not None and self.s3.process is not None
        profile = None
        if self.args.profile and profile_tag:
            profile = Path(self.args.profile) / f"r{repeat}-{profile_tag}-daphne.txt"
        watch = Watch({"daphne": self.daphne.pid, "weed": self.s3.process.pid}, profile=profile)
        watch.temp_dir = self.tmp_dir
        return watch

    # Kontor's API

    def api(self, method: str, path: str, payload: Any = None) -> tuple[int, dict[str, str], Any]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        try:
            headers = {"Authorization": f"Token {self.seeded['token']}"}
            body = None
            if payload is not None:
                body = json.dumps(payload).encode()
                headers["Content-Type"] = "application/json"
            conn.request(method, f"/api/v1/{path}", body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            answer = (
                json.loads(data)
                if data and "json" in response.getheader("Content-Type", "")
                else data
            )
            return response.status, dict(response.getheaders()), answer
        finally:
            conn.close()

    def kontor_upload(
        self, path: Path, size: int, sha256: str, part_digests: list[str] | None = None
    ) -> tuple[float, dict, int]:
        """Direct upload; returns (seconds, sub-step seconds, document id). With `part_digests`
        (base64 SHA-256 per --part-size slice) Kontor's presigned multipart upload, else its
        presigned POST."""
        parts = {}
        started = time.perf_counter()
        request = {"folder": self.seeded["folder"], "name": "Bench.pdf", "size": size,
                   "sha256": sha256, "kind": "purchase_invoice"}  # fmt: skip
        if part_digests is not None:
            request["part_size"] = self.args.part_size
            request["part_sha256"] = [base64.b64decode(d).hex() for d in part_digests]
        status, _, form = self.api("POST", f"companies/{self.seeded['company']}/uploads/", request)
        if status != 201:
            raise RuntimeError(f"uploads/ answered {status}: {form!r}")
        parts["start"] = time.perf_counter() - started
        if part_digests is not None:
            self.parts_send(path, form["parts"])
            parts["parts"] = time.perf_counter() - started - parts["start"]
            return self.kontor_finish(form["id"], size, sha256, started, parts)
        length, content_type, chunks = multipart_body(form["fields"], path, size, "Bench.pdf")
        conn, target = connection(form["url"])
        try:
            conn.request(
                "POST", target, body=chunks,
                headers={"Content-Type": content_type, "Content-Length": str(length)},
            )  # fmt: skip
            response = conn.getresponse()
            answer = response.read()
        finally:
            conn.close()
        if response.status not in (200, 201, 204):
            raise RuntimeError(f"S3 refused the form: {response.status} {answer[:500]!r}")
        parts["post"] = time.perf_counter() - started - parts["start"]
        return self.kontor_finish(form["id"], size, sha256, started, parts)

    def parts_send(self, path: Path, parts: list[dict[str, Any]]) -> None:
        """PUTs each part to its presigned URL with the headers Kontor gave, --part-threads at
        a time (s3transfer's 10 by default), each streamed from the file."""
        from concurrent.futures import ThreadPoolExecutor

        def send(part: dict[str, Any]) -> None:
            offset = (part["number"] - 1) * self.args.part_size
            conn, target = connection(part["url"])
            try:
                conn.request(
                    "PUT", target, body=file_chunks(path, part["size"], offset),
                    headers={"Content-Length": str(part["size"]), **part["headers"]},
                )  # fmt: skip
                response = conn.getresponse()
                answer = response.read()
            finally:
                conn.close()
            if response.status != 200:
                raise RuntimeError(f"part {part['number']}: {response.status} {answer[:300]!r}")

        with ThreadPoolExecutor(self.args.part_threads) as pool:
            list(pool.map(send, parts))

    def kontor_finish(
        self, upload_id: str, size: int, sha256: str, started: float, parts: dict[str, float]
    ) -> tuple[float, dict, int]:
        mark = time.perf_counter()
        status, _, document = self.api("POST", f"uploads/{upload_id}/finish/")
        parts["finish"] = time.perf_counter() - mark
        seconds = time.perf_counter() - started
        if status != 201:
            raise RuntimeError(f"finish answered {status}: {document!r}")
        version = document["version"]
        if version["size"] != size or version["sha256"] != sha256:
            raise RuntimeError(f"the document is not the file: {version}")
        return seconds, parts, int(document["id"])

    def kontor_download(
        self, document_id: int, dest: Path | None, digest: Any = None, threads: int = 1
    ) -> tuple[float, dict, int]:
        parts = {}
        started = time.perf_counter()
        status, headers, answer = self.api("GET", f"documents/{document_id}/download/")
        if status != 302:
            raise RuntimeError(f"download answered {status}: {answer!r}")
        parts["redirect"] = time.perf_counter() - started
        if threads > 1:
            written = ranged_get(headers["Location"], self.args.size, dest, threads)
            seconds = time.perf_counter() - started
            parts["get"] = seconds - parts["redirect"]
            return seconds, parts, written
        conn, target = connection(headers["Location"])
        try:
            conn.request("GET", target)
            response = conn.getresponse()
            if response.status != 200:
                raise RuntimeError(
                    f"the link answered {response.status}: {response.read()[:300]!r}"
                )
            written = stream_to(response, dest, digest)
        finally:
            conn.close()
        seconds = time.perf_counter() - started
        parts["get"] = seconds - parts["redirect"]
        return seconds, parts, written

    def django_upload(self, path: Path, size: int) -> tuple[float, dict, dict]:
        started = time.perf_counter()
        length, content_type, chunks = multipart_body(
            {"folder": str(self.seeded["folder"]), "kind": "purchase_invoice"}, path, size,
            "Through Django.pdf",
        )  # fmt: skip
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1800)
        try:
            conn.request(
                "POST", f"/api/v1/companies/{self.seeded['company']}/documents/", body=chunks,
                headers={"Content-Type": content_type, "Content-Length": str(length),
                         "Authorization": f"Token {self.seeded['token']}"},
            )  # fmt: skip
            sent = time.perf_counter() - started
            response = conn.getresponse()
            data = response.read()
        finally:
            conn.close()
        seconds = time.perf_counter() - started
        if response.status != 201:
            raise RuntimeError(f"upload through Django answered {response.status}: {data[:500]!r}")
        return seconds, {"send": sent, "answer": seconds - sent}, json.loads(data)

    # the steps

    def verify(self, dest: Path, size: int, sha256: str, what: str) -> None:
        got = dest.stat().st_size
        digest = file_sha256(dest)
        self.disk_check()
        dest.unlink()
        if got != size or digest != sha256:
            raise RuntimeError(
                f"{what}: downloaded {got} bytes with SHA-256 {digest}, not the file"
            )

    def settle(self) -> None:
        """Between steps: flush what the previous step left dirty in the page cache (SeaweedFS's
        writes, a downloaded copy), so that no step pays for the one before it."""
        started = time.perf_counter()
        os.sync()
        self.sync_seconds += time.perf_counter() - started
        if self.args.wait_quiet:
            self.wait_quiet()

    def wait_quiet(self) -> None:
        """With --wait-quiet: wait (at most that long) until other work leaves the CPUs idle."""
        deadline = time.monotonic() + self.args.wait_quiet
        waited = 0.0
        while True:
            before = machine_busy()
            time.sleep(0.5)
            busy = (machine_busy() - before) / 0.5
            if busy <= self.args.quiet_cores or time.monotonic() >= deadline:
                break
            waited += 0.5
        self.quiet_waits.append((waited, busy))

    def sink(self) -> Path | None:
        return self.data_dir / "download.bin" if self.args.to_disk else None

    def downloaded(self, dest: Path | None, size: int, what: str) -> None:
        if dest is not None:
            self.verify(dest, size, self.sha256, what)

    def run_kontor(self, repeat: int) -> None:
        size = self.args.size
        if self.args.post:
            # For information: the presigned POST (one stream), the earlier large-file path.
            with self.watched("kontor-upload-post", repeat) as watch:
                seconds, parts, _ = self.kontor_upload(self.source, size, self.sha256)
            self.record(repeat, "kontor upload (POST)", size, seconds, parts, watch)
            self.bucket_recycle()
            self.settle()
        with self.watched("kontor-upload", repeat) as watch:
            seconds, parts, document_id = self.kontor_upload(
                self.source, size, self.sha256, self.part_digests
            )
        self.record(repeat, "kontor upload", size, seconds, parts, watch)
        self.settle()
        dest = self.sink()
        # As s3transfer downloads (the baseline): the presigned link fetched in 8 MiB ranges,
        # --part-threads at a time. A presigned GET's signature does not cover Range.
        with self.watched("kontor-download", repeat) as watch:
            seconds, parts, written = self.kontor_download(
                document_id, dest, threads=self.args.part_threads
            )
        self.record(repeat, "kontor download", written, seconds, parts, watch)
        if dest is not None:
            self.verify(dest, size, self.sha256, "kontor download")
        self.settle()
        # For information: one stream, as a browser downloads.
        with self.watched("kontor-download-one-stream", repeat) as watch:
            seconds, parts, written = self.kontor_download(document_id, dest)
        self.record(repeat, "kontor download (one stream)", written, seconds, parts, watch)
        if dest is not None:
            self.verify(dest, size, self.sha256, "kontor download (one stream)")
        else:
            # Not timed: the same route once more, hashing what the link serves.
            digest = hashlib.sha256()
            _, _, written = self.kontor_download(document_id, None, digest)
            if written != size or digest.hexdigest() != self.sha256:
                raise RuntimeError("kontor download: the link does not serve the file")
        self.bucket_recycle()
        self.settle()

    def run_boto3(self, repeat: int) -> None:
        size, key = self.args.size, f"bench/{secrets.token_hex(8)}"
        with self.watched() as watch:
            started = time.perf_counter()
            self.client.upload_file(str(self.source), self.bucket, key)
            seconds = time.perf_counter() - started
        self.record(repeat, "boto3 upload (s3transfer)", size, seconds, {}, watch)
        self.settle()
        dest = self.sink()
        with self.watched() as watch:
            started = time.perf_counter()
            if dest is not None:
                self.client.download_file(self.bucket, key, str(dest))
            else:
                with open(os.devnull, "wb") as null:
                    self.client.download_fileobj(self.bucket, key, null)
            seconds = time.perf_counter() - started
        self.record(repeat, "boto3 download (s3transfer)", size, seconds, {}, watch)
        self.downloaded(dest, size, "boto3 download (s3transfer)")
        self.bucket_recycle()
        self.settle()

    def run_single(self, repeat: int) -> None:
        """boto3 with one request each way, as Kontor's direct path does; and a presigned PUT
        pinned to the size and SHA-256 (what Kontor could hand out instead of the POST form)."""
        size, key = self.args.size, f"bench/{secrets.token_hex(8)}"
        with self.watched() as watch, self.source.open("rb") as body:
            started = time.perf_counter()
            self.client.put_object(Bucket=self.bucket, Key=key, Body=body)
            seconds = time.perf_counter() - started
        self.record(repeat, "boto3 put_object", size, seconds, {}, watch)
        self.settle()
        dest = self.sink()
        with self.watched() as watch:
            started = time.perf_counter()
            streamed = self.client.get_object(Bucket=self.bucket, Key=key)["Body"]
            with open(dest or os.devnull, "wb") as out:
                for chunk in streamed.iter_chunks(CHUNK):
                    out.write(chunk)
            seconds = time.perf_counter() - started
        self.record(repeat, "boto3 get_object", size, seconds, {}, watch)
        self.downloaded(dest, size, "boto3 get_object")
        self.bucket_recycle()
        self.settle()

    def run_proposals(self, repeat: int) -> None:
        """Other forms Kontor's direct upload could take, signed here as Kontor would sign them
        and sent by the same client code: one presigned PUT, or a presigned multipart upload."""
        size = self.args.size
        with self.watched() as watch:
            seconds = self.presigned_put(size)
        self.record(repeat, "presigned PUT (proposal)", size, seconds, {}, watch)
        self.bucket_recycle()
        self.settle()
        with self.watched() as watch:
            seconds, parts = self.presigned_multipart(size)
        self.record(repeat, "presigned multipart (proposal)", size, seconds, parts, watch)
        self.bucket_recycle()
        self.settle()

    def presigned_multipart(self, size: int) -> tuple[float, dict[str, float]]:
        """CreateMultipartUpload with SHA-256 checksums, one presigned UploadPart per part whose
        signature covers its length and SHA-256 (S3 refuses other bytes: BadDigest), parts sent
        by --part-threads threads, CompleteMultipartUpload. The object's checksum is then the
        composite sha256(part digests) "-N", which the server can recompute from the digests the
        client announced, without reading the object."""
        from concurrent.futures import ThreadPoolExecutor

        part_size, key = self.args.part_size, f"dossier/{secrets.token_hex(16)}"
        started = time.perf_counter()
        upload = self.client.create_multipart_upload(
            Bucket=self.bucket, Key=key, ChecksumAlgorithm="SHA256", ContentType="application/pdf"
        )
        offsets = list(range(0, size, part_size))
        urls = [
            self.client.generate_presigned_url(
                "upload_part",
                Params={
                    "Bucket": self.bucket,
                    "Key": key,
                    "UploadId": upload["UploadId"],
                    "PartNumber": number,
                    "ContentLength": min(part_size, size - offset),
                    "ChecksumSHA256": self.part_digests[number - 1],
                },
                ExpiresIn=3600,
            )
            for number, offset in enumerate(offsets, 1)
        ]
        signed = time.perf_counter() - started

        def send(number: int) -> str:
            offset = offsets[number - 1]
            length = min(part_size, size - offset)
            conn, target = connection(urls[number - 1])
            try:
                conn.request(
                    "PUT", target, body=file_chunks(self.source, length, offset),
                    headers={"Content-Length": str(length),
                             "x-amz-checksum-sha256": self.part_digests[number - 1]},
                )  # fmt: skip
                response = conn.getresponse()
                answer = response.read()
            finally:
                conn.close()
            if response.status != 200:
                raise RuntimeError(f"part {number}: {response.status} {answer[:300]!r}")
            return str(response.getheader("ETag"))

        with ThreadPoolExecutor(self.args.part_threads) as pool:
            etags = list(pool.map(send, range(1, len(offsets) + 1)))
        sent = time.perf_counter() - started - signed
        done = self.client.complete_multipart_upload(
            Bucket=self.bucket,
            Key=key,
            UploadId=upload["UploadId"],
            MultipartUpload={
                "Parts": [
                    {"PartNumber": n, "ETag": etag, "ChecksumSHA256": self.part_digests[n - 1]}
                    for n, etag in enumerate(etags, 1)
                ]
            },
        )
        seconds = time.perf_counter() - started
        composite = hashlib.sha256(b"".join(base64.b64decode(d) for d in self.part_digests))
        expected = f"{base64.b64encode(composite.digest()).decode()}-{len(offsets)}"
        if done.get("ChecksumSHA256") != expected:
            raise RuntimeError(f"composite checksum {done.get('ChecksumSHA256')} != {expected}")
        return seconds, {"sign": signed, "parts": sent, "complete": seconds - signed - sent}

    def presigned_put(self, size: int) -> float:
        """A presigned PUT whose signature covers Content-Length and x-amz-checksum-sha256: S3
        refuses another size (signature) or other bytes (BadDigest), as the POST policy does."""
        checksum = base64.b64encode(bytes.fromhex(self.sha256)).decode()
        started = time.perf_counter()
        url = self.client.generate_presigned_url(
            "put_object",
            Params={"Bucket": self.bucket, "Key": f"dossier/{secrets.token_hex(16)}",
                    "ContentLength": size, "ChecksumSHA256": checksum,
                    "ContentType": "application/pdf"},
            ExpiresIn=3600,
        )  # fmt: skip
        conn, target = connection(url)
        try:
            conn.request(
                "PUT", target, body=file_chunks(self.source, size),
                headers={"Content-Length": str(size), "x-amz-checksum-sha256": checksum,
                         "Content-Type": "application/pdf"},
            )  # fmt: skip
            response = conn.getresponse()
            answer = response.read()
        finally:
            conn.close()
        if response.status != 200:
            raise RuntimeError(f"presigned PUT: {response.status} {answer[:300]!r}")
        return time.perf_counter() - started

    def run_django(self, repeat: int) -> None:
        size = self.args.django_size
        if repeat % 2:
            self.run_django_boto3(repeat, size)
        with self.watched("django-upload", repeat) as watch:
            seconds, parts, document = self.django_upload(self.source, size)
        self.disk_check()
        if document["version"]["sha256"] != self.django_sha256:
            raise RuntimeError(f"the document is not the file: {document['version']}")
        self.record(repeat, "django upload", size, seconds, parts, watch)
        self.settle()
        if not repeat % 2:
            self.run_django_boto3(repeat, size)
        self.bucket_recycle()

    def run_django_boto3(self, repeat: int, size: int) -> None:
        source = self.source
        if size != self.args.size:
            source = self.data_dir / "django.pdf"
            with self.source.open("rb") as whole, source.open("wb") as out:
                left = size
                while left:
                    chunk = whole.read(min(CHUNK, left))
                    out.write(chunk)
                    left -= len(chunk)
        with self.watched() as watch:
            started = time.perf_counter()
            self.client.upload_file(str(source), self.bucket, f"bench/{secrets.token_hex(8)}")
            seconds = time.perf_counter() - started
        self.disk_check()
        if source != self.source:
            source.unlink()
        self.record(repeat, "boto3 upload (django size)", size, seconds, {}, watch)
        self.settle()

    def record(
        self, repeat: int, name: str, nbytes: int, seconds: float, parts: dict, watch: Watch
    ) -> None:
        step = Step(
            repeat, name, nbytes, seconds, parts, watch.usage, watch.client_cpu, watch.other_cpu,
            watch.temp_peak,
        )  # fmt: skip
        if not watch.hwm_exact and "VmHWM not resettable" not in self.notes:
            self.notes.append("VmHWM not resettable: peaks are from 5 ms samples only")
        self.steps.append(step)
        self.log(step_line(step))

    def warm(self) -> None:
        """The first requests import code and build boto3 clients: done once before measuring."""
        assert self.daphne is not None
        rss_start = proc_status(self.daphne.pid)["VmRSS"]
        size = self.small.stat().st_size
        sha = file_sha256(self.small)
        small_parts = part_sha256s(self.small, size, self.args.part_size)
        for _ in range(2):
            self.kontor_upload(self.small, size, sha)
            _, _, document_id = self.kontor_upload(self.small, size, sha, small_parts)
            dest = self.data_dir / "download.bin"
            self.kontor_download(document_id, dest)
            self.verify(dest, size, sha, "warm-up download")
            if self.args.django_size:
                self.django_upload(self.small, size)
        self.bucket_recycle()
        rss = proc_status(self.daphne.pid)["VmRSS"]
        self.warmup = {"start": rss_start / MIB, "after": rss / MIB}
        self.log(f"warm-up: daphne RSS {rss_start / MIB:.0f} -> {rss / MIB:.0f} MiB")

    def run(self) -> None:
        self.setup()
        self.warm()
        for repeat in range(self.args.repeat):
            order = [self.run_kontor, self.run_boto3]
            if repeat % 2:
                order.reverse()
            for run in order:
                run(repeat)
            if self.args.single:
                self.run_single(repeat)
            if self.args.proposals:
                self.run_proposals(repeat)
            if self.args.django_size:
                self.run_django(repeat)


# --- report ------------------------------------------------------------------------------------


def step_line(step: Step) -> str:
    parts = ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in step.parts.items())
    daphne = step.usage.get("daphne")
    growth = f", daphne +{daphne.growth / MIB:.1f} MiB" if daphne else ""
    return (
        f"r{step.repeat} {step.name}: {human(step.nbytes)} in {step.seconds:.2f} s"
        f" = {step.mib_s:.0f} MiB/s{growth}" + (f" ({parts})" if parts else "")
    )


def spread(values: list[float], digits: int = 1) -> str:
    if not values:
        return "-"
    middle = statistics.median(values)
    if len(values) == 1:
        return f"{middle:.{digits}f}"
    return f"{middle:.{digits}f} [{min(values):.{digits}f}-{max(values):.{digits}f}]"


def report(bench: Bench) -> None:
    args, steps = bench.args, bench.steps
    print()
    print(
        f"dossier large files: {human(args.size)} file, {args.repeat} repeat(s), SeaweedFS"
        f" (weed mini) S3 on 127.0.0.1, one daphne process; {os.cpu_count()} CPUs"
    )
    print(
        f"client hashing (SHA-256 of the file and of each part, one read, before the Kontor"
        " upload): "
        f"{bench.hash_seconds:.2f} s = {args.size / MIB / bench.hash_seconds:.0f} MiB/s"
        " (not part of the upload times below)"
    )
    header = (
        f"{'rep':>3} {'step':32} {'size':>8} {'s':>7} {'MiB/s':>7} {'client':>6} {'daphne':>6}"
        f" {'weed':>6} {'other':>6} {'daphne RSS':>10} {'peak':>6} {'growth':>6} {'weed +':>6}"
        "  sub-steps (ms)"
    )
    print(header)
    print("-" * len(header))
    for s in steps:
        d, w = s.usage["daphne"], s.usage["weed"]
        parts = " ".join(f"{k} {v * 1000:.0f}" for k, v in s.parts.items())
        print(
            f"{s.repeat:>3} {s.name:32} {human(s.nbytes):>8} {s.seconds:>7.2f} {s.mib_s:>7.0f}"
            f" {s.client_cpu:>6.1f} {d.cpu:>6.1f} {w.cpu:>6.1f} {s.other_cpu:>6.1f}"
            f" {d.rss_before / MIB:>10.0f}"
            f" {d.rss_peak / MIB:>6.0f} {d.growth / MIB:>6.1f} {w.growth / MIB:>6.0f}  {parts}"
        )
    print(
        "client/daphne/weed/other: CPU seconds of the step (the bench process, the Kontor server,"
        " the S3 server, everything else on the machine: postgres, other people's work);"
        " RSS, peak, growth, weed +: MiB (growth = peak - RSS before the step)"
    )
    print(
        f"downloads {'written to disk' if args.to_disk else 'read and thrown away'};"
        f" os.sync() between steps took {bench.sync_seconds:.1f} s in all (not timed);"
        f" daphne: {', '.join(args.daphne_patch) or 'as shipped'}"
        f" ({'bench/dossier.py --serve-daphne' if args.daphne_patch else args.server})"
    )
    if bench.quiet_waits:
        loud = [busy for _, busy in bench.quiet_waits if busy > args.quiet_cores]
        print(
            f"--wait-quiet: waited {sum(w for w, _ in bench.quiet_waits):.0f} s in all;"
            f" {len(loud)} of {len(bench.quiet_waits)} steps started on a busy machine"
            + (f" (up to {max(loud):.2f} cores)" if loud else "")
        )
    print(
        f"daphne RSS before the warm-up {bench.warmup.get('start', 0):.0f} MiB, after it"
        f" {bench.warmup.get('after', 0):.0f} MiB; peak disk use of the bench"
        f" {bench.disk_peak / MIB:.0f} MiB"
    )

    def rates(name: str) -> dict[int, float]:
        return {s.repeat: s.mib_s for s in steps if s.name == name}

    print()
    print("Summary: MiB/s, median [min-max] over repeats")
    names = []
    for s in steps:
        if s.name not in names:
            names.append(s.name)
    for name in names:
        print(f"  {name:32} {spread(list(rates(name).values()), 0):>20}")

    def ratio(a: str, b: str) -> list[float]:
        ra, rb = rates(a), rates(b)
        return [ra[r] / rb[r] for r in sorted(ra) if rb.get(r)]

    print()
    print("Ratios per repeat (same run, same server, same file):")
    comparisons = [
        ("upload", "kontor upload", "boto3 upload (s3transfer)", True),
        ("download", "kontor download", "boto3 download (s3transfer)", True),
        ("upload vs one-request boto3", "kontor upload", "boto3 put_object", False),
        ("presigned POST upload", "kontor upload (POST)", "boto3 upload (s3transfer)", False),
        ("download vs one-request boto3", "kontor download", "boto3 get_object", False),
        (
            "one-stream download",
            "kontor download (one stream)",
            "boto3 download (s3transfer)",
            False,
        ),
        (
            "one-stream vs one-request",
            "kontor download (one stream)",
            "boto3 get_object",
            False,
        ),
        ("upload through Django", "django upload", "boto3 upload (django size)", False),
        ("proposal: presigned PUT", "presigned PUT (proposal)", "boto3 upload (s3transfer)", False),
        (
            "proposal: presigned multipart",
            "presigned multipart (proposal)",
            "boto3 upload (s3transfer)",
            False,
        ),
    ]
    verdicts = []
    for label, a, b, goal in comparisons:
        values = ratio(a, b)
        if not values:
            continue
        shown = " ".join(f"{v:.2f}" for v in values)
        print(f"  {label:30} {a} / {b}: {spread(values, 2)}   ({shown})")
        if goal:
            met = all(v >= GOAL_RATIO for v in values)
            verdicts.append(
                f"Goal {label} >= {GOAL_RATIO} x boto3: {'MET' if met else 'MISSED'}"
                f" ({sum(v >= GOAL_RATIO for v in values)}/{len(values)} repeats;"
                f" ratio {spread(values, 2)})"
            )
    growth = [s.usage["daphne"].growth / MIB for s in steps if s.name.startswith("kontor")]
    top = max(growth, default=0.0)
    limit_mib = GOAL_GROWTH_MB * 1e6 / MIB
    verdicts.append(
        f"Goal daphne peak memory growth <= {GOAL_GROWTH_MB:.0f} MB ({limit_mib:.1f} MiB) during"
        f" Kontor's upload/download: {'MET' if top <= limit_mib else 'MISSED'}"
        f" (max {top:.1f} MiB over {len(growth)} steps)"
    )
    django = [s for s in steps if s.name == "django upload"]
    if django:
        growths = [s.usage["daphne"].growth / MIB for s in django]
        times = [g / (args.django_size / MIB) for g in growths]
        temps = [s.temp_peak / MIB for s in django]
        verdicts.append(
            f"For information, upload through Django ({human(args.django_size)}): daphne grew"
            f" {spread(growths, 0)} MiB ({spread(times, 1)} x the file), and held up to"
            f" {spread(temps, 0)} MiB of temporary files"
        )
    print()
    for line in verdicts:
        print(line)
    for note in bench.notes:
        print(f"Note: {note}")


def main() -> None:
    if sys.argv[1:2] == ["--seed"]:
        seed()
        return
    if sys.argv[1:2] == ["--serve-daphne"]:
        serve_daphne(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--size", type=parse_size, default=1024 * MIB, help="default 1GiB")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="smoke run: 64 MiB, 1 repeat")
    parser.add_argument(
        "--django-size",
        type=parse_size,
        default=DEFAULT_UPLOAD_MAX,
        help="bytes uploaded through Django (POST documents/); 0 skips it; above 100MiB the"
        " server's KONTOR_UPLOAD_MAX_BYTES is raised to match (default 100MiB)",
    )
    parser.add_argument(
        "--no-single",
        dest="single",
        action="store_false",
        help="skip the one-request boto3 put_object/get_object rows",
    )
    parser.add_argument(
        "--no-proposals",
        dest="proposals",
        action="store_false",
        help="skip the presigned PUT and presigned multipart rows",
    )
    parser.add_argument(
        "--no-post",
        dest="post",
        action="store_false",
        help="skip the row of Kontor's presigned POST upload (one stream)",
    )
    parser.add_argument(
        "--part-size",
        type=parse_size,
        default=8 * MIB,
        help="Kontor's multipart upload and the proposal: part size (default 8MiB, as s3transfer)",
    )
    parser.add_argument(
        "--part-threads",
        type=int,
        default=10,
        help="Kontor's multipart upload and the proposal: parts in flight (default 10, as"
        " s3transfer)",
    )
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="before each step wait up to this long for the machine to be idle (shared machines)",
    )
    parser.add_argument(
        "--quiet-cores", type=float, default=0.3, help="what counts as idle for --wait-quiet"
    )
    parser.add_argument(
        "--to-disk",
        action="store_true",
        help="downloads write the file to disk (as a browser would) instead of reading and"
        " discarding the body; the numbers then depend on the disk and the page cache",
    )
    parser.add_argument(
        "--server",
        choices=["kontor", "daphne"],
        default="kontor",
        help="serve Kontor with `kontor serve` (default, as in production) or a bare"
        " `python -m daphne server.asgi:application` (without server/cli.py's settings)",
    )
    parser.add_argument(
        "--daphne-patch",
        action="append",
        default=[],
        choices=["no-form-parse", "shared-s3-connection"],
        help="experiment: serve Kontor with daphne patched (see serve_daphne); repeatable",
    )
    parser.add_argument(
        "--profile",
        metavar="DIR",
        help="py-spy record daphne during each Kontor step and the upload through Django",
    )
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--db", default="kontor_bench_dossier")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/0")
    parser.add_argument("--tmp", default=None, help="folder for the temporary files (TMPDIR)")
    parser.add_argument("--keep", action="store_true", help="keep the database and the files")
    args = parser.parse_args()
    if args.quick:
        args.size, args.repeat = 64 * MIB, 1
        args.django_size = min(args.django_size, args.size)
    if args.django_size > args.size:
        parser.error("--django-size is a prefix of the file: at most --size")
    if args.size < 64 * 1024:
        parser.error("--size: at least 64KiB")
    bench = Bench(args)
    try:
        bench.run()
    except BaseException:
        bench.log(f"failed; logs in {bench.data_dir}")
        args.keep = True
        raise
    finally:
        bench.teardown()
    report(bench)


if __name__ == "__main__":
    main()
