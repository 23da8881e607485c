"""Sales invoices and credit notes: drafts both sides edit, then issue in one transaction.

Issuing takes the next number of the company's series (per kind and year) under a row lock, books
the entry in the sales journal, renders the PDF and files it in the dossier's sales invoices
folder, and publishes `books.invoice` on commit. If any step refuses (a locked period, the PDF, the
storage), nothing stays behind: no number consumed, no entry, no document, no stored file.
"""

from __future__ import annotations

import contextlib
import datetime
import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from types import EllipsisType
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone

from dossier import events as dossier_events
from dossier import services as dossier_services
from dossier import storage
from dossier.models import Document, DocumentKind, Folder, InboxState
from server.accounts.models import User
from server.realtime.publish import publish
from server.tenancy.access import require_member
from server.tenancy.models import Company

from ..charts import AccountKind, Role
from ..errors import BooksError
from ..models import (
    Account,
    EntrySource,
    Invoice,
    InvoiceDirection,
    InvoiceKind,
    InvoiceLine,
    InvoiceSeries,
    InvoiceSeriesKind,
    InvoiceState,
    JournalKind,
    Line,
    Party,
    PartyKind,
    VatCode,
)
from ..render import invoice_pdf
from ..services import (
    LineInput,
    account_for_role,
    allocation_record,
    entry_book,
    journal_for,
    line_residual,
)
from ..totals import Totals
from ..vat_codes import Direction
from . import events
from .documents import invoice_document, totals_of
from .references import payment_reference_for

ZERO = Decimal(0)
DEFAULT_PAYMENT_DAYS = 30
SALES_FOLDER = "sales_invoices"  # the dossier template folder issued invoices are filed in
CREDIT_NOTE_PREFIX = "CN"
_QUANTUM = Decimal("0.0001")
_LIMIT = Decimal(10) ** 15


class InvoiceConflict(BooksError):
    status = 409


@dataclass(frozen=True)
class InvoiceLineInput:
    description: str
    quantity: Decimal
    unit_price: Decimal
    vat_code: VatCode
    account: Account | None = None  # an income account; default the revenue role's


# --- Checks ---------------------------------------------------------------------------------------


def _number(value: Any, what: str, line: int) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise BooksError(
            "bad_amount", f"Line {line}: the {what} {value!r} is not a number."
        ) from None
    if not number.is_finite() or abs(number) >= _LIMIT:
        raise BooksError("bad_amount", f"Line {line}: the {what} {value!r} is not a usable number.")
    if number != number.quantize(_QUANTUM):
        raise BooksError("bad_amount", f"Line {line}: the {what} has more than four decimals.")
    return number


def _lines_check(company: Company, lines: Sequence[InvoiceLineInput]) -> list[InvoiceLineInput]:
    checked = []
    for n, given in enumerate(lines, start=1):
        description = (given.description or "").strip()
        if not description:
            raise BooksError("invalid_line", f"Line {n} needs a description.")
        if len(description) > 500:
            raise BooksError("invalid_line", f"Line {n}: the description is over 500 characters.")
        quantity = _number(given.quantity, "quantity", n)
        unit_price = _number(given.unit_price, "unit price", n)
        if quantity == 0:
            raise BooksError("invalid_line", f"Line {n}: the quantity may not be zero.")
        if unit_price < 0:  # EN 16931 BR-27: a discount is a negative quantity, not price
            raise BooksError(
                "invalid_line", f"Line {n}: the unit price may not be negative; use a negative "
                "quantity for a discount or return.",
            )  # fmt: skip
        vat = given.vat_code
        if vat.company_id != company.pk or vat.direction != Direction.SALES or not vat.active:
            raise BooksError("invalid_vat_code", f"Line {n}: choose an active sales VAT code.")
        account = given.account
        if account is not None and (
            account.company_id != company.pk
            or account.kind != AccountKind.INCOME
            or not account.active
        ):
            raise BooksError("invalid_account", f"Line {n}: choose an active income account.")
        checked.append(InvoiceLineInput(description, quantity, unit_price, vat, account))
    return checked


def _party_check(company: Company, party: Party) -> Party:
    if party.company_id != company.pk:
        raise BooksError("invalid_party", "That customer is not in these books.")
    if party.kind not in (PartyKind.CUSTOMER, PartyKind.BOTH):
        raise BooksError("invalid_party", f"{party.name} is a supplier, not a customer.")
    return party


def _currency_check(currency: str) -> str:
    currency = (currency or "").strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise BooksError("bad_currency", f"{currency!r} is not a currency; e.g. EUR, PLN, NOK.")
    return currency


def _dates_check(issue: datetime.date | None, due: datetime.date | None) -> None:
    if issue is not None and due is not None and due < issue:
        raise BooksError("bad_due_date", "The due date cannot be before the issue date.")


def _draft_lock(invoice: Invoice) -> Invoice:
    locked = (
        Invoice.objects.select_for_update(of=("self",))
        .select_related("company", "party")
        .get(pk=invoice.pk)
    )
    if locked.direction != InvoiceDirection.SALES:
        raise InvoiceConflict("not_sales", "Only sales invoices are issued in Kontor.")
    if locked.state != InvoiceState.DRAFT:
        raise InvoiceConflict(
            "not_draft", f"Invoice {locked.number} is issued; correct it with a credit note."
        )
    return locked


# --- Drafts ---------------------------------------------------------------------------------------


def _lines_write(invoice: Invoice, lines: Sequence[InvoiceLineInput]) -> None:
    """Replace the draft's lines and store the totals (always through invoice_totals)."""
    invoice.lines.all().delete()
    rows = [
        InvoiceLine(
            invoice=invoice,
            position=position,
            description=line.description,
            quantity=line.quantity,
            unit_price=line.unit_price,
            vat_code=line.vat_code,
            vat_rate=line.vat_code.rate,
            account=line.account,
        )
        for position, line in enumerate(lines, start=1)
    ]
    totals = totals_of(rows)
    for row, net in zip(rows, totals.line_nets, strict=True):
        row.net_amount = net
    InvoiceLine.objects.bulk_create(rows)
    invoice.net_total = totals.net_total
    invoice.vat_total = totals.vat_total
    invoice.gross_total = totals.gross_total


def _announce(invoice: Invoice) -> None:
    publish(
        invoice.company_id, events.INVOICE, dict(events.invoice_payload(invoice)), invoice.audience
    )


def invoice_draft_create(
    *,
    actor: User,
    company: Company,
    party: Party,
    lines: Sequence[InvoiceLineInput] = (),
    issue_date: datetime.date | None = None,
    due_date: datetime.date | None = None,
    note: str = "",
    currency: str = "",
    payment_reference: str = "",
) -> Invoice:
    """A draft sales invoice; the issue date defaults to the day of issue, the due date to 30
    days after it, the currency to the company's."""
    require_member(actor, company)
    _party_check(company, party)
    checked = _lines_check(company, lines)
    currency = _currency_check(currency or company.currency)
    _dates_check(issue_date, due_date)
    with transaction.atomic():
        invoice = Invoice.objects.create(
            company=company,
            direction=InvoiceDirection.SALES,
            kind=InvoiceKind.INVOICE,
            party=party,
            issue_date=issue_date,
            due_date=due_date,
            currency=currency,
            note=note.strip(),
            payment_reference=payment_reference.strip()[:140],
            created_by=actor,
        )
        _lines_write(invoice, checked)
        invoice.save()
        _announce(invoice)
    return invoice


def invoice_draft_update(
    *,
    actor: User,
    invoice: Invoice,
    party: Party | None = None,
    lines: Sequence[InvoiceLineInput] | None = None,
    issue_date: datetime.date | EllipsisType | None = ...,
    due_date: datetime.date | EllipsisType | None = ...,
    note: str | None = None,
    currency: str | None = None,
    payment_reference: str | None = None,
) -> Invoice:
    """Change a draft (`issue_date=None` / `due_date=None` go back to the defaults)."""
    require_member(actor, invoice.company)
    with transaction.atomic():
        invoice = _draft_lock(invoice)
        company = invoice.company
        if party is not None:
            if invoice.kind == InvoiceKind.CREDIT_NOTE and party.pk != invoice.party_id:
                raise BooksError(
                    "invalid_party", "A credit note stays with its invoice's customer."
                )
            invoice.party = _party_check(company, party)
        if not isinstance(issue_date, EllipsisType):
            invoice.issue_date = issue_date
        if not isinstance(due_date, EllipsisType):
            invoice.due_date = due_date
        _dates_check(invoice.issue_date, invoice.due_date)
        if note is not None:
            invoice.note = note.strip()
        if currency is not None:
            if invoice.kind == InvoiceKind.CREDIT_NOTE and currency.upper() != invoice.currency:
                raise BooksError("bad_currency", "A credit note keeps its invoice's currency.")
            invoice.currency = _currency_check(currency)
        if payment_reference is not None:
            invoice.payment_reference = payment_reference.strip()[:140]
        if lines is not None:
            _lines_write(invoice, _lines_check(company, lines))
        invoice.save()
        _announce(invoice)
    return invoice


def invoice_draft_delete(*, actor: User, invoice: Invoice) -> None:
    require_member(actor, invoice.company)
    with transaction.atomic():
        invoice = _draft_lock(invoice)
        invoice_id, audience = invoice.pk, invoice.audience
        invoice.delete()
        publish(invoice.company_id, events.INVOICE, events.deleted_payload(invoice_id), audience)


# --- Credit notes ---------------------------------------------------------------------------------


def credit_note_create(
    *,
    actor: User,
    invoice: Invoice,
    lines: Sequence[InvoiceLineInput] | None = None,
    note: str = "",
    issue_date: datetime.date | None = None,
) -> Invoice:
    """A draft credit note of an issued sales invoice; its lines default to all of the invoice's.
    It is issued with `invoice_issue`, in the credit notes' own series, booked with the sides
    swapped."""
    require_member(actor, invoice.company)
    if invoice.direction != InvoiceDirection.SALES or invoice.kind != InvoiceKind.INVOICE:
        raise InvoiceConflict("not_creditable", "Only a sales invoice can be credited here.")
    if invoice.state != InvoiceState.ISSUED:
        raise InvoiceConflict("not_issued", "Issue the invoice first; a draft is simply edited.")
    if lines is None:
        lines = [
            InvoiceLineInput(
                line.description, line.quantity, line.unit_price, line.vat_code, line.account
            )
            for line in invoice.lines.select_related("vat_code", "account")
            if line.vat_code is not None
        ]
    checked = _lines_check(invoice.company, lines)
    with transaction.atomic():
        credit = Invoice.objects.create(
            company=invoice.company,
            direction=InvoiceDirection.SALES,
            kind=InvoiceKind.CREDIT_NOTE,
            party=invoice.party,
            credit_of=invoice,
            issue_date=issue_date,
            currency=invoice.currency,
            note=note.strip() or f"Credit note for invoice {invoice.number}",
            audience=invoice.audience,
            created_by=actor,
        )
        _lines_write(credit, checked)
        credit.save()
        _announce(credit)
    return credit


# --- Issuing --------------------------------------------------------------------------------------


def invoice_issue(*, actor: User, invoice: Invoice, payment_reference: str = "") -> Invoice:
    """Number, book, render, file and announce a draft, all or nothing.

    The PDF is written to the file store before the rows commit; if the transaction then fails,
    the stored object is deleted again (as the dossier does for its own uploads). Called inside a
    caller's transaction that later rolls back, the object would stay: call it outermost.
    """
    require_member(actor, invoice.company)
    stored: list[str] = []
    try:
        with transaction.atomic():
            return _issue(actor, invoice, payment_reference.strip()[:140], stored)
    except BaseException:
        for key in stored:
            with contextlib.suppress(Exception):
                storage.file_delete(key)
        raise


def _issue(actor: User, invoice: Invoice, payment_reference: str, stored: list[str]) -> Invoice:
    invoice = _draft_lock(invoice)
    company = invoice.company
    lines = list(invoice.lines.select_related("vat_code", "account"))
    if not lines:
        raise BooksError("no_lines", "Add at least one line before issuing.")
    totals = totals_of(lines)
    if totals.gross_total <= 0:
        raise BooksError(
            "bad_total", "The total must be more than zero; to refund, issue a credit note."
        )
    issue_date = invoice.issue_date or timezone.localdate()
    due_date = invoice.due_date or issue_date + datetime.timedelta(days=DEFAULT_PAYMENT_DAYS)
    _dates_check(issue_date, due_date)
    credit_note = invoice.kind == InvoiceKind.CREDIT_NOTE
    if credit_note:
        _credit_room_check(invoice, totals)

    series = _series_lock(company, credit_note, issue_date.year)
    if Invoice.objects.filter(series=series, issue_date__gt=issue_date).exists():
        raise BooksError(
            "not_chronological",
            f"An invoice of this series is dated after {issue_date:%Y-%m-%d}; numbers must follow "
            "the dates. Choose a later issue date.",
        )
    series.last_number += 1
    series.save(update_fields=["last_number"])
    number = f"{series.prefix}{series.year}-{series.last_number:04d}"

    invoice.series = series
    invoice.number = number
    invoice.issue_date = issue_date
    invoice.due_date = due_date
    invoice.net_total, invoice.vat_total = totals.net_total, totals.vat_total
    invoice.gross_total = totals.gross_total
    invoice.payment_reference = (
        payment_reference
        or invoice.payment_reference
        or payment_reference_for(
            country=company.country,
            kind=invoice.kind,
            year=series.year,
            sequence=series.last_number,
            number=number,
        )
    )
    invoice.entry = entry_book(
        actor=actor,
        company=company,
        journal=journal_for(company=company, kind=JournalKind.SALES),
        date=issue_date,
        lines=_booking_lines(invoice, lines, totals),
        reference=number,
        memo=f"{'Credit note' if credit_note else 'Invoice'} {number} {invoice.party.name}",
        source=EntrySource.SALES_INVOICE,
    )
    invoice.document = _pdf_file(actor, invoice, lines, totals, stored)
    invoice.state = InvoiceState.ISSUED
    invoice.save()
    if credit_note:
        _credit_allocate(actor, invoice)
    _announce(invoice)
    return invoice


def _series_lock(company: Company, credit_note: bool, year: int) -> InvoiceSeries:
    """The series row, created on first use and locked: concurrent issuers queue here."""
    kind = InvoiceSeriesKind.CREDIT_NOTE if credit_note else InvoiceSeriesKind.SALES_INVOICE
    prefix = CREDIT_NOTE_PREFIX if credit_note else ""
    try:
        with transaction.atomic():
            InvoiceSeries.objects.get_or_create(
                company=company, kind=kind, prefix=prefix, year=year
            )
    except IntegrityError:  # a concurrent first issue created it
        pass
    return InvoiceSeries.objects.select_for_update().get(
        company=company, kind=kind, prefix=prefix, year=year
    )


def _credit_room_check(credit: Invoice, totals: Totals) -> None:
    original = Invoice.objects.select_for_update().get(pk=int(credit.credit_of_id or 0))
    if original.state != InvoiceState.ISSUED:
        raise InvoiceConflict("not_issued", "The credited invoice is not issued.")
    credited = (
        Invoice.objects.filter(credit_of=original, state=InvoiceState.ISSUED)
        .exclude(pk=credit.pk)
        .aggregate(total=Sum("gross_total"))["total"]
        or ZERO
    )
    room = original.gross_total - credited
    if totals.gross_total > room:
        raise BooksError(
            "over_credit",
            f"Only {room} {original.currency} of invoice {original.number} is left to credit.",
        )


def _side(
    account: Account, amount: Decimal, *, credit: bool, swap: bool, **extra: Any
) -> LineInput:
    """A line on its natural side (swapped for a credit note; a negative amount flips it)."""
    credit = credit != swap
    if amount < 0:
        credit, amount = not credit, -amount
    return LineInput(
        account=account,
        debit=ZERO if credit else amount,
        credit=amount if credit else ZERO,
        **extra,
    )


def _booking_lines(invoice: Invoice, lines: list[InvoiceLine], totals: Totals) -> list[LineInput]:
    """Debit receivable = gross; credit revenue per account and VAT code = nets; credit VAT due
    per VAT code = tax. The VAT is rounded per rate (as on the invoice) and shared among codes
    of one rate by their bases, the last taking the remainder, so the entry equals the invoice.
    The return's base sits on the VAT line, or on the revenue lines of a code without tax."""
    company = invoice.company
    swap = invoice.kind == InvoiceKind.CREDIT_NOTE
    common = {"currency": invoice.currency}
    default_revenue = Account.objects.filter(
        company=company, role=Role.REVENUE_SERVICES
    ).first() or account_for_role(company=company, role=Role.REVENUE_GOODS)
    revenue: dict[tuple[Account, VatCode], Decimal] = defaultdict(lambda: ZERO)
    code_base: dict[VatCode, Decimal] = defaultdict(lambda: ZERO)
    for line, net in zip(lines, totals.line_nets, strict=True):
        assert line.vat_code is not None
        revenue[(line.account or default_revenue, line.vat_code)] += net
        code_base[line.vat_code] += net

    code_tax: dict[VatCode, Decimal] = {}
    for group in totals.vat:
        codes = [
            code for code in code_base
            if (code.ubl_category, code.rate) == (group.category, group.rate)
        ]  # fmt: skip
        remaining = group.tax
        for position, code in enumerate(codes):
            share = (
                remaining if position == len(codes) - 1
                else (code_base[code] * group.rate / 100).quantize(Decimal("0.01"))
            )  # fmt: skip
            code_tax[code] = share
            remaining -= share

    booked = [
        _side(account_for_role(company=company, role=Role.RECEIVABLE), totals.gross_total,
              credit=False, swap=swap, party=invoice.party, due_date=invoice.due_date,
              description=f"{invoice.number} {invoice.party.name}", **common),
    ]  # fmt: skip
    for (account, code), net in revenue.items():
        if net == 0:
            continue
        taxed = code_tax.get(code, ZERO) != 0
        booked.append(
            _side(account, net, credit=True, swap=swap, vat_code=code,
                  vat_base=None if taxed else abs(net), description=invoice.number, **common)
        )  # fmt: skip
    for code, tax in code_tax.items():
        if tax == 0:
            continue
        tax_account = code.tax_account or account_for_role(company=company, role=Role.VAT_DUE)
        booked.append(
            _side(tax_account, tax, credit=True, swap=swap, vat_code=code,
                  vat_base=abs(code_base[code]), description=f"{invoice.number} VAT {code.code}",
                  **common)
        )  # fmt: skip
    return booked


def _pdf_file(
    actor: User, invoice: Invoice, lines: list[InvoiceLine], totals: Totals, stored: list[str]
) -> Document:
    """Render the PDF and file it in the sales invoices folder, through the dossier service."""
    folder = Folder.objects.filter(company=invoice.company, template_code=SALES_FOLDER).first()
    if folder is None:
        raise BooksError(
            "no_sales_folder", "The dossier has no sales invoices folder; ask the office."
        )
    content = invoice_pdf(invoice_document(invoice, lines, totals))
    document = dossier_services.document_upload(
        actor=actor,
        folder=folder,
        content=io.BytesIO(content),
        name=f"{invoice.number}.pdf",
        kind=DocumentKind.SALES_INVOICE,
        amount=totals.gross_total,
        currency=invoice.currency,
        due_date=invoice.due_date,
    )
    assert document.current_version is not None
    stored.append(document.current_version.storage_key)
    if document.inbox_state != InboxState.BOOKED:
        # Booked on issue: it must not wait in the office's inbox to be booked a second time.
        Document.objects.filter(pk=document.pk).update(inbox_state=InboxState.BOOKED)
        document.inbox_state = InboxState.BOOKED
        publish(
            document.company_id,
            dossier_events.DOCUMENT,
            dossier_events.document_payload(document),
            document.audience,
        )
    return document


def _credit_allocate(actor: User, credit: Invoice) -> None:
    """Match the credit note with the open amount of the invoice it corrects."""
    original = credit.credit_of
    if original is None or original.entry_id is None or credit.entry_id is None:
        return
    receivable = account_for_role(company=credit.company, role=Role.RECEIVABLE)
    debit_line = Line.objects.filter(
        entry_id=original.entry_id, account=receivable, debit__gt=0, party=credit.party
    ).first()
    credit_line = Line.objects.filter(
        entry_id=credit.entry_id, account=receivable, credit__gt=0, party=credit.party
    ).first()
    if debit_line is None or credit_line is None or debit_line.currency != credit_line.currency:
        return
    amount = min(line_residual(debit_line), credit_line.amount)
    if amount > 0:
        allocation_record(
            actor=actor, debit_line=debit_line, credit_line=credit_line, amount=amount,
            date=credit.issue_date,
        )  # fmt: skip
