"""The Celery app. Without REDIS_URL tasks run in process (CELERY_TASK_ALWAYS_EAGER)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "server.settings")

app = Celery("kontor")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.conf.beat_schedule = {
    "realtime.events_prune": {"task": "realtime.events_prune", "schedule": 24 * 3600},
    "accounts.ws_tickets_prune": {"task": "accounts.ws_tickets_prune", "schedule": 3600},
}
