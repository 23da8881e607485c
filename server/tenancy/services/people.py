"""Who works where: the office's staff, their assignments, the client's own people.

Every change here is the one way it happens (the API, the pages and the Django admin call these):
it checks who may make it, records it in the audit log, publishes an event to the companies it
concerns, and tells every socket of the people whose reach it changes (server/realtime/personal).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from server.accounts.models import User
from server.accounts.passwords import invitation_send
from server.audit.services import audit_record
from server.errors import DomainError
from server.realtime.personal import access_changed
from server.realtime.publish import publish, publish_batch

from ..access import NotPermitted, is_client_admin_of, is_owner_of, owner_office_ids
from ..events import (
    COMPANY_ASSIGNMENT,
    COMPANY_PERSON,
    COMPANY_UPDATED,
    OFFICE_STAFF,
    PersonPayload,
    company_payload,
)
from ..models import (
    Assignment,
    Audience,
    ClientRole,
    Company,
    CompanyMember,
    Office,
    OfficeMember,
    StaffRole,
)


class PeopleError(DomainError):
    """A change to who works where that cannot be made as asked."""


class PersonNotFound(DomainError):
    status = 404

    def __init__(self) -> None:
        super().__init__("not_found", str(_("Not found.")))


class PeopleConflict(DomainError):
    status = 409


def _require_owner(actor: User, office_id: int | None) -> None:
    """Owners manage their office's people; the Django admin's superusers act for them."""
    if office_id is not None and (actor.is_superuser or office_id in owner_office_ids(actor)):
        return
    raise NotPermitted(str(_("Only the office's owner can do this.")))


def _require_people_manager(actor: User, company: Company) -> None:
    """A company's own people are managed by its client admins and by its office's owner."""
    if actor.is_superuser or is_client_admin_of(actor, company):
        return
    if not is_owner_of(actor, company):
        raise NotPermitted(
            str(_("Only the company's administrators and its office's owner can do this."))
        )


def person_for_email(*, email: str, name: str = "") -> User:
    """The account with this address, or a new one without a password (invited to set one)."""
    address = User.objects.normalize_email(email.strip()).lower()
    user = User.objects.filter(email=address).first()
    if user is None:
        user = User.objects.create_user(email=address, first_name=name.strip()[:150])
    return user


def awaits_invitation(user: User) -> bool:
    """An account nobody has signed in to yet: being added sends it the link to a password."""
    return not user.has_usable_password() and user.last_login is None


def _invite_if_new(user: User, actor: User, place: str) -> bool:
    if not awaits_invitation(user):
        return False
    invitation_send(user=user, invited_by=actor, place=place, language=get_language() or "en")
    return True


def _person(user: User, role: str, active: bool) -> PersonPayload:
    return {
        "user": user.pk,
        "name": user.display_name,
        "email": user.email,
        "role": role,
        "active": active,
    }


def _publish_to_office(office_id: int, payload: PersonPayload) -> None:
    """`office.staff` to every company of the office, for its staff (one INSERT)."""
    companies = Company.objects.filter(office_id=office_id).values_list("id", flat=True)
    publish_batch([(cid, OFFICE_STAFF, dict(payload), Audience.INTERNAL) for cid in companies])


def _active_owners(office_id: int) -> int:
    return OfficeMember.objects.filter(
        office_id=office_id, role=StaffRole.OWNER, is_active=True, user__is_active=True
    ).count()


def _staff_role_checked(role: str) -> None:
    if role not in StaffRole.values:
        raise PeopleError("invalid_role", str(_("Choose owner, accountant or assistant.")))


def _last_owner_refused() -> PeopleConflict:
    return PeopleConflict("last_owner", str(_("The office needs at least one active owner.")))


def _locked_member(office: Office, user_id: int) -> OfficeMember:
    member = (
        OfficeMember.objects.select_for_update()
        .select_related("user")
        .filter(office=office, user_id=user_id)
        .first()
    )
    if member is None:
        raise PersonNotFound()
    return member


# --- The office's staff -------------------------------------------------------------------------


def office_person_add(*, actor: User, office: Office, user: User, role: str) -> OfficeMember:
    """Make `user` staff of `office` with `role`; a new account is invited by e-mail."""
    _require_owner(actor, office.pk)
    _staff_role_checked(role)
    with transaction.atomic():
        Office.objects.select_for_update().get(pk=office.pk)  # one change of staff at a time
        if OfficeMember.objects.filter(office=office, user=user).exists():
            raise PeopleConflict(
                "already_member",
                str(_("%(email)s is already in this office.") % {"email": user.email}),
            )
        member = OfficeMember.objects.create(office=office, user=user, role=role)
        invited = _invite_if_new(user, actor, office.name)
        audit_record(
            actor=actor, action="office.person_added", office_id=office.pk, subject=user,
            role=role, invited=invited,
        )  # fmt: skip
        _publish_to_office(office.pk, _person(user, role, True))
        access_changed([user.pk])
    return member


def office_person_update(
    *,
    actor: User,
    office: Office,
    user_id: int,
    role: str | None = None,
    active: bool | None = None,
) -> OfficeMember:
    """Change a staff member's role, or deactivate (active=False) and reactivate them."""
    _require_owner(actor, office.pk)
    if role is not None:
        _staff_role_checked(role)
    with transaction.atomic():
        Office.objects.select_for_update().get(pk=office.pk)
        member = _locked_member(office, user_id)
        before = {"role": member.role, "active": member.is_active}
        member.role = role if role is not None else member.role
        member.is_active = active if active is not None else member.is_active
        was_owner = before["role"] == StaffRole.OWNER and before["active"]
        still_owner = member.role == StaffRole.OWNER and member.is_active
        if was_owner and not still_owner and _active_owners(office.pk) <= 1:
            raise _last_owner_refused()
        member.save(update_fields=["role", "is_active"])
        after = {"role": member.role, "active": member.is_active}
        if after != before:
            audit_record(
                actor=actor, action="office.person_changed", office_id=office.pk,
                subject=member.user, before=before, after=after,
            )  # fmt: skip
            _publish_to_office(office.pk, _person(member.user, member.role, member.is_active))
            access_changed([member.user_id])
    return member


def office_person_remove(*, actor: User, office: Office, user_id: int) -> None:
    """Take a person out of the office: their membership and their assignments end."""
    _require_owner(actor, office.pk)
    with transaction.atomic():
        Office.objects.select_for_update().get(pk=office.pk)
        member = _locked_member(office, user_id)
        if member.role == StaffRole.OWNER and member.is_active and _active_owners(office.pk) <= 1:
            raise _last_owner_refused()
        assignments = Assignment.objects.filter(user_id=user_id, company__office=office)
        unassigned = sorted(assignments.values_list("company_id", flat=True))
        assignments.delete()
        member.delete()
        audit_record(
            actor=actor, action="office.person_removed", office_id=office.pk,
            subject=member.user, role=member.role, unassigned=unassigned,
        )  # fmt: skip
        _publish_to_office(office.pk, _person(member.user, member.role, False))
        access_changed([user_id])


# --- Assignments --------------------------------------------------------------------------------


def assignment_add(*, actor: User, company: Company, user_id: int) -> tuple[Assignment, bool]:
    """Assign an active staff member of the company's office to it; (assignment, created)."""
    _require_owner(actor, company.office_id)
    with transaction.atomic():
        member = (
            OfficeMember.objects.select_related("user")
            .filter(office=company.office_id, user_id=user_id, is_active=True)
            .first()
        )
        if member is None:
            raise PeopleError(
                "not_staff", str(_("Only active staff of the office can be assigned."))
            )
        assignment, created = Assignment.objects.get_or_create(company=company, user_id=user_id)
        if created:
            audit_record(
                actor=actor, action="company.assigned", office_id=company.office_id,
                company_id=company.pk, subject=member.user,
            )  # fmt: skip
            publish(
                company, COMPANY_ASSIGNMENT, dict(_person(member.user, member.role, True)),
                Audience.INTERNAL,
            )  # fmt: skip
            access_changed([user_id])
    return assignment, created


def assignment_remove(*, actor: User, company: Company, user_id: int) -> None:
    _require_owner(actor, company.office_id)
    with transaction.atomic():
        assignment = (
            Assignment.objects.select_for_update()
            .select_related("user")
            .filter(company=company, user_id=user_id)
            .first()
        )
        if assignment is None:
            raise PersonNotFound()
        assignment.delete()
        audit_record(
            actor=actor, action="company.unassigned", office_id=company.office_id,
            company_id=company.pk, subject=assignment.user,
        )  # fmt: skip
        publish(
            company, COMPANY_ASSIGNMENT, dict(_person(assignment.user, "", False)),
            Audience.INTERNAL,
        )  # fmt: skip
        access_changed([user_id])


# --- The client's own people --------------------------------------------------------------------


def company_person_add(*, actor: User, company: Company, user: User, role: str) -> CompanyMember:
    """Add `user` to the client side of `company`; a new account is invited by e-mail."""
    _require_people_manager(actor, company)
    if role not in ClientRole.values:
        raise PeopleError("invalid_role", str(_("Choose client administrator or client member.")))
    with transaction.atomic():
        Company.objects.select_for_update().get(pk=company.pk)
        if CompanyMember.objects.filter(company=company, user=user).exists():
            raise PeopleConflict(
                "already_member",
                str(_("%(email)s already belongs to this company.") % {"email": user.email}),
            )
        member = CompanyMember.objects.create(company=company, user=user, role=role)
        invited = _invite_if_new(user, actor, company.name)
        audit_record(
            actor=actor, action="company.person_added", office_id=company.office_id,
            company_id=company.pk, subject=user, role=role, invited=invited,
        )  # fmt: skip
        publish(company, COMPANY_PERSON, dict(_person(user, role, True)), Audience.SHARED)
        access_changed([user.pk])
    return member


def company_person_remove(*, actor: User, company: Company, user_id: int) -> None:
    _require_people_manager(actor, company)
    with transaction.atomic():
        Company.objects.select_for_update().get(pk=company.pk)
        member = (
            CompanyMember.objects.select_related("user")
            .filter(company=company, user_id=user_id)
            .first()
        )
        if member is None:
            raise PersonNotFound()
        admins = CompanyMember.objects.filter(company=company, role=ClientRole.ADMIN).count()
        # With an office, its owner can still add an administrator; without one, nobody could.
        if member.role == ClientRole.ADMIN and company.office_id is None and admins <= 1:
            raise PeopleConflict(
                "last_admin", str(_("A company without an office needs an administrator."))
            )
        member.delete()
        audit_record(
            actor=actor, action="company.person_removed", office_id=company.office_id,
            company_id=company.pk, subject=member.user, role=member.role,
        )  # fmt: skip
        publish(company, COMPANY_PERSON, dict(_person(member.user, member.role, False)))
        access_changed([user_id])


# --- The company and its office -----------------------------------------------------------------


def company_office_change(*, actor: User, company: Company, office: Office | None) -> Company:
    """Move a company to another office, or detach it (office=None) when the cooperation ends:
    the client keeps its dossier and logins, the old office's staff lose it at once."""
    with transaction.atomic():
        company = Company.objects.select_for_update().get(pk=company.pk)
        old_office_id = company.office_id
        if not actor.is_superuser:
            _require_owner(actor, old_office_id)
            if office is not None:
                raise PeopleError(
                    "detach_only", str(_("An office can only detach a company, not move it."))
                )
        if old_office_id == (office.pk if office else None):
            return company
        affected = set(
            OfficeMember.objects.filter(
                office_id__in=[old_office_id, office and office.pk]
            ).values_list("user_id", flat=True)
        )
        Assignment.objects.filter(company=company).delete()
        company.office = office
        company.save(update_fields=["office", "updated_at"])
        # Both sides learn it; the old office's sockets get this before they leave the company.
        publish(company, COMPANY_UPDATED, dict(company_payload(company, ["office"])))
        audit_record(
            actor=actor, action="company.office_changed", office_id=old_office_id,
            company_id=company.pk, new_office_id=office.pk if office else None,
        )  # fmt: skip
        access_changed(affected)
    return company


def company_detach(*, actor: User, company: Company) -> Company:
    return company_office_change(actor=actor, company=company, office=None)
