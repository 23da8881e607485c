"""Chat on the socket: `chat.send`, `chat.edit`, `chat.delete`, `chat.read`, `chat.typing`.

Each handler parses the frame, calls the same service as the REST API, and answers. The database
work runs on the socket action pool, with the reach the socket computed at connect (it also
decided which groups the socket joined) instead of recomputing it for every frame.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404

from server.errors import DomainError
from server.realtime.actions import ActionError, Connection, action, in_db_pool

from . import selectors, services


def _id(frame: dict[str, Any], field: str) -> int:
    value = frame.get(field)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ActionError("bad_frame", f'"{field}" must be a number.')
    return value


def _text(frame: dict[str, Any], field: str) -> str:
    value = frame.get(field, "")
    if not isinstance(value, str):
        raise ActionError("bad_frame", f'"{field}" must be text.')
    return value


def _refusals(call: Any) -> Any:
    """Domain refusals become error frames; objects out of reach are "not_found", as over REST."""

    async def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return await in_db_pool(call)(*args, **kwargs)
        except Http404:
            raise ActionError("not_found", "Not found.") from None
        except DomainError as refusal:
            raise ActionError(refusal.code, refusal.message) from None

    return run


@_refusals
def _send(connection: Connection, frame: dict[str, Any]) -> dict[str, Any]:
    client_id = frame.get("client_id")
    if not isinstance(client_id, str):
        raise ActionError("bad_frame", '"client_id" (a UUID) is required.')
    user, reach = connection.user, connection.reach
    thread = selectors.thread_get_reached(thread_id=_id(frame, "thread"), reach=reach)
    reply_to = (
        selectors.message_get(user=user, message_id=_id(frame, "reply_to"), reach=reach)
        if frame.get("reply_to") is not None
        else None
    )
    sent = services.message_send(
        actor=user,
        thread=thread,
        body=_text(frame, "body"),
        client_id=client_id,
        reply_to=reply_to,
        internal_note=frame.get("internal") is True,
        reach=reach,
    )
    return {"type": "ack", "client_id": client_id, "message": sent.message.pk}


@action("chat.send")
async def chat_send(connection: Connection, frame: dict[str, Any]) -> dict[str, Any]:
    return await _send(connection, frame)  # type: ignore[no-any-return]


@_refusals
def _edit(connection: Connection, frame: dict[str, Any]) -> dict[str, Any]:
    message = selectors.message_get(
        user=connection.user, message_id=_id(frame, "message"), reach=connection.reach
    )
    services.message_edit(actor=connection.user, message=message, body=_text(frame, "body"))
    return {"type": "ack", "message": message.pk}


@action("chat.edit")
async def chat_edit(connection: Connection, frame: dict[str, Any]) -> dict[str, Any]:
    return await _edit(connection, frame)  # type: ignore[no-any-return]


@_refusals
def _delete(connection: Connection, frame: dict[str, Any]) -> dict[str, Any]:
    message = selectors.message_get(
        user=connection.user, message_id=_id(frame, "message"), reach=connection.reach
    )
    services.message_delete(actor=connection.user, message=message, reach=connection.reach)
    return {"type": "ack", "message": message.pk}


@action("chat.delete")
async def chat_delete(connection: Connection, frame: dict[str, Any]) -> dict[str, Any]:
    return await _delete(connection, frame)  # type: ignore[no-any-return]


@_refusals
def _read(connection: Connection, frame: dict[str, Any]) -> None:
    thread = selectors.thread_get(
        user=connection.user, thread_id=_id(frame, "thread"), reach=connection.reach
    )
    up_to = _id(frame, "message") if frame.get("message") is not None else None
    services.thread_read(actor=connection.user, thread=thread, up_to=up_to, reach=connection.reach)


@action("chat.read")
async def chat_read(connection: Connection, frame: dict[str, Any]) -> None:
    await _read(connection, frame)


@_refusals
def _typing(connection: Connection, frame: dict[str, Any]) -> None:
    thread = selectors.thread_get(
        user=connection.user, thread_id=_id(frame, "thread"), reach=connection.reach
    )
    services.thread_typing(actor=connection.user, thread=thread)


@action("chat.typing")
async def chat_typing(connection: Connection, frame: dict[str, Any]) -> None:
    await _typing(connection, frame)
