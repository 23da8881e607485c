import pytest
from rest_framework.test import APIClient

from server.accounts.models import User, WsTicket
from tests.conftest import api_as
from tests.factories import PASSWORD, World

pytestmark = pytest.mark.django_db


def _token(email: str, password: str, address: str = "10.0.0.1"):
    return APIClient(REMOTE_ADDR=address).post(
        "/api/v1/auth/token/", {"email": email, "password": password}, format="json"
    )


def test_passwords_are_hashed_with_argon2(world: World) -> None:
    assert User.objects.get(pk=world.client.pk).password.startswith("argon2")


def test_token_sign_in_and_use(world: World) -> None:
    response = _token(world.client.email.upper(), PASSWORD)
    assert response.status_code == 200
    token = response.json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get("/api/v1/me/").json()
    assert me["email"] == world.client.email and me["is_office_staff"] is False
    assert APIClient().get("/api/v1/me/").status_code in {401, 403}


def test_wrong_password_is_refused_then_throttled(world: World) -> None:
    for _ in range(5):
        response = _token(world.client.email, "wrong")
        assert response.status_code == 400
        assert response.json()["code"] == "invalid_credentials"
    # Now even the right password is refused until the window has passed.
    response = _token(world.client.email, PASSWORD)
    assert response.status_code == 429
    assert response.json()["code"] == "too_many_attempts"
    # Another person signing in from elsewhere is not affected.
    assert _token(world.owner.email, PASSWORD, address="10.0.0.2").status_code == 200


def test_inactive_users_cannot_sign_in(world: World) -> None:
    User.objects.filter(pk=world.client.pk).update(is_active=False)
    assert _token(world.client.email, PASSWORD).status_code == 400


def test_ws_ticket_is_one_time_short_lived_and_stored_hashed(world: World) -> None:
    response = api_as(world.client).post("/api/v1/ws-ticket/")
    assert response.status_code == 201
    body = response.json()
    assert body["expires_in"] == 60
    stored = WsTicket.objects.get(user=world.client)
    assert body["ticket"] not in stored.digest
    assert APIClient().post("/api/v1/ws-ticket/").status_code in {401, 403}


def test_openapi_schema_describes_the_api(world: World) -> None:
    schema = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in ("/api/v1/auth/token/", "/api/v1/ws-ticket/", "/api/v1/companies/{company_id}/"):
        assert path in paths
    assert "patch" in paths["/api/v1/companies/{company_id}/"]
    assert APIClient().get("/api/v1/docs/").status_code == 200
