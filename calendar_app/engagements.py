"""Engagements: the services agreed with a company generate the office's tasks, assigned to the
staff member responsible for each service.

Tasks are office-only events keyed like generated deadlines (`obligation` = "task.<service>",
`period`), so generating again never duplicates them; a task somebody edited is left alone.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from server.accounts.models import User
from server.errors import DomainError
from server.realtime.publish import publish
from server.tenancy.access import is_staff_of, require_staff
from server.tenancy.models import Audience, Company

from . import events
from .models import CalendarEvent, Engagement, EventKind, Service

# The statutory deadlines each service prepares, and how many days before them.
PREPARES = {
    Service.VAT_RETURNS: ({"be.vat_return", "pl.jpk_v7", "no.mva"}, 5),
    Service.CORPORATE_TAX_RETURN: ({"be.cit_return", "pl.cit8", "no.skattemelding"}, 14),
    Service.ANNUAL_ACCOUNTS: (
        {"be.annual_accounts_approval", "pl.financial_statements", "no.arsregnskap_approval"},
        14,
    ),
    Service.PAYROLL: ({"be.withholding_274", "pl.pit4_advance", "no.a_melding"}, 3),
}


@dataclass(frozen=True)
class PlannedTask:
    period: str
    title: str
    due: date


def _months(start: date, end: date) -> Iterator[date]:
    month = start.replace(day=1)
    while month <= end:
        yield month
        month = (month + timedelta(days=32)).replace(day=1)


def _planned(engagement: Engagement, start: date, end: date) -> list[PlannedTask]:
    service = Service(engagement.service)
    if service == Service.MONTHLY_BOOKKEEPING:
        # The month's books are closed by the 10th of the next month.
        return [
            PlannedTask(
                f"{month:%Y-%m}",
                _("Book %(month)s") % {"month": f"{month:%Y-%m}"},
                (month + timedelta(days=32)).replace(day=10),
            )
            for month in _months(start, end)
        ]
    codes, days_before = PREPARES[service]
    deadlines = CalendarEvent.objects.filter(
        company=engagement.company,
        obligation__in=codes,
        deleted_at__isnull=True,
        date__gte=start + timedelta(days=days_before),
        date__lte=end + timedelta(days=days_before),
    )
    return [
        PlannedTask(
            deadline.period,
            _("Prepare: %(title)s (%(period)s)")
            % {"title": deadline.title, "period": deadline.period},
            deadline.date - timedelta(days=days_before),
        )
        for deadline in deadlines
    ]


def engagement_tasks_generate(*, engagement: Engagement, until: date | None = None) -> int:
    """The engagement's tasks from its start (or today) to `until` (default: a year ahead)."""
    today = timezone.localdate()
    start = max(engagement.starts_on, today.replace(day=1))
    end = min(engagement.ends_on or date.max, until or today + timedelta(days=366))
    code = f"task.{engagement.service}"
    existing = set(
        CalendarEvent.objects.filter(company=engagement.company, obligation=code).values_list(
            "period", flat=True
        )
    )
    created = 0
    with transaction.atomic():
        for task in _planned(engagement, start, end):
            if task.period in existing or task.due < today:
                continue
            event = CalendarEvent.objects.create(
                company=engagement.company,
                kind=EventKind.TASK,
                audience=Audience.INTERNAL,
                title=task.title[:200],
                date=task.due,
                obligation=code,
                period=task.period,
                created_by=engagement.set_up_by,
            )
            event.assignees.set([engagement.responsible])
            publish(
                engagement.company, events.EVENT, events.event_payload(event), Audience.INTERNAL
            )
            created += 1
    return created


def engagement_set(
    *,
    actor: User,
    company: Company,
    service: str,
    responsible: User,
    starts_on: date,
    ends_on: date | None = None,
) -> Engagement:
    """Agree a service (or change who delivers it and when); its tasks follow."""
    require_staff(actor, company)
    if service not in Service.values:
        raise DomainError("bad_service", "Unknown service.")
    if not is_staff_of(responsible, company):
        raise DomainError("bad_responsible", f"{responsible} does not serve this company.")
    if ends_on is not None and ends_on < starts_on:
        raise DomainError("bad_dates", "The engagement ends before it starts.")
    try:
        with transaction.atomic():
            engagement, _created = Engagement.objects.update_or_create(
                company=company,
                service=service,
                defaults={
                    "responsible": responsible,
                    "set_up_by": actor,
                    "starts_on": starts_on,
                    "ends_on": ends_on,
                },
            )
            # Open future tasks follow a change of the responsible person.
            for task in CalendarEvent.objects.filter(
                company=company,
                obligation=f"task.{service}",
                done_at__isnull=True,
                deleted_at__isnull=True,
                edited=False,
            ):
                task.assignees.set([responsible])
            engagement_tasks_generate(engagement=engagement)
    except IntegrityError:
        raise DomainError("exists", "This service is already agreed.") from None
    return engagement


def engagements_tasks_generate_all() -> int:
    """The periodic run: tasks for the year ahead of every running engagement."""
    today = timezone.localdate()
    created = 0
    running = Engagement.objects.filter(starts_on__lte=today + timedelta(days=366)).exclude(
        ends_on__lt=today
    )
    for engagement in running.select_related("company", "responsible", "set_up_by"):
        created += engagement_tasks_generate(engagement=engagement)
    return created
