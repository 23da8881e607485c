"""REST API of the calendar. Changes carry the `version` they are based on; a stale one gets 409
with the current event under `current`."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dossier.selectors import document_get
from server.accounts.models import User
from server.accounts.services import client_address, signed_in_user
from server.api_input import body_of
from server.tenancy.access import company_get, is_staff_of, require_staff
from server.tenancy.models import Audience

from . import selectors, services
from .engagements import engagement_set
from .events import event_payload, notice_payload
from .feeds import feed_create, feed_render, feed_revoke, feed_user
from .models import EventKind, Service
from .reminders import notice_confirm_in_app, notice_set


class EventSerializer(serializers.Serializer):
    """The event as `calendar.event` carries it (built by calendar_app.events)."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=EventKind.choices)
    audience = serializers.ChoiceField(choices=Audience.choices)
    title = serializers.CharField()
    description = serializers.CharField()
    date = serializers.DateField()
    starts_at = serializers.DateTimeField(allow_null=True)
    ends_at = serializers.DateTimeField(allow_null=True)
    assignees = serializers.ListField(child=serializers.IntegerField())
    done_at = serializers.DateTimeField(allow_null=True)
    done_by = serializers.IntegerField(allow_null=True)
    filing = serializers.IntegerField(allow_null=True)
    version = serializers.IntegerField()
    obligation = serializers.CharField()
    period = serializers.CharField()
    unshifted = serializers.DateField(allow_null=True)
    legal_source = serializers.CharField()
    edited = serializers.BooleanField()
    flag = serializers.CharField()
    deleted_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField(allow_null=True)
    updated_by = serializers.IntegerField(allow_null=True, help_text="null: the deadline rules")
    updated_by_name = serializers.CharField()


class EventInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    date = serializers.DateField(required=False)
    starts_at = serializers.DateTimeField(required=False, allow_null=True)
    ends_at = serializers.DateTimeField(required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=EventKind.choices, required=False)
    audience = serializers.ChoiceField(choices=Audience.choices, required=False)
    assignees = serializers.ListField(child=serializers.IntegerField(), required=False)


def _people(company_id: int, ids: list[int]) -> list[User]:
    """Assignees by id; anyone unknown or out of the company's reach is refused by the service."""
    people = list(User.objects.filter(pk__in=ids, is_active=True))
    if len(people) != len(set(ids)):
        raise services.CalendarError("bad_assignee", "Unknown person among the assignees.")
    return people


def _version(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise services.CalendarError(
            "version_required", "Send the version of the event your change is based on."
        ) from None


class EventListApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("from", str, description="YYYY-MM-DD"),
            OpenApiParameter("to", str, description="YYYY-MM-DD"),
            OpenApiParameter("kind", str, enum=EventKind.values),
            OpenApiParameter("assignee", int),
        ],
        responses={200: EventSerializer(many=True)},
    )
    def get(self, request: Request, company_id: int) -> Response:
        user = signed_in_user(request)
        company = company_get(user, company_id)
        params = request.query_params
        dates = serializers.DateField(required=False)
        events = selectors.event_list(
            user=user,
            company=company,
            start=dates.to_internal_value(params["from"]) if params.get("from") else None,
            end=dates.to_internal_value(params["to"]) if params.get("to") else None,
            kind=params.get("kind", ""),
            assignee=int(params["assignee"]) if params.get("assignee", "").isdigit() else None,
        )
        return Response([event_payload(e) for e in events[:2000]])

    @extend_schema(request=EventInputSerializer, responses={201: EventSerializer})
    def post(self, request: Request, company_id: int) -> Response:
        user = signed_in_user(request)
        company = company_get(user, company_id)
        data = EventInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if "title" not in values or "date" not in values:
            raise services.CalendarError("required", "An event needs a title and a date.")
        values["assignees"] = _people(company.pk, values.get("assignees", []))
        event = services.event_create(actor=user, company=company, **values)
        return Response(event_payload(event), status=status.HTTP_201_CREATED)


class EventDetailApi(APIView):
    @extend_schema(responses={200: EventSerializer})
    def get(self, request: Request, event_id: int) -> Response:
        return Response(
            event_payload(selectors.event_get(user=signed_in_user(request), event_id=event_id))
        )

    @extend_schema(
        request=inline_serializer(
            "EventUpdate",
            {"version": serializers.IntegerField(), "changes": EventInputSerializer()},
        ),
        responses={200: EventSerializer, 409: EventSerializer},
        description="Send `version` with the fields to change; 409 with `current` if it is stale.",
    )
    def patch(self, request: Request, event_id: int) -> Response:
        user = signed_in_user(request)
        event = selectors.event_get(user=user, event_id=event_id)
        data = EventInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        if "assignees" in changes:
            changes["assignees"] = _people(event.company_id, changes["assignees"])
        event = services.event_update(
            actor=user,
            event=event,
            version=_version(body_of(request).get("version")),
            changes=changes,
        )
        return Response(event_payload(event))

    @extend_schema(
        parameters=[OpenApiParameter("version", int, required=True)],
        responses={200: EventSerializer},
    )
    def delete(self, request: Request, event_id: int) -> Response:
        user = signed_in_user(request)
        event = selectors.event_get(user=user, event_id=event_id)
        event = services.event_delete(
            actor=user, event=event, version=_version(request.query_params.get("version"))
        )
        return Response(event_payload(event))


class EventDoneApi(APIView):
    @extend_schema(
        request=inline_serializer(
            "EventDone",
            {
                "version": serializers.IntegerField(),
                "done": serializers.BooleanField(default=True),
                "filing": serializers.IntegerField(required=False, help_text="a dossier document"),
            },
        ),
        responses={200: EventSerializer},
    )
    def post(self, request: Request, event_id: int) -> Response:
        user = signed_in_user(request)
        event = selectors.event_get(user=user, event_id=event_id)
        filing_id = body_of(request).get("filing")
        event = services.event_done(
            actor=user,
            event=event,
            version=_version(body_of(request).get("version")),
            done=body_of(request).get("done", True) in {True, "true", "1"},
            filing=document_get(user=user, document_id=filing_id) if filing_id else None,
        )
        return Response(event_payload(event))


class DeadlineRulesApi(APIView):
    """What the country's rules give for this company in a year (as `kontor deadlines`)."""

    @extend_schema(
        parameters=[OpenApiParameter("year", int)],
        responses={
            200: inline_serializer(
                "RuleDeadline",
                {
                    "obligation": serializers.CharField(),
                    "period": serializers.CharField(),
                    "due": serializers.DateField(),
                    "unshifted": serializers.DateField(),
                    "title": serializers.CharField(),
                },
                many=True,
            )
        },
    )
    def get(self, request: Request, company_id: int) -> Response:
        company = company_get(signed_in_user(request), company_id)
        from .rules import deadlines_for, profile_of

        year = request.query_params.get("year", "")
        if year and not (year.isdigit() and 2000 <= int(year) <= 2100):
            raise services.CalendarError("bad_year", "Give the year as four digits, e.g. 2026.")
        found = deadlines_for(profile_of(company), int(year) if year else timezone.localdate().year)
        return Response(
            [
                {
                    "obligation": d.obligation,
                    "period": d.period,
                    "due": d.due.isoformat(),
                    "unshifted": d.unshifted.isoformat(),
                    "title": str(d.title),
                }
                for d in found
            ]
        )


class DeadlineGenerateApi(APIView):
    @extend_schema(
        request=None,
        responses={
            200: inline_serializer(
                "Generation",
                {
                    "created": serializers.IntegerField(),
                    "updated": serializers.IntegerField(),
                    "flagged": serializers.IntegerField(),
                    "removed": serializers.IntegerField(),
                },
            )
        },
    )
    def post(self, request: Request, company_id: int) -> Response:
        user = signed_in_user(request)
        company = company_get(user, company_id)
        require_staff(user, company)
        result = services.deadlines_generate(company=company)
        return Response(
            {
                "created": len(result.created),
                "updated": len(result.updated),
                "flagged": len(result.flagged),
                "removed": len(result.removed),
            }
        )


class FeedApi(APIView):
    """The caller's iCalendar address: POST makes a new one (the old stops), DELETE revokes it."""

    @extend_schema(
        request=None, responses={201: inline_serializer("Feed", {"url": serializers.URLField()})}
    )
    def post(self, request: Request) -> Response:
        secret = feed_create(user=signed_in_user(request))
        url = request.build_absolute_uri(reverse("calendar-feed", args=[secret]))
        return Response({"url": url}, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        feed_revoke(user=signed_in_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


def feed_ics(request: HttpRequest, secret: str) -> HttpResponse:
    """The feed itself: no session (calendar programs have none), the secret is the key."""
    user = feed_user(secret)
    if user is None:
        raise Http404("No such calendar.")
    response = HttpResponse(feed_render(user=user), content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


class NoticeApi(APIView):
    """Staff record the tax to pay for a deadline; the client is e-mailed daily until confirming."""

    class InputSerializer(serializers.Serializer):
        amount = serializers.DecimalField(max_digits=20, decimal_places=2)
        currency = serializers.RegexField(r"^[A-Za-z]{3}$")
        payment_reference = serializers.CharField(required=False, allow_blank=True, max_length=140)
        iban = serializers.CharField(required=False, allow_blank=True, max_length=42)

    @extend_schema(request=InputSerializer, responses={201: InputSerializer})
    def post(self, request: Request, event_id: int) -> Response:
        user = signed_in_user(request)
        event = selectors.event_get(user=user, event_id=event_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        notice = notice_set(actor=user, event=event, **data.validated_data)
        return Response(notice_payload(notice), status=status.HTTP_201_CREATED)


class NoticeSerializer(serializers.Serializer):
    """A tax-due notice as `calendar.notice` carries it (built by calendar_app.events)."""

    id = serializers.IntegerField()
    event = serializers.IntegerField()
    title = serializers.CharField()
    date = serializers.DateField()
    amount = serializers.DecimalField(max_digits=20, decimal_places=2)
    currency = serializers.CharField()
    payment_reference = serializers.CharField()
    iban = serializers.CharField()
    confirmed_at = serializers.DateTimeField(allow_null=True)
    confirmed_by = serializers.IntegerField(allow_null=True, help_text="null: by the e-mailed link")
    confirmed_by_name = serializers.CharField()


class NoticeListApi(APIView):
    """The tax-due notices of a company: open ones, and those confirmed in the last 90 days."""

    @extend_schema(responses={200: NoticeSerializer(many=True)})
    def get(self, request: Request, company_id: int) -> Response:
        user = signed_in_user(request)
        company = company_get(user, company_id)
        return Response(
            [notice_payload(n) for n in selectors.notice_list(user=user, company=company)]
        )


class NoticeConfirmApi(APIView):
    """The client's one click in the app (as the e-mailed link): confirms this notice only."""

    @extend_schema(request=None, responses={200: NoticeSerializer})
    def post(self, request: Request, event_id: int) -> Response:
        user = signed_in_user(request)
        event = selectors.event_get(user=user, event_id=event_id)
        notice = notice_confirm_in_app(actor=user, event=event, address=client_address(request))
        return Response(notice_payload(notice))


class EngagementSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    service = serializers.ChoiceField(choices=Service.choices)
    service_name = serializers.CharField(source="get_service_display", read_only=True)
    responsible = serializers.IntegerField(source="responsible_id")
    responsible_name = serializers.CharField(source="responsible.display_name", read_only=True)
    set_up_by = serializers.IntegerField(source="set_up_by_id", read_only=True)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True)


class ClientEngagementSerializer(serializers.Serializer):
    """What a client reads of the engagement: the services and their dates, as in the contract.
    Who in the office delivers each one (and the tasks it makes) is the office's own business."""

    service = serializers.ChoiceField(choices=Service.choices)
    service_name = serializers.CharField(source="get_service_display")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(allow_null=True)


class EngagementListApi(APIView):
    """The services agreed with a company, each generating the office's tasks. Staff read and
    set them in full; the company's clients read the services and dates only."""

    @extend_schema(
        responses={200: EngagementSerializer(many=True)},
        description="Clients get `service`, `service_name`, `starts_on` and `ends_on` only.",
    )
    def get(self, request: Request, company_id: int) -> Response:
        user = signed_in_user(request)
        company = company_get(user, company_id)
        agreed = selectors.engagement_list(user=user, company=company)
        shape = EngagementSerializer if is_staff_of(user, company) else ClientEngagementSerializer
        return Response(shape(agreed, many=True).data)

    @extend_schema(request=EngagementSerializer, responses={200: EngagementSerializer})
    def post(self, request: Request, company_id: int) -> Response:
        user = signed_in_user(request)
        company = company_get(user, company_id)
        require_staff(user, company)
        data = EngagementSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        responsible = User.objects.filter(pk=values.pop("responsible_id"), is_active=True).first()
        if responsible is None:
            raise services.CalendarError("bad_responsible", "Unknown person.")
        engagement = engagement_set(actor=user, company=company, responsible=responsible, **values)
        return Response(EngagementSerializer(engagement).data)


class MyTasksApi(APIView):
    """ "My tasks": the open tasks assigned to the caller, across every company."""

    @extend_schema(responses={200: EventSerializer(many=True)})
    def get(self, request: Request) -> Response:
        user = signed_in_user(request)
        tasks = selectors.event_list(user=user, kind=EventKind.TASK, assignee=user.pk).filter(
            done_at__isnull=True
        )
        return Response([event_payload(task) for task in tasks[:500]])
