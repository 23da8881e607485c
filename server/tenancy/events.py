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
