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
