"""Unread-message e-mails: grace period, batching per person, "read meanwhile", preferences."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from chat import services
from chat.models import Message, Thread
from chat.notifications import request_reminders_send, unread_notifications_send
from tests.factories import World

pytestmark = pytest.mark.django_db


def _thread(world: World) -> Thread:
    return Thread.objects.get(company=world.company, kind="permanent")


def _send(user, world: World, body: str, minutes_ago: int = 11, **kwargs) -> Message:
    message = services.message_send(actor=user, thread=_thread(world), body=body, **kwargs).message
    Message.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - timedelta(minutes=minutes_ago)
    )
    return message


def _to(address: str) -> list:
    return [m for m in mail.outbox if m.to == [address]]


def test_unread_messages_are_batched_into_one_mail_per_person(world: World) -> None:
    _send(world.client, world, "First question")
    _send(world.client, world, "Second question")
    _send(world.client, world, "Too fresh", minutes_ago=2)
    mail.outbox.clear()
    # Through Celery (run in process in the tests, KONTOR_TASKS_EAGER), as beat would start it.
    from chat.tasks import unread_notifications

    assert unread_notifications.delay().get() == 3  # accountant, owner, client_member
    to_accountant = _to(world.accountant.email)
    assert len(to_accountant) == 1
    body = to_accountant[0].body
    assert "First question" in body and "Second question" in body and "Too fresh" not in body
    assert f"/companies/{world.company.id}/chat/?thread=" in body
    assert _to(world.client.email) == []  # never about one's own messages
    assert _to(world.other_owner.email) == [] and _to(world.assistant.email) == []
    assert len(_to(world.client_member.email)) == 1 and len(_to(world.owner.email)) == 1
    mail.outbox.clear()
    unread_notifications_send()
    assert mail.outbox == [], "nothing twice"


def test_read_meanwhile_is_not_mailed(world: World) -> None:
    _send(world.client, world, "Question")
    services.thread_read(actor=world.accountant, thread=_thread(world))
    mail.outbox.clear()
    unread_notifications_send()
    assert _to(world.accountant.email) == []


def test_internal_notes_are_mailed_to_staff_only(world: World) -> None:
    _send(world.owner, world, "Note for staff", internal_note=True)
    mail.outbox.clear()
    unread_notifications_send()
    assert len(_to(world.accountant.email)) == 1
    assert _to(world.client.email) == [] and _to(world.client_member.email) == []


def test_digest_and_off_preferences(world: World) -> None:
    services.preferences_update(actor=world.accountant, notify="hourly")
    services.preferences_update(actor=world.owner, notify="off")
    _send(world.client, world, "one")
    mail.outbox.clear()
    unread_notifications_send()
    assert len(_to(world.accountant.email)) == 1 and _to(world.owner.email) == []
    _send(world.client, world, "two")
    mail.outbox.clear()
    unread_notifications_send()
    assert _to(world.accountant.email) == [], "the hourly digest waits for its hour"
    unread_notifications_send(now=timezone.now() + timedelta(hours=1, minutes=1))
    digest = _to(world.accountant.email)
    assert len(digest) == 1 and "two" in digest[0].body and "one" not in digest[0].body


def test_request_reminders_day_before_on_the_day_then_weekly(world: World) -> None:
    ask = _send(world.accountant, world, "Send the March statement")
    due = timezone.localdate() + timedelta(days=10)
    services.request_create(actor=world.accountant, message=ask, due_date=due)
    reminded_on = []
    for offset in range(-3, 16):
        day = due + timedelta(days=offset)
        mail.outbox.clear()
        if request_reminders_send(today=day):
            reminded_on.append(offset)
            assert {m.to[0] for m in mail.outbox} == {world.client.email, world.client_member.email}
        assert request_reminders_send(today=day) == 0, "once a day"
    assert reminded_on == [-1, 0, 7, 14]
