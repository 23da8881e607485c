"""The iCalendar feed (RFC 5545) of one user: every event that user may see, at a secret address
for Outlook, Google or Apple calendars."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from icalendar import Calendar, Event

from server.accounts.models import User

from .models import CalendarEvent, CalendarFeed
from .selectors import events_visible

PAST = timedelta(days=90)
FUTURE = timedelta(days=2 * 366)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def feed_create(*, user: User) -> str:
    """A new secret for the user's feed; earlier addresses stop working."""
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        CalendarFeed.objects.create(user=user, digest=_digest(secret))
    return secret


def feed_revoke(*, user: User) -> int:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )


def feed_user(secret: str) -> User | None:
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(digest=_digest(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    return feed.user if feed else None


def _vevent(event: CalendarEvent) -> Event:
    item = Event()
    item.add("uid", f"kontor-event-{event.pk}@kontor")
    item.add("summary", f"{event.company.name}: {event.title}")
    if event.starts_at:
        item.add("dtstart", event.starts_at)
        item.add("dtend", event.ends_at or event.starts_at + timedelta(hours=1))
    else:
        item.add("dtstart", event.date)
        item.add("dtend", event.date + timedelta(days=1))
    if event.description:
        item.add("description", event.description)
    item.add("dtstamp", event.updated_at)
    item.add("last-modified", event.updated_at)
    item.add("sequence", event.version)
    item.add("status", "CANCELLED" if event.deleted_at else "CONFIRMED")
    item.add("categories", [event.get_kind_display()])
    return item


def feed_render(*, user: User) -> bytes:
    today = timezone.localdate()
    calendar = Calendar()
    calendar.add("prodid", "-//Kontor//Calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Kontor")
    events = (
        events_visible(user=user)
        .filter(date__gte=today - PAST, date__lte=today + FUTURE)
        .select_related("company")
        .order_by("date", "id")
    )
    for event in events.iterator(chunk_size=500):
        calendar.add_component(_vevent(event))
    return bytes(calendar.to_ical())
