"""Reads of the calendar, scoped to what the user may see (internal events: staff only)."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.http import Http404

from server.accounts.models import User
from server.tenancy.models import Company

from .models import CalendarEvent


def events_visible(*, user: User) -> QuerySet[CalendarEvent]:
    return CalendarEvent.objects.visible_to(user).filter(deleted_at__isnull=True)


def event_list(
    *,
    user: User,
    company: Company | None = None,
    start: date | None = None,
    end: date | None = None,
    kind: str = "",
    assignee: int | None = None,
) -> QuerySet[CalendarEvent]:
    events = events_visible(user=user)
    if company is not None:
        events = events.filter(company=company)
    if start is not None:
        events = events.filter(date__gte=start)
    if end is not None:
        events = events.filter(date__lte=end)
    if kind:
        events = events.filter(kind=kind)
    if assignee is not None:
        events = events.filter(assignees=assignee)
    return events.prefetch_related("assignees").order_by("date", "starts_at", "id")


def event_get(*, user: User, event_id: int | str) -> CalendarEvent:
    try:
        return (
            events_visible(user=user)
            .select_related("company")
            .prefetch_related("assignees")
            .get(pk=int(event_id))
        )
    except (CalendarEvent.DoesNotExist, ValueError, TypeError):
        raise Http404("No such event.") from None
