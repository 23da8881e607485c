"""Periodic jobs inside the demo process: the embedded default has no Redis, no worker and no
beat, yet reminders and notification e-mails should arrive there too.

A daemon thread runs each task of the Celery beat schedule in process when its interval has
passed. Every periodic task is idempotent, so a run at startup does no harm.
"""

from __future__ import annotations

import logging
import threading
import time

from django.db import close_old_connections

logger = logging.getLogger(__name__)
TICK_SECONDS = 30


def _run_due(last_run: dict[str, float]) -> None:
    from server.celery import app

    # Outside a worker, Celery registers the apps' tasks only once their modules are imported.
    app.loader.import_default_modules()
    now = time.monotonic()
    for name, entry in app.conf.beat_schedule.items():
        every = float(entry["schedule"])
        if now - last_run.get(name, -every) < every:
            continue
        last_run[name] = now
        try:
            app.tasks[entry["task"]].apply()
        except Exception:
            logger.exception("Periodic task %s failed in the embedded scheduler", name)
        finally:
            close_old_connections()


def embedded_beat_start() -> threading.Thread:
    last_run: dict[str, float] = {}

    def loop() -> None:
        while True:
            _run_due(last_run)
            time.sleep(TICK_SECONDS)

    thread = threading.Thread(target=loop, name="kontor-embedded-beat", daemon=True)
    thread.start()
    return thread
