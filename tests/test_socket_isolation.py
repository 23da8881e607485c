"""The socket side of isolation: every event kind reaches exactly the sockets whose reach includes
it at the moment of delivery, before and after a change of who sees what (tests/isolation.py)."""

from __future__ import annotations

import importlib
import re

import pytest
from channels.db import database_sync_to_async

from server.tenancy.services import assignment_add, assignment_remove, company_person_remove
from tests.factories import World, world_make
from tests.realtime.helpers import frames_until_quiet, publish_committed, socket_open

from .isolation import SOCKET_EVENTS

pytestmark = pytest.mark.django_db(transaction=True)

EVENT_MODULES = (
    "server.tenancy.events",
    "dossier.events",
    "chat.events",
    "calendar_app.events",
    "bookkeeping.events",
    "bookkeeping.invoices.events",
)
KIND = re.compile(r"^[a-z_]+\.[a-z_]+$")


def _published_kinds() -> set[str]:
    kinds: set[str] = set()
    for name in EVENT_MODULES:
        module = importlib.import_module(name)
        kinds |= {
            value
            for attribute, value in vars(module).items()
            if attribute.isupper() and isinstance(value, str) and KIND.match(value)
        }
    return kinds


def test_every_published_event_kind_is_in_the_socket_register() -> None:
    kinds = _published_kinds()
    assert kinds - set(SOCKET_EVENTS) == set(), "add these kinds to tests/isolation.py"
    assert set(SOCKET_EVENTS) - kinds == set(), "tests/isolation.py names kinds nobody publishes"


@pytest.fixture
def world(transactional_db: None) -> World:
    return world_make()


PEOPLE = ("owner", "accountant", "assistant", "client", "client_member", "other_owner",
          "other_client")  # fmt: skip


async def _deliveries(world: World, sockets: dict) -> dict[str, set[tuple[str, str]]]:
    """Publish every kind at every audience it may carry, to `company`; who got which."""
    ids: dict[int, tuple[str, str]] = {}
    for kind, audiences in SOCKET_EVENTS.items():
        for audience in audiences:
            ids[await publish_committed(world.company, kind=kind, audience=audience)] = (
                kind,
                audience,
            )
    received = {}
    for name, socket in sockets.items():
        frames = await frames_until_quiet(socket)
        received[name] = {ids[f["id"]] for f in frames if f.get("type") == "event"}
    return received


def _expected(seers_shared: set[str], seers_internal: set[str]) -> dict[str, set]:
    every = {(k, a) for k, audiences in SOCKET_EVENTS.items() for a in audiences}
    shared = {item for item in every if item[1] == "shared"}
    return {
        name: every if name in seers_internal else shared if name in seers_shared else set()
        for name in PEOPLE
    }


async def test_each_kind_reaches_exactly_the_sockets_whose_reach_includes_it(
    world: World,
) -> None:
    w = world
    sockets = {name: (await socket_open(getattr(w, name)))[0] for name in PEOPLE}
    try:
        received = await _deliveries(w, sockets)
        assert received == _expected(
            {"owner", "accountant", "client", "client_member"}, {"owner", "accountant"}
        )

        # Who sees what changes while the sockets stay open: the accountant is taken off the
        # company, the client member removed by the company, the assistant assigned to it.
        @database_sync_to_async
        def change() -> None:
            assignment_remove(actor=w.owner, company=w.company, user_id=w.accountant.pk)
            company_person_remove(actor=w.client, company=w.company, user_id=w.client_member.pk)
            assignment_add(actor=w.owner, company=w.company, user_id=w.assistant.pk)

        await change()
        for socket in sockets.values():
            await frames_until_quiet(socket)  # the change's own frames (access, events)
        received = await _deliveries(w, sockets)
        assert received == _expected({"owner", "assistant", "client"}, {"owner", "assistant"})
    finally:
        for socket in sockets.values():
            await socket.disconnect()
