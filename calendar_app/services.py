"""Everything that changes the calendar: generated deadlines and the events both sides edit.

Every event carries a version. A change names the version it was based on; if somebody changed the
event meanwhile, the change is refused with the current state (HTTP 409), never applied over it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from dossier.models import Document
from server.accounts.models import User
from server.errors import DomainError
from server.realtime.publish import publish, publish_many
from server.tenancy.access import is_staff_of, reach_of
from server.tenancy.models import Audience, Company

from . import events
from .models import CalendarEvent, EventKind


class CalendarError(DomainError):
    pass


class StaleVersion(CalendarError):
    """The event changed since the caller read it; `current` is what it is now."""

    status = 409

    def __init__(self, current: CalendarEvent) -> None:
        super().__init__(
            "stale_version",
            "Someone changed this event meanwhile; here is the current version. "
            "Apply your change to it if it still makes sense.",
            current=events.event_payload(current),
        )
        self.current = current


# --- Generated deadlines -----------------------------------------------------------------------

# The company fields the deadline rules read.
PROFILE_FIELDS = {
    "country",
    "vat_regime",
    "employer",
    "legal_form",
    "fiscal_year_end_month",
    "fiscal_year_end_day",
}


@dataclass
class Generated:
    created: list[CalendarEvent] = field(default_factory=list)
    updated: list[CalendarEvent] = field(default_factory=list)
    flagged: list[CalendarEvent] = field(default_factory=list)
    removed: list[CalendarEvent] = field(default_factory=list)


def deadlines_generate(*, company: Company, years: tuple[int, ...] | None = None) -> Generated:
    """Statutory deadlines of `years` (this and next by default) from the company's profile.

    Idempotent. A deadline nobody edited follows the rules (a new date, a new title, gone when the
    obligation no longer applies); one that somebody edited is left as it is and flagged.
    """
    from .rules import deadlines_for, profile_of

    today = timezone.localdate()
    years = years or (today.year, today.year + 1)
    profile = profile_of(company)
    wanted = {(d.obligation, d.period): d for year in years for d in deadlines_for(profile, year)}
    result = Generated()
    with transaction.atomic():
        # One generation per company at a time: the row lock orders concurrent runs.
        Company.objects.select_for_update().filter(pk=company.pk).first()
        existing = {
            (e.obligation, e.period): e
            for e in CalendarEvent.objects.select_for_update().filter(
                company=company, obligation__gt="", date__year__in=years
            )
        }
        existing.update(
            {
                (e.obligation, e.period): e
                for e in CalendarEvent.objects.select_for_update().filter(
                    company=company,
                    obligation__in={k[0] for k in wanted},
                    period__in={k[1] for k in wanted},
                )
            }
        )
        new = []
        for key, deadline in wanted.items():
            event = existing.get(key)
            if event is None:
                new.append(_deadline_event(company, deadline))
            elif event.deleted_at is None and _follow(event, deadline, result):
                event.version += 1
                event.save()
                result.updated.append(event)
        for key, event in existing.items():
            if key in wanted or event.deleted_at or event.date < today:
                continue
            if event.edited:
                if not event.flag:
                    event.flag = "The company's profile no longer has this obligation."
                    event.version += 1
                    event.save(update_fields=["flag", "version", "updated_at"])
                    result.flagged.append(event)
            else:
                event.deleted_at = timezone.now()
                event.version += 1
                event.save(update_fields=["deleted_at", "version", "updated_at"])
                result.removed.append(event)
        result.created = CalendarEvent.objects.bulk_create(new)
        changed = result.updated + result.flagged + result.removed
        publish_many(
            company, events.EVENT, [events.event_payload(e) for e in changed], Audience.SHARED
        )
        if result.created:
            # Dozens of new deadlines at once: one notice to reload the calendar, not one
            # event per row (the yearly run would otherwise push ~100 frames per company).
            publish(
                company,
                events.GENERATED,
                events.generated_payload(result.created, years),
                Audience.SHARED,
            )
    return result


def _deadline_event(company: Company, deadline: Any) -> CalendarEvent:
    return CalendarEvent(
        company=company,
        kind=EventKind.DEADLINE,
        audience=Audience.SHARED,
        title=str(deadline.title),
        date=deadline.due,
        unshifted=deadline.unshifted,
        obligation=deadline.obligation,
        period=deadline.period,
        legal_source=str(getattr(deadline, "source", ""))[:300],
    )


def _follow(event: CalendarEvent, deadline: Any, result: Generated) -> bool:
    """Bring an existing deadline in line with the rules; True if it changed."""
    if event.edited:
        wanted_flag = (
            "" if event.date == deadline.due else f"The rules now give {deadline.due:%Y-%m-%d}."
        )
        if event.flag != wanted_flag:
            event.flag = wanted_flag
            result.flagged.append(event)
            event.version += 1
            event.save(update_fields=["flag", "version", "updated_at"])
        return False
    title = str(deadline.title)
    if (event.date, event.unshifted, event.title) == (deadline.due, deadline.unshifted, title):
        return False
    event.date, event.unshifted, event.title = deadline.due, deadline.unshifted, title
    return True


# --- Events both sides edit --------------------------------------------------------------------

EDITABLE = ("title", "description", "date", "starts_at", "ends_at", "kind", "audience")


def _check_audience(actor: User, company: Company, audience: str) -> None:
    if audience not in Audience.values:
        raise CalendarError("bad_audience", "Visibility is shared or internal.")
    if audience == Audience.INTERNAL and not is_staff_of(actor, company):
        raise CalendarError("staff_only", "Only the office makes office-only events.")


def _check_assignees(company: Company, assignees: list[User], audience: str) -> None:
    for person in assignees:
        seen_as = reach_of(person).audience_for(company.pk)
        if seen_as is None or (audience == Audience.INTERNAL and seen_as != Audience.INTERNAL):
            raise CalendarError("bad_assignee", f"{person} cannot see this event.")


def _check_times(values: dict[str, Any]) -> None:
    starts, ends = values.get("starts_at"), values.get("ends_at")
    if ends and not starts:
        raise CalendarError("bad_time", "An end time needs a start time.")
    if starts and ends and ends < starts:
        raise CalendarError("bad_time", "The event ends before it starts.")


def event_create(
    *,
    actor: User,
    company: Company,
    title: str,
    date: date,
    kind: str = EventKind.CUSTOM,
    audience: str = Audience.SHARED,
    description: str = "",
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    assignees: list[User] | None = None,
) -> CalendarEvent:
    title = title.strip()
    if not title:
        raise CalendarError("title_required", "Give the event a title.")
    if kind not in EventKind.values:
        raise CalendarError("bad_kind", "An event is a deadline, a task, a meeting or other.")
    _check_audience(actor, company, audience)
    _check_times({"starts_at": starts_at, "ends_at": ends_at})
    assignees = assignees or []
    _check_assignees(company, assignees, audience)
    with transaction.atomic():
        event = CalendarEvent.objects.create(
            company=company,
            kind=kind,
            audience=audience,
            title=title[:200],
            description=description,
            date=date,
            starts_at=starts_at,
            ends_at=ends_at,
            created_by=actor,
        )
        event.assignees.set(assignees)
        publish(company, events.EVENT, events.event_payload(event), audience)
    return event


def _locked_at(event: CalendarEvent, version: int) -> CalendarEvent:
    """The event row locked for the change, if it still has the version the change is based on."""
    current = CalendarEvent.objects.select_for_update().get(pk=event.pk)
    if current.version != version or current.deleted_at:
        raise StaleVersion(current)
    return current


def event_update(
    *, actor: User, event: CalendarEvent, version: int, changes: dict[str, Any]
) -> CalendarEvent:
    unknown = set(changes) - {*EDITABLE, "assignees"}
    if unknown:
        raise CalendarError("bad_field", f"Unknown field(s): {', '.join(sorted(unknown))}.")
    if "audience" in changes:
        _check_audience(actor, event.company, changes["audience"])
    if "title" in changes and not str(changes["title"]).strip():
        raise CalendarError("title_required", "Give the event a title.")
    with transaction.atomic():
        current = _locked_at(event, version)
        was_audience = current.audience
        for name in EDITABLE:
            if name in changes:
                setattr(current, name, changes[name])
        _check_times({"starts_at": current.starts_at, "ends_at": current.ends_at})
        if "assignees" in changes:
            _check_assignees(current.company, changes["assignees"], current.audience)
            current.assignees.set(changes["assignees"])
        if current.obligation and {"date", "title"} & set(changes):
            current.edited = True
            current.flag = ""
        current.version += 1
        current.save()
        _announce(current, was_audience)
    return current


def event_delete(*, actor: User, event: CalendarEvent, version: int) -> CalendarEvent:
    if event.kind == EventKind.DEADLINE and not is_staff_of(actor, event.company):
        raise CalendarError("staff_only", "Only the office removes a statutory deadline.")
    with transaction.atomic():
        current = _locked_at(event, version)
        current.deleted_at = timezone.now()
        current.edited = bool(current.obligation)  # regeneration must not bring it back
        current.version += 1
        current.save()
        _announce(current, current.audience)
    return current


def event_done(
    *,
    actor: User,
    event: CalendarEvent,
    version: int,
    done: bool = True,
    filing: Document | None = None,
) -> CalendarEvent:
    """Mark done (by whom, when), optionally with the filing in the dossier."""
    if filing is not None and filing.company_id != event.company_id:
        raise CalendarError("bad_filing", "Link a document of the same company.")
    if (
        filing is not None
        and filing.audience == Audience.INTERNAL
        and event.audience == Audience.SHARED
    ):
        raise CalendarError("bad_filing", "Link a document the client can see.")
    with transaction.atomic():
        current = _locked_at(event, version)
        current.done_at = timezone.now() if done else None
        current.done_by = actor if done else None
        current.filing = filing if done else None
        current.version += 1
        current.save()
        _announce(current, current.audience)
    return current


def _announce(event: CalendarEvent, was_audience: str) -> None:
    if was_audience == Audience.SHARED and event.audience == Audience.INTERNAL:
        publish(event.company, events.EVENT, events.gone_payload(event), Audience.SHARED)
    publish(event.company, events.EVENT, events.event_payload(event), event.audience)
