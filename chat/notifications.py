"""E-mail about unread messages, batched per person, and reminders of open requests.

An unread message is e-mailed after a grace period (10 minutes) unless it was read meanwhile; each
person chooses right away, an hourly or a daily digest, or nothing. The e-mail links to the
conversation; opening it needs a sign-in like any page.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from server.accounts.models import User
from server.tenancy.access import client_people, people_who_see
from server.tenancy.models import Audience

from .models import ChatPreferences, Message, NotifyMode, ReadState, Request, RequestState, Thread

DIGEST_EVERY = {NotifyMode.HOURLY: timedelta(hours=1), NotifyMode.DAILY: timedelta(days=1)}
LOOKBACK = timedelta(days=7)  # older unread messages are not mailed about any more


def _thread_link(thread: Thread, message_id: int) -> str:
    page = f"/companies/{thread.company_id}/chat/?thread={thread.pk}#message-{message_id}"
    return settings.KONTOR_SITE_URL + page


def _pending_by_person(now: datetime) -> dict[int, list[Message]]:
    """For each person, the messages of others they have neither read nor been told about."""
    grace = timedelta(minutes=settings.KONTOR_CHAT_NOTIFY_GRACE_MINUTES)
    recent = Message.objects.filter(
        deleted_at__isnull=True, created_at__lte=now - grace, created_at__gte=now - LOOKBACK
    ).select_related("thread", "company", "author")
    by_thread: dict[int, list[Message]] = defaultdict(list)
    for message in recent.order_by("id"):
        by_thread[message.thread_id].append(message)
    pending: dict[int, list[Message]] = defaultdict(list)
    for messages in by_thread.values():
        thread = messages[0].thread
        marks = {
            state.user_id: max(state.last_read_id, state.notified_id)
            for state in ReadState.objects.filter(thread=thread)
        }
        for audience in {m.audience for m in messages}:
            for person in people_who_see(thread.company, audience):
                seen = marks.get(person.pk, 0)
                pending[person.pk] += [
                    m for m in messages
                    if m.audience == audience and m.author_id != person.pk and m.pk > seen
                ]  # fmt: skip
    return {person: sorted(found, key=lambda m: m.pk) for person, found in pending.items() if found}


def _due(preferences: ChatPreferences, now: datetime) -> bool:
    if preferences.notify == NotifyMode.OFF:
        return False
    every = DIGEST_EVERY.get(NotifyMode(preferences.notify))
    last = preferences.last_notified_at
    return every is None or last is None or now - last >= every


def _mail(person: User, messages: list[Message]) -> None:
    lines = []
    for message in messages:
        excerpt = message.body if len(message.body) <= 300 else message.body[:300] + "…"
        lines.append(
            f"{message.company.name} — {message.author.display_name}:\n{excerpt}\n"
            f"{_thread_link(message.thread, message.pk)}\n"
        )
    count = len(messages)
    subject = ngettext(
        "%(count)d unread message in Kontor", "%(count)d unread messages in Kontor", count
    ) % {"count": count}
    send_mail(subject, "\n".join(lines), settings.DEFAULT_FROM_EMAIL, [person.email])


def unread_notifications_send(*, now: datetime | None = None) -> int:
    """One e-mail per person whose unread messages are due; returns how many were sent."""
    now = now or timezone.now()
    sent = 0
    for person_id, messages in _pending_by_person(now).items():
        with transaction.atomic():
            preferences, _ = ChatPreferences.objects.select_for_update().get_or_create(
                user_id=person_id
            )
            if not _due(preferences, now):
                continue
            person = User.objects.get(pk=person_id)
            # Mark first, inside the transaction: a failed send rolls the marks back for a retry.
            for thread_id in {m.thread_id for m in messages}:
                newest = max(m.pk for m in messages if m.thread_id == thread_id)
                state, _ = ReadState.objects.get_or_create(user_id=person_id, thread_id=thread_id)
                state.notified_id = max(state.notified_id, newest)
                state.save(update_fields=["notified_id"])
            preferences.last_notified_at = now
            preferences.save(update_fields=["last_notified_at"])
            _mail(person, messages)
            sent += 1
    return sent


def _reminder_due(request: Request, today: date) -> bool:
    """The day before, on the due date, then every week until it is closed."""
    if request.due_date is None:
        return False
    days_late = (today - request.due_date).days
    return days_late == -1 or days_late == 0 or (days_late > 0 and days_late % 7 == 0)


def request_reminders_send(*, today: date | None = None) -> int:
    today = today or timezone.localdate()
    sent = 0
    open_requests = Request.objects.filter(
        state=RequestState.OPEN, audience=Audience.SHARED
    ).exclude(last_reminded_on=today)
    for request in open_requests.select_related("company", "thread"):
        if not _reminder_due(request, today):
            continue
        with transaction.atomic():
            claimed = (
                Request.objects.filter(pk=request.pk)
                .exclude(last_reminded_on=today)
                .update(last_reminded_on=today)
            )
            if not claimed:
                continue
            emails = list(client_people(request.company).values_list("user__email", flat=True))
            subject = _("Reminder: %(title)s") % {"title": request.title}
            body = _("Your accountant asked: %(title)s\nDue: %(due)s\n%(link)s") % {
                "title": request.title,
                "due": request.due_date,
                "link": _thread_link(request.thread, request.message_id),
            }
            for email in emails:
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
            sent += 1
    return sent
