"""REST API of the chat: thin views over the same services the socket actions call."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dossier.selectors import document_get
from server.accounts.services import signed_in_user
from server.api_input import body_of
from server.tenancy.access import company_get

from . import selectors, services
from .events import message_payload, read_payload, request_payload
from .models import NotifyMode, RequestState


class ThreadSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    company = serializers.IntegerField(source="company_id")
    kind = serializers.CharField()
    audience = serializers.CharField()
    title = serializers.CharField()
    subject_type = serializers.CharField()
    subject_id = serializers.IntegerField(allow_null=True)
    resolved_at = serializers.DateTimeField(allow_null=True)
    last_message_at = serializers.DateTimeField(allow_null=True)
    unread = serializers.IntegerField(required=False, default=0)


class MessageSerializer(serializers.Serializer):
    """Schema only: the payload is built by chat.events."""

    id = serializers.IntegerField()
    thread = serializers.IntegerField()
    author = serializers.IntegerField()
    author_name = serializers.CharField()
    internal_note = serializers.BooleanField()
    body = serializers.CharField()
    html = serializers.CharField(help_text="the Markdown rendered safely")
    reply_to = serializers.IntegerField(allow_null=True)
    mentions = serializers.ListField(child=serializers.IntegerField())
    attachments = serializers.ListField(child=serializers.DictField())
    created_at = serializers.DateTimeField()
    edited_at = serializers.DateTimeField(allow_null=True)
    deleted_at = serializers.DateTimeField(allow_null=True)
    client_id = serializers.UUIDField(allow_null=True)


class MessagePages(CursorPagination):
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    ordering = ("-id",)


# --- Threads -------------------------------------------------------------------------------------


class ThreadListApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("resolved", bool, description="include resolved threads")],
        responses={200: ThreadSerializer(many=True)},
    )
    def get(self, request: Request, company_id: int) -> Response:
        user = signed_in_user(request)
        company = company_get(user, company_id)
        include_resolved = request.query_params.get("resolved") in {"1", "true"}
        threads = selectors.thread_list(
            user=user, company=company, include_resolved=include_resolved
        )
        return Response(ThreadSerializer(threads, many=True).data)

    @extend_schema(
        request=inline_serializer(
            "ThreadCreate",
            {"title": serializers.CharField(), "internal": serializers.BooleanField(default=False)},
        ),
        responses={201: ThreadSerializer},
    )
    def post(self, request: Request, company_id: int) -> Response:
        user = signed_in_user(request)
        company = company_get(user, company_id)
        body = body_of(request)
        thread = services.thread_create(
            actor=user,
            company=company,
            title=str(body.get("title", "")),
            internal=body.get("internal") in {True, "true", "1"},
        )
        return Response(ThreadSerializer(thread).data, status=status.HTTP_201_CREATED)


class ThreadForSubjectApi(APIView):
    """ "Discuss": the thread about an object, created on first use."""

    @extend_schema(
        request=inline_serializer(
            "ThreadForSubject",
            {
                "subject_type": serializers.CharField(help_text="e.g. dossier.document"),
                "subject_id": serializers.IntegerField(),
                "internal": serializers.BooleanField(default=False),
            },
        ),
        responses={200: ThreadSerializer, 201: ThreadSerializer},
    )
    def post(self, request: Request) -> Response:
        body = body_of(request)
        try:
            subject_id = int(body.get("subject_id"))
        except (TypeError, ValueError):
            raise serializers.ValidationError({"subject_id": ["Give the object's id."]}) from None
        thread, created = services.thread_for_subject(
            actor=signed_in_user(request),
            subject_type=str(body.get("subject_type", "")),
            subject_id=subject_id,
            internal=body.get("internal") in {True, "true", "1"},
        )
        return Response(ThreadSerializer(thread).data, status=201 if created else 200)


class ThreadDetailApi(APIView):
    @extend_schema(responses={200: ThreadSerializer})
    def get(self, request: Request, thread_id: int) -> Response:
        thread = selectors.thread_get(user=signed_in_user(request), thread_id=thread_id)
        return Response(ThreadSerializer(thread).data)


class ThreadResolveApi(APIView):
    @extend_schema(
        request=inline_serializer("ThreadResolve", {"resolved": serializers.BooleanField()}),
        responses={200: ThreadSerializer},
    )
    def post(self, request: Request, thread_id: int) -> Response:
        user = signed_in_user(request)
        thread = selectors.thread_get(user=user, thread_id=thread_id)
        resolved = body_of(request).get("resolved", True) in {True, "true", "1"}
        thread = services.thread_resolve(actor=user, thread=thread, resolved=resolved)
        return Response(ThreadSerializer(thread).data)


# --- Messages ------------------------------------------------------------------------------------


class MessageListApi(APIView):
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        parameters=[OpenApiParameter("page_size", int)],
        responses={200: MessageSerializer(many=True)},
    )
    def get(self, request: Request, thread_id: int) -> Response:
        user = signed_in_user(request)
        thread = selectors.thread_get(user=user, thread_id=thread_id)
        pages = MessagePages()
        page = pages.paginate_queryset(
            selectors.message_page(user=user, thread=thread), request, self
        )
        attached = selectors.attachments_of(page or [])
        return pages.get_paginated_response(
            [message_payload(m, attachments=attached.get(m.pk, [])) for m in page or []]
        )

    @extend_schema(
        request=inline_serializer(
            "MessageSend",
            {
                "body": serializers.CharField(required=False),
                "client_id": serializers.UUIDField(required=False),
                "reply_to": serializers.IntegerField(required=False),
                "internal": serializers.BooleanField(required=False, help_text="staff note"),
                "attachments": serializers.ListField(
                    child=serializers.IntegerField(),
                    required=False,
                    help_text="dossier document ids",
                ),
                "file": serializers.FileField(
                    required=False, help_text="multipart: a new attachment"
                ),
            },
        ),
        responses={200: MessageSerializer, 201: MessageSerializer},
    )
    def post(self, request: Request, thread_id: int) -> Response:
        user = signed_in_user(request)
        thread = selectors.thread_get(user=user, thread_id=thread_id)
        body = body_of(request)
        reply_to = body.get("reply_to")
        ids = (
            body.getlist("attachments") if hasattr(body, "getlist") else body.get("attachments", [])
        )
        attachments = [document_get(user=user, document_id=i) for i in ids or []]
        if upload := request.FILES.get("file"):
            attachments.append(
                services.attachment_upload(
                    actor=user, thread=thread, content=upload, name=upload.name
                )
            )
        sent = services.message_send(
            actor=user,
            thread=thread,
            body=str(body.get("body", "")),
            client_id=body.get("client_id") or None,
            reply_to=selectors.message_get(user=user, message_id=reply_to) if reply_to else None,
            internal_note=body.get("internal") in {True, "true", "1"},
            attachments=attachments,
        )
        return Response(message_payload(sent.message), status=201 if sent.created else 200)


class MessageDetailApi(APIView):
    @extend_schema(
        request=inline_serializer("MessageEdit", {"body": serializers.CharField()}),
        responses={200: MessageSerializer},
    )
    def patch(self, request: Request, message_id: int) -> Response:
        user = signed_in_user(request)
        message = selectors.message_get(user=user, message_id=message_id)
        message = services.message_edit(
            actor=user, message=message, body=str(body_of(request).get("body", ""))
        )
        return Response(message_payload(message))

    @extend_schema(responses={200: MessageSerializer})
    def delete(self, request: Request, message_id: int) -> Response:
        user = signed_in_user(request)
        message = selectors.message_get(user=user, message_id=message_id)
        return Response(message_payload(services.message_delete(actor=user, message=message)))


class MessageHistoryApi(APIView):
    @extend_schema(
        responses={
            200: inline_serializer(
                "MessageEditHistory",
                {
                    "previous_body": serializers.CharField(),
                    "editor": serializers.CharField(),
                    "edited_at": serializers.DateTimeField(),
                },
                many=True,
            )
        }
    )
    def get(self, request: Request, message_id: int) -> Response:
        message = selectors.message_get(user=signed_in_user(request), message_id=message_id)
        return Response(
            [
                {
                    "previous_body": e.previous_body,
                    "editor": e.editor.display_name,
                    "edited_at": e.edited_at,
                }
                for e in selectors.message_history(message=message)
            ]
        )


# --- Read state ----------------------------------------------------------------------------------


class ReadStateSerializer(serializers.Serializer):
    """Schema only: the payload is built by chat.events."""

    thread = serializers.IntegerField()
    user = serializers.IntegerField()
    last_read = serializers.IntegerField()
    at = serializers.DateTimeField(allow_null=True)
    name = serializers.CharField(required=False, help_text="the reader's name (GET only)")


class ThreadReadApi(APIView):
    @extend_schema(
        responses={200: ReadStateSerializer(many=True)}, description="Who has read how far."
    )
    def get(self, request: Request, thread_id: int) -> Response:
        thread = selectors.thread_get(user=signed_in_user(request), thread_id=thread_id)
        return Response(
            [
                {**read_payload(s), "name": s.user.display_name}
                for s in selectors.read_states(thread=thread)
            ]
        )

    @extend_schema(
        request=inline_serializer(
            "ThreadReadMark", {"message": serializers.IntegerField(required=False)}
        ),
        responses={200: ReadStateSerializer},
    )
    def post(self, request: Request, thread_id: int) -> Response:
        user = signed_in_user(request)
        thread = selectors.thread_get(user=user, thread_id=thread_id)
        up_to = body_of(request).get("message")
        state = services.thread_read(actor=user, thread=thread, up_to=int(up_to) if up_to else None)
        return Response(read_payload(state))


class UnreadApi(APIView):
    @extend_schema(
        responses={
            200: inline_serializer(
                "Unread", {"companies": serializers.DictField(child=serializers.IntegerField())}
            )
        }
    )
    def get(self, request: Request) -> Response:
        return Response({"companies": selectors.unread_by_company(user=signed_in_user(request))})


# --- Requests ------------------------------------------------------------------------------------


class ChatRequestSerializer(serializers.Serializer):
    """Schema only: the payload is built by chat.events."""

    id = serializers.IntegerField()
    thread = serializers.IntegerField()
    message = serializers.IntegerField()
    title = serializers.CharField()
    due_date = serializers.DateField(allow_null=True)
    state = serializers.ChoiceField(choices=RequestState.choices)
    closed_by = serializers.IntegerField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    answer = serializers.IntegerField(allow_null=True)


class MessageRequestApi(APIView):
    @extend_schema(
        request=inline_serializer(
            "RequestCreate",
            {
                "title": serializers.CharField(required=False),
                "due_date": serializers.DateField(required=False),
            },
        ),
        responses={201: ChatRequestSerializer},
    )
    def post(self, request: Request, message_id: int) -> Response:
        user = signed_in_user(request)
        message = selectors.message_get(user=user, message_id=message_id)
        data = serializers.DateField(required=False, allow_null=True)
        due = body_of(request).get("due_date")
        made = services.request_create(
            actor=user,
            message=message,
            title=str(body_of(request).get("title", "")),
            due_date=data.to_internal_value(due) if due else None,
        )
        return Response(request_payload(made), status=status.HTTP_201_CREATED)


class RequestListApi(APIView):
    """Open requests: a client's to-do list, or a staff member's across their companies."""

    @extend_schema(
        parameters=[OpenApiParameter("company", int)],
        responses={200: ChatRequestSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        user = signed_in_user(request)
        company_id = request.query_params.get("company")
        company = company_get(user, company_id) if company_id else None
        return Response(
            [request_payload(r) for r in selectors.requests_open(user=user, company=company)]
        )


class RequestDetailApi(APIView):
    @extend_schema(
        request=inline_serializer(
            "RequestClose", {"state": serializers.ChoiceField(choices=RequestState.choices)}
        ),
        responses={200: ChatRequestSerializer},
    )
    def post(self, request: Request, request_id: int) -> Response:
        user = signed_in_user(request)
        item = selectors.request_get(user=user, request_id=request_id)
        item = services.request_close(
            actor=user, request=item, state=str(body_of(request).get("state", ""))
        )
        return Response(request_payload(item))


# --- Search and preferences ----------------------------------------------------------------------


class SearchApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, required=True),
            OpenApiParameter("company", int),
            OpenApiParameter("thread", int),
        ],
        responses={200: MessageSerializer(many=True)},
    )
    def get(self, request: Request) -> Response:
        user = signed_in_user(request)
        params = request.query_params
        company = company_get(user, params["company"]) if params.get("company") else None
        thread = (
            selectors.thread_get(user=user, thread_id=params["thread"])
            if params.get("thread")
            else None
        )
        found = selectors.message_search(
            user=user, query=params.get("q", ""), company=company, thread=thread
        )
        return Response([message_payload(m) for m in found[:100]])


class PreferencesApi(APIView):
    class PreferencesSerializer(serializers.Serializer):
        notify = serializers.ChoiceField(choices=NotifyMode.choices, required=False)
        read_receipts = serializers.BooleanField(required=False)

    @extend_schema(responses={200: PreferencesSerializer})
    def get(self, request: Request) -> Response:
        preferences = services.preferences_update(actor=signed_in_user(request))
        return Response(self.PreferencesSerializer(preferences).data)

    @extend_schema(request=PreferencesSerializer, responses={200: PreferencesSerializer})
    def patch(self, request: Request) -> Response:
        data = self.PreferencesSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        preferences = services.preferences_update(
            actor=signed_in_user(request), **data.validated_data
        )
        return Response(self.PreferencesSerializer(preferences).data)
