"""The shared calendar: statutory deadlines generated from each company's profile, tasks, meetings
and custom events that both sides edit, each carrying a version so that no edit is lost."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dossier.models import Document
from server.tenancy.models import Audience, Company, TenantQuerySet


class EventKind(models.TextChoices):
    DEADLINE = "deadline", _("Statutory deadline")
    TASK = "task", _("Task")
    MEETING = "meeting", _("Meeting")
    CUSTOM = "custom", _("Other")


class CalendarEvent(models.Model):
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="calendar_events")
    kind = models.CharField(max_length=10, choices=EventKind.choices, default=EventKind.CUSTOM)
    audience = models.CharField(max_length=8, choices=Audience.choices, default=Audience.SHARED)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(blank=True)
    # All-day events use `date` only; timed events also have `starts_at` (and maybe `ends_at`).
    date = models.DateField(db_index=True)
    starts_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    assignees = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    filing = models.ForeignKey(
        Document, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Optimistic concurrency: every change bumps it; a change based on an older one is refused.
    version = models.PositiveIntegerField(default=1)

    # Generated deadlines: which obligation and period they stand for.
    obligation = models.CharField(max_length=40, blank=True)
    period = models.CharField(max_length=20, blank=True)
    unshifted = models.DateField(null=True, blank=True)
    legal_source = models.CharField(max_length=300, blank=True)
    # Somebody changed a generated deadline by hand: regeneration no longer touches it...
    edited = models.BooleanField(default=False)
    # ...and flags it instead when the profile no longer yields it (or yields another date).
    flag = models.CharField(max_length=300, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Who made the last change (none: the rules), shown when somebody else's edit is refused.
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["date", "starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "obligation", "period"],
                condition=~models.Q(obligation=""),
                name="one_event_per_obligation_period",
            )
        ]
        indexes = [models.Index(fields=["company", "date"], name="calendar_company_date")]

    def __str__(self) -> str:
        return f"{self.title} ({self.date})"


class CalendarFeed(models.Model):
    """A secret address from which a user's calendar program reads the events that user may see.

    Only the SHA-256 of the secret is stored; revoking it makes the address answer 404.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"calendar feed of {self.user_id}"


class ReminderSent(models.Model):
    """A reminder of an event at one offset (7, 1 or 0 days before) went out: never twice."""

    event = models.ForeignKey(CalendarEvent, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.SmallIntegerField()
    event_date = models.DateField()  # a moved event is reminded again for its new date
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["event", "days_before", "event_date"], name="one_reminder_per_moment"
            )
        ]

    def __str__(self) -> str:
        return f"reminder {self.days_before} d before {self.event_date} of {self.event_id}"


class TaxNotice(models.Model):
    """What the client must pay for a deadline; e-mailed daily until the client confirms it."""

    event = models.OneToOneField(CalendarEvent, on_delete=models.CASCADE, related_name="notice")
    amount = models.DecimalField(max_digits=20, decimal_places=2)
    currency = models.CharField(max_length=3)
    payment_reference = models.CharField(max_length=140, blank=True)
    iban = models.CharField(max_length=34, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_from = models.GenericIPAddressField(null=True, blank=True)
    # Set when a signed-in client confirmed in the app; the e-mailed link names nobody.
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_sent_on = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} for {self.event}"


class Service(models.TextChoices):
    MONTHLY_BOOKKEEPING = "monthly_bookkeeping", _("Monthly bookkeeping")
    VAT_RETURNS = "vat_returns", _("VAT returns")
    PAYROLL = "payroll", _("Payroll")
    ANNUAL_ACCOUNTS = "annual_accounts", _("Annual accounts")
    CORPORATE_TAX_RETURN = "corporate_tax_return", _("Corporate tax return")


class Engagement(models.Model):
    """A service the office agreed to deliver to a company, and who delivers it."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="engagements")
    service = models.CharField(max_length=24, choices=Service.choices)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    set_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["company", "service"], name="one_engagement_per_service"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_service_display()} for {self.company}"
