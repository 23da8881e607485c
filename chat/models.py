"""Chat: a permanent thread per company, threads about any object, messages, read state, requests.

Every message carries its company and audience so that the tenancy helpers decide who sees it: an
internal thread's messages and staff notes inside a shared thread are `internal`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dossier.models import Document
from server.tenancy.models import Audience, Company, Office, TenantQuerySet


class ThreadKind(models.TextChoices):
    PERMANENT = "permanent", _("Permanent thread")
    SUBJECT = "subject", _("Subject thread")


class Thread(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="threads")
    kind = models.CharField(max_length=10, choices=ThreadKind.choices, default=ThreadKind.SUBJECT)
    audience = models.CharField(max_length=8, choices=Audience.choices, default=Audience.SHARED)
    title = models.CharField(_("subject"), max_length=200, blank=True)
    # What the thread is about, when it is about an object ("dossier.document", 42).
    subject_type = models.CharField(max_length=40, blank=True)
    subject_id = models.BigIntegerField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_message_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["company"],
                condition=models.Q(kind="permanent"),
                name="one_permanent_thread_per_company",
            ),
            models.UniqueConstraint(
                fields=["company", "subject_type", "subject_id", "audience"],
                condition=models.Q(subject_id__isnull=False),
                name="one_thread_per_subject_and_audience",
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.get_kind_display()} of {self.company_id}"


class Message(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    audience = models.CharField(max_length=8, choices=Audience.choices, default=Audience.SHARED)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    # The body's Markdown rendered once, when it is written or edited: pages and events serve it
    # as is instead of rendering 50 messages per page read.
    body_html = models.TextField(blank=True, default="")
    # Chosen by the sending client: a retry of the same send stores nothing new.
    client_id = models.UUIDField(null=True, blank=True)
    reply_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    mentions = models.JSONField(default=list, blank=True)  # user ids
    attachments = models.ManyToManyField(Document, blank=True, related_name="+")
    # Set with the attachments: a page of messages looks attachments up only when one has some.
    has_attachments = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["thread", "-id"], name="message_thread_newest")]
        constraints = [
            models.UniqueConstraint(
                fields=["author", "client_id"], name="one_message_per_client_id"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} in thread {self.thread_id}"

    @property
    def is_internal_note(self) -> bool:
        return self.audience == Audience.INTERNAL and self.thread.audience == Audience.SHARED


class MessageEdit(models.Model):
    """The text a message had before an edit: both sides see the history."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="edits")
    previous_body = models.TextField()
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    edited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["edited_at", "id"]

    def __str__(self) -> str:
        return f"edit of {self.message_id} at {self.edited_at:%Y-%m-%d %H:%M}"


class ReadState(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="read_states")
    last_read_id = models.BigIntegerField(default=0)
    read_at = models.DateTimeField(null=True, blank=True)
    # The newest message an e-mail has already told this person about.
    notified_id = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "thread"], name="one_read_state_per_thread")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read {self.thread_id} up to {self.last_read_id}"


class RequestState(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class Request(models.Model):
    """An action item for the client, made from a message ("send the March bank statement")."""

    message = models.OneToOneField(Message, on_delete=models.CASCADE, related_name="request")
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="requests")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    audience = models.CharField(max_length=8, choices=Audience.choices, default=Audience.SHARED)
    title = models.CharField(max_length=200)
    due_date = models.DateField(null=True, blank=True)
    state = models.CharField(max_length=16, choices=RequestState.choices, default="open")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    answer = models.ForeignKey(
        Message, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_reminded_on = models.DateField(null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    def __str__(self) -> str:
        return self.title


class NotifyMode(models.TextChoices):
    IMMEDIATE = "immediate", _("Right away (after a few minutes)")
    HOURLY = "hourly", _("Hourly digest")
    DAILY = "daily", _("Daily digest")
    OFF = "off", _("Never")


class ChatPreferences(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="chat_preferences"
    )
    notify = models.CharField(max_length=10, choices=NotifyMode.choices, default="immediate")
    read_receipts = models.BooleanField(_("show others when I have read"), default=True)
    last_notified_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"chat preferences of {self.user_id}"


class OfficeChatSettings(models.Model):
    office = models.OneToOneField(Office, on_delete=models.CASCADE, related_name="chat_settings")
    edit_window_minutes = models.PositiveIntegerField(default=15)

    def __str__(self) -> str:
        return f"chat settings of {self.office}"
