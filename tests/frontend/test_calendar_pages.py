"""The Calendar tab and the calendar parts of the home page, through Django's test client."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from calendar_app import services
from calendar_app.models import CalendarEvent, EventKind
from server.accounts.models import User
from server.tenancy.models import Audience
from tests.factories import World

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_generated_deadlines(world: World) -> None:
    """Companies get their statutory deadlines when created; these tests set their own."""
    CalendarEvent.objects.all().delete()


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def html(response) -> str:
    return response.content.decode()


def json_block(page: str, block_id: str) -> dict:
    found = re.search(
        rf'<script id="{block_id}" type="application/json">(.*?)</script>', page, re.S
    )
    assert found, f"no {block_id} block"
    return json.loads(found.group(1))


def event_make(world: World, title: str, days: int, **values) -> CalendarEvent:
    return services.event_create(
        actor=world.accountant,
        company=values.pop("company", world.company),
        title=title,
        date=timezone.localdate() + timedelta(days=days),
        **values,
    )


def test_calendar_tab_needs_sign_in(world: World) -> None:
    response = Client().get(f"/companies/{world.company.id}/calendar/")
    assert response.status_code == 302
    assert "/signin/" in response["Location"]


def test_calendar_tab_of_another_company_is_404(world: World) -> None:
    assert (
        signed_in(world.client).get(f"/companies/{world.other_company.id}/calendar/").status_code
        == 404
    )
    response = signed_in(world.accountant).get(f"/companies/{world.other_company.id}/calendar/")
    assert response.status_code == 404


def test_calendar_tab_has_the_views_filters_dialog_and_its_script(world: World) -> None:
    response = signed_in(world.client).get(f"/companies/{world.company.id}/calendar/")
    assert response.status_code == 200
    page = html(response)
    for part in (
        'id="view-agenda"',
        'id="view-month"',
        'role="grid"',
        '<dialog id="event-dialog"',
        '<label for="cal-kind">',
        '<label for="cal-assignee">',
        "kontor/calendar/main.js",
        "kontor/calendar.css",
    ):
        assert part in page, part
    config = json_block(page, "calendar-config")
    assert config["company"] == world.company.id
    assert config["staff"] is False
    assert "deadline" in config["kinds"]
    assert str(world.accountant.pk) in config["people"] and str(world.client.pk) in config["people"]
    assert json_block(page, "calendar-i18n")["changedMeanwhile"]
    # A client cannot make office-only events: the dialog does not offer it.
    assert 'id="event-internal"' not in page
    staff_page = html(signed_in(world.accountant).get(f"/companies/{world.company.id}/calendar/"))
    assert 'id="event-internal"' in staff_page
    assert json_block(staff_page, "calendar-config")["staff"] is True


def test_internal_events_never_reach_a_clients_page(world: World) -> None:
    secret = event_make(
        world, "Partner review of Alpha", 3, audience=Audience.INTERNAL, kind=EventKind.DEADLINE
    )
    event_make(world, "VAT return", 5, kind=EventKind.DEADLINE)
    for url in (f"/companies/{world.company.id}/calendar/", "/"):
        page = html(signed_in(world.client).get(url))
        assert "Partner review of Alpha" not in page, url
    home = html(signed_in(world.client).get("/"))
    row = re.search(rf'data-next-deadline="{world.company.id}">(.*?)</td>', home, re.S)
    assert row and "VAT return" in row.group(1)
    # The office sees its internal deadline as the next one.
    staff_home = html(signed_in(world.accountant).get("/"))
    row = re.search(rf'data-next-deadline="{world.company.id}">(.*?)</td>', staff_home, re.S)
    assert row and "Partner review of Alpha" in row.group(1)
    assert secret.pk


def test_home_shows_each_companys_next_open_deadline(world: World) -> None:
    done = event_make(world, "Already filed", 1, kind=EventKind.DEADLINE)
    services.event_done(actor=world.accountant, event=done, version=done.version)
    event_make(world, "Past deadline", -2, kind=EventKind.DEADLINE)
    event_make(world, "Corporate tax", 10, kind=EventKind.DEADLINE)
    event_make(world, "Meeting, not a deadline", 2, kind=EventKind.MEETING)
    home = html(signed_in(world.owner).get("/"))
    row = re.search(rf'data-next-deadline="{world.company.id}">(.*?)</td>', home, re.S)
    assert row and "Corporate tax" in row.group(1)
    sibling = re.search(rf'data-next-deadline="{world.sibling_company.id}">(.*?)</td>', home, re.S)
    assert sibling and "—" in sibling.group(1)


def test_overdue_across_all_clients_lists_only_served_companies(world: World) -> None:
    event_make(world, "Late VAT return", -3, kind=EventKind.DEADLINE)
    event_make(world, "Late task", -1, kind=EventKind.TASK)
    event_make(world, "Past meeting", -1, kind=EventKind.MEETING)
    event_make(world, "Future deadline", 4, kind=EventKind.DEADLINE)
    filed = event_make(world, "Filed late", -5, kind=EventKind.DEADLINE)
    services.event_done(actor=world.accountant, event=filed, version=filed.version)
    event_make(world, "Sibling late", -2, kind=EventKind.DEADLINE, company=world.sibling_company)
    services.event_create(
        actor=world.other_owner,
        company=world.other_company,
        title="Other office late",
        date=timezone.localdate() - timedelta(days=2),
        kind=EventKind.DEADLINE,
    )

    page = html(signed_in(world.accountant).get("/"))
    overdue = re.search(r'<ul class="overdue-list" id="overdue-list">(.*?)</ul>', page, re.S)
    assert overdue, "no overdue list"
    listed = overdue.group(1)
    assert "Late VAT return" in listed and "Late task" in listed
    for absent in (
        "Past meeting",
        "Future deadline",
        "Filed late",
        "Sibling late",
        "Other office late",
    ):
        assert absent not in listed, absent
    # The owner serves every company of the office, the sibling too.
    owner_page = html(signed_in(world.owner).get("/"))
    assert "Sibling late" in owner_page and "Other office late" not in owner_page
    # Clients get no office list.
    client_page = html(signed_in(world.client).get("/"))
    assert "Overdue across all clients" not in client_page
    assert "Late VAT return" not in client_page


def test_my_tasks_and_the_feed_button_on_home(world: World) -> None:
    event_make(
        world, "Book the bank statements", 2, kind=EventKind.TASK, assignees=[world.accountant]
    )
    event_make(world, "Someone else's task", 2, kind=EventKind.TASK, assignees=[world.owner])
    page = html(signed_in(world.accountant).get("/"))
    tasks = re.search(r'<ul class="task-list" id="task-list">(.*?)</ul>', page, re.S)
    assert tasks and "Book the bank statements" in tasks.group(1)
    assert "Someone else" not in tasks.group(1)
    assert 'id="feed-create"' in page and "kontor/calendar/home.js" in page
    assert 'id="feed-create"' in html(signed_in(world.client).get("/"))


def test_the_calendar_page_offers_discuss(world) -> None:
    from django.test import Client

    client = Client()
    client.force_login(world.client)
    page = client.get(f"/companies/{world.company.id}/calendar/").content.decode()
    assert "discussNamed" in page and "Discuss" in page
