"""Fixtures of the browser tests: one daphne process and Debian's chromium per test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.servers import DaphneServer

from .browsing import CHROMIUM_ARGS


@pytest.fixture
def server(daphne_servers) -> Iterator[DaphneServer]:
    started = daphne_servers()
    yield started
    print(f"--- daphne log ---\n{started.log()[-5000:]}")  # shown when the test fails


@pytest.fixture
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is not installed (./dev test installs it).")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield launched
        launched.close()
