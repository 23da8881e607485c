from __future__ import annotations

import uuid

import pytest
from rest_framework.test import APIClient

from server.accounts.models import User
from server.accounts.services import api_token_issue

from .factories import World, world_make


@pytest.fixture(scope="session", autouse=True)
def _test_database_released(django_db_setup, django_db_blocker):
    """Let the test database be dropped at the end: connections that worker threads (socket
    actions, concurrency tests) still hold, and idle pooled ones, would make DROP DATABASE fail."""
    yield
    from django.db import connections

    with django_db_blocker.unblock():
        for connection in connections.all(initialized_only=True):
            if connection.vendor != "postgresql":
                continue
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            connection.close()
            if connection.settings_dict.get("OPTIONS", {}).get("pool"):
                connection.close_pool()  # type: ignore[attr-defined]  # PostgreSQL's wrapper only


@pytest.fixture
def world(db: None) -> World:
    return world_make()


@pytest.fixture
def api() -> APIClient:
    return APIClient()


def api_as(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=user)}")
    return client


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    settings.PASSWORD_HASHERS = ["tests.hashers.FastArgon2PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache_namespace(settings) -> None:
    # Sign-in throttling counts live in the cache; each test starts with none. A fresh key
    # prefix, not cache.clear(): on Redis that would flush the channel layer's groups too.
    settings.CACHES = {
        name: {**config, "KEY_PREFIX": f"test-{uuid.uuid4().hex}"}
        for name, config in settings.CACHES.items()
    }


@pytest.fixture
def daphne_servers():
    """Start daphne processes on the test database: `start(extra_env)`; all stop after the test."""
    from .servers import daphne_start

    started = []

    def start(extra_env: dict[str, str] | None = None):
        server = daphne_start(extra_env)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def private_redis():
    from .servers import PrivateRedis

    redis = PrivateRedis()
    redis.start()
    yield redis
    redis.stop()
