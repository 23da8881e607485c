"""What Kontor keeps of a Peppol BIS Billing 3.0 invoice or credit note: plain frozen values.

Strings that are absent in the XML are "" and absent dates None, so that a document written by
`einvoice_write` reads back equal. Amounts are Decimal, in the document currency, always positive
for a normal credit note (UBL credit notes carry positive amounts; the kind says the sign).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

ZERO = Decimal(0)
ONE = Decimal(1)

CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"

Kind = Literal["invoice", "credit_note"]


@dataclass(frozen=True)
class EParty:
    name: str  # the legal name (RegistrationName), else the trading name
    vat_number: str = ""  # as written, e.g. "BE0123456749", "NO123456785MVA"
    registration_id: str = ""  # PartyLegalEntity/CompanyID (enterprise number, org. no.)
    registration_scheme: str = ""  # its schemeID, e.g. "0208", "0192"
    endpoint_id: str = ""  # the Peppol address
    endpoint_scheme: str = ""  # its EAS code, e.g. "0208", "0192", "9925"
    country: str = ""  # ISO 3166 alpha-2
    street: str = ""
    additional_street: str = ""
    city: str = ""
    postcode: str = ""
    trade_name: str = ""  # PartyName/Name when the document gives one
    tax_registration: str = ""  # PartyTaxScheme with scheme "TAX" (NO: "Foretaksregisteret")
    email: str = ""


@dataclass(frozen=True)
class ELine:
    id: str
    name: str
    quantity: Decimal
    unit_price: Decimal  # the net price per `base_quantity` units
    net_amount: Decimal  # LineExtensionAmount, as the document states it
    vat_category: str  # UNCL5305: S, Z, E, AE, K, G, O, L, M
    vat_rate: Decimal
    unit_code: str = "C62"  # UN/ECE rec. 20 ("C62" = one, "DAY", "HUR", ...)
    description: str = ""
    base_quantity: Decimal = ONE
    allowance: Decimal = ZERO  # Σ line-level allowances
    charge: Decimal = ZERO  # Σ line-level charges


@dataclass(frozen=True)
class EAllowanceCharge:
    """A document-level allowance (discount) or charge (freight, insurance)."""

    amount: Decimal
    vat_category: str
    vat_rate: Decimal
    reason: str = ""
    reason_code: str = ""


@dataclass(frozen=True)
class EVatBreakdown:
    category: str
    rate: Decimal
    base: Decimal
    tax: Decimal
    exemption_reason: str = ""
    exemption_reason_code: str = ""


@dataclass(frozen=True)
class ETotals:
    line_extension: Decimal
    tax_exclusive: Decimal
    tax_total: Decimal  # the VAT in the document currency
    tax_inclusive: Decimal
    payable: Decimal
    allowance_total: Decimal = ZERO
    charge_total: Decimal = ZERO
    prepaid: Decimal = ZERO
    rounding: Decimal = ZERO
    # The second TaxTotal, in TaxCurrencyCode (e.g. EUR on a USD invoice); None without one.
    tax_total_in_tax_currency: Decimal | None = None


@dataclass(frozen=True)
class EPayment:
    means_code: str  # UNCL4461: 30 credit transfer, 58 SEPA credit transfer, 31 debit transfer
    payment_id: str = ""  # the remittance reference: KID, OGM structured communication, ...
    iban: str = ""  # PayeeFinancialAccount/ID (usually an IBAN; not validated here)
    bic: str = ""
    account_name: str = ""


@dataclass(frozen=True)
class EInvoice:
    kind: Kind
    number: str
    issue_date: dt.date
    currency: str
    seller: EParty
    buyer: EParty
    lines: tuple[ELine, ...]
    vat_breakdown: tuple[EVatBreakdown, ...]
    totals: ETotals
    due_date: dt.date | None = None
    tax_currency: str = ""
    buyer_reference: str = ""
    order_reference: str = ""
    billing_reference: str = ""  # the invoice a credit note corrects
    note: str = ""
    payment_terms: str = ""
    allowances: tuple[EAllowanceCharge, ...] = ()
    charges: tuple[EAllowanceCharge, ...] = ()
    payment: EPayment | None = None
    customization_id: str = CUSTOMIZATION_ID
    profile_id: str = PROFILE_ID
