"""The kinds of object a thread can be about. Each has a permission check, a title and a link.

Chat depends on the other apps, never the other way round: a new kind is added here when its app
arrives (an invoice, a calendar event, a journal entry, a bank line).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import Http404

from server.accounts.models import User
from server.tenancy.models import Company


@dataclass(frozen=True)
class Subject:
    """One object a thread is attached to, as the asking user may see it."""

    type: str
    id: int
    company: Company
    audience: str
    title: str
    link: str


@dataclass(frozen=True)
class SubjectType:
    name: str
    resolve: Callable[[User, int], Subject]  # raises Http404 when out of the user's reach


def _dossier_document(user: User, object_id: int) -> Subject:
    from dossier.selectors import document_get

    document = document_get(user=user, document_id=object_id)
    return Subject(
        type="dossier.document",
        id=document.pk,
        company=document.company,
        audience=document.audience,
        title=document.name,
        link=f"/companies/{document.company_id}/dossier/?document={document.pk}",
    )


def _calendar_event(user: User, object_id: int) -> Subject:
    from calendar_app.selectors import event_get

    event = event_get(user=user, event_id=object_id)
    return Subject(
        type="calendar.event",
        id=event.pk,
        company=event.company,
        audience=event.audience,
        title=f"{event.title} ({event.date:%Y-%m-%d})",
        link=f"/companies/{event.company_id}/calendar/?event={event.pk}",
    )


def _books_entry(user: User, object_id: int) -> Subject:
    from bookkeeping.selectors import entry_get

    entry = entry_get(user=user, entry_id=object_id)
    number = f"{entry.journal.code} {entry.number}" if entry.number else "draft"
    return Subject(
        type="books.entry",
        id=entry.pk,
        company=entry.company,
        audience=entry.audience,
        title=f"Entry {number} ({entry.date:%Y-%m-%d})",
        link=f"/companies/{entry.company_id}/books/?entry={entry.pk}",
    )


def _books_invoice(user: User, object_id: int) -> Subject:
    from bookkeeping.invoices.selectors import invoice_get

    invoice = invoice_get(user=user, invoice_id=object_id)
    label = "Credit note" if invoice.kind == "credit_note" else "Invoice"
    return Subject(
        type="books.invoice",
        id=invoice.pk,
        company=invoice.company,
        audience=invoice.audience,
        title=f"{label} {invoice.number or '(draft)'} · {invoice.party.name}",
        link=f"/companies/{invoice.company_id}/books/?invoice={invoice.pk}",
    )


SUBJECT_TYPES: dict[str, SubjectType] = {
    "dossier.document": SubjectType("dossier.document", _dossier_document),
    "calendar.event": SubjectType("calendar.event", _calendar_event),
    "books.entry": SubjectType("books.entry", _books_entry),
    "books.invoice": SubjectType("books.invoice", _books_invoice),
}


def subject_resolve(user: User, subject_type: str, object_id: int) -> Subject:
    kind = SUBJECT_TYPES.get(subject_type)
    if kind is None:
        raise Http404("Unknown kind of subject.")
    return kind.resolve(user, int(object_id))
