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
    "accounts.password_tokens_prune": {
        "task": "accounts.password_tokens_prune",
        "schedule": 24 * 3600,
    },
    # Hourly, yet one reminder per document per day: the service claims the day first.
    "dossier.acknowledgement_reminders": {
        "task": "dossier.acknowledgement_reminders",
        "schedule": 3600,
    },
    "dossier.documents_purge": {"task": "dossier.documents_purge", "schedule": 24 * 3600},
    "dossier.direct_uploads_expire": {"task": "dossier.direct_uploads_expire", "schedule": 3600},
    "chat.unread_notifications": {"task": "chat.unread_notifications", "schedule": 60},
    # Hourly, yet each reminder moment and each notice-day is claimed once: nothing twice.
    "calendar.reminders": {"task": "calendar.reminders", "schedule": 3600},
    "calendar.tax_notices": {"task": "calendar.tax_notices", "schedule": 3600},
    "calendar.engagement_tasks": {"task": "calendar.engagement_tasks", "schedule": 24 * 3600},
    # Yearly would do; weekly costs little (idempotent) and heals a missed run.
    "calendar.deadlines_generate_all": {
        "task": "calendar.deadlines_generate_all",
        "schedule": 7 * 24 * 3600,
    },
    # Hourly, yet one reminder per request per day: the service claims the day first.
    "chat.request_reminders": {"task": "chat.request_reminders", "schedule": 3600},
}
