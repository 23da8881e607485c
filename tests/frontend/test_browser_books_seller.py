"""The Books tab's "Invoice details" in a real browser: the office sets the company's IBAN and
address; a wrong IBAN gets one sentence and changes nothing."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from bookkeeping.models import BooksSettings
from tests.factories import World, world_make
from tests.servers import DaphneServer

from .browsing import live, orm, sign_in, tab_open

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(transactional_db: None) -> World:
    return world_make()


def test_the_office_sets_the_invoice_details(
    world: World, server: DaphneServer, browser: Browser
) -> None:
    accountant = tab_open(browser)
    sign_in(accountant, server, world.accountant.email)
    page = accountant.page
    page.goto(f"{server.http_url}/companies/{world.company.id}/books/?view=invoices")
    live(page)
    page.locator("#seller-details summary").click()
    form = page.locator("#seller-form")
    expect(form.get_by_label("IBAN")).to_be_enabled()  # the stored values are in
    expect(form.get_by_label("IBAN")).to_have_value("")  # nothing set yet

    form.get_by_label("IBAN").fill("BE68 5390 0754 7035")  # one digit off
    form.get_by_label("City").fill("Gent")
    form.get_by_role("button", name="Save the invoice details").click()
    expect(page.locator("#seller-error")).to_contain_text("is not a valid IBAN")
    assert orm(lambda: BooksSettings.objects.get(company=world.company).city) == ""

    form.get_by_label("IBAN").fill("BE68 5390 0754 7034")
    form.get_by_label("BIC").fill("GKCCBEBB")
    form.get_by_role("button", name="Save the invoice details").click()
    expect(page.locator("#seller-status")).to_contain_text("Saved")
    expect(form.get_by_label("IBAN")).to_have_value("BE68539007547034")  # as stored
    expect(page.locator("#seller-error")).to_be_empty()
    stored = orm(lambda: BooksSettings.objects.get(company=world.company))
    assert (stored.iban, stored.bic, stored.city) == ("BE68539007547034", "GKCCBEBB", "Gent")

    client = tab_open(browser)
    sign_in(client, server, world.client.email)
    client.page.goto(f"{server.http_url}/companies/{world.company.id}/books/?view=invoices")
    live(client.page)
    expect(client.page.locator("#seller-details")).to_have_count(0)
    expect(client.page.get_by_text("Save the invoice details")).to_have_count(0)
    accountant.assert_no_script_errors(expected=("status of 400",))  # the refused IBAN
    client.assert_no_script_errors()
