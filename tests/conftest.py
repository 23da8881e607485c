from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from server.accounts.models import User
from server.accounts.services import api_token_get_or_create

from .factories import World, world_make


@pytest.fixture
def world(db: None) -> World:
    return world_make()


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def api_as(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_get_or_create(user=user)}")
    return client


@pytest.fixture(autouse=True)
def _clear_cache() -> None:
    # Sign-in throttling counts live in the cache; each test starts with none.
    from django.core.cache import cache

    cache.clear()
