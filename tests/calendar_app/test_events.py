"""Events both sides edit: versions refuse stale changes, visibility and assignees are checked."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connections

from calendar_app import services
from calendar_app.models import CalendarEvent
from calendar_app.services import CalendarError, StaleVersion
from server.realtime.models import Event
from tests.conftest import api_as
from tests.factories import World, world_make


@pytest.mark.django_db
def test_both_sides_create_and_edit_with_versions(world: World) -> None:
    meeting = services.event_create(
        actor=world.client,
        company=world.company,
        title="Year-end meeting",
        date=date(2026, 12, 10),
        kind="meeting",
        assignees=[world.accountant],
    )
    assert meeting.version == 1
    moved = services.event_update(
        actor=world.accountant, event=meeting, version=1, changes={"date": date(2026, 12, 11)}
    )
    assert moved.version == 2 and moved.date == date(2026, 12, 11)
    with pytest.raises(StaleVersion) as stale:
        services.event_update(
            actor=world.client, event=meeting, version=1, changes={"title": "Old"}
        )
    assert stale.value.status == 409 and stale.value.details["current"]["date"] == "2026-12-11"
    assert CalendarEvent.objects.get(pk=meeting.pk).title == "Year-end meeting"
    assert Event.objects.filter(kind="calendar.event", payload__id=meeting.pk).count() == 2


@pytest.mark.django_db
def test_clients_cannot_make_office_only_events_or_assign_outsiders(world: World) -> None:
    with pytest.raises(CalendarError) as refused:
        services.event_create(
            actor=world.client,
            company=world.company,
            title="x",
            date=date(2026, 1, 5),
            audience="internal",
        )
    assert refused.value.code == "staff_only"
    with pytest.raises(CalendarError) as refused:
        services.event_create(
            actor=world.accountant,
            company=world.company,
            title="x",
            date=date(2026, 1, 5),
            assignees=[world.other_owner],
        )
    assert refused.value.code == "bad_assignee"
    with pytest.raises(CalendarError):
        services.event_create(
            actor=world.accountant,
            company=world.company,
            title="x",
            date=date(2026, 1, 5),
            audience="internal",
            assignees=[world.client],
        )


@pytest.mark.django_db
def test_api_409_carries_the_current_event_and_internal_events_stay_hidden(world: World) -> None:
    url = f"/api/v1/companies/{world.company.id}/calendar/"
    created = api_as(world.accountant).post(
        url, {"title": "Inventory count", "date": "2026-12-31", "kind": "task"}, format="json"
    )
    assert created.status_code == 201, created.content
    event = created.json()
    first = api_as(world.accountant).patch(
        f"/api/v1/calendar/{event['id']}/", {"version": 1, "date": "2027-01-02"}, format="json"
    )
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = api_as(world.client).patch(
        f"/api/v1/calendar/{event['id']}/", {"version": 1, "title": "Count"}, format="json"
    )
    assert stale.status_code == 409
    body = stale.json()
    assert body["code"] == "stale_version" and body["current"]["date"] == "2027-01-02"
    missing = api_as(world.client).patch(
        f"/api/v1/calendar/{event['id']}/", {"title": "x"}, format="json"
    )
    assert missing.status_code == 400 and missing.json()["code"] == "version_required"

    internal = (
        api_as(world.owner)
        .post(
            url,
            {"title": "Fee review", "date": "2026-12-01", "audience": "internal"},
            format="json",
        )
        .json()
    )
    client_view = api_as(world.client).get(url, {"from": "2026-01-01", "to": "2027-12-31"}).json()
    assert [e["title"] for e in client_view if e["kind"] != "deadline"] == ["Inventory count"]
    assert api_as(world.client).get(f"/api/v1/calendar/{internal['id']}/").status_code == 404
    done = (
        api_as(world.client)
        .post(f"/api/v1/calendar/{event['id']}/done/", {"version": 2}, format="json")
        .json()
    )
    assert done["done_by"] == world.client.id and done["version"] == 3
    deleted = api_as(world.accountant).delete(f"/api/v1/calendar/{event['id']}/?version=3")
    assert deleted.status_code == 200
    assert [e for e in api_as(world.client).get(url).json() if e["kind"] != "deadline"] == []


@pytest.mark.django_db(transaction=True)
def test_two_people_edit_at_once_exactly_one_wins() -> None:
    world = world_make()
    event = services.event_create(
        actor=world.accountant, company=world.company, title="VAT meeting", date=date(2026, 3, 2)
    )
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def edit(name: str, user, title: str) -> None:
        try:
            start.wait(5)
            services.event_update(actor=user, event=event, version=1, changes={"title": title})
            outcomes[name] = "saved"
        except StaleVersion:
            outcomes[name] = "409"
        finally:
            connections.close_all()

    editors = [
        threading.Thread(
            target=edit, args=("accountant", world.accountant, "VAT meeting (office)")
        ),
        threading.Thread(target=edit, args=("client", world.client, "VAT meeting (client)")),
    ]
    for editor in editors:
        editor.start()
    for editor in editors:
        editor.join(20)
    assert sorted(outcomes.values()) == ["409", "saved"]
    winner = next(name for name, outcome in outcomes.items() if outcome == "saved")
    stored = CalendarEvent.objects.get(pk=event.pk)
    assert (
        stored.version == 2
        and stored.title == f"VAT meeting ({'office' if winner == 'accountant' else 'client'})"
    )


@pytest.mark.django_db
def test_updated_by_in_the_api_the_event_and_the_409(world: World) -> None:
    url = f"/api/v1/companies/{world.company.id}/calendar/"
    created = (
        api_as(world.client)
        .post(url, {"title": "Bank visit", "date": "2026-10-01"}, format="json")
        .json()
    )
    assert created["updated_by"] == world.client.pk
    assert created["updated_by_name"] == world.client.display_name
    moved = api_as(world.accountant).patch(
        f"/api/v1/calendar/{created['id']}/",
        {"version": created["version"], "date": "2026-10-02"},
        format="json",
    )
    assert moved.status_code == 200
    assert moved.json()["updated_by"] == world.accountant.pk and moved.json()["updated_at"]
    pushed = Event.objects.filter(kind="calendar.event", payload__id=created["id"]).latest("id")
    assert pushed.payload["updated_by"] == world.accountant.pk
    assert pushed.payload["updated_by_name"] == world.accountant.display_name

    stale = api_as(world.client).patch(
        f"/api/v1/calendar/{created['id']}/",
        {"version": created["version"], "title": "Bank visit (moved?)"},
        format="json",
    )
    assert stale.status_code == 409
    body = stale.json()
    assert body["current"]["updated_by"] == world.accountant.pk
    assert body["current"]["updated_by_name"] == world.accountant.display_name
    assert world.accountant.display_name in body["message"]
    listed = api_as(world.client).get(url, {"from": "2026-10-01", "to": "2026-10-31"}).json()
    assert [e["updated_by"] for e in listed if e["id"] == created["id"]] == [world.accountant.pk]


@pytest.mark.django_db
def test_generated_deadlines_carry_no_author(world: World) -> None:
    deadline = CalendarEvent.objects.filter(company=world.company, kind="deadline").first()
    assert deadline is not None and deadline.updated_by_id is None
    done = services.event_done(actor=world.client, event=deadline, version=deadline.version)
    assert done.updated_by == world.client
