"""The books of a company: accounts, journals, fiscal years, entries and their lines, parties,
VAT codes, invoices.

Posted entries and their lines never change: the services refuse it, and on PostgreSQL triggers
(migration 0001) refuse even a raw UPDATE or DELETE. A mistake is corrected by a reversal entry.
Every row carries its company so that reports and access checks filter on one column.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from server.tenancy.models import Audience, Company, TenantQuerySet


class BooksSettings(models.Model):
    company = models.OneToOneField(Company, on_delete=models.CASCADE, related_name="books")
    # Nothing dated on or before the lock date is posted, reversed or closed any more.
    lock_date = models.DateField(null=True, blank=True)
    installed_at = models.DateTimeField(auto_now_add=True)
    # The seller block of issued invoices (PDF and Peppol UBL): where to pay and the postal
    # address. IBAN and BIC are stored compact and validated (bookkeeping.identifiers).
    iban = models.CharField(max_length=34, blank=True)
    bic = models.CharField(max_length=11, blank=True)
    street = models.CharField(max_length=200, blank=True)
    postcode = models.CharField(max_length=20, blank=True)
    city = models.CharField(max_length=100, blank=True)

    def __str__(self) -> str:
        return f"Books of {self.company}"


class Account(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="accounts")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    # No `choices` from the chart module: its enums grow without needing a migration.
    kind = models.CharField(max_length=10)
    # A bookkeeping.charts.Role: what the features look accounts up by; at most one each.
    # NULL, not '', when absent: the unique constraint on (company, role) skips NULLs.
    role = models.CharField(max_length=30, null=True, blank=True)  # noqa: DJ001
    current = models.BooleanField(default=False)
    inventory = models.BooleanField(default=False)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["company", "code"], name="account_code_unique"),
            models.UniqueConstraint(
                fields=["company", "role"],
                condition=models.Q(role__isnull=False),
                name="account_role_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class JournalKind(models.TextChoices):
    SALES = "sales", _("Sales")
    PURCHASES = "purchases", _("Purchases")
    BANK = "bank", _("Bank")
    GENERAL = "general", _("General")


class Journal(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="journals")
    code = models.CharField(max_length=10)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=10, choices=JournalKind.choices)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["company", "code"], name="journal_code_unique")
        ]

    def __str__(self) -> str:
        return self.code


class FiscalYear(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="fiscal_years")
    start = models.DateField()
    end = models.DateField()
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closing_entry = models.ForeignKey(
        "Entry", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(fields=["company", "start"], name="fiscal_year_start_unique"),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="fiscal_year_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start}–{self.end}"


class EntryState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    POSTED = "posted", _("Posted")


class EntrySource(models.TextChoices):
    MANUAL = "manual", _("Manual")
    SALES_INVOICE = "sales_invoice", _("Sales invoice")
    PURCHASE_INVOICE = "purchase_invoice", _("Purchase invoice")
    PAYMENT = "payment", _("Payment")
    CLOSING = "closing", _("Year-end closing")
    REVERSAL = "reversal", _("Reversal")


class Entry(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="entries")
    journal = models.ForeignKey(Journal, on_delete=models.PROTECT, related_name="entries")
    fiscal_year = models.ForeignKey(
        FiscalYear, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    # Assigned on posting: the next of the journal in the fiscal year, without gaps.
    number = models.PositiveIntegerField(null=True, blank=True)
    date = models.DateField()
    reference = models.CharField(max_length=100, blank=True)
    memo = models.CharField(max_length=500, blank=True)
    state = models.CharField(max_length=8, choices=EntryState.choices, default=EntryState.DRAFT)
    # Drafts the office prepares are internal; posting shares them (the books are the client's).
    audience = models.CharField(max_length=8, choices=Audience.choices, default=Audience.INTERNAL)
    internal_note = models.TextField(blank=True)  # staff only, never sent to clients
    source = models.CharField(
        max_length=20, choices=EntrySource.choices, default=EntrySource.MANUAL
    )
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    posted_at = models.DateTimeField(null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "entries"
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["journal", "fiscal_year", "number"],
                condition=models.Q(number__isnull=False),
                name="entry_number_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(state="draft")
                | models.Q(number__isnull=False, fiscal_year__isnull=False),
                name="posted_entry_numbered",
            ),
        ]
        indexes = [models.Index(fields=["company", "-date", "-id"], name="entry_listing")]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.number is None or self.fiscal_year is None:
            return f"Draft {self.pk}"
        return f"{self.journal.code}-{self.fiscal_year.end.year}-{self.number:04d}"


class JournalSequence(models.Model):
    """The last number of a journal in a fiscal year; row-locked while posting."""

    journal = models.ForeignKey(Journal, on_delete=models.CASCADE, related_name="sequences")
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.CASCADE, related_name="+")
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["journal", "fiscal_year"], name="one_sequence")
        ]

    def __str__(self) -> str:
        return f"{self.journal_id}/{self.fiscal_year_id}: {self.last_number}"


class PartyKind(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    SUPPLIER = "supplier", _("Supplier")
    BOTH = "both", _("Customer and supplier")


class Party(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="parties")
    kind = models.CharField(max_length=10, choices=PartyKind.choices, default=PartyKind.CUSTOMER)
    name = models.CharField(max_length=200)
    # Compact, with the country prefix ("BE0403019261"); '' when the party has none.
    vat_number = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2)
    registration_number = models.CharField(max_length=40, blank=True)
    iban = models.CharField(max_length=34, blank=True)
    bic = models.CharField(max_length=11, blank=True)
    email = models.EmailField(blank=True)
    street = models.CharField(max_length=200, blank=True)
    postcode = models.CharField(max_length=20, blank=True)
    city = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name_plural = "parties"
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "vat_number"],
                condition=~models.Q(vat_number=""),
                name="party_vat_number_unique",
            )
        ]

    def __str__(self) -> str:
        return self.name


class VatCode(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="vat_codes")
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=200)
    direction = models.CharField(max_length=10)  # vat_codes.Direction
    kind = models.CharField(max_length=20)  # vat_codes.VatKind
    rate = models.DecimalField(max_digits=6, decimal_places=3)
    base_boxes = models.JSONField(default=list)
    tax_boxes = models.JSONField(default=list)
    self_assessed_boxes = models.JSONField(default=list)
    tax_account = models.ForeignKey(
        Account, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ubl_category = models.CharField(max_length=3, default="S")
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["company", "code"], name="vat_code_unique")]

    def __str__(self) -> str:
        return self.code


class Line(models.Model):
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="lines")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="lines")
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, null=True, blank=True, related_name="lines"
    )
    description = models.CharField(max_length=300, blank=True)
    debit = models.DecimalField(max_digits=20, decimal_places=2, default=0)
    credit = models.DecimalField(max_digits=20, decimal_places=2, default=0)
    currency = models.CharField(max_length=3)
    vat_code = models.ForeignKey(
        VatCode, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # On a VAT line: the net amount the tax was computed on (for the return's base boxes).
    vat_base = models.DecimalField(max_digits=20, decimal_places=2, null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    # Copies of the entry's date and state, so that reports read one table through one index.
    date = models.DateField()
    posted = models.BooleanField(default=False)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["company", "posted", "account", "date"], name="line_report"),
            models.Index(
                fields=["company", "account", "party", "due_date"], name="line_open_items"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(debit__gte=0, credit__gte=0), name="line_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account_id} D{self.debit} C{self.credit}"

    @property
    def amount(self) -> Decimal:
        return self.debit or self.credit


class Allocation(models.Model):
    """A (partial) match of a debit line with a credit line of the same party and account."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    debit_line = models.ForeignKey(Line, on_delete=models.PROTECT, related_name="debit_allocations")
    credit_line = models.ForeignKey(
        Line, on_delete=models.PROTECT, related_name="credit_allocations"
    )
    amount = models.DecimalField(max_digits=20, decimal_places=2)
    date = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="allocation_positive")
        ]
        # The as-of ageing adds back the allocations dated after the report date.
        indexes = [models.Index(fields=["company", "date"], name="allocation_company_date")]

    def __str__(self) -> str:
        return f"{self.amount}: {self.debit_line_id} ↔ {self.credit_line_id}"


class OpenItemSide(models.TextChoices):
    RECEIVABLE = "receivable", _("Receivable")
    PAYABLE = "payable", _("Payable")


class OpenItem(models.Model):
    """What remains open of a posted line on the receivable or payable account.

    Posted lines never change, so their residual lives here: created when the entry is posted,
    updated by every allocation in the same transaction (services/ledger.py), rebuilt from lines
    and allocations by migration 0002. `amount` and `residual` carry the ledger's sign (debit -
    credit): an invoice's residual falls towards zero, a payment's rises towards it. A line without
    a party is an item too (it counts in the ageing) but can never be allocated.
    """

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    line = models.OneToOneField(Line, on_delete=models.PROTECT, related_name="open_item")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+")
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    side = models.CharField(max_length=10, choices=OpenItemSide.choices)
    date = models.DateField()
    due_date = models.DateField()  # the line's due date, else its date
    currency = models.CharField(max_length=3)
    amount = models.DecimalField(max_digits=20, decimal_places=2)
    residual = models.DecimalField(max_digits=20, decimal_places=2)
    # The latest date of the allocations on it: an as-of report before that date adds them back.
    allocated_until = models.DateField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["company", "side"], condition=~models.Q(residual=0), name="open_item_open"
            ),
            models.Index(fields=["company", "side", "allocated_until"], name="open_item_allocated"),
        ]

    def __str__(self) -> str:
        return f"{self.line_id}: {self.residual} of {self.amount}"


class InvoiceSeriesKind(models.TextChoices):
    SALES_INVOICE = "sales_invoice", _("Sales invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


class InvoiceSeries(models.Model):
    """Numbers of issued invoices: prefix + year + next number, row-locked, without gaps."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=14, choices=InvoiceSeriesKind.choices)
    prefix = models.CharField(max_length=20, blank=True)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "invoice series"
        constraints = [
            models.UniqueConstraint(
                fields=["company", "kind", "prefix", "year"], name="invoice_series_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.prefix}{self.year}/{self.last_number}"


class InvoiceDirection(models.TextChoices):
    SALES = "sales", _("Sales")
    PURCHASE = "purchase", _("Purchase")


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("Invoice")
    CREDIT_NOTE = "credit_note", _("Credit note")


class InvoiceState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")


class Invoice(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="invoices")
    direction = models.CharField(max_length=8, choices=InvoiceDirection.choices)
    kind = models.CharField(max_length=12, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE)
    party = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="invoices")
    series = models.ForeignKey(
        InvoiceSeries, on_delete=models.PROTECT, null=True, blank=True, related_name="invoices"
    )
    number = models.CharField(max_length=60, blank=True)  # set on issue (or the supplier's)
    state = models.CharField(
        max_length=10, choices=InvoiceState.choices, default=InvoiceState.DRAFT
    )
    issue_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    currency = models.CharField(max_length=3)
    payment_reference = models.CharField(max_length=140, blank=True)
    note = models.TextField(blank=True)
    net_total = models.DecimalField(max_digits=20, decimal_places=2, default=0)
    vat_total = models.DecimalField(max_digits=20, decimal_places=2, default=0)
    gross_total = models.DecimalField(max_digits=20, decimal_places=2, default=0)
    entry = models.ForeignKey(
        Entry, on_delete=models.PROTECT, null=True, blank=True, related_name="invoices"
    )
    document = models.ForeignKey(
        "dossier.Document", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    credit_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="credit_notes"
    )
    audience = models.CharField(max_length=8, choices=Audience.choices, default=Audience.SHARED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-issue_date", "-id"]
        indexes = [
            models.Index(fields=["company", "direction", "-created_at"], name="invoice_listing")
        ]
        constraints = [
            # The series' row lock already hands out each number once; this is the database's
            # guarantee. Purchase invoices carry their suppliers' numbers, which may repeat.
            models.UniqueConstraint(
                fields=["company", "series", "number"],
                condition=models.Q(direction="sales") & ~models.Q(number=""),
                name="invoice_sales_number_unique",
            )
        ]

    def __str__(self) -> str:
        return self.number or f"Draft invoice {self.pk}"


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=0)
    description = models.CharField(max_length=500)
    quantity = models.DecimalField(max_digits=20, decimal_places=4, default=1)
    unit_price = models.DecimalField(max_digits=20, decimal_places=4, default=0)
    vat_code = models.ForeignKey(
        VatCode, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    vat_rate = models.DecimalField(max_digits=6, decimal_places=3, default=0)
    net_amount = models.DecimalField(max_digits=20, decimal_places=2, default=0)
    account = models.ForeignKey(
        Account, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.description
