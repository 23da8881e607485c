"""Payments: a bank-journal entry and its allocations against the invoices it settles.

A received payment debits the bank and credits the receivable of the party; a paid one debits
the payable and credits the bank. Each allocation matches the payment's line with the invoice's
receivable (or payable) line for part or all of the invoice's open amount. Anything refused (an
allocation over what is open, over the payment, another party's invoice) stores nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from server.accounts.models import User
from server.realtime.publish import publish
from server.tenancy.access import require_staff
from server.tenancy.models import Company

from ..charts import AccountKind, Role
from ..errors import BooksError
from ..invoices import events as invoice_events
from ..models import (
    Account,
    Allocation,
    Entry,
    EntrySource,
    Invoice,
    InvoiceDirection,
    InvoiceKind,
    InvoiceState,
    JournalKind,
    Line,
    Party,
)
from ..services import LineInput, account_for_role, allocation_record, entry_book, journal_for

ZERO = Decimal(0)
Direction = Literal["received", "paid"]
DIRECTIONS = ("received", "paid")
_LIMIT = Decimal(10) ** 15


@dataclass(frozen=True)
class AllocationInput:
    invoice: Invoice
    amount: Decimal


@dataclass(frozen=True)
class InvoiceBalance:
    invoice: Invoice
    allocated: Decimal  # by this payment
    open_amount: Decimal  # what remains open after it

    @property
    def paid(self) -> bool:
        return self.open_amount == 0


@dataclass(frozen=True)
class Payment:
    entry: Entry
    amount: Decimal
    unallocated: Decimal
    invoices: list[InvoiceBalance]


def _amount(value: Any, what: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise BooksError("bad_amount", f"The {what} {value!r} is not a number.") from None
    if not number.is_finite() or abs(number) >= _LIMIT:
        raise BooksError("bad_amount", f"The {what} {value!r} is not a usable number.")
    if number != number.quantize(Decimal("0.01")):
        raise BooksError("bad_amount", f"The {what} has more than two decimals.")
    if number <= 0:
        raise BooksError("bad_amount", f"The {what} must be more than zero.")
    return number


def _sides(invoice: Invoice) -> tuple[str, bool]:
    """(account role, whether the invoice's open line is a debit) of an invoice."""
    sales = invoice.direction == InvoiceDirection.SALES
    credit_note = invoice.kind == InvoiceKind.CREDIT_NOTE
    return (Role.RECEIVABLE if sales else Role.PAYABLE), sales != credit_note


def invoice_open_line(invoice: Invoice) -> Line | None:
    """The receivable (sales) or payable (purchase) line an invoice's entry opened."""
    if invoice.entry_id is None:
        return None
    role, debit = _sides(invoice)
    lines = Line.objects.filter(
        entry_id=invoice.entry_id, account__role=role, party_id=invoice.party_id
    )
    return lines.filter(debit__gt=0).first() if debit else lines.filter(credit__gt=0).first()


def open_amounts(lines: Sequence[Line]) -> dict[int, Decimal]:
    """Residual per line id, in two queries whatever the number of lines."""
    ids = [line.pk for line in lines]
    allocated: dict[int, Decimal] = {}
    for column in ("debit_line", "credit_line"):
        rows = (
            Allocation.objects.filter(**{f"{column}__in": ids})
            .values(column)
            .annotate(total=Sum("amount"))
            .order_by()
        )
        for row in rows:
            allocated[row[column]] = allocated.get(row[column], ZERO) + row["total"]
    return {line.pk: line.amount - allocated.get(line.pk, ZERO) for line in lines}


def _allocations_check(
    company: Company, direction: str, party: Party, currency: str, given: Sequence[AllocationInput]
) -> list[tuple[Invoice, Decimal]]:
    checked: list[tuple[Invoice, Decimal]] = []
    seen: set[int] = set()
    want = InvoiceDirection.SALES if direction == "received" else InvoiceDirection.PURCHASE
    for allocation in given:
        invoice = allocation.invoice
        label = invoice.number or f"#{invoice.pk}"
        if invoice.company_id != company.pk:
            raise BooksError("invalid_invoice", "That invoice is not in these books.")
        if invoice.pk in seen:
            raise BooksError("invalid_invoice", f"Invoice {label} is listed twice.")
        seen.add(invoice.pk)
        if invoice.direction != want or invoice.kind != InvoiceKind.INVOICE:
            raise BooksError(
                "invalid_invoice",
                f"A {direction} payment settles "
                f"{'sales' if want == InvoiceDirection.SALES else 'purchase'} invoices; "
                f"{label} is not one.",
            )
        if invoice.state not in (InvoiceState.ISSUED, InvoiceState.BOOKED):
            raise BooksError("invalid_invoice", f"Invoice {label} is not booked yet.")
        if invoice.party_id != party.pk:
            raise BooksError("invalid_invoice", f"Invoice {label} is not {party.name}'s.")
        if invoice.currency != currency:
            raise BooksError(
                "bad_currency",
                f"Invoice {label} is in {invoice.currency}; record a {invoice.currency} payment "
                "for it.",
            )
        checked.append((invoice, _amount(allocation.amount, f"amount for invoice {label}")))
    return checked


def payment_record(
    *,
    actor: User,
    company: Company,
    direction: str,
    amount: Decimal,
    party: Party,
    date: datetime.date | None = None,
    bank_account: Account | None = None,
    allocations: Sequence[AllocationInput] = (),
    reference: str = "",
    currency: str = "",
) -> Payment:
    """Record a payment received from or paid to `party` (staff only), allocated to invoices."""
    require_staff(actor, company)
    if direction not in DIRECTIONS:
        raise BooksError("invalid", "The direction is received or paid.")
    amount = _amount(amount, "amount")
    if party.company_id != company.pk:
        raise BooksError("invalid_party", "That party is not in these books.")
    currency = (currency or company.currency).strip().upper()
    if len(currency) != 3 or not currency.isalpha():
        raise BooksError("bad_currency", f"{currency!r} is not a currency; e.g. EUR.")
    if bank_account is None:
        bank_account = account_for_role(company=company, role=Role.BANK)
    elif bank_account.company_id != company.pk or bank_account.kind != AccountKind.ASSET:
        raise BooksError("invalid_account", "Choose a bank or cash account of these books.")
    date = date or timezone.localdate()
    checked = _allocations_check(company, direction, party, currency, allocations)
    allocated = sum((a for _, a in checked), ZERO)
    if allocated > amount:
        raise BooksError(
            "over_allocation",
            f"The allocations add up to {allocated} {currency}, more than the payment of "
            f"{amount} {currency}.",
        )
    received = direction == "received"
    counter = account_for_role(company=company, role=Role.RECEIVABLE if received else Role.PAYABLE)
    label = (reference or f"Payment {'from' if received else 'to'} {party.name}")[:300]
    common: dict[str, Any] = {"currency": currency, "description": label}
    with transaction.atomic():
        # Lock the invoices' open lines: two payments of one invoice queue here.
        open_lines: dict[int, Line] = {}
        for invoice, part in checked:
            line = invoice_open_line(invoice)
            if line is None:
                raise BooksError("invalid_invoice", f"Invoice {invoice.number} has no open item.")
            line = Line.objects.select_for_update().get(pk=line.pk)
            still_open = open_amounts([line])[line.pk]
            if part > still_open:
                raise BooksError(
                    "over_allocation",
                    f"Only {still_open} {currency} of invoice {invoice.number} is open; "
                    f"{part} {currency} cannot be allocated to it.",
                    invoice=invoice.pk,
                    open_amount=str(still_open),
                )
            open_lines[invoice.pk] = line
        entry = entry_book(
            actor=actor,
            company=company,
            journal=journal_for(company=company, kind=JournalKind.BANK),
            date=date,
            lines=[
                LineInput(
                    account=bank_account,
                    debit=amount if received else ZERO,
                    credit=ZERO if received else amount,
                    **common,
                ),
                LineInput(
                    account=counter,
                    debit=ZERO if received else amount,
                    credit=amount if received else ZERO,
                    party=party,
                    **common,
                ),
            ],
            reference=reference[:100],
            memo=label,
            source=EntrySource.PAYMENT,
        )
        payment_line = Line.objects.get(entry=entry, account=counter)
        balances = []
        for invoice, part in checked:
            invoice_line = open_lines[invoice.pk]
            allocation_record(
                actor=actor,
                debit_line=invoice_line if received else payment_line,
                credit_line=payment_line if received else invoice_line,
                amount=part,
                date=date,
            )
            balances.append(
                InvoiceBalance(invoice, part, open_amounts([invoice_line])[invoice_line.pk])
            )
            publish(
                company,
                invoice_events.INVOICE,
                dict(invoice_events.invoice_payload(invoice)),
                invoice.audience,
            )
    return Payment(entry=entry, amount=amount, unallocated=amount - allocated, invoices=balances)
