"""Read a Peppol BIS Billing 3.0 UBL invoice or credit note into an EInvoice, or refuse it.

Safe by construction: the size is checked before parsing, and defusedxml refuses any DTD, so no
entity (XXE, billion laughs) is ever expanded. Only structure and arithmetic are checked here (the
BR-CO totals rules, exactly, in Decimal); check digits of VAT numbers and IBANs are the importing
service's business, and several public samples fail them on purpose.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from xml.etree.ElementTree import Element, ParseError

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from bookkeeping.einvoice.errors import EInvoiceError
from bookkeeping.einvoice.model import (
    ONE,
    ZERO,
    EAllowanceCharge,
    EInvoice,
    ELine,
    EParty,
    EPayment,
    ETotals,
    EVatBreakdown,
    Kind,
)
from bookkeeping.totals import money_round

MAX_BYTES = 10 * 1024 * 1024

INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CII_NS = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
NS = {"cac": CAC, "cbc": CBC}

# xs:decimal as UBL writes it; no exponents, NaN or Infinity.
_DECIMAL = re.compile(r"[+-]?(\d{1,20}(\.\d{0,10})?|\.\d{1,10})")
# The tolerances the Peppol/CEN schematron itself allows: a line net may differ from
# quantity × price by 0.02 (PEPPOL-EN16931-R120); a VAT amount from base × rate by 1 (BR-CO-17).
LINE_SLACK = Decimal("0.02")
VAT_SLACK = Decimal(1)


def einvoice_read(data: bytes) -> EInvoice:
    root = _parse(data)
    kind = _kind(root)
    return _Reader(root, kind).read()


def _parse(data: bytes) -> Element:
    if len(data) > MAX_BYTES:
        raise EInvoiceError(
            "too_large",
            f"The file is {len(data) / 1_048_576:.1f} MB; an e-invoice may be at most "
            f"{MAX_BYTES // 1_048_576} MB.",
        )
    if not data.strip():
        raise EInvoiceError("not_xml", "The file is empty; upload the e-invoice's XML file.")
    if data.lstrip()[:5] == b"%PDF-":
        raise EInvoiceError(
            "not_xml", "The file is a PDF; upload the e-invoice's XML (UBL) file instead."
        )
    try:
        root: Element = SafeET.fromstring(
            data, forbid_dtd=True, forbid_entities=True, forbid_external=True
        )
    except DefusedXmlException:
        raise EInvoiceError(
            "unsafe_xml",
            "The file declares a DTD or entities, which no e-invoice needs; it was refused unread.",
        ) from None
    except (ParseError, ValueError, LookupError) as exc:
        raise EInvoiceError(
            "not_xml", f"The file is not an XML e-invoice: it is not well-formed XML ({exc})."
        ) from None
    return root


def _kind(root: Element) -> Kind:
    if root.tag == f"{{{INVOICE_NS}}}Invoice":
        return "invoice"
    if root.tag == f"{{{CREDIT_NOTE_NS}}}CreditNote":
        return "credit_note"
    if root.tag == f"{{{CII_NS}}}CrossIndustryInvoice":
        raise EInvoiceError(
            "unknown_format",
            "This is a UN/CEFACT CII invoice (e.g. Factur-X/ZUGFeRD); Kontor reads Peppol BIS 3 "
            "UBL invoices and credit notes only.",
        )
    namespace, _, local = root.tag[1:].partition("}") if root.tag.startswith("{") else ("", "", "")
    local = local or root.tag
    raise EInvoiceError(
        "unknown_format",
        f"The file is XML but not a UBL invoice or credit note (its root is <{local}>"
        + (f" in {namespace}" if namespace else "")
        + "); Kontor reads Peppol BIS 3 UBL invoices and credit notes.",
    )


def _plain(amount: Decimal) -> str:
    return format(amount, "f")


class _Reader:
    def __init__(self, root: Element, kind: Kind) -> None:
        self.root = root
        self.kind = kind
        self.doc = "credit note" if kind == "credit_note" else "invoice"
        self.currency = ""

    # --- small readers -------------------------------------------------------------------------

    def text(self, el: Element | None, path: str) -> str:
        if el is None:
            return ""
        found = el.find(path, NS)
        return (found.text or "").strip() if found is not None else ""

    def required_text(self, el: Element | None, path: str, what: str) -> str:
        value = self.text(el, path)
        if not value:
            raise self.missing(what, path)
        return value

    def missing(self, what: str, path: str) -> EInvoiceError:
        tag = path.rsplit("/", 1)[-1].split(":", 1)[-1]
        return EInvoiceError(
            "missing_field", f"The {self.doc} has no {what} (<{tag}>).", field=path
        )

    def decimal(self, raw: str, what: str) -> Decimal:
        if not _DECIMAL.fullmatch(raw):
            raise EInvoiceError(
                "bad_value", f"The {self.doc}'s {what} is not a number: {raw[:40]!r}."
            )
        return Decimal(raw)

    def amount(
        self, el: Element | None, path: str, what: str, *, required: bool = False
    ) -> Decimal:
        found = el.find(path, NS) if el is not None else None
        raw = (found.text or "").strip() if found is not None else ""
        if not raw:
            if required:
                raise self.missing(what, path)
            return ZERO
        assert found is not None
        currency = found.get("currencyID", "")
        if currency and self.currency and currency != self.currency:
            raise EInvoiceError(
                "wrong_currency",
                f"The {self.doc}'s {what} is in {currency}, not in its currency {self.currency}.",
            )
        return self.decimal(raw, what)

    def date(self, el: Element | None, path: str, what: str) -> dt.date | None:
        raw = self.text(el, path)
        if not raw:
            return None
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            raise EInvoiceError(
                "bad_value", f"The {self.doc}'s {what} is not a date (YYYY-MM-DD): {raw[:40]!r}."
            ) from None

    def rate(self, category: Element | None, what: str) -> Decimal:
        raw = self.text(category, "cbc:Percent")
        return self.decimal(raw, what) if raw else ZERO

    # --- the document --------------------------------------------------------------------------

    def read(self) -> EInvoice:
        root = self.root
        number = self.required_text(root, "cbc:ID", "number")
        issue_date = self.date(root, "cbc:IssueDate", "issue date")
        if issue_date is None:
            raise self.missing("issue date", "cbc:IssueDate")
        self.currency = self.required_text(root, "cbc:DocumentCurrencyCode", "currency")
        tax_currency = self.text(root, "cbc:TaxCurrencyCode")
        due_date = self.date(root, "cbc:DueDate", "due date") or self.date(
            root, "cac:PaymentMeans/cbc:PaymentDueDate", "due date"
        )
        seller = self.party("cac:AccountingSupplierParty/cac:Party", "seller")
        buyer = self.party("cac:AccountingCustomerParty/cac:Party", "buyer")
        lines = self.lines()
        allowances, charges = self.allowances_charges()
        breakdown, tax_total, tax_total_tc = self.tax_totals(tax_currency)
        totals = self.totals(tax_total, tax_total_tc)
        invoice = EInvoice(
            kind=self.kind,
            number=number,
            issue_date=issue_date,
            due_date=due_date,
            currency=self.currency,
            tax_currency=tax_currency,
            buyer_reference=self.text(root, "cbc:BuyerReference"),
            order_reference=self.text(root, "cac:OrderReference/cbc:ID"),
            billing_reference=self.text(
                root, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID"
            ),
            note="\n".join((n.text or "").strip() for n in root.findall("cbc:Note", NS) if n.text),
            payment_terms=self.text(root, "cac:PaymentTerms/cbc:Note"),
            seller=seller,
            buyer=buyer,
            lines=lines,
            allowances=allowances,
            charges=charges,
            vat_breakdown=breakdown,
            totals=totals,
            payment=self.payment(),
            customization_id=self.text(root, "cbc:CustomizationID"),
            profile_id=self.text(root, "cbc:ProfileID"),
        )
        _check_totals(invoice, self.doc)
        return invoice

    def party(self, path: str, who: str) -> EParty:
        party = self.root.find(path, NS)
        if party is None:
            raise self.missing(who, path.split("/", 1)[0])
        name = self.text(party, "cac:PartyLegalEntity/cbc:RegistrationName") or self.text(
            party, "cac:PartyName/cbc:Name"
        )
        if not name:
            raise self.missing(f"{who} name", "cac:PartyLegalEntity/cbc:RegistrationName")
        vat_number = tax_registration = ""
        for scheme in party.findall("cac:PartyTaxScheme", NS):
            company_id = self.text(scheme, "cbc:CompanyID")
            if self.text(scheme, "cac:TaxScheme/cbc:ID").upper() == "VAT":
                vat_number = vat_number or company_id
            else:
                tax_registration = tax_registration or company_id
        endpoint = party.find("cbc:EndpointID", NS)
        registration = party.find("cac:PartyLegalEntity/cbc:CompanyID", NS)
        return EParty(
            name=name,
            vat_number=vat_number,
            registration_id=self.text(party, "cac:PartyLegalEntity/cbc:CompanyID"),
            registration_scheme=registration.get("schemeID", "")
            if registration is not None
            else "",
            endpoint_id=(endpoint.text or "").strip() if endpoint is not None else "",
            endpoint_scheme=endpoint.get("schemeID", "") if endpoint is not None else "",
            country=self.text(party, "cac:PostalAddress/cac:Country/cbc:IdentificationCode"),
            street=self.text(party, "cac:PostalAddress/cbc:StreetName"),
            additional_street=self.text(party, "cac:PostalAddress/cbc:AdditionalStreetName"),
            city=self.text(party, "cac:PostalAddress/cbc:CityName"),
            postcode=self.text(party, "cac:PostalAddress/cbc:PostalZone"),
            trade_name=self.text(party, "cac:PartyName/cbc:Name"),
            tax_registration=tax_registration,
            email=self.text(party, "cac:Contact/cbc:ElectronicMail"),
        )

    def lines(self) -> tuple[ELine, ...]:
        credit = self.kind == "credit_note"
        line_path = "cac:CreditNoteLine" if credit else "cac:InvoiceLine"
        quantity_path = "cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity"
        elements = self.root.findall(line_path, NS)
        if not elements:
            raise self.missing("lines", line_path)
        lines = []
        for el in elements:
            line_id = self.required_text(el, "cbc:ID", "line number")
            at = f"line {line_id}'s"
            quantity_el = el.find(quantity_path, NS)
            quantity = self.decimal(
                self.required_text(el, quantity_path, f"quantity on line {line_id}"),
                f"{at} quantity",
            )
            name = self.text(el, "cac:Item/cbc:Name") or self.text(el, "cac:Item/cbc:Description")
            if not name:
                raise self.missing(f"item name on line {line_id}", "cac:Item/cbc:Name")
            category = el.find("cac:Item/cac:ClassifiedTaxCategory", NS)
            base_quantity_raw = self.text(el, "cac:Price/cbc:BaseQuantity")
            base_quantity = (
                self.decimal(base_quantity_raw, f"{at} price base quantity")
                if base_quantity_raw
                else ONE
            )
            if base_quantity == 0:
                raise EInvoiceError("bad_value", f"The {self.doc}'s {at} price base quantity is 0.")
            allowance = charge = ZERO
            for ac in el.findall("cac:AllowanceCharge", NS):
                value = self.amount(ac, "cbc:Amount", f"{at} allowance or charge", required=True)
                if self.text(ac, "cbc:ChargeIndicator").lower() == "true":
                    charge += value
                else:
                    allowance += value
            lines.append(
                ELine(
                    id=line_id,
                    name=self.text(el, "cac:Item/cbc:Name") or name,
                    description=self.text(el, "cac:Item/cbc:Description"),
                    quantity=quantity,
                    unit_code=quantity_el.get("unitCode", "") if quantity_el is not None else "",
                    unit_price=self.amount(
                        el, "cac:Price/cbc:PriceAmount", f"{at} price", required=True
                    ),
                    base_quantity=base_quantity,
                    net_amount=self.amount(
                        el, "cbc:LineExtensionAmount", f"{at} net amount", required=True
                    ),
                    vat_category=self.required_text(
                        el,
                        "cac:Item/cac:ClassifiedTaxCategory/cbc:ID",
                        f"VAT category on line {line_id}",
                    ),
                    vat_rate=self.rate(category, f"{at} VAT rate"),
                    allowance=allowance,
                    charge=charge,
                )
            )
        return tuple(lines)

    def allowances_charges(
        self,
    ) -> tuple[tuple[EAllowanceCharge, ...], tuple[EAllowanceCharge, ...]]:
        allowances: list[EAllowanceCharge] = []
        charges: list[EAllowanceCharge] = []
        for ac in self.root.findall("cac:AllowanceCharge", NS):
            is_charge = self.text(ac, "cbc:ChargeIndicator").lower() == "true"
            what = "document charge" if is_charge else "document allowance"
            category = ac.find("cac:TaxCategory", NS)
            item = EAllowanceCharge(
                amount=self.amount(ac, "cbc:Amount", f"{what} amount", required=True),
                vat_category=self.required_text(
                    ac, "cac:TaxCategory/cbc:ID", f"VAT category on a {what}"
                ),
                vat_rate=self.rate(category, f"{what} VAT rate"),
                reason=self.text(ac, "cbc:AllowanceChargeReason"),
                reason_code=self.text(ac, "cbc:AllowanceChargeReasonCode"),
            )
            (charges if is_charge else allowances).append(item)
        return tuple(allowances), tuple(charges)

    def tax_totals(
        self, tax_currency: str
    ) -> tuple[tuple[EVatBreakdown, ...], Decimal, Decimal | None]:
        main: Element | None = None
        in_tax_currency: Decimal | None = None
        for tax_total in self.root.findall("cac:TaxTotal", NS):
            amount = tax_total.find("cbc:TaxAmount", NS)
            currency = amount.get("currencyID", "") if amount is not None else ""
            if currency in ("", self.currency) and (
                main is None or main.find("cac:TaxSubtotal", NS) is None
            ):
                main = tax_total
            elif tax_currency and currency == tax_currency:
                raw = self.required_text(tax_total, "cbc:TaxAmount", f"VAT total in {currency}")
                in_tax_currency = self.decimal(raw, f"VAT total in {currency}")
        if main is None:
            raise self.missing(f"VAT total in {self.currency}", "cac:TaxTotal")
        total = self.amount(main, "cbc:TaxAmount", "VAT total", required=True)
        breakdown = []
        for sub in main.findall("cac:TaxSubtotal", NS):
            category = sub.find("cac:TaxCategory", NS)
            code = self.required_text(sub, "cac:TaxCategory/cbc:ID", "VAT breakdown category")
            breakdown.append(
                EVatBreakdown(
                    category=code,
                    rate=self.rate(category, f"VAT rate of category {code}"),
                    base=self.amount(
                        sub, "cbc:TaxableAmount", f"VAT base of category {code}", required=True
                    ),
                    tax=self.amount(sub, "cbc:TaxAmount", f"VAT of category {code}", required=True),
                    exemption_reason=self.text(category, "cbc:TaxExemptionReason"),
                    exemption_reason_code=self.text(category, "cbc:TaxExemptionReasonCode"),
                )
            )
        if not breakdown:
            raise self.missing("VAT breakdown", "cac:TaxSubtotal")
        return tuple(breakdown), total, in_tax_currency

    def totals(self, tax_total: Decimal, tax_total_tc: Decimal | None) -> ETotals:
        lmt = self.root.find("cac:LegalMonetaryTotal", NS)
        if lmt is None:
            raise self.missing("totals", "cac:LegalMonetaryTotal")
        return ETotals(
            line_extension=self.amount(
                lmt, "cbc:LineExtensionAmount", "sum of lines", required=True
            ),
            tax_exclusive=self.amount(
                lmt, "cbc:TaxExclusiveAmount", "total without VAT", required=True
            ),
            tax_total=tax_total,
            tax_inclusive=self.amount(
                lmt, "cbc:TaxInclusiveAmount", "total with VAT", required=True
            ),
            allowance_total=self.amount(lmt, "cbc:AllowanceTotalAmount", "allowance total"),
            charge_total=self.amount(lmt, "cbc:ChargeTotalAmount", "charge total"),
            prepaid=self.amount(lmt, "cbc:PrepaidAmount", "prepaid amount"),
            rounding=self.amount(lmt, "cbc:PayableRoundingAmount", "rounding amount"),
            payable=self.amount(lmt, "cbc:PayableAmount", "amount due", required=True),
            tax_total_in_tax_currency=tax_total_tc,
        )

    def payment(self) -> EPayment | None:
        means = self.root.find("cac:PaymentMeans", NS)
        if means is None:
            return None
        return EPayment(
            means_code=self.text(means, "cbc:PaymentMeansCode"),
            payment_id=self.text(means, "cbc:PaymentID"),
            iban=self.text(means, "cac:PayeeFinancialAccount/cbc:ID"),
            bic=self.text(means, "cac:PayeeFinancialAccount/cac:FinancialInstitutionBranch/cbc:ID"),
            account_name=self.text(means, "cac:PayeeFinancialAccount/cbc:Name"),
        )


def _check_totals(inv: EInvoice, doc: str) -> None:
    """The EN 16931 BR-CO rules on the document's own numbers, exactly, in Decimal."""
    t = inv.totals

    def expect(rule: str, what: str, stated: Decimal, computed: Decimal, how: str) -> None:
        if stated != computed:
            raise EInvoiceError(
                "totals_mismatch",
                f"The {doc}'s {what} is {_plain(stated)} but {how} is {_plain(computed)} "
                f"({rule}); ask the supplier for a corrected e-invoice.",
                rule=rule,
                stated=_plain(stated),
                computed=_plain(computed),
            )

    for line in inv.lines:
        expected = (
            line.quantity * line.unit_price / line.base_quantity - line.allowance + line.charge
        )
        if abs(line.net_amount - expected) > LINE_SLACK:
            expect(
                "PEPPOL-EN16931-R120",
                f"net amount on line {line.id}",
                line.net_amount,
                money_round(expected),
                "quantity × price − allowances + charges",
            )
    expect(
        "BR-CO-10",
        "sum of lines",
        t.line_extension,
        sum((x.net_amount for x in inv.lines), ZERO),
        "the sum of its lines",
    )
    expect(
        "BR-CO-11",
        "allowance total",
        t.allowance_total,
        sum((a.amount for a in inv.allowances), ZERO),
        "the sum of its allowances",
    )
    expect(
        "BR-CO-12",
        "charge total",
        t.charge_total,
        sum((c.amount for c in inv.charges), ZERO),
        "the sum of its charges",
    )
    expect(
        "BR-CO-13",
        "total without VAT",
        t.tax_exclusive,
        t.line_extension - t.allowance_total + t.charge_total,
        "the sum of lines − allowances + charges",
    )
    expect(
        "BR-CO-14",
        "VAT total",
        t.tax_total,
        sum((b.tax for b in inv.vat_breakdown), ZERO),
        "the sum of its VAT breakdown",
    )
    expect(
        "BR-CO-15",
        "total with VAT",
        t.tax_inclusive,
        t.tax_exclusive + t.tax_total,
        "the total without VAT + VAT",
    )
    expect(
        "BR-CO-16",
        "amount due",
        t.payable,
        t.tax_inclusive - t.prepaid + t.rounding,
        "the total with VAT − prepaid + rounding",
    )

    bases: dict[tuple[str, Decimal], Decimal] = {}
    for line in inv.lines:
        key = (line.vat_category, line.vat_rate)
        bases[key] = bases.get(key, ZERO) + line.net_amount
    for sign, items in ((-1, inv.allowances), (1, inv.charges)):
        for item in items:
            key = (item.vat_category, item.vat_rate)
            bases[key] = bases.get(key, ZERO) + sign * item.amount
    seen: set[tuple[str, Decimal]] = set()
    for b in inv.vat_breakdown:
        key = (b.category, b.rate)
        label = f"VAT base for category {b.category} at {_plain(b.rate)} %"
        if key in seen:
            raise EInvoiceError(
                "totals_mismatch",
                f"The {doc} lists the VAT breakdown for category {b.category} at "
                f"{_plain(b.rate)} % twice; ask the supplier for a corrected e-invoice.",
                rule="one breakdown per category and rate",
            )
        seen.add(key)
        expect(
            _rule(b.category, "08"),
            label,
            b.base,
            bases.get(key, ZERO),
            "the sum of its lines, allowances and charges in that category",
        )
        computed_tax = money_round(b.base * b.rate / 100)
        if abs(b.tax - computed_tax) > VAT_SLACK:
            expect(
                "BR-CO-17",
                f"VAT for category {b.category} at {_plain(b.rate)} %",
                b.tax,
                computed_tax,
                "the base × the rate",
            )
    for key, base in bases.items():
        if key not in seen:
            raise EInvoiceError(
                "totals_mismatch",
                f"The {doc} has lines in VAT category {key[0]} at {_plain(key[1])} % "
                f"(net {_plain(base)}) but no VAT breakdown for them ({_rule(key[0], '01')}); "
                "ask the supplier for a corrected e-invoice.",
                rule=_rule(key[0], "01"),
            )


def _rule(category: str, number: str) -> str:
    """EN 16931 names its per-category rules BR-S-08, BR-E-08, ...; K (intra-Community) is IC."""
    return f"BR-{'IC' if category == 'K' else category}-{number}"
