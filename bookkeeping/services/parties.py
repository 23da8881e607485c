"""Customers and suppliers: VAT numbers and IBANs checked, one party per VAT number."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from server.accounts.models import User
from server.tenancy.access import reach_of
from server.tenancy.models import Company

from ..errors import BooksError, DuplicateParty
from ..identifiers import bic_normalise, iban_normalise, vat_number_normalise
from ..models import Party, PartyKind

PARTY_FIELDS = (
    "kind",
    "name",
    "vat_number",
    "country",
    "registration_number",
    "iban",
    "bic",
    "email",
    "street",
    "postcode",
    "city",
)


def _require_member(actor: User, company: Company) -> None:
    # Clients issue invoices, so both sides of the company may keep its parties.
    if company.pk not in reach_of(actor).companies:
        from django.http import Http404

        raise Http404("No such company.")


def party_find_duplicate(
    *, company: Company, vat_number: str, exclude: Party | None = None
) -> Party | None:
    """The company's party with this (normalised) VAT number, if any."""
    if not vat_number:
        return None
    parties = Party.objects.filter(company=company, vat_number=vat_number)
    if exclude is not None:
        parties = parties.exclude(pk=exclude.pk)
    return parties.first()


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}
    values["country"] = str(values.get("country") or "").upper()
    if len(values["country"]) != 2 or not values["country"].isalpha():
        raise BooksError("invalid_country", "Give the party's country as two letters, e.g. BE.")
    if not values.get("name"):
        raise BooksError("invalid", "A party needs a name.")
    if values.get("kind", PartyKind.CUSTOMER) not in PartyKind.values:
        raise BooksError("invalid", "The kind is customer, supplier or both.")
    values["vat_number"] = vat_number_normalise(values["country"], values.get("vat_number", ""))
    values["iban"] = iban_normalise(values.get("iban", ""))
    values["bic"] = bic_normalise(values.get("bic", ""))
    return values


def _duplicate_refuse(company: Company, vat_number: str, exclude: Party | None) -> None:
    existing = party_find_duplicate(company=company, vat_number=vat_number, exclude=exclude)
    if existing is not None:
        raise DuplicateParty(
            f"{existing.name} has the VAT number {vat_number} already.", party=existing.pk
        )


def party_create(*, actor: User, company: Company, **values: Any) -> Party:
    """A customer or supplier of `company` (client or staff)."""
    _require_member(actor, company)
    unknown = set(values) - set(PARTY_FIELDS)
    if unknown:
        raise BooksError("invalid", f"Unknown fields: {', '.join(sorted(unknown))}.")
    values = _clean({"kind": PartyKind.CUSTOMER, **values})
    _duplicate_refuse(company, values["vat_number"], None)
    try:
        with transaction.atomic():
            return Party.objects.create(company=company, created_by=actor, **values)
    except IntegrityError:  # a concurrent create with the same VAT number
        _duplicate_refuse(company, values["vat_number"], None)
        raise


def party_update(*, actor: User, party: Party, changes: dict[str, Any]) -> Party:
    _require_member(actor, party.company)
    unknown = set(changes) - set(PARTY_FIELDS)
    if unknown:
        raise BooksError(
            "invalid", f"These fields cannot be changed: {', '.join(sorted(unknown))}."
        )
    values = _clean({**{name: getattr(party, name) for name in PARTY_FIELDS}, **changes})
    with transaction.atomic():
        party = Party.objects.select_for_update().get(pk=party.pk)
        _duplicate_refuse(party.company, values["vat_number"], party)
        for name, value in values.items():
            setattr(party, name, value)
        party.save()
    return party
