"""No one outside a company reaches its items through the API; clients never reach internal ones."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from server.realtime.models import Event
from tests.conftest import api_as
from tests.factories import World

from .isolation import COMPANY_SCOPED, NOT_COMPANY_SCOPED, Route

pytestmark = pytest.mark.django_db


def _api_route_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, namespace: str | None) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, entry.namespace or namespace)
            elif isinstance(entry, URLPattern) and namespace == "api":
                names.add(entry.name or f"<unnamed {entry.pattern}>")

    walk(get_resolver().url_patterns, None)
    return names


def test_every_api_route_is_in_the_isolation_register() -> None:
    registered = {route.name for route in COMPANY_SCOPED} | set(NOT_COMPANY_SCOPED)
    missing = _api_route_names() - registered
    assert not missing, f"add these routes to tests/isolation.py: {sorted(missing)}"
    stale = registered - _api_route_names()
    assert not stale, f"tests/isolation.py names routes that no longer exist: {sorted(stale)}"


def _call(world: World, user, route: Route, company_id: int):
    client = api_as(user)
    path = route.path.format(company=company_id)
    return getattr(client, route.method)(path, route.body, format="json")


def _outsiders(w: World):
    # (who, which company they try): another office's owner and client, staff of the same office
    # who do not serve the company, and an assigned accountant reaching for a sibling company.
    return [
        ("other office owner", w.other_owner, w.company),
        ("other company client", w.other_client, w.company),
        ("unassigned assistant", w.assistant, w.company),
        ("accountant on a sibling", w.accountant, w.sibling_company),
        ("client on a sibling", w.client, w.sibling_company),
        ("owner on another office", w.owner, w.other_company),
    ]


@pytest.mark.parametrize("route", COMPANY_SCOPED, ids=lambda r: f"{r.method} {r.name}")
def test_outsiders_get_404_and_change_nothing(world: World, route: Route) -> None:
    for who, user, company in _outsiders(world):
        before = Event.objects.count()
        response = _call(world, user, route, company.id)
        assert response.status_code == 404, f"{who}: {response.status_code}"
        assert response.json()["code"] == "not_found"
        assert Event.objects.count() == before, who
    world.company.refresh_from_db()
    assert world.company.name == "Alpha BV"


@pytest.mark.parametrize("route", [r for r in COMPANY_SCOPED if r.internal], ids=lambda r: r.name)
def test_clients_get_404_for_internal_items(world: World, route: Route) -> None:
    for user in (world.client, world.client_member):
        assert _call(world, user, route, world.company.id).status_code == 404


@pytest.mark.parametrize("route", COMPANY_SCOPED, ids=lambda r: f"{r.method} {r.name}")
def test_anonymous_callers_are_refused(world: World, route: Route, api) -> None:
    response = getattr(api, route.method)(route.path.format(company=world.company.id), route.body)
    assert response.status_code in {401, 403}
