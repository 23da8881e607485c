"""The socket at /ws/, in process against the real ASGI app, channel layer and database."""

from __future__ import annotations

import asyncio
import json
import threading

import pytest
from channels.db import database_sync_to_async
from django.db import transaction

from server.realtime.models import Event
from server.realtime.publish import publish
from tests.factories import World

from .helpers import frames_until_quiet, publish_committed, socket_open, ticket_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(transactional_db: None) -> World:
    from tests.factories import world_make

    return world_make()


async def test_anonymous_and_foreign_origins_are_refused(world: World) -> None:
    _, accepted = await socket_open(None)
    assert not accepted
    _, accepted = await socket_open(world.client, origin=b"https://evil.example")
    assert not accepted
    # A browser always sends Origin; a cookie connection without one is refused.
    _, accepted = await socket_open(world.client, origin=None)
    assert not accepted
    socket, accepted = await socket_open(world.client)
    assert accepted
    await socket.disconnect()


async def test_ticket_opens_one_socket_once(world: World) -> None:
    ticket = await ticket_for(world.client)
    socket, accepted = await socket_open(origin=None, ticket=ticket)
    assert accepted
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from() == {"type": "pong"}
    await socket.disconnect()
    _, accepted = await socket_open(origin=None, ticket=ticket)
    assert not accepted, "a ticket must not open a second socket"
    _, accepted = await socket_open(origin=None, ticket="made-up")
    assert not accepted
    # A ticket with a foreign Origin is still refused: the Origin is checked whenever it is sent.
    _, accepted = await socket_open(
        origin=b"https://evil.example", ticket=await ticket_for(world.client)
    )
    assert not accepted


async def test_expired_ticket_is_refused(world: World) -> None:
    ticket = await ticket_for(world.client)

    @database_sync_to_async
    def expire() -> None:
        from django.utils import timezone

        from server.accounts.models import WsTicket

        WsTicket.objects.update(expires_at=timezone.now())

    await expire()
    _, accepted = await socket_open(origin=None, ticket=ticket)
    assert not accepted


async def test_each_person_receives_exactly_what_they_may_see(world: World) -> None:
    w = world
    people = {
        "owner": w.owner, "accountant": w.accountant, "assistant": w.assistant,
        "client": w.client, "client_member": w.client_member,
        "other_owner": w.other_owner, "other_client": w.other_client,
    }  # fmt: skip
    sockets = {name: (await socket_open(user))[0] for name, user in people.items()}
    shared = await publish_committed(w.company, audience="shared")
    internal = await publish_committed(w.company, audience="internal")
    sibling = await publish_committed(w.sibling_company, audience="internal")
    foreign = await publish_committed(w.other_company, audience="shared")
    expected = {
        "owner": [shared, internal, sibling],
        "accountant": [shared, internal],
        "assistant": [],
        "client": [shared],
        "client_member": [shared],
        "other_owner": [foreign],
        "other_client": [foreign],
    }
    for name, socket in sockets.items():
        received = [frame["id"] for frame in await frames_until_quiet(socket)]
        assert received == expected[name], name
        await socket.disconnect()


async def test_frame_shape_is_the_documented_protocol(world: World) -> None:
    socket, _ = await socket_open(world.client)
    event_id = await publish_committed(world.company, kind="company.updated", name="Alpha")
    frame = await socket.receive_json_from(timeout=3)
    assert set(frame) == {"type", "id", "company", "kind", "data", "at"}
    assert frame["type"] == "event" and frame["id"] == event_id
    assert frame["company"] == world.company.id
    assert frame["kind"] == "company.updated"
    assert frame["data"] == {"name": "Alpha"}
    assert frame["at"].endswith("Z")
    await socket.disconnect()


async def test_rolled_back_change_pushes_nothing_and_leaves_no_row(world: World) -> None:
    socket, _ = await socket_open(world.client)

    @database_sync_to_async
    def publish_then_fail() -> None:
        with pytest.raises(RuntimeError), transaction.atomic():
            publish(world.company, "test.ping", {}, "shared")
            raise RuntimeError("the change failed")

    before = await database_sync_to_async(Event.objects.count)()
    await publish_then_fail()
    assert await socket.receive_nothing(timeout=0.5)
    assert await database_sync_to_async(Event.objects.count)() == before
    await socket.disconnect()


async def test_resume_delivers_exactly_the_missed_events_in_order_once(world: World) -> None:
    socket, _ = await socket_open(world.client)
    seen = await publish_committed(world.company)
    assert (await socket.receive_json_from(timeout=3))["id"] == seen
    await socket.disconnect()

    missed = [await publish_committed(world.company, n=n) for n in range(50)]
    await publish_committed(world.other_company)  # not the client's: never replayed to it

    socket, _ = await socket_open(world.client, after=seen)
    live = await publish_committed(world.company, n="live")
    frames = await frames_until_quiet(socket)
    new = [frame["id"] for frame in frames if frame["id"] > seen]
    assert new == [*missed, live]
    # The lookback may repeat earlier events (the client drops those it has): each once, and
    # only of the client's own company.
    ids = [frame["id"] for frame in frames]
    assert len(ids) == len(set(ids)) and ids == sorted(ids)
    assert {frame["company"] for frame in frames} == {world.company.id}
    assert [frame["data"].get("n") for frame in frames if frame["id"] > seen] == [
        *range(50),
        "live",
    ]
    await socket.disconnect()


async def test_late_commit_is_not_lost_across_a_reconnect(world: World) -> None:
    """Ids are taken at insert: 102 can commit after 103 was delivered and the client left."""
    socket, _ = await socket_open(world.client)
    inserted, release = threading.Event(), threading.Event()
    early: dict[str, int] = {}

    def slow_publisher() -> None:
        with transaction.atomic():
            early["id"] = publish(world.company, "test.ping", {"who": "slow"}, "shared").id
            inserted.set()
            release.wait(10)

    slow = threading.Thread(target=slow_publisher)
    slow.start()
    await asyncio.get_running_loop().run_in_executor(None, inserted.wait, 10)
    later = await publish_committed(world.company, who="fast")
    assert later > early["id"]
    assert (await socket.receive_json_from(timeout=3))["id"] == later
    await socket.disconnect()

    release.set()
    await asyncio.get_running_loop().run_in_executor(None, slow.join, 10)
    from django.db import connections

    connections.close_all()

    socket, _ = await socket_open(world.client, after=later)
    ids = [frame["id"] for frame in await frames_until_quiet(socket)]
    assert early["id"] in ids, "the event that committed late must be replayed"
    assert ids == sorted(ids)
    await socket.disconnect()


async def test_late_commit_reaches_a_connected_client(world: World) -> None:
    socket, _ = await socket_open(world.client)
    inserted, release = threading.Event(), threading.Event()
    early: dict[str, int] = {}

    def slow_publisher() -> None:
        with transaction.atomic():
            early["id"] = publish(world.company, "test.ping", {"who": "slow"}, "shared").id
            inserted.set()
            release.wait(10)

    slow = threading.Thread(target=slow_publisher)
    slow.start()
    await asyncio.get_running_loop().run_in_executor(None, inserted.wait, 10)
    later = await publish_committed(world.company, who="fast")
    assert (await socket.receive_json_from(timeout=3))["id"] == later
    release.set()
    await asyncio.get_running_loop().run_in_executor(None, slow.join, 10)
    assert (await socket.receive_json_from(timeout=3))["id"] == early["id"]
    await socket.disconnect()


async def test_unknown_or_future_resume_point_asks_for_a_reload(world: World) -> None:
    await publish_committed(world.company)
    socket, _ = await socket_open(world.client, after=10**9)
    assert await socket.receive_json_from(timeout=3) == {"type": "reset"}
    await socket.disconnect()


async def test_too_large_a_gap_asks_for_a_reload(world: World, settings) -> None:
    settings.KONTOR_REPLAY_MAX_EVENTS = 5
    seen = await publish_committed(world.company)
    for _ in range(6):
        await publish_committed(world.company)
    socket, _ = await socket_open(world.client, after=seen)
    assert await socket.receive_json_from(timeout=3) == {"type": "reset"}
    # Live events still flow after the reset notice.
    live = await publish_committed(world.company)
    assert (await socket.receive_json_from(timeout=3))["id"] == live
    await socket.disconnect()


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("{not json", "bad_json"),
        ("[1, 2]", "bad_frame"),
        ('{"no": "type"}', "bad_frame"),
        ('{"type": 7}', "bad_frame"),
        ('{"type": "no.such.thing"}', "unknown_type"),
        (json.dumps({"type": "ping", "pad": "x" * (64 * 1024)}), "frame_too_large"),
    ],
)
async def test_bad_frames_get_an_error_and_the_socket_stays_open(
    world: World, frame: str, code: str
) -> None:
    socket, _ = await socket_open(world.client)
    await socket.send_to(text_data=frame)
    error = await socket.receive_json_from(timeout=3)
    assert error["type"] == "error" and error["code"] == code and error["message"]
    await socket.send_json_to({"type": "ping"})
    assert await socket.receive_json_from(timeout=3) == {"type": "pong"}
    await socket.disconnect()


async def test_binary_frames_are_refused(world: World) -> None:
    socket, _ = await socket_open(world.client)
    await socket.send_to(bytes_data=b"\x00\x01")
    assert (await socket.receive_json_from(timeout=3))["code"] == "bad_frame"
    await socket.disconnect()


async def test_a_flood_is_throttled_then_closed_without_touching_others(
    world: World, settings
) -> None:
    settings.KONTOR_WS_RATE, settings.KONTOR_WS_BURST = 5, 5
    flooder, _ = await socket_open(world.client)
    bystander, _ = await socket_open(world.client_member)
    for _ in range(20):
        await flooder.send_json_to({"type": "ping"})
    replies = [await flooder.receive_json_from(timeout=3) for _ in range(20)]
    assert replies[:5] == [{"type": "pong"}] * 5
    assert {r.get("code") for r in replies[5:]} == {"rate_limited"}

    for _ in range(200):
        await flooder.send_json_to({"type": "ping"})
    closed = False
    for _ in range(400):
        message = await flooder.receive_output(timeout=3)
        if message["type"] == "websocket.close":
            assert message["code"] == 1008
            closed = True
            break
    assert closed, "an abusive connection is closed with 1008"

    await bystander.send_json_to({"type": "ping"})
    assert await bystander.receive_json_from(timeout=3) == {"type": "pong"}
    event_id = await publish_committed(world.company)
    assert (await bystander.receive_json_from(timeout=3))["id"] == event_id
    await bystander.disconnect()


async def test_a_socket_renews_group_memberships_the_layer_forgot(world: World, settings) -> None:
    from channels.layers import get_channel_layer

    settings.KONTOR_WS_REJOIN_SECONDS = 0.2
    socket, _ = await socket_open(world.client)
    layer = get_channel_layer()
    # What channels-redis does on its own after the group expiry: forget the group's members.
    group_key = layer._group_key(f"company.{world.company.id}.shared")
    connection = layer.connection(layer.consistent_hash(group_key))
    await connection.delete(group_key)
    await asyncio.sleep(0.5)
    event_id = await publish_committed(world.company)
    assert (await socket.receive_json_from(timeout=3))["id"] == event_id
    await socket.disconnect()


@pytest.mark.slow
async def test_an_idle_socket_still_receives_after_the_layer_s_blocking_read(world: World) -> None:
    """channels-redis blocks 5 s per read; a Redis client timeout at or under that used to crash
    every idle consumer (close 1011) about every five seconds."""
    socket, _ = await socket_open(world.client)
    await asyncio.sleep(6.5)
    event_id = await publish_committed(world.company)
    assert (await socket.receive_json_from(timeout=3))["id"] == event_id
    await socket.disconnect()


async def test_an_open_socket_loses_a_company_when_the_assignment_ends(
    world: World, settings
) -> None:
    """The socket's reach (used by its actions and its groups) is renewed with the groups."""
    from channels.db import database_sync_to_async

    from chat.models import Thread
    from server.tenancy.models import Assignment

    settings.KONTOR_WS_REJOIN_SECONDS = 0.2
    thread = await database_sync_to_async(Thread.objects.get)(
        company=world.company, kind="permanent"
    )
    socket, _ = await socket_open(world.accountant)
    await socket.send_json_to({"type": "chat.read", "thread": thread.pk})
    assert await socket.receive_nothing(timeout=0.5)  # allowed: no answer, no error
    await database_sync_to_async(Assignment.objects.filter(user=world.accountant).delete)()
    await asyncio.sleep(0.6)
    # A row deleted behind the services' back is caught by the timer; the socket says so once.
    access = await socket.receive_json_from(timeout=3)
    assert access["type"] == "access" and world.company.pk not in access["companies"]
    await publish_committed(world.company, audience="internal")
    assert await socket.receive_nothing(timeout=0.5)
    await socket.send_json_to({"type": "chat.read", "thread": thread.pk})
    assert (await socket.receive_json_from(timeout=3))["code"] == "not_found"
    await socket.disconnect()
