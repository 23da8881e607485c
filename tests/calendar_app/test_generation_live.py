"""A batch generation reaches each company's sockets after commit, and only its own."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from calendar_app import services
from calendar_app.models import CalendarEvent
from server.realtime.models import Event
from tests.factories import World, world_make

# Autouse: the socket's database work runs in the action pool, whose connections it closes.
from tests.realtime.conftest import _socket_action_connections_closed  # noqa: F401
from tests.realtime.helpers import frames_until_quiet, socket_open

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(transactional_db: None) -> World:
    return world_make()


async def test_a_batch_pushes_each_company_its_own_notice_after_commit(
    world: World, monkeypatch
) -> None:
    companies = [world.company, world.sibling_company, world.other_company]

    @database_sync_to_async
    def generate_in_batches() -> dict[int, int]:
        CalendarEvent.objects.filter(company__in=companies).delete()
        monkeypatch.setattr(services, "GENERATION_BATCH", 2)
        results = services.deadlines_generate_many(companies=companies)
        return {pk: len(result.created) for pk, result in results.items()}

    client, _ = await socket_open(world.client)
    other, _ = await socket_open(world.other_client)
    created = await generate_in_batches()

    frames = await frames_until_quiet(client)
    notices = [f for f in frames if f["kind"] == "calendar.generated"]
    assert [(f["company"], f["data"]["created"]) for f in notices] == [
        (world.company.id, created[world.company.id])
    ]
    stored = await database_sync_to_async(
        lambda: (
            Event.objects.filter(kind="calendar.generated", company=world.company).latest("id").id
        )
    )()
    assert notices[0]["id"] == stored
    others = [f for f in await frames_until_quiet(other) if f["kind"] == "calendar.generated"]
    assert [f["company"] for f in others] == [world.other_company.id]
    await client.disconnect()
    await other.disconnect()
