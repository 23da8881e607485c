"""A small hand-made ledger with known numbers, for the report tests (built with the services).

2026 (company currency):
  01-10 sales invoice to A: D receivable 1210 (due 02-09), C revenue_goods 1000, C vat_due 210 (S21)
  01-20 purchase from B: D purchases 400, D vat_deductible 84 (P21), C payable 484 (due 02-19)
  02-15 A pays 500: D bank 500, C receivable 500, allocated to the invoice (partial)
  03-05 costs paid: D costs 300, C bank 300
  03-10 a mistake: D bank 50, C revenue_services 50, reversed on 03-12
  03-01 a draft (never posted): D bank 999, C revenue_goods 999
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from bookkeeping import services
from bookkeeping.models import Entry, JournalKind, Line, Party, VatCode
from bookkeeping.services import LineInput
from server.accounts.models import User
from server.tenancy.models import Company

from .helpers import account, journal

D = datetime.date


@dataclass
class Books:
    customer: Party
    supplier: Party
    invoice: Entry
    purchase: Entry
    payment: Entry
    mistake: Entry
    reversal: Entry
    draft: Entry


def money(value: str) -> Decimal:
    return Decimal(value)


def party(company: Company, name: str, kind: str) -> Party:
    return Party.objects.create(company=company, name=name, kind=kind, country=company.country)


def book(staff: User, company: Company, kind: str, date: datetime.date, lines) -> Entry:
    return services.entry_book(
        actor=staff, company=company, journal=journal(company, kind), date=date, lines=lines
    )


def books_make(staff: User, company: Company) -> Books:
    customer = party(company, "Alpha Customer", "customer")
    supplier = party(company, "Beta Supplier", "supplier")
    s21 = VatCode.objects.get(company=company, code="S21")
    p21 = VatCode.objects.get(company=company, code="P21")
    invoice = book(staff, company, JournalKind.SALES, D(2026, 1, 10), [
        LineInput(account=account(company, "receivable"), debit=money("1210"), party=customer,
                  due_date=D(2026, 2, 9)),
        LineInput(account=account(company, "revenue_goods"), credit=money("1000")),
        LineInput(account=account(company, "vat_due"), credit=money("210"), vat_code=s21,
                  vat_base=money("1000")),
    ])  # fmt: skip
    purchase = book(staff, company, JournalKind.PURCHASES, D(2026, 1, 20), [
        LineInput(account=account(company, "purchases"), debit=money("400")),
        LineInput(account=account(company, "vat_deductible"), debit=money("84"), vat_code=p21,
                  vat_base=money("400")),
        LineInput(account=account(company, "payable"), credit=money("484"), party=supplier,
                  due_date=D(2026, 2, 19)),
    ])  # fmt: skip
    payment = book(staff, company, JournalKind.BANK, D(2026, 2, 15), [
        LineInput(account=account(company, "bank"), debit=money("500")),
        LineInput(account=account(company, "receivable"), credit=money("500"), party=customer),
    ])  # fmt: skip
    receivable = account(company, "receivable")
    services.allocation_create(
        actor=staff,
        debit_line=Line.objects.get(entry=invoice, account=receivable),
        credit_line=Line.objects.get(entry=payment, account=receivable),
        amount=money("500"),
        date=D(2026, 2, 15),
    )
    book(staff, company, JournalKind.BANK, D(2026, 3, 5), [
        LineInput(account=account(company, "costs"), debit=money("300")),
        LineInput(account=account(company, "bank"), credit=money("300")),
    ])  # fmt: skip
    mistake = book(staff, company, JournalKind.GENERAL, D(2026, 3, 10), [
        LineInput(account=account(company, "bank"), debit=money("50")),
        LineInput(account=account(company, "revenue_services"), credit=money("50")),
    ])  # fmt: skip
    reversal = services.entry_reverse(actor=staff, entry=mistake, date=D(2026, 3, 12))
    draft = services.entry_create(
        actor=staff, company=company, journal=journal(company, JournalKind.GENERAL),
        date=D(2026, 3, 1), lines=[
            LineInput(account=account(company, "bank"), debit=money("999")),
            LineInput(account=account(company, "revenue_goods"), credit=money("999")),
        ],
    )  # fmt: skip
    return Books(customer, supplier, invoice, purchase, payment, mistake, reversal, draft)
