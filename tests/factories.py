"""Test data built through the real services where there is one."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from server.accounts.models import User
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

PASSWORD = "correct horse battery staple"
_seq = itertools.count(1)


def user_make(email: str | None = None, password: str = PASSWORD) -> User:
    return User.objects.create_user(
        email=email or f"person{next(_seq)}@example.test", password=password
    )


def office_make(name: str | None = None) -> Office:
    return Office.objects.create(name=name or f"Office {next(_seq)}")


def staff_make(office: Office, role: str = StaffRole.ACCOUNTANT, email: str | None = None) -> User:
    user = user_make(email)
    OfficeMember.objects.create(office=office, user=user, role=role)
    return user


def company_make(office: Office | None, country: str = "BE", name: str | None = None) -> Company:
    return company_create(office=office, name=name or f"Company {next(_seq)}", country=country)


def client_make(company: Company, role: str = ClientRole.ADMIN, email: str | None = None) -> User:
    user = user_make(email)
    CompanyMember.objects.create(company=company, user=user, role=role)
    return user


def assign(user: User, company: Company) -> None:
    Assignment.objects.create(user=user, company=company)


@dataclass
class World:
    """Two offices, each with one company; every kind of person on both sides.

    `company` (office A) is the one under test; `other_company` (office B) must stay out of reach
    of everyone in office A, and the other way round.
    """

    office: Office
    owner: User
    accountant: User  # assigned to `company`
    assistant: User  # staff of office A, assigned to nothing
    company: Company
    client: User
    client_member: User
    sibling_company: Company  # office A, not assigned to the accountant
    other_office: Office
    other_owner: User
    other_company: Company
    other_client: User


def world_make() -> World:
    office = office_make("Office A")
    owner = staff_make(office, StaffRole.OWNER)
    accountant = staff_make(office, StaffRole.ACCOUNTANT)
    assistant = staff_make(office, StaffRole.ASSISTANT)
    company = company_make(office, "BE", "Alpha BV")
    assign(accountant, company)
    sibling = company_make(office, "PL", "Sibling sp. z o.o.")
    other_office = office_make("Office B")
    other_owner = staff_make(other_office, StaffRole.OWNER)
    other_company = company_make(other_office, "NO", "Other AS")
    return World(
        office=office,
        owner=owner,
        accountant=accountant,
        assistant=assistant,
        company=company,
        client=client_make(company),
        client_member=client_make(company, ClientRole.MEMBER),
        sibling_company=sibling,
        other_office=other_office,
        other_owner=other_owner,
        other_company=other_company,
        other_client=client_make(other_company),
    )
