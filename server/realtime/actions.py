"""Client-to-server socket actions: `{"type": "<name>", ...}` frames, each handled by one function.

Apps register their actions here (`chat.send`, `chat.read`, ...); a handler parses the frame, calls
the same service the REST API calls, and returns the reply frame (or None).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from server.accounts.models import User
from server.tenancy.access import Reach


class ActionError(Exception):
    """Refuses one frame with an error frame; the connection stays open."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Connection:
    """What a handler knows about the socket that sent the frame."""

    user: User
    reach: Reach


Handler = Callable[[Connection, dict[str, Any]], Awaitable[dict[str, Any] | None]]
_handlers: dict[str, Handler] = {}


def action(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        if name in _handlers:
            raise ValueError(f"Socket action {name!r} is registered twice.")
        _handlers[name] = handler
        return handler

    return register


def handler_for(name: str) -> Handler | None:
    return _handlers.get(name)


@action("ping")
async def ping(connection: Connection, frame: dict[str, Any]) -> dict[str, Any]:
    return {"type": "pong"}
