"""The Calendar tab, and what the office home shows of the calendar (next deadline, overdue,
my tasks). The page script is static/kontor/calendar/; it talks to /api/v1/ (docs/api.md)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from calendar_app import selectors as calendar_selectors
from calendar_app.models import CalendarEvent, EventKind, Service
from server.accounts.models import User
from server.tenancy.access import people_who_see, reach_of
from server.tenancy.models import Audience, Company

from . import calendar_strings


def _people(company: Company) -> dict[int, str]:
    """Who can be assigned, and whose name a done event shows: everyone who sees the company."""
    people = sorted(people_who_see(company, Audience.SHARED), key=lambda p: p.display_name)
    return {person.pk: person.display_name for person in people}


def _staff(company: Company) -> dict[int, str]:
    """Who may be responsible for a service: the staff serving the company."""
    people = sorted(people_who_see(company, Audience.INTERNAL), key=lambda p: p.display_name)
    return {person.pk: person.display_name for person in people}


def calendar_context(company: Company, user: User) -> dict[str, Any]:
    staff = company.pk in reach_of(user).staff
    return {
        "event_kinds": [(value, str(label)) for value, label in EventKind.choices],
        "calendar_config": {
            "company": company.pk,
            "user": user.pk,
            "staff": staff,
            "today": timezone.localdate().isoformat(),
            "kinds": {value: str(label) for value, label in EventKind.choices},
            "people": _people(company),
            # For the tax-notice and engagement forms (staff only use them).
            "currency": company.currency,
            "services": {value: str(label) for value, label in Service.choices},
            "staffPeople": _staff(company) if staff else {},
        },
        "calendar_strings": calendar_strings.translated(),
    }


# --- The home page -------------------------------------------------------------------------------

OVERDUE_KINDS = (EventKind.DEADLINE, EventKind.TASK)


def _open_events(user: User) -> QuerySet[CalendarEvent]:
    return calendar_selectors.events_visible(user=user).filter(done_at__isnull=True)


def next_deadlines(user: User, company_ids: list[int]) -> dict[int, CalendarEvent]:
    """Each company's next statutory deadline not done yet (today or later)."""
    today = timezone.localdate()
    found: dict[int, CalendarEvent] = {}
    upcoming = (
        _open_events(user)
        .filter(company_id__in=company_ids, kind=EventKind.DEADLINE, date__gte=today)
        .order_by("date", "id")
    )
    for event in upcoming.iterator():  # the first per company (DISTINCT ON is PostgreSQL's only)
        found.setdefault(event.company_id, event)
        if len(found) == len(company_ids):
            break
    return found


def overdue(user: User) -> list[CalendarEvent]:
    """Deadlines and tasks before today, not done, in the companies the user serves as staff."""
    served = reach_of(user).staff
    if not served:
        return []
    events = (
        _open_events(user)
        .filter(company_id__in=served, kind__in=OVERDUE_KINDS, date__lt=timezone.localdate())
        .select_related("company")
        .order_by("date", "company__name", "id")
    )
    return list(events[:200])


def my_tasks(user: User) -> list[CalendarEvent]:
    tasks = calendar_selectors.event_list(user=user, kind=EventKind.TASK, assignee=user.pk)
    return list(tasks.filter(done_at__isnull=True).select_related("company")[:200])


def home_context(user: User, companies: list[Company]) -> dict[str, Any]:
    ids = [company.pk for company in companies]
    nexts = next_deadlines(user, ids)
    for company in companies:
        company.next_deadline = nexts.get(company.pk)  # type: ignore[attr-defined]
    staff = bool(reach_of(user).staff)
    return {
        "today": timezone.localdate(),
        "calendar_staff": staff,
        "overdue_events": overdue(user) if staff else [],
        "my_tasks": my_tasks(user) if staff else [],
        "calendar_strings": calendar_strings.translated(),
    }
