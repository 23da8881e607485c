"""Reminders and tax-due notices: sent once per moment, repeated daily until confirmed."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from calendar_app import services
from calendar_app.models import CalendarEvent, TaxNotice
from calendar_app.reminders import confirmation_token, notice_set, notices_send, reminders_send
from server.errors import DomainError
from server.realtime.models import Event
from tests.conftest import api_as
from tests.factories import World

pytestmark = pytest.mark.django_db


def _event(world: World, days_ahead: int, **kwargs) -> CalendarEvent:
    return services.event_create(
        actor=world.accountant,
        company=world.company,
        title="VAT payment",
        date=timezone.localdate() + timedelta(days=days_ahead),
        **kwargs,
    )


def test_reminders_at_7_1_and_0_days_once_each(world: World) -> None:
    CalendarEvent.objects.filter(kind="deadline").delete()
    event = _event(world, 8, assignees=[world.accountant])
    sent_on = []
    for offset in range(0, 10):
        day = timezone.localdate() + timedelta(days=offset)
        mail.outbox.clear()
        if reminders_send(today=day):
            sent_on.append(event.date - day)
            assert [m.to for m in mail.outbox] == [[world.accountant.email]]
        assert reminders_send(today=day) == 0, "running twice sends nothing twice"
    assert sent_on == [timedelta(days=7), timedelta(days=1), timedelta(days=0)]
    assert Event.objects.filter(kind="calendar.reminder", payload__id=event.pk).count() == 3


def test_a_reminder_without_assignees_goes_to_everyone_who_sees_the_event(world: World) -> None:
    CalendarEvent.objects.filter(kind="deadline").delete()
    _event(world, 1)
    _event(world, 1, audience="internal")
    mail.outbox.clear()
    assert reminders_send(today=timezone.localdate()) == 2
    to = sorted(m.to[0] for m in mail.outbox)
    assert to.count(world.client.email) == 1  # the shared one only
    assert to.count(world.owner.email) == 2 and to.count(world.accountant.email) == 2
    assert world.other_owner.email not in to and world.assistant.email not in to


def test_tax_notice_repeats_daily_until_the_client_confirms(world: World) -> None:
    event = _event(world, 20)
    mail.outbox.clear()
    notice = notice_set(
        actor=world.accountant,
        event=event,
        amount=Decimal("1234.56"),
        currency="eur",
        payment_reference="+++090/9337/55493+++",
        iban="BE68 5390 0754 7034",
    )
    assert {m.to[0] for m in mail.outbox} == {world.client.email, world.client_member.email}
    body = mail.outbox[0].body
    assert "1234.56 EUR" in body and "+++090/9337/55493+++" in body and "BE68539007547034" in body
    link = next(word for word in body.split() if "/notices/confirm/" in word)
    path = link.split("127.0.0.1:8000", 1)[1]

    mail.outbox.clear()
    assert notices_send() == 0, "once a day"
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert notices_send(today=tomorrow) == 1
    assert len(mail.outbox) == 2

    page = Client().get(path)
    assert page.status_code == 200 and b"1234.56" in page.content
    notice.refresh_from_db()
    assert notice.confirmed_at is None, "opening the link (a mail scanner) confirms nothing"
    assert Client().post(path).status_code == 200
    notice.refresh_from_db()
    assert notice.confirmed_at is not None
    assert notices_send(today=tomorrow + timedelta(days=1)) == 0
    assert Event.objects.filter(
        kind="calendar.notice", payload__confirmed_at__isnull=False
    ).exists()


def test_a_link_confirms_its_own_notice_only(world: World) -> None:
    first = notice_set(
        actor=world.accountant, event=_event(world, 5), amount=Decimal("10"), currency="EUR"
    )
    second = notice_set(
        actor=world.accountant, event=_event(world, 6), amount=Decimal("20"), currency="EUR"
    )
    token = confirmation_token(first)
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert Client().post(f"/notices/confirm/{tampered}/").status_code == 404
    from django.core import signing

    forged = signing.dumps({"notice": second.pk}, salt="another purpose")
    assert Client().post(f"/notices/confirm/{forged}/").status_code == 404
    Client().post(f"/notices/confirm/{token}/")
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.confirmed_at and second.confirmed_at is None


def test_only_staff_set_notices(world: World) -> None:
    event = _event(world, 3)
    with pytest.raises(Exception):  # noqa: B017 (NotPermitted)
        notice_set(actor=world.client, event=event, amount=Decimal("1"), currency="EUR")
    with pytest.raises(DomainError):
        notice_set(actor=world.accountant, event=event, amount=Decimal("0"), currency="EUR")
    response = api_as(world.accountant).post(
        f"/api/v1/calendar/{event.pk}/notice/",
        {"amount": "99.50", "currency": "EUR"},
        format="json",
    )
    assert response.status_code == 201 and response.json()["amount"] == "99.50"
    assert (
        api_as(world.client)
        .post(
            f"/api/v1/calendar/{event.pk}/notice/",
            {"amount": "1", "currency": "EUR"},
            format="json",
        )
        .status_code
        == 403
    )


def test_the_client_confirms_in_the_app_and_the_office_sees_it(world: World) -> None:
    event = _event(world, 10)
    notice_set(
        actor=world.accountant, event=event, amount=Decimal("80.00"), currency="EUR",
        payment_reference="+++001/0002/00003+++",
    )  # fmt: skip
    listed = api_as(world.client).get(f"/api/v1/companies/{world.company.id}/notices/").json()
    assert [(n["event"], n["amount"], n["title"], n["confirmed_at"]) for n in listed] == [
        (event.pk, "80.00", "VAT payment", None)
    ]
    url = f"/api/v1/calendar/{event.pk}/notice/confirm/"
    assert api_as(world.accountant).post(url).status_code == 403, "the office cannot confirm"
    assert api_as(world.other_client).post(url).status_code == 404
    assert TaxNotice.objects.get(event=event).confirmed_at is None

    confirmed = api_as(world.client_member).post(url)
    assert confirmed.status_code == 200
    assert confirmed.json()["confirmed_by"] == world.client_member.pk
    notice = TaxNotice.objects.get(event=event)
    assert notice.confirmed_at and notice.confirmed_by == world.client_member
    assert str(notice.confirmed_from) == "127.0.0.1"
    pushed = Event.objects.filter(kind="calendar.notice").latest("id")
    assert pushed.audience == "shared" and pushed.company_id == world.company.id
    assert pushed.payload["confirmed_by_name"] == world.client_member.display_name
    # Confirming again changes and publishes nothing; no more e-mails.
    count = Event.objects.count()
    assert api_as(world.client).post(url).json()["confirmed_by"] == world.client_member.pk
    assert Event.objects.count() == count
    assert notices_send(today=timezone.localdate() + timedelta(days=1)) == 0
    staff_list = api_as(world.accountant).get(f"/api/v1/companies/{world.company.id}/notices/")
    assert staff_list.json()[0]["confirmed_by_name"] == world.client_member.display_name
    assert (
        api_as(world.other_client).get(f"/api/v1/companies/{world.company.id}/notices/").status_code
        == 404
    )


def test_a_deadline_without_notice_has_nothing_to_confirm(world: World) -> None:
    event = _event(world, 4)
    response = api_as(world.client).post(f"/api/v1/calendar/{event.pk}/notice/confirm/")
    assert response.status_code == 400 and response.json()["code"] == "no_notice"
