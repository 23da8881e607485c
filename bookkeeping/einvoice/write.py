"""Write an EInvoice as a Peppol BIS Billing 3.0 UBL Invoice (type 380) or CreditNote (381).

Elements follow the UBL 2.1 schema order. What the writer decides for the caller:
- EndpointID: the party's own endpoint if it has one; else BE 0208 + enterprise number, NO 0192 +
  organisation number, other countries their VAT scheme (identifiers.VAT_SCHEMES).
- Amounts carry currencyID and exactly two decimals; unit prices keep their extra decimals.
- A credit note's due date is written as PaymentMeans/PaymentDueDate (UBL 2.1 CreditNote has no
  DueDate), so it needs a payment.
- Line allowances and charges are written with the reasons "Discount" and "Charge".
Nothing is validated against the Schematron here; the totals are written as the EInvoice states
them (build them with bookkeeping.totals).
"""

from __future__ import annotations

from decimal import Decimal
from xml.etree import ElementTree as ET
from xml.etree.ElementTree import Element
from xml.sax.saxutils import escape, quoteattr

from bookkeeping.einvoice.identifiers import peppol_endpoint
from bookkeeping.einvoice.model import (
    CUSTOMIZATION_ID,
    PROFILE_ID,
    ZERO,
    EAllowanceCharge,
    EInvoice,
    ELine,
    EParty,
    EPayment,
)
from bookkeeping.einvoice.read import CAC, CBC, CREDIT_NOTE_NS, INVOICE_NS
from bookkeeping.totals import money_round

INVOICE_TYPE = "380"
CREDIT_NOTE_TYPE = "381"
# UNCL4461 payment means: 30 credit transfer, 58 SEPA credit transfer (use it for EUR IBANs).
CREDIT_TRANSFER = "30"
SEPA_CREDIT_TRANSFER = "58"


def einvoice_write(invoice: EInvoice) -> bytes:
    credit = invoice.kind == "credit_note"
    namespace = CREDIT_NOTE_NS if credit else INVOICE_NS
    root = Element(f"{{{namespace}}}{'CreditNote' if credit else 'Invoice'}")
    cur = invoice.currency

    _sub(root, "cbc:CustomizationID", invoice.customization_id or CUSTOMIZATION_ID)
    _sub(root, "cbc:ProfileID", invoice.profile_id or PROFILE_ID)
    _sub(root, "cbc:ID", invoice.number)
    _sub(root, "cbc:IssueDate", invoice.issue_date.isoformat())
    if credit:
        _sub(root, "cbc:CreditNoteTypeCode", CREDIT_NOTE_TYPE)
    else:
        if invoice.due_date:
            _sub(root, "cbc:DueDate", invoice.due_date.isoformat())
        _sub(root, "cbc:InvoiceTypeCode", INVOICE_TYPE)
    if invoice.note:
        _sub(root, "cbc:Note", invoice.note)
    _sub(root, "cbc:DocumentCurrencyCode", cur)
    if invoice.tax_currency:
        _sub(root, "cbc:TaxCurrencyCode", invoice.tax_currency)
    if invoice.buyer_reference:
        _sub(root, "cbc:BuyerReference", invoice.buyer_reference)
    if invoice.order_reference:
        _sub(_sub(root, "cac:OrderReference"), "cbc:ID", invoice.order_reference)
    if invoice.billing_reference:
        ref = _sub(_sub(root, "cac:BillingReference"), "cac:InvoiceDocumentReference")
        _sub(ref, "cbc:ID", invoice.billing_reference)
    _party(_sub(root, "cac:AccountingSupplierParty"), invoice.seller)
    _party(_sub(root, "cac:AccountingCustomerParty"), invoice.buyer)
    if invoice.payment:
        _payment(root, invoice.payment, invoice if credit else None)
    if invoice.payment_terms:
        _sub(_sub(root, "cac:PaymentTerms"), "cbc:Note", invoice.payment_terms)
    for allowance in invoice.allowances:
        _allowance_charge(root, allowance, cur, charge=False)
    for charge in invoice.charges:
        _allowance_charge(root, charge, cur, charge=True)

    totals = invoice.totals
    tax_total = _sub(root, "cac:TaxTotal")
    _money(tax_total, "cbc:TaxAmount", totals.tax_total, cur)
    for b in invoice.vat_breakdown:
        sub = _sub(tax_total, "cac:TaxSubtotal")
        _money(sub, "cbc:TaxableAmount", b.base, cur)
        _money(sub, "cbc:TaxAmount", b.tax, cur)
        _tax_category(
            sub, "cac:TaxCategory", b.category, b.rate, b.exemption_reason_code, b.exemption_reason
        )
    if invoice.tax_currency and totals.tax_total_in_tax_currency is not None:
        other = _sub(root, "cac:TaxTotal")
        _money(other, "cbc:TaxAmount", totals.tax_total_in_tax_currency, invoice.tax_currency)

    lmt = _sub(root, "cac:LegalMonetaryTotal")
    _money(lmt, "cbc:LineExtensionAmount", totals.line_extension, cur)
    _money(lmt, "cbc:TaxExclusiveAmount", totals.tax_exclusive, cur)
    _money(lmt, "cbc:TaxInclusiveAmount", totals.tax_inclusive, cur)
    if invoice.allowances or totals.allowance_total:
        _money(lmt, "cbc:AllowanceTotalAmount", totals.allowance_total, cur)
    if invoice.charges or totals.charge_total:
        _money(lmt, "cbc:ChargeTotalAmount", totals.charge_total, cur)
    if totals.prepaid:
        _money(lmt, "cbc:PrepaidAmount", totals.prepaid, cur)
    if totals.rounding:
        _money(lmt, "cbc:PayableRoundingAmount", totals.rounding, cur)
    _money(lmt, "cbc:PayableAmount", totals.payable, cur)

    for line in invoice.lines:
        _line(root, line, cur, credit=credit)

    return _serialize(root, namespace)


def _serialize(root: Element, namespace: str) -> bytes:
    """UTF-8 with the document namespace as the default and cac/cbc prefixes, as Peppol files
    look. (ElementTree's default_namespace refuses unqualified attributes such as currencyID.)"""
    prefixes = {namespace: "", CAC: "cac:", CBC: "cbc:"}
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n']

    def name(tag: str) -> str:
        uri, _, local = tag[1:].partition("}")
        return prefixes[uri] + local

    def write(el: Element, depth: int) -> None:
        tag = name(el.tag)
        attrs = "".join(f" {key}={quoteattr(value)}" for key, value in el.attrib.items())
        if el is root:
            attrs = f' xmlns="{namespace}" xmlns:cac="{CAC}" xmlns:cbc="{CBC}"' + attrs
        pad = "  " * depth
        if len(el):
            out.append(f"{pad}<{tag}{attrs}>\n")
            for child in el:
                write(child, depth + 1)
            out.append(f"{pad}</{tag}>\n")
        else:
            out.append(f"{pad}<{tag}{attrs}>{escape(el.text or '')}</{tag}>\n")

    write(root, 0)
    return "".join(out).encode("utf-8")


def _sub(parent: Element, tag: str, text: str | None = None, **attrs: str) -> Element:
    prefix, _, local = tag.partition(":")
    el = ET.SubElement(parent, f"{{{CAC if prefix == 'cac' else CBC}}}{local}", attrs)
    if text is not None:
        el.text = text
    return el


def _money(parent: Element, tag: str, amount: Decimal, currency: str) -> Element:
    return _sub(parent, tag, format(money_round(amount), "f"), currencyID=currency)


def _number(value: Decimal) -> str:
    """A plain decimal without trailing zeros or exponent: 7, 2.5, 0.125."""
    return format(value.normalize(), "f") if value else "0"


def _price(value: Decimal) -> str:
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= -2:
        return format(money_round(value), "f")
    return _number(value)


def _tax_category(
    parent: Element,
    tag: str,
    category: str,
    rate: Decimal,
    exemption_code: str = "",
    exemption_reason: str = "",
) -> None:
    el = _sub(parent, tag)
    _sub(el, "cbc:ID", category)
    if category != "O":  # "not subject to VAT" carries no rate (BR-O-05 and kin)
        _sub(el, "cbc:Percent", _number(rate))
    if exemption_code:
        _sub(el, "cbc:TaxExemptionReasonCode", exemption_code)
    if exemption_reason:
        _sub(el, "cbc:TaxExemptionReason", exemption_reason)
    _sub(_sub(el, "cac:TaxScheme"), "cbc:ID", "VAT")


def _party(parent: Element, party: EParty) -> None:
    el = _sub(parent, "cac:Party")
    scheme, endpoint = peppol_endpoint(party)
    _sub(el, "cbc:EndpointID", endpoint, schemeID=scheme)
    if party.trade_name:
        _sub(_sub(el, "cac:PartyName"), "cbc:Name", party.trade_name)
    address = _sub(el, "cac:PostalAddress")
    for tag, value in (
        ("cbc:StreetName", party.street),
        ("cbc:AdditionalStreetName", party.additional_street),
        ("cbc:CityName", party.city),
        ("cbc:PostalZone", party.postcode),
    ):
        if value:
            _sub(address, tag, value)
    _sub(_sub(address, "cac:Country"), "cbc:IdentificationCode", party.country)
    for company_id, tax_scheme in ((party.vat_number, "VAT"), (party.tax_registration, "TAX")):
        if company_id:
            pts = _sub(el, "cac:PartyTaxScheme")
            _sub(pts, "cbc:CompanyID", company_id)
            _sub(_sub(pts, "cac:TaxScheme"), "cbc:ID", tax_scheme)
    legal = _sub(el, "cac:PartyLegalEntity")
    _sub(legal, "cbc:RegistrationName", party.name)
    if party.registration_id:
        attrs = {"schemeID": party.registration_scheme} if party.registration_scheme else {}
        _sub(legal, "cbc:CompanyID", party.registration_id, **attrs)
    if party.email:
        _sub(_sub(el, "cac:Contact"), "cbc:ElectronicMail", party.email)


def _payment(root: Element, payment: EPayment, credit_note: EInvoice | None) -> None:
    el = _sub(root, "cac:PaymentMeans")
    _sub(el, "cbc:PaymentMeansCode", payment.means_code or CREDIT_TRANSFER)
    if credit_note is not None and credit_note.due_date:
        _sub(el, "cbc:PaymentDueDate", credit_note.due_date.isoformat())
    if payment.payment_id:
        _sub(el, "cbc:PaymentID", payment.payment_id)
    if payment.iban:
        account = _sub(el, "cac:PayeeFinancialAccount")
        _sub(account, "cbc:ID", payment.iban)
        if payment.account_name:
            _sub(account, "cbc:Name", payment.account_name)
        if payment.bic:
            _sub(_sub(account, "cac:FinancialInstitutionBranch"), "cbc:ID", payment.bic)


def _allowance_charge(
    root: Element, item: EAllowanceCharge, currency: str, *, charge: bool
) -> None:
    el = _sub(root, "cac:AllowanceCharge")
    _sub(el, "cbc:ChargeIndicator", "true" if charge else "false")
    if item.reason_code:
        _sub(el, "cbc:AllowanceChargeReasonCode", item.reason_code)
    if item.reason:
        _sub(el, "cbc:AllowanceChargeReason", item.reason)
    _money(el, "cbc:Amount", item.amount, currency)
    _tax_category(el, "cac:TaxCategory", item.vat_category, item.vat_rate)


def _line(root: Element, line: ELine, currency: str, *, credit: bool) -> None:
    el = _sub(root, "cac:CreditNoteLine" if credit else "cac:InvoiceLine")
    _sub(el, "cbc:ID", line.id)
    quantity_tag = "cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity"
    _sub(el, quantity_tag, _number(line.quantity), unitCode=line.unit_code or "C62")
    _money(el, "cbc:LineExtensionAmount", line.net_amount, currency)
    for amount, is_charge, reason in (
        (line.allowance, False, "Discount"),
        (line.charge, True, "Charge"),
    ):
        if amount != ZERO:
            ac = _sub(el, "cac:AllowanceCharge")
            _sub(ac, "cbc:ChargeIndicator", "true" if is_charge else "false")
            _sub(ac, "cbc:AllowanceChargeReason", reason)
            _money(ac, "cbc:Amount", amount, currency)
    item = _sub(el, "cac:Item")
    if line.description:
        _sub(item, "cbc:Description", line.description)
    _sub(item, "cbc:Name", line.name)
    _tax_category(item, "cac:ClassifiedTaxCategory", line.vat_category, line.vat_rate)
    price = _sub(el, "cac:Price")
    _sub(price, "cbc:PriceAmount", _price(line.unit_price), currencyID=currency)
    if line.base_quantity != 1:
        _sub(
            price, "cbc:BaseQuantity", _number(line.base_quantity), unitCode=line.unit_code or "C62"
        )
