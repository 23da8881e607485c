"""`publish`: the only way a change reaches the sockets.

The Event row is written in the caller's transaction; the push to the Channels groups happens on
commit, so a rolled-back change pushes nothing. If the push fails (Redis down), the change and its
row stand, the failure is logged, and the client gets the event when it resumes.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import threading
from collections.abc import Coroutine
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.utils import timezone

from server.tenancy.models import Audience, Company

from .models import Event

logger = logging.getLogger(__name__)


def group_name(company_id: int, audience: str) -> str:
    return f"company.{company_id}.{audience}"


def event_frame(event: Event) -> str:
    """The socket frame of an event, as JSON text; replayed and live frames are the same."""
    return json.dumps(
        {
            "type": "event",
            "id": event.id,
            "company": event.company_id,
            "kind": event.kind,
            "data": event.payload,
            "at": event.created_at.isoformat().replace("+00:00", "Z"),
        },
        separators=(",", ":"),
        cls=DjangoJSONEncoder,
    )


def publish(
    company: Company | int, kind: str, payload: dict[str, Any], audience: str = Audience.SHARED
) -> Event:
    """Record an event for `company` and push it to the sockets once the transaction commits."""
    if audience not in Audience.values:
        raise ValueError(f"Unknown audience {audience!r}.")
    company_id = company if isinstance(company, int) else company.pk
    # Round-trip through the encoder so the stored payload is exactly what clients receive.
    clean_payload = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
    event = Event.objects.create(
        company_id=company_id,
        audience=audience,
        kind=kind,
        payload=clean_payload,
        created_at=timezone.now(),
    )
    push_on_commit(event)
    return event


def push_on_commit(event: Event) -> None:
    """Push a stored event to its group once the transaction commits (at once in autocommit).
    For a caller that wrote the Event row itself (chat's one-statement send)."""
    message = _event_message(event)
    group = group_name(event.company_id, event.audience)
    transaction.on_commit(lambda: _push(group, message), robust=True)


def _event_message(event: Event) -> dict[str, Any]:
    """The group message of an event. It names the company and audience so that each socket
    checks them against its reach at delivery (server/realtime/consumers.py)."""
    return {
        "type": "event.frame",
        "id": event.id,
        "company": event.company_id,
        "audience": event.audience,
        "text": event_frame(event),
    }


def publish_batch(items: list[tuple[Company | int, str, dict[str, Any], str]]) -> list[Event]:
    """`publish` for many companies at once, each item (company, kind, payload, audience): one
    INSERT for all rows, and on commit one hand-over of every push (in order within a group)
    instead of a wait per event. For a batch job (calendar_app's yearly deadline generation)."""
    if not items:
        return []
    if not connection.features.can_return_rows_from_bulk_insert:
        return [publish(*item) for item in items]  # no ids from a bulk insert here
    now = timezone.now()
    rows = []
    for company, kind, payload, audience in items:
        if audience not in Audience.values:
            raise ValueError(f"Unknown audience {audience!r}.")
        rows.append(
            Event(
                company_id=company if isinstance(company, int) else company.pk,
                audience=audience,
                kind=kind,
                payload=json.loads(json.dumps(payload, cls=DjangoJSONEncoder)),
                created_at=now,
            )
        )
    events = Event.objects.bulk_create(rows)
    by_group: dict[str, list[dict[str, Any]]] = {}
    for event in events:
        by_group.setdefault(group_name(event.company_id, event.audience), []).append(
            _event_message(event)
        )
    transaction.on_commit(lambda: _push_groups(by_group), robust=True)
    return events


def _push_groups(by_group: dict[str, list[dict[str, Any]]]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    if isinstance(layer, InMemoryChannelLayer):
        for group, messages in by_group.items():
            for message in messages:
                _push(group, message)
        return

    async def one_group(group: str, messages: list[dict[str, Any]]) -> None:
        for message in messages:
            try:
                await layer.group_send(group, message)
            except Exception:
                logger.exception(
                    "Pushing event %s to %s failed; clients will get it on resume",
                    message["id"],
                    group,
                )

    async def all_groups() -> None:
        await asyncio.gather(*(one_group(group, frames) for group, frames in by_group.items()))

    try:
        _push_loop.run(all_groups(), PUSH_TIMEOUT_SECONDS * 4)
    except Exception:
        logger.exception("Pushing a batch of events failed; clients will get them on resume")


class _PushLoop:
    """One event loop per process, on its own thread, for pushes to a Redis layer.

    `async_to_sync` from plain sync code (a worker, a request thread) would make a thread, a loop
    and a Redis connection per event and throw them away (measured: 2.2 ms against 0.16 ms).
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._pid = 0

    def run(self, coroutine: Coroutine[Any, Any, None], timeout: float) -> None:
        with self._lock:
            if self._loop is None or self._pid != os.getpid():  # new, or inherited by a fork
                self._loop = asyncio.new_event_loop()
                self._pid = os.getpid()
                runner = threading.Thread(target=self._loop.run_forever, name="kontor-push")
                runner.daemon = True
                runner.start()
            loop = self._loop
        asyncio.run_coroutine_threadsafe(coroutine, loop).result(timeout)


_push_loop = _PushLoop()
PUSH_TIMEOUT_SECONDS = 5.0


def group_send_now(group: str, message: dict[str, Any]) -> None:
    """Hand one message to a group from sync code (a request, a worker); raises if it fails."""
    layer = get_channel_layer()
    if layer is None:
        return
    if isinstance(layer, InMemoryChannelLayer):
        # Its queues belong to the server's own loop: hand the send to that loop.
        async_to_sync(layer.group_send)(group, message)
    else:
        _push_loop.run(layer.group_send(group, message), PUSH_TIMEOUT_SECONDS)


def _push(group: str, message: dict[str, Any]) -> None:
    try:
        group_send_now(group, message)
    except Exception:
        # The row is committed; the client will receive the event on its next resume.
        logger.exception(
            "Pushing event %s to %s failed; clients will get it on resume", message["id"], group
        )
