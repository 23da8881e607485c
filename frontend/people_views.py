"""Who works where, as pages: the office's staff (for its owner) and a company's people (for its
client administrators and its office's owner).

Each POST calls one service of `server.tenancy.services` (which checks who may make the change),
puts its outcome in a message and redirects back; a refusal is shown as one sentence.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from server.accounts.models import User
from server.errors import DomainError
from server.tenancy.access import (
    NotPermitted,
    assignees_of,
    assignments_in_office,
    client_people,
    company_get,
    is_client_admin_of,
    is_owner_of,
    office_staff_of,
    owned_office_id,
)
from server.tenancy.models import ClientRole, Company, Office, StaffRole
from server.tenancy.selectors import company_list
from server.tenancy.services import (
    assignment_add,
    assignment_remove,
    awaits_invitation,
    company_person_add,
    company_person_remove,
    office_person_add,
    office_person_remove,
    office_person_update,
    person_for_email,
)


class PersonAddForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mail address"), max_length=254)
    name = forms.CharField(label=gettext_lazy("Name"), max_length=150, required=False)


class StaffAddForm(PersonAddForm):
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=StaffRole.choices)


class ClientAddForm(PersonAddForm):
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=ClientRole.choices)


def _me(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]  # behind login_required


def _attempt(request: HttpRequest, change: Callable[[], str]) -> bool:
    """Make the change (which returns what to tell the person); False when a service refused."""
    try:
        with transaction.atomic():  # an account created for a refused addition goes again
            done = change()
    except (DomainError, NotPermitted) as refusal:
        messages.error(request, str(refusal.message))
        return False
    messages.success(request, done)
    return True


def _invited_note(person: User) -> str:
    if not awaits_invitation(person):
        return ""
    return " " + _("They get an e-mail with a link to choose their password.")


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise Http404("No such person or company.") from None


# --- The office's staff -------------------------------------------------------------------------


def _owned_office(request: HttpRequest) -> Office:
    return Office.objects.get(pk=owned_office_id(_me(request), request.GET.get("office")))


def _back_to_office(user_id: int | None = None) -> HttpResponse:
    anchor = f"#person-{user_id}" if user_id else ""
    return redirect(reverse("frontend:office-people") + anchor)


@login_required
@require_http_methods(["GET", "POST"])
def office_people(request: HttpRequest) -> HttpResponse:
    office = _owned_office(request)
    form = StaffAddForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        data = form.cleaned_data

        def add() -> str:
            person = person_for_email(email=data["email"], name=data["name"])
            note = _invited_note(person)
            office_person_add(actor=_me(request), office=office, user=person, role=data["role"])
            return _("%(who)s was added to the office.") % {"who": person.display_name} + note

        if _attempt(request, add):
            return _back_to_office()
    context = _office_context(request, office, form)
    status = 400 if request.method == "POST" else 200
    return render(request, "frontend/office_people.html", context, status=status)


def _office_context(request: HttpRequest, office: Office, form: StaffAddForm) -> dict[str, object]:
    companies = list(company_list(user=_me(request)).filter(office=office))
    by_id = {company.pk: company for company in companies}
    assigned: dict[int, list[Company]] = {}
    for assignment in assignments_in_office(office.pk).order_by("company__name", "company_id"):
        if assignment.company_id in by_id:
            assigned.setdefault(assignment.user_id, []).append(by_id[assignment.company_id])
    staff = list(office_staff_of(office.pk))
    for member in staff:
        mine = assigned.get(member.user_id, [])
        taken = {company.pk for company in mine}
        member.assigned = mine  # type: ignore[attr-defined]
        member.open = [c for c in companies if c.pk not in taken]  # type: ignore[attr-defined]
        member.owns = member.role == StaffRole.OWNER  # type: ignore[attr-defined]
    return {"office": office, "staff": staff, "form": form, "roles": StaffRole.choices}


def _staff_name(office: Office, user_id: int) -> str:
    member = office_staff_of(office.pk).filter(user_id=user_id).first()
    if member is None:
        raise Http404("No such person in this office.")
    return member.user.display_name


@login_required
@require_POST
def office_person_role(request: HttpRequest, user_id: int) -> HttpResponse:
    office = _owned_office(request)
    who, role = _staff_name(office, user_id), request.POST.get("role", "")

    def change() -> str:
        member = office_person_update(actor=_me(request), office=office, user_id=user_id, role=role)
        return _("%(who)s is now %(role)s.") % {"who": who, "role": member.get_role_display()}

    _attempt(request, change)
    return _back_to_office(user_id)


@login_required
@require_POST
def office_person_active(request: HttpRequest, user_id: int) -> HttpResponse:
    office = _owned_office(request)
    who, active = _staff_name(office, user_id), request.POST.get("active") == "1"

    def change() -> str:
        office_person_update(actor=_me(request), office=office, user_id=user_id, active=active)
        if active:
            return _("%(who)s is active again.") % {"who": who}
        return _("%(who)s is deactivated and sees no company of the office.") % {"who": who}

    _attempt(request, change)
    return _back_to_office(user_id)


@login_required
@require_POST
def office_person_leave(request: HttpRequest, user_id: int) -> HttpResponse:
    office = _owned_office(request)
    who = _staff_name(office, user_id)

    def change() -> str:
        office_person_remove(actor=_me(request), office=office, user_id=user_id)
        return _("%(who)s was removed from the office.") % {"who": who}

    _attempt(request, change)
    return _back_to_office()


def _assign(request: HttpRequest, company: Company, user_id: int) -> None:
    def change() -> str:
        assignment, _created = assignment_add(actor=_me(request), company=company, user_id=user_id)
        return _("%(who)s is assigned to %(company)s.") % {
            "who": assignment.user.display_name,
            "company": company.name,
        }

    _attempt(request, change)


def _unassign(request: HttpRequest, company: Company, user_id: int, who: str) -> None:
    def change() -> str:
        assignment_remove(actor=_me(request), company=company, user_id=user_id)
        return _("%(who)s is no longer assigned to %(company)s.") % {
            "who": who,
            "company": company.name,
        }

    _attempt(request, change)


@login_required
@require_POST
def office_person_assign(request: HttpRequest, user_id: int) -> HttpResponse:
    office = _owned_office(request)
    _staff_name(office, user_id)
    company = company_get(_me(request), _int(request.POST.get("company")))
    _assign(request, company, user_id)
    return _back_to_office(user_id)


@login_required
@require_POST
def office_person_unassign(request: HttpRequest, user_id: int, company_id: int) -> HttpResponse:
    office = _owned_office(request)
    who = _staff_name(office, user_id)
    _unassign(request, company_get(_me(request), company_id), user_id, who)
    return _back_to_office(user_id)


# --- A company's people -------------------------------------------------------------------------


def _people_company(request: HttpRequest, company_id: int) -> Company:
    """The company, for those who manage its people; 404 out of reach, 403 for the others."""
    me = _me(request)
    company = company_get(me, company_id)
    if not (is_client_admin_of(me, company) or is_owner_of(me, company)):
        raise PermissionDenied(
            _("Only the company's administrators and its office's owner manage its people.")
        )
    return company


def _back_to_company(company: Company) -> HttpResponse:
    return redirect("frontend:company-people", company_id=company.pk)


@login_required
@require_http_methods(["GET", "POST"])
def company_people(request: HttpRequest, company_id: int) -> HttpResponse:
    company = _people_company(request, company_id)
    form = ClientAddForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        data = form.cleaned_data

        def add() -> str:
            person = person_for_email(email=data["email"], name=data["name"])
            note = _invited_note(person)
            company_person_add(actor=_me(request), company=company, user=person, role=data["role"])
            return (
                _("%(who)s was added to %(company)s.")
                % {
                    "who": person.display_name,
                    "company": company.name,
                }
                + note
            )

        if _attempt(request, add):
            return _back_to_company(company)
    context = _company_context(request, company, form)
    status = 400 if request.method == "POST" else 200
    return render(request, "frontend/company_people.html", context, status=status)


def _company_context(
    request: HttpRequest, company: Company, form: ClientAddForm
) -> dict[str, object]:
    context: dict[str, object] = {
        "company": company,
        "people": list(client_people(company)),
        "form": form,
        "roles": ClientRole.choices,
        "owner": is_owner_of(_me(request), company),
    }
    if context["owner"] and company.office_id is not None:
        assignees = list(assignees_of(company))
        taken = {assignment.user_id for assignment in assignees}
        context["assignees"] = assignees
        # Owners see every company anyway; deactivated staff cannot be assigned.
        context["candidates"] = [
            member
            for member in office_staff_of(company.office_id)
            if member.is_active
            and member.user.is_active
            and member.role != StaffRole.OWNER
            and member.user_id not in taken
        ]
    return context


@login_required
@require_POST
def company_person_leave(request: HttpRequest, company_id: int, user_id: int) -> HttpResponse:
    company = _people_company(request, company_id)
    member = client_people(company).filter(user_id=user_id).first()
    if member is None:
        raise Http404("No such person in this company.")

    def change() -> str:
        company_person_remove(actor=_me(request), company=company, user_id=user_id)
        return _("%(who)s was removed from %(company)s.") % {
            "who": member.user.display_name,
            "company": company.name,
        }

    _attempt(request, change)
    return _back_to_company(company)


@login_required
@require_POST
def company_staff_assign(request: HttpRequest, company_id: int) -> HttpResponse:
    company = _people_company(request, company_id)
    _assign(request, company, _int(request.POST.get("user")))
    return _back_to_company(company)


@login_required
@require_POST
def company_staff_unassign(request: HttpRequest, company_id: int, user_id: int) -> HttpResponse:
    company = _people_company(request, company_id)
    assignment = assignees_of(company).filter(user_id=user_id).first()
    who = assignment.user.display_name if assignment is not None else ""
    _unassign(request, company, user_id, who)
    return _back_to_company(company)
