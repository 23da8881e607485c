"""API tokens, one per client a person uses; signing out of a token or of a browser session."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from rest_framework.test import APIClient

from server.accounts.models import ApiToken, WsTicket
from server.accounts.services import session_credential
from server.realtime.personal import user_group
from tests.factories import PASSWORD, World

pytestmark = pytest.mark.django_db

CSRF_SECRET = "k" * 32  # Django accepts an unmasked secret equal to the cookie


def _sign_in(email: str, name: str | None = None) -> str:
    body = {"email": email, "password": PASSWORD} | ({"name": name} if name else {})
    response = APIClient().post("/api/v1/auth/token/", body, format="json")
    assert response.status_code == 200, response.content
    return response.json()["token"]


def _with(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _token_id(key: str) -> int:
    rows = _with(key).get("/api/v1/me/tokens/").json()
    [current] = [row["id"] for row in rows if row["current"]]
    return current


def _me_status(client) -> int:
    return client.get("/api/v1/me/").status_code


def test_each_sign_in_issues_its_own_token(world: World) -> None:
    laptop = _sign_in(world.accountant.email, "laptop")
    phone = _sign_in(world.accountant.email, "phone")

    assert laptop != phone
    assert ApiToken.objects.filter(user=world.accountant).count() == 2
    assert {t.name for t in ApiToken.objects.filter(user=world.accountant)} == {"laptop", "phone"}
    # Only digests are stored.
    stored = set(ApiToken.objects.values_list("digest", flat=True))
    assert laptop not in stored and phone not in stored
    for key in (laptop, phone):
        assert _with(key).get("/api/v1/me/").json()["email"] == world.accountant.email


def test_the_list_shows_only_my_tokens_and_never_a_key(world: World) -> None:
    laptop = _sign_in(world.accountant.email, "laptop")
    phone = _sign_in(world.accountant.email, "phone")
    someone_else = _sign_in(world.client.email, "client laptop")

    response = _with(laptop).get("/api/v1/me/tokens/")

    assert response.status_code == 200, response.content
    rows = response.json()
    assert [row["name"] for row in rows] == ["phone", "laptop"]  # newest first
    assert {row["name"]: row["current"] for row in rows} == {"laptop": True, "phone": False}
    assert set(rows[0]) == {"id", "name", "created_at", "last_used_at", "current"}
    text = response.content.decode()
    for secret in [laptop, phone, someone_else, *ApiToken.objects.values_list("digest", flat=True)]:
        assert secret not in text
    assert "client laptop" not in text
    # The token used just now shows a last use; the phone has not been used since sign-in.
    assert {row["name"]: row["last_used_at"] is not None for row in rows} == {
        "laptop": True,
        "phone": False,
    }


def test_revoking_someone_elses_token_is_not_found_and_changes_nothing(world: World) -> None:
    mine = _sign_in(world.accountant.email)
    theirs = _sign_in(world.client.email)
    their_id = _token_id(theirs)

    response = _with(mine).delete(f"/api/v1/me/tokens/{their_id}/")

    assert response.status_code == 404, response.content
    assert response.json()["code"] == "not_found"
    assert ApiToken.objects.filter(pk=their_id).exists()
    assert _me_status(_with(theirs)) == 200


def test_revoking_my_other_token_ends_it_and_keeps_this_one(world: World) -> None:
    laptop = _sign_in(world.accountant.email, "laptop")
    phone = _sign_in(world.accountant.email, "phone")

    response = _with(laptop).delete(f"/api/v1/me/tokens/{_token_id(phone)}/")

    assert response.status_code == 204, response.content
    assert _me_status(_with(phone)) == 401
    assert _me_status(_with(laptop)) == 200
    assert [row["name"] for row in _with(laptop).get("/api/v1/me/tokens/").json()] == ["laptop"]


def test_signing_out_with_a_token_ends_that_token_only(world: World) -> None:
    laptop = _sign_in(world.accountant.email, "laptop")
    phone = _sign_in(world.accountant.email, "phone")

    response = _with(laptop).post("/api/v1/auth/sign-out/")

    assert response.status_code == 204, response.content
    refused = _with(laptop).get("/api/v1/me/")
    assert refused.status_code == 401
    assert refused.json()["code"] == "authentication_failed"
    assert _with(laptop).post("/api/v1/auth/sign-out/").status_code == 401
    assert _me_status(_with(phone)) == 200
    assert ApiToken.objects.filter(user=world.accountant).count() == 1


def _ticket(client, **headers: str) -> WsTicket:
    before = set(WsTicket.objects.values_list("pk", flat=True))
    response = client.post("/api/v1/ws-ticket/", **headers)
    assert response.status_code == 201, response.content
    [ticket] = WsTicket.objects.exclude(pk__in=before)
    return ticket


@pytest.mark.parametrize("how", ["sign-out", "revoke"])
def test_tickets_issued_under_a_token_end_with_it(world: World, how: str) -> None:
    laptop = _sign_in(world.accountant.email, "laptop")
    phone = _sign_in(world.accountant.email, "phone")
    laptop_id, phone_id = _token_id(laptop), _token_id(phone)
    laptop_ticket = _ticket(_with(laptop))
    phone_ticket = _ticket(_with(phone))
    assert laptop_ticket.credential == f"token:{laptop_id}"
    assert phone_ticket.credential == f"token:{phone_id}"

    if how == "sign-out":
        response = _with(laptop).post("/api/v1/auth/sign-out/")
    else:
        response = _with(phone).delete(f"/api/v1/me/tokens/{laptop_id}/")

    assert response.status_code == 204, response.content
    assert not WsTicket.objects.filter(pk=laptop_ticket.pk).exists()
    assert WsTicket.objects.filter(pk=phone_ticket.pk).exists()


def _browser(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.cookies[settings.CSRF_COOKIE_NAME] = CSRF_SECRET
    return client


def test_session_sign_out_needs_the_csrf_token(world: World) -> None:
    browser = _browser(world.client)

    response = browser.post("/api/v1/auth/sign-out/")

    assert response.status_code == 403, response.content
    assert _me_status(browser) == 200


def test_signing_out_of_a_session_ends_it_and_its_tickets(world: World) -> None:
    browser = _browser(world.client)
    session_key = browser.cookies[settings.SESSION_COOKIE_NAME].value
    assert _me_status(browser) == 200
    ticket = _ticket(browser, HTTP_X_CSRFTOKEN=CSRF_SECRET)
    assert ticket.credential == session_credential(session_key)
    token = _sign_in(world.client.email)

    response = browser.post("/api/v1/auth/sign-out/", HTTP_X_CSRFTOKEN=CSRF_SECRET)

    assert response.status_code == 204, response.content
    assert _me_status(browser) in {401, 403}
    # Even the old cookie, sent again, no longer signs anybody in.
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = session_key
    assert _me_status(replay) in {401, 403}
    assert not Session.objects.filter(session_key=session_key).exists()
    assert not WsTicket.objects.filter(pk=ticket.pk).exists()
    # The person's API token is another credential: it stays.
    assert _me_status(_with(token)) == 200


def test_signing_out_without_credentials_is_refused(world: World) -> None:
    assert APIClient().post("/api/v1/auth/sign-out/").status_code == 401


def test_signing_out_of_one_session_leaves_the_persons_other_sessions(world: World) -> None:
    office, home = _browser(world.client), _browser(world.client)

    response = office.post("/api/v1/auth/sign-out/", HTTP_X_CSRFTOKEN=CSRF_SECRET)

    assert response.status_code == 204, response.content
    assert _me_status(office) in {401, 403}
    assert _me_status(home) == 200


def test_signing_out_closes_the_sockets_opened_with_that_token(
    world: World, django_capture_on_commit_callbacks
) -> None:
    laptop = _sign_in(world.accountant.email, "laptop")
    laptop_id = _token_id(laptop)
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(user_group(world.accountant.pk), channel)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert _with(laptop).post("/api/v1/auth/sign-out/").status_code == 204

        async def next_message() -> dict:
            return await asyncio.wait_for(layer.receive(channel), 3)

        message = async_to_sync(next_message)()
    finally:
        async_to_sync(layer.group_discard)(user_group(world.accountant.pk), channel)
    assert message == {"type": "access.revoked", "credential": f"token:{laptop_id}"}
