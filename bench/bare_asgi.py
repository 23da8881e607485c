"""The bare baseline for `ws_fanout.py`: the smallest Channels consumer with the routing shape of
`server.asgi` (`/ws/` under a ProtocolTypeRouter) and the same channel layer (settings from the
same environment). It joins the groups the real consumer would join for `?user=<id>`, without any
authentication, and forwards `message["text"]` as is. For benchmarks only; never serve it.

    python -m daphne -b 127.0.0.1 -p PORT bench.bare_asgi:application
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import parse_qs

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "server.settings")

import django

django.setup()

from channels.db import database_sync_to_async  # noqa: E402
from channels.generic.websocket import AsyncWebsocketConsumer  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import path  # noqa: E402

from server.realtime.publish import group_name  # noqa: E402
from server.tenancy.access import reach_of  # noqa: E402
from server.tenancy.models import Audience  # noqa: E402


def _groups_of(user_id: int) -> list[str]:
    from server.accounts.models import User

    reach = reach_of(User.objects.get(pk=user_id))
    groups = [group_name(cid, Audience.SHARED) for cid in reach.staff | reach.client]
    groups += [group_name(cid, Audience.INTERNAL) for cid in reach.staff]
    return groups


class BareConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        query = parse_qs(self.scope.get("query_string", b"").decode("latin1"))
        self.joined = await database_sync_to_async(_groups_of)(int(query["user"][0]))
        for group in self.joined:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def event_frame(self, message: dict[str, Any]) -> None:
        await self.send(text_data=message["text"])

    if os.environ.get("BENCH_BARE_DISPATCH") == "direct":
        # Experiment (ws_fanout.py --bare-dispatch direct): skip the `aclose_old_connections()`
        # that channels' AsyncConsumer.dispatch runs, in the sync thread, before every message.
        async def dispatch(self, message: dict[str, Any]) -> None:
            if message["type"] == "event.frame":
                await self.event_frame(message)
                return
            await super().dispatch(message)


application = ProtocolTypeRouter({"websocket": URLRouter([path("ws/", BareConsumer.as_asgi())])})
