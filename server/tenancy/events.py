"""The payloads tenancy publishes (see docs/realtime.md)."""

from typing import Literal, TypedDict

from .models import Company

COMPANY_UPDATED = "company.updated"


class CompanyPayload(TypedDict):
    id: int
    name: str
    country: str
    vat_number: str
    legal_form: str
    fiscal_year_end: str
    vat_regime: str
    employer: bool
    currency: str
    changed: list[str]


class CompanyUpdated(TypedDict):
    kind: Literal["company.updated"]
    data: CompanyPayload


def company_payload(company: Company, changed: list[str]) -> CompanyPayload:
    return {
        "id": company.pk,
        "name": company.name,
        "country": company.country,
        "vat_number": company.vat_number,
        "legal_form": company.legal_form,
        "fiscal_year_end": f"{company.fiscal_year_end_month:02d}-{company.fiscal_year_end_day:02d}",
        "vat_regime": company.vat_regime,
        "employer": company.employer,
        "currency": company.currency,
        "changed": changed,
    }


# Who works on a company changed. Audiences: `office.staff` and `company.assignment` are internal
# (office staff only), `company.person` is shared (both sides see who the client's people are).
OFFICE_STAFF = "office.staff"
COMPANY_ASSIGNMENT = "company.assignment"
COMPANY_PERSON = "company.person"


class PersonPayload(TypedDict):
    user: int
    name: str
    email: str
    role: str  # a StaffRole or ClientRole value; "" when the change is not about a role
    active: bool  # False once removed, unassigned or deactivated


class OfficeStaffChanged(TypedDict):
    kind: Literal["office.staff"]
    data: PersonPayload


class CompanyAssignmentChanged(TypedDict):
    kind: Literal["company.assignment"]
    data: PersonPayload


class CompanyPersonChanged(TypedDict):
    kind: Literal["company.person"]
    data: PersonPayload
