"""reach_of is computed once per HTTP request, and a change to who sees what is seen at once."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from server.tenancy.access import ReachPerRequestMiddleware, reach_of
from server.tenancy.models import Assignment
from tests.factories import World


def _in_request(view):
    return ReachPerRequestMiddleware(lambda request: view())(object())


def test_reach_is_computed_once_per_request(world: World) -> None:
    def view():
        with CaptureQueriesContext(connection) as first:
            reach = reach_of(world.accountant)
        with CaptureQueriesContext(connection) as second:
            again = reach_of(world.accountant)
        return reach, again, len(first), len(second)

    reach, again, first, second = _in_request(view)
    assert reach == again
    assert first > 0
    assert second == 0


def test_outside_a_request_nothing_is_kept(world: World) -> None:
    reach_of(world.accountant)
    with CaptureQueriesContext(connection) as queries:
        reach_of(world.accountant)
    assert len(queries) > 0


def test_a_new_assignment_is_seen_within_the_same_request(world: World) -> None:
    def view():
        before = reach_of(world.accountant)
        Assignment.objects.create(user=world.accountant, company=world.sibling_company)
        return before, reach_of(world.accountant)

    before, after = _in_request(view)
    assert world.sibling_company.pk not in before.staff
    assert world.sibling_company.pk in after.staff


def test_a_removed_assignment_is_seen_within_the_same_request(world: World) -> None:
    def view():
        before = reach_of(world.accountant)
        Assignment.objects.filter(user=world.accountant, company=world.company).delete()
        return before, reach_of(world.accountant)

    before, after = _in_request(view)
    assert world.company.pk in before.staff
    assert world.company.pk not in after.staff


def test_each_request_starts_afresh(world: World) -> None:
    _in_request(lambda: reach_of(world.accountant))
    with CaptureQueriesContext(connection) as queries:
        _in_request(lambda: reach_of(world.accountant))
    assert len(queries) > 0


def test_a_reach_sees_items_as_the_item_filter_does(world: World) -> None:
    client, staff = reach_of(world.client), reach_of(world.accountant)
    assert client.sees(world.company.pk) and not client.sees(world.company.pk, "internal")
    assert staff.sees(world.company.pk, "internal")
    assert not client.sees(world.other_company.pk) and not staff.sees(world.sibling_company.pk)
    assert client.companies == {world.company.pk}
