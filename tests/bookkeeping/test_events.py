"""Who receives `books.entry`: drafts reach office staff only; posted entries both sides."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from bookkeeping import services
from tests.factories import World, world_make
from tests.realtime.helpers import frames_until_quiet, socket_open

from .helpers import draft

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(transactional_db: None) -> World:
    return world_make()


async def test_entry_events_follow_the_entry_audience(world: World) -> None:
    client, _ = await socket_open(world.client)
    staff, _ = await socket_open(world.accountant)
    outsider, _ = await socket_open(world.other_owner)

    entry = await database_sync_to_async(draft)(
        world.accountant, world.company, internal_note="secret"
    )
    await database_sync_to_async(services.entry_post)(actor=world.accountant, entry=entry)
    second = await database_sync_to_async(draft)(world.accountant, world.company)
    await database_sync_to_async(services.entry_delete)(actor=world.accountant, entry=second)

    def seen(frames):
        return [(f["kind"], f["data"]["id"], f["data"].get("state")) for f in frames]

    client_frames = await frames_until_quiet(client)
    staff_frames = await frames_until_quiet(staff)
    assert seen(client_frames) == [("books.entry", entry.pk, "posted")]
    assert seen(staff_frames) == [
        ("books.entry", entry.pk, "draft"),
        ("books.entry", entry.pk, "posted"),
        ("books.entry", second.pk, "draft"),
        ("books.entry", second.pk, None),
    ]
    assert staff_frames[-1]["data"]["deleted"] is True
    assert all("secret" not in str(frame) for frame in client_frames + staff_frames)
    assert client_frames[0]["data"]["number"] == 1
    assert await frames_until_quiet(outsider) == []
    for socket in (client, staff, outsider):
        await socket.disconnect()
