"""Helpers of the browser tests: Debian's chromium through Playwright, against a daphne process."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import connections
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from server.accounts.services import api_token_issue
from tests.factories import PASSWORD
from tests.servers import DaphneServer

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
    return orm(lambda: api_token_issue(user=user))


@dataclass
class Tab:
    """A page plus every script error it logged; a page that threw is a failed test."""

    page: Page
    errors: list[str] = field(default_factory=list)

    def assert_no_script_errors(self, expected: tuple[str, ...] = ()) -> None:
        """`expected`: parts of messages the test caused on purpose (a refused upload)."""
        unexpected = [error for error in self.errors if not any(e in error for e in expected)]
        assert unexpected == [], unexpected


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


def api_call(
    server: DaphneServer, token: str, method: str, path: str, body: dict[str, Any] | None = None
) -> Any:
    """A JSON call to the REST API of the daphne process, as another user would make it."""
    request = urllib.request.Request(
        f"{server.http_url}/api/v1/{path}",
        data=None if body is None else json.dumps(body).encode(),
        method=method,
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert 200 <= response.status < 300, response.status
        raw = response.read()
    return json.loads(raw) if raw else None


def deliveries_count(page: Page) -> None:
    """Count, in the page, how often each event id reaches it, to catch duplicates:
    `window.delivered` is {id: {kind, times}}."""
    page.evaluate(
        """() => {
            window.delivered = {};
            document.addEventListener("kontor:event", (e) => {
                const seen = window.delivered[e.detail.id] ?? {kind: e.detail.kind, times: 0};
                seen.times += 1;
                window.delivered[e.detail.id] = seen;
            });
        }"""
    )
