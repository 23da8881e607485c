"""The pages in a real browser: Debian's chromium through Playwright, against a daphne process.

The browser's socket goes to daphne; the changes are made through the REST API of the same
daphne process, so every event travels the whole way: service, outbox, Redis, socket, page.
"""

from __future__ import annotations

import time
import urllib.request
from itertools import pairwise

import pytest
from playwright.sync_api import Browser, expect

from server.realtime.models import Event
from tests.factories import World, world_make
from tests.servers import DaphneServer

from .browsing import api_call, deliveries_count, live, orm, sign_in, tab_open, token_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db: None) -> World:
    return world_make()


def company_patch(server: DaphneServer, token: str, company_id: int, **changes: str) -> None:
    api_call(server, token, "PATCH", f"companies/{company_id}/", changes)


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
    # (The window may also hold events from before the page, such as the new companies' own.)
    delivered = page.evaluate("window.delivered")
    assert [seen["kind"] for seen in delivered.values()].count("company.updated") == 3, delivered
    assert {seen["times"] for seen in delivered.values()} == {1}, delivered
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
