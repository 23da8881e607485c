"""Who is on the socket: the session cookie (browsers) or a one-time `?ticket=` (other clients)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from channels.auth import get_user
from channels.middleware import BaseMiddleware
from channels.security.websocket import AllowedHostsOriginValidator
from channels.sessions import SessionMiddlewareStack
from django.contrib.auth.models import AnonymousUser

from server.accounts.services import ws_ticket_redeem

from .actions import in_db_pool


def _ticket(scope: dict[str, Any]) -> str | None:
    values = parse_qs(scope.get("query_string", b"").decode("latin1")).get("ticket")
    return values[0] if values else None


class TicketOrSessionAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        scope = dict(scope)
        ticket = _ticket(scope)
        if ticket is not None:
            redeemed = await in_db_pool(ws_ticket_redeem)(ticket=ticket)
            scope["user"] = redeemed.user if redeemed else AnonymousUser()
            # What the ticket was issued under: ending it closes this socket.
            scope["kontor_credential"] = redeemed.credential if redeemed else ""
        else:
            scope["user"] = await get_user(scope)
        return await super().__call__(scope, receive, send)


class SocketOriginValidator:
    """Browsers always send Origin: it must be one of ALLOWED_HOSTS. A connection without Origin
    is a non-browser client and is let through only with a ticket (checked after this)."""

    def __init__(self, application: Any) -> None:
        self.application = application
        self.browser_checked = AllowedHostsOriginValidator(application)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        has_origin = any(name == b"origin" for name, _ in scope.get("headers", []))
        if not has_origin and _ticket(scope) is not None:
            return await self.application(scope, receive, send)
        return await self.browser_checked(scope, receive, send)


def socket_auth_stack(application: Any) -> Any:
    return SocketOriginValidator(SessionMiddlewareStack(TicketOrSessionAuthMiddleware(application)))
