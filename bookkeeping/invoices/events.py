"""The payload of `books.invoice` (docs/realtime.md).

Published to the invoice's audience (shared: the client and the office) when a draft is created,
changed or deleted (`{"id", "deleted": true}`) and when it is issued. The posting's own
`books.entry` comes from the ledger service.
"""

from __future__ import annotations

from typing import Any, TypedDict

from ..models import Invoice

INVOICE = "books.invoice"


class InvoicePayload(TypedDict):
    id: int
    direction: str
    kind: str
    number: str
    state: str
    party: int
    party_name: str
    issue_date: str | None
    due_date: str | None
    currency: str
    net_total: str
    vat_total: str
    gross_total: str
    payment_reference: str
    credit_of: int | None
    entry: int | None
    document: int | None


def invoice_payload(invoice: Invoice) -> InvoicePayload:
    return {
        "id": invoice.pk,
        "direction": invoice.direction,
        "kind": invoice.kind,
        "number": invoice.number,
        "state": invoice.state,
        "party": invoice.party_id,
        "party_name": invoice.party.name,
        "issue_date": invoice.issue_date.isoformat() if invoice.issue_date else None,
        "due_date": invoice.due_date.isoformat() if invoice.due_date else None,
        "currency": invoice.currency,
        "net_total": str(invoice.net_total),
        "vat_total": str(invoice.vat_total),
        "gross_total": str(invoice.gross_total),
        "payment_reference": invoice.payment_reference,
        "credit_of": invoice.credit_of_id,
        "entry": invoice.entry_id,
        "document": invoice.document_id,
    }


def deleted_payload(invoice_id: int) -> dict[str, Any]:
    return {"id": invoice_id, "deleted": True}
