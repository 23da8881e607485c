"""The Django admin changes who works where through the services: audited, published, and the
credentials of a deactivated person end."""

from __future__ import annotations

import pytest
from django.test import Client

from server.accounts.models import ApiToken, User
from server.audit.models import AuditEntry
from server.realtime.models import Event
from server.tenancy.models import Assignment, CompanyMember
from tests.conftest import api_as
from tests.factories import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(world: World) -> tuple[Client, User]:
    superuser = User.objects.create_superuser(
        email="admin@example.test", password="a long admin secret"
    )
    client = Client()
    client.force_login(superuser)
    return client, superuser


def test_adding_an_assignment_in_the_admin_goes_through_the_service(
    world: World, admin_client
) -> None:
    client, superuser = admin_client

    response = client.post(
        "/admin/tenancy/assignment/add/",
        {"company": world.sibling_company.pk, "user": world.accountant.pk},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    assert Assignment.objects.filter(user=world.accountant, company=world.sibling_company).exists()
    [entry] = AuditEntry.objects.filter(action="company.assigned")
    assert (entry.actor_id, entry.office_id, entry.company_id, entry.subject_user_id) == (
        superuser.pk,
        world.office.pk,
        world.sibling_company.pk,
        world.accountant.pk,
    )
    [event] = Event.objects.filter(kind="company.assignment")
    assert (event.company_id, event.audience) == (world.sibling_company.pk, "internal")
    assert event.payload["user"] == world.accountant.pk
    assert (
        api_as(world.accountant).get(f"/api/v1/companies/{world.sibling_company.pk}/").status_code
        == 200
    )


def test_the_admin_refuses_to_assign_someone_who_is_not_staff(world: World, admin_client) -> None:
    client, _ = admin_client

    response = client.post(
        "/admin/tenancy/assignment/add/",
        {"company": world.company.pk, "user": world.client.pk},
    )

    assert response.status_code == 403
    assert not Assignment.objects.filter(user=world.client).exists()
    assert not AuditEntry.objects.exists()
    assert not Event.objects.filter(kind="company.assignment").exists()


def test_deleting_a_company_member_in_the_admin_goes_through_the_service(
    world: World, admin_client
) -> None:
    client, superuser = admin_client
    member = CompanyMember.objects.get(user=world.client_member, company=world.company)
    url = f"/admin/tenancy/companymember/{member.pk}/delete/"
    assert client.get(url).status_code == 200

    response = client.post(url, {"post": "yes"})

    assert response.status_code == 302, response.content.decode()[:2000]
    assert not CompanyMember.objects.filter(pk=member.pk).exists()
    [entry] = AuditEntry.objects.filter(action="company.person_removed")
    assert (entry.actor_id, entry.office_id, entry.company_id, entry.subject_user_id) == (
        superuser.pk,
        world.office.pk,
        world.company.pk,
        world.client_member.pk,
    )
    [event] = Event.objects.filter(kind="company.person")
    assert (event.company_id, event.audience) == (world.company.pk, "shared")
    assert event.payload["user"] == world.client_member.pk and event.payload["active"] is False
    response = api_as(world.client_member).get(f"/api/v1/companies/{world.company.pk}/")
    assert response.status_code == 404


def _user_change_form(user: User, **changes) -> dict:
    """The fields of the admin's user change page, as the browser would send them back."""
    data = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "is_superuser": "on" if user.is_superuser else "",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "last_login_0": "",
        "last_login_1": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def test_deactivating_a_user_in_the_admin_ends_their_tokens(world: World, admin_client) -> None:
    client, superuser = admin_client
    laptop, phone = api_as(world.accountant), api_as(world.accountant)
    bystander = api_as(world.owner)
    assert laptop.get("/api/v1/me/").status_code == 200

    response = client.post(
        f"/admin/accounts/user/{world.accountant.pk}/change/",
        _user_change_form(world.accountant, is_active=""),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert User.objects.get(pk=world.accountant.pk).is_active is False
    assert not ApiToken.objects.filter(user=world.accountant).exists()
    assert laptop.get("/api/v1/me/").status_code == 401
    assert phone.get("/api/v1/me/").status_code == 401
    [entry] = AuditEntry.objects.filter(action="user.deactivated")
    assert (entry.actor_id, entry.subject_user_id) == (superuser.pk, world.accountant.pk)
    assert bystander.get("/api/v1/me/").status_code == 200


def test_editing_a_user_without_deactivating_keeps_their_tokens(world: World, admin_client) -> None:
    client, _ = admin_client
    laptop = api_as(world.accountant)

    response = client.post(
        f"/admin/accounts/user/{world.accountant.pk}/change/",
        _user_change_form(world.accountant, first_name="Ada"),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert User.objects.get(pk=world.accountant.pk).first_name == "Ada"
    assert laptop.get("/api/v1/me/").status_code == 200
    assert not AuditEntry.objects.filter(action="user.deactivated").exists()


def test_a_password_set_in_the_admin_ends_the_persons_tokens(world: World, admin_client) -> None:
    client, superuser = admin_client
    laptop = api_as(world.accountant)

    response = client.post(
        f"/admin/accounts/user/{world.accountant.pk}/password/",
        {
            "usable_password": "true",
            "password1": "an admin chosen passphrase",
            "password2": "an admin chosen passphrase",
        },
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    assert User.objects.get(pk=world.accountant.pk).check_password("an admin chosen passphrase")
    assert laptop.get("/api/v1/me/").status_code == 401
    [entry] = AuditEntry.objects.filter(action="user.password_changed")
    assert (entry.actor_id, entry.subject_user_id) == (superuser.pk, world.accountant.pk)
