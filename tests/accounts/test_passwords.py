"""Reset and invitation links: one answer for every address, one use, expiry, and a new password
ends every other way in."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from server.accounts.models import ApiToken, PasswordToken, User, WsTicket
from tests.conftest import api_as
from tests.factories import PASSWORD, World

pytestmark = pytest.mark.django_db

RESET = "/api/v1/auth/password-reset/"
CONFIRM = "/api/v1/auth/password-reset/confirm/"
NEW_PASSWORD = "a brand new long passphrase"
NEWER_PASSWORD = "yet another long passphrase"


class Mails:
    """The outbox, and the requests that send mail: a mail leaves once its change commits, so
    each such request runs its on-commit callbacks, as in production."""

    def __init__(self, outbox: list, capture) -> None:
        self.sent = outbox
        self._capture = capture

    def post(self, client: APIClient, url: str, body: dict):
        with self._capture(execute=True):
            return client.post(url, body, format="json")

    def request_reset(self, email: str):
        return self.post(APIClient(), RESET, {"email": email})

    def reset_token(self, email: str) -> str:
        """Ask for a reset link for `email` and return the token of the mail it sends."""
        before = len(self.sent)
        assert self.request_reset(email).status_code == 202
        assert len(self.sent) == before + 1, [m.to for m in self.sent]
        assert self.sent[-1].to == [email]
        return _link_token(self.sent[-1].body)

    def invite(self, owner, email: str) -> str:
        response = self.post(
            api_as(owner), "/api/v1/office/people/", {"email": email, "role": "assistant"}
        )
        assert response.status_code == 201, response.content
        assert self.sent[-1].to == [email]
        return _link_token(self.sent[-1].body)


@pytest.fixture
def mails(mailoutbox, django_capture_on_commit_callbacks) -> Mails:
    return Mails(mailoutbox, django_capture_on_commit_callbacks)


def _link_token(body: str) -> str:
    match = re.search(re.escape(settings.KONTOR_SITE_URL) + r"/password/([^/\s]+)/", body)
    assert match, body
    return match[1]


def _confirm(token: str, password: str = NEW_PASSWORD):
    return APIClient().post(CONFIRM, {"token": token, "password": password}, format="json")


def _can_sign_in(email: str, password: str) -> bool:
    response = APIClient().post(
        "/api/v1/auth/token/", {"email": email, "password": password}, format="json"
    )
    return response.status_code == 200


def test_the_answer_is_the_same_for_known_unknown_and_inactive_addresses(
    world: World, mails: Mails
) -> None:
    User.objects.filter(pk=world.client_member.pk).update(is_active=False)
    known = mails.request_reset(world.client.email)
    unknown = mails.request_reset("nobody@example.test")
    inactive = mails.request_reset(world.client_member.email)

    assert known.status_code == unknown.status_code == inactive.status_code == 202
    assert known.content == unknown.content == inactive.content
    assert known.json()["message"]
    assert [m.to for m in mails.sent] == [[world.client.email]]


def test_an_address_in_other_case_still_gets_its_link(world: World, mails: Mails) -> None:
    assert mails.request_reset(world.client.email.upper()).status_code == 202
    assert [m.to for m in mails.sent] == [[world.client.email]]


def test_at_most_five_reset_mails_per_person_and_hour(world: World, mails: Mails) -> None:
    answers = {mails.request_reset(world.client.email).status_code for _ in range(7)}
    assert answers == {202}
    assert len(mails.sent) == 5
    # Another person's requests are not held back by the first one's.
    assert mails.request_reset(world.owner.email).status_code == 202
    assert len(mails.sent) == 6


def test_a_reset_link_works_once(world: World, mails: Mails) -> None:
    token = mails.reset_token(world.client.email)

    assert _confirm(token).status_code == 204
    again = _confirm(token, NEWER_PASSWORD)

    assert again.status_code == 400, again.content
    assert again.json()["code"] == "link_invalid"
    assert _can_sign_in(world.client.email, NEW_PASSWORD)
    assert not _can_sign_in(world.client.email, NEWER_PASSWORD)
    assert not _can_sign_in(world.client.email, PASSWORD)


def test_a_link_expires_after_the_configured_hours(world: World, mails: Mails) -> None:
    token = mails.reset_token(world.client.email)
    link = PasswordToken.objects.get(user=world.client, used_at__isnull=True)
    hours = settings.KONTOR_PASSWORD_LINK_HOURS
    assert abs(link.expires_at - (timezone.now() + timedelta(hours=hours))) < timedelta(minutes=1)

    PasswordToken.objects.filter(pk=link.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    response = _confirm(token)

    assert response.status_code == 400, response.content
    assert response.json()["code"] == "link_invalid"
    assert _can_sign_in(world.client.email, PASSWORD)


def test_a_shorter_configured_lifetime_is_used(world: World, mails: Mails, settings) -> None:
    settings.KONTOR_PASSWORD_LINK_HOURS = 1
    mails.reset_token(world.client.email)
    link = PasswordToken.objects.get(user=world.client)
    assert link.expires_at - link.created_at < timedelta(hours=1, minutes=1)
    assert "for 1 hours" in mails.sent[-1].body


@pytest.mark.parametrize("weak", ["password", "short", "12345678901"])
def test_a_weak_password_is_refused_and_changes_nothing(
    world: World, mails: Mails, weak: str
) -> None:
    token = mails.reset_token(world.client.email)
    api_token = api_as(world.client)

    response = _confirm(token, weak)

    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid" and body["fields"]["password"]
    assert _can_sign_in(world.client.email, PASSWORD)
    assert api_token.get("/api/v1/me/").status_code == 200
    # The link was not used up by the refused attempt.
    assert _confirm(token).status_code == 204


def test_a_new_password_ends_every_token_and_unused_ticket(world: World, mails: Mails) -> None:
    laptop, phone = api_as(world.client), api_as(world.client)
    unused = laptop.post("/api/v1/ws-ticket/")
    assert unused.status_code == 201
    assert ApiToken.objects.filter(user=world.client).count() == 2
    bystander = api_as(world.client_member)
    token = mails.reset_token(world.client.email)

    assert _confirm(token).status_code == 204

    assert laptop.get("/api/v1/me/").status_code == 401
    assert phone.get("/api/v1/me/").status_code == 401
    assert not ApiToken.objects.filter(user=world.client).exists()
    assert not WsTicket.objects.filter(user=world.client, used_at__isnull=True).exists()
    assert bystander.get("/api/v1/me/").status_code == 200


def test_a_new_password_signs_out_an_old_browser_session(world: World, mails: Mails) -> None:
    browser = Client()
    browser.force_login(world.client)
    assert browser.get("/api/v1/me/").status_code == 200
    token = mails.reset_token(world.client.email)

    assert _confirm(token).status_code == 204

    assert browser.get("/api/v1/me/").status_code in {401, 403}


def test_a_newer_reset_link_replaces_the_older_one(world: World, mails: Mails) -> None:
    older = mails.reset_token(world.client.email)
    newer = mails.reset_token(world.client.email)
    assert older != newer

    stale = _confirm(older)
    assert stale.status_code == 400 and stale.json()["code"] == "link_invalid"
    assert _confirm(newer).status_code == 204
    assert _can_sign_in(world.client.email, NEW_PASSWORD)


def test_an_invitation_link_sets_the_first_password(world: World, mails: Mails) -> None:
    token = mails.invite(world.owner, "ivo@example.test")
    assert len(mails.sent) == 1
    assert not _can_sign_in("ivo@example.test", NEW_PASSWORD)

    assert _confirm(token).status_code == 204

    assert _can_sign_in("ivo@example.test", NEW_PASSWORD)
    assert _confirm(token, NEWER_PASSWORD).status_code == 400


def test_a_reset_request_makes_an_open_invitation_stop_working(world: World, mails: Mails) -> None:
    invitation = mails.invite(world.owner, "ivo@example.test")
    reset = mails.reset_token("ivo@example.test")

    assert _confirm(invitation).status_code == 400
    assert _confirm(reset).status_code == 204


def test_a_link_of_a_deactivated_person_does_not_work(world: World, mails: Mails) -> None:
    token = mails.reset_token(world.client.email)
    User.objects.filter(pk=world.client.pk).update(is_active=False)

    response = _confirm(token)

    assert response.status_code == 400 and response.json()["code"] == "link_invalid"
    assert User.objects.get(pk=world.client.pk).check_password(PASSWORD)


@pytest.mark.parametrize(
    "body",
    [{}, {"token": "made-up", "password": NEW_PASSWORD}, {"token": "x\x00", "password": "p"}, []],
)
def test_a_bad_confirm_is_a_clear_400(world: World, body) -> None:
    response = APIClient().post(CONFIRM, body, format="json")
    assert response.status_code == 400, response.content
    assert {"code", "message"} <= set(response.json())
