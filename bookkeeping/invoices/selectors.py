"""Reads of invoices, already scoped: a user sees the invoices of the companies in reach, and a
client only the shared ones (an internal invoice, if any, never reaches a client)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from server.accounts.models import User
from server.tenancy.models import Company

from ..models import Invoice


def _invoices(user: User) -> QuerySet[Invoice]:
    return (
        Invoice.objects.visible_to(user)
        .select_related("company", "party", "credit_of")
        .prefetch_related("lines__vat_code")
    )


def invoice_list(
    *, user: User, company: Company, direction: str = "", state: str = "", party: str = ""
) -> QuerySet[Invoice]:
    invoices = _invoices(user).filter(company=company)
    if direction:
        invoices = invoices.filter(direction=direction)
    if state:
        invoices = invoices.filter(state=state)
    if party:
        invoices = invoices.filter(party_id=int(party) if party.isdigit() else -1)
    return invoices.order_by("-created_at", "-id")


def invoice_get(*, user: User, invoice_id: int | str) -> Invoice:
    """The invoice if the user may see it, else Http404 (chat's "Discuss" threads use it too)."""
    try:
        return _invoices(user).get(pk=int(invoice_id))
    except (Invoice.DoesNotExist, ValueError, TypeError):
        raise Http404("No such invoice.") from None
