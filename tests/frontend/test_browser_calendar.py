"""The Calendar tab in a real browser, the office and the client at once against one daphne."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from calendar_app import services
from calendar_app.models import CalendarEvent, EventKind, TaxNotice
from tests.factories import World, world_make
from tests.servers import DaphneServer

from .browsing import Tab, live, orm, sign_in, tab_open

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db: None) -> World:
    made = world_make()
    CalendarEvent.objects.all().delete()  # the generated deadlines: each test sets its own
    return made


def day(days: int) -> date:
    return timezone.localdate() + timedelta(days=days)


def event_make(world: World, title: str, days: int, **values) -> CalendarEvent:
    return orm(
        lambda: services.event_create(
            actor=world.accountant, company=world.company, title=title, date=day(days), **values
        )
    )


def calendar_open(tab: Tab, server: DaphneServer, company_id: int) -> Page:
    page = tab.page
    page.goto(f"{server.http_url}/companies/{company_id}/calendar/")
    live(page)
    expect(page.locator("#cal-status")).to_have_text("")
    page.evaluate("window.notReloaded = true")
    return page


def event_card(page: Page, title: str):
    return page.locator("#agenda-list .cal-event", has_text=title)


def day_group(page: Page, when: date):
    return page.locator(f'#agenda-list .agenda__day[data-date="{when.isoformat()}"]')


def not_reloaded(page: Page) -> None:
    assert page.evaluate("window.notReloaded") is True, "the page reloaded"


def test_the_accountant_moves_a_deadline_and_the_clients_calendar_shows_it_live(
    world: World, server: DaphneServer, browser: Browser
) -> None:
    deadline = event_make(world, "VAT return Q4", 5, kind=EventKind.DEADLINE)

    def statutory() -> None:
        CalendarEvent.objects.filter(pk=deadline.pk).update(
            obligation="vat_return",
            period="2026-Q4",
            legal_source="Art. 53 WBTW",
            unshifted=day(4),
        )

    orm(statutory)

    client = tab_open(browser, viewport={"width": 360, "height": 740})
    sign_in(client, server, world.client.email)
    client_page = calendar_open(client, server, world.company.id)
    card = event_card(client_page, "VAT return Q4")
    expect(card).to_be_visible()
    expect(card).to_contain_text("Statutory deadline")
    expect(card).to_contain_text("Period 2026-Q4")
    expect(card).to_contain_text("Legal source: Art. 53 WBTW")
    expect(card).to_contain_text("Moved from")
    expect(day_group(client_page, day(5))).to_contain_text("VAT return Q4")
    client_page.screenshot(path="/tmp/kontor-calendar-phone.png", full_page=True)
    assert client_page.evaluate("document.documentElement.scrollWidth") <= 360

    accountant = tab_open(browser)
    sign_in(accountant, server, world.accountant.email)
    page = calendar_open(accountant, server, world.company.id)
    page.get_by_role("button", name="Edit “VAT return Q4”").click()
    dialog = page.locator("#event-dialog")
    expect(dialog).to_be_visible()
    expect(page.get_by_label("Title")).to_have_value("VAT return Q4")
    page.get_by_label("Date").fill(day(9).isoformat())
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_be_hidden()
    expect(day_group(page, day(9))).to_contain_text("VAT return Q4")

    # The client's calendar, without a reload.
    expect(day_group(client_page, day(9))).to_contain_text("VAT return Q4")
    expect(day_group(client_page, day(5))).to_have_count(0)
    not_reloaded(client_page)

    # Marked done by the office: the client sees it too.
    event_card(page, "VAT return Q4").get_by_role("button", name="Mark as done").click()
    expect(event_card(client_page, "VAT return Q4")).to_contain_text("Done on")
    expect(event_card(client_page, "VAT return Q4")).to_have_class("cal-event cal-event--done")

    # The month grid: the deadline is in it, and the arrow keys move between days.
    client_page.get_by_role("button", name="Month").click()
    target = client_page.locator(f'#month-body [data-date="{day(9).isoformat()}"]')
    if target.count() == 0:  # next month
        client_page.get_by_role("button", name="Next month").click()
    target.click()
    expect(target).to_have_attribute("aria-selected", "true")
    expect(client_page.locator("#day-list")).to_contain_text("VAT return Q4")
    client_page.keyboard.press("ArrowRight")
    after = client_page.locator(f'#month-body [data-date="{day(10).isoformat()}"]')
    expect(after).to_be_focused()
    expect(after).to_have_attribute("aria-selected", "true")
    client_page.screenshot(path="/tmp/kontor-calendar-month-phone.png", full_page=True)
    not_reloaded(client_page)
    not_reloaded(page)
    client.assert_no_script_errors()
    accountant.assert_no_script_errors()


def test_a_stale_edit_shows_the_other_persons_change_instead_of_overwriting_it(
    world: World, server: DaphneServer, browser: Browser
) -> None:
    event_make(world, "Meeting with the bank", 3, kind=EventKind.MEETING)

    client = tab_open(browser)
    sign_in(client, server, world.client.email)
    client_page = calendar_open(client, server, world.company.id)
    accountant = tab_open(browser)
    sign_in(accountant, server, world.accountant.email)
    page = calendar_open(accountant, server, world.company.id)

    # Both open the same event.
    client_page.get_by_role("button", name="Edit “Meeting with the bank”").click()
    page.get_by_role("button", name="Edit “Meeting with the bank”").click()

    # The accountant saves first.
    page.get_by_label("Title").fill("Meeting with the bank, moved")
    page.get_by_label("Date").fill(day(6).isoformat())
    page.locator("#event-dialog").get_by_role("button", name="Save").click()
    expect(page.locator("#event-dialog")).to_be_hidden()

    def saved_at():
        return orm(
            lambda: CalendarEvent.objects.get(title="Meeting with the bank, moved").updated_at
        )

    # The client, still editing the old version, is told at once...
    conflict = client_page.locator("#event-conflict")
    expect(conflict).to_contain_text(f"{world.accountant.display_name} just changed this event")
    # ...and saving based on it is refused: the form now shows the accountant's change.
    client_page.get_by_label("Description").fill("Bring the loan papers.")
    client_page.locator("#event-dialog").get_by_role("button", name="Save").click()
    # "Anna changed this at 14:02: ...": who and when, from the event's `updated_by`.
    expect(conflict).to_contain_text(f"{world.accountant.display_name} changed this at ")
    clock = client_page.evaluate(  # the browser's own time zone, as the page shows it
        """(iso) => { const d = new Date(iso), two = (n) => String(n).padStart(2, "0");
          return `${two(d.getHours())}:${two(d.getMinutes())}`; }""",
        saved_at().isoformat(),
    )
    expect(conflict).to_contain_text(f"changed this at {clock}: ")
    expect(conflict).to_contain_text("title: Meeting with the bank → Meeting with the bank, moved")
    expect(client_page.get_by_label("Title")).to_have_value("Meeting with the bank, moved")
    expect(client_page.get_by_label("Date")).to_have_value(day(6).isoformat())
    client_page.screenshot(path="/tmp/kontor-calendar-conflict.png")  # the message in view
    saved = orm(lambda: CalendarEvent.objects.get(title="Meeting with the bank, moved"))
    assert saved.description == "" and saved.date == day(6)

    # Saving again, now on the current version, goes through and keeps the accountant's change.
    client_page.get_by_label("Description").fill("Bring the loan papers.")
    client_page.locator("#event-dialog").get_by_role("button", name="Save").click()
    expect(client_page.locator("#event-dialog")).to_be_hidden()
    expect(event_card(page, "Meeting with the bank, moved")).to_contain_text(
        "Bring the loan papers."
    )
    saved = orm(lambda: CalendarEvent.objects.get(pk=saved.pk))
    assert (saved.title, saved.date, saved.description) == (
        "Meeting with the bank, moved",
        day(6),
        "Bring the loan papers.",
    )
    not_reloaded(client_page)
    not_reloaded(page)
    client.assert_no_script_errors(expected=("409",))
    accountant.assert_no_script_errors()


def test_a_new_event_made_by_the_client_reaches_the_office_live(
    world: World, server: DaphneServer, browser: Browser
) -> None:
    accountant = tab_open(browser)
    sign_in(accountant, server, world.accountant.email)
    page = calendar_open(accountant, server, world.company.id)
    client = tab_open(browser)
    sign_in(client, server, world.client.email)
    client_page = calendar_open(client, server, world.company.id)
    expect(client_page.locator("#agenda-list")).to_contain_text("Nothing is planned.")

    client_page.get_by_role("button", name="New event").click()
    client_page.get_by_label("Title").fill("Stock count")
    client_page.get_by_label("Date").fill(day(2).isoformat())
    client_page.locator("#event-dialog").get_by_label("Kind").select_option("task")
    client_page.locator("#event-dialog").get_by_role("button", name="Save").click()
    expect(event_card(client_page, "Stock count")).to_be_visible()
    expect(event_card(page, "Stock count")).to_contain_text("Task")

    # The kind filter.
    page.locator("#cal-kind").select_option("meeting")
    expect(event_card(page, "Stock count")).to_have_count(0)
    page.locator("#cal-kind").select_option("")
    expect(event_card(page, "Stock count")).to_be_visible()
    not_reloaded(page)
    client.assert_no_script_errors()
    accountant.assert_no_script_errors()


def test_home_next_deadline_follows_live_and_the_feed_address_is_made_and_revoked(
    world: World, server: DaphneServer, browser: Browser
) -> None:
    deadline = event_make(world, "Corporate tax return", 12, kind=EventKind.DEADLINE)
    event_make(world, "Late VAT return", -3, kind=EventKind.DEADLINE)
    tab = tab_open(browser, viewport={"width": 360, "height": 740})
    sign_in(tab, server, world.accountant.email)
    page = tab.page
    live(page)
    page.evaluate("window.notReloaded = true")
    cell = page.locator(f'[data-next-deadline="{world.company.id}"]')
    expect(cell).to_contain_text("Corporate tax return")
    expect(page.locator("#overdue-list")).to_contain_text("Late VAT return")

    # An earlier deadline appears elsewhere: the home shows it as the next one, without a reload.
    event_make(world, "Payroll tax", 4, kind=EventKind.DEADLINE)
    expect(cell).to_contain_text("Payroll tax")
    expect(cell.locator("time")).to_have_attribute("datetime", day(4).isoformat())
    assert deadline.pk

    page.get_by_role("button", name="Make a calendar address").click()
    address = page.get_by_label("Calendar address")
    expect(address).to_be_visible()
    assert ".ics" in address.input_value()
    page.get_by_role("button", name="Revoke the address").click()
    expect(address).to_be_hidden()
    expect(page.locator("#feed-status")).to_contain_text("no longer works")
    page.screenshot(path="/tmp/kontor-home-calendar-phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    not_reloaded(page)
    tab.assert_no_script_errors()


def test_staff_record_a_tax_notice_and_the_client_confirms_it_in_the_app(
    world: World, server: DaphneServer, browser: Browser
) -> None:
    event_make(world, "VAT payment Q3", 6, kind=EventKind.DEADLINE)
    accountant = tab_open(browser)
    sign_in(accountant, server, world.accountant.email)
    page = calendar_open(accountant, server, world.company.id)
    client = tab_open(browser, viewport={"width": 360, "height": 740})
    sign_in(client, server, world.client.email)
    client_page = calendar_open(client, server, world.company.id)
    expect(client_page.locator("#notices")).to_be_hidden()
    expect(client_page.get_by_role("button", name="Tax to pay for “VAT payment Q3”")).to_have_count(
        0
    )

    page.get_by_role("button", name="Tax to pay for “VAT payment Q3”").click()
    dialog = page.locator("#notice-dialog")
    expect(dialog.get_by_label("Currency")).to_have_value("EUR")  # the company's currency
    dialog.get_by_label("Amount").fill("1234.50")
    dialog.get_by_label("Payment reference").fill("+++090/9337/55493+++")
    dialog.get_by_role("button", name="Send to the client").click()
    expect(dialog).to_be_hidden()
    office_notices = page.locator("#notice-list")
    expect(office_notices).to_contain_text("Waiting for the client's confirmation")
    expect(event_card(page, "VAT payment Q3")).to_contain_text("+++090/9337/55493+++")

    # The client sees it without reloading, and confirms with one click.
    client_notices = client_page.locator("#notice-list")
    expect(client_notices).to_contain_text("VAT payment Q3: pay €1,234.50 by")
    expect(client_notices).to_contain_text("Reference: +++090/9337/55493+++")
    client_page.screenshot(path="/tmp/kontor-calendar-notice-phone.png", full_page=True)
    assert client_page.evaluate("document.documentElement.scrollWidth") <= 360
    client_page.get_by_role("button", name="Confirm that I have seen “VAT payment Q3”").click()
    confirmed_by = f"by {world.client.display_name}"
    expect(client_notices).to_contain_text(confirmed_by)
    expect(
        client_page.get_by_role("button", name="Confirm that I have seen “VAT payment Q3”")
    ).to_have_count(0)

    # The office's view follows live.
    expect(office_notices).to_contain_text(confirmed_by)
    expect(office_notices).not_to_contain_text("Waiting")
    expect(event_card(page, "VAT payment Q3")).to_contain_text(confirmed_by)
    notice = orm(lambda: TaxNotice.objects.select_related("confirmed_by").get())
    assert notice.amount == Decimal("1234.50") and notice.confirmed_by == world.client
    not_reloaded(page)
    not_reloaded(client_page)
    client.assert_no_script_errors()
    accountant.assert_no_script_errors()


def test_staff_set_a_service_of_the_engagement_and_its_task_appears_in_my_tasks(
    world: World, server: DaphneServer, browser: Browser
) -> None:
    accountant = tab_open(browser)
    sign_in(accountant, server, world.accountant.email)
    page = calendar_open(accountant, server, world.company.id)
    page.locator("#engagement summary").click()
    service = page.locator('#engagement-list [data-service="monthly_bookkeeping"]')
    expect(service).to_contain_text("Not agreed")
    service.get_by_label("Responsible").select_option(label=world.accountant.display_name)
    service.get_by_label("Starts on").fill(timezone.localdate().isoformat())
    service.get_by_role("button", name="Save “Monthly bookkeeping”").click()
    expect(page.locator("#engagement-status")).to_contain_text("“Monthly bookkeeping” saved")
    expect(service).to_contain_text("Agreed")
    month = f"{timezone.localdate():%Y-%m}"
    # The task reaches the office's calendar live...
    expect(event_card(page, f"Book {month}")).to_contain_text("Office only")
    not_reloaded(page)

    # ...and the accountant's "My tasks" on the home page.
    page.goto(f"{server.http_url}/")
    expect(page.locator("#task-list")).to_contain_text(f"Book {month}")

    # The client reads the service and its dates, not who delivers it, and cannot change it.
    client = tab_open(browser)
    sign_in(client, server, world.client.email)
    client_page = calendar_open(client, server, world.company.id)
    client_page.locator("#engagement summary").click()
    agreed = client_page.locator("#engagement-list")
    expect(agreed).to_contain_text("Monthly bookkeeping · From")
    expect(agreed).not_to_contain_text(world.accountant.display_name)
    expect(agreed.locator("form")).to_have_count(0)
    expect(event_card(client_page, f"Book {month}")).to_have_count(0)
    client.assert_no_script_errors()
    accountant.assert_no_script_errors()
