"""The demo's books: seller details, two customers and a few sales invoices per company, one of
them partly paid, so that the Books tab of `kontor demo` shows revenue per month, receivables by
age and cash.

Everything goes through the real services (parties, invoice drafts and issuing, payments), so the
demo books are what a user would have made. A company that has any invoice already is left alone:
loading twice adds nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from bookkeeping import services as books
from bookkeeping.invoices import services as invoices
from bookkeeping.invoices.services import InvoiceLineInput
from bookkeeping.models import BooksSettings, FiscalYear, Invoice, VatCode
from bookkeeping.payments.services import AllocationInput, payment_record
from server.accounts.models import User
from server.tenancy.models import Company


@dataclass(frozen=True)
class DemoBooks:
    iban: str
    bic: str
    street: str
    postcode: str
    city: str
    vat_code: str  # the standard sales rate's code
    customers: tuple[tuple[str, str, str, str, str], ...]  # name, VAT no., street, postcode, city
    items: tuple[tuple[str, str, str], ...]  # description, quantity, unit price


# VAT numbers carry valid check digits (python-stdnum); the names are made up.
BOOKS: dict[str, DemoBooks] = {
    "BE": DemoBooks(
        iban="BE68539007547034", bic="GKCCBEBB", street="Leiekaai 12", postcode="9000",
        city="Gent", vat_code="S21",
        customers=(
            ("Brouwerij De Schelde NV", "BE0417497106", "Kaai 4", "9000", "Gent"),
            ("Studio Vlas BV", "BE0202239951", "Vlasmarkt 9", "9000", "Gent"),
        ),
        items=(("Interior design", "12", "85.00"), ("Workshop", "1", "450.00"),
               ("Furniture restoration", "6", "70.00"), ("Site visit", "2", "95.00")),
    ),
    "PL": DemoBooks(
        iban="PL61109010140000071219812874", bic="WBKPPLPP", street="ul. Wiślana 7",
        postcode="00-001", city="Warszawa", vat_code="S23",
        customers=(
            ("Kopalnia Smaku sp. z o.o.", "PL5261040828", "ul. Długa 3", "00-238", "Warszawa"),
            ("Mazury Transport S.A.", "PL7740001454", "ul. Portowa 1", "09-400", "Płock"),
        ),
        items=(("Dostawa towaru", "40", "125.00"), ("Usługa transportowa", "1", "1800.00"),
               ("Magazynowanie", "3", "600.00"), ("Pakowanie", "25", "30.00")),
    ),
    "NO": DemoBooks(
        iban="NO9386011117947", bic="DNBANOKK", street="Bryggen 5", postcode="5003",
        city="Bergen", vat_code="3",
        customers=(
            ("Havbris AS", "NO974760673MVA", "Strandkaien 2", "5013", "Bergen"),
            ("Nordlys Reiser AS", "NO923609016MVA", "Storgata 10", "9008", "Tromsø"),
        ),
        items=(("Lysdesign", "10", "950.00"), ("Montering", "8", "780.00"),
               ("Prosjektledelse", "5", "1100.00"), ("Befaring", "1", "1500.00")),
    ),
}  # fmt: skip

# Days before today each invoice is issued (three months back); the second one is paid in part.
ISSUED_DAYS_AGO = (80, 52, 24, 5)
PAID_PART = Decimal("0.4")


def demo_books_load(*, company: Company, staff: User, client: User) -> bool:
    """Fill the company's books once; False when it has invoices already (nothing is added).

    One transaction per company, so that a failure leaves no half-filled books that the
    "has invoices" check would then never complete. (A PDF stored before such a failure stays in
    the file store unreferenced; harmless in a demo.)
    """
    demo = BOOKS.get(company.country)
    if demo is None or Invoice.objects.filter(company=company).exists():
        return False
    today = timezone.localdate()
    with transaction.atomic():
        if not BooksSettings.objects.filter(company=company).exclude(iban="").exists():
            books.books_settings_update(
                actor=staff,
                company=company,
                changes={"iban": demo.iban, "bic": demo.bic, "street": demo.street,
                         "postcode": demo.postcode, "city": demo.city},
            )  # fmt: skip
        fields = ("name", "vat_number", "street", "postcode", "city")
        customers = [
            books.party_create(
                actor=client,
                company=company,
                country=company.country,
                **dict(zip(fields, row, strict=True)),
            )
            for row in demo.customers
        ]
        vat_code = VatCode.objects.get(company=company, code=demo.vat_code)
        issued = []
        for n, (days_ago, (description, quantity, price)) in enumerate(
            zip(ISSUED_DAYS_AGO, demo.items, strict=True)
        ):
            issue_date = today - datetime.timedelta(days=days_ago)
            _fiscal_year_ensure(company, issue_date)
            draft = invoices.invoice_draft_create(
                actor=client,
                company=company,
                party=customers[n % len(customers)],
                lines=[InvoiceLineInput(description, Decimal(quantity), Decimal(price), vat_code)],
                issue_date=issue_date,
            )
            issued.append(invoices.invoice_issue(actor=client, invoice=draft))
        partly = issued[1]
        assert partly.issue_date is not None  # issued
        paid = (partly.gross_total * PAID_PART).quantize(Decimal("0.01"))
        payment_record(
            actor=staff,
            company=company,
            direction="received",
            amount=paid,
            party=partly.party,
            date=min(today, partly.issue_date + datetime.timedelta(days=20)),
            allocations=[AllocationInput(invoice=partly, amount=paid)],
            reference=f"Part payment {partly.number}",
        )
    return True


def _fiscal_year_ensure(company: Company, day: datetime.date) -> None:
    """Early in a year, three months back lies in the previous fiscal year: open it."""
    if not FiscalYear.objects.filter(company=company, start__lte=day, end__gte=day).exists():
        start, end = books.fiscal_year_bounds(company, day)
        books.fiscal_year_open(company=company, start=start, end=end)
