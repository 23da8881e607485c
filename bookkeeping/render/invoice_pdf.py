"""A sales invoice or credit note as a PDF, in the customer's language (en, fr, nl, pl, nb).

The caller computes every amount (bookkeeping/totals.py) and passes them in an InvoiceDocument:
this module prints, it never rounds or adds up, so the PDF cannot disagree with the books or the
UBL file. Text is set in an embedded TrueType font (see fonts.py) so ą, ę, ł, ø, æ, å print.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from fpdf import FPDF
from fpdf.fonts import FontFace

from .fonts import PdfFont, font_install

Language = Literal["en", "fr", "nl", "pl", "nb"]
DocumentKind = Literal["invoice", "credit_note"]


@dataclass(frozen=True)
class InvoiceParty:
    name: str
    address_lines: tuple[str, ...] = ()
    vat_number: str = ""
    iban: str = ""
    bic: str = ""
    email: str = ""


@dataclass(frozen=True)
class InvoiceItem:
    description: str
    quantity: Decimal
    unit_price: Decimal
    vat_rate: Decimal  # percent, 21 for 21 %
    net: Decimal
    unit: str = ""


@dataclass(frozen=True)
class VatSummaryRow:
    rate: Decimal
    base: Decimal
    tax: Decimal
    category: str = "S"
    # Why no VAT is charged (e.g. "Autoliquidation — art. 51 § 2 CTVA"); printed under the table.
    exemption_reason: str = ""


@dataclass(frozen=True)
class InvoiceDocument:
    kind: DocumentKind
    number: str
    issue_date: dt.date
    currency: str
    seller: InvoiceParty
    buyer: InvoiceParty
    lines: tuple[InvoiceItem, ...]
    vat_breakdown: tuple[VatSummaryRow, ...]
    net_total: Decimal
    vat_total: Decimal
    gross_total: Decimal
    due_date: dt.date | None = None
    payment_reference: str = ""
    note: str = ""
    language: Language = "en"
    credit_of_number: str = ""  # the invoice a credit note corrects
    amount_due: Decimal | None = None  # defaults to gross_total (less prepaid amounts if any)
    extra_lines: tuple[str, ...] = field(default_factory=tuple)  # legal mentions, one per line


LABELS: dict[str, dict[str, str]] = {
    "en": {
        "invoice": "Invoice", "credit_note": "Credit note", "number": "Number",
        "issue_date": "Issue date", "due_date": "Due date", "seller": "Seller",
        "buyer": "Customer", "vat_number": "VAT number", "description": "Description",
        "quantity": "Qty", "unit_price": "Unit price", "vat_rate": "VAT", "net": "Net amount",
        "vat_summary": "VAT summary", "base": "Taxable amount", "tax": "VAT amount",
        "net_total": "Total excl. VAT", "vat_total": "Total VAT", "gross_total": "Total incl. VAT",
        "amount_due": "Amount due", "payment": "Payment", "iban": "IBAN", "bic": "BIC",
        "reference": "Payment reference", "note": "Note", "credit_of": "Credit note for invoice",
        "page": "Page",
    },
    "fr": {
        "invoice": "Facture", "credit_note": "Note de crédit", "number": "Numéro",
        "issue_date": "Date de facture", "due_date": "Date d'échéance", "seller": "Vendeur",
        "buyer": "Client", "vat_number": "N° TVA", "description": "Description",
        "quantity": "Qté", "unit_price": "Prix unitaire", "vat_rate": "TVA",
        "net": "Montant HTVA", "vat_summary": "Récapitulatif TVA", "base": "Base imposable",
        "tax": "Montant TVA", "net_total": "Total HTVA", "vat_total": "Total TVA",
        "gross_total": "Total TVAC", "amount_due": "Montant à payer", "payment": "Paiement",
        "iban": "IBAN", "bic": "BIC", "reference": "Communication", "note": "Remarque",
        "credit_of": "Note de crédit relative à la facture", "page": "Page",
    },
    "nl": {
        "invoice": "Factuur", "credit_note": "Creditnota", "number": "Nummer",
        "issue_date": "Factuurdatum", "due_date": "Vervaldatum", "seller": "Verkoper",
        "buyer": "Klant", "vat_number": "Btw-nummer", "description": "Omschrijving",
        "quantity": "Aantal", "unit_price": "Eenheidsprijs", "vat_rate": "Btw",
        "net": "Bedrag excl. btw", "vat_summary": "Btw-overzicht",
        "base": "Maatstaf van heffing", "tax": "Btw-bedrag", "net_total": "Totaal excl. btw",
        "vat_total": "Totaal btw", "gross_total": "Totaal incl. btw",
        "amount_due": "Te betalen", "payment": "Betaling", "iban": "IBAN", "bic": "BIC",
        "reference": "Mededeling", "note": "Opmerking", "credit_of": "Creditnota bij factuur",
        "page": "Pagina",
    },
    "pl": {
        "invoice": "Faktura VAT", "credit_note": "Faktura korygująca", "number": "Numer",
        "issue_date": "Data wystawienia", "due_date": "Termin płatności",
        "seller": "Sprzedawca", "buyer": "Nabywca", "vat_number": "NIP",
        "description": "Nazwa towaru lub usługi", "quantity": "Ilość",
        "unit_price": "Cena jedn. netto", "vat_rate": "Stawka VAT", "net": "Wartość netto",
        "vat_summary": "Podsumowanie VAT", "base": "Wartość netto", "tax": "Kwota VAT",
        "net_total": "Razem netto", "vat_total": "Razem VAT", "gross_total": "Razem brutto",
        "amount_due": "Do zapłaty", "payment": "Płatność", "iban": "Numer konta (IBAN)",
        "bic": "BIC/SWIFT", "reference": "Tytuł przelewu", "note": "Uwagi",
        "credit_of": "Korekta faktury", "page": "Strona",
    },
    "nb": {
        "invoice": "Faktura", "credit_note": "Kreditnota", "number": "Fakturanummer",
        "issue_date": "Fakturadato", "due_date": "Forfallsdato", "seller": "Selger",
        "buyer": "Kunde", "vat_number": "Org.nr. MVA", "description": "Beskrivelse",
        "quantity": "Antall", "unit_price": "Enhetspris", "vat_rate": "MVA",
        "net": "Beløp eks. MVA", "vat_summary": "MVA-spesifikasjon", "base": "Grunnlag",
        "tax": "MVA-beløp", "net_total": "Sum eks. MVA", "vat_total": "Sum MVA",
        "gross_total": "Sum inkl. MVA", "amount_due": "Å betale", "payment": "Betaling",
        "iban": "IBAN", "bic": "BIC", "reference": "KID / referanse", "note": "Merknad",
        "credit_of": "Kreditnota for faktura", "page": "Side",
    },
}  # fmt: skip

# (thousands separator, decimal separator, date format) per language.
_STYLE: dict[str, tuple[str, str, str]] = {
    "en": (",", ".", "%Y-%m-%d"),
    "fr": (" ", ",", "%d/%m/%Y"),
    "nl": (".", ",", "%d-%m-%Y"),
    "pl": (" ", ",", "%d.%m.%Y"),
    "nb": (" ", ",", "%d.%m.%Y"),
}


def format_amount(value: Decimal, language: str, places: int = 2) -> str:
    """1234.5 -> "1,234.50" (en), "1 234,50" (fr, pl, nb), "1.234,50" (nl)."""
    thousands, decimal_sep, _ = _STYLE[language]
    text = f"{value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP):,.{places}f}"
    return text.replace(",", "\0").replace(".", decimal_sep).replace("\0", thousands)


def format_quantity(value: Decimal, language: str) -> str:
    """3 -> "3", 1.50 -> "1,5" in languages with a decimal comma; never an exponent."""
    normal = value.normalize()
    places = max(0, -int(normal.as_tuple().exponent))
    return format_amount(value, language, places)


def format_date(value: dt.date, language: str) -> str:
    return value.strftime(_STYLE[language][2])


def format_rate(value: Decimal, language: str) -> str:
    return f"{format_quantity(value, language)} %"


class _InvoicePdf(FPDF):
    def __init__(self, doc: InvoiceDocument) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.doc = doc
        self.labels = LABELS[doc.language]
        self.font_used: PdfFont = font_install(self)
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(auto=True, margin=18)
        self.alias_nb_pages()

    def t(self, text: str) -> str:
        return self.font_used.text(text)

    def footer(self) -> None:
        self.set_y(-13)
        self.set_font(self.font_used.family, "", 7)
        seller = self.doc.seller
        left = " · ".join(part for part in (seller.name, seller.vat_number, seller.iban) if part)
        self.cell(140, 4, self.t(left))
        self.cell(0, 4, self.t(f"{self.labels['page']} {self.page_no()} / {{nb}}"), align="R")


def _party_block(pdf: _InvoicePdf, x: float, y: float, title: str, party: InvoiceParty) -> float:
    pdf.set_xy(x, y)
    pdf.set_font(pdf.font_used.family, "B", 8)
    pdf.cell(85, 4, pdf.t(title.upper()), new_x="LEFT", new_y="NEXT")
    pdf.set_font(pdf.font_used.family, "B", 10)
    pdf.multi_cell(85, 5, pdf.t(party.name), new_x="LEFT", new_y="NEXT")
    pdf.set_font(pdf.font_used.family, "", 9)
    for line in party.address_lines:
        pdf.cell(85, 4.5, pdf.t(line), new_x="LEFT", new_y="NEXT")
    if party.vat_number:
        text = f"{pdf.labels['vat_number']}: {party.vat_number}"
        pdf.cell(85, 4.5, pdf.t(text), new_x="LEFT", new_y="NEXT")
    if party.email:
        pdf.cell(85, 4.5, pdf.t(party.email), new_x="LEFT", new_y="NEXT")
    return pdf.get_y()


def invoice_pdf(doc: InvoiceDocument) -> bytes:
    """The invoice as A4 PDF bytes; the line table continues over pages with its header."""
    if doc.language not in LABELS:
        raise ValueError(f"No invoice labels for language {doc.language!r}.")
    pdf = _InvoicePdf(doc)
    labels = pdf.labels
    lang = doc.language
    family = pdf.font_used.family
    money = lambda value: format_amount(value, lang)  # noqa: E731
    pdf.add_page()

    # Title, number and dates.
    pdf.set_font(family, "B", 18)
    pdf.cell(100, 10, pdf.t(labels[doc.kind]))
    pdf.set_font(family, "", 9)
    facts = [
        (labels["number"], doc.number),
        (labels["issue_date"], format_date(doc.issue_date, lang)),
    ]
    if doc.due_date is not None:
        facts.append((labels["due_date"], format_date(doc.due_date, lang)))
    if doc.credit_of_number:
        facts.append((labels["credit_of"], doc.credit_of_number))
    top = pdf.get_y()
    for index, (label, value) in enumerate(facts):
        pdf.set_xy(110, top + index * 5)
        pdf.set_font(family, "", 9)
        pdf.cell(40, 5, pdf.t(label))
        pdf.set_font(family, "B", 9)
        pdf.cell(0, 5, pdf.t(value), align="R")
    y = max(top + 12, top + len(facts) * 5 + 4)

    # Seller and buyer side by side.
    bottom_seller = _party_block(pdf, 15, y, labels["seller"], doc.seller)
    bottom_buyer = _party_block(pdf, 110, y, labels["buyer"], doc.buyer)
    pdf.set_xy(15, max(bottom_seller, bottom_buyer) + 6)

    # Lines.
    pdf.set_font(family, "", 8.5)
    with pdf.table(
        col_widths=(0.46, 0.1, 0.16, 0.1, 0.18),
        text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
        repeat_headings=1,
        headings_style=FontFace(emphasis="BOLD", fill_color=(235, 235, 235)),
        borders_layout="HORIZONTAL_LINES",
        line_height=4.5,
    ) as table:
        head = table.row()
        for key in ("description", "quantity", "unit_price", "vat_rate", "net"):
            head.cell(pdf.t(labels[key]))
        for item in doc.lines:
            row = table.row()
            row.cell(pdf.t(item.description))
            quantity = format_quantity(item.quantity, lang)
            row.cell(pdf.t(f"{quantity} {item.unit}".strip()))
            row.cell(pdf.t(format_amount(item.unit_price, lang, _price_places(item.unit_price))))
            row.cell(pdf.t(format_rate(item.vat_rate, lang)))
            row.cell(pdf.t(money(item.net)))
    pdf.ln(5)

    # VAT breakdown on the left, totals on the right, kept together on one page.
    block_height = 8 + 5 * max(len(doc.vat_breakdown) + 1, 4)
    if pdf.get_y() + block_height > pdf.h - 25:
        pdf.add_page()
    y = pdf.get_y()
    pdf.set_font(family, "B", 8.5)
    pdf.cell(95, 5, pdf.t(labels["vat_summary"]), new_x="LMARGIN", new_y="NEXT")
    widths = (20, 40, 35)
    pdf.set_font(family, "B", 8)
    for width, key in zip(widths, ("vat_rate", "base", "tax"), strict=True):
        pdf.cell(width, 5, pdf.t(labels[key]), align="R", border="B")
    pdf.ln()
    pdf.set_font(family, "", 8.5)
    for vat in doc.vat_breakdown:
        rate = format_rate(vat.rate, lang) + ("" if vat.category == "S" else f" ({vat.category})")
        for width, text in zip(widths, (rate, money(vat.base), money(vat.tax)), strict=True):
            pdf.cell(width, 5, pdf.t(text), align="R")
        pdf.ln()
    reasons = [vat.exemption_reason for vat in doc.vat_breakdown if vat.exemption_reason]
    pdf.set_font(family, "", 7.5)
    for reason in reasons:
        pdf.multi_cell(95, 4, pdf.t(reason), new_x="LMARGIN", new_y="NEXT")
    left_bottom = pdf.get_y()

    due = doc.gross_total if doc.amount_due is None else doc.amount_due
    totals = [
        (labels["net_total"], doc.net_total, False),
        (labels["vat_total"], doc.vat_total, False),
        (labels["gross_total"], doc.gross_total, False),
        (labels["amount_due"], due, True),
    ]
    for index, (label, amount, strong) in enumerate(totals):
        pdf.set_xy(120, y + index * 6)
        pdf.set_font(family, "B" if strong else "", 11 if strong else 9)
        pdf.cell(40, 6, pdf.t(label), border="T" if strong else 0)
        text = f"{money(amount)} {doc.currency}"
        pdf.cell(35, 6, pdf.t(text), align="R", border="T" if strong else 0)
    pdf.set_xy(15, max(left_bottom, y + len(totals) * 6) + 6)

    # Payment details.
    payment = [
        (labels["iban"], doc.seller.iban),
        (labels["bic"], doc.seller.bic),
        (labels["reference"], doc.payment_reference),
        (labels["due_date"], format_date(doc.due_date, lang) if doc.due_date else ""),
    ]
    payment = [(label, value) for label, value in payment if value]
    if payment and doc.kind == "invoice":
        pdf.set_font(family, "B", 9)
        pdf.cell(0, 5, pdf.t(labels["payment"]), new_x="LMARGIN", new_y="NEXT")
        for label, value in payment:
            pdf.set_font(family, "", 9)
            pdf.cell(40, 5, pdf.t(label))
            pdf.set_font(family, "B", 9)
            pdf.cell(0, 5, pdf.t(value), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    if doc.note:
        pdf.set_font(family, "B", 9)
        pdf.cell(0, 5, pdf.t(labels["note"]), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(family, "", 9)
        pdf.multi_cell(0, 4.5, pdf.t(doc.note), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 7.5)
    for line in doc.extra_lines:
        pdf.multi_cell(0, 4, pdf.t(line), new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _price_places(value: Decimal) -> int:
    """Unit prices keep up to four decimals when they have them (0.0125 per unit), else two."""
    exponent = int(value.normalize().as_tuple().exponent)
    return min(max(2, -exponent), 4)
