"""The open items per party: booked invoices with what remains to pay, and how late they are.

(The ageing buckets are the reports' business: bookkeeping/reports/open_items.py.)
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from server.accounts.models import User
from server.tenancy.models import Company

from ..charts import Role
from ..errors import BooksError
from ..models import Invoice, InvoiceDirection, InvoiceKind, InvoiceState, Line
from .services import open_amounts

ZERO = Decimal(0)
SIDES = ("receivable", "payable")


@dataclass(frozen=True)
class OpenInvoice:
    invoice: Invoice
    open_amount: Decimal  # signed: a credit note not yet set off is negative
    days_overdue: int


@dataclass
class PartyOpenItems:
    party_id: int
    name: str
    currency_totals: dict[str, Decimal] = field(default_factory=dict)
    invoices: list[OpenInvoice] = field(default_factory=list)


def open_items(
    *, user: User, company: Company, side: str, today: datetime.date | None = None
) -> list[PartyOpenItems]:
    """Per party (by name), its open invoices (oldest due first) with residual and lateness."""
    if side not in SIDES:
        raise BooksError("invalid", "The side is receivable or payable.")
    today = today or timezone.localdate()
    sales = side == "receivable"
    invoices = list(
        Invoice.objects.visible_to(user)
        .filter(
            company=company,
            direction=InvoiceDirection.SALES if sales else InvoiceDirection.PURCHASE,
            state__in=[InvoiceState.ISSUED, InvoiceState.BOOKED],
            entry__isnull=False,
        )
        .select_related("party")
    )
    role = Role.RECEIVABLE if sales else Role.PAYABLE
    lines = Line.objects.filter(
        company=company, entry_id__in=[i.entry_id for i in invoices], account__role=role
    )
    by_entry: dict[tuple[int, int | None], Line] = {}
    for line in lines:
        by_entry.setdefault((line.entry_id, line.party_id), line)
    residuals = open_amounts(list(by_entry.values()))
    parties: dict[int, PartyOpenItems] = {}
    for invoice in invoices:
        open_line = by_entry.get((int(invoice.entry_id or 0), invoice.party_id))
        if open_line is None:
            continue
        residual = residuals[open_line.pk]
        if residual == 0:
            continue
        if invoice.kind == InvoiceKind.CREDIT_NOTE:
            residual = -residual
        due = invoice.due_date or invoice.issue_date or today
        group = parties.setdefault(
            invoice.party_id, PartyOpenItems(invoice.party_id, invoice.party.name)
        )
        group.invoices.append(OpenInvoice(invoice, residual, max((today - due).days, 0)))
        group.currency_totals[invoice.currency] = (
            group.currency_totals.get(invoice.currency, ZERO) + residual
        )
    for group in parties.values():
        group.invoices.sort(
            key=lambda o: (o.invoice.due_date or o.invoice.issue_date or today, o.invoice.pk)
        )
    return sorted(parties.values(), key=lambda p: (p.name.lower(), p.party_id))
