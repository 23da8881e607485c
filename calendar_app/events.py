"""The payloads the calendar publishes (docs/realtime.md)."""

from __future__ import annotations

from typing import Any

from .models import CalendarEvent, TaxNotice

EVENT = "calendar.event"
GENERATED = "calendar.generated"
REMINDER = "calendar.reminder"
NOTICE = "calendar.notice"


def _when(value: Any) -> str | None:
    return value.isoformat() if value else None


def event_payload(event: CalendarEvent) -> dict[str, Any]:
    """The event as both sides see it; `deleted_at` set when it was removed."""
    assignees = [user.pk for user in event.assignees.all()] if event.pk else []
    return {
        "id": event.pk,
        "kind": event.kind,
        "audience": event.audience,
        "title": event.title,
        "description": event.description,
        "date": _when(event.date),
        "starts_at": _when(event.starts_at),
        "ends_at": _when(event.ends_at),
        "assignees": assignees,
        "done_at": _when(event.done_at),
        "done_by": event.done_by_id,
        "filing": event.filing_id,
        "version": event.version,
        "obligation": event.obligation,
        "period": event.period,
        "unshifted": _when(event.unshifted),
        "legal_source": event.legal_source,
        "edited": event.edited,
        "flag": event.flag,
        "deleted_at": _when(event.deleted_at),
        # The last change and who made it (null: the deadline rules), for the conflict message.
        "updated_at": _when(event.updated_at),
        "updated_by": event.updated_by_id,
        "updated_by_name": event.updated_by.display_name if event.updated_by else "",
    }


def gone_payload(event: CalendarEvent) -> dict[str, Any]:
    return {"id": event.pk, "gone": True}


def generated_payload(created: list[CalendarEvent], years: tuple[int, ...]) -> dict[str, Any]:
    """New statutory deadlines: how many and which dates, so that a client reloads that range."""
    dates = [event.date for event in created]
    return {
        "created": len(created),
        "years": list(years),
        "first": _when(min(dates)),
        "last": _when(max(dates)),
    }


def notice_payload(notice: TaxNotice) -> dict[str, Any]:
    """A tax-due notice, with its deadline's title and date so that a list needs nothing else."""
    return {
        "id": notice.pk,
        "event": notice.event_id,
        "title": notice.event.title,
        "date": _when(notice.event.date),
        "confirmed_by": notice.confirmed_by_id,
        "confirmed_by_name": notice.confirmed_by.display_name if notice.confirmed_by else "",
        "amount": str(notice.amount),
        "currency": notice.currency,
        "payment_reference": notice.payment_reference,
        "iban": notice.iban,
        "confirmed_at": _when(notice.confirmed_at),
    }
