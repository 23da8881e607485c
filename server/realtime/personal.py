"""Signals to every socket of one person, on every server process: the group `user.<id>`.

A socket joins its person's group at connect. When who sees what changes (an assignment ended, a
membership removed, a role lowered), `access_changed` tells the sockets to compute their reach
again; when a credential ends (signed out, token revoked, password changed, deactivated),
`credential_revoked` closes the sockets opened with it. Both are sent once the transaction
commits, and before the request that made the change answers: an event published after that
answer reaches each socket after the signal, so the socket has already narrowed its reach
(docs/realtime.md, "Access changes").
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction

from .publish import group_send_now
from .replay import latest_event_id

logger = logging.getLogger(__name__)

ACCESS_CHANGED = "access.changed"
ACCESS_REVOKED = "access.revoked"


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def _signal(user_ids: list[int], message: dict[str, object]) -> None:
    for user_id in user_ids:
        # One retry on a fresh hand-over: a stale pooled connection fails once, then works.
        for attempt in (1, 2):
            try:
                group_send_now(user_group(user_id), message)
                break
            except Exception:
                if attempt == 2:
                    logger.exception(
                        "Telling the sockets of user %s about %s failed; their next rejoin or"
                        " reconnect applies it",
                        user_id,
                        message["type"],
                    )


def access_changed(user_ids: Iterable[int]) -> None:
    """Once the transaction commits, every socket of these people recomputes its reach.

    The signal carries the newest event id at that moment: a socket that gains a company replays
    that company's events from there, so nothing published between the change and the join of its
    groups is missed.
    """
    ids = sorted(set(user_ids))
    if not ids:
        return

    def send() -> None:
        _signal(ids, {"type": ACCESS_CHANGED, "after": latest_event_id()})

    transaction.on_commit(send, robust=True)


def credential_revoked(user_id: int, credential: str | None = None) -> None:
    """Once the transaction commits, close the sockets of `user_id` opened with `credential`
    ("token:<id>", "session:<digest>"), or every socket of theirs when it is None."""

    def send() -> None:
        _signal([user_id], {"type": ACCESS_REVOKED, "credential": credential})

    transaction.on_commit(send, robust=True)
