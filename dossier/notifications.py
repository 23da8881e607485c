"""E-mails of the dossier: a document published for the client, the daily reminder to confirm."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mass_mail
from django.utils.translation import gettext as _

from server.tenancy.access import client_people

from .models import Document


def _client_addresses(document: Document) -> list[str]:
    return sorted(client_people(document.company).values_list("user__email", flat=True))


def _send(document: Document, subject: str, body: str) -> int:
    recipients = _client_addresses(document)
    # One message per person: clients of a company do not see each other's addresses.
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in recipients]
    return send_mass_mail(messages, fail_silently=False)


def published_mail(document: Document) -> int:
    subject = _("%(company)s: new document from your accountant") % {"company": document.company}
    lines = [_("Your accountant published “%(name)s”.") % {"name": document.name}]
    if document.publish_note:
        lines.append(document.publish_note)
    if document.ack_required:
        lines.append(_("Please open it in Kontor and confirm that you have read it."))
    return _send(document, subject, "\n\n".join(lines))


def acknowledgement_reminder_mail(document: Document) -> int:
    subject = _("Reminder: please confirm “%(name)s”") % {"name": document.name}
    body = _(
        "Your accountant is waiting for your confirmation of “%(name)s”, published on %(date)s. "
        "Open it in Kontor and click Confirm."
    ) % {"name": document.name, "date": f"{document.published_at:%Y-%m-%d}"}
    return _send(document, subject, body)
