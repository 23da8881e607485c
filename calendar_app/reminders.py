"""Reminders of events (7 days, 1 day and on the day) and tax-due notices the client confirms.

Both run from beat tasks and are idempotent: a reminder moment is claimed by inserting a row that
may exist only once; a notice is claimed for the day before it is e-mailed. Running the task twice
sends nothing twice.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_ipv46_address
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from server.accounts.models import User
from server.errors import DomainError
from server.realtime.publish import publish
from server.tenancy.access import client_people, people_who_see, reach_of, require_staff
from server.tenancy.models import Audience

from . import events
from .models import CalendarEvent, ReminderSent, TaxNotice

REMINDER_DAYS = (7, 1, 0)
NOTICE_SALT = "kontor.calendar.tax-notice.confirm"


def _recipients(event: CalendarEvent) -> list[User]:
    """The assignees; without any, everyone who sees the event."""
    assigned = [user for user in event.assignees.all() if user.is_active]
    return assigned or people_who_see(event.company, event.audience)


def reminders_send(*, today: date | None = None) -> int:
    """Reminders whose moment has come (today is 7, 1 or 0 days before the event)."""
    today = today or timezone.localdate()
    sent = 0
    for days in REMINDER_DAYS:
        due = CalendarEvent.objects.filter(
            date=today + timedelta(days=days), deleted_at__isnull=True, done_at__isnull=True
        ).select_related("company")
        for event in due:
            try:
                with transaction.atomic():
                    ReminderSent.objects.create(
                        event=event, days_before=days, event_date=event.date
                    )
                    _remind(event, days)
            except IntegrityError:
                continue  # this moment was already reminded
            sent += 1
    return sent


def _remind(event: CalendarEvent, days: int) -> None:
    publish(
        event.company,
        events.REMINDER,
        {**events.event_payload(event), "days_before": days},
        event.audience,
    )
    when = _("today") if days == 0 else _("in %(days)d day(s)") % {"days": days}
    subject = _("%(company)s: %(title)s %(when)s") % {
        "company": event.company.name,
        "title": event.title,
        "when": when,
    }
    body = _("%(title)s is due on %(date)s.\n%(link)s") % {
        "title": event.title,
        "date": f"{event.date:%Y-%m-%d}",
        "link": f"{settings.KONTOR_SITE_URL}/companies/{event.company_id}/calendar/",
    }
    for person in _recipients(event):
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [person.email])


# --- Tax-due notices ---------------------------------------------------------------------------


def notice_set(
    *,
    actor: User,
    event: CalendarEvent,
    amount: Decimal,
    currency: str,
    payment_reference: str = "",
    iban: str = "",
) -> TaxNotice:
    """Staff record what the client must pay for a deadline; the client is told at once."""
    require_staff(actor, event.company)
    if event.audience != Audience.SHARED:
        raise DomainError("internal", "A tax notice goes to the client: use a shared event.")
    if amount <= 0:
        raise DomainError("bad_amount", "The amount to pay must be more than zero.")
    with transaction.atomic():
        notice, _created = TaxNotice.objects.update_or_create(
            event=event,
            defaults={
                "amount": amount,
                "currency": currency.upper(),
                "payment_reference": payment_reference.strip(),
                "iban": iban.replace(" ", "").upper(),
                "created_by": actor,
                "confirmed_at": None,
                "last_sent_on": None,
            },
        )
        publish(event.company, events.NOTICE, events.notice_payload(notice), Audience.SHARED)
    notices_send()
    return notice


def confirmation_token(notice: TaxNotice) -> str:
    """Signed for this notice and this purpose only: it confirms nothing else."""
    return signing.dumps({"notice": notice.pk}, salt=NOTICE_SALT, compress=True)


def confirmation_link(notice: TaxNotice) -> str:
    path = reverse("tax-notice-confirm", args=[confirmation_token(notice)])
    return settings.KONTOR_SITE_URL + path


def notice_from_token(token: str) -> TaxNotice:
    try:
        data = signing.loads(token, salt=NOTICE_SALT, max_age=timedelta(days=120))
        return TaxNotice.objects.select_related("event__company").get(pk=int(data["notice"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError, TaxNotice.DoesNotExist):
        raise DomainError("bad_link", "This confirmation link is not valid.") from None


def notice_confirm(*, token: str, address: str | None) -> TaxNotice:
    """The client's one click on the e-mailed link: records the confirmation, nothing else."""
    return _confirm(notice_from_token(token), address=address, by=None)


class NotAClient(DomainError):
    status = 403


def notice_confirm_in_app(*, actor: User, event: CalendarEvent, address: str | None) -> TaxNotice:
    """The same confirmation from a signed-in client of the company (the office cannot do it)."""
    if event.company_id not in reach_of(actor).client:
        raise NotAClient("client_only", "Only the client confirms a tax notice.")
    notice = TaxNotice.objects.filter(event=event).select_related("event__company").first()
    if notice is None:
        raise DomainError("no_notice", "There is no tax notice for this deadline.")
    return _confirm(notice, address=address, by=actor)


def _confirm(notice: TaxNotice, *, address: str | None, by: User | None) -> TaxNotice:
    try:
        validate_ipv46_address(address or "")
    except ValidationError:
        address = None  # "unknown" behind a proxy that names nobody: keep the confirmation
    with transaction.atomic():
        claimed = TaxNotice.objects.filter(pk=notice.pk, confirmed_at__isnull=True).update(
            confirmed_at=timezone.now(), confirmed_from=address, confirmed_by=by
        )
        notice.refresh_from_db()
        if claimed:  # confirming twice publishes (and records) nothing more
            publish(
                notice.event.company, events.NOTICE, events.notice_payload(notice), Audience.SHARED
            )
    return notice


def notices_send(*, today: date | None = None) -> int:
    """Every unconfirmed notice is e-mailed once a day until the client confirms it."""
    today = today or timezone.localdate()
    sent = 0
    pending = TaxNotice.objects.filter(confirmed_at__isnull=True, event__deleted_at__isnull=True)
    for notice in pending.exclude(last_sent_on=today).select_related("event__company"):
        with transaction.atomic():
            claimed = (
                TaxNotice.objects.filter(pk=notice.pk, confirmed_at__isnull=True)
                .exclude(last_sent_on=today)
                .update(last_sent_on=today)
            )
            if not claimed:
                continue
            _notice_mail(notice)
            sent += 1
    return sent


def _notice_mail(notice: TaxNotice) -> None:
    event = notice.event
    subject = _("%(company)s: %(amount)s %(currency)s to pay by %(date)s") % {
        "company": event.company.name,
        "amount": notice.amount,
        "currency": notice.currency,
        "date": f"{event.date:%Y-%m-%d}",
    }
    lines = [
        _("%(title)s: pay %(amount)s %(currency)s by %(date)s.")
        % {
            "title": event.title,
            "amount": notice.amount,
            "currency": notice.currency,
            "date": f"{event.date:%Y-%m-%d}",
        },
    ]
    if notice.iban:
        lines.append(_("Account: %(iban)s") % {"iban": notice.iban})
    if notice.payment_reference:
        lines.append(_("Reference: %(ref)s") % {"ref": notice.payment_reference})
    lines.append(
        _("Confirm that you have seen this: %(link)s") % {"link": confirmation_link(notice)}
    )
    body = "\n".join(lines)
    emails = client_people(event.company).values_list("user__email", flat=True)
    for email in emails:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])
