"""Real daphne processes on the test database: scale-out over Redis and a Redis restart."""

from __future__ import annotations

import asyncio
import json
import urllib.request

import pytest
from channels.db import database_sync_to_async
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake

from server.accounts.models import User
from server.accounts.services import api_token_issue, ws_ticket_issue
from tests.factories import World, world_make

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db: None) -> World:
    return world_make()


@database_sync_to_async
def _ticket(user: User) -> str:
    return ws_ticket_issue(user=user).ticket


@database_sync_to_async
def _token(user: User) -> str:
    return api_token_issue(user=user)


def _patch_company(base_url: str, token: str, company_id: int, name: str) -> int:
    request = urllib.request.Request(
        f"{base_url}/api/v1/companies/{company_id}/",
        data=json.dumps({"name": name}).encode(),
        method="PATCH",
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return int(response.status)


async def _patch(base_url: str, token: str, company_id: int, name: str) -> None:
    assert await asyncio.to_thread(_patch_company, base_url, token, company_id, name) == 200


async def _next_event(socket, timeout: float = 5.0) -> dict:
    while True:
        frame = json.loads(await asyncio.wait_for(socket.recv(), timeout))
        if frame["type"] == "event":
            return frame


async def test_an_event_published_through_one_process_reaches_a_socket_on_another(
    world: World, daphne_servers
) -> None:
    first, second = daphne_servers(), daphne_servers()
    token = await _token(world.accountant)
    async with connect(f"{second.ws_url}?ticket={await _ticket(world.client)}") as socket:
        await _patch(first.http_url, token, world.company.id, "Renamed through the first process")
        frame = await _next_event(socket)
        assert frame["kind"] == "company.updated"
        assert frame["data"]["name"] == "Renamed through the first process"
        # And the other way round, for a staff socket on the first process.
        async with connect(f"{first.ws_url}?ticket={await _ticket(world.owner)}") as staff_socket:
            await _patch(second.http_url, token, world.company.id, "And back")
            assert (await _next_event(staff_socket))["data"]["name"] == "And back"
            assert (await _next_event(socket))["data"]["name"] == "And back"


async def _resume(server, user: User, after: int, timeout: float = 30.0):
    """Reconnect with `after` until the server takes the socket (Redis may still be starting)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        try:
            return await connect(f"{server.ws_url}?ticket={await _ticket(user)}&after={after}")
        except (InvalidHandshake, OSError, ConnectionClosed):
            if asyncio.get_running_loop().time() > deadline:
                raise
            await asyncio.sleep(0.5)


async def test_events_published_while_redis_is_down_arrive_on_resume(
    world: World, daphne_servers, private_redis
) -> None:
    server = daphne_servers({"REDIS_URL": private_redis.url})
    token = await _token(world.accountant)
    socket = await connect(f"{server.ws_url}?ticket={await _ticket(world.client)}")
    await _patch(server.http_url, token, world.company.id, "Before")
    seen = (await _next_event(socket))["id"]

    private_redis.stop()
    for name in ("While down 1", "While down 2"):
        await _patch(server.http_url, token, world.company.id, name)  # the change still commits
    await socket.close()
    private_redis.start()

    resumed = await _resume(server, world.client, after=seen)
    names: list[str] = []
    try:
        while len(names) < 2:
            frame = await _next_event(resumed)
            if frame["id"] > seen:
                names.append(frame["data"]["name"])
        assert names == ["While down 1", "While down 2"]
        await _patch(server.http_url, token, world.company.id, "After")
        assert (await _next_event(resumed))["data"]["name"] == "After"
    finally:
        await resumed.close()
    assert "clients will get it on resume" in server.log()
