"""The pages in a real browser: Debian's chromium through Playwright, against a daphne process.

The browser's socket goes to daphne; the changes are made through the REST API of the same
daphne process, so every event travels the whole way: service, outbox, Redis, socket, page.
"""

from __future__ import annotations

import json
import shutil
import time
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TypeVar

import pytest
from django.db import connections
from playwright.sync_api import Browser, ConsoleMessage, Page, expect, sync_playwright

from server.accounts.services import api_token_get_or_create
from server.realtime.models import Event
from tests.factories import PASSWORD, World, world_make
from tests.servers import DaphneServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

T = TypeVar("T")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def world(transactional_db: None) -> World:
    return world_make()


@pytest.fixture
def server(daphne_servers) -> Iterator[DaphneServer]:
    started = daphne_servers()
    yield started
    print(f"--- daphne log ---\n{started.log()[-5000:]}")  # shown when the test fails


def orm(query: Callable[[], T]) -> T:
    """Run a database call while the browser is open.

    Playwright's sync API keeps an event loop running in this thread, so Django would refuse the
    call here, and with DJANGO_ALLOW_ASYNC_UNSAFE it would open a second connection that nobody
    closes (the test database then cannot be dropped). A short-lived thread has neither problem.
    """

    def run() -> T:
        try:
            return query()
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def token_of(user) -> str:
    return orm(lambda: api_token_get_or_create(user=user))


@pytest.fixture
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is not installed (./dev test installs it).")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class Tab:
    """A page plus every script error it logged; a page that threw is a failed test."""

    page: Page
    errors: list[str] = field(default_factory=list)

    def assert_no_script_errors(self) -> None:
        assert self.errors == [], self.errors


def tab_open(browser: Browser, **context_options) -> Tab:
    page = browser.new_context(**context_options).new_page()
    tab = Tab(page)

    def console(message: ConsoleMessage) -> None:
        where = message.location.get("url", "")
        if message.type == "error" and "/ws/" not in message.text + where:  # a retried socket
            tab.errors.append(f"{message.text} ({where})")

    page.on("console", console)
    page.on("pageerror", lambda error: tab.errors.append(str(error)))
    return tab


def sign_in(tab: Tab, server: DaphneServer, email: str) -> None:
    page = tab.page
    page.goto(f"{server.http_url}/signin/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Companies", level=1)).to_be_visible()


def live(page: Page) -> None:
    expect(page.locator("#live-state")).to_have_text("Live")


def company_patch(server: DaphneServer, token: str, company_id: int, **changes: str) -> None:
    request = urllib.request.Request(
        f"{server.http_url}/api/v1/companies/{company_id}/",
        data=json.dumps(changes).encode(),
        method="PATCH",
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200


def deliveries_count(page: Page) -> None:
    """Count, in the page, how often each event id reaches it, to catch duplicates."""
    page.evaluate(
        """() => {
            window.delivered = {};
            document.addEventListener("kontor:event", (e) => {
                window.delivered[e.detail.id] = (window.delivered[e.detail.id] || 0) + 1;
            });
        }"""
    )


def test_static_files_are_served_by_the_asgi_app(server: DaphneServer) -> None:
    for name in ("kontor/live.js", "kontor/pages.js", "kontor/kontor.css"):
        with urllib.request.urlopen(f"{server.http_url}/static/{name}", timeout=10) as response:
            assert response.status == 200, name
            kind = "css" if name.endswith(".css") else "javascript"
            assert kind in response.headers["Content-Type"], name


def test_workspace_heading_follows_a_rename_without_reload(
    world: World, server: DaphneServer, browser: Browser
) -> None:
    token = token_of(world.accountant)
    tab = tab_open(browser)
    page = tab.page
    sign_in(tab, server, world.accountant.email)
    page.get_by_role("link", name="Alpha BV").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Alpha BV")
    expect(page.get_by_role("link", name="Chat")).to_have_attribute("aria-current", "page")
    live(page)
    page.evaluate("window.notReloaded = true")

    company_patch(server, token, world.company.id, name="Alpha Renamed BV", vat_regime="quarterly")

    expect(heading).to_have_text("Alpha Renamed BV")
    expect(page.locator('[data-company-field="vat_regime"]')).to_have_text("Quarterly returns")
    expect(page).to_have_title("Chat · Alpha Renamed BV · Kontor")
    assert page.evaluate("window.notReloaded") is True
    tab.assert_no_script_errors()


def test_a_dropped_socket_resumes_and_misses_nothing(
    world: World, server: DaphneServer, browser: Browser
) -> None:
    token = token_of(world.accountant)
    tab = tab_open(browser)
    page = tab.page
    sign_in(tab, server, world.accountant.email)
    page.goto(f"{server.http_url}/companies/{world.company.id}/books/")
    live(page)
    deliveries_count(page)
    page.evaluate("window.notReloaded = true")
    heading = page.get_by_role("heading", level=1)
    company_patch(server, token, world.company.id, name="First")
    expect(heading).to_have_text("First")

    page.evaluate("window.kontorLive.socket.close()")
    expect(page.locator("#live-state")).to_have_text("Reconnecting…")
    company_patch(server, token, world.company.id, name="Second")
    company_patch(server, token, world.company.id, name="Third")

    live(page)
    expect(heading).to_have_text("Third")
    newest = orm(lambda: Event.objects.order_by("-id").values_list("id", flat=True).first())
    page.wait_for_function(f"window.kontorLive.highest === {newest}")
    # The resume replays a lookback window that includes "First": it must not be delivered twice.
    delivered = page.evaluate("window.delivered")
    assert len(delivered) == 3
    assert set(delivered.values()) == {1}, delivered
    assert page.evaluate("window.notReloaded") is True
    tab.assert_no_script_errors()


def test_offline_page_catches_up_when_back_online(
    world: World, server: DaphneServer, browser: Browser
) -> None:
    token = token_of(world.accountant)
    tab = tab_open(browser)
    page = tab.page
    sign_in(tab, server, world.accountant.email)
    row = page.locator(f'tr[data-company-id="{world.company.id}"]')
    live(page)

    page.context.set_offline(True)
    expect(page.locator("#live-state")).to_have_text("Offline")
    company_patch(server, token, world.company.id, name="Changed while offline")
    company_patch(server, token, world.company.id, name="Changed twice while offline")
    expect(row.get_by_role("link")).to_have_text("Alpha BV")  # nothing can arrive meanwhile

    page.context.set_offline(False)
    live(page)
    expect(row.get_by_role("link")).to_have_text("Changed twice while offline")
    tab.assert_no_script_errors()


def test_a_gap_too_old_to_replay_reloads_the_page(
    world: World, server: DaphneServer, browser: Browser
) -> None:
    token = token_of(world.accountant)
    tab = tab_open(browser)
    page = tab.page
    sign_in(tab, server, world.accountant.email)
    live(page)
    company_patch(server, token, world.company.id, name="Before the prune")
    row_link = page.locator(f'tr[data-company-id="{world.company.id}"] a')
    expect(row_link).to_have_text("Before the prune")
    page.evaluate("window.notReloaded = true")

    orm(lambda: Event.objects.all().delete())  # what retention does to a client away too long
    page.evaluate("window.kontorLive.socket.close()")

    # The server answers the resume with "reset"; the page reloads its state over HTTP.
    page.wait_for_function("window.notReloaded === undefined")
    live(page)
    expect(row_link).to_have_text("Before the prune")
    tab.assert_no_script_errors()


def test_refused_reconnects_back_off(world: World, server: DaphneServer, browser: Browser) -> None:
    tab = tab_open(browser)
    page = tab.page
    sign_in(tab, server, world.client.email)
    live(page)
    attempts: list[float] = []
    page.on("websocket", lambda _socket: attempts.append(time.monotonic()))
    page.context.clear_cookies()  # signed out elsewhere: every new handshake is refused

    page.evaluate("window.kontorLive.socket.close()")
    expect(page.locator("#live-state")).to_have_text("Reconnecting…")
    page.wait_for_timeout(3000)

    # Waits of 0.25-0.5 s, then 0.5-1 s, then 1-2 s: at most three tries in three seconds, where a
    # fixed delay would have made six or more.
    assert 1 <= len(attempts) <= 3, attempts
    gaps = [later - earlier for earlier, later in pairwise(attempts)]
    assert gaps == sorted(gaps), f"the waits must grow: {gaps}"
    expect(page.locator("#live-state")).to_have_text("Reconnecting…")
    tab.assert_no_script_errors()


def test_home_on_a_phone(world: World, server: DaphneServer, browser: Browser) -> None:
    token = token_of(world.owner)
    tab = tab_open(browser, viewport={"width": 360, "height": 740}, device_scale_factor=2)
    page = tab.page
    sign_in(tab, server, world.owner.email)
    live(page)
    company_patch(server, token, world.sibling_company.id, name="Sibling Renamed sp. z o.o.")
    row = page.locator(f'tr[data-company-id="{world.sibling_company.id}"]')
    expect(row.get_by_role("link")).to_have_text("Sibling Renamed sp. z o.o.")

    # Nothing wider than the screen, and the controls a person needs are on it.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    table = page.locator(".table-wrap")
    assert table.evaluate("(wrap) => wrap.scrollWidth <= wrap.clientWidth"), (
        "the list scrolls sideways"
    )
    for control in (
        page.get_by_role("button", name="Sign out"),
        page.get_by_role("link", name="Alpha BV"),
        page.locator("#live-state"),
    ):
        box = control.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
    page.screenshot(path="/tmp/kontor-home-phone.png", full_page=True)

    page.get_by_role("link", name="Alpha BV").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Alpha BV")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.screenshot(path="/tmp/kontor-workspace-phone.png", full_page=True)
    tab.assert_no_script_errors()


def test_keyboard_user_can_skip_to_the_content(
    world: World, server: DaphneServer, browser: Browser
) -> None:
    tab = tab_open(browser)
    page = tab.page
    sign_in(tab, server, world.client.email)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid", "the focused link must show a focus outline"
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
    tab.assert_no_script_errors()
