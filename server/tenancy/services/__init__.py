"""Changes to offices, companies and who works where (one module per concern)."""

from .companies import EDITABLE_FIELDS, company_create, company_update
from .people import (
    PeopleConflict,
    PeopleError,
    PersonNotFound,
    assignment_add,
    assignment_remove,
    awaits_invitation,
    company_detach,
    company_office_change,
    company_person_add,
    company_person_remove,
    office_person_add,
    office_person_remove,
    office_person_update,
    person_for_email,
)

__all__ = [
    "EDITABLE_FIELDS",
    "PeopleConflict",
    "PeopleError",
    "PersonNotFound",
    "assignment_add",
    "assignment_remove",
    "awaits_invitation",
    "company_create",
    "company_detach",
    "company_office_change",
    "company_person_add",
    "company_person_remove",
    "company_update",
    "office_person_add",
    "office_person_remove",
    "office_person_update",
    "person_for_email",
]
