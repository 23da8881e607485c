"""Reads for booking purchases, already scoped: the form of an inbox document the user may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from dossier import selectors as dossier_selectors
from dossier.models import Document
from server.accounts.models import User

from ..charts import Role
from ..models import Account, Invoice, InvoiceDirection, InvoiceState, Party, PartyKind, VatCode
from ..vat_codes import Direction


@dataclass
class PurchaseForm:
    """What the booking form starts from: the imported invoice if any, else what the client
    entered on the document (due date, amount, supplier)."""

    document: Document
    invoice: Invoice | None
    supplier: Party | None
    supplier_name: str
    amount: Decimal | None
    currency: str
    due_date: Any
    default_account: Account | None
    vat_codes: list[VatCode] = field(default_factory=list)


def purchase_document_get(*, user: User, document_id: int | str) -> Document:
    """The document if the user may see it (dossier rules), else Http404."""
    return dossier_selectors.document_get(user=user, document_id=document_id, in_trash=False)


def purchase_invoice_of(document: Document) -> Invoice | None:
    return (
        Invoice.objects.filter(document=document, direction=InvoiceDirection.PURCHASE)
        .exclude(state=InvoiceState.CANCELLED)
        .select_related("party")
        .prefetch_related("lines__vat_code", "lines__account")
        .first()
    )


def purchase_form(*, user: User, document_id: int | str) -> PurchaseForm:
    document = purchase_document_get(user=user, document_id=document_id)
    company = document.company
    invoice = purchase_invoice_of(document)
    supplier = invoice.party if invoice else None
    if supplier is None and document.supplier.strip():
        supplier = (
            Party.objects.filter(company=company, name__iexact=document.supplier.strip())
            .exclude(kind=PartyKind.CUSTOMER)
            .first()
        )
    default_account = (
        Account.objects.filter(company=company, role=Role.COSTS).first()
        or Account.objects.filter(company=company, role=Role.PURCHASES).first()
    )
    return PurchaseForm(
        document=document,
        invoice=invoice,
        supplier=supplier,
        supplier_name=supplier.name if supplier else document.supplier,
        amount=invoice.gross_total if invoice else document.amount,
        currency=(invoice.currency if invoice else "") or document.currency or company.currency,
        due_date=(invoice.due_date if invoice else None) or document.due_date,
        default_account=default_account,
        vat_codes=list(
            VatCode.objects.filter(
                company=company, direction=Direction.PURCHASES, active=True
            ).order_by("id")
        ),
    )
