"""Who works where, over the API: office staff, assignments, the client's own people, detaching."""

from __future__ import annotations

import asyncio
import json
import re

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from rest_framework.test import APIClient

from server.accounts.models import User
from server.audit.models import AuditEntry
from server.realtime.models import Event
from server.realtime.personal import user_group
from server.tenancy.access import reach_of
from server.tenancy.models import (
    Assignment,
    ClientRole,
    Company,
    CompanyMember,
    OfficeMember,
    StaffRole,
)
from tests.conftest import api_as
from tests.factories import PASSWORD, World, assign, staff_make, user_make

pytestmark = pytest.mark.django_db

OFFICE_PEOPLE = "/api/v1/office/people/"
NEW_PASSWORD = "a brand new long passphrase"


def _office_person(user: User) -> str:
    return f"{OFFICE_PEOPLE}{user.pk}/"


def _assignments(company: Company) -> str:
    return f"/api/v1/companies/{company.pk}/assignments/"


def _company_people(company: Company) -> str:
    return f"/api/v1/companies/{company.pk}/people/"


def _detail(company: Company) -> str:
    return f"/api/v1/companies/{company.pk}/"


def _only_audit(action: str) -> AuditEntry:
    entries = list(AuditEntry.objects.filter(action=action))
    assert len(entries) == 1, [e.details for e in entries]
    return entries[0]


def _events(kind: str) -> list[Event]:
    return list(Event.objects.filter(kind=kind).order_by("id"))


def _error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) >= {"code", "message"}, body
    if code is not None:
        assert body["code"] == code, body
    return body


@pytest.fixture
def signals():
    """`listen(user)` joins a channel to the person's socket group on the real channel layer;
    `received(user)` gives what reached it within a moment."""
    layer = get_channel_layer()
    joined: dict[int, str] = {}

    def listen(user: User) -> None:
        joined[user.pk] = async_to_sync(layer.new_channel)()
        async_to_sync(layer.group_add)(user_group(user.pk), joined[user.pk])

    async def drain(channel: str) -> list[dict]:
        messages = []
        try:
            while True:
                messages.append(await asyncio.wait_for(layer.receive(channel), 0.5))
        except TimeoutError:
            return messages

    def received(user: User) -> list[dict]:
        return async_to_sync(drain)(joined[user.pk])

    yield listen, received
    for user_id, channel in joined.items():
        async_to_sync(layer.group_discard)(user_group(user_id), channel)


# --- Who may do what ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("owner", 200),
        ("accountant", 404),
        ("assistant", 404),
        ("client", 404),
        ("client_member", 404),
    ],
)
def test_only_the_owner_sees_the_office_staff(world: World, who: str, status: int) -> None:
    response = api_as(getattr(world, who)).get(OFFICE_PEOPLE)
    assert response.status_code == status, response.content
    if status == 200:
        assert {row["id"] for row in response.json()} == {
            world.owner.pk,
            world.accountant.pk,
            world.assistant.pk,
        }
        accountant = next(r for r in response.json() if r["id"] == world.accountant.pk)
        assert accountant["companies"] == [world.company.pk]
        assert accountant["role"] == "accountant" and accountant["active"] is True
    else:
        _error(response, 404)


@pytest.mark.parametrize("who", ["accountant", "assistant", "client", "client_member"])
def test_non_owners_cannot_add_change_or_remove_staff(world: World, who: str) -> None:
    client = api_as(getattr(world, who))
    before = User.objects.count()
    added = client.post(
        OFFICE_PEOPLE, {"email": "intruder@example.test", "role": "owner"}, format="json"
    )
    _error(added, 404)
    _error(client.patch(_office_person(world.assistant), {"role": "owner"}, format="json"), 404)
    _error(client.delete(_office_person(world.accountant)), 404)
    assert User.objects.count() == before
    assert OfficeMember.objects.get(user=world.assistant).role == StaffRole.ASSISTANT
    assert OfficeMember.objects.filter(user=world.accountant, office=world.office).exists()
    assert not AuditEntry.objects.exists()


def test_other_office_owner_reaches_nothing_of_office_a(world: World) -> None:
    client = api_as(world.other_owner)
    listed = client.get(OFFICE_PEOPLE)
    assert listed.status_code == 200
    assert {row["id"] for row in listed.json()} == {world.other_owner.pk}
    _error(client.patch(_office_person(world.accountant), {"active": False}, format="json"), 404)
    _error(client.delete(_office_person(world.accountant)), 404)
    _error(client.get(_assignments(world.company)), 404)
    _error(client.post(_assignments(world.company), {"user": world.other_owner.pk}), 404)
    _error(client.delete(f"{_assignments(world.company)}{world.accountant.pk}/"), 404)
    _error(client.get(_company_people(world.company)), 404)
    person = {"email": "spy@example.test", "role": "client_admin"}
    _error(client.post(_company_people(world.company), person, format="json"), 404)
    _error(client.delete(f"{_company_people(world.company)}{world.client.pk}/"), 404)
    _error(client.post(f"{_detail(world.company)}detach/"), 404)
    assert OfficeMember.objects.get(user=world.accountant).is_active
    assert Assignment.objects.filter(user=world.accountant, company=world.company).exists()
    assert CompanyMember.objects.filter(user=world.client, company=world.company).exists()
    assert Company.objects.get(pk=world.company.pk).office_id == world.office.pk
    assert not User.objects.filter(email="spy@example.test").exists()
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("owner", 200),
        ("accountant", 403),  # serves the company, but only the owner assigns
        ("assistant", 404),  # not assigned: the company is out of reach
        ("client", 404),  # assignments are internal: to a client they do not exist
        ("client_member", 404),
        ("other_owner", 404),
        ("other_client", 404),
    ],
)
def test_assignment_routes_by_role(world: World, who: str, status: int) -> None:
    client = api_as(getattr(world, who))
    listed = client.get(_assignments(world.company))
    assert listed.status_code == status, listed.content
    if status == 200:
        assert [row["id"] for row in listed.json()] == [world.accountant.pk]
        return
    _error(listed, status)
    _error(client.post(_assignments(world.company), {"user": world.assistant.pk}), status)
    _error(client.delete(f"{_assignments(world.company)}{world.accountant.pk}/"), status)
    assert list(
        Assignment.objects.filter(company=world.company).values_list("user", flat=True)
    ) == [world.accountant.pk]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("owner", 200),
        ("client", 200),
        ("client_member", 403),
        ("accountant", 403),
        ("assistant", 404),
        ("other_owner", 404),
        ("other_client", 404),
    ],
)
def test_company_people_routes_by_role(world: World, who: str, status: int) -> None:
    client = api_as(getattr(world, who))
    listed = client.get(_company_people(world.company))
    assert listed.status_code == status, listed.content
    if status == 200:
        assert {row["id"] for row in listed.json()} == {world.client.pk, world.client_member.pk}
        return
    _error(listed, status)
    person = {"email": "newcomer@example.test", "role": "client_member"}
    _error(client.post(_company_people(world.company), person, format="json"), status)
    _error(client.delete(f"{_company_people(world.company)}{world.client_member.pk}/"), status)
    assert not User.objects.filter(email="newcomer@example.test").exists()
    assert CompanyMember.objects.filter(company=world.company).count() == 2


@pytest.mark.parametrize(
    ("who", "status"),
    [("accountant", 403), ("assistant", 404), ("client", 404), ("other_owner", 404)],
)
def test_only_the_owner_detaches(world: World, who: str, status: int) -> None:
    _error(api_as(getattr(world, who)).post(f"{_detail(world.company)}detach/"), status)
    assert Company.objects.get(pk=world.company.pk).office_id == world.office.pk
    assert Assignment.objects.filter(company=world.company).exists()


# --- Each change: its audit entry and its event --------------------------------------------------


def test_adding_staff_is_audited_and_told_to_the_office_only(world: World) -> None:
    response = api_as(world.owner).post(
        OFFICE_PEOPLE,
        {"email": "  Nora.New@Example.TEST ", "name": "Nora New", "role": "assistant"},
        format="json",
    )
    assert response.status_code == 201, response.content
    nora = User.objects.get(email="nora.new@example.test")
    assert response.json() == {
        "id": nora.pk,
        "email": "nora.new@example.test",
        "name": "Nora New",
        "role": "assistant",
        "active": True,
        "companies": [],
    }
    assert OfficeMember.objects.get(user=nora).role == StaffRole.ASSISTANT
    entry = _only_audit("office.person_added")
    assert (entry.actor_id, entry.office_id, entry.subject_user_id) == (
        world.owner.pk,
        world.office.pk,
        nora.pk,
    )
    assert entry.details["role"] == "assistant" and entry.details["invited"] is True
    events = _events("office.staff")
    assert {e.company_id for e in events} == {world.company.pk, world.sibling_company.pk}
    assert {e.audience for e in events} == {"internal"}
    assert all(e.payload["user"] == nora.pk and e.payload["active"] for e in events)
    # The office's accountant hears it on its company; clients and the other office never do.
    assert any(reach_of(world.accountant).sees(e.company_id, e.audience) for e in events)
    for outsider in (world.client, world.client_member, world.other_owner, world.other_client):
        assert not any(reach_of(outsider).sees(e.company_id, e.audience) for e in events)


def test_changing_a_role_is_audited_with_before_and_after(world: World) -> None:
    response = api_as(world.owner).patch(
        _office_person(world.assistant), {"role": "accountant"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["role"] == "accountant"
    entry = _only_audit("office.person_changed")
    assert (entry.actor_id, entry.office_id, entry.subject_user_id) == (
        world.owner.pk,
        world.office.pk,
        world.assistant.pk,
    )
    assert entry.details["before"] == {"role": "assistant", "active": True}
    assert entry.details["after"] == {"role": "accountant", "active": True}
    events = _events("office.staff")
    assert {(e.company_id, e.audience) for e in events} == {
        (world.company.pk, "internal"),
        (world.sibling_company.pk, "internal"),
    }
    assert {e.payload["role"] for e in events} == {"accountant"}


def test_a_patch_that_changes_nothing_records_nothing(world: World) -> None:
    response = api_as(world.owner).patch(
        _office_person(world.assistant), {"role": "assistant", "active": True}, format="json"
    )
    assert response.status_code == 200, response.content
    assert not AuditEntry.objects.exists()
    assert not _events("office.staff")


def test_removing_staff_ends_their_assignments_in_that_office_only(world: World) -> None:
    # The accountant also works for office B: that assignment is not office A's to end.
    OfficeMember.objects.create(
        office=world.other_office, user=world.accountant, role=StaffRole.ACCOUNTANT
    )
    assign(world.accountant, world.other_company)
    assign(world.accountant, world.sibling_company)
    accountant = api_as(world.accountant)

    response = api_as(world.owner).delete(_office_person(world.accountant))

    assert response.status_code == 204, response.content
    assert not OfficeMember.objects.filter(office=world.office, user=world.accountant).exists()
    assert list(
        Assignment.objects.filter(user=world.accountant).values_list("company", flat=True)
    ) == [world.other_company.pk]
    _error(accountant.get(_detail(world.company)), 404)
    _error(accountant.get(_detail(world.sibling_company)), 404)
    assert accountant.get(_detail(world.other_company)).status_code == 200
    entry = _only_audit("office.person_removed")
    assert (entry.actor_id, entry.office_id, entry.subject_user_id) == (
        world.owner.pk,
        world.office.pk,
        world.accountant.pk,
    )
    assert entry.details["unassigned"] == sorted([world.company.pk, world.sibling_company.pk])
    events = _events("office.staff")
    assert {(e.company_id, e.audience) for e in events} == {
        (world.company.pk, "internal"),
        (world.sibling_company.pk, "internal"),
    }
    assert {e.payload["active"] for e in events} == {False}


def test_deactivated_staff_lose_the_company_until_reactivated(world: World) -> None:
    accountant = api_as(world.accountant)
    assert accountant.get(_detail(world.company)).status_code == 200

    response = api_as(world.owner).patch(
        _office_person(world.accountant), {"active": False}, format="json"
    )

    assert response.status_code == 200, response.content
    assert response.json()["active"] is False
    _error(accountant.get(_detail(world.company)), 404)
    assert accountant.get("/api/v1/companies/").json() == []
    office_a = {world.company.pk, world.sibling_company.pk}
    assert not reach_of(world.accountant).companies & office_a
    entry = _only_audit("office.person_changed")
    assert entry.details["after"] == {"role": "accountant", "active": False}
    assert {e.payload["active"] for e in _events("office.staff")} == {False}
    # Nobody can assign a deactivated person meanwhile.
    again = api_as(world.owner).post(
        _assignments(world.sibling_company), {"user": world.accountant.pk}
    )
    _error(again, 400, "not_staff")

    api_as(world.owner).patch(_office_person(world.accountant), {"active": True}, format="json")
    assert accountant.get(_detail(world.company)).status_code == 200


def test_an_owner_lowered_to_accountant_keeps_only_assigned_companies(world: World) -> None:
    second = staff_make(world.office, StaffRole.OWNER)
    assign(second, world.sibling_company)
    second_client = api_as(second)
    assert second_client.get(_detail(world.company)).status_code == 200

    response = api_as(world.owner).patch(
        _office_person(second), {"role": "accountant"}, format="json"
    )

    assert response.status_code == 200, response.content
    _error(second_client.get(_detail(world.company)), 404)
    assert second_client.get(_detail(world.sibling_company)).status_code == 200
    assert reach_of(second).staff == {world.sibling_company.pk}
    _error(second_client.get(OFFICE_PEOPLE), 404)  # no longer manages the office


def test_assigning_is_audited_published_internally_and_idempotent(world: World) -> None:
    owner = api_as(world.owner)
    first = owner.post(_assignments(world.sibling_company), {"user": world.assistant.pk})
    assert first.status_code == 201, first.content
    assert first.json()["id"] == world.assistant.pk
    second = owner.post(_assignments(world.sibling_company), {"user": world.assistant.pk})
    assert second.status_code == 200, second.content

    assert (
        Assignment.objects.filter(user=world.assistant, company=world.sibling_company).count() == 1
    )
    entry = _only_audit("company.assigned")
    assert (entry.actor_id, entry.office_id, entry.company_id, entry.subject_user_id) == (
        world.owner.pk,
        world.office.pk,
        world.sibling_company.pk,
        world.assistant.pk,
    )
    [event] = _events("company.assignment")
    assert (event.company_id, event.audience) == (world.sibling_company.pk, "internal")
    assert event.payload["user"] == world.assistant.pk and event.payload["active"] is True
    assert api_as(world.assistant).get(_detail(world.sibling_company)).status_code == 200


def test_unassigning_is_audited_and_the_person_loses_the_company(world: World) -> None:
    response = api_as(world.owner).delete(f"{_assignments(world.company)}{world.accountant.pk}/")

    assert response.status_code == 204, response.content
    _error(api_as(world.accountant).get(_detail(world.company)), 404)
    entry = _only_audit("company.unassigned")
    assert (entry.actor_id, entry.office_id, entry.company_id, entry.subject_user_id) == (
        world.owner.pk,
        world.office.pk,
        world.company.pk,
        world.accountant.pk,
    )
    [event] = _events("company.assignment")
    assert (event.company_id, event.audience) == (world.company.pk, "internal")
    assert event.payload["active"] is False
    # Unassigning someone not assigned is a plain 404 and records nothing more.
    _error(api_as(world.owner).delete(f"{_assignments(world.company)}{world.accountant.pk}/"), 404)
    assert AuditEntry.objects.count() == 1


@pytest.mark.parametrize("who", ["client", "owner"])
def test_adding_a_client_person_is_audited_and_shared(world: World, who: str) -> None:
    actor = getattr(world, who)
    response = api_as(actor).post(
        _company_people(world.company),
        {"email": "bookkeeper@alpha.test", "name": "Bea", "role": "client_member"},
        format="json",
    )
    assert response.status_code == 201, response.content
    bea = User.objects.get(email="bookkeeper@alpha.test")
    assert response.json()["id"] == bea.pk and response.json()["role"] == "client_member"
    assert CompanyMember.objects.get(company=world.company, user=bea).role == ClientRole.MEMBER
    entry = _only_audit("company.person_added")
    assert (entry.actor_id, entry.office_id, entry.company_id, entry.subject_user_id) == (
        actor.pk,
        world.office.pk,
        world.company.pk,
        bea.pk,
    )
    [event] = _events("company.person")
    assert (event.company_id, event.audience) == (world.company.pk, "shared")
    assert event.payload["user"] == bea.pk
    for insider in (world.client_member, world.accountant, bea):
        assert reach_of(insider).sees(event.company_id, event.audience)
    for outsider in (world.assistant, world.other_owner, world.other_client):
        assert not reach_of(outsider).sees(event.company_id, event.audience)
    assert api_as(bea).get(_detail(world.company)).status_code == 200


def test_removing_a_client_person_is_audited_and_shared(world: World) -> None:
    member = api_as(world.client_member)
    response = api_as(world.client).delete(
        f"{_company_people(world.company)}{world.client_member.pk}/"
    )

    assert response.status_code == 204, response.content
    _error(member.get(_detail(world.company)), 404)
    entry = _only_audit("company.person_removed")
    assert (entry.actor_id, entry.office_id, entry.company_id, entry.subject_user_id) == (
        world.client.pk,
        world.office.pk,
        world.company.pk,
        world.client_member.pk,
    )
    assert entry.details["role"] == "client_member"
    [event] = _events("company.person")
    assert (event.company_id, event.audience) == (world.company.pk, "shared")
    assert event.payload == {**event.payload, "user": world.client_member.pk, "active": False}


def test_detaching_leaves_the_client_its_company_and_takes_it_from_the_office(
    world: World,
) -> None:
    owner, accountant, client = api_as(world.owner), api_as(world.accountant), api_as(world.client)

    response = owner.post(f"{_detail(world.company)}detach/")

    assert response.status_code == 204, response.content
    assert Company.objects.get(pk=world.company.pk).office_id is None
    assert not Assignment.objects.filter(company=world.company).exists()
    _error(owner.get(_detail(world.company)), 404)
    _error(accountant.get(_detail(world.company)), 404)
    assert {c["id"] for c in owner.get("/api/v1/companies/").json()} == {world.sibling_company.pk}
    assert client.get(_detail(world.company)).status_code == 200
    assert api_as(world.client_member).get(_detail(world.company)).status_code == 200
    # The client admin now manages its people alone.
    assert client.get(_company_people(world.company)).status_code == 200
    entry = _only_audit("company.office_changed")
    assert (entry.actor_id, entry.office_id, entry.company_id) == (
        world.owner.pk,
        world.office.pk,
        world.company.pk,
    )
    assert entry.details["new_office_id"] is None


# --- The sockets of the people concerned -------------------------------------------------------


def test_a_change_of_reach_signals_the_persons_sockets_on_commit(
    world: World, signals, django_capture_on_commit_callbacks
) -> None:
    listen, received = signals
    listen(world.accountant)
    listen(world.assistant)

    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(world.owner).delete(_office_person(world.accountant))

    assert response.status_code == 204, response.content
    assert [m["type"] for m in received(world.accountant)] == ["access.changed"]
    assert received(world.assistant) == []


def test_a_refused_change_signals_nobody(
    world: World, signals, django_capture_on_commit_callbacks
) -> None:
    listen, received = signals
    listen(world.owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(world.owner).patch(_office_person(world.owner), {"active": False})
    _error(response, 409, "last_owner")
    assert received(world.owner) == []


# --- Conflicts ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "change",
    [{"role": "accountant"}, {"role": "assistant"}, {"active": False}],
)
def test_the_last_owner_cannot_step_down(world: World, change: dict) -> None:
    response = api_as(world.owner).patch(_office_person(world.owner), change, format="json")
    _error(response, 409, "last_owner")
    member = OfficeMember.objects.get(user=world.owner)
    assert (member.role, member.is_active) == (StaffRole.OWNER, True)
    assert not AuditEntry.objects.exists()


def test_the_last_owner_cannot_be_removed(world: World) -> None:
    _error(api_as(world.owner).delete(_office_person(world.owner)), 409, "last_owner")
    assert OfficeMember.objects.filter(user=world.owner, office=world.office).exists()


def test_a_deactivated_owner_does_not_count_as_the_other_owner(world: World) -> None:
    dormant = staff_make(world.office, StaffRole.OWNER)
    OfficeMember.objects.filter(user=dormant).update(is_active=False)
    response = api_as(world.owner).patch(_office_person(world.owner), {"role": "accountant"})
    _error(response, 409, "last_owner")


def test_with_a_second_owner_the_first_may_step_down(world: World) -> None:
    second = staff_make(world.office, StaffRole.OWNER)
    response = api_as(world.owner).patch(
        _office_person(world.owner), {"role": "accountant"}, format="json"
    )
    assert response.status_code == 200, response.content
    # Now the second is the last one.
    _error(api_as(second).delete(_office_person(second)), 409, "last_owner")


@pytest.mark.parametrize("spelling", ["exact", "upper"])
def test_adding_existing_staff_is_a_conflict(world: World, spelling: str) -> None:
    email = world.accountant.email if spelling == "exact" else world.accountant.email.upper()
    response = api_as(world.owner).post(
        OFFICE_PEOPLE, {"email": email, "role": "owner"}, format="json"
    )
    _error(response, 409, "already_member")
    assert OfficeMember.objects.get(user=world.accountant).role == StaffRole.ACCOUNTANT
    assert not AuditEntry.objects.exists()


def test_adding_an_existing_client_person_is_a_conflict(world: World) -> None:
    response = api_as(world.client).post(
        _company_people(world.company),
        {"email": world.client_member.email, "role": "client_admin"},
        format="json",
    )
    _error(response, 409, "already_member")
    assert CompanyMember.objects.get(user=world.client_member).role == ClientRole.MEMBER


@pytest.mark.parametrize("who", ["client", "other_owner", "other_client"])
def test_only_the_office_staff_can_be_assigned(world: World, who: str) -> None:
    person = getattr(world, who)
    response = api_as(world.owner).post(_assignments(world.company), {"user": person.pk})
    _error(response, 400, "not_staff")
    assert not Assignment.objects.filter(user=person).exists()
    assert not _events("company.assignment")


def test_assigning_an_unknown_person_is_not_staff(world: World) -> None:
    response = api_as(world.owner).post(_assignments(world.company), {"user": 987654321})
    _error(response, 400, "not_staff")


def test_the_last_admin_of_a_detached_company_stays(world: World) -> None:
    api_as(world.owner).post(f"{_detail(world.company)}detach/")
    client = api_as(world.client)
    removed = client.delete(f"{_company_people(world.company)}{world.client_member.pk}/")
    assert removed.status_code == 204, removed.content
    _error(client.delete(f"{_company_people(world.company)}{world.client.pk}/"), 409, "last_admin")
    assert CompanyMember.objects.filter(company=world.company, user=world.client).exists()


def test_a_person_made_owner_of_a_second_office_manages_both(world: World) -> None:
    """Either the second ownership is refused, or the person manages both offices; never an
    owner whom their own office's routes refuse."""
    response = api_as(world.owner).post(
        OFFICE_PEOPLE, {"email": world.other_owner.email, "role": "owner"}, format="json"
    )
    if response.status_code != 201:
        _error(response, 409)
        return
    both = api_as(world.other_owner)
    for company in (world.company, world.other_company):
        listed = both.get(_assignments(company))
        assert listed.status_code == 200, (company.name, listed.content)


# --- Bad input ----------------------------------------------------------------------------------

LONG_EMAIL = "a" * 64 + "@" + ("b" * 60 + ".") * 4 + "test"  # a valid form, longer than 254


def _bad_person_bodies(role: str) -> list:
    """Bodies for adding a person that must each be refused; `role` is a valid one."""
    return [
        pytest.param({}, id="empty"),
        pytest.param({"name": "No Mail", "role": role}, id="missing-email"),
        pytest.param({"email": "not-an-address", "role": role}, id="bad-email"),
        pytest.param({"email": "x@example.test", "role": "boss"}, id="wrong-role"),
        pytest.param({"email": "x@example.test"}, id="missing-role"),
        pytest.param({"email": ["x@example.test"], "role": role}, id="email-list"),
        pytest.param({"email": "x\x00y@example.test", "role": role}, id="nul-email"),
        pytest.param({"email": "x@example.test", "name": "X\x00", "role": role}, id="nul-name"),
        pytest.param({"email": "x@example.test", "role": role + "\x00"}, id="nul-role"),
        pytest.param({"email": "x@example.test", "name": "n" * 151, "role": role}, id="long"),
        pytest.param({"email": LONG_EMAIL, "role": role}, id="too-long-email"),
        pytest.param([], id="list"),
        pytest.param([{"email": "x@example.test", "role": role}], id="list-of-objects"),
        pytest.param("x@example.test", id="string"),
        pytest.param(42, id="number"),
        pytest.param(None, id="null"),
    ]


def _post_json(client: APIClient, url: str, body, method: str = "post"):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def _assert_refused_cleanly(response) -> None:
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["code"], str) and isinstance(body["message"], str) and body["message"]


@pytest.mark.parametrize("body", _bad_person_bodies("accountant"))
def test_bad_staff_input_is_a_clear_4xx(world: World, body) -> None:
    users = User.objects.count()
    _assert_refused_cleanly(_post_json(api_as(world.owner), OFFICE_PEOPLE, body))
    assert User.objects.count() == users
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize("body", _bad_person_bodies("client_member"))
def test_bad_client_person_input_is_a_clear_4xx(world: World, body) -> None:
    users = User.objects.count()
    _assert_refused_cleanly(_post_json(api_as(world.client), _company_people(world.company), body))
    assert User.objects.count() == users
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {"role": "boss"},
        {"active": "maybe"},
        {"role": None},
        {"role": "owner\x00"},
        [],
        "accountant",
        7,
    ],
)
def test_bad_staff_change_is_a_clear_4xx(world: World, body) -> None:
    client = api_as(world.owner)
    _assert_refused_cleanly(_post_json(client, _office_person(world.assistant), body, "patch"))
    member = OfficeMember.objects.get(user=world.assistant)
    assert (member.role, member.is_active) == (StaffRole.ASSISTANT, True)


@pytest.mark.parametrize(
    "body",
    [{}, {"user": "abc"}, {"user": None}, {"user": [1]}, {"user": 10**20}, [], "x", 5],
)
def test_bad_assignment_input_is_a_clear_4xx(world: World, body) -> None:
    response = _post_json(api_as(world.owner), _assignments(world.sibling_company), body)
    _assert_refused_cleanly(response)
    assert not Assignment.objects.filter(company=world.sibling_company).exists()


def test_malformed_json_is_a_clear_4xx(world: World) -> None:
    response = api_as(world.owner).post(
        OFFICE_PEOPLE, '{"email": "x@example.test",', content_type="application/json"
    )
    _assert_refused_cleanly(response)


# --- Invitations --------------------------------------------------------------------------------


def _link_token(body: str) -> str:
    match = re.search(re.escape(settings.KONTOR_SITE_URL) + r"/password/([^/\s]+)/", body)
    assert match, body
    return match[1]


def test_a_new_staff_member_is_invited_once_and_the_link_lets_them_in(
    world: World, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(world.owner).post(
            OFFICE_PEOPLE, {"email": "ines@example.test", "role": "accountant"}, format="json"
        )
    assert response.status_code == 201, response.content
    assert len(mailoutbox) == 1
    [mail] = mailoutbox
    assert mail.to == ["ines@example.test"]
    assert "Office A" in mail.body
    ines = User.objects.get(email="ines@example.test")
    assert not ines.has_usable_password()

    confirmed = APIClient().post(
        "/api/v1/auth/password-reset/confirm/",
        {"token": _link_token(mail.body), "password": NEW_PASSWORD},
        format="json",
    )
    assert confirmed.status_code == 204, confirmed.content
    signed_in = APIClient().post(
        "/api/v1/auth/token/", {"email": "ines@example.test", "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 200, signed_in.content
    assert len(mailoutbox) == 1


def test_a_new_client_person_is_invited_by_the_client_admin(
    world: World, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(world.client).post(
            _company_people(world.company),
            {"email": "cleo@alpha.test", "role": "client_member"},
            format="json",
        )
    assert response.status_code == 201, response.content
    assert [m.to for m in mailoutbox] == [["cleo@alpha.test"]]
    assert "Alpha BV" in mailoutbox[0].body
    assert _only_audit("company.person_added").details["invited"] is True


@pytest.mark.parametrize("route", ["office", "company"])
def test_an_existing_account_with_a_password_is_not_invited(
    world: World, mailoutbox, django_capture_on_commit_callbacks, route: str
) -> None:
    known = user_make("known@example.test")
    url, role = (
        (OFFICE_PEOPLE, "assistant")
        if route == "office"
        else (
            _company_people(world.company),
            "client_member",
        )
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(world.owner).post(
            url, {"email": "Known@Example.test", "role": role}, format="json"
        )
    assert response.status_code == 201, response.content
    assert response.json()["id"] == known.pk
    assert mailoutbox == []
    known.refresh_from_db()
    assert known.check_password(PASSWORD)
    action = "office.person_added" if route == "office" else "company.person_added"
    assert _only_audit(action).details["invited"] is False


def test_a_refused_addition_sends_no_invitation(
    world: World, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(world.client_member).post(
            _company_people(world.company),
            {"email": "sneaky@alpha.test", "role": "client_admin"},
            format="json",
        )
    _error(response, 403)
    assert mailoutbox == []
    assert not User.objects.filter(email="sneaky@alpha.test").exists()


def test_an_invitation_that_cannot_be_mailed_still_adds_the_person(
    world: World, settings, django_capture_on_commit_callbacks, caplog
) -> None:
    """The mail server is down: the person is added (201), the failure is logged, and the person
    can still come in later through "Forgot password?"."""
    from tests.servers import free_port

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nothing listens
    settings.EMAIL_TIMEOUT = 2
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(world.owner).post(
            "/api/v1/office/people/",
            {"email": "unreachable@example.test", "name": "Una", "role": "assistant"},
            format="json",
        )
    assert response.status_code == 201, response.content
    assert OfficeMember.objects.filter(user__email="unreachable@example.test").exists()
    assert "Sending a password link" in caplog.text
