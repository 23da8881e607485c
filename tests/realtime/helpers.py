"""Talking to the socket in tests: the real ASGI app in process, as a browser or a ticket client."""

from __future__ import annotations

import json
from typing import Any

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import transaction
from django.test import Client

from server.accounts.models import User
from server.accounts.services import ws_ticket_issue
from server.asgi import application
from server.realtime.publish import publish
from server.tenancy.models import Company

ORIGIN = b"http://localhost"


@database_sync_to_async
def session_cookie(user: User) -> bytes:
    client = Client()
    client.force_login(user)
    return f"sessionid={client.cookies['sessionid'].value}".encode()


@database_sync_to_async
def ticket_for(user: User) -> str:
    return ws_ticket_issue(user=user).ticket


async def socket_open(
    user: User | None = None,
    *,
    after: int | None = None,
    origin: bytes | None = ORIGIN,
    ticket: str | None = None,
) -> tuple[WebsocketCommunicator, bool]:
    """Open /ws/ as `user` with a session cookie (or with `ticket`); returns (socket, accepted)."""
    query = []
    if after is not None:
        query.append(f"after={after}")
    if ticket is not None:
        query.append(f"ticket={ticket}")
    path = "/ws/" + ("?" + "&".join(query) if query else "")
    headers = []
    if origin is not None:
        headers.append((b"origin", origin))
    if user is not None:
        headers.append((b"cookie", await session_cookie(user)))
    socket = WebsocketCommunicator(application, path, headers=headers)
    accepted, _ = await socket.connect(timeout=5)
    return socket, accepted


async def frames_until_quiet(
    socket: WebsocketCommunicator, quiet: float = 0.3
) -> list[dict[str, Any]]:
    """Every frame the server sends until it has been silent for `quiet` seconds."""
    frames = []
    while not await socket.receive_nothing(timeout=quiet, interval=0.01):
        frames.append(json.loads(await socket.receive_from()))
    return frames


@database_sync_to_async
def publish_committed(
    company: Company, kind: str = "test.ping", audience: str = "shared", **data: Any
) -> int:
    with transaction.atomic():
        return publish(company, kind, data, audience).id
