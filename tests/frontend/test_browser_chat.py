"""The Chat tab in a real browser, both sides at once against one daphne.

Each side has its own browser context (its own cookies and socket); a message one side sends goes
over its socket, through the service and the event log, to the other side's socket.
"""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import Browser, Page, expect

from chat.models import Message, Thread
from dossier.models import Document, Folder
from tests.dossier_files import pdf_bytes
from tests.factories import World, world_make
from tests.servers import DaphneServer

from .browsing import Tab, live, orm, sign_in, tab_open

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db: None) -> World:
    return world_make()


def _invoice(world: World) -> Document:
    from dossier.services import document_upload

    def run() -> Document:
        folder = Folder.objects.get(company=world.company, template_code="purchase_invoices")
        return document_upload(
            actor=world.client,
            folder=folder,
            content=io.BytesIO(pdf_bytes()),
            name="Invoice 77.pdf",
        )

    return orm(run)


def chat_open(tab: Tab, server: DaphneServer, company_id: int, query: str = "") -> Page:
    page = tab.page
    page.goto(f"{server.http_url}/companies/{company_id}/chat/{query}")
    live(page)
    page.evaluate("window.notReloaded = true")
    return page


def thread_item(page: Page, title: str):
    return page.locator("#threads li", has_text=title)


def badge(page: Page, title: str):
    return thread_item(page, title).locator(".badge")


def test_client_asks_about_a_document_and_the_accountant_answers_live(
    world: World, server: DaphneServer, browser: Browser
) -> None:
    invoice = _invoice(world)
    client, accountant = tab_open(browser), tab_open(browser)
    sign_in(client, server, world.client.email)
    sign_in(accountant, server, world.accountant.email)

    # The accountant has the Chat tab open, on the permanent thread.
    office = chat_open(accountant, server, world.company.id)
    expect(office.locator("#conversation-heading")).to_have_text("General")

    # The client opens the invoice in the Dossier tab and presses "Discuss".
    mine = client.page
    mine.goto(f"{server.http_url}/companies/{world.company.id}/dossier/?document={invoice.id}")
    live(mine)
    mine.get_by_role("button", name="Discuss").click()
    expect(mine.locator("#conversation-heading")).to_have_text("Invoice 77.pdf")
    live(mine)
    thread = orm(lambda: Thread.objects.get(subject_id=invoice.id))
    assert f"thread={thread.id}" in mine.url
    mine.evaluate("window.notReloaded = true")

    mine.get_by_label("Message").fill("Is this invoice already paid?")
    mine.keyboard.press("Enter")
    sent = mine.locator("#messages li", has_text="Is this invoice already paid?")
    expect(sent).to_have_count(1)
    expect(sent).not_to_have_class(re.compile(r"message--(sending|queued)"))  # reconciled
    expect(sent).to_have_attribute("data-message-id", re.compile(r"^\d+$"))
    stored = orm(lambda: Message.objects.get())
    expect(sent).to_have_attribute("data-message-id", str(stored.id))
    assert stored.client_id is not None

    # Without a reload the accountant sees the new thread with its unread badge.
    expect(badge(office, "Invoice 77.pdf")).to_be_visible()
    expect(badge(office, "Invoice 77.pdf")).to_contain_text("1")
    # The client moves to the general thread meanwhile.
    thread_item(mine, "General").click()
    expect(mine.locator("#conversation-heading")).to_have_text("General")

    # The accountant opens it: the message is there, the badge goes.
    thread_item(office, "Invoice 77.pdf").click()
    expect(office.locator("#messages")).to_contain_text("Is this invoice already paid?")
    expect(badge(office, "Invoice 77.pdf")).to_be_hidden()
    composer = office.get_by_label("Message")
    composer.fill("Yes, paid on the 3rd. ")
    composer.press_sequentially("@" + world.client.email.split("@")[0])  # mention completion
    office.get_by_role("option", name=world.client.email).dispatch_event("mousedown")
    expect(composer).to_have_value(f"Yes, paid on the 3rd. @{world.client.email} ")
    office.get_by_role("button", name="Send").click()
    answer = office.locator("#messages li", has_text="Yes, paid on the 3rd.")
    expect(answer).to_have_count(1)
    expect(answer).to_have_attribute("data-message-id", re.compile(r"^\d+$"))
    assert orm(lambda: Message.objects.latest("id").mentions) == [world.client.id]

    # The client gets the answer as an unread badge; reading it clears the badge, and the
    # accountant sees that the client has seen it.
    expect(badge(mine, "Invoice 77.pdf")).to_contain_text("1")
    thread_item(mine, "Invoice 77.pdf").click()
    expect(mine.locator("#messages")).to_contain_text("Yes, paid on the 3rd.")
    expect(badge(mine, "Invoice 77.pdf")).to_be_hidden()
    expect(office.locator("#seen-by")).to_contain_text("Seen by")

    # Reloaded, the counts come from the server: nothing unread on either side.
    for page in (mine, office):
        assert page.evaluate("window.notReloaded") is True
        page.reload()
        live(page)
        expect(badge(page, "Invoice 77.pdf")).to_be_hidden()
    client.assert_no_script_errors()
    accountant.assert_no_script_errors()


def test_chat_on_a_phone_screenshot(world: World, server: DaphneServer, browser: Browser) -> None:
    from chat.services import message_send, thread_permanent_ensure

    def seed() -> None:
        thread = thread_permanent_ensure(company=world.company)
        message_send(actor=world.client, thread=thread, body="Hello, here are **the receipts**.")
        message_send(actor=world.accountant, thread=thread, body="Thanks, I book them today.")
        message_send(
            actor=world.accountant, thread=thread, body="Check VAT on these.", internal_note=True
        )

    orm(seed)
    tab = tab_open(browser, viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    sign_in(tab, server, world.accountant.email)
    page = chat_open(tab, server, world.company.id)
    expect(page.locator("#messages li")).to_have_count(3)
    expect(page.locator(".message--internal")).to_have_count(1)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways on a phone ({width}px)"
    page.screenshot(path="/tmp/kontor-chat-phone.png", full_page=True)
    tab.assert_no_script_errors()


def test_replies_edits_deletes_notes_typing_and_requests_reach_the_other_side_live(
    world: World, server: DaphneServer, browser: Browser
) -> None:
    client, accountant = tab_open(browser), tab_open(browser)
    sign_in(client, server, world.client.email)
    sign_in(accountant, server, world.accountant.email)
    mine = chat_open(client, server, world.company.id)
    office = chat_open(accountant, server, world.company.id)
    expect(mine.locator("#composer-internal")).to_have_count(0)  # staff only

    mine.get_by_label("Message").fill("Here is the bank statement.")
    mine.keyboard.press("Enter")
    question = office.locator(
        "#messages li", has=office.locator(".message__body", has_text="Here is the bank statement.")
    )
    expect(question).to_have_count(1)

    # Typing shows on the other side.
    office.get_by_label("Message").press_sequentially("Thanks")
    expect(mine.locator("#typing")).to_contain_text("is typing")

    # A reply, and an internal note the client never gets.
    question.get_by_role("button", name="Reply").click()
    expect(office.locator("#reply-banner")).to_be_visible()
    office.get_by_label("Message").fill("Thanks, booked.")
    office.keyboard.press("Enter")
    office.get_by_label("Internal note (office only)").check()
    office.get_by_label("Message").fill("Ask about the missing page.")
    office.keyboard.press("Enter")
    expect(office.locator(".message--internal", has_text="missing page")).to_have_count(1)
    answer = mine.locator("#messages li", has_text="Thanks, booked.")
    expect(answer.locator(".message__quote")).to_contain_text("Here is the bank statement.")

    # The client edits and deletes its message: the office sees both without reloading.
    mine_question = mine.locator(
        "#messages li", has=mine.locator(".message__body", has_text="Here is the bank statement.")
    )
    mine_question.get_by_role("button", name="Edit").click()
    mine.get_by_role("textbox", name="Edit").fill("Here is the October bank statement.")
    mine.get_by_role("button", name="Save").click()
    expect(question).to_have_count(0)
    edited = office.locator(
        "#messages li", has=office.locator(".message__body", has_text="October bank statement")
    )
    expect(edited).to_contain_text("edited")
    mine.once("dialog", lambda dialog: dialog.accept())
    mine.locator(
        "#messages li", has=mine.locator(".message__body", has_text="October bank statement")
    ).get_by_role("button", name="Delete").click()
    expect(office.locator("#messages li.message--deleted")).to_contain_text("Message deleted")

    # The accountant turns its answer into a request; the client sees it among open requests.
    office.locator("#messages li", has_text="Thanks, booked.").get_by_role(
        "button", name="Make a request"
    ).click()
    office.get_by_label("What the client should do").fill("Send the missing page")
    office.get_by_role("button", name="Create the request").click()
    expect(mine.locator("#requests")).to_contain_text("Send the missing page")

    expect(mine.locator("#messages")).not_to_contain_text("missing page.")
    assert "Ask about the missing page" not in mine.content()
    client.assert_no_script_errors()
    accountant.assert_no_script_errors()
