"""`Authorization: Token <key>` for the API, checked against the stored digests (`ApiToken`)."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from .models import ApiToken, User
from .services import api_token_authenticate


class ApiTokenAuthentication(TokenAuthentication):
    """DRF's header parsing; the key is looked up by its SHA-256 and `request.auth` is the
    `ApiToken`, so that signing out knows which token to end."""

    def authenticate_credentials(self, key: str) -> tuple[User, ApiToken]:  # type: ignore[override]
        token = api_token_authenticate(key=key)
        if token is None:
            raise exceptions.AuthenticationFailed("The token is not valid; sign in again.")
        return token.user, token

    def authenticate_header(self, request: Any) -> str:
        return "Token"
