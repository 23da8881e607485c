"""`kontor demo`: the embedded default (SQLite, in-memory layer, local files) end to end."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from websockets.asyncio.client import connect

from tests.servers import ROOT, free_port, wait_for_port

pytestmark = pytest.mark.slow

EMBEDDED_ENV_DROPS = ("DATABASE_URL", "REDIS_URL", "S3_BUCKET", "KONTOR_TASKS_EAGER")


def _request(url: str, body: dict | None = None, token: str | None = None, method: str = "POST"):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Token {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())


def _start_demo(data_dir: Path, port: int, password: str | None) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in EMBEDDED_ENV_DROPS}
    env["KONTOR_DATA_DIR"] = str(data_dir)
    env.pop("KONTOR_DEMO_PASSWORD", None)
    if password:
        env["KONTOR_DEMO_PASSWORD"] = password
    kontor = Path(sys.executable).with_name("kontor")
    return subprocess.Popen(
        [str(kontor), "demo", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _printed_password(process: subprocess.Popen) -> str:
    assert process.stdout is not None
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if match := re.search(r"Password for every login below: (\S+)", line):
            return match[1]
    raise AssertionError("kontor demo printed no password")


def test_demo_serves_the_embedded_stack_and_loads_idempotently(tmp_path: Path) -> None:
    port = free_port()
    demo = _start_demo(tmp_path, port, password=None)
    try:
        password = _printed_password(demo)
        wait_for_port(port, process=demo)
        base = f"http://127.0.0.1:{port}"
        token = _request(
            f"{base}/api/v1/auth/token/", {"email": "accountant@demo.kontor", "password": password}
        )["token"]
        companies = _request(f"{base}/api/v1/companies/", token=token, method="GET")
        assert sorted(c["country"] for c in companies) == ["BE", "PL"]
        client_token = _request(
            f"{base}/api/v1/auth/token/", {"email": "client.be@demo.kontor", "password": password}
        )["token"]
        be = next(c for c in companies if c["country"] == "BE")

        async def live_update() -> dict:
            ticket = _request(f"{base}/api/v1/ws-ticket/", {}, token=client_token)["ticket"]
            async with connect(f"ws://127.0.0.1:{port}/ws/?ticket={ticket}") as socket:
                await asyncio.to_thread(
                    _request,
                    f"{base}/api/v1/companies/{be['id']}/",
                    {"legal_form": "SRL"},
                    token,
                    "PATCH",
                )
                return json.loads(await asyncio.wait_for(socket.recv(), 10))

        frame = asyncio.run(live_update())
        assert frame["kind"] == "company.updated" and frame["data"]["legal_form"] == "SRL"
    finally:
        demo.terminate()
        demo.wait(10)

    # A second start finds its data, keeps the generated password and adds no duplicates.
    port = free_port()
    demo = _start_demo(tmp_path, port, password=None)
    try:
        assert _printed_password(demo) == password
        wait_for_port(port, process=demo)
        token = _request(
            f"http://127.0.0.1:{port}/api/v1/auth/token/",
            {"email": "owner@demo.kontor", "password": password},
        )["token"]
        companies = _request(
            f"http://127.0.0.1:{port}/api/v1/companies/", token=token, method="GET"
        )
        assert sorted(c["country"] for c in companies) == ["BE", "NO", "PL"]
    finally:
        demo.terminate()
        demo.wait(10)


def test_demo_password_comes_from_the_environment_when_set(tmp_path: Path) -> None:
    port = free_port()
    demo = _start_demo(tmp_path, port, password="chosen-demo-secret")
    try:
        assert _printed_password(demo) == "chosen-demo-secret"
    finally:
        demo.terminate()
        demo.wait(10)


def test_the_embedded_scheduler_runs_every_periodic_task(transactional_db: None) -> None:
    from server.celery import app
    from server.embedded_beat import _run_due

    app.loader.import_default_modules()
    ran: list[str] = []
    originals = {}
    for entry in app.conf.beat_schedule.values():
        task = app.tasks[entry["task"]]
        originals[entry["task"]] = task.run
        task.run = lambda *a, _name=entry["task"], **k: ran.append(_name)
    try:
        last_run: dict[str, float] = {}
        _run_due(last_run)
        assert sorted(ran) == sorted(e["task"] for e in app.conf.beat_schedule.values())
        _run_due(last_run)  # nothing is due again right away
        assert len(ran) == len(app.conf.beat_schedule)
    finally:
        for name, run in originals.items():
            app.tasks[name].run = run
