"""Changes to offices and companies."""

from __future__ import annotations

import calendar
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from server.accounts.models import User
from server.realtime.publish import publish

from ..access import require_staff
from ..events import COMPANY_UPDATED, company_payload
from ..models import Audience, Company, Office
from ..signals import company_created, company_profile_changed
from ..validation import vat_number_clean

EDITABLE_FIELDS = (
    "name",
    "vat_number",
    "legal_form",
    "fiscal_year_end_month",
    "fiscal_year_end_day",
    "vat_regime",
    "employer",
    "currency",
)


def _fiscal_year_end_check(month: int, day: int) -> None:
    if not 1 <= month <= 12:
        raise ValidationError({"fiscal_year_end": "The month must be between 01 and 12."})
    # February is allowed its 29th only as "the last day of February" in leap years; refuse it.
    last_day = calendar.monthrange(2023, month)[1]
    if not 1 <= day <= last_day:
        raise ValidationError({"fiscal_year_end": f"Month {month:02d} has no day {day}."})


def company_update(*, actor: User, company: Company, changes: dict[str, Any]) -> Company:
    """Edit a company's profile (office staff only) and tell both sides."""
    require_staff(actor, company)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: "This field cannot be changed here." for name in unknown})
    with transaction.atomic():
        company = Company.objects.select_for_update().get(pk=company.pk)
        for name, value in changes.items():
            setattr(company, name, value)
        if "vat_number" in changes:
            try:
                company.vat_number = vat_number_clean(company.country, company.vat_number)
            except ValidationError as error:
                raise ValidationError({"vat_number": error.messages}) from None
        _fiscal_year_end_check(company.fiscal_year_end_month, company.fiscal_year_end_day)
        company.full_clean(exclude=["office"])
        company.save()
        publish(
            company,
            COMPANY_UPDATED,
            dict(company_payload(company, sorted(changes))),
            Audience.SHARED,
        )
        company_profile_changed.send(sender=Company, company=company, changed=sorted(changes))
    return company


def company_create(
    *, office: Office | None, name: str, country: str, vat_number: str = "", **profile: Any
) -> Company:
    """A new client company of `office`, its VAT number checked for its country."""
    try:
        vat = vat_number_clean(country, vat_number)
    except ValidationError as error:
        raise ValidationError({"vat_number": error.messages}) from None
    company = Company(office=office, name=name, country=country, vat_number=vat, **profile)
    _fiscal_year_end_check(company.fiscal_year_end_month, company.fiscal_year_end_day)
    company.full_clean(exclude=["office"])
    with transaction.atomic():
        company.save()
        company_created.send(sender=Company, company=company)
    return company
