"""A signed-in person changes their password: this request's session or token stays, every other
one ends, and every socket of theirs closes (4401) on commit."""

from __future__ import annotations

import pytest
from django.test import Client
from rest_framework.test import APIClient

from server.accounts.models import ApiToken, User, WsTicket
from server.accounts.services import api_token_issue, ws_ticket_issue
from server.audit.models import AuditEntry
from tests.factories import PASSWORD, World

pytestmark = pytest.mark.django_db

NEW = "a completely new passphrase"


def _with(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_a_changed_password_keeps_this_token_and_ends_every_other_way_in(
    world: World, django_capture_on_commit_callbacks
) -> None:
    mine, other = api_token_issue(user=world.client), api_token_issue(user=world.client)
    browser = Client()
    browser.force_login(world.client)
    ws_ticket_issue(user=world.client, credential="token:0")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = _with(mine).post(
            "/api/v1/me/password/", {"current_password": PASSWORD, "password": NEW}, format="json"
        )
    assert response.status_code == 204, response.content
    assert callbacks, "the sockets are told once the change commits"
    assert _with(mine).get("/api/v1/me/").status_code == 200
    assert _with(other).get("/api/v1/me/").status_code == 401
    assert browser.get("/api/v1/me/").status_code in {401, 403}
    assert not WsTicket.objects.filter(user=world.client, used_at__isnull=True).exists()
    assert ApiToken.objects.filter(user=world.client).count() == 1
    assert User.objects.get(pk=world.client.pk).check_password(NEW)
    entry = AuditEntry.objects.get(action="user.password_changed")
    assert (entry.actor_id, entry.subject_user_id) == (world.client.pk, world.client.pk)


def test_the_session_that_changes_it_stays_signed_in(world: World) -> None:
    here, elsewhere = Client(), Client()
    here.force_login(world.accountant)
    elsewhere.force_login(world.accountant)
    response = here.post(
        "/account/password/", {"current": PASSWORD, "password": NEW, "repeat": NEW}
    )
    assert response.status_code == 302
    assert here.get("/").status_code == 200
    assert elsewhere.get("/").status_code == 302  # to the sign-in page
    assert User.objects.get(pk=world.accountant.pk).check_password(NEW)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"current_password": "not it", "password": NEW}, "wrong_password"),
        ({"current_password": PASSWORD, "password": "short"}, "invalid"),
        ({"current_password": PASSWORD, "password": "1234567890123"}, "invalid"),
        ({"current_password": PASSWORD}, "invalid"),
        (["not", "an", "object"], "invalid"),
    ],
)
def test_a_refused_change_changes_nothing(world: World, body, code: str) -> None:
    mine, other = api_token_issue(user=world.client), api_token_issue(user=world.client)
    response = _with(mine).post("/api/v1/me/password/", body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == code
    assert _with(other).get("/api/v1/me/").status_code == 200
    assert User.objects.get(pk=world.client.pk).check_password(PASSWORD)
    assert not AuditEntry.objects.filter(action="user.password_changed").exists()


def test_the_page_says_what_is_wrong_and_keeps_the_password(world: World) -> None:
    browser = Client()
    browser.force_login(world.client)
    response = browser.post(
        "/account/password/", {"current": "not it", "password": NEW, "repeat": NEW}
    )
    assert response.status_code == 200
    assert "The current password is not right." in response.content.decode()
    assert User.objects.get(pk=world.client.pk).check_password(PASSWORD)
    assert Client().get("/account/password/").status_code == 302  # signed out: to sign in


def test_anonymous_callers_cannot_change_a_password() -> None:
    body = {"current_password": PASSWORD, "password": NEW}
    assert APIClient().post("/api/v1/me/password/", body, format="json").status_code in {401, 403}
