"""Everything that changes the calendar: generated deadlines and the events both sides edit.

Every event carries a version. A change names the version it was based on; if somebody changed the
event meanwhile, the change is refused with the current state (HTTP 409), never applied over it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Q, prefetch_related_objects
from django.utils import timezone

from dossier.models import Document
from server.accounts.models import User
from server.errors import DomainError
from server.realtime.publish import publish, publish_batch
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
        who = current.updated_by.display_name if current.updated_by else "Someone"
        super().__init__(
            "stale_version",
            f"{who} changed this event meanwhile; here is the current version. "
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


# Companies generated in one transaction: one lock, one SELECT, one INSERT per batch instead of
# per company (bench/deadlines.py); small enough that a batch holds its row locks briefly.
GENERATION_BATCH = 200


@dataclass(frozen=True)
class _Wanted:
    """A deadline the rules give, with its title and source already rendered as text."""

    obligation: str
    period: str
    due: date
    unshifted: date
    title: str
    source: str


def deadlines_generate(*, company: Company, years: tuple[int, ...] | None = None) -> Generated:
    """Statutory deadlines of `years` (this and next by default) from the company's profile.

    Idempotent. A deadline nobody edited follows the rules (a new date, a new title, gone when the
    obligation no longer applies); one that somebody edited is left as it is and flagged.
    """
    return deadlines_generate_many(companies=[company], years=years)[company.pk]


def deadlines_generate_many(
    *, companies: Sequence[Company], years: tuple[int, ...] | None = None
) -> dict[int, Generated]:
    """`deadlines_generate` for many companies, `GENERATION_BATCH` per transaction."""
    today = timezone.localdate()
    years = years or (today.year, today.year + 1)
    # Companies of one country, regime, employer status, legal form and year end get the same
    # deadlines: ask the rules once per such profile (and year).
    memo: dict[Any, dict[tuple[str, str], _Wanted]] = {}
    results: dict[int, Generated] = {}
    companies = list({company.pk: company for company in companies}.values())  # each once
    for start in range(0, len(companies), GENERATION_BATCH):
        batch = companies[start : start + GENERATION_BATCH]
        results.update(_generate_batch(batch, years, today, memo))
    return results


def _wanted_of(
    company: Company, years: tuple[int, ...], memo: dict[Any, dict[tuple[str, str], _Wanted]]
) -> dict[tuple[str, str], _Wanted]:
    from .rules import deadlines_for, profile_of

    profile = profile_of(company)
    if profile not in memo:
        memo[profile] = {
            (d.obligation, d.period): _Wanted(
                d.obligation, d.period, d.due, d.unshifted, str(d.title), str(d.source)[:300]
            )
            for year in years
            for d in deadlines_for(profile, year)
        }
    return memo[profile]


def _generate_batch(
    companies: Sequence[Company],
    years: tuple[int, ...],
    today: date,
    memo: dict[Any, dict[tuple[str, str], _Wanted]],
) -> dict[int, Generated]:
    wanted = {company.pk: _wanted_of(company, years, memo) for company in companies}
    results = {company.pk: Generated() for company in companies}
    codes = {key[0] for keys in wanted.values() for key in keys}
    periods = {key[1] for keys in wanted.values() for key in keys}
    with transaction.atomic():
        # One generation per company at a time: the row locks (taken in id order, so that two
        # batches never wait on each other in a circle) order concurrent runs.
        list(
            Company.objects.select_for_update()
            .filter(pk__in=wanted)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        # The generated deadlines of these years, and any row holding a wanted key (a deadline
        # whose date moved out of the years); engagement tasks ("task.*") are not the rules'.
        in_years = (
            Q(date__gte=date(min(years), 1, 1), date__lte=date(max(years), 12, 31))
            & ~Q(obligation="")
            & ~Q(obligation__startswith="task.")
        )
        existing: dict[int, dict[tuple[str, str], CalendarEvent]] = {pk: {} for pk in wanted}
        rows = CalendarEvent.objects.select_for_update().filter(
            in_years | Q(obligation__in=codes, period__in=periods), company_id__in=wanted
        )
        for row in rows.order_by("pk"):
            existing[row.company_id][(row.obligation, row.period)] = row
        now = timezone.now()
        new: list[CalendarEvent] = []
        changed: list[CalendarEvent] = []
        for company in companies:
            result = results[company.pk]
            _compare(company, wanted[company.pk], existing[company.pk], result, new, today, now)
            changed += result.updated + result.flagged + result.removed
        if changed:
            CalendarEvent.objects.bulk_update(changed, _CHANGED_FIELDS)
            prefetch_related_objects(changed, "assignees", "updated_by")
        created = CalendarEvent.objects.bulk_create(new)
        for event in created:
            results[event.company_id].created.append(event)
        publish_batch(
            [
                item
                for company in companies
                for item in _announcements(company, results[company.pk], years)
            ]
        )
    return results


_CHANGED_FIELDS = ["title", "date", "unshifted", "flag", "deleted_at", "version", "updated_at"]


def _compare(
    company: Company,
    wanted: dict[tuple[str, str], _Wanted],
    existing: dict[tuple[str, str], CalendarEvent],
    result: Generated,
    new: list[CalendarEvent],
    today: date,
    now: datetime,
) -> None:
    """What generation changes for one company, sorted into `result` (nothing saved here)."""
    for key, deadline in wanted.items():
        event = existing.get(key)
        if event is None:
            new.append(_deadline_event(company, deadline))
        elif event.deleted_at is None:
            _follow(event, deadline, result)
    for key, event in existing.items():
        if key in wanted or event.deleted_at or event.date < today:
            continue
        if event.edited:
            if not event.flag:
                event.flag = "The company's profile no longer has this obligation."
                result.flagged.append(event)
        else:
            event.deleted_at = now
            result.removed.append(event)
    for event in result.updated + result.flagged + result.removed:
        event.version += 1
        event.updated_at = now


def _announcements(
    company: Company, result: Generated, years: tuple[int, ...]
) -> list[tuple[Company | int, str, dict[str, Any], str]]:
    """What the company's clients hear: each changed deadline, and one notice for the new ones
    (dozens at once: one frame to reload the calendar, not ~100 per company)."""
    changed = result.updated + result.flagged + result.removed
    items: list[tuple[Company | int, str, dict[str, Any], str]] = [
        (company, events.EVENT, events.event_payload(e), Audience.SHARED) for e in changed
    ]
    if result.created:
        payload = events.generated_payload(result.created, years)
        items.append((company, events.GENERATED, payload, Audience.SHARED))
    return items


def _deadline_event(company: Company, deadline: _Wanted) -> CalendarEvent:
    return CalendarEvent(
        company=company,
        kind=EventKind.DEADLINE,
        audience=Audience.SHARED,
        title=deadline.title,
        date=deadline.due,
        unshifted=deadline.unshifted,
        obligation=deadline.obligation,
        period=deadline.period,
        legal_source=deadline.source,
    )


def _follow(event: CalendarEvent, deadline: _Wanted, result: Generated) -> None:
    """Bring an existing deadline in line with the rules (an edited one is flagged instead)."""
    if event.edited:
        wanted_flag = (
            "" if event.date == deadline.due else f"The rules now give {deadline.due:%Y-%m-%d}."
        )
        if event.flag != wanted_flag:
            event.flag = wanted_flag
            result.flagged.append(event)
        return
    if (event.date, event.unshifted, event.title) == (
        deadline.due,
        deadline.unshifted,
        deadline.title,
    ):
        return
    event.date, event.unshifted, event.title = deadline.due, deadline.unshifted, deadline.title
    result.updated.append(event)


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
            updated_by=actor,
        )
        event.assignees.set(assignees)
        publish(company, events.EVENT, events.event_payload(event), audience)
    return event


def _locked_at(event: CalendarEvent, version: int) -> CalendarEvent:
    """The event row locked for the change, if it still has the version the change is based on."""
    current = (
        CalendarEvent.objects.select_for_update(of=("self",))
        .select_related("updated_by")
        .get(pk=event.pk)
    )
    if current.version != version or current.deleted_at:
        raise StaleVersion(current)
    return current


def _changed_by(event: CalendarEvent, actor: User) -> None:
    event.version += 1
    event.updated_by = actor


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
        _changed_by(current, actor)
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
        _changed_by(current, actor)
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
        _changed_by(current, actor)
        current.save()
        _announce(current, current.audience)
    return current


def _announce(event: CalendarEvent, was_audience: str) -> None:
    if was_audience == Audience.SHARED and event.audience == Audience.INTERNAL:
        publish(event.company, events.EVENT, events.gone_payload(event), Audience.SHARED)
    publish(event.company, events.EVENT, events.event_payload(event), event.audience)
