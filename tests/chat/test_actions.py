"""Chat over the socket: chat.send/edit/delete/read/typing call the services and answer."""

from __future__ import annotations

import uuid

import pytest
from channels.db import database_sync_to_async

from chat.models import Message, Thread
from tests.factories import World, world_make
from tests.realtime.helpers import frames_until_quiet, socket_open

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(transactional_db: None) -> World:
    return world_make()


@database_sync_to_async
def _permanent(company) -> Thread:
    return Thread.objects.get(company=company, kind="permanent")


@database_sync_to_async
def _count() -> int:
    return Message.objects.count()


async def test_send_is_acked_delivered_and_idempotent(world: World) -> None:
    thread = await _permanent(world.company)
    client, _ = await socket_open(world.client)
    staff, _ = await socket_open(world.accountant)
    outsider, _ = await socket_open(world.other_client)
    client_id = str(uuid.uuid4())
    frame = {
        "type": "chat.send",
        "thread": thread.pk,
        "body": "Is invoice 7 paid?",
        "client_id": client_id,
    }
    await client.send_json_to(frame)
    replies = await frames_until_quiet(client)
    ack = next(r for r in replies if r["type"] == "ack")
    assert ack == {"type": "ack", "client_id": client_id, "message": ack["message"]}
    delivered = [f for f in await frames_until_quiet(staff) if f.get("kind") == "chat.message"]
    assert [f["data"]["id"] for f in delivered] == [ack["message"]]
    assert delivered[0]["data"]["body"] == "Is invoice 7 paid?"
    # A retry after a reconnect: the same id, no second message, no second event.
    await client.send_json_to(frame)
    again = next(r for r in await frames_until_quiet(client) if r["type"] == "ack")
    assert again["message"] == ack["message"]
    assert await _count() == 1
    assert await frames_until_quiet(staff) == []
    assert await frames_until_quiet(outsider) == []
    for socket in (client, staff, outsider):
        await socket.disconnect()


async def test_internal_note_reaches_staff_only(world: World) -> None:
    thread = await _permanent(world.company)
    client, _ = await socket_open(world.client)
    staff, _ = await socket_open(world.accountant)
    owner, _ = await socket_open(world.owner)
    note = {
        "type": "chat.send",
        "thread": thread.pk,
        "body": "late payer",
        "client_id": str(uuid.uuid4()),
        "internal": True,
    }
    await staff.send_json_to(note)
    assert any(f["type"] == "ack" for f in await frames_until_quiet(staff))
    owner_saw = [f for f in await frames_until_quiet(owner) if f.get("kind") == "chat.message"]
    assert owner_saw and owner_saw[0]["data"]["internal_note"] is True
    assert await frames_until_quiet(client) == []
    for socket in (client, staff, owner):
        await socket.disconnect()


async def test_edit_delete_read_and_typing(world: World) -> None:
    thread = await _permanent(world.company)
    client, _ = await socket_open(world.client)
    staff, _ = await socket_open(world.accountant)
    await client.send_json_to(
        {"type": "chat.send", "thread": thread.pk, "body": "v1", "client_id": str(uuid.uuid4())}
    )
    message_id = next(f for f in await frames_until_quiet(client) if f["type"] == "ack")["message"]
    await frames_until_quiet(staff)

    await client.send_json_to({"type": "chat.typing", "thread": thread.pk})
    typing = await frames_until_quiet(staff)
    assert typing == [{"type": "chat.typing", "company": world.company.pk, "thread": thread.pk,
                       "user": world.client.pk, "name": world.client.email}]  # fmt: skip
    await frames_until_quiet(client)

    await client.send_json_to({"type": "chat.edit", "message": message_id, "body": "v2"})
    edited = [f for f in await frames_until_quiet(staff) if f.get("kind") == "chat.message_edited"]
    assert edited[0]["data"]["body"] == "v2"
    await frames_until_quiet(client)

    await staff.send_json_to({"type": "chat.read", "thread": thread.pk})
    read = [f for f in await frames_until_quiet(client) if f.get("kind") == "chat.read"]
    assert (
        read[0]["data"]["user"] == world.accountant.pk
        and read[0]["data"]["last_read"] == message_id
    )
    assert read[0]["data"]["name"] == world.accountant.display_name  # "seen by Anna"

    await staff.send_json_to({"type": "chat.delete", "message": message_id})
    refused = [f for f in await frames_until_quiet(staff) if f["type"] == "ack"]
    assert refused  # office staff may remove a message (moderation); it leaves a tombstone
    deleted = [
        f for f in await frames_until_quiet(client) if f.get("kind") == "chat.message_deleted"
    ]
    assert deleted[0]["data"]["deleted_at"] and deleted[0]["data"]["body"] == ""
    for socket in (client, staff):
        await socket.disconnect()


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ({"type": "chat.send", "thread": "one", "body": "x", "client_id": "a"}, "bad_frame"),
        ({"type": "chat.send", "thread": 1, "body": "x"}, "bad_frame"),
        (
            {"type": "chat.send", "thread": 1, "body": "x", "client_id": "not-a-uuid"},
            "bad_client_id",
        ),
        (
            {"type": "chat.send", "thread": 1, "body": "   ", "client_id": str(uuid.uuid4())},
            "empty",
        ),
        ({"type": "chat.edit", "message": 999999, "body": "x"}, "not_found"),
        ({"type": "chat.read", "thread": 999999}, "not_found"),
    ],
)
async def test_bad_chat_frames_get_an_error(world: World, frame: dict, code: str) -> None:
    thread = await _permanent(world.company)
    if frame.get("thread") == 1:
        frame = {**frame, "thread": thread.pk}
    client, _ = await socket_open(world.client)
    await client.send_json_to(frame)
    error = await client.receive_json_from(timeout=3)
    assert error["type"] == "error" and error["code"] == code, error
    await client.disconnect()


async def test_no_one_writes_or_reads_another_company_s_thread(world: World) -> None:
    foreign = await _permanent(world.other_company)
    client, _ = await socket_open(world.client)
    for frame in (
        {"type": "chat.send", "thread": foreign.pk, "body": "hi", "client_id": str(uuid.uuid4())},
        {"type": "chat.read", "thread": foreign.pk},
        {"type": "chat.typing", "thread": foreign.pk},
    ):
        await client.send_json_to(frame)
        assert (await client.receive_json_from(timeout=3))["code"] == "not_found"
    assert await _count() == 0
    await client.disconnect()


@database_sync_to_async
def _internal_thread(world: World) -> Thread:
    from chat import services

    return services.thread_create(
        actor=world.owner, company=world.company, title="Margins", internal=True
    )


async def test_a_client_cannot_send_into_an_internal_thread_of_its_own_company(
    world: World,
) -> None:
    """chat.send checks the thread against the socket's reach without the ORM filter: the same
    rule (staff: every thread of their companies; clients: shared threads only)."""
    internal = await _internal_thread(world)
    client, _ = await socket_open(world.client)
    for thread_id in (internal.pk, 10**12):
        frame = {
            "type": "chat.send",
            "thread": thread_id,
            "body": "hi",
            "client_id": str(uuid.uuid4()),
        }
        await client.send_json_to(frame)
        assert (await client.receive_json_from(timeout=3))["code"] == "not_found"
    await client.disconnect()
    assert await _count() == 0
    staff, _ = await socket_open(world.accountant)
    frame = {
        "type": "chat.send",
        "thread": internal.pk,
        "body": "hi",
        "client_id": str(uuid.uuid4()),
    }
    await staff.send_json_to(frame)
    acks = [f for f in await frames_until_quiet(staff) if f["type"] == "ack"]
    assert len(acks) == 1 and await _count() == 1
    await staff.disconnect()
