"""Sales invoices: totals per VAT rate, gapless numbers, the booking, the PDF in the dossier,
credit notes, payment references, and nothing left behind when issuing fails."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pypdfium2 as pdfium
import pytest
from django.db.models import Sum

from bookkeeping import services as books
from bookkeeping.einvoice import einvoice_read, einvoice_write
from bookkeeping.errors import BooksError, PeriodLocked
from bookkeeping.invoices import services
from bookkeeping.invoices.documents import invoice_einvoice, totals_of
from bookkeeping.invoices.references import (
    be_structured,
    be_structured_valid,
    kid_valid,
    luhn_digit,
    payment_reference_for,
)
from bookkeeping.invoices.services import InvoiceLineInput
from bookkeeping.models import (
    Account,
    Allocation,
    BooksSettings,
    Entry,
    Invoice,
    InvoiceSeries,
    Line,
    Party,
    VatCode,
)
from bookkeeping.reports.vat_summary import vat_summary
from dossier import storage
from dossier.models import Document, InboxState
from server.accounts.models import User
from server.tenancy.access import NotPermitted
from server.tenancy.models import Company
from tests.factories import World

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def customer(actor: User, company: Company, **values) -> Party:
    values = {
        "name": "Brouwerij Test NV",
        "country": "BE",
        "vat_number": "BE0417497106",
        "street": "Kerkstraat 1",
        "postcode": "9000",
        "city": "Gent",
        **values,
    }
    return books.party_create(actor=actor, company=company, **values)


def code(company: Company, name: str) -> VatCode:
    return VatCode.objects.get(company=company, code=name)


def line(
    company: Company,
    description: str,
    quantity: str,
    price: str,
    vat: str = "S21",
    account: Account | None = None,
) -> InvoiceLineInput:
    return InvoiceLineInput(
        description, Decimal(quantity), Decimal(price), code(company, vat), account
    )


def sales_draft(actor: User, company: Company, lines=None, **kwargs) -> Invoice:
    party = kwargs.pop("party", None) or customer(actor, company)
    lines = lines if lines is not None else [line(company, "Consulting", "3", "100.00")]
    return services.invoice_draft_create(
        actor=actor, company=company, party=party, lines=lines, **kwargs
    )


def booked(invoice: Invoice) -> Entry:
    assert invoice.entry is not None, "an issued invoice is booked"
    return invoice.entry


@pytest.fixture
def company(world: World) -> Company:
    Company.objects.filter(pk=world.company.pk).update(vat_number="BE0403019261")
    world.company.refresh_from_db()
    return world.company


# --- Totals --------------------------------------------------------------------------------------


def test_vat_is_rounded_per_rate_not_per_line(world: World, company: Company) -> None:
    # 10 × 0.05 at 21 %: 0.11 on the sum (0.10 if rounded per line); 3 × 0.333 at 6 %: the
    # line nets round half-up first (0.999 → 1.00), then 6 % of 1.00.
    lines = [line(company, f"Item {n}", "1", "0.05") for n in range(10)]
    lines += [
        line(company, "Small", "3", "0.333", "S06"),
        line(company, "Export", "2", "9.995", "EXP"),
    ]
    invoice = sales_draft(world.client, company, lines)
    assert [ln.net_amount for ln in invoice.lines.all()][-2:] == [Decimal("1.00"), Decimal("19.99")]
    assert invoice.net_total == Decimal("21.49")
    assert invoice.vat_total == Decimal("0.11") + Decimal("0.06")
    assert invoice.gross_total == Decimal("21.66")
    rates = {
        (v.category, v.rate): (v.base, v.tax) for v in totals_of(list(invoice.lines.all())).vat
    }
    assert rates == {
        ("S", Decimal("21")): (Decimal("0.50"), Decimal("0.11")),
        ("S", Decimal("6")): (Decimal("1.00"), Decimal("0.06")),
        ("G", Decimal("0")): (Decimal("19.99"), Decimal("0.00")),
    }


def test_a_draft_refuses_lines_it_cannot_book(world: World, company: Company) -> None:
    purchase = code(company, "P21")
    bad = [
        [InvoiceLineInput("x", Decimal(1), Decimal(1), purchase)],
        [line(company, "x", "1", "-5")],
        [line(company, "x", "0", "5")],
        [line(company, "", "1", "5")],
        [line(company, "x", "1", "0.00001")],
        [
            line(
                company, "x", "1", "5", account=books.account_for_role(company=company, role="bank")
            )
        ],
    ]
    for lines in bad:
        with pytest.raises(BooksError):
            sales_draft(world.client, company, lines)
    assert not Invoice.objects.exists()


def test_outsiders_cannot_draft_or_issue(world: World, company: Company) -> None:
    party = customer(world.client, company)
    with pytest.raises(NotPermitted):
        sales_draft(world.other_owner, company, party=party)
    invoice = sales_draft(world.client_member, company, party=party)
    with pytest.raises(NotPermitted):
        services.invoice_issue(actor=world.other_client, invoice=invoice)
    assert Invoice.objects.get().state == "draft"


# --- Issuing -------------------------------------------------------------------------------------


def test_issuing_numbers_books_and_files_the_invoice(world: World, company: Company) -> None:
    lines = [
        line(company, "Consulting", "3", "100.00"),
        line(company, "Books", "2", "12.50", "S06"),
    ]
    invoice = sales_draft(world.client_member, company, lines, issue_date=TODAY)
    invoice = services.invoice_issue(actor=world.client_member, invoice=invoice)

    assert invoice.number == f"{TODAY.year}-0001"
    assert invoice.state == "issued"
    assert invoice.due_date == TODAY + datetime.timedelta(days=30)
    assert (invoice.net_total, invoice.vat_total, invoice.gross_total) == (
        Decimal("325.00"),
        Decimal("64.50"),
        Decimal("389.50"),
    )

    entry = booked(invoice)
    assert entry.state == "posted" and entry.source == "sales_invoice"
    assert entry.journal.kind == "sales" and entry.reference == invoice.number
    totals = entry.lines.aggregate(d=Sum("debit"), c=Sum("credit"))
    assert totals["d"] == totals["c"] == Decimal("389.50")

    def on(role: str) -> list[Line]:
        return list(entry.lines.filter(account__role=role))

    (receivable,) = on("receivable")
    assert (receivable.debit, receivable.party, receivable.due_date) == (
        Decimal("389.50"),
        invoice.party,
        invoice.due_date,
    )
    assert sum(ln.credit for ln in on("revenue_services")) == Decimal("325.00")
    vat = {ln.vat_code and ln.vat_code.code: (ln.credit, ln.vat_base) for ln in on("vat_due")}
    assert vat == {
        "S21": (Decimal("63.00"), Decimal("300.00")),
        "S06": (Decimal("1.50"), Decimal("25.00")),
    }
    summary = vat_summary(company=company, start=TODAY.replace(day=1), end=TODAY)
    boxes = {box.box: box.amount for box in summary.boxes}
    assert (boxes["03"], boxes["01"], boxes["54"]) == (
        Decimal("300.00"),
        Decimal("25.00"),
        Decimal("64.50"),
    )

    document = invoice.document
    assert document is not None and document.current_version is not None
    assert document.kind == "sales_invoice" and document.folder.template_code == "sales_invoices"
    assert document.name == f"{invoice.number}.pdf" and document.amount == Decimal("389.50")
    assert document.inbox_state == InboxState.BOOKED  # never waits to be booked a second time
    with storage.file_open(document.current_version.storage_key) as stored:
        text = pdfium.PdfDocument(stored.read())[0].get_textpage().get_text_range()
    assert invoice.number in text and "Brouwerij Test NV" in text
    assert invoice.payment_reference.startswith("+++")
    assert be_structured_valid(invoice.payment_reference)


def test_revenue_goes_to_the_line_account(world: World, company: Company) -> None:
    goods = books.account_for_role(company=company, role="revenue_goods")
    invoice = sales_draft(
        world.accountant, company, [line(company, "Beer", "10", "2.00", account=goods)]
    )
    invoice = services.invoice_issue(actor=world.accountant, invoice=invoice)
    assert booked(invoice).lines.get(account=goods).credit == Decimal("20.00")


def test_numbers_follow_each_other_per_kind_and_year(world: World, company: Company) -> None:
    party = customer(world.client, company)
    numbers = []
    for _ in range(3):
        draft = sales_draft(world.client, company, party=party)
        numbers.append(services.invoice_issue(actor=world.client, invoice=draft).number)
    year = TODAY.year
    assert numbers == [f"{year}-0001", f"{year}-0002", f"{year}-0003"]
    next_year = sales_draft(
        world.client, company, party=party, issue_date=datetime.date(year + 1, 1, 5)
    )
    assert (
        services.invoice_issue(actor=world.client, invoice=next_year).number == f"{year + 1}-0001"
    )
    earlier = sales_draft(
        world.client, company, party=party, issue_date=datetime.date(year + 1, 1, 3)
    )
    with pytest.raises(BooksError) as refused:  # a number must not predate the last one's date
        services.invoice_issue(actor=world.client, invoice=earlier)
    assert refused.value.code == "not_chronological"


def test_a_failed_issue_leaves_nothing_behind(world: World, company: Company, monkeypatch) -> None:
    party = customer(world.client, company)
    first = services.invoice_issue(
        actor=world.client, invoice=sales_draft(world.client, company, party=party)
    )
    before = (Entry.objects.count(), Document.objects.count(), Line.objects.count())

    # 1. The period is locked: the posting refuses.
    BooksSettings.objects.filter(company=company).update(lock_date=TODAY)
    locked = sales_draft(world.client, company, party=party, issue_date=TODAY)
    with pytest.raises(PeriodLocked):
        services.invoice_issue(actor=world.client, invoice=locked)
    BooksSettings.objects.filter(company=company).update(lock_date=None)

    # 2. The PDF cannot be rendered.
    def broken_pdf(document):
        raise RuntimeError("font missing")

    monkeypatch.setattr(services, "invoice_pdf", broken_pdf)
    with pytest.raises(RuntimeError):
        services.invoice_issue(actor=world.client, invoice=locked)
    monkeypatch.undo()

    # 3. The file is stored, then the transaction fails: the object must go too.
    keys: list[str] = []
    real_store = storage.file_store

    def store(key, content):
        keys.append(key)
        return real_store(key, content)

    def fail(invoice):
        raise RuntimeError("announce failed")

    monkeypatch.setattr(storage, "file_store", store)
    monkeypatch.setattr(services, "_announce", fail)
    with pytest.raises(RuntimeError):
        services.invoice_issue(actor=world.client, invoice=locked)
    monkeypatch.undo()
    assert len(keys) == 1 and not storage.file_exists(keys[0])

    assert (Entry.objects.count(), Document.objects.count(), Line.objects.count()) == before
    locked.refresh_from_db()
    assert (locked.state, locked.number, locked.entry, locked.document) == ("draft", "", None, None)
    series = InvoiceSeries.objects.get(company=company, kind="sales_invoice")
    assert series.last_number == 1
    # The number not consumed goes to the next issue.
    issued = services.invoice_issue(actor=world.client, invoice=locked)
    assert issued.number == first.number[:-1] + "2"


def test_issued_invoices_are_not_edited_or_deleted(world: World, company: Company) -> None:
    invoice = services.invoice_issue(actor=world.client, invoice=sales_draft(world.client, company))
    for change in (
        lambda: services.invoice_draft_update(actor=world.client, invoice=invoice, note="x"),
        lambda: services.invoice_draft_delete(actor=world.client, invoice=invoice),
        lambda: services.invoice_issue(actor=world.client, invoice=invoice),
    ):
        with pytest.raises(BooksError) as refused:
            change()
        assert refused.value.code == "not_draft"


def test_a_draft_is_edited_and_deleted(world: World, company: Company) -> None:
    invoice = sales_draft(world.client, company)
    invoice = services.invoice_draft_update(
        actor=world.accountant,
        invoice=invoice,
        lines=[line(company, "More", "1", "10.00")],
        due_date=TODAY,
        note="Thanks",
    )
    assert (invoice.gross_total, invoice.note) == (Decimal("12.10"), "Thanks")
    assert invoice.lines.get().description == "More"
    services.invoice_draft_delete(actor=world.client, invoice=invoice)
    assert not Invoice.objects.exists()


# --- Credit notes --------------------------------------------------------------------------------


def test_a_credit_note_is_numbered_apart_and_booked_swapped(world: World, company: Company) -> None:
    invoice = services.invoice_issue(actor=world.client, invoice=sales_draft(world.client, company))
    credit = services.credit_note_create(actor=world.client, invoice=invoice)
    assert (credit.kind, credit.credit_of, credit.gross_total) == (
        "credit_note",
        invoice,
        invoice.gross_total,
    )
    credit = services.invoice_issue(actor=world.client, invoice=credit)
    assert credit.number == f"CN{TODAY.year}-0001"

    receivable = booked(credit).lines.get(account__role="receivable")
    assert (receivable.credit, receivable.debit) == (Decimal("363.00"), Decimal("0"))
    assert booked(credit).lines.get(account__role="revenue_services").debit == Decimal("300.00")
    assert booked(credit).lines.get(account__role="vat_due").debit == Decimal("63.00")
    # Matched with the invoice: nothing remains open on it.
    allocation = Allocation.objects.get()
    assert allocation.amount == Decimal("363.00")
    assert books.line_residual(booked(invoice).lines.get(account__role="receivable")) == 0
    summary = vat_summary(company=company, start=TODAY.replace(day=1), end=TODAY)
    assert summary.vat_due == 0

    more = services.credit_note_create(
        actor=world.client, invoice=invoice, lines=[line(company, "Again", "1", "1.00")]
    )
    with pytest.raises(BooksError) as refused:
        services.invoice_issue(actor=world.client, invoice=more)
    assert refused.value.code == "over_credit"
    with pytest.raises(BooksError):
        services.credit_note_create(actor=world.client, invoice=credit)


def test_a_partial_credit_note(world: World, company: Company) -> None:
    invoice = services.invoice_issue(actor=world.client, invoice=sales_draft(world.client, company))
    credit = services.credit_note_create(
        actor=world.client, invoice=invoice, lines=[line(company, "Refund", "1", "100.00")]
    )
    credit = services.invoice_issue(actor=world.client, invoice=credit)
    assert credit.gross_total == Decimal("121.00")
    debit_line = booked(invoice).lines.get(account__role="receivable")
    assert books.line_residual(debit_line) == Decimal("242.00")


# --- UBL -----------------------------------------------------------------------------------------


def test_the_ubl_export_reads_back_with_the_invoice_totals(world: World, company: Company) -> None:
    lines = [
        line(company, "Consulting", "3", "100.00"),
        line(company, "Books", "7", "3.333", "S06"),
        line(company, "Export", "1", "50", "EXP"),
    ]
    invoice = services.invoice_issue(
        actor=world.client, invoice=sales_draft(world.client, company, lines)
    )
    items = list(invoice.lines.all())
    read = einvoice_read(einvoice_write(invoice_einvoice(invoice, items, totals_of(items))))
    assert read.number == invoice.number and read.kind == "invoice"
    assert (read.totals.tax_exclusive, read.totals.tax_total, read.totals.payable) == (
        invoice.net_total,
        invoice.vat_total,
        invoice.gross_total,
    )
    assert read.seller.vat_number == "BE0403019261" and read.buyer.vat_number == "BE0417497106"
    assert (read.seller.endpoint_scheme, read.seller.endpoint_id) == ("0208", "0403019261")
    assert (read.buyer.endpoint_scheme, read.buyer.endpoint_id) == ("0208", "0417497106")
    assert read.payment is not None and read.payment.payment_id == invoice.payment_reference
    assert read.due_date == invoice.due_date

    credit = services.credit_note_create(actor=world.client, invoice=invoice)
    credit = services.invoice_issue(actor=world.client, invoice=credit)
    items = list(credit.lines.all())
    read = einvoice_read(einvoice_write(invoice_einvoice(credit, items, totals_of(items))))
    assert read.kind == "credit_note" and read.billing_reference == invoice.number
    assert read.totals.payable == credit.gross_total


# --- Payment references --------------------------------------------------------------------------


def test_payment_references_carry_their_check_digits() -> None:
    assert be_structured(1234567890) == "+++123/4567/89002+++"  # 1234567890 mod 97 = 2
    assert be_structured(97) == "+++000/0000/09797+++"  # remainder 0 is written 97
    assert be_structured_valid("+++123/4567/89002+++")
    assert not be_structured_valid("+++123/4567/89003+++")
    assert luhn_digit("7992739871") == "3"  # the textbook Luhn example
    kid = payment_reference_for(country="NO", kind="invoice", year=2026, sequence=42, number="x")
    assert kid == "20261000042" + luhn_digit("20261000042") and kid_valid(kid)
    assert not kid_valid(kid[:-1] + str((int(kid[-1]) + 1) % 10))
    assert (
        payment_reference_for(
            country="PL", kind="invoice", year=2026, sequence=3, number="2026-0003"
        )
        == "2026-0003"
    )


def test_a_norwegian_invoice_gets_a_kid(world: World) -> None:
    company = world.other_company
    party = customer(
        world.other_client, company, name="Kunde AS", country="NO", vat_number="NO974760673MVA"
    )
    invoice = services.invoice_draft_create(
        actor=world.other_client,
        company=company,
        party=party,
        lines=[line(company, "Tjeneste", "1", "1000", "3")],
    )
    invoice = services.invoice_issue(actor=world.other_client, invoice=invoice)
    assert invoice.currency == "EUR" or invoice.currency == company.currency
    assert kid_valid(invoice.payment_reference)
    assert invoice.vat_total == Decimal("250.00")
