from celery import shared_task

from server.tenancy.models import Company

from .engagements import engagements_tasks_generate_all
from .reminders import notices_send, reminders_send
from .services import GENERATION_BATCH, deadlines_generate_many


@shared_task(name="calendar.deadlines_generate_all")
def deadlines_generate_all() -> int:
    """Each year brings the next year's deadlines (idempotent: run it as often as you like)."""
    served = Company.objects.filter(office__isnull=False).order_by("pk")
    ids = list(served.values_list("pk", flat=True))
    done = 0
    for start in range(0, len(ids), GENERATION_BATCH):
        # Read each batch just before generating it, so that profiles are fresh.
        batch = list(Company.objects.filter(pk__in=ids[start : start + GENERATION_BATCH]))
        done += len(deadlines_generate_many(companies=batch))
    return done


@shared_task(name="calendar.reminders")
def reminders() -> int:
    return reminders_send()


@shared_task(name="calendar.tax_notices")
def tax_notices() -> int:
    return notices_send()


@shared_task(name="calendar.engagement_tasks")
def engagement_tasks() -> int:
    return engagements_tasks_generate_all()
