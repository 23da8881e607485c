"""Reads of the calendar, scoped to what the user may see (internal events: staff only)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from server.accounts.models import User
from server.tenancy.access import company_get
from server.tenancy.models import Company

from .models import CalendarEvent, Engagement, TaxNotice


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
    return (
        events.select_related("updated_by")
        .prefetch_related("assignees")
        .order_by("date", "starts_at", "id")
    )


def event_get(*, user: User, event_id: int | str) -> CalendarEvent:
    try:
        return (
            events_visible(user=user)
            .select_related("company", "updated_by")
            .prefetch_related("assignees")
            .get(pk=int(event_id))
        )
    except (CalendarEvent.DoesNotExist, ValueError, TypeError):
        raise Http404("No such event.") from None


def notice_list(*, user: User, company: Company) -> QuerySet[TaxNotice]:
    """The tax-due notices of the company's deadlines the user sees: every open one, and those
    confirmed on deadlines of the last 90 days (older ones are history, in the e-mails)."""
    recent = timezone.localdate() - timedelta(days=90)
    return (
        TaxNotice.objects.filter(
            event__in=events_visible(user=user).filter(company=company),
        )
        .filter(Q(confirmed_at__isnull=True) | Q(event__date__gte=recent))
        .select_related("event", "confirmed_by")
        .order_by("event__date", "pk")
    )


def engagement_list(*, user: User, company: Company) -> QuerySet[Engagement]:
    """The services agreed with a company the user sees (what a client may read of them is the
    API's business: calendar_app.api.EngagementListApi)."""
    company_get(user, company.pk)
    return (
        Engagement.objects.filter(company=company)
        .select_related("responsible", "set_up_by")
        .order_by("service")
    )
