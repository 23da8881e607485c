from celery import shared_task

from server.tenancy.models import Company

from .engagements import engagements_tasks_generate_all
from .reminders import notices_send, reminders_send
from .services import deadlines_generate


@shared_task(name="calendar.deadlines_generate_all")
def deadlines_generate_all() -> int:
    """Each year brings the next year's deadlines (idempotent: run it as often as you like)."""
    done = 0
    for company_id in Company.objects.filter(office__isnull=False).values_list("id", flat=True):
        company = Company.objects.filter(pk=company_id).first()
        if company is not None:
            deadlines_generate(company=company)
            done += 1
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
