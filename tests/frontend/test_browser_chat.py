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


def test_new_conversations_appear_live_and_only_staff_can_make_internal_ones(
    world: World, server: DaphneServer, browser: Browser
) -> None:
    client, accountant = tab_open(browser), tab_open(browser)
    sign_in(client, server, world.client.email)
    sign_in(accountant, server, world.accountant.email)
    mine = chat_open(client, server, world.company.id)
    office = chat_open(accountant, server, world.company.id)

    # The client starts a conversation on a free subject; the office sees it arrive.
    mine.get_by_role("button", name="New conversation").click()
    expect(mine.locator("#thread-new-internal")).to_have_count(0)  # staff only
    expect(mine.get_by_label("Office only (internal conversation)")).to_have_count(0)
    mine.get_by_label("Subject").fill("Company car lease")
    mine.get_by_role("button", name="Start the conversation").click()
    expect(mine.locator("#conversation-heading")).to_have_text("Company car lease")
    expect(thread_item(office, "Company car lease")).to_be_visible()
    mine.get_by_label("Message").fill("Can we deduct the lease?")
    mine.keyboard.press("Enter")
    expect(badge(office, "Company car lease")).to_contain_text("1")

    # The accountant starts an internal one: the client never hears of it.
    office.get_by_role("button", name="New conversation").click()
    office.get_by_label("Subject").fill("Year-end staffing")
    office.get_by_label("Office only (internal conversation)").check()
    office.get_by_role("button", name="Start the conversation").click()
    expect(office.locator("#conversation-heading")).to_have_text("Year-end staffing")
    expect(thread_item(office, "Year-end staffing").locator(".tag--internal")).to_be_visible()
    # A later shared thread reaches the client, so the internal one would have arrived by now.
    office.get_by_role("button", name="New conversation").click()
    office.get_by_label("Subject").fill("Bank mandate")
    office.get_by_role("button", name="Start the conversation").click()
    expect(thread_item(mine, "Bank mandate")).to_be_visible()
    expect(thread_item(mine, "Year-end staffing")).to_have_count(0)
    assert "Year-end staffing" not in mine.content()
    made = orm(lambda: dict(Thread.objects.filter(kind="subject").values_list("title", "audience")))
    assert made == {
        "Company car lease": "shared",
        "Year-end staffing": "internal",
        "Bank mandate": "shared",
    }
    for page in (mine, office):
        assert page.evaluate("window.notReloaded") is True
    client.assert_no_script_errors()
    accountant.assert_no_script_errors()


def test_a_resolved_conversation_leaves_the_list_and_search_still_finds_it(
    world: World, server: DaphneServer, browser: Browser
) -> None:
    from chat.services import message_send, thread_create, thread_permanent_ensure

    def seed() -> None:
        vat = thread_create(actor=world.client, company=world.company, title="VAT Q3")
        message_send(
            actor=world.client, thread=vat, body="Here is the leasing contract for the van."
        )
        message_send(actor=world.owner, thread=vat, body="Thanks, noted.")
        # The same word in the owner's other company and in another office's company.
        sibling = thread_permanent_ensure(company=world.sibling_company)
        message_send(actor=world.owner, thread=sibling, body="The sibling leasing file.")
        other = thread_permanent_ensure(company=world.other_company)
        message_send(actor=world.other_client, thread=other, body="Other leasing secrets.")

    orm(seed)
    client, owner = tab_open(browser), tab_open(browser)
    sign_in(client, server, world.client.email)
    sign_in(owner, server, world.owner.email)
    mine = chat_open(client, server, world.company.id)
    office = chat_open(owner, server, world.company.id)

    # The owner resolves the conversation: it leaves the list on both sides, live.
    thread_item(office, "VAT Q3").click()
    expect(office.locator("#conversation-heading")).to_have_text("VAT Q3")
    office.get_by_role("button", name="Mark as resolved").click()
    expect(office.locator("#thread-resolved-note")).to_be_visible()
    expect(office.get_by_label("Message")).to_be_disabled()
    expect(office.get_by_role("button", name="Reopen")).to_be_visible()
    expect(thread_item(office, "VAT Q3")).to_be_hidden()
    expect(thread_item(mine, "VAT Q3")).to_be_hidden()

    # Search finds the message in the resolved conversation, and nothing of another company.
    office.get_by_label("Search the conversations").fill("leasing")
    office.get_by_role("button", name="Search", exact=True).click()
    hits = office.locator("#search-results-list li")
    expect(office.locator("#search-results-heading")).to_have_text("1 message found")
    expect(hits).to_have_count(1)
    expect(hits).to_contain_text("leasing contract for the van")
    expect(hits).to_contain_text("in VAT Q3")
    assert "sibling leasing" not in office.content() and "leasing secrets" not in office.content()

    # The client finds it too and opens it at that message, though the thread is resolved.
    thread_item(mine, "General").click()
    mine.get_by_label("Search the conversations").fill("leasing contract")
    mine.get_by_role("button", name="Search", exact=True).click()
    mine.locator("#search-results-list a").click()
    expect(mine.locator("#conversation-heading")).to_have_text("VAT Q3")
    found = mine.locator("#messages li.message--found")
    expect(found).to_contain_text("leasing contract for the van")
    expect(mine.locator("#thread-resolved-note")).to_be_visible()
    assert "message=" in mine.url

    # Searching only the open conversation (General) finds nothing there.
    thread_item(office, "General").click()
    expect(office.locator("#conversation-heading")).to_have_text("General")
    office.get_by_label("Only this conversation").check()
    office.get_by_role("button", name="Search", exact=True).click()
    expect(office.locator("#search-results-heading")).to_have_text("No message matches.")

    # "Show resolved" brings it back into the list; reopening it brings it back on the other side.
    mine.get_by_label("Show resolved").check()
    expect(thread_item(mine, "VAT Q3")).to_be_visible()
    expect(thread_item(mine, "VAT Q3").locator(".tag--resolved")).to_be_visible()
    mine.get_by_role("button", name="Reopen").click()
    expect(thread_item(office, "VAT Q3")).to_be_visible()
    expect(mine.get_by_label("Message")).to_be_enabled()
    assert orm(lambda: Thread.objects.get(title="VAT Q3").resolved_at) is None
    client.assert_no_script_errors()
    owner.assert_no_script_errors()


def test_notification_settings_are_saved_and_shown_after_a_reload(
    world: World, server: DaphneServer, browser: Browser
) -> None:
    from chat.models import ChatPreferences

    tab = tab_open(browser)
    sign_in(tab, server, world.client.email)
    page = chat_open(tab, server, world.company.id)
    page.get_by_text("Notification settings").click()
    expect(page.get_by_label("Right away (after a few minutes)")).to_be_checked()
    expect(page.get_by_label("Show others when I have read")).to_be_checked()
    page.get_by_label("Daily digest").check()
    page.get_by_label("Show others when I have read").uncheck()
    page.get_by_role("button", name="Save the settings").click()
    expect(page.locator("#chat-prefs-status")).to_have_text("Saved.")
    saved = orm(lambda: ChatPreferences.objects.get(user=world.client))
    assert (saved.notify, saved.read_receipts) == ("daily", False)

    page.reload()
    live(page)
    page.get_by_text("Notification settings").click()
    expect(page.get_by_label("Daily digest")).to_be_checked()
    expect(page.get_by_label("Right away (after a few minutes)")).not_to_be_checked()
    expect(page.get_by_label("Show others when I have read")).not_to_be_checked()
    tab.assert_no_script_errors()


def test_edit_history_and_named_read_receipts_on_both_sides(
    world: World, server: DaphneServer, browser: Browser
) -> None:
    client, accountant = tab_open(browser), tab_open(browser)
    sign_in(client, server, world.client.email)
    sign_in(accountant, server, world.accountant.email)
    mine = chat_open(client, server, world.company.id)
    office = chat_open(accountant, server, world.company.id)

    mine.get_by_label("Message").fill("We sold 10 units.")
    mine.keyboard.press("Enter")
    message = mine.locator("#messages li", has_text="We sold")
    expect(message).to_have_attribute("data-message-id", re.compile(r"^\d+$"))
    # The accountant, on the same thread, reads it: the client sees who and when.
    expect(office.locator("#messages")).to_contain_text("We sold 10 units.")
    expect(mine.locator("#seen-by")).to_contain_text(
        re.compile(rf"Seen by {re.escape(world.accountant.display_name)} at \S")
    )

    message.get_by_role("button", name="Edit").click()
    mine.get_by_role("textbox", name="Edit").fill("We sold 12 units.")
    mine.get_by_role("button", name="Save").click()
    theirs = office.locator("#messages li", has_text="We sold 12 units.")
    expect(theirs).to_have_count(1)
    # The accountant opens the earlier versions: the old text, who replaced it.
    theirs.get_by_role("button", name="edited").click()
    history = theirs.locator(".message__history")
    expect(history).to_contain_text("We sold 10 units.")
    expect(history).to_contain_text(f"Replaced by {world.client.display_name} at")

    # A second edit while it is open: the open history follows, live.
    mine.locator("#messages li", has_text="We sold 12 units.").get_by_role(
        "button", name="Edit", exact=True
    ).click()
    mine.get_by_role("textbox", name="Edit").fill("We sold 14 units.")
    mine.get_by_role("button", name="Save").click()
    theirs = office.locator("#messages li", has_text="We sold 14 units.")
    expect(theirs.locator(".message__history li")).to_have_count(2)
    expect(theirs.locator(".message__history")).to_contain_text("We sold 12 units.")

    # The author sees the same history.
    own = mine.locator("#messages li", has_text="We sold 14 units.")
    own.get_by_role("button", name="edited").click()
    expect(own.locator(".message__history li")).to_have_count(2)
    expect(own.locator(".message__history li").first).to_contain_text("We sold 12 units.")
    expect(own.locator(".message__history li").last).to_contain_text("We sold 10 units.")
    client.assert_no_script_errors()
    accountant.assert_no_script_errors()


def test_a_search_hit_far_back_loads_older_messages_until_it_is_shown(
    world: World, server: DaphneServer, browser: Browser
) -> None:
    from chat.services import message_send, thread_create, thread_permanent_ensure

    def seed() -> int:
        thread = thread_permanent_ensure(company=world.company)
        message_send(actor=world.client, thread=thread, body="The needle is in the first message.")
        for number in range(1, 120):
            message_send(actor=world.accountant, thread=thread, body=f"Filler {number}")
        return thread_create(actor=world.client, company=world.company, title="Elsewhere").pk

    elsewhere = orm(seed)
    tab = tab_open(browser)
    sign_in(tab, server, world.client.email)
    # Opened on another thread: the socket's resume lookback replays the seeded messages, and
    # only the open thread draws them; the General thread then opens with its newest page.
    page = chat_open(tab, server, world.company.id, f"?thread={elsewhere}")
    expect(page.locator("#conversation-heading")).to_have_text("Elsewhere")
    page.get_by_label("Search the conversations").fill("needle")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("#search-results-list li")).to_contain_text("in General")
    page.locator("#search-results-list a").click()
    expect(page.locator("#conversation-heading")).to_have_text("General")
    found = page.locator("#messages li.message--found")
    expect(found).to_contain_text("The needle is in the first message.")
    expect(page.locator("#messages li")).to_have_count(120)
    expect(found).to_be_in_viewport()
    assert "message=" in page.url
    tab.assert_no_script_errors()
