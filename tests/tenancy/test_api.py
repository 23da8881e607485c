import pytest

from server.realtime.models import Event
from tests.conftest import api_as
from tests.factories import World

pytestmark = pytest.mark.django_db


def _ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()}


def test_company_list_shows_what_each_person_serves_or_belongs_to(world: World) -> None:
    w = world
    assert _ids(api_as(w.owner).get("/api/v1/companies/")) == {w.company.id, w.sibling_company.id}
    assert _ids(api_as(w.accountant).get("/api/v1/companies/")) == {w.company.id}
    assert _ids(api_as(w.assistant).get("/api/v1/companies/")) == set()
    assert _ids(api_as(w.client).get("/api/v1/companies/")) == {w.company.id}
    assert _ids(api_as(w.other_owner).get("/api/v1/companies/")) == {w.other_company.id}


def test_staff_edit_publishes_company_updated_to_both_sides(world: World) -> None:
    response = api_as(world.accountant).patch(
        f"/api/v1/companies/{world.company.id}/",
        {"name": "Alpha Renamed BV", "vat_number": "be 0123.456.749", "fiscal_year_end": "06-30"},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["name"] == "Alpha Renamed BV"
    assert body["vat_number"] == "BE0123456749"
    assert body["fiscal_year_end"] == "06-30"
    event = Event.objects.get(kind="company.updated")
    assert event.company_id == world.company.id
    assert event.audience == "shared"
    assert event.payload["name"] == "Alpha Renamed BV"
    assert event.payload["changed"] == [
        "fiscal_year_end_day",
        "fiscal_year_end_month",
        "name",
        "vat_number",
    ]


def test_client_may_read_but_not_edit_its_company(world: World) -> None:
    client = api_as(world.client)
    assert client.get(f"/api/v1/companies/{world.company.id}/").status_code == 200
    response = client.patch(
        f"/api/v1/companies/{world.company.id}/", {"name": "Mine"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    world.company.refresh_from_db()
    assert world.company.name == "Alpha BV"
    assert not Event.objects.filter(kind="company.updated").exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"vat_number": "BE0123456700"}, "vat_number"),
        ({"fiscal_year_end": "13-01"}, "fiscal_year_end"),
        ({"fiscal_year_end": "02-30"}, "fiscal_year_end"),
        ({"fiscal_year_end": "June"}, "fiscal_year_end"),
        ({"vat_regime": "weekly"}, "vat_regime"),
        ({"currency": "euro"}, "currency"),
    ],
)
def test_bad_profile_edits_get_a_clear_error_and_change_nothing(
    world: World, changes, field
) -> None:
    response = api_as(world.owner).patch(
        f"/api/v1/companies/{world.company.id}/", changes, format="json"
    )
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["fields"]
    assert body["message"]
    world.company.refresh_from_db()
    assert world.company.vat_number == "" and world.company.fiscal_year_end_month == 12
    assert not Event.objects.filter(kind="company.updated").exists()
