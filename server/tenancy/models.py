"""Offices, their client companies, and who belongs where.

Who may see what is decided in `access.py`; the managers here only expose its helpers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from server.accounts.models import User


class Country(models.TextChoices):
    BE = "BE", _("Belgium")
    PL = "PL", _("Poland")
    NO = "NO", _("Norway")


class VatRegime(models.TextChoices):
    MONTHLY = "monthly", _("Monthly returns")
    QUARTERLY = "quarterly", _("Quarterly returns")
    BIMONTHLY = "bimonthly", _("Bimonthly returns")
    NONE = "none", _("Not registered / exempt")


class StaffRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    ACCOUNTANT = "accountant", _("Accountant")
    ASSISTANT = "assistant", _("Assistant")


class ClientRole(models.TextChoices):
    ADMIN = "client_admin", _("Client administrator")
    MEMBER = "client_member", _("Client member")


class Audience(models.TextChoices):
    """Who sees an item of a company: both sides, or office staff only."""

    SHARED = "shared", _("Client and office")
    INTERNAL = "internal", _("Office only")


class Office(models.Model):
    name = models.CharField(_("name"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("office")

    def __str__(self) -> str:
        return self.name


class CompanyQuerySet(models.QuerySet["Company"]):
    def for_user(self, user: User) -> CompanyQuerySet:
        from .access import companies_for

        return cast(CompanyQuerySet, companies_for(user, self))


class Company(models.Model):
    # Detached companies (office=None) keep their dossier and logins after a cooperation ends.
    office = models.ForeignKey(
        Office, on_delete=models.PROTECT, null=True, blank=True, related_name="companies"
    )
    name = models.CharField(_("name"), max_length=200)
    country = models.CharField(_("country"), max_length=2, choices=Country.choices)
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True)
    legal_form = models.CharField(_("legal form"), max_length=40, blank=True)
    fiscal_year_end_month = models.PositiveSmallIntegerField(
        _("fiscal year end (month)"), default=12
    )
    fiscal_year_end_day = models.PositiveSmallIntegerField(_("fiscal year end (day)"), default=31)
    vat_regime = models.CharField(
        _("VAT regime"), max_length=12, choices=VatRegime.choices, default=VatRegime.MONTHLY
    )
    employer = models.BooleanField(_("employer"), default=False)
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CompanyQuerySet.as_manager()

    class Meta:
        verbose_name = _("company")
        verbose_name_plural = _("companies")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class OfficeMember(models.Model):
    """A staff member of an office."""

    office = models.ForeignKey(Office, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="office_memberships"
    )
    role = models.CharField(_("role"), max_length=12, choices=StaffRole.choices)
    # A deactivated staff member keeps their name on what they did but reaches nothing of the
    # office until reactivated.
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "user"], name="one_role_per_office")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.office}"


class CompanyMember(models.Model):
    """A person on the client's side of a company."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="company_memberships"
    )
    role = models.CharField(_("role"), max_length=14, choices=ClientRole.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "user"], name="one_role_per_company")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.company}"


class Assignment(models.Model):
    """A staff member who serves a company (owners see every company of their office anyway)."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["company", "user"], name="one_assignment_per_company")
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.company}"


class TenantQuerySet(models.QuerySet):
    """For every model that carries `company` and `audience`: `Model.objects.visible_to(user)`."""

    def visible_to(self, user: User) -> TenantQuerySet:
        from .access import visible_to

        return cast(TenantQuerySet, visible_to(user, self))
