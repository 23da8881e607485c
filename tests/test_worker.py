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


def test_worker_runs_a_task_sent_through_the_broker(settings) -> None:
    company = company_make(None)
    old = Event.objects.create(
        company=company, audience="shared", kind="test.old", payload={},
        created_at=timezone.now() - timedelta(days=settings.KONTOR_EVENT_RETENTION_DAYS + 1),
    )  # fmt: skip
    fresh = Event.objects.create(
        company=company, audience="shared", kind="test.fresh", payload={}, created_at=timezone.now()
    )
    queue = f"kontor-test-{os.getpid()}"
    env = {**os.environ, "DATABASE_URL": current_database_url(), "KONTOR_TASKS_EAGER": "0"}
    kontor = Path(sys.executable).with_name("kontor")
    worker = subprocess.Popen(
        [str(kontor), "worker", "--pool", "solo", "--queues", queue, "--without-heartbeat"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        settings.CELERY_TASK_ALWAYS_EAGER = False
        from server.celery import app

        app.conf.task_always_eager = False
        events_prune.apply_async(queue=queue)
        deadline = time.monotonic() + 60
        while Event.objects.filter(pk=old.pk).exists():
            assert worker.poll() is None, worker.stdout.read() if worker.stdout else ""
            assert time.monotonic() < deadline, "the worker did not run the task"
            time.sleep(0.2)
        assert Event.objects.filter(pk=fresh.pk).exists()
    finally:
        from server.celery import app

        app.conf.task_always_eager = True
        worker.terminate()
        worker.wait(15)


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
        beat.terminate()
        beat.wait(15)
