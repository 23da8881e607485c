"""The Books tab in a real browser: the client issues an invoice, and both the client's dashboard
and the accountant's, open at the same time, show the new revenue and receivable without reload."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from bookkeeping.models import Invoice
from server.tenancy.models import Company
from tests.bookkeeping.helpers import draft
from tests.factories import World, world_make
from tests.servers import DaphneServer

from .browsing import Tab, live, orm, sign_in, tab_open

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db: None) -> World:
    made = world_make()
    Company.objects.filter(pk=made.company.pk).update(vat_number="BE0403019261")
    return made


def books_open(tab: Tab, server: DaphneServer, company_id: int) -> Page:
    page = tab.page
    page.goto(f"{server.http_url}/companies/{company_id}/books/")
    live(page)
    # The dashboard has drawn the figures of an empty ledger.
    expect(page.locator("#dash-revenue")).to_have_attribute("data-amount", "0.00")
    expect(page.locator("#dash-receivables")).to_have_attribute("data-amount", "0.00")
    page.evaluate("window.notReloaded = true")
    return page


def not_reloaded(page: Page) -> None:
    assert page.evaluate("window.notReloaded") is True, "the page reloaded"


def test_the_client_issues_an_invoice_and_both_dashboards_follow_live(
    world: World, server: DaphneServer, browser: Browser
) -> None:
    client = tab_open(browser)
    sign_in(client, server, world.client.email)
    page = books_open(client, server, world.company.id)
    accountant = tab_open(browser)
    sign_in(accountant, server, world.accountant.email)
    office = books_open(accountant, server, world.company.id)
    expect(office.get_by_role("button", name="Purchases")).to_be_visible()
    expect(page.get_by_role("button", name="Purchases")).to_have_count(0)

    page.get_by_role("button", name="Sales invoices").click()
    page.get_by_role("button", name="New invoice").click()
    editor = page.locator("#invoice-editor")
    expect(editor).to_be_visible()

    # A new customer: a VAT number the server refuses shows the server's sentence.
    page.get_by_role("button", name="New customer").click()
    page.get_by_label("Name").fill("Klant BV")
    expect(page.get_by_label("Country (two letters)")).to_have_value("BE")
    page.get_by_label("VAT number", exact=True).fill("BE0417497107")
    page.get_by_role("button", name="Add the customer").click()
    refusal = page.locator("#party-error")
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text("BE0417497107")
    page.get_by_label("VAT number", exact=True).fill("BE0417497106")
    page.get_by_role("button", name="Add the customer").click()
    expect(page.locator("#party-form")).to_be_hidden()
    expect(page.get_by_label("Customer")).to_have_value(
        str(orm(lambda: world.company.parties.get(name="Klant BV").pk))
    )

    # One line at 21 %: the preview mirrors the server's rounding.
    page.get_by_label("Description, line 1").fill("Consulting")
    page.get_by_label("Quantity, line 1").fill("2")
    page.get_by_label("Unit price, line 1").fill("150")
    page.get_by_label("VAT code, line 1").select_option(label="S21 · " + _vat_name(world, "S21"))
    expect(page.locator("#total-gross")).to_contain_text("363.00")

    page.get_by_role("button", name="Issue").click()
    expect(page.get_by_role("link", name="Download UBL")).to_be_visible()  # issued only
    invoice = orm(lambda: Invoice.objects.get(company=world.company, state="issued"))
    expect(page.locator("#invoice-heading")).to_have_text(f"Invoice {invoice.number}")
    expect(page.get_by_role("button", name=f"Discuss “Invoice {invoice.number}”")).to_be_visible()
    expect(page.locator("#invoice-rows")).to_contain_text(invoice.number)

    # The accountant's dashboard, open all along, follows without a reload...
    expect(office.locator("#dash-revenue")).to_have_attribute("data-amount", "300.00")
    expect(office.locator("#dash-receivables")).to_have_attribute("data-amount", "363.00")
    expect(office.locator('#dash-receivables-ageing [data-bucket="current"]')).to_contain_text(
        "363.00"
    )
    # ...and so does the client's own.
    page.get_by_role("button", name="Dashboard").click()
    expect(page.locator("#dash-revenue")).to_have_attribute("data-amount", "300.00")
    expect(page.locator("#dash-receivables")).to_have_attribute("data-amount", "363.00")
    expect(page.locator("#dash-revenue")).to_contain_text("300.00")
    page.screenshot(path="/tmp/kontor-books-dashboard.png", full_page=True)

    # The office's list of invoices shows it too, and the client sees the posted entry.
    office.get_by_role("button", name="Sales invoices").click()
    expect(office.locator("#invoice-rows")).to_contain_text(invoice.number)
    page.get_by_role("button", name="Entries").click()
    expect(page.locator("#entry-rows")).to_contain_text(invoice.number)

    not_reloaded(page)
    not_reloaded(office)
    client.assert_no_script_errors(expected=("400",))  # the refused VAT number
    accountant.assert_no_script_errors()


def _vat_name(world: World, code: str) -> str:
    return orm(lambda: world.company.vat_codes.get(code=code).name)


def test_the_office_posts_and_reverses_an_entry_and_reads_a_report(
    world: World, server: DaphneServer, browser: Browser
) -> None:
    entry = orm(lambda: draft(world.accountant, world.company, "250.00", reference="Loan"))
    accountant = tab_open(browser)
    sign_in(accountant, server, world.accountant.email)
    page = books_open(accountant, server, world.company.id)
    page.get_by_role("button", name="Entries").click()
    row = page.locator(f'#entry-rows tr[data-entry-id="{entry.pk}"]')
    expect(row).to_contain_text("Draft")
    row.get_by_role("button").click()
    detail = page.locator("#entry-detail")
    expect(detail).to_contain_text("Loan")
    detail.get_by_role("button", name="Post").click()
    expect(row).to_contain_text("Posted")
    expect(detail).to_contain_text("GEN-")
    # The posting reached the (hidden) dashboard: 250.00 came into the bank.
    expect(page.locator("#dash-cash")).to_have_attribute("data-amount", "250.00")
    detail.get_by_role("button", name="Reverse").click()
    expect(page.locator("#entry-heading")).to_contain_text("Entry GEN-")
    expect(detail).to_contain_text("Reverses")
    expect(page.locator("#entry-rows tr")).to_have_count(2)
    # ...and the reversal took it out again.
    expect(page.locator("#dash-cash")).to_have_attribute("data-amount", "0.00")

    page.get_by_role("button", name="Reports").click()
    page.get_by_label("Report", exact=True).select_option("trial-balance")
    page.get_by_role("button", name="Show").click()
    table = page.locator("#report-result")
    expect(table).to_be_visible()
    expect(table.locator("thead")).not_to_be_empty()
    bank = orm(lambda: world.company.accounts.get(role="bank").code)
    expect(table).to_contain_text(bank)
    expect(page.get_by_role("link", name="Export CSV")).to_have_attribute(
        "href", re.compile(r"/reports/trial-balance/\?.*format=csv$")
    )

    # The client sees the posted entries, without the office's buttons.
    client = tab_open(browser)
    sign_in(client, server, world.client.email)
    client_page = books_open(client, server, world.company.id)
    client_page.get_by_role("button", name="Entries").click()
    client_row = client_page.locator(f'#entry-rows tr[data-entry-id="{entry.pk}"]')
    client_row.get_by_role("button").click()
    expect(client_page.locator("#entry-detail")).to_contain_text("Loan")
    expect(client_page.get_by_role("button", name="Discuss “GEN-")).to_be_visible()
    client_detail = client_page.locator("#entry-detail")
    expect(client_detail.get_by_role("button", name="Reverse")).to_have_count(0)
    expect(client_page.get_by_role("button", name="Publish to the dossier")).to_have_count(0)
    accountant.assert_no_script_errors()
    client.assert_no_script_errors()
