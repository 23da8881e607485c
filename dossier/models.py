"""The dossier: a company's folders, its documents and their versions, who read what.

A document's bytes live in the file storage (S3 or local disk) under a random key; the rows here
say what they are. Nothing is overwritten: a new upload is a new Version.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from server.tenancy.models import Audience, Company, TenantQuerySet


class FolderAccess(models.TextChoices):
    SHARED = "shared", _("Client and office")
    OFFICE_FILLS = "office_fills", _("Office fills, client reads")
    INTERNAL = "internal", _("Office only")


class Folder(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="folders")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    name = models.CharField(_("name"), max_length=120)
    access = models.CharField(max_length=14, choices=FolderAccess.choices, default="shared")
    # Derived from `access`, kept as a column so that the tenancy helpers can filter on it.
    audience = models.CharField(max_length=8, choices=Audience.choices, default=Audience.SHARED)
    template_code = models.CharField(max_length=40, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "parent", "name"], name="folder_name_unique_in_parent"
            ),
            models.UniqueConstraint(
                fields=["company", "name"],
                condition=models.Q(parent__isnull=True),
                name="folder_name_unique_at_top",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DocumentKind(models.TextChoices):
    PURCHASE_INVOICE = "purchase_invoice", _("Purchase invoice")
    SALES_INVOICE = "sales_invoice", _("Sales invoice")
    BANK_STATEMENT = "bank_statement", _("Bank statement")
    BALANCE = "balance", _("Balance")
    VAT_RETURN = "vat_return", _("VAT return")
    CONTRACT = "contract", _("Contract")
    STATUTES = "statutes", _("Statutes")
    MINUTES = "minutes", _("Minutes")
    PAYROLL = "payroll", _("Payroll")
    OTHER = "other", _("Other")


class InboxState(models.TextChoices):
    NONE = "", _("Not in the inbox")
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    BOOKED = "booked", _("Booked")
    ARCHIVED = "archived", _("Archived")
    REJECTED = "rejected", _("Rejected")


class Document(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="documents")
    folder = models.ForeignKey(Folder, on_delete=models.PROTECT, related_name="documents")
    audience = models.CharField(max_length=8, choices=Audience.choices, default=Audience.SHARED)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(max_length=20, choices=DocumentKind.choices, default="other")
    tags = models.JSONField(default=list, blank=True)
    note = models.TextField(blank=True)
    # What the client may tell about an invoice before it is booked.
    due_date = models.DateField(null=True, blank=True)
    amount = models.DecimalField(max_digits=20, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    supplier = models.CharField(max_length=200, blank=True)

    inbox_state = models.CharField(
        max_length=12, choices=InboxState.choices, default="", blank=True, db_index=True
    )
    inbox_reason = models.TextField(blank=True)

    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    publish_note = models.TextField(blank=True)
    ack_required = models.BooleanField(default=False)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_reminded_on = models.DateField(null=True, blank=True)

    deleted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    current_version = models.ForeignKey(
        "Version", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # The default listing: a folder's live documents, newest first (bench/dossier_listing).
            models.Index(
                fields=["folder", "-created_at", "-id"],
                condition=models.Q(deleted_at__isnull=True),
                name="document_listing_newest",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Version(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    storage_key = models.CharField(max_length=200, unique=True)
    original_name = models.CharField(max_length=200)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    content_type = models.CharField(max_length=80)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    preview_key = models.CharField(max_length=200, blank=True)
    text = models.TextField(blank=True)  # extracted from PDFs, for search

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="version_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"


class AccessAction(models.TextChoices):
    DOWNLOAD = "download", _("Download")
    PREVIEW = "preview", _("Preview")


class AccessRecord(models.Model):
    """Proof of access: who fetched which version, when, from where."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="accesses")
    version = models.ForeignKey(Version, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=10, choices=AccessAction.choices)
    address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.user} {self.action} {self.version} at {self.at:%Y-%m-%d %H:%M}"


class DirectUpload(models.Model):
    """A large file on its way straight to S3; the document exists only after `finish`."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    folder = models.ForeignKey(Folder, on_delete=models.CASCADE, related_name="+")
    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    storage_key = models.CharField(max_length=200, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=DocumentKind.choices, default="other")
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    # A presigned multipart upload: S3's upload id, the part size and each part's SHA-256
    # (base64, as in x-amz-checksum-sha256); empty for a presigned POST.
    multipart_id = models.CharField(max_length=400, blank=True)
    part_size = models.BigIntegerField(default=0)
    part_sha256 = models.JSONField(default=list, blank=True)
    expires_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"upload {self.id} of {self.name}"
