"""An invoice seen as numbers (its totals), as a PDF document and as a Peppol BIS 3.0 e-invoice.

Every amount comes from `bookkeeping.totals.invoice_totals` over the invoice's lines, so the
stored totals, the booked entry, the PDF and the UBL file cannot disagree.
"""

from __future__ import annotations

from schwifty import IBAN

from ..einvoice import EInvoice, ELine, EParty, EPayment, ETotals, EVatBreakdown
from ..models import BooksSettings, Invoice, InvoiceKind, InvoiceLine, Party
from ..render import InvoiceDocument, InvoiceItem, InvoiceParty, VatSummaryRow
from ..render.invoice_pdf import Language
from ..totals import Totals, TotalsLine, invoice_totals

# Why an invoice line of this UBL category carries no VAT (EN 16931 asks for a reason, BR-x-10).
EXEMPTION_REASONS = {
    "AE": ("VATEX-EU-AE", "Reverse charge"),
    "K": ("VATEX-EU-IC", "Intra-Community supply"),
    "G": ("VATEX-EU-G", "Export outside the EU"),
    "E": ("", "Exempt from VAT"),
}
_LANGUAGES: dict[str, Language] = {
    "BE": "nl", "NL": "nl", "FR": "fr", "LU": "fr", "PL": "pl", "NO": "nb",
}  # fmt: skip


def totals_line(line: InvoiceLine) -> TotalsLine:
    category = line.vat_code.ubl_category if line.vat_code else "S"
    return TotalsLine(
        quantity=line.quantity,
        unit_price=line.unit_price,
        vat_category=category,
        vat_rate=line.vat_rate,
    )


def totals_of(lines: list[InvoiceLine]) -> Totals:
    return invoice_totals([totals_line(line) for line in lines])


def language_for(party: Party) -> Language:
    return _LANGUAGES.get(party.country, "en")


def _address(party: Party) -> tuple[str, ...]:
    city = " ".join(part for part in (party.postcode, party.city) if part)
    return tuple(part for part in (party.street, city, party.country) if part)


def _seller_details(invoice: Invoice) -> BooksSettings:
    """The company's IBAN, BIC and address as staff set them (blank when the books are new)."""
    found = BooksSettings.objects.filter(company_id=invoice.company_id).first()
    return found if found is not None else BooksSettings(company_id=invoice.company_id)


def _seller_address(invoice: Invoice, details: BooksSettings) -> tuple[str, ...]:
    city = " ".join(part for part in (details.postcode, details.city) if part)
    return tuple(part for part in (details.street, city, invoice.company.country) if part)


def _iban_printed(iban: str) -> str:
    """Groups of four, as people copy it into their bank ("BE68 5390 0754 7034")."""
    return str(IBAN(iban).formatted) if iban else ""


def _payment_means(currency: str, iban: str) -> str:
    """UNCL4461: 58 SEPA credit transfer (euro only), 30 another credit transfer to the account;
    "1" (not specified) without an IBAN, since BR-50 asks an account for 30 and 58."""
    if not iban:
        return "1"
    return "58" if currency == "EUR" else "30"


def invoice_document(invoice: Invoice, lines: list[InvoiceLine], totals: Totals) -> InvoiceDocument:
    """What the PDF prints; a draft prints as "Draft" (a preview, never stored)."""
    company = invoice.company
    credit_of = invoice.credit_of
    details = _seller_details(invoice)
    return InvoiceDocument(
        kind="credit_note" if invoice.kind == InvoiceKind.CREDIT_NOTE else "invoice",
        number=invoice.number or "Draft",
        issue_date=invoice.issue_date or invoice.created_at.date(),
        currency=invoice.currency,
        seller=InvoiceParty(name=company.name, address_lines=_seller_address(invoice, details),
                            vat_number=company.vat_number, iban=_iban_printed(details.iban),
                            bic=details.bic),
        buyer=InvoiceParty(name=invoice.party.name, address_lines=_address(invoice.party),
                           vat_number=invoice.party.vat_number, email=invoice.party.email),
        lines=tuple(
            InvoiceItem(description=line.description, quantity=line.quantity,
                        unit_price=line.unit_price, vat_rate=line.vat_rate, net=net)
            for line, net in zip(lines, totals.line_nets, strict=True)
        ),
        vat_breakdown=tuple(
            VatSummaryRow(rate=v.rate, base=v.base, tax=v.tax, category=v.category,
                          exemption_reason=EXEMPTION_REASONS.get(v.category, ("", ""))[1])
            for v in totals.vat
        ),
        net_total=totals.net_total,
        vat_total=totals.vat_total,
        gross_total=totals.gross_total,
        due_date=invoice.due_date,
        payment_reference=invoice.payment_reference,
        note=invoice.note,
        language=language_for(invoice.party),
        credit_of_number=credit_of.number if credit_of is not None else "",
    )  # fmt: skip


def _party(party: Party) -> EParty:
    return EParty(
        name=party.name,
        vat_number=party.vat_number,
        registration_id=party.registration_number,
        country=party.country,
        street=party.street,
        city=party.city,
        postcode=party.postcode,
        email=party.email,
    )


def invoice_einvoice(invoice: Invoice, lines: list[InvoiceLine], totals: Totals) -> EInvoice:
    """The Peppol BIS Billing 3.0 view of an issued invoice or credit note.

    Endpoints are derived by the writer from the VAT numbers (BE: 0208 + enterprise number, NO:
    0192 + organisation number); a party without a VAT number has no Peppol address and the
    writer refuses it with `missing_field`.
    """
    company = invoice.company
    assert invoice.issue_date is not None  # issued
    details = _seller_details(invoice)
    seller = EParty(
        name=company.name,
        vat_number=company.vat_number,
        country=company.country,
        street=details.street,
        city=details.city,
        postcode=details.postcode,
    )
    return EInvoice(
        kind="credit_note" if invoice.kind == InvoiceKind.CREDIT_NOTE else "invoice",
        number=invoice.number,
        issue_date=invoice.issue_date,
        currency=invoice.currency,
        seller=seller,
        buyer=_party(invoice.party),
        lines=tuple(
            ELine(id=str(position), name=line.description[:200] or "-", quantity=line.quantity,
                  unit_price=line.unit_price, net_amount=net,
                  vat_category=line.vat_code.ubl_category if line.vat_code else "S",
                  vat_rate=line.vat_rate)
            for position, (line, net) in enumerate(zip(lines, totals.line_nets, strict=True), 1)
        ),
        vat_breakdown=tuple(
            EVatBreakdown(category=v.category, rate=v.rate, base=v.base, tax=v.tax,
                          exemption_reason_code=EXEMPTION_REASONS.get(v.category, ("", ""))[0],
                          exemption_reason=EXEMPTION_REASONS.get(v.category, ("", ""))[1])
            for v in totals.vat
        ),
        totals=ETotals(
            line_extension=totals.line_extension,
            tax_exclusive=totals.net_total,
            tax_total=totals.vat_total,
            tax_inclusive=totals.gross_total,
            payable=totals.payable,
        ),
        due_date=invoice.due_date,
        # Peppol wants a buyer reference or an order reference (PEPPOL-EN16931-R003).
        buyer_reference=invoice.number,
        billing_reference=invoice.credit_of.number if invoice.credit_of else "",
        note=invoice.note,
        payment=EPayment(
            means_code=_payment_means(invoice.currency, details.iban),
            payment_id=invoice.payment_reference,
            iban=details.iban,
            bic=details.bic if details.iban else "",
        ),
    )  # fmt: skip
