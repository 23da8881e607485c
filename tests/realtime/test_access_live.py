"""Access follows every change at once, on real server processes (two daphnes, PostgreSQL, Redis).

For each change that narrows someone's reach, the person's socket is on one server and the change
and the company's events go through the other: the socket receives the company's events before
the change and none published after it, it is told within a second, the person's next HTTP
request answers 404 (or 401 when the credential itself ended), and a resume from before the
change returns nothing of the company. A widened reach reaches an open socket the same way.
"""

from __future__ import annotations

import asyncio
import json
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from channels.db import database_sync_to_async
from websockets.asyncio.client import ClientConnection, connect

from server.accounts.models import User
from server.accounts.passwords import password_token_issue
from server.accounts.services import api_token_issue
from server.realtime.models import Event
from server.tenancy.models import OfficeMember, StaffRole
from tests.factories import World, world_make

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# The issue's bound: a change is in force on every socket of the person within one second.
WITHIN = 1.0
CLOSE_SIGNED_OUT = 4401


@pytest.fixture
def world(transactional_db: None) -> World:
    return world_make()


@pytest.fixture
def servers(daphne_servers):
    """Two server processes sharing Redis: the change through one, the socket on the other."""
    return daphne_servers(), daphne_servers()


def _http(base: str, method: str, path: str, token: str, body: Any = None) -> tuple[int, Any]:
    request = urllib.request.Request(
        f"{base}/api/v1/{path}",
        data=None if body is None else json.dumps(body).encode(),
        method=method,
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as error:
        raw = error.read()
        return error.code, json.loads(raw) if raw else None


async def http(base: str, method: str, path: str, token: str, body: Any = None):
    return await asyncio.to_thread(_http, base, method, path, token, body)


@database_sync_to_async
def token_of(user: User) -> str:
    return api_token_issue(user=user, name="test")


@database_sync_to_async
def newest_event_id() -> int:
    return Event.objects.order_by("-id").values_list("id", flat=True).first() or 0


@dataclass
class Live:
    """A socket as a client program holds it: every frame kept with the moment it arrived."""

    socket: ClientConnection
    frames: list[tuple[float, dict[str, Any]]] = field(default_factory=list)
    closed_with: int | None = None
    reader: asyncio.Task | None = None

    @classmethod
    async def open(cls, server, token: str, after: int | None = None) -> Live:
        status, answer = await http(server.http_url, "POST", "ws-ticket/", token)
        assert status == 201, answer
        query = f"?ticket={answer['ticket']}" + (f"&after={after}" if after is not None else "")
        live = cls(await connect(server.ws_url + query))
        live.reader = asyncio.create_task(live._read())
        return live

    async def _read(self) -> None:
        try:
            async for text in self.socket:
                self.frames.append((time.monotonic(), json.loads(text)))
        finally:
            self.closed_with = self.socket.close_code

    def events(self, company: int, after: int = 0) -> list[int]:
        return [
            frame["id"]
            for _, frame in self.frames
            if frame["type"] == "event" and frame["company"] == company and frame["id"] > after
        ]

    def first(self, frame_type: str) -> tuple[float, dict[str, Any]] | None:
        return next(((at, f) for at, f in self.frames if f["type"] == frame_type), None)

    async def until(self, check: Callable[[], bool], timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while not check():
            assert time.monotonic() < deadline, f"not seen within {timeout} s: {self.frames}"
            await asyncio.sleep(0.02)

    async def close(self) -> None:
        await self.socket.close()
        if self.reader is not None:
            await asyncio.gather(self.reader, return_exceptions=True)


async def company_event(server, client_token: str, company_id: int, text: str) -> int:
    """A shared event of the company (a chat message of its client), published through `server`."""
    status, threads = await http(
        server.http_url, "GET", f"companies/{company_id}/threads/", client_token
    )
    assert status == 200, threads
    permanent = next(t["id"] for t in threads if t["kind"] == "permanent")
    status, answer = await http(
        server.http_url, "POST", f"threads/{permanent}/messages/", client_token,
        {"body": text, "client_id": str(uuid.uuid4())},
    )  # fmt: skip
    assert status == 201, answer
    return await newest_event_id()


Change = Callable[[World, Any, dict[str, str]], Awaitable[None]]


async def _unassigned(w: World, server, tokens: dict[str, str]) -> None:
    path = f"companies/{w.company.pk}/assignments/{w.accountant.pk}/"
    assert (await http(server.http_url, "DELETE", path, tokens["owner"]))[0] == 204


async def _removed_from_office(w: World, server, tokens: dict[str, str]) -> None:
    path = f"office/people/{w.accountant.pk}/"
    assert (await http(server.http_url, "DELETE", path, tokens["owner"]))[0] == 204


async def _deactivated_in_office(w: World, server, tokens: dict[str, str]) -> None:
    path = f"office/people/{w.accountant.pk}/"
    status, _ = await http(server.http_url, "PATCH", path, tokens["owner"], {"active": False})
    assert status == 200


async def _company_detached(w: World, server, tokens: dict[str, str]) -> None:
    path = f"companies/{w.company.pk}/detach/"
    assert (await http(server.http_url, "POST", path, tokens["owner"]))[0] == 204


NARROWING: dict[str, Change] = {
    "unassigned": _unassigned,
    "removed from the office": _removed_from_office,
    "deactivated in the office": _deactivated_in_office,
    "company detached from the office": _company_detached,
}


async def _assert_cut(
    w: World, servers, live: Live, token: str, boundary: int, changed_at: float
) -> None:
    """After a change that took the company from the person behind `live`."""
    first, _second = servers
    client = await token_of(w.client)
    # Events published after the change never reach the socket, on either process.
    late = [await company_event(first, client, w.company.pk, f"After {n}") for n in range(3)]
    await asyncio.sleep(WITHIN)
    assert not set(live.events(w.company.pk)) & set(late)
    assert live.events(w.company.pk, after=boundary) == []
    # The socket was told, within the bound, that its reach changed.
    told = live.first("access")
    assert told is not None and w.company.pk not in told[1]["companies"]
    assert told[0] - changed_at < WITHIN
    # Their next HTTP request: the company is not found.
    status, answer = await http(first.http_url, "GET", f"companies/{w.company.pk}/", token)
    assert (status, answer["code"]) == (404, "not_found")


@pytest.mark.parametrize("change", list(NARROWING), ids=list(NARROWING))
async def test_a_narrowed_reach_cuts_the_accountant_s_socket_at_once(
    world: World, servers, change: str
) -> None:
    first, second = servers
    w = world
    tokens = {"owner": await token_of(w.owner)}
    accountant, client = await token_of(w.accountant), await token_of(w.client)
    before = await newest_event_id()
    live = await Live.open(second, accountant)
    try:
        seen = await company_event(first, client, w.company.pk, "Before the change")
        await live.until(lambda: seen in live.events(w.company.pk))

        await NARROWING[change](w, first, tokens)
        changed_at, boundary = time.monotonic(), await newest_event_id()
        await _assert_cut(w, servers, live, accountant, boundary, changed_at)
        assert live.closed_with is None, "a narrowed reach keeps the socket open"
    finally:
        await live.close()

    # A resume from before the change returns nothing of the company, not even older events.
    resumed = await Live.open(second, accountant, after=before)
    try:
        await asyncio.sleep(0.5)
        assert resumed.events(w.company.pk) == []
    finally:
        await resumed.close()


async def test_a_lowered_role_narrows_an_owner_s_socket(world: World, servers) -> None:
    first, second = servers
    w = world
    second_owner = await database_sync_to_async(User.objects.create_user)(
        email="second.owner@example.test", password="x" * 12
    )
    await database_sync_to_async(OfficeMember.objects.create)(
        office=w.office, user=second_owner, role=StaffRole.OWNER
    )
    owner, demoted = await token_of(w.owner), await token_of(second_owner)
    live = await Live.open(second, demoted)
    try:
        seen = await company_event(first, await token_of(w.client), w.company.pk, "Seen by both")
        await live.until(lambda: seen in live.events(w.company.pk))
        status, _ = await http(
            first.http_url, "PATCH", f"office/people/{second_owner.pk}/", owner,
            {"role": "accountant"},
        )  # fmt: skip
        assert status == 200
        changed_at, boundary = time.monotonic(), await newest_event_id()
        await _assert_cut(w, servers, live, demoted, boundary, changed_at)
    finally:
        await live.close()


async def test_a_client_removed_by_their_company_loses_it_at_once(world: World, servers) -> None:
    first, second = servers
    w = world
    admin, member = await token_of(w.client), await token_of(w.client_member)
    live = await Live.open(second, member)
    try:
        seen = await company_event(first, admin, w.company.pk, "Before")
        await live.until(lambda: seen in live.events(w.company.pk))
        path = f"companies/{w.company.pk}/people/{w.client_member.pk}/"
        assert (await http(first.http_url, "DELETE", path, admin))[0] == 204
        changed_at, boundary = time.monotonic(), await newest_event_id()
        await _assert_cut(w, servers, live, member, boundary, changed_at)
    finally:
        await live.close()


async def _assert_signed_out(live: Live, changed_at: float) -> None:
    await live.until(lambda: live.closed_with is not None, timeout=WITHIN)
    assert live.closed_with == CLOSE_SIGNED_OUT
    told = live.first("signed_out")
    assert told is not None and told[0] - changed_at < WITHIN


async def test_signing_out_closes_the_sockets_opened_with_that_token_only(
    world: World, servers
) -> None:
    first, second = servers
    w = world
    signing_out, other = await token_of(w.accountant), await token_of(w.accountant)
    ending, staying = await Live.open(second, signing_out), await Live.open(first, other)
    try:
        assert (await http(first.http_url, "POST", "auth/sign-out/", signing_out))[0] == 204
        changed_at = time.monotonic()
        await _assert_signed_out(ending, changed_at)
        assert (await http(first.http_url, "GET", "me/", signing_out))[0] == 401
        # The person's other client keeps its socket and its token.
        seen = await company_event(first, await token_of(w.client), w.company.pk, "Still here")
        await staying.until(lambda: seen in staying.events(w.company.pk))
        assert staying.closed_with is None
        assert (await http(first.http_url, "GET", "me/", other))[0] == 200
    finally:
        await ending.close()
        await staying.close()


async def test_revoking_a_token_closes_its_sockets(world: World, servers) -> None:
    first, second = servers
    w = world
    kept, revoked = await token_of(w.client), await token_of(w.client)
    live = await Live.open(second, revoked)
    try:
        status, tokens = await http(first.http_url, "GET", "me/tokens/", kept)
        assert status == 200
        target = next(t["id"] for t in tokens if not t["current"])
        assert (await http(first.http_url, "DELETE", f"me/tokens/{target}/", kept))[0] == 204
        await _assert_signed_out(live, time.monotonic())
        assert (await http(first.http_url, "GET", f"companies/{w.company.pk}/", revoked))[0] == 401
        # A ticket issued with the revoked token before it ended no longer opens a socket.
    finally:
        await live.close()


async def test_a_new_password_signs_out_every_socket_and_token(world: World, servers) -> None:
    first, second = servers
    w = world
    tokens = [await token_of(w.client), await token_of(w.client)]
    sockets = [await Live.open(second, tokens[0]), await Live.open(first, tokens[1])]
    link = await database_sync_to_async(password_token_issue)(user=w.client, purpose="reset")
    try:
        status, _ = await http(
            first.http_url, "POST", "auth/password-reset/confirm/", tokens[0],
            {"token": link, "password": "a brand new long password"},
        )  # fmt: skip
        assert status == 204
        changed_at = time.monotonic()
        for live in sockets:
            await _assert_signed_out(live, changed_at)
        for token in tokens:
            assert (await http(first.http_url, "GET", "me/", token))[0] == 401
    finally:
        for live in sockets:
            await live.close()


async def test_a_deactivated_account_is_signed_out_everywhere(world: World, servers) -> None:
    from server.accounts.services import user_account_changed

    first, second = servers
    w = world
    token = await token_of(w.accountant)
    live = await Live.open(second, token)
    try:

        @database_sync_to_async
        def deactivate() -> None:
            User.objects.filter(pk=w.accountant.pk).update(is_active=False)
            user_account_changed(actor=w.owner, user=w.accountant, change="deactivated")

        await deactivate()
        await _assert_signed_out(live, time.monotonic())
        assert (await http(first.http_url, "GET", "me/", token))[0] == 401
    finally:
        await live.close()


async def test_a_widened_reach_reaches_the_open_socket_without_a_reload(
    world: World, servers
) -> None:
    first, second = servers
    w = world
    owner, assistant = await token_of(w.owner), await token_of(w.assistant)
    client = await token_of(w.client)
    live = await Live.open(second, assistant)
    try:
        hidden = await company_event(first, client, w.company.pk, "Before the assignment")
        await asyncio.sleep(0.5)
        assert hidden not in live.events(w.company.pk)
        path = f"companies/{w.company.pk}/assignments/"
        status, _ = await http(first.http_url, "POST", path, owner, {"user": w.assistant.pk})
        assert status == 201
        changed_at = time.monotonic()
        seen = await company_event(first, client, w.company.pk, "After the assignment")
        await live.until(lambda: seen in live.events(w.company.pk), timeout=WITHIN)
        told = live.first("access")
        assert told is not None and w.company.pk in told[1]["staff"]
        assert told[0] - changed_at < WITHIN
        # The office-only event of the assignment itself reached the newly assigned socket too.
        kinds = [f["kind"] for _, f in live.frames if f["type"] == "event"]
        assert "company.assignment" in kinds
        assert (await http(first.http_url, "GET", f"companies/{w.company.pk}/", assistant))[
            0
        ] == 200
    finally:
        await live.close()


async def test_a_person_added_to_a_company_sees_it_live(world: World, servers) -> None:
    first, second = servers
    w = world
    newcomer = await token_of(w.other_client)  # a client of another office's company
    live = await Live.open(second, newcomer)
    try:
        path = f"companies/{w.company.pk}/people/"
        status, _ = await http(
            first.http_url, "POST", path, await token_of(w.client),
            {"email": w.other_client.email, "role": "client_member"},
        )  # fmt: skip
        assert status == 201
        seen = await company_event(first, await token_of(w.client), w.company.pk, "Welcome")
        await live.until(lambda: seen in live.events(w.company.pk), timeout=WITHIN)
        told = live.first("access")
        assert told is not None and w.company.pk in told[1]["companies"]
        assert w.company.pk not in told[1]["staff"]
    finally:
        await live.close()


async def test_a_change_while_redis_is_down_commits_and_holds_on_reconnect(
    world: World, daphne_servers, private_redis
) -> None:
    """The signal cannot travel while Redis is away; the change still commits and answers, and
    the reconnecting socket computes its reach afresh: nothing of the lost company comes back."""
    from websockets.exceptions import InvalidHandshake

    w = world
    server = daphne_servers({"REDIS_URL": private_redis.url})
    owner, accountant, client = [await token_of(u) for u in (w.owner, w.accountant, w.client)]
    before = await newest_event_id()
    live = await Live.open(server, accountant)
    seen = await company_event(server, client, w.company.pk, "Before Redis went away")
    await live.until(lambda: seen in live.events(w.company.pk))
    await live.close()

    private_redis.stop()
    path = f"companies/{w.company.pk}/assignments/{w.accountant.pk}/"
    assert (await http(server.http_url, "DELETE", path, owner))[0] == 204
    assert (await http(server.http_url, "GET", f"companies/{w.company.pk}/", accountant))[0] == 404
    private_redis.start()

    deadline = time.monotonic() + 30
    while True:
        try:
            resumed = await Live.open(server, accountant, after=before)
            break
        except (InvalidHandshake, OSError):
            assert time.monotonic() < deadline, "the server did not take sockets again"
            await asyncio.sleep(0.5)
    try:
        later = await company_event(server, client, w.company.pk, "After Redis came back")
        await asyncio.sleep(WITHIN)
        assert resumed.events(w.company.pk) == [], "nothing of the lost company, old or new"
        assert later not in resumed.events(w.company.pk)
    finally:
        await resumed.close()
