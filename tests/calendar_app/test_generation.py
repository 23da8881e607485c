"""Deadlines generated per company: idempotent, following the profile, never losing an edit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from calendar_app import services
from calendar_app.models import CalendarEvent
from calendar_app.rules import deadlines_for, profile_of
from server.realtime.models import Event
from server.tenancy.services import company_update
from tests.conftest import api_as
from tests.factories import World

pytestmark = pytest.mark.django_db


def _deadlines(company):
    return CalendarEvent.objects.filter(company=company, obligation__gt="", deleted_at__isnull=True)


def test_a_new_company_gets_this_and_next_year_s_deadlines(world: World) -> None:
    year = timezone.localdate().year
    expected = {
        (d.obligation, d.period)
        for y in (year, year + 1)
        for d in deadlines_for(profile_of(world.company), y)
    }
    assert set(_deadlines(world.company).values_list("obligation", "period")) == expected
    assert expected, "a Belgian BV with monthly VAT has deadlines"
    assert Event.objects.filter(kind="calendar.generated", company=world.company).exists()


def test_generation_is_idempotent(world: World) -> None:
    before = _deadlines(world.company).count()
    events_before = Event.objects.count()
    result = services.deadlines_generate(company=world.company)
    assert (len(result.created), len(result.updated)) == (0, 0)
    assert _deadlines(world.company).count() == before
    assert Event.objects.count() == events_before


def test_profile_change_updates_untouched_deadlines_and_flags_edited_ones(world: World) -> None:
    company = world.company
    company_update(actor=world.owner, company=company, changes={"employer": True})
    future_274 = _deadlines(company).filter(
        obligation="be.withholding_274", date__gt=timezone.localdate()
    )
    assert future_274.exists(), "an employer gets the withholding-tax deadlines"
    edited = future_274.order_by("date").first()
    services.event_update(
        actor=world.accountant, event=edited, version=edited.version,
        changes={"date": edited.date + timedelta(days=1)},
    )  # fmt: skip
    untouched = future_274.exclude(pk=edited.pk).count()
    assert untouched

    company_update(actor=world.owner, company=company, changes={"employer": False})
    edited.refresh_from_db()
    assert edited.deleted_at is None and edited.flag, "an edited deadline is flagged, never deleted"
    # Past deadlines stay as history; of the future ones only the edited one remains.
    future = _deadlines(company).filter(
        obligation="be.withholding_274", date__gt=timezone.localdate()
    )
    assert list(future) == [edited]
    removed = CalendarEvent.objects.filter(
        company=company, obligation="be.withholding_274", deleted_at__isnull=False
    )
    assert removed.count() == untouched


def test_rules_through_the_api_for_a_real_company(world: World) -> None:
    response = api_as(world.client).get(
        f"/api/v1/companies/{world.company.id}/deadlines/", {"year": 2026}
    )
    assert response.status_code == 200
    rows = response.json()
    assert rows and set(rows[0]) == {"obligation", "period", "due", "unshifted", "title"}
    assert [r["due"] for r in rows] == sorted(r["due"] for r in rows)
    assert (
        api_as(world.client)
        .get(f"/api/v1/companies/{world.company.id}/deadlines/", {"year": "x"})
        .status_code
        == 400
    )
    assert (
        api_as(world.client)
        .post(f"/api/v1/companies/{world.company.id}/deadlines/generate/")
        .status_code
        == 403
    )
    regenerated = api_as(world.accountant).post(
        f"/api/v1/companies/{world.company.id}/deadlines/generate/"
    )
    assert regenerated.json() == {"created": 0, "updated": 0, "flagged": 0, "removed": 0}


def test_the_periodic_task_generates_for_every_served_company(world: World) -> None:
    from calendar_app.tasks import deadlines_generate_all

    CalendarEvent.objects.filter(company=world.other_company).delete()
    assert deadlines_generate_all.delay().get() == 3
    assert _deadlines(world.other_company).exists()
    notice = Event.objects.filter(kind="calendar.generated", company=world.other_company).latest(
        "id"
    )
    assert notice.payload["created"] == _deadlines(world.other_company).count()


def _keys(companies) -> set[tuple[int, str, str, object]]:
    return set(
        CalendarEvent.objects.filter(company__in=companies, obligation__gt="")
        .exclude(obligation__startswith="task.")
        .values_list("company_id", "obligation", "period", "date")
    )


def test_batches_generate_the_same_rows_once_and_keep_edits(world: World, monkeypatch) -> None:
    from calendar_app.engagements import engagement_set

    companies = [world.company, world.sibling_company, world.other_company]
    by_one = _keys(companies)  # generated one company at a time, on creation
    CalendarEvent.objects.filter(company__in=companies).delete()
    Event.objects.filter(kind="calendar.generated").delete()
    monkeypatch.setattr(services, "GENERATION_BATCH", 2)  # three companies: two transactions
    results = services.deadlines_generate_many(companies=companies)
    assert _keys(companies) == by_one and len(results) == 3
    assert all(len(results[c.pk].created) == _deadlines(c).count() for c in companies), (
        "each company's result counts its own rows"
    )
    generated = Event.objects.filter(kind="calendar.generated")
    assert sorted(generated.values_list("company_id", flat=True)) == sorted(
        c.pk for c in companies
    ), "every company's clients hear of their new deadlines, and only of theirs"

    events_before = Event.objects.count()
    again = services.deadlines_generate_many(companies=companies)
    assert not any(r.created or r.updated or r.flagged or r.removed for r in again.values())
    assert _keys(companies) == by_one and Event.objects.count() == events_before

    # An engagement task is not a rule's deadline: regeneration leaves it alone.
    engagement_set(
        actor=world.owner, company=world.company, service="monthly_bookkeeping",
        responsible=world.accountant, starts_on=timezone.localdate(),
    )  # fmt: skip
    tasks = CalendarEvent.objects.filter(company=world.company, obligation__startswith="task.")
    assert tasks.exists()

    # A profile change seen by a batch run: untouched future deadlines go, the edited one stays.
    company = world.company
    company_update(actor=world.owner, company=company, changes={"employer": True})
    future_274 = _deadlines(company).filter(
        obligation="be.withholding_274", date__gt=timezone.localdate()
    )
    edited = future_274.order_by("date").first()
    assert edited is not None
    services.event_update(
        actor=world.client, event=edited, version=edited.version,
        changes={"title": "Withholding tax (we file it ourselves)"},
    )  # fmt: skip
    type(company).objects.filter(pk=company.pk).update(employer=False)  # no signal: the beat's job
    company.refresh_from_db()
    result = services.deadlines_generate_many(companies=companies)[company.pk]
    edited.refresh_from_db()
    assert edited.deleted_at is None and edited.flag and edited in result.flagged
    assert edited.title == "Withholding tax (we file it ourselves)"
    assert list(
        _deadlines(company).filter(obligation="be.withholding_274", date__gt=timezone.localdate())
    ) == [edited]
    gone = CalendarEvent.objects.filter(company=company, deleted_at__isnull=False)
    assert {e.pk for e in result.removed} == set(gone.values_list("pk", flat=True))
    assert gone.filter(obligation="be.withholding_274").exists()
    assert tasks.filter(deleted_at__isnull=True).count() == tasks.count()
    flagged = Event.objects.filter(kind="calendar.event", payload__id=edited.pk).latest("id")
    assert flagged.payload["flag"] and flagged.payload["updated_by"] == world.client.pk
