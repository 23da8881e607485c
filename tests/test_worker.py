"""`kontor worker`: a real Celery worker on the Redis broker runs Kontor's tasks."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from server.realtime.models import Event
from server.realtime.tasks import events_prune
from tests.factories import company_make
from tests.servers import ROOT, current_database_url

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def worker_queue(settings):
    """A real `kontor worker` on the Redis broker, on a queue of this test's own."""
    from server.celery import app

    queue = f"kontor-test-{os.getpid()}-{time.monotonic_ns()}"
    env = {**os.environ, "DATABASE_URL": current_database_url(), "KONTOR_TASKS_EAGER": "0"}
    kontor = Path(sys.executable).with_name("kontor")
    worker = subprocess.Popen(
        [str(kontor), "worker", "--pool", "solo", "--queues", queue, "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.conf.task_always_eager = False
    try:
        yield queue, worker
    finally:
        app.conf.task_always_eager = True
        _stop(worker)


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL: a busy machine must not fail a test on a slow shutdown."""
    process.terminate()
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(15)


def _wait_for(condition, worker, what: str) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        assert worker.poll() is None, worker.stdout.read() if worker.stdout else ""
        assert time.monotonic() < deadline, f"the worker did not {what}"
        time.sleep(0.2)


def test_worker_runs_a_task_sent_through_the_broker(settings, worker_queue) -> None:
    queue, worker = worker_queue
    company = company_make(None)
    old = Event.objects.create(
        company=company, audience="shared", kind="test.old", payload={},
        created_at=timezone.now() - timedelta(days=settings.KONTOR_EVENT_RETENTION_DAYS + 1),
    )  # fmt: skip
    fresh = Event.objects.create(
        company=company, audience="shared", kind="test.fresh", payload={}, created_at=timezone.now()
    )
    events_prune.apply_async(queue=queue)
    _wait_for(lambda: not Event.objects.filter(pk=old.pk).exists(), worker, "prune")
    assert Event.objects.filter(pk=fresh.pk).exists()


def test_reminders_and_notices_in_a_real_worker_are_sent_once(worker_queue) -> None:
    from decimal import Decimal

    from calendar_app.models import CalendarEvent, ReminderSent, TaxNotice
    from calendar_app.reminders import notice_set
    from calendar_app.services import event_create
    from calendar_app.tasks import reminders, tax_notices
    from tests.factories import world_make

    queue, worker = worker_queue
    world = world_make()
    CalendarEvent.objects.filter(kind="deadline").delete()
    event = event_create(
        actor=world.accountant, company=world.company, title="VAT payment",
        date=timezone.localdate() + timedelta(days=1),
    )  # fmt: skip
    for _ in range(2):  # twice through the broker: one reminder for the moment
        reminders.apply_async(queue=queue)
    _wait_for(lambda: ReminderSent.objects.filter(event=event).exists(), worker, "remind")
    time.sleep(1)
    assert ReminderSent.objects.filter(event=event).count() == 1
    notice = notice_set(actor=world.accountant, event=event, amount=Decimal("10"), currency="EUR")
    TaxNotice.objects.filter(pk=notice.pk).update(
        last_sent_on=timezone.localdate() - timedelta(days=1)
    )
    tax_notices.apply_async(queue=queue)
    _wait_for(
        lambda: TaxNotice.objects.get(pk=notice.pk).last_sent_on == timezone.localdate(), worker,
        "send the notice",
    )  # fmt: skip


def test_beat_loads_kontor_s_schedule_into_the_database() -> None:
    from django_celery_beat.models import PeriodicTask

    env = {**os.environ, "DATABASE_URL": current_database_url(), "KONTOR_TASKS_EAGER": "0"}
    kontor = Path(sys.executable).with_name("kontor")
    beat = subprocess.Popen(
        [str(kontor), "beat", "--pidfile="],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        wanted = {
            "realtime.events_prune",
            "dossier.acknowledgement_reminders",
            "chat.unread_notifications",
        }
        while not wanted <= set(PeriodicTask.objects.values_list("task", flat=True)):
            assert beat.poll() is None, beat.stdout.read() if beat.stdout else ""
            assert time.monotonic() < deadline, "beat did not load the schedule"
            time.sleep(0.3)
    finally:
        _stop(beat)
