"""The iCalendar feed: parses, holds exactly what its owner may see, stops when revoked."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from icalendar import Calendar

from calendar_app import services
from tests.conftest import api_as
from tests.factories import World

pytestmark = pytest.mark.django_db


def _feed(url: str):
    path = url.split("testserver", 1)[1]
    return Client().get(path)


def test_feed_holds_what_the_user_may_see_and_stops_when_revoked(world: World) -> None:
    today = date.today()
    services.event_create(
        actor=world.accountant, company=world.company, title="VAT return", date=today
    )
    services.event_create(
        actor=world.owner,
        company=world.company,
        title="Fee review",
        date=today,
        audience="internal",
    )
    services.event_create(
        actor=world.other_owner, company=world.other_company, title="Foreign", date=today
    )
    url = api_as(world.client).post("/api/v1/me/calendar-feed/").json()["url"]
    response = _feed(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    summaries = [str(c.get("summary")) for c in calendar.walk("VEVENT")]
    mine = [s for s in summaries if s in {"Alpha BV: VAT return", "Alpha BV: Fee review"}]
    assert mine == ["Alpha BV: VAT return"]
    # Generated deadlines come along, but only the client's own company's.
    assert all(s.startswith("Alpha BV: ") for s in summaries)

    staff_url = api_as(world.owner).post("/api/v1/me/calendar-feed/").json()["url"]
    staff = {
        str(c.get("summary")) for c in Calendar.from_ical(_feed(staff_url).content).walk("VEVENT")
    }
    assert {"Alpha BV: Fee review", "Alpha BV: VAT return"} <= staff
    assert not any(s.startswith("Other AS") for s in staff)

    # A new address replaces the old one; revoking ends it.
    newer = api_as(world.client).post("/api/v1/me/calendar-feed/").json()["url"]
    assert _feed(url).status_code == 404
    assert _feed(newer).status_code == 200
    assert api_as(world.client).delete("/api/v1/me/calendar-feed/").status_code == 204
    assert _feed(newer).status_code == 404
    assert Client().get("/calendar/feed/made-up.ics").status_code == 404
