"""Purchase invoices: a Peppol e-invoice imported into the inbox, and booking from the inbox.

`einvoice_import` reads and checks the XML first (size, safety, format, the BR-CO totals, the
buyer), then in one transaction finds or creates the supplier, files the XML in the dossier's
purchase invoices folder (inbox state new) and creates a draft purchase Invoice. Any refusal
leaves nothing behind: no party, no document, no invoice, and no object in storage (the stored
object is deleted again when the transaction does not commit).

`purchase_book` (staff) creates or updates the purchase invoice of an inbox document and books it:
debit a cost account per line (net), debit VAT deductible per code (tax), credit payable (party,
due date) = gross; reverse-charge and intra-Community codes self-assess (debit deductible and
credit due). The document moves to `booked` through the dossier service.
"""

from __future__ import annotations

import contextlib
import datetime
import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Q

from dossier import services as dossier_services
from dossier import storage
from dossier.models import Document, DocumentKind, Folder, InboxState
from server.accounts.models import User
from server.realtime.publish import publish
from server.tenancy.access import require_member, require_staff
from server.tenancy.models import Company

from ..charts import Role
from ..einvoice import EInvoice, EInvoiceError, EParty, buyer_is, einvoice_read
from ..errors import BooksError, InvalidBic, InvalidIban, InvalidVatNumber
from ..identifiers import bic_normalise, iban_normalise, vat_number_normalise
from ..invoices import events as invoice_events
from ..models import (
    Account,
    EntrySource,
    Invoice,
    InvoiceDirection,
    InvoiceKind,
    InvoiceLine,
    InvoiceState,
    JournalKind,
    Party,
    PartyKind,
    VatCode,
)
from ..services import LineInput, account_for_role, entry_book, journal_for
from ..totals import money_round
from ..vat_codes import Direction

ZERO = Decimal(0)
PURCHASE_FOLDER = "purchase_invoices"  # the dossier template folder e-invoices are filed in
# Categories where the supplier charges no VAT and the buyer owes it (self-assessment).
SELF_ASSESSED_CATEGORIES = ("AE", "K", "G")
NO_VAT_CATEGORIES = ("E", "Z", "O")
# The VAT of an imported invoice may differ from base × rate by this much (EN 16931 BR-CO-17).
VAT_SLACK = Decimal(1)
_QUANTUM = Decimal("0.0001")
_LIMIT = Decimal(10) ** 15


class PurchaseConflict(BooksError):
    status = 409


@dataclass(frozen=True)
class Warning_:
    code: str
    message: str


@dataclass
class ImportResult:
    invoice: Invoice
    document: Document
    einvoice: EInvoice
    supplier_created: bool
    supplier_vat_valid: bool
    warnings: list[Warning_] = field(default_factory=list)


@dataclass(frozen=True)
class PurchaseLineInput:
    description: str
    net_amount: Decimal
    vat_code: VatCode | None
    account: Account | None = None
    quantity: Decimal = Decimal(1)
    unit_price: Decimal | None = None  # defaults to net / quantity


# --- Checks ---------------------------------------------------------------------------------------


def _compact(number: str) -> str:
    return re.sub(r"[\s.\-/]", "", number or "").upper()[:20]


def _country(party: EParty, company: Company) -> str:
    country = (party.country or "").strip().upper()
    if len(country) == 2 and country.isalpha():
        return country
    prefix = _compact(party.vat_number)[:2]
    return prefix if prefix.isalpha() and len(prefix) == 2 else company.country


# --- The supplier ---------------------------------------------------------------------------------


@dataclass
class _Supplier:
    party: Party
    created: bool
    vat_valid: bool
    warnings: list[Warning_]


def _supplier_resolve(company: Company, seller: EParty) -> _Supplier:
    """The company's party for the seller (by VAT number), or an unsaved new one.

    A VAT number that fails its check digit is kept as written (compacted) and flagged: the
    document is the supplier's, and refusing it would leave the invoice unbookable. Staff correct
    the party later; duplicate detection still works on the number as written.
    """
    warnings: list[Warning_] = []
    country = _country(seller, company)
    vat_valid = True
    vat = ""
    if seller.vat_number:
        try:
            vat = vat_number_normalise(country, seller.vat_number)
        except InvalidVatNumber as error:
            vat_valid = False
            vat = _compact(seller.vat_number)
            warnings.append(Warning_("supplier_vat_invalid", error.message))
    candidates = {vat, _compact(seller.vat_number)} - {""}
    existing = (
        Party.objects.filter(company=company, vat_number__in=candidates).order_by("id").first()
        if candidates
        else None
    )
    if existing is None and not candidates and seller.name:
        existing = (
            Party.objects.filter(company=company, vat_number="", name__iexact=seller.name.strip())
            .exclude(kind=PartyKind.CUSTOMER)
            .first()
        )
    if existing is not None:
        return _Supplier(existing, False, vat_valid, warnings)
    return _Supplier(
        Party(
            company=company,
            kind=PartyKind.SUPPLIER,
            name=(seller.name or seller.trade_name or "Unknown supplier").strip()[:200],
            vat_number=vat,
            country=country,
            registration_number=seller.registration_id[:40],
            email=seller.email[:254] if "@" in seller.email else "",
            street=seller.street[:200],
            postcode=seller.postcode[:20],
            city=seller.city[:100],
        ),
        True,
        vat_valid,
        warnings,
    )


def _bank_details(party: Party, einvoice: EInvoice, warnings: list[Warning_]) -> None:
    """The supplier's IBAN and BIC from the payment means, when they pass their checks."""
    payment = einvoice.payment
    if payment is None or not payment.iban:
        return
    try:
        party.iban = iban_normalise(payment.iban)
        party.bic = bic_normalise(payment.bic) if payment.bic else ""
    except (InvalidIban, InvalidBic) as error:
        party.iban = party.bic = ""
        warnings.append(Warning_("supplier_iban_invalid", error.message))


# --- Lines and VAT codes --------------------------------------------------------------------------


def vat_code_for(company: Company, category: str, rate: Decimal) -> VatCode | None:
    """The company's purchase VAT code for a UBL category and rate, or None.

    The exact (category, rate) first, in the order the codes were installed (the country's usual
    choice first); a self-assessed category (AE reverse charge, K intra-Community, G import) comes
    at 0 % from the supplier and maps to the first code of that category (which carries the rate
    the buyer owes); a line without VAT (E, Z, O) maps to any 0 % purchase code.
    """
    codes = list(
        VatCode.objects.filter(
            company=company, direction=Direction.PURCHASES, active=True
        ).order_by("id")
    )
    for code in codes:
        if code.ubl_category == category and code.rate == rate:
            return code
    if category in SELF_ASSESSED_CATEGORIES:
        for code in codes:
            if code.ubl_category == category:
                return code
    if category in NO_VAT_CATEGORIES and rate == 0:
        zero = [c for c in codes if c.rate == 0 and c.ubl_category in NO_VAT_CATEGORIES]
        zero.sort(key=lambda c: c.ubl_category != category)
        return zero[0] if zero else None
    return None


def _quantity(value: Decimal) -> Decimal:
    return value.quantize(_QUANTUM, rounding=ROUND_HALF_UP)


def _lines_from_einvoice(
    company: Company, einvoice: EInvoice, warnings: list[Warning_]
) -> list[InvoiceLine]:
    """One InvoiceLine per e-invoice line, and one per document-level allowance (negative) or
    charge, so that the lines add up to the total without VAT."""
    rows: list[InvoiceLine] = []
    unmapped: set[tuple[str, Decimal]] = set()

    def row(description: str, quantity: Decimal, price: Decimal, net: Decimal, cat: str,
            rate: Decimal) -> None:  # fmt: skip
        code = vat_code_for(company, cat, rate)
        if code is None:
            unmapped.add((cat, rate))
        rows.append(
            InvoiceLine(
                position=len(rows) + 1,
                description=(description or "—")[:500],
                quantity=_quantity(quantity),
                unit_price=_quantity(price),
                vat_code=code,
                vat_rate=rate,
                net_amount=net,
            )
        )

    for line in einvoice.lines:
        price = line.unit_price / line.base_quantity if line.base_quantity else line.unit_price
        row(line.name or line.description, line.quantity, price, line.net_amount,
            line.vat_category, line.vat_rate)  # fmt: skip
    for allowance in einvoice.allowances:
        reason = allowance.reason or allowance.reason_code or "discount"
        row(f"Allowance: {reason}", Decimal(-1), allowance.amount, -allowance.amount,
            allowance.vat_category, allowance.vat_rate)  # fmt: skip
    for charge in einvoice.charges:
        row(f"Charge: {charge.reason or charge.reason_code or 'charge'}", Decimal(1),
            charge.amount, charge.amount, charge.vat_category, charge.vat_rate)  # fmt: skip
    for category, rate in sorted(unmapped):
        warnings.append(
            Warning_(
                "vat_code_unmapped",
                f"No purchase VAT code of {company.name} matches category {category} at "
                f"{rate:f} %; choose one for those lines before booking.",
            )
        )
    return rows


# --- Import ---------------------------------------------------------------------------------------


def _buyer_check(company: Company, einvoice: EInvoice) -> None:
    if not company.vat_number:
        raise EInvoiceError(
            "buyer_mismatch",
            f"{company.name} has no VAT number in Kontor, so the buyer cannot be checked; "
            "add the company's VAT number first.",
        )
    if not buyer_is(einvoice, vat_number=company.vat_number, country=company.country):
        buyer = einvoice.buyer
        raise EInvoiceError(
            "buyer_mismatch",
            f"This e-invoice is addressed to {buyer.name or 'another buyer'}"
            f"{f' ({buyer.vat_number})' if buyer.vat_number else ''}, not to {company.name} "
            f"({company.vat_number}); upload it to the buyer's dossier.",
        )


def _duplicate_check(company: Company, party: Party, einvoice: EInvoice) -> None:
    if party.pk is None:
        return
    kind = InvoiceKind.CREDIT_NOTE if einvoice.kind == "credit_note" else InvoiceKind.INVOICE
    existing = (
        Invoice.objects.filter(
            company=company,
            direction=InvoiceDirection.PURCHASE,
            party=party,
            number=einvoice.number,
            kind=kind,
        )
        .exclude(state=InvoiceState.CANCELLED)
        .first()
    )
    if existing is not None:
        raise PurchaseConflict(
            "duplicate_invoice",
            f"Invoice {einvoice.number} of {party.name} is in the books already.",
            invoice=existing.pk,
        )


def _folder(company: Company) -> Folder:
    folder = Folder.objects.filter(company=company, template_code=PURCHASE_FOLDER).first()
    if folder is None:
        raise BooksError(
            "no_purchase_folder", "The dossier has no purchase invoices folder; ask the office."
        )
    return folder


def _announce(invoice: Invoice) -> None:
    publish(
        invoice.company_id,
        invoice_events.INVOICE,
        dict(invoice_events.invoice_payload(invoice)),
        invoice.audience,
    )


def einvoice_import(
    *, actor: User, company: Company, data: bytes, filename: str = ""
) -> ImportResult:
    """Import a Peppol BIS 3 invoice or credit note addressed to `company`: all or nothing."""
    require_member(actor, company)
    einvoice = einvoice_read(data)
    _buyer_check(company, einvoice)
    folder = _folder(company)
    stored: list[str] = []
    try:
        with transaction.atomic():
            return _import(actor, company, einvoice, data, filename, folder, stored)
    except BaseException:
        for key in stored:
            with contextlib.suppress(Exception):
                storage.file_delete(key)
        raise


def _import(
    actor: User,
    company: Company,
    einvoice: EInvoice,
    data: bytes,
    filename: str,
    folder: Folder,
    stored: list[str],
) -> ImportResult:
    supplier = _supplier_resolve(company, einvoice.seller)
    warnings = list(supplier.warnings)
    party = supplier.party
    _duplicate_check(company, party, einvoice)
    if supplier.created:
        _bank_details(party, einvoice, warnings)
        party.created_by = actor
        party.save()
    elif party.kind == PartyKind.CUSTOMER:
        party.kind = PartyKind.BOTH
        party.save(update_fields=["kind"])
    if einvoice.currency != company.currency:
        warnings.append(
            Warning_(
                "foreign_currency",
                f"The invoice is in {einvoice.currency}; it is kept and booked in "
                f"{einvoice.currency}, not converted to {company.currency}.",
            )
        )
    lines = _lines_from_einvoice(company, einvoice, warnings)
    totals = einvoice.totals
    name = (filename or "").strip() or f"{einvoice.number or 'e-invoice'}.xml"
    name = re.sub(r"[/\\\x00-\x1f]", "_", name)[:200]
    document = dossier_services.document_upload(
        actor=actor,
        folder=folder,
        content=io.BytesIO(data),
        name=name,
        kind=DocumentKind.PURCHASE_INVOICE,
        amount=totals.payable,
        currency=einvoice.currency,
        due_date=einvoice.due_date,
        supplier=party.name,
    )
    if document.current_version is not None:
        stored.append(document.current_version.storage_key)
    if document.inbox_state != InboxState.NEW:
        # Staff uploads skip the inbox; an imported e-invoice waits there to be booked.
        document = dossier_services.document_inbox_move(
            actor=actor, document=document, state=InboxState.NEW
        )
    payment = einvoice.payment
    invoice = Invoice.objects.create(
        company=company,
        direction=InvoiceDirection.PURCHASE,
        kind=InvoiceKind.CREDIT_NOTE if einvoice.kind == "credit_note" else InvoiceKind.INVOICE,
        party=party,
        number=einvoice.number[:60],
        state=InvoiceState.DRAFT,
        issue_date=einvoice.issue_date,
        due_date=einvoice.due_date,
        currency=einvoice.currency,
        payment_reference=(payment.payment_id if payment else "")[:140],
        note=einvoice.note,
        net_total=totals.tax_exclusive,
        vat_total=totals.tax_total,
        gross_total=totals.tax_inclusive,
        document=document,
        created_by=actor,
    )
    for line in lines:
        line.invoice = invoice
    InvoiceLine.objects.bulk_create(lines)
    _announce(invoice)
    return ImportResult(
        invoice=invoice,
        document=document,
        einvoice=einvoice,
        supplier_created=supplier.created,
        supplier_vat_valid=supplier.vat_valid,
        warnings=warnings,
    )


# --- Booking from the inbox ---------------------------------------------------------------------


def _money(value: Any, what: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise BooksError("bad_amount", f"The {what} {value!r} is not a number.") from None
    if not number.is_finite() or abs(number) >= _LIMIT:
        raise BooksError("bad_amount", f"The {what} {value!r} is not a usable number.")
    if number != number.quantize(Decimal("0.01")):
        raise BooksError("bad_amount", f"The {what} has more than two decimals.")
    return number


def _self_assessed(code: VatCode | None, line_rate: Decimal) -> bool:
    return bool(code is not None and code.self_assessed_boxes and line_rate == 0 and code.rate)


def _lines_check(company: Company, lines: list[PurchaseLineInput]) -> list[InvoiceLine]:
    rows = []
    for n, given in enumerate(lines, start=1):
        description = (given.description or "").strip()
        if not description:
            raise BooksError("invalid_line", f"Line {n} needs a description.")
        net = _money(given.net_amount, f"net amount of line {n}")
        code = given.vat_code
        if code is None or code.company_id != company.pk or code.direction != Direction.PURCHASES:
            raise BooksError("invalid_vat_code", f"Line {n}: choose a purchase VAT code.")
        if given.account is not None and given.account.company_id != company.pk:
            raise BooksError("invalid_account", f"Line {n}: that account is not in these books.")
        quantity = given.quantity or Decimal(1)
        price = given.unit_price if given.unit_price is not None else net / quantity
        rows.append(
            InvoiceLine(
                position=n,
                description=description[:500],
                quantity=_quantity(quantity),
                unit_price=_quantity(price),
                vat_code=code,
                # A self-assessed code is charged no VAT by the supplier: the line's rate is 0.
                vat_rate=ZERO if code.self_assessed_boxes else code.rate,
                net_amount=net,
                account=given.account,
            )
        )
    return rows


@dataclass
class _Group:
    code: VatCode | None
    rate: Decimal
    base: Decimal = ZERO
    tax: Decimal = ZERO  # charged by the supplier
    self_tax: Decimal = ZERO  # owed and deducted by the company
    positions: list[int] = field(default_factory=list)


def _vat_groups(lines: list[InvoiceLine], vat_total: Decimal | None) -> list[_Group]:
    """VAT per (code, rate), rounded once per group; the supplier's stated total wins by up to
    the EN 16931 slack (the difference goes to the largest group)."""
    groups: dict[tuple[int | None, Decimal], _Group] = {}
    for line in lines:
        key = (line.vat_code_id, line.vat_rate)
        group = groups.setdefault(key, _Group(line.vat_code, line.vat_rate))
        group.base += line.net_amount
        group.positions.append(line.position)
    for group in groups.values():
        if group.rate:
            if group.code is None:
                raise BooksError(
                    "vat_code_missing",
                    f"Lines {', '.join(map(str, group.positions))} carry {group.rate:f} % VAT but "
                    "no VAT code; choose a purchase VAT code for them.",
                )
            group.tax = money_round(group.base * group.rate / 100)
        elif _self_assessed(group.code, group.rate):
            assert group.code is not None
            group.self_tax = money_round(group.base * group.code.rate / 100)
    if vat_total is not None:
        difference = vat_total - sum((g.tax for g in groups.values()), ZERO)
        taxed = [g for g in groups.values() if g.rate]
        if difference and (abs(difference) > VAT_SLACK or not taxed):
            raise BooksError(
                "vat_mismatch",
                f"The lines' VAT is {vat_total - difference} but the invoice states {vat_total}; "
                "check the lines' VAT codes.",
            )
        if difference:
            max(taxed, key=lambda g: abs(g.base)).tax += difference
    return list(groups.values())


def _side(account: Account, amount: Decimal, *, debit: bool, swap: bool, **extra: Any) -> LineInput:
    """A line on its natural side (swapped for a credit note; a negative amount flips it)."""
    debit = debit != swap
    if amount < 0:
        debit, amount = not debit, -amount
    return LineInput(
        account=account, debit=amount if debit else ZERO, credit=ZERO if debit else amount, **extra
    )


def _booking_lines(invoice: Invoice, lines: list[InvoiceLine]) -> list[LineInput]:
    company = invoice.company
    swap = invoice.kind == InvoiceKind.CREDIT_NOTE
    common: dict[str, Any] = {"currency": invoice.currency, "party": invoice.party}
    default_cost = Account.objects.filter(company=company, role=Role.COSTS).first() or (
        account_for_role(company=company, role=Role.PURCHASES)
    )
    groups = _vat_groups(lines, invoice.vat_total)
    has_tax = {(g.code.pk if g.code else None, g.rate) for g in groups if g.tax or g.self_tax}
    costs: dict[tuple[Account, VatCode | None, Decimal], Decimal] = defaultdict(lambda: ZERO)
    for line in lines:
        costs[(line.account or default_cost, line.vat_code, line.vat_rate)] += line.net_amount
    label = f"{invoice.number or 'Purchase'} {invoice.party.name}"[:300]
    booked: list[LineInput] = []
    for (account, code, rate), net in costs.items():
        if net == 0:
            continue
        taxed = (code.pk if code else None, rate) in has_tax
        booked.append(
            _side(account, net, debit=True, swap=swap, vat_code=code,
                  vat_base=None if taxed or code is None else abs(net), description=label,
                  **common)
        )  # fmt: skip
    deductible = account_for_role(company=company, role=Role.VAT_DEDUCTIBLE)
    for group in groups:
        code = group.code
        if group.tax:
            assert code is not None
            booked.append(
                _side(code.tax_account or deductible, group.tax, debit=True, swap=swap,
                      vat_code=code, vat_base=abs(group.base),
                      description=f"{label} VAT {code.code}", **common)
            )  # fmt: skip
        if group.self_tax:
            assert code is not None
            # Reverse charge: the company owes the VAT and deducts it (or, on a non-deductible
            # code, carries it as a cost).
            booked.append(
                _side(code.tax_account or default_cost, group.self_tax, debit=True, swap=swap,
                      vat_code=code, vat_base=abs(group.base),
                      description=f"{label} VAT {code.code} (self-assessed)", **common)
            )  # fmt: skip
            booked.append(
                _side(account_for_role(company=company, role=Role.VAT_DUE), group.self_tax,
                      debit=False, swap=swap, vat_code=code,
                      description=f"{label} VAT {code.code} due (self-assessed)", **common)
            )  # fmt: skip
    booked.append(
        _side(account_for_role(company=company, role=Role.PAYABLE), invoice.gross_total,
              debit=False, swap=swap, due_date=invoice.due_date, description=label, **common)
    )  # fmt: skip
    return booked


def _party_for_document(company: Company, document: Document) -> Party | None:
    name = (document.supplier or "").strip()
    if not name:
        return None
    return (
        Party.objects.filter(company=company, name__iexact=name)
        .filter(Q(kind=PartyKind.SUPPLIER) | Q(kind=PartyKind.BOTH))
        .first()
    )


def purchase_book(
    *,
    actor: User,
    document: Document,
    party: Party | None = None,
    number: str | None = None,
    kind: str | None = None,
    issue_date: datetime.date | None = None,
    due_date: datetime.date | None = None,
    currency: str | None = None,
    payment_reference: str | None = None,
    lines: list[PurchaseLineInput] | None = None,
) -> Invoice:
    """Create or update the purchase invoice of an inbox document and book it (staff only).

    Without `lines`, the lines of the invoice already there (an imported e-invoice) are booked;
    given lines replace them and the totals are recomputed (VAT rounded per code and rate).
    """
    company = document.company
    require_staff(actor, company)
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        if document.deleted_at is not None:
            raise PurchaseConflict("document_deleted", "The document is in the trash.")
        if document.inbox_state not in (InboxState.NEW, InboxState.IN_PROGRESS):
            raise PurchaseConflict(
                "not_in_inbox",
                f"The document is {document.inbox_state or 'not in the inbox'}; only a new or "
                "in-progress inbox document is booked.",
            )
        invoice = (
            Invoice.objects.select_for_update()
            .filter(document=document, direction=InvoiceDirection.PURCHASE)
            .exclude(state=InvoiceState.CANCELLED)
            .first()
        )
        if invoice is not None and invoice.state != InvoiceState.DRAFT:
            raise PurchaseConflict("already_booked", f"Invoice {invoice.number} is booked already.")
        if party is not None and party.company_id != company.pk:
            raise BooksError("invalid_party", "That supplier is not in these books.")
        party = (
            party or (invoice.party if invoice else None) or _party_for_document(company, document)
        )
        if party is None:
            raise BooksError("no_supplier", "Choose the supplier (a party) of this invoice.")
        if party.kind == PartyKind.CUSTOMER:
            party.kind = PartyKind.BOTH
            party.save(update_fields=["kind"])
        if invoice is None:
            if lines is None:
                raise BooksError("no_lines", "Give the invoice's lines before booking it.")
            invoice = Invoice(
                company=company,
                direction=InvoiceDirection.PURCHASE,
                document=document,
                created_by=actor,
                currency=company.currency,
            )
        invoice.party = party
        if kind is not None:
            if kind not in InvoiceKind.values:
                raise BooksError("invalid", "The kind is invoice or credit_note.")
            invoice.kind = kind
        if number is not None:
            invoice.number = number.strip()[:60]
        invoice.issue_date = issue_date or invoice.issue_date
        invoice.due_date = due_date or invoice.due_date or document.due_date
        if currency:
            currency = currency.strip().upper()
            if len(currency) != 3 or not currency.isalpha():
                raise BooksError("bad_currency", f"{currency!r} is not a currency; e.g. EUR.")
            invoice.currency = currency
        elif invoice.pk is None and document.currency:
            invoice.currency = document.currency
        if payment_reference is not None:
            invoice.payment_reference = payment_reference.strip()[:140]
        if invoice.issue_date is None:
            raise BooksError("no_issue_date", "Give the invoice's date; it dates the entry.")
        if invoice.due_date is not None and invoice.due_date < invoice.issue_date:
            raise BooksError("bad_due_date", "The due date cannot be before the invoice date.")
        if lines is not None:
            rows = _lines_check(company, lines)
            groups = _vat_groups(rows, None)
            invoice.net_total = sum((r.net_amount for r in rows), ZERO)
            invoice.vat_total = sum((g.tax for g in groups), ZERO)
            invoice.gross_total = invoice.net_total + invoice.vat_total
            invoice.save()
            invoice.lines.all().delete()
            for row in rows:
                row.invoice = invoice
            InvoiceLine.objects.bulk_create(rows)
        invoice.save()
        booked_lines = list(invoice.lines.select_related("vat_code__tax_account", "account"))
        if not booked_lines:
            raise BooksError("no_lines", "Give the invoice's lines before booking it.")
        if invoice.gross_total <= 0:
            raise BooksError(
                "bad_total", "The total must be more than zero; book a refund as a credit note."
            )
        invoice.entry = entry_book(
            actor=actor,
            company=company,
            journal=journal_for(company=company, kind=JournalKind.PURCHASES),
            date=invoice.issue_date,
            lines=_booking_lines(invoice, booked_lines),
            reference=invoice.number,
            memo=f"{'Credit note' if invoice.kind == InvoiceKind.CREDIT_NOTE else 'Invoice'} "
            f"{invoice.number} {party.name}",
            source=EntrySource.PURCHASE_INVOICE,
        )
        invoice.state = InvoiceState.BOOKED
        invoice.save()
        dossier_services.document_inbox_move(
            actor=actor, document=document, state=InboxState.BOOKED
        )
        _announce(invoice)
    return invoice
