"""Peppol BIS Billing 3.0 (UBL 2.1) e-invoices: read and check, write, and match the buyer.

Pure functions on bytes and frozen dataclasses; the import and export services call them.
"""

from bookkeeping.einvoice.errors import EInvoiceError
from bookkeeping.einvoice.identifiers import buyer_is, normalise_vat, peppol_endpoint
from bookkeeping.einvoice.model import (
    CUSTOMIZATION_ID,
    PROFILE_ID,
    EAllowanceCharge,
    EInvoice,
    ELine,
    EParty,
    EPayment,
    ETotals,
    EVatBreakdown,
)
from bookkeeping.einvoice.read import MAX_BYTES, einvoice_read
from bookkeeping.einvoice.write import einvoice_write

__all__ = [
    "CUSTOMIZATION_ID",
    "MAX_BYTES",
    "PROFILE_ID",
    "EAllowanceCharge",
    "EInvoice",
    "EInvoiceError",
    "ELine",
    "EParty",
    "EPayment",
    "ETotals",
    "EVatBreakdown",
    "buyer_is",
    "einvoice_read",
    "einvoice_write",
    "normalise_vat",
    "peppol_endpoint",
]
