"""The demo data of `kontor demo`: one office, three client companies, people on both sides,
and their books (server/demo_books.py).

Loading is idempotent: running it again finds what is there and resets the demo passwords.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction

from server.accounts.models import User
from server.demo_books import demo_books_load
from server.tenancy.models import (
    Assignment,
    ClientRole,
    Company,
    CompanyMember,
    Office,
    OfficeMember,
    StaffRole,
)
from server.tenancy.services import company_create

OFFICE_NAME = "Kontor Demo"

COMPANIES: list[tuple[str, str, dict[str, Any]]] = [
    # (login, name, profile)
    ("client.be@demo.kontor", "Atelier Leie BV", dict(
        country="BE", vat_number="BE0123456749", legal_form="BV", vat_regime="quarterly",
        employer=True, currency="EUR")),
    ("client.pl@demo.kontor", "Wisła Handel sp. z o.o.", dict(
        country="PL", vat_number="PL1234567802", legal_form="sp. z o.o.", vat_regime="monthly",
        employer=True, currency="PLN")),
    ("client.no@demo.kontor", "Fjordlys AS", dict(
        country="NO", vat_number="NO912345688MVA", legal_form="AS", vat_regime="bimonthly",
        employer=False, currency="NOK")),
]  # fmt: skip


@dataclass(frozen=True)
class DemoLogins:
    password: str
    emails: list[str]


def demo_password() -> str:
    """KONTOR_DEMO_PASSWORD, else one generated once and kept in the data dir."""
    if password := os.environ.get("KONTOR_DEMO_PASSWORD", "").strip():
        return password
    stored = settings.DATA_DIR / "demo-password"
    if not stored.exists():
        stored.write_text(secrets.token_urlsafe(12))
        stored.chmod(0o600)
    return stored.read_text().strip()


def _person(email: str, first: str, last: str, password: str) -> User:
    user, _ = User.objects.get_or_create(
        email=email, defaults={"first_name": first, "last_name": last}
    )
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


def demo_load() -> DemoLogins:
    logins, people = _people_load()
    # Outside the people's transaction: issuing stores each invoice's PDF, and the books of each
    # company are loaded in a transaction of their own.
    for company, staff, client in people:
        demo_books_load(company=company, staff=staff, client=client)
    return logins


@transaction.atomic
def _people_load() -> tuple[DemoLogins, list[tuple[Company, User, User]]]:
    password = demo_password()
    office, _ = Office.objects.get_or_create(name=OFFICE_NAME)
    owner = _person("owner@demo.kontor", "Olivia", "Owner", password)
    accountant = _person("accountant@demo.kontor", "Adam", "Accountant", password)
    OfficeMember.objects.get_or_create(
        office=office, user=owner, defaults={"role": StaffRole.OWNER}
    )
    OfficeMember.objects.get_or_create(
        office=office, user=accountant, defaults={"role": StaffRole.ACCOUNTANT}
    )
    emails = [owner.email, accountant.email]
    people = []
    for email, name, profile in COMPANIES:
        company = Company.objects.filter(office=office, name=name).first()
        if company is None:
            company = company_create(office=office, name=name, **profile)
        client = _person(email, "Client", profile["country"], password)
        CompanyMember.objects.get_or_create(
            company=company, user=client, defaults={"role": ClientRole.ADMIN}
        )
        if profile["country"] in {"BE", "PL"}:
            Assignment.objects.get_or_create(company=company, user=accountant)
        emails.append(email)
        people.append((company, owner, client))
    return DemoLogins(password=password, emails=emails), people
