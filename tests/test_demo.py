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
        # The Books tab has something to show: issued sales invoices of the demo customers.
        invoices = _request(f"{base}/api/v1/companies/{be['id']}/invoices/?direction=sales",
                            token=client_token, method="GET")["results"]  # fmt: skip
        assert len(invoices) >= 3 and {i["state"] for i in invoices} == {"issued"}
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
        again = _request(
            f"http://127.0.0.1:{port}/api/v1/companies/{be['id']}/invoices/?direction=sales",
            token=token,
            method="GET",
        )["results"]
        assert [i["id"] for i in again] == [i["id"] for i in invoices]  # none added
    finally:
        demo.terminate()
        demo.wait(10)


def _books_counts() -> dict[str, int]:
    from bookkeeping.models import Allocation, Entry, Invoice, Party
    from dossier.models import Document

    return {model.__name__: model.objects.count()
            for model in (Invoice, Party, Entry, Allocation, Document)}  # fmt: skip


@pytest.mark.django_db
def test_the_demo_books_show_revenue_receivables_and_cash(monkeypatch) -> None:
    import datetime
    from decimal import Decimal

    from django.utils import timezone

    from bookkeeping.models import BooksSettings, Invoice
    from bookkeeping.reports.cash import cash_position
    from bookkeeping.reports.open_items import open_items
    from bookkeeping.reports.profit_loss import profit_and_loss
    from server.demo import demo_load
    from server.tenancy.models import Company

    monkeypatch.setenv("KONTOR_DEMO_PASSWORD", "demo-test-secret")
    demo_load()
    loaded = _books_counts()
    today = timezone.localdate()
    companies = Company.objects.filter(office__name="Kontor Demo")
    assert sorted(c.country for c in companies) == ["BE", "NO", "PL"]
    for company in companies:
        assert BooksSettings.objects.get(company=company).iban.startswith(company.country)
        invoices = Invoice.objects.filter(company=company, direction="sales", state="issued")
        assert 3 <= invoices.count() <= 4
        assert all(i.party.vat_number.startswith(company.country) for i in invoices)
        start = (today - datetime.timedelta(days=92)).replace(day=1)
        pnl = profit_and_loss(company=company, start=start, end=today)
        assert len([m for m in pnl.months if m.income > 0]) >= 3  # revenue over three months
        assert pnl.income == sum((i.net_total for i in invoices), Decimal(0))
        receivables = open_items(company=company, side="receivables", date=today)
        owed = sum((i.gross_total for i in invoices), Decimal(0))
        cash = cash_position(company=company, date=today).total
        assert Decimal(0) < cash < owed  # one invoice is paid in part
        totals = receivables.totals
        aged = [totals.current, totals.days_1_30, totals.days_31_60, totals.days_61_90,
                totals.over_90]  # fmt: skip
        assert sum(aged) == owed - cash and len([a for a in aged if a]) >= 2

    demo_load()  # a second load finds the books filled and adds nothing
    assert _books_counts() == loaded


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
