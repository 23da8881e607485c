"""`/ws/`: one socket per browser tab carrying every live update the user may see.

Protocol (docs/realtime.md): server frames `event`, `reset`, `access`, `error` and replies to
actions; client frames are JSON objects with a `type`, dispatched to the handlers in `actions.py`.

Who sees what can change while a socket is open: each socket also joins its person's group
(`personal.py`), recomputes its reach when told, and checks every event against its reach when
it forwards it, so a frame already on its way when access ended is not delivered either.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from typing import Any
from urllib.parse import parse_qs

from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from server.accounts.services import session_credential, socket_credential_valid
from server.tenancy.access import Reach, reach_of
from server.tenancy.models import Audience

from .actions import ActionError, Connection, handler_for, in_db_pool
from .personal import ACCESS_CHANGED, ACCESS_REVOKED, user_group
from .publish import group_name
from .replay import replay_after

logger = logging.getLogger(__name__)

# A connection that keeps flooding after this many refused frames is closed as abusive.
ABUSE_LIMIT = 100
CLOSE_POLICY_VIOLATION = 1008
# The credential the socket was opened with ended (signed out, token revoked, new password,
# account deactivated): the client goes to the sign-in page instead of reconnecting.
CLOSE_SIGNED_OUT = 4401
# The reach could not be checked again (the database was away): the client reconnects, and the
# reach is computed afresh at connect. Closing is the safe side of not knowing.
CLOSE_RECHECK_FAILED = 4503


class TokenBucket:
    """Frames a connection may send: `rate` per second sustained, `burst` at once."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, float(burst)
        self.tokens, self.stamp = float(burst), time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


def _groups(reach: Reach) -> list[str]:
    groups = [group_name(cid, Audience.SHARED) for cid in sorted(reach.companies)]
    groups += [group_name(cid, Audience.INTERNAL) for cid in sorted(reach.staff)]
    return groups


def _gained(old: Reach, new: Reach) -> Reach:
    """What `new` sees that `old` did not: whole companies, or a company's internal side."""
    return Reach(staff=new.staff - old.staff, client=new.client - old.companies)


def _reach_now(user_id: int, credential: str, session_key: str | None) -> Reach | None:
    """The person's reach as the database says now, or None when their credential ended."""
    user = socket_credential_valid(user_id=user_id, credential=credential, session_key=session_key)
    return reach_of(user) if user is not None else None


class LiveConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close()  # before accept: the handshake is refused (HTTP 403)
            return
        # A browser socket lives as long as its session; a ticket socket as its ticket's origin.
        session = self.scope.get("session")
        self.session_key: str | None = None
        if self.scope.get("kontor_credential") is None and session is not None:
            self.session_key = session.session_key
        self.credential: str = self.scope.get("kontor_credential") or (
            session_credential(self.session_key) if self.session_key else ""
        )
        # The person's group first: a change of access made while the reach is being computed
        # below then still reaches this socket.
        self.personal = user_group(user.pk)
        await self.channel_layer.group_add(self.personal, self.channel_name)
        self.reach: Reach = await in_db_pool(reach_of)(user)
        self.connection = Connection(user=user, reach=self.reach)
        # The rejoin timer and a signal may both recompute the reach: one at a time, so that a
        # reach read before a change never overwrites one read after it.
        self.reach_lock = asyncio.Lock()
        self.bucket = TokenBucket(settings.KONTOR_WS_RATE, settings.KONTOR_WS_BURST)
        self.refused = 0
        self.sent_high = 0
        self.replayed: set[int] = set()
        self.joined = _groups(self.reach)
        # Join before replaying: live events that arrive meanwhile wait in the channel and are
        # de-duplicated against the replay below.
        for group in self.joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()
        self.rejoin = asyncio.create_task(self._rejoin_periodically())
        after = self._after()
        if after is not None:
            await self._replay(after)

    def _after(self) -> int | None:
        values = parse_qs(self.scope.get("query_string", b"").decode("latin1")).get("after")
        if not values:
            return None
        try:
            return max(0, int(values[0]))
        except ValueError:
            return None

    async def _replay(self, after: int, reach: Reach | None = None) -> None:
        replay = await in_db_pool(replay_after)(reach or self.reach, after)
        if replay.reset:
            await self.send(text_data='{"type":"reset"}')
            return
        for event_id, frame in replay.frames:
            await self.send(text_data=frame)
            self.replayed.add(event_id)
            self.sent_high = max(self.sent_high, event_id)

    async def _rejoin_periodically(self) -> None:
        # channels-redis forgets group members after its group expiry (a day by default); a tab
        # left open longer would go deaf without a word. Joining again renews the membership.
        # The reach is checked again too, in case a change's signal was lost (Redis away).
        while True:
            await asyncio.sleep(settings.KONTOR_WS_REJOIN_SECONDS)
            if not await self._reach_refresh(after=None):
                return
            await self.channel_layer.group_add(self.personal, self.channel_name)
            for group in self.joined:
                await self.channel_layer.group_add(group, self.channel_name)

    async def _reach_refresh(self, after: int | None) -> bool:
        """Compute the reach again and follow it: leave the groups it no longer includes, join
        the new ones and replay what the gained companies published since `after`. False when
        the socket was closed instead (credential ended, or the check failed)."""
        async with self.reach_lock:
            return await self._reach_follow(after)

    async def _reach_follow(self, after: int | None) -> bool:
        user_id = self.scope["user"].pk
        try:
            reach = await in_db_pool(_reach_now)(user_id, self.credential, self.session_key)
        except Exception:
            logger.exception("Checking a socket's reach again failed; closing it")
            await self.close(code=CLOSE_RECHECK_FAILED)
            return False
        if reach is None:
            await self._sign_out()
            return False
        old, joined = self.reach, _groups(reach)
        # Narrow first: from here on event_frame refuses what the old reach allowed.
        self.reach = self.connection.reach = reach
        for group in set(self.joined) - set(joined):
            await self.channel_layer.group_discard(group, self.channel_name)
        for group in set(joined) - set(self.joined):
            await self.channel_layer.group_add(group, self.channel_name)
        self.joined = joined
        if reach != old:
            await self.send(text_data=self._access_frame())
            gained = _gained(old, reach)
            if after is not None and gained.companies:
                await self._replay(after, gained)
        return True

    def _access_frame(self) -> str:
        return json.dumps(
            {
                "type": "access",
                "companies": sorted(self.reach.companies),
                "staff": sorted(self.reach.staff),
            },
            separators=(",", ":"),
        )

    async def _sign_out(self) -> None:
        await self.send(text_data='{"type":"signed_out"}')
        await self.close(code=CLOSE_SIGNED_OUT)

    async def access_changed(self, message: dict[str, Any]) -> None:
        """Who sees what changed for this person (personal.py). The consumer handles one message
        at a time, so every event behind this one is checked against the new reach."""
        await self._reach_refresh(after=message.get("after"))

    async def access_revoked(self, message: dict[str, Any]) -> None:
        credential = message.get("credential")
        if credential is None or credential == self.credential:
            await self._sign_out()

    async def disconnect(self, code: int) -> None:
        if rejoin := getattr(self, "rejoin", None):
            rejoin.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await rejoin
        for group in [*getattr(self, "joined", []), getattr(self, "personal", None)]:
            if group is not None:
                await self.channel_layer.group_discard(group, self.channel_name)

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels closes stale database connections (a hop to the sync thread) before every
        # handler; forwarding a frame touches no database, and that hop cost ~15% of the CPU per
        # delivery while queueing live events behind every socket's database work.
        if message["type"] == "event.frame":
            await self.event_frame(message)
        elif message["type"] == ACCESS_CHANGED:
            await self.access_changed(message)
        elif message["type"] == ACCESS_REVOKED:
            await self.access_revoked(message)
        elif message["type"] == "ephemeral.frame":
            await self.ephemeral_frame(message)
        elif message["type"] == "websocket.receive":
            # Likewise for a client frame: its action touches the database only on the action
            # pool, whose threads close or return their connection around every call.
            await self.websocket_receive(message)
        else:
            await super().dispatch(message)

    async def event_frame(self, message: dict[str, Any]) -> None:
        """A live event from the group: forward the frame text as published, not re-encoded."""
        event_id = message["id"]
        if event_id in self.replayed:
            self.replayed.discard(event_id)
            return
        if "company" in message and not self.reach.sees(message["company"], message["audience"]):
            return  # published to a group this socket has just left
        # A late-committed event (id below one already sent) is still delivered, never dropped.
        self.sent_high = max(self.sent_high, event_id)
        await self.send(text_data=message["text"])

    async def ephemeral_frame(self, message: dict[str, Any]) -> None:
        """Typing and presence: no id, nothing stored, forwarded as is."""
        await self.send(text_data=message["text"])

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if not self.bucket.take():
            self.refused += 1
            if self.refused > ABUSE_LIMIT:
                await self.close(code=CLOSE_POLICY_VIOLATION)
                return
            await self._error("rate_limited", "Too many messages; slow down and retry.")
            return
        if text_data is None:
            await self._error("bad_frame", "Send JSON text frames, not binary ones.")
            return
        if len(text_data) > settings.KONTOR_WS_MAX_FRAME_BYTES or (
            len(text_data.encode()) > settings.KONTOR_WS_MAX_FRAME_BYTES
        ):
            await self._error("frame_too_large", "The message is larger than 64 KiB.")
            return
        try:
            frame = json.loads(text_data)
        except ValueError:
            await self._error("bad_json", "The message is not valid JSON.")
            return
        if not isinstance(frame, dict) or not isinstance(frame.get("type"), str):
            await self._error("bad_frame", 'A message must be a JSON object with a "type".')
            return
        await self._dispatch(frame)

    async def _dispatch(self, frame: dict[str, Any]) -> None:
        handler = handler_for(frame["type"])
        if handler is None:
            await self._error("unknown_type", f"Unknown message type {frame['type'][:64]!r}.")
            return
        try:
            reply = await handler(self.connection, frame)
        except ActionError as refusal:
            await self._error(refusal.code, refusal.message)
            return
        except Exception:
            logger.exception("Socket action %s failed", frame["type"][:64])
            await self._error("server_error", "Something went wrong on our side; try again.")
            return
        if reply is not None:
            await self.send(text_data=json.dumps(reply, separators=(",", ":")))

    async def _error(self, code: str, message: str) -> None:
        await self.send(text_data=json.dumps({"type": "error", "code": code, "message": message}))
