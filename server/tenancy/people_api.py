"""Who works where, over the API: the office's staff, assignments, the client's own people.

Thin views: each parses its input, calls one service of `services/people.py` (which checks who
may do it) and shapes the answer. A company out of the caller's reach answers 404.
"""

from __future__ import annotations

from django.db import transaction
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from server.accounts.models import User
from server.accounts.services import signed_in_user

from .access import (
    NotPermitted,
    assignees_of,
    client_people,
    company_get,
    is_client_admin_of,
    is_owner_of,
    is_staff_of,
    office_staff_of,
    owned_office_id,
)
from .models import Assignment, ClientRole, Company, Office, OfficeMember, StaffRole
from .services import (
    assignment_add,
    assignment_remove,
    company_detach,
    company_person_add,
    company_person_remove,
    office_person_add,
    office_person_remove,
    office_person_update,
    person_for_email,
)


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="user.pk")
    email = serializers.EmailField(source="user.email")
    name = serializers.CharField(source="user.display_name")
    role = serializers.CharField()


class StaffSerializer(PersonSerializer):
    active = serializers.BooleanField(source="is_active")
    companies = serializers.SerializerMethodField()

    def get_companies(self, member: OfficeMember) -> list[int]:
        return sorted(self.context["assigned"].get(member.user_id, []))


class AddPersonSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)  # as User.email stores it
    name = serializers.CharField(max_length=150, required=False, default="", allow_blank=True)

    def person(self) -> User:
        """The account for the address given (a new one, to be invited, if there is none)."""
        return person_for_email(
            email=self.validated_data["email"], name=self.validated_data["name"]
        )


def _owned_office(request: Request) -> Office:
    """The caller's office: `?office=<id>` for someone who owns several, else the one they own."""
    asked = request.query_params.get("office")
    return Office.objects.get(pk=owned_office_id(signed_in_user(request), asked))


def _staff_answer(office: Office, members: list[OfficeMember]) -> list[dict]:
    assigned: dict[int, list[int]] = {}
    rows = Assignment.objects.filter(company__office=office, user__in=[m.user_id for m in members])
    for user_id, company_id in rows.values_list("user_id", "company_id"):
        assigned.setdefault(user_id, []).append(company_id)
    return list(StaffSerializer(members, many=True, context={"assigned": assigned}).data)


class OfficePeopleApi(APIView):
    """The owner's office staff: list them, add one (invited by e-mail when new)."""

    class InputSerializer(AddPersonSerializer):
        role = serializers.ChoiceField(choices=StaffRole.choices)

    @extend_schema(responses={200: StaffSerializer(many=True)})
    def get(self, request: Request) -> Response:
        office = _owned_office(request)
        return Response(_staff_answer(office, list(office_staff_of(office.pk))))

    @extend_schema(request=InputSerializer, responses={201: StaffSerializer})
    def post(self, request: Request) -> Response:
        office = _owned_office(request)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with transaction.atomic():  # a refused addition leaves no new account behind
            member = office_person_add(
                actor=signed_in_user(request), office=office, user=data.person(),
                role=data.validated_data["role"],
            )  # fmt: skip
        return Response(_staff_answer(office, [member])[0], status=status.HTTP_201_CREATED)


class OfficePersonApi(APIView):
    class InputSerializer(serializers.Serializer):
        role = serializers.ChoiceField(choices=StaffRole.choices, required=False)
        active = serializers.BooleanField(required=False)

    @extend_schema(request=InputSerializer, responses={200: StaffSerializer})
    def patch(self, request: Request, user_id: int) -> Response:
        office = _owned_office(request)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        member = office_person_update(
            actor=signed_in_user(request), office=office, user_id=user_id, **data.validated_data
        )
        return Response(_staff_answer(office, [member])[0])

    @extend_schema(responses={204: None})
    def delete(self, request: Request, user_id: int) -> Response:
        office_person_remove(
            actor=signed_in_user(request), office=_owned_office(request), user_id=user_id
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


def _company_for_owner(request: Request, company_id: int) -> Company:
    """The company, for its office's owner. Assignments are the office's business: to a client
    they do not exist (404); other staff of the company are told that only the owner may."""
    user = signed_in_user(request)
    company = company_get(user, company_id)
    if not is_staff_of(user, company):
        raise Http404("No such company.")
    if not is_owner_of(user, company):
        raise NotPermitted("Only the office's owner can do this.")
    return company


class AssignmentListApi(APIView):
    """Which staff serve a company (owners see every company anyway)."""

    class InputSerializer(serializers.Serializer):
        user = serializers.IntegerField(help_text="The person's id, as `me/` gives it")

    @extend_schema(responses={200: PersonSerializer(many=True)})
    def get(self, request: Request, company_id: int) -> Response:
        company = _company_for_owner(request, company_id)
        rows = [{"user": a.user, "role": "assigned"} for a in assignees_of(company).distinct()]
        return Response(PersonSerializer(rows, many=True).data)

    @extend_schema(request=InputSerializer, responses={201: PersonSerializer})
    def post(self, request: Request, company_id: int) -> Response:
        company = _company_for_owner(request, company_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        assignment, created = assignment_add(
            actor=signed_in_user(request), company=company, user_id=data.validated_data["user"]
        )
        answer = PersonSerializer({"user": assignment.user, "role": "assigned"}).data
        return Response(answer, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class AssignmentDetailApi(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request: Request, company_id: int, user_id: int) -> Response:
        company = _company_for_owner(request, company_id)
        assignment_remove(actor=signed_in_user(request), company=company, user_id=user_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


def _company_for_people(request: Request, company_id: int) -> Company:
    user = signed_in_user(request)
    company = company_get(user, company_id)
    if not is_owner_of(user, company) and not is_client_admin_of(user, company):
        raise NotPermitted("Only the company's administrators and its office's owner can do this.")
    return company


class CompanyPeopleApi(APIView):
    """The client's own people of a company: for its client admins and its office's owner."""

    class InputSerializer(AddPersonSerializer):
        role = serializers.ChoiceField(choices=ClientRole.choices)

    @extend_schema(responses={200: PersonSerializer(many=True)})
    def get(self, request: Request, company_id: int) -> Response:
        company = _company_for_people(request, company_id)
        return Response(PersonSerializer(client_people(company), many=True).data)

    @extend_schema(request=InputSerializer, responses={201: PersonSerializer})
    def post(self, request: Request, company_id: int) -> Response:
        company = _company_for_people(request, company_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with transaction.atomic():  # a refused addition leaves no new account behind
            member = company_person_add(
                actor=signed_in_user(request), company=company, user=data.person(),
                role=data.validated_data["role"],
            )  # fmt: skip
        return Response(PersonSerializer(member).data, status=status.HTTP_201_CREATED)


class CompanyPersonApi(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request: Request, company_id: int, user_id: int) -> Response:
        company = _company_for_people(request, company_id)
        company_person_remove(actor=signed_in_user(request), company=company, user_id=user_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CompanyDetachApi(APIView):
    """End the cooperation: the company leaves the office with its dossier and logins; the
    office's staff lose it at once (their sockets too)."""

    @extend_schema(request=None, responses={204: None})
    def post(self, request: Request, company_id: int) -> Response:
        company = _company_for_owner(request, company_id)
        company_detach(actor=signed_in_user(request), company=company)
        return Response(status=status.HTTP_204_NO_CONTENT)
