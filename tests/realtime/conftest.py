"""Socket tests: every test leaves the socket action pool with no database connection open."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from server.realtime.actions import action_pool_close


@pytest.fixture(autouse=True)
def _socket_action_connections_closed(django_db_blocker: object) -> Iterator[None]:
    # An action still running when its test ends would keep its connection (and the test
    # database) open: wait for it and close the pool's connections while access is allowed.
    yield
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        action_pool_close()
