"""The people pages and the password link in a real browser, and how open pages follow a change
of someone's access.

The daphne process prints its e-mails (the console backend) into its log: the test reads the
invitation link from there, as the new person would from their mailbox.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from server.accounts.models import User
from tests.factories import World, world_make
from tests.servers import DaphneServer

from .browsing import Tab, api_call, live, orm, sign_in, tab_open, token_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
NEW_PASSWORD = "a long and quiet river"


@pytest.fixture
def world(transactional_db: None) -> World:
    return world_make()


@pytest.fixture
def mail_server(daphne_servers) -> Iterator[DaphneServer]:
    """A daphne whose e-mails go to its log, whatever the environment says."""
    started = daphne_servers({"EMAIL_URL": "console://"})
    yield started
    print(f"--- daphne log ---\n{started.log()[-5000:]}")  # shown when the test fails


def mailed_link(server: DaphneServer, address: str, timeout: float = 10.0) -> str:
    """The path of the last password link mailed to `address`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        mails = server.log().split(f"To: {address}")
        if len(mails) > 1:
            found = re.findall(r"https?://[^/\s]+(/password/[A-Za-z0-9_-]+/)", mails[-1])
            if found:
                return found[0]
        time.sleep(0.1)
    raise AssertionError(f"No password link was mailed to {address}.")


def fits(page: Page) -> None:
    """Nothing sticks out sideways (the page works without horizontal scrolling)."""
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_owner_adds_an_accountant_who_sets_a_password_and_signs_in(
    world: World, mail_server: DaphneServer, browser: Browser, viewport: dict[str, int]
) -> None:
    owner = tab_open(browser, viewport=viewport)
    sign_in(owner, mail_server, world.owner.email)
    page = owner.page
    page.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("People of Office A")
    fits(page)

    page.get_by_label("E-mail address").fill("nina@example.test")
    page.get_by_label("Name").fill("Nina New")
    page.get_by_label("Role", exact=True).first.select_option(label="Accountant")
    page.get_by_role("button", name="Add", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Nina New was added")).to_be_visible()
    nina = orm(lambda: User.objects.get(email="nina@example.test"))
    card = page.locator(f"#person-{nina.pk}")
    expect(card).to_contain_text("nina@example.test")
    expect(card).to_contain_text("Accountant")
    expect(card).to_contain_text("Not assigned to any company yet.")

    card.get_by_label("Assign to").select_option(label="Alpha BV")
    card.get_by_role("button", name=re.compile(r"^Assign\b")).click()
    expect(page.get_by_role("status").filter(has_text="is assigned to Alpha BV")).to_be_visible()
    expect(page.locator(f"#person-{nina.pk} .assigned")).to_contain_text("Alpha BV")
    fits(page)

    # Nina follows the link of her invitation, in a browser of her own.
    newcomer = tab_open(browser, viewport=viewport)
    mine = newcomer.page
    mine.goto(mail_server.http_url + mailed_link(mail_server, "nina@example.test"))
    expect(mine.get_by_role("heading", level=1)).to_have_text("Choose a password")
    fits(mine)
    mine.get_by_label("New password").fill(NEW_PASSWORD)
    mine.get_by_label("Repeat the password").fill(NEW_PASSWORD)
    mine.get_by_role("button", name="Set the password").click()
    expect(mine.get_by_role("status")).to_have_text("Your password is set. Sign in with it.")
    mine.get_by_label("E-mail address").fill("nina@example.test")
    mine.get_by_label("Password").fill(NEW_PASSWORD)
    mine.get_by_role("button", name="Sign in").click()
    expect(mine.get_by_role("heading", name="Companies", level=1)).to_be_visible()
    expect(mine.get_by_role("link", name="Alpha BV")).to_be_visible()
    expect(mine.get_by_role("link", name="Sibling sp. z o.o.")).to_have_count(0)
    owner.assert_no_script_errors()
    newcomer.assert_no_script_errors()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_forgot_password_is_offered_on_the_sign_in_page(
    mail_server: DaphneServer, browser: Browser, viewport: dict[str, int]
) -> None:
    tab = tab_open(browser, viewport=viewport)
    page = tab.page
    page.goto(f"{mail_server.http_url}/signin/")
    link = page.get_by_role("link", name="Forgot password?")
    expect(link).to_be_visible()
    expect(link).to_be_in_viewport()
    fits(page)
    link.click()
    page.get_by_label("E-mail address").fill("nobody@example.test")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("status")).to_have_text(
        "If an account has this address, a link is on its way."
    )
    fits(page)


def test_an_open_workspace_says_when_its_company_goes_out_of_reach(
    world: World, mail_server: DaphneServer, browser: Browser
) -> None:
    token = token_of(world.owner)
    accountant = tab_open(browser)
    sign_in(accountant, mail_server, world.accountant.email)
    page = accountant.page
    page.goto(f"{mail_server.http_url}/companies/{world.company.id}/chat/")
    live(page)
    page.evaluate(
        """() => document.addEventListener("kontor:access", (e) => {
            window.accessSeen = e.detail;
        })"""
    )

    api_call(
        mail_server,
        token,
        "DELETE",
        f"companies/{world.company.id}/assignments/{world.accountant.id}/",
    )

    banner = page.get_by_role("alert").filter(has_text="You no longer have access to this company.")
    expect(banner).to_be_visible()
    expect(banner.get_by_role("link", name="Go to the home page")).to_have_attribute("href", "/")
    assert page.evaluate("window.accessSeen.companies") == []
    assert page.evaluate("window.kontorLive.stopped") is True
    accountant.assert_no_script_errors()


def test_the_home_page_reloads_when_the_person_gains_a_company(
    world: World, mail_server: DaphneServer, browser: Browser
) -> None:
    token = token_of(world.owner)
    assistant = tab_open(browser)
    sign_in(assistant, mail_server, world.assistant.email)
    page = assistant.page
    live(page)
    expect(page.get_by_role("link", name="Alpha BV")).to_have_count(0)

    api_call(
        mail_server, token, "POST", f"companies/{world.company.id}/assignments/",
        {"user": world.assistant.id},
    )  # fmt: skip

    expect(page.get_by_role("link", name="Alpha BV")).to_be_visible()
    assistant.assert_no_script_errors()


def test_signing_out_in_one_tab_sends_the_other_tabs_to_the_sign_in_page(
    world: World, mail_server: DaphneServer, browser: Browser
) -> None:
    first = tab_open(browser)
    sign_in(first, mail_server, world.client.email)
    workspace = f"/companies/{world.company.id}/dossier/"
    first.page.goto(mail_server.http_url + workspace)
    live(first.page)
    second = Tab(first.page.context.new_page())  # the same browser session
    second.page.goto(f"{mail_server.http_url}/")
    live(second.page)

    second.page.get_by_role("button", name="Sign out").click()

    expect(second.page.get_by_role("heading", name="Sign in")).to_be_visible()
    expect(first.page).to_have_url(
        re.compile(re.escape(f"/signin/?next={workspace.replace('/', '%2F')}") + "$")
    )
    expect(first.page.get_by_role("heading", name="Sign in")).to_be_visible()
