"""The Dossier tab and the staff inbox in a real browser, both sides at once against one daphne.

Each side has its own browser context (its own cookies and socket); what one side does reaches
the other through the service, the event log, Redis and the other side's socket.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, FilePayload, Locator, Page, Route, expect

from dossier.models import Document, Folder
from tests.dossier_files import jpeg_bytes, pdf_bytes
from tests.factories import World, world_make
from tests.servers import DaphneServer

from .browsing import Tab, api_call, live, orm, sign_in, tab_open, token_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PURCHASE_INVOICES = "Aankoopfacturen / Factures d'achat"  # the Belgian template's folder


@pytest.fixture
def world(transactional_db: None) -> World:
    return world_make()


def dossier_open(tab: Tab, server: DaphneServer, company_id: int, query: str = "") -> Page:
    page = tab.page
    page.goto(f"{server.http_url}/companies/{company_id}/dossier/{query}")
    live(page)
    expect(page.locator("#folder-tree .folder").nth(1)).to_be_attached()
    page.evaluate("window.notReloaded = true")
    return page


def folder_choose(page: Page, name: str) -> None:
    toggle = page.locator("#folders-toggle")
    if toggle.is_visible():  # a phone: the tree is folded away
        toggle.click()
    folder = page.locator("#folder-tree .folder", has_text=name)
    folder.click()
    expect(folder).to_have_attribute("aria-current", "true")


def document_row(page: Page, name: str):
    return page.locator("#documents li", has_text=name)


def not_reloaded(page: Page) -> None:
    assert page.evaluate("window.notReloaded") is True, "the page reloaded"


def test_client_uploads_a_photo_and_the_accountant_sees_it_in_the_inbox_live(
    world: World, server: DaphneServer, browser: Browser, tmp_path: Path
) -> None:
    accountant = tab_open(browser)
    sign_in(accountant, server, world.accountant.email)
    accountant.page.get_by_role("link", name="Inbox").click()
    inbox = accountant.page
    expect(inbox.get_by_role("heading", name="Inbox", level=1)).to_be_visible()
    live(inbox)
    expect(inbox.locator("#inbox-count")).to_have_text("Nothing is waiting.")
    inbox.evaluate("window.notReloaded = true")

    client = tab_open(browser)
    sign_in(client, server, world.client.email)
    client.page.get_by_role("link", name="Alpha BV").click()
    client.page.get_by_role("link", name="Dossier").click()
    page = dossier_open(client, server, world.company.id)
    folder_choose(page, PURCHASE_INVOICES)
    expect(page.locator("#upload-target")).to_have_text(f"New files go to “{PURCHASE_INVOICES}”.")
    expect(page.locator("#list-status")).to_have_text("No documents here yet.")

    photo = tmp_path / "IMG_2041.jpg"
    photo.write_bytes(jpeg_bytes())
    page.set_input_files("#dossier-file", str(photo))

    upload = page.locator(".upload-row", has_text="IMG_2041.jpg")
    expect(upload).to_have_attribute("data-state", "done")
    expect(upload.locator("progress")).to_have_attribute("value", "100")
    expect(upload.locator(".upload-row__state")).to_have_text("Uploaded")
    expect(page.locator("#upload-summary")).to_have_text("Uploaded: 1 of 1.")
    row = document_row(page, "IMG_2041.jpg")
    expect(row).to_contain_text("Purchase invoice")  # the folder's kind
    expect(row.locator(".badge")).to_have_text("New")

    # The accountant's inbox, without a reload.
    waiting = inbox.locator("#inbox-rows tr", has_text="IMG_2041.jpg")
    expect(waiting).to_be_visible()
    expect(waiting).to_contain_text("Alpha BV")
    expect(waiting).to_contain_text("Purchase invoice")
    expect(waiting).to_contain_text("New")
    expect(inbox.locator("#inbox-count")).to_have_text("Documents waiting: 1")
    inbox.screenshot(path="/tmp/kontor-inbox-desktop.png", full_page=True)
    not_reloaded(inbox)
    not_reloaded(page)
    accountant.assert_no_script_errors()
    client.assert_no_script_errors()


def test_client_sees_the_rejection_and_its_reason_live(
    world: World, server: DaphneServer, browser: Browser, tmp_path: Path
) -> None:
    client = tab_open(browser)
    sign_in(client, server, world.client.email)
    page = dossier_open(client, server, world.company.id)
    folder_choose(page, PURCHASE_INVOICES)
    photo = tmp_path / "receipt.jpg"
    photo.write_bytes(jpeg_bytes())
    page.set_input_files("#dossier-file", str(photo))
    row = document_row(page, "receipt.jpg")
    row.get_by_role("button").click()
    pane = page.locator("#pane")
    expect(pane.get_by_role("heading", name="receipt.jpg")).to_be_visible()
    expect(pane.locator(".pane__state")).to_have_text("New")
    # The thumbnail is made after the upload and announced; the pane shows it when it comes.
    thumbnail = pane.get_by_role("img", name="Preview of receipt.jpg")
    expect(thumbnail).to_be_visible()
    page.wait_for_function(
        "document.querySelector('.pane__thumb').complete"
        " && document.querySelector('.pane__thumb').naturalWidth > 0"
    )
    assert pane.get_by_role("button", name="Reject…").count() == 0, "clients cannot reject"

    # The accountant opens it from the inbox and rejects it, with a reason.
    accountant = tab_open(browser)
    sign_in(accountant, server, world.accountant.email)
    accountant.page.get_by_role("link", name="Inbox").click()
    accountant.page.get_by_role("link", name="receipt.jpg").click()
    office = accountant.page
    live(office)
    office_pane = office.locator("#pane")
    expect(office_pane.get_by_role("heading", name="receipt.jpg")).to_be_visible()
    expect(
        office.locator("#documents li[data-document-id] .doc__open[aria-current]")
    ).to_contain_text("receipt.jpg")
    office_pane.get_by_role("button", name="Reject…").click()
    office_pane.get_by_label("Why is it rejected?").fill(
        "The VAT number of the supplier is missing."
    )
    office_pane.get_by_role("button", name="Reject", exact=True).click()
    expect(office_pane.locator(".pane__state")).to_have_text("Rejected")

    # The client's pane and list follow without a reload.
    expect(pane.locator(".pane__state")).to_have_text("Rejected")
    expect(pane.locator("#pane-reject-reason")).to_have_text(
        "Reason: The VAT number of the supplier is missing."
    )
    expect(row.locator(".badge")).to_have_text("Rejected")
    not_reloaded(page)
    client.assert_no_script_errors()
    accountant.assert_no_script_errors()


def _upload(user, world: World, code: str, name: str, content: bytes, **details) -> Document:
    import io

    from dossier.services import document_upload

    def run() -> Document:
        folder = Folder.objects.get(company=world.company, template_code=code)
        return document_upload(
            actor=user, folder=folder, content=io.BytesIO(content), name=name, **details
        )

    return orm(run)


def test_dossier_screenshots_on_a_desktop_and_on_a_phone(
    world: World, server: DaphneServer, browser: Browser
) -> None:
    from datetime import date
    from decimal import Decimal

    from dossier.services import document_publish

    invoice = _upload(
        world.client, world, "purchase_invoices", "Invoice 2026-014 Bakkerij Jan.pdf", pdf_bytes(),
        kind="purchase_invoice", amount=Decimal("121.00"), currency="EUR",
        supplier="Bakkerij Jan", due_date=date(2026, 12, 31), note="Paid by card.",
    )  # fmt: skip
    _upload(world.client, world, "purchase_invoices", "IMG_2041.jpg", jpeg_bytes())
    accounts = _upload(
        world.accountant, world, "annual_accounts", "Annual accounts 2025.pdf", pdf_bytes(2)
    )
    orm(lambda: document_publish(actor=world.accountant, document=accounts, ack_required=True))
    folder = orm(lambda: invoice.folder_id)

    accountant = tab_open(browser, viewport={"width": 1280, "height": 900})
    sign_in(accountant, server, world.accountant.email)
    page = dossier_open(
        accountant, server, world.company.id, f"?folder={folder}&document={invoice.id}"
    )
    expect(page.locator("#pane").get_by_role("heading", name=invoice.name)).to_be_visible()
    expect(page.locator("#pane .pane__thumb")).to_be_visible()
    expect(page.locator("#versions li")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    page.screenshot(path="/tmp/kontor-dossier-desktop.png", full_page=True)
    # The whole pane, which on a desktop scrolls by itself beside the list.
    page.add_style_tag(
        content=".dossier__pane { max-height: none !important; position: static !important; }"
    )
    page.locator("#pane").screenshot(path="/tmp/kontor-dossier-desktop-pane.png")
    accountant.assert_no_script_errors()

    client = tab_open(
        browser,
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    sign_in(client, server, world.client.email)
    phone = dossier_open(client, server, world.company.id, f"?folder={folder}")
    expect(document_row(phone, "IMG_2041.jpg")).to_be_visible()
    expect(phone.get_by_text("Take a photo")).to_be_visible()
    # (A full-page capture in phone emulation drops the camera button; this one shows it.)
    phone.locator(".dropzone").screenshot(path="/tmp/kontor-dossier-phone-upload.png")
    camera = phone.locator("#dossier-camera")
    assert camera.get_attribute("accept") == "image/*"
    assert camera.get_attribute("capture") == "environment"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360, "wider than the phone"
    phone.screenshot(path="/tmp/kontor-dossier-phone.png", full_page=True)
    toggle = phone.locator("#folders-toggle")
    expect(toggle).to_have_text(f"Folder: {PURCHASE_INVOICES}")
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    toggle.scroll_into_view_if_needed()
    phone.screenshot(path="/tmp/kontor-dossier-phone-folders.png")
    phone.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(phone.locator("#folder-tree")).to_be_hidden()
    document_row(phone, invoice.name).get_by_role("button").click()
    expect(phone.locator("#pane-heading")).to_be_focused()
    expect(phone.locator("#pane .pane__thumb")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360, "wider than the phone"
    phone.screenshot(path="/tmp/kontor-dossier-phone-pane.png", full_page=True)
    client.assert_no_script_errors()

    staff_phone = tab_open(browser, viewport={"width": 360, "height": 740}, device_scale_factor=2)
    sign_in(staff_phone, server, world.accountant.email)
    staff_phone.page.get_by_role("link", name="Inbox").click()
    expect(staff_phone.page.locator("#inbox-rows tr")).to_have_count(2)
    assert staff_phone.page.evaluate("document.documentElement.scrollWidth") <= 360
    staff_phone.page.screenshot(path="/tmp/kontor-inbox-phone.png", full_page=True)
    staff_phone.assert_no_script_errors()


def test_several_files_at_once_each_with_its_own_progress_and_error(
    world: World, server: DaphneServer, browser: Browser
) -> None:
    client = tab_open(browser)
    sign_in(client, server, world.client.email)
    page = dossier_open(client, server, world.company.id)

    # A folder the office fills: the client cannot add files there, and is told why.
    folder_choose(page, "Jaarrekening / Comptes annuels")
    expect(page.locator("#upload-target")).to_have_text(
        "Only the office adds files to this folder."
    )
    expect(page.locator("#dossier-file")).to_be_disabled()

    folder_choose(page, PURCHASE_INVOICES)
    expect(page.locator("#dossier-file")).to_be_enabled()
    files: list[FilePayload] = [
        {"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": jpeg_bytes()},
        {"name": "program.exe", "mimeType": "application/octet-stream",
         "buffer": b"MZ\x90\x00\x03\x00\x00\x00" + bytes(600)},
        {"name": "empty.pdf", "mimeType": "application/pdf", "buffer": b""},
    ]  # fmt: skip
    page.set_input_files("#dossier-file", files)
    rows = page.locator(".upload-row")
    expect(rows).to_have_count(3)
    done = rows.filter(has_text="photo.jpg")
    expect(done).to_have_attribute("data-state", "done")
    expect(done.locator(".upload-row__error")).to_be_empty()
    refused = rows.filter(has_text="program.exe")
    expect(refused).to_have_attribute("data-state", "failed")
    expect(refused.get_by_role("alert")).to_contain_text("This type of file is not accepted.")
    empty = rows.filter(has_text="empty.pdf")
    expect(empty).to_have_attribute("data-state", "failed")
    expect(empty.get_by_role("alert")).to_have_text("empty.pdf is empty.")
    expect(page.locator("#upload-summary")).to_have_text("Uploaded: 1 of 3.")
    expect(document_row(page, "photo.jpg")).to_be_visible()
    expect(page.locator("#documents li")).to_have_count(1)

    # A file dropped on the tab goes the same way.
    page.evaluate(
        """() => {
            const transfer = new DataTransfer();
            transfer.items.add(new File(["Date;Amount\\n2026-11-02;12.50\\n"], "bank.csv",
                                        {type: "text/csv"}));
            const zone = document.getElementById("dropzone");
            for (const type of ["dragenter", "dragover", "drop"]) {
                zone.dispatchEvent(new DragEvent(type, {dataTransfer: transfer, bubbles: true,
                                                        cancelable: true}));
            }
        }"""
    )
    expect(rows.filter(has_text="bank.csv")).to_have_attribute("data-state", "done")
    expect(document_row(page, "bank.csv")).to_be_visible()
    assert orm(lambda: sorted(Document.objects.values_list("name", flat=True))) == [
        "bank.csv",
        "photo.jpg",
    ]

    # Finished rows can be cleared, one by one, from the keyboard.
    refused.get_by_role("button", name="Remove program.exe from this list").press("Enter")
    expect(rows).to_have_count(3)
    client.assert_no_script_errors(expected=("status of 400 (Bad Request)",))


def test_details_publishing_confirmation_and_trash_reach_the_other_side_live(
    world: World, server: DaphneServer, browser: Browser
) -> None:
    invoice = _upload(world.client, world, "purchase_invoices", "invoice.pdf", pdf_bytes())
    accounts = _upload(world.accountant, world, "annual_accounts", "Accounts 2025.pdf", pdf_bytes())

    client = tab_open(browser)
    sign_in(client, server, world.client.email)
    mine = dossier_open(client, server, world.company.id, f"?document={invoice.id}")
    accountant = tab_open(browser)
    sign_in(accountant, server, world.accountant.email)
    office = dossier_open(accountant, server, world.company.id, f"?document={invoice.id}")
    expect(office.locator("#detail-amount")).to_have_value("")

    # The client fills in the details; the accountant's open form follows.
    mine.get_by_label("Amount").fill("99,50")
    mine.get_by_label("Currency").fill("eur")
    mine.get_by_label("Supplier").fill("Bakkerij Jan")
    mine.get_by_label("Due date").fill("2026-12-31")
    mine.get_by_role("button", name="Save").click()
    expect(mine.locator(".saved")).to_have_text("Saved.")
    expect(office.locator("#detail-amount")).to_have_value("99.50")
    expect(office.locator("#detail-currency")).to_have_value("EUR")
    expect(office.locator("#detail-supplier")).to_have_value("Bakkerij Jan")
    expect(document_row(office, "invoice.pdf")).to_contain_text("€99.50")
    expect(document_row(office, "invoice.pdf")).to_contain_text("due Dec 31, 2026")

    # The office publishes the accounts and asks for a confirmation; the client gives it.
    document_row(office, "Accounts 2025.pdf").get_by_role("button").click()
    office_pane = office.locator("#pane")
    office_pane.get_by_label("Note for the client").fill("Please check the figures.")
    office_pane.get_by_label("The client must confirm receipt").check()
    office_pane.get_by_role("button", name="Publish").click()
    expect(office_pane.get_by_text("The client has not confirmed it yet.")).to_be_visible()

    row = document_row(mine, "Accounts 2025.pdf")
    expect(row.locator(".badge")).to_have_text("Awaiting confirmation")
    row.get_by_role("button").click()
    pane = mine.locator("#pane")
    expect(pane.locator(".pane__note")).to_have_text("Please check the figures.")
    expect(pane.get_by_label("Amount")).to_have_count(0)  # published: the client only reads
    pane.get_by_role("button", name="Confirm").click()
    confirmed = f"Confirmed by {world.client.email} on "
    expect(pane.locator("#pane-confirmed")).to_contain_text(confirmed)
    expect(office_pane.locator("#pane-confirmed")).to_contain_text(confirmed)
    assert orm(lambda: Document.objects.get(pk=accounts.pk).acknowledged_by_id) == world.client.pk

    # The client moves the invoice to the trash: it leaves the office's list; the office
    # restores it from the trash and it comes back to the client.
    document_row(mine, "invoice.pdf").get_by_role("button").click()
    pane.get_by_role("button", name="Move to the trash").click()
    expect(document_row(mine, "invoice.pdf")).to_have_count(0)
    expect(document_row(office, "invoice.pdf")).to_have_count(0)
    office.get_by_label("Show the trash").check()
    document_row(office, "invoice.pdf").get_by_role("button").click()
    office_pane.get_by_role("button", name="Restore").click()
    expect(document_row(office, "invoice.pdf")).to_have_count(0)  # it left the trash
    expect(document_row(mine, "invoice.pdf")).to_be_visible()
    not_reloaded(mine)
    not_reloaded(office)
    client.assert_no_script_errors()
    accountant.assert_no_script_errors()


def test_new_folders_and_documents_moved_out_of_sight_follow_live(
    world: World, server: DaphneServer, browser: Browser
) -> None:
    invoice = _upload(world.client, world, "purchase_invoices", "invoice.pdf", pdf_bytes())
    internal = orm(
        lambda: Folder.objects.get(company=world.company, template_code="office_working_papers")
    )
    token = token_of(world.accountant)
    client = tab_open(browser)
    sign_in(client, server, world.client.email)
    page = dossier_open(client, server, world.company.id, f"?document={invoice.id}")
    expect(page.locator("#pane-heading")).to_have_text("invoice.pdf")
    expect(page.locator("#folder-tree")).not_to_contain_text(internal.name)

    api_call(server, token, "POST", f"companies/{world.company.id}/folders/", {"name": "Receipts"})
    expect(page.locator("#folder-tree .folder", has_text="Receipts")).to_be_visible()

    api_call(server, token, "POST", f"documents/{invoice.id}/move/", {"folder": internal.id})
    expect(document_row(page, "invoice.pdf")).to_have_count(0)
    expect(page.locator("#pane-intro")).to_have_text("This document is no longer available.")
    not_reloaded(page)
    client.assert_no_script_errors()


def listed(page: Page) -> Locator:
    """The names in the document list, in their order."""
    return page.locator("#documents .doc__name")


def test_sorting_filters_load_more_versions_and_access_history(
    world: World, server: DaphneServer, browser: Browser, tmp_path: Path
) -> None:
    from datetime import date

    _upload(
        world.client,
        world,
        "purchase_invoices",
        "b-rent.pdf",
        pdf_bytes(),
        due_date=date(2026, 12, 1),
    )
    phone_bill = _upload(
        world.client,
        world,
        "purchase_invoices",
        "c-phone.pdf",
        pdf_bytes(),
        due_date=date(2026, 11, 1),
    )
    _upload(world.client, world, "contracts", "a-lease.pdf", pdf_bytes(), kind="contract")
    token = token_of(world.accountant)

    client = tab_open(browser)
    sign_in(client, server, world.client.email)
    # Pages of two documents instead of fifty, to see "Load more" at work.
    small_pages = True

    def pages_of_two(route: Route) -> None:
        url = route.request.url
        route.continue_(url=url.replace("page_size=50", "page_size=2") if small_pages else url)

    client.page.route("**/api/v1/companies/*/documents/?*", pages_of_two)
    page = dossier_open(client, server, world.company.id)
    expect(listed(page)).to_have_text(["a-lease.pdf", "c-phone.pdf"])  # newest first
    # A change to the last one loaded, while more pages wait: it stays, changed.
    api_call(
        server,
        token,
        "PATCH",
        f"documents/{phone_bill.id}/",
        {"amount": "12.00", "currency": "EUR"},
    )
    expect(document_row(page, "c-phone.pdf")).to_contain_text("€12.00")
    expect(listed(page)).to_have_text(["a-lease.pdf", "c-phone.pdf"])
    page.get_by_role("button", name="Load more").click()
    expect(listed(page)).to_have_text(["a-lease.pdf", "c-phone.pdf", "b-rent.pdf"])
    expect(page.get_by_role("button", name="Load more")).to_be_hidden()

    page.get_by_label("Sort by").select_option("name")
    page.get_by_role("button", name="Load more").click()
    expect(listed(page)).to_have_text(["a-lease.pdf", "b-rent.pdf", "c-phone.pdf"])

    # (By due date the API's cursor loses undated documents after the first page: whole pages.)
    small_pages = False
    page.get_by_label("Sort by").select_option("due")
    expect(listed(page)).to_have_text(["c-phone.pdf", "b-rent.pdf", "a-lease.pdf"])  # undated last

    page.get_by_label("Kind").select_option("contract")
    expect(listed(page)).to_have_text(["a-lease.pdf"])
    page.get_by_label("Kind").select_option("")
    page.get_by_label("Search").fill("rent")
    expect(listed(page)).to_have_text(["b-rent.pdf"])
    page.get_by_label("Search").fill("")
    expect(listed(page)).to_have_text(["c-phone.pdf", "b-rent.pdf", "a-lease.pdf"])

    # Sorted by name, a document uploaded by the office lands in its place, live.
    page.get_by_label("Sort by").select_option("name")
    expect(listed(page)).to_have_text(["a-lease.pdf", "b-rent.pdf", "c-phone.pdf"])
    accountant = tab_open(browser)
    sign_in(accountant, server, world.accountant.email)
    office = dossier_open(accountant, server, world.company.id)
    folder_choose(office, PURCHASE_INVOICES)
    office.set_input_files(
        "#dossier-file",
        {"name": "bb-water.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes()},
    )
    expect(listed(page)).to_have_text(["a-lease.pdf", "b-rent.pdf", "bb-water.pdf", "c-phone.pdf"])

    # A new version from the client's pane; the office's open pane lists it too.
    document_row(page, "b-rent.pdf").get_by_role("button").click()
    pane = page.locator("#pane")
    expect(pane.locator("#versions li")).to_have_count(1)
    document_row(office, "b-rent.pdf").get_by_role("button").click()
    expect(office.locator("#versions li")).to_have_count(1)
    corrected = tmp_path / "b-rent-corrected.pdf"
    corrected.write_bytes(pdf_bytes(2))
    page.set_input_files("#version-file", str(corrected))
    expect(pane.locator("#versions li").first).to_contain_text("Version 2")
    expect(pane.locator("#versions li").first).to_contain_text("b-rent-corrected.pdf")
    expect(office.locator("#versions li")).to_have_count(2)
    expect(office.get_by_role("link", name="Download version 1")).to_have_attribute(
        "href", re.compile(r"/download/\?version=1$")
    )

    # The office downloads it; the client sees who did, in the access history.
    with office.expect_download() as download:
        office.locator("#pane").get_by_role("link", name="Download b-rent.pdf").click()
    assert download.value.suggested_filename == "b-rent-corrected.pdf"
    pane.get_by_text("Who opened it").click()
    history = pane.locator(".access")
    expect(history).to_contain_text(f"{world.accountant.email} downloaded version 2")
    expect(history).to_contain_text(f"{world.client.email} viewed the preview of version")
    not_reloaded(page)
    client.assert_no_script_errors()
    accountant.assert_no_script_errors()


def test_the_dossier_works_from_the_keyboard(
    world: World, server: DaphneServer, browser: Browser
) -> None:
    invoice = _upload(world.client, world, "purchase_invoices", "invoice.pdf", pdf_bytes())
    accountant = tab_open(browser)
    sign_in(accountant, server, world.accountant.email)
    page = dossier_open(accountant, server, world.company.id)

    folder = page.locator("#folder-tree .folder", has_text=PURCHASE_INVOICES)
    folder.focus()
    page.keyboard.press("Enter")
    expect(folder).to_have_attribute("aria-current", "true")
    expect(folder).to_be_focused()  # the tree is redrawn, the focus stays

    # The file picker is a real input behind its label, and the label shows the focus.
    page.locator("#dossier-file").focus()
    assert (
        page.locator(".file-button").first.evaluate(
            "(label) => getComputedStyle(label).outlineStyle"
        )
        == "solid"
    )

    opener = document_row(page, "invoice.pdf").get_by_role("button")
    opener.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#pane-heading")).to_have_text("invoice.pdf")
    expect(opener).to_have_attribute("aria-current", "true")
    expect(opener).to_be_focused()  # beside the list, the pane does not take the focus

    start = page.locator("#pane").get_by_role("button", name="Start booking")
    start.focus()
    page.keyboard.press("Enter")
    # The button is gone with the state it changed; the keyboard lands on the new state.
    expect(page.locator("#pane-inbox-state")).to_have_text("In progress")
    expect(page.locator("#pane-inbox-state")).to_be_focused()
    assert orm(lambda: Document.objects.get(pk=invoice.pk).inbox_state) == "in_progress"
    accountant.assert_no_script_errors()
