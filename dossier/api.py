"""REST API of the dossier: thin views that parse, call one service or selector, and answer."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import FileResponse, HttpResponseRedirect, StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import BaseParser, FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from server.accounts.services import client_address, signed_in_user
from server.api_input import body_of
from server.tenancy.access import company_get

from . import selectors, services, storage
from .export import export_filename, export_stream
from .models import AccessAction, Document, DocumentKind, FolderAccess, InboxState, Version

# --- Serializers ---------------------------------------------------------------------------------


class FolderSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    parent = serializers.IntegerField(  # type: ignore[assignment]
        source="parent_id", allow_null=True, required=False
    )
    name = serializers.CharField(max_length=120)
    access = serializers.ChoiceField(choices=FolderAccess.choices, required=False)
    template_code = serializers.CharField(read_only=True)


class VersionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    content_type = serializers.CharField()
    uploaded_by = serializers.CharField(source="uploaded_by.display_name", default=None)
    uploaded_at = serializers.DateTimeField()
    has_preview = serializers.SerializerMethodField()

    def get_has_preview(self, version: Any) -> bool:
        return bool(version.preview_key)


class DocumentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    company = serializers.IntegerField(source="company_id")
    folder = serializers.IntegerField(source="folder_id")
    name = serializers.CharField()
    kind = serializers.CharField()
    tags = serializers.ListField(child=serializers.CharField())
    note = serializers.CharField()
    due_date = serializers.DateField(allow_null=True)
    amount = serializers.DecimalField(max_digits=20, decimal_places=2, allow_null=True)
    currency = serializers.CharField()
    supplier = serializers.CharField()
    inbox_state = serializers.CharField()
    inbox_reason = serializers.CharField()
    published_at = serializers.DateTimeField(allow_null=True)
    publish_note = serializers.CharField()
    ack_required = serializers.BooleanField()
    acknowledged_at = serializers.DateTimeField(allow_null=True)
    acknowledged_by = serializers.IntegerField(source="acknowledged_by_id", allow_null=True)
    deleted_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    version = VersionSerializer(source="current_version", allow_null=True)


def _datetime(value: datetime | None) -> str | None:
    """As DRF's DateTimeField writes it: in the current time zone, ISO 8601, UTC as "Z"."""
    if value is None:
        return None
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _version_row(version: Version | None) -> dict[str, Any] | None:
    if version is None:
        return None
    uploaded_by = version.uploaded_by
    return {
        "id": version.pk,
        "number": version.number,
        "name": version.original_name,
        "size": version.size,
        "sha256": version.sha256,
        "content_type": version.content_type,
        "uploaded_by": uploaded_by.display_name if uploaded_by is not None else None,
        "uploaded_at": _datetime(version.uploaded_at),
        "has_preview": bool(version.preview_key),
    }


def document_rows(documents: Iterable[Document]) -> list[dict[str, Any]]:
    """DocumentSerializer(documents, many=True).data, the same keys and values, written out by
    hand for the listing: DRF's field machinery was the largest share of a page's server time
    (bench/dossier_listing.py). tests/dossier/test_api.py holds the two to the same output."""
    return [
        {
            "id": d.pk,
            "company": d.company_id,
            "folder": d.folder_id,
            "name": d.name,
            "kind": d.kind,
            "tags": [str(tag) for tag in d.tags],
            "note": d.note,
            "due_date": d.due_date.isoformat() if d.due_date is not None else None,
            "amount": f"{d.amount.quantize(_CENTS):f}" if d.amount is not None else None,
            "currency": d.currency,
            "supplier": d.supplier,
            "inbox_state": d.inbox_state,
            "inbox_reason": d.inbox_reason,
            "published_at": _datetime(d.published_at),
            "publish_note": d.publish_note,
            "ack_required": d.ack_required,
            "acknowledged_at": _datetime(d.acknowledged_at),
            "acknowledged_by": d.acknowledged_by_id,
            "deleted_at": _datetime(d.deleted_at),
            "created_at": _datetime(d.created_at),
            "version": _version_row(d.current_version),
        }
        for d in documents
    ]


_CENTS = Decimal("0.01")


class DetailsSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    kind = serializers.ChoiceField(choices=DocumentKind.choices, required=False)
    tags = serializers.ListField(child=serializers.CharField(max_length=40), required=False)
    note = serializers.CharField(required=False, allow_blank=True)
    due_date = serializers.DateField(required=False, allow_null=True)
    amount = serializers.DecimalField(
        max_digits=20, decimal_places=2, required=False, allow_null=True
    )
    currency = serializers.RegexField(r"^[A-Z]{3}$", required=False, allow_blank=True)
    supplier = serializers.CharField(max_length=200, required=False, allow_blank=True)


class DocumentPages(CursorPagination):
    page_size = 50
    max_page_size = 200
    page_size_query_param = "page_size"
    ordering = ("-created_at", "-id")


# --- Upload size limit ---------------------------------------------------------------------------


class SizeLimitHandler(FileUploadHandler):
    """Stops reading a file once it passes the limit; Django then drops its temp file."""

    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.received = 0
        self.too_large = False

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > settings.KONTOR_UPLOAD_MAX_BYTES:
            self.too_large = True
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None


class UploadMixin:
    """Reads one multipart `file`, refusing an oversize one before it fills the disk."""

    parser_classes: Sequence[type[BaseParser]] = [MultiPartParser, FormParser, JSONParser]

    def _uploaded_file(self, request: Request) -> Any:
        limit = settings.KONTOR_UPLOAD_MAX_BYTES
        megabytes = limit // (1024 * 1024)
        if int(request.META.get("CONTENT_LENGTH") or 0) > limit + 1024 * 1024:
            raise services.TooLarge("too_large", f"The file is larger than {megabytes} MB.")
        guard = SizeLimitHandler(request._request)
        request._request.upload_handlers.insert(0, guard)
        upload = request.FILES.get("file")
        if guard.too_large:
            raise services.TooLarge("too_large", f"The file is larger than {megabytes} MB.")
        if upload is None:
            raise services.DossierError("no_file", "Attach the file as the multipart field 'file'.")
        return upload


# --- Folders -----------------------------------------------------------------------------------


class FolderListApi(APIView):
    @extend_schema(responses={200: FolderSerializer(many=True)})
    def get(self, request: Request, company_id: int) -> Response:
        company = company_get(signed_in_user(request), company_id)
        folders = selectors.folder_list(user=signed_in_user(request), company=company)
        return Response(FolderSerializer(folders, many=True).data)

    @extend_schema(request=FolderSerializer, responses={201: FolderSerializer})
    def post(self, request: Request, company_id: int) -> Response:
        company = company_get(signed_in_user(request), company_id)
        data = FolderSerializer(data=body_of(request))
        data.is_valid(raise_exception=True)
        parent_id = data.validated_data.get("parent_id")
        parent = (
            selectors.folder_get(user=signed_in_user(request), folder_id=parent_id)
            if parent_id
            else None
        )
        if parent is not None and parent.company_id != company.pk:
            return Response({"code": "not_found", "message": "No such folder."}, status=404)
        folder = services.folder_create(
            actor=signed_in_user(request),
            company=company,
            name=data.validated_data["name"],
            parent=parent,
            access=data.validated_data.get("access", ""),
        )
        return Response(FolderSerializer(folder).data, status=status.HTTP_201_CREATED)


class FolderDetailApi(APIView):
    @extend_schema(
        request=inline_serializer(
            "FolderUpdate",
            {
                "name": serializers.CharField(required=False),
                "parent": serializers.IntegerField(required=False, allow_null=True),
            },
        ),
        responses={200: FolderSerializer},
    )
    def patch(self, request: Request, folder_id: int) -> Response:
        user = signed_in_user(request)
        folder = selectors.folder_get(user=user, folder_id=folder_id)
        body = body_of(request)
        changes: dict[str, Any] = {}
        if "name" in body:
            changes["name"] = str(body["name"])
        if "parent" in body:
            parent_id = body["parent"]
            changes["parent"] = (
                selectors.folder_get(user=user, folder_id=parent_id) if parent_id else None
            )
        folder = services.folder_update(actor=user, folder=folder, **changes)
        return Response(FolderSerializer(folder).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, folder_id: int) -> Response:
        user = signed_in_user(request)
        services.folder_delete(
            actor=user, folder=selectors.folder_get(user=user, folder_id=folder_id)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Documents ---------------------------------------------------------------------------------


class DocumentListApi(UploadMixin, APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("folder", int),
            OpenApiParameter("kind", str, enum=DocumentKind.values),
            OpenApiParameter("inbox_state", str, enum=[s for s in InboxState.values if s]),
            OpenApiParameter("tag", str),
            OpenApiParameter("q", str, description="words in the name, note, supplier or text"),
            OpenApiParameter("trash", bool),
            OpenApiParameter("ordering", str, enum=list(selectors.ORDERINGS)),
        ],
        responses={200: DocumentSerializer(many=True)},
    )
    def get(self, request: Request, company_id: int) -> Response:
        user = signed_in_user(request)
        company = company_get(user, company_id)
        params = request.query_params
        folder = (
            selectors.folder_get(user=user, folder_id=params["folder"])
            if params.get("folder")
            else None
        )
        documents = selectors.document_list(
            user=user,
            company=company,
            folder=folder,
            kind=params.get("kind", ""),
            inbox_state=params.get("inbox_state", ""),
            tag=params.get("tag", ""),
            query=params.get("q", ""),
            trash=params.get("trash") in {"1", "true"},
            ordering=params.get("ordering", "newest"),
        )
        pages = DocumentPages()
        pages.ordering = selectors.ORDERINGS.get(params.get("ordering", ""), DocumentPages.ordering)
        page = pages.paginate_queryset(documents, request, view=self)
        return pages.get_paginated_response(document_rows(page or []))

    @extend_schema(
        request={
            "multipart/form-data": inline_serializer(
                "DocumentUpload",
                {
                    "file": serializers.FileField(),
                    "folder": serializers.IntegerField(),
                    "name": serializers.CharField(required=False),
                    "kind": serializers.ChoiceField(choices=DocumentKind.choices, required=False),
                    "note": serializers.CharField(required=False),
                },
            )
        },
        responses={201: DocumentSerializer},
    )
    def post(self, request: Request, company_id: int) -> Response:
        user = signed_in_user(request)
        company = company_get(user, company_id)
        upload = self._uploaded_file(request)
        folder = selectors.folder_get(user=user, folder_id=body_of(request).get("folder"))
        if folder.company_id != company.pk:
            return Response({"code": "not_found", "message": "No such folder."}, status=404)
        details = DetailsSerializer(
            data={k: v for k, v in body_of(request).items() if k not in {"file", "folder"}}
        )
        details.is_valid(raise_exception=True)
        fields = dict(details.validated_data)
        document = services.document_upload(
            actor=user,
            folder=folder,
            content=upload,
            name=fields.pop("name", None) or upload.name,
            **fields,
        )
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)


class DocumentDetailApi(APIView):
    @extend_schema(responses={200: DocumentSerializer})
    def get(self, request: Request, document_id: int) -> Response:
        document = selectors.document_get(user=signed_in_user(request), document_id=document_id)
        return Response(DocumentSerializer(document).data)

    @extend_schema(request=DetailsSerializer, responses={200: DocumentSerializer})
    def patch(self, request: Request, document_id: int) -> Response:
        document = selectors.document_get(
            user=signed_in_user(request), document_id=document_id, in_trash=False
        )
        details = DetailsSerializer(data=body_of(request), partial=True)
        details.is_valid(raise_exception=True)
        document = services.document_update(
            actor=signed_in_user(request),
            document=document,
            changes=dict(details.validated_data),
        )
        return Response(DocumentSerializer(document).data)

    @extend_schema(
        responses={200: DocumentSerializer}, description="Moves the document to the trash."
    )
    def delete(self, request: Request, document_id: int) -> Response:
        document = selectors.document_get(user=signed_in_user(request), document_id=document_id)
        document = services.document_trash(actor=signed_in_user(request), document=document)
        return Response(DocumentSerializer(document).data)


class DocumentActionApi(APIView):
    """POST documents/<id>/<action>/: restore, move, inbox, publish, acknowledge."""

    action_name = ""

    @extend_schema(
        request=inline_serializer(
            "DocumentAction",
            {
                "folder": serializers.IntegerField(required=False, help_text="move"),
                "state": serializers.ChoiceField(
                    choices=InboxState.choices, required=False, help_text="inbox"
                ),
                "reason": serializers.CharField(required=False, help_text="inbox: why rejected"),
                "note": serializers.CharField(required=False, help_text="publish"),
                "ack_required": serializers.BooleanField(required=False, help_text="publish"),
            },
        ),
        responses={200: DocumentSerializer},
    )
    def post(self, request: Request, document_id: int) -> Response:
        user = signed_in_user(request)
        in_trash = self.action_name == "restore"
        document = selectors.document_get(user=user, document_id=document_id, in_trash=in_trash)
        data = body_of(request)
        if self.action_name == "restore":
            document = services.document_restore(actor=user, document=document)
        elif self.action_name == "move":
            folder = selectors.folder_get(user=user, folder_id=data.get("folder"))
            document = services.document_move(actor=user, document=document, folder=folder)
        elif self.action_name == "inbox":
            document = services.document_inbox_move(
                actor=user,
                document=document,
                state=str(data.get("state", "")),
                reason=str(data.get("reason", "")),
            )
        elif self.action_name == "publish":
            document = services.document_publish(
                actor=user,
                document=document,
                note=str(data.get("note", "")),
                ack_required=data.get("ack_required") in {True, "true", "1"},
            )
        elif self.action_name == "acknowledge":
            document = services.document_acknowledge(actor=user, document=document)
        return Response(DocumentSerializer(document).data)


# --- Versions, downloads, previews, access history -----------------------------------------------


class VersionListApi(UploadMixin, APIView):
    @extend_schema(responses={200: VersionSerializer(many=True)})
    def get(self, request: Request, document_id: int) -> Response:
        document = selectors.document_get(user=signed_in_user(request), document_id=document_id)
        versions = document.versions.select_related("uploaded_by")
        return Response(VersionSerializer(versions, many=True).data)

    @extend_schema(
        request={
            "multipart/form-data": inline_serializer(
                "VersionUpload", {"file": serializers.FileField()}
            )
        },
        responses={201: VersionSerializer},
    )
    def post(self, request: Request, document_id: int) -> Response:
        document = selectors.document_get(
            user=signed_in_user(request), document_id=document_id, in_trash=False
        )
        upload = self._uploaded_file(request)
        version = services.version_upload(
            actor=signed_in_user(request),
            document=document,
            content=upload,
            name=upload.name,
        )
        return Response(VersionSerializer(version).data, status=status.HTTP_201_CREATED)


class DownloadApi(APIView):
    """The file of a version (the current one unless `?version=N`): on S3 a redirect to a link
    valid for a minute, on local storage the bytes themselves. Every fetch is recorded."""

    preview = False

    @extend_schema(
        parameters=[OpenApiParameter("version", int)],
        responses={(200, "application/octet-stream"): bytes, 302: None},
    )
    def get(self, request: Request, document_id: int) -> Any:
        document = selectors.document_get(user=signed_in_user(request), document_id=document_id)
        version = selectors.version_get(
            document=document, number=request.query_params.get("version")
        )
        if self.preview:
            if not version.preview_key:
                return Response(
                    {"code": "no_preview", "message": "There is no preview of this version."},
                    status=404,
                )
            key, name, content_type = (
                version.preview_key,
                f"{version.original_name}.png",
                "image/png",
            )
        else:
            key, name, content_type = (
                version.storage_key,
                version.original_name,
                version.content_type,
            )
        services.access_record(
            actor=signed_in_user(request),
            version=version,
            action=AccessAction.PREVIEW if self.preview else AccessAction.DOWNLOAD,
            address=client_address(request._request),
        )
        if storage.is_s3():
            return HttpResponseRedirect(
                storage.presigned_get(key, name, content_type, inline=self.preview)
            )
        response = FileResponse(storage.file_open(key), content_type=content_type)
        response["Content-Disposition"] = storage.content_disposition(
            name, "inline" if self.preview else "attachment"
        )
        return response


class AccessRecordSerializer(serializers.Serializer):
    user = serializers.CharField(source="user.display_name")
    user_id = serializers.IntegerField()
    action = serializers.CharField()
    version = serializers.IntegerField(source="version.number")
    address = serializers.CharField(allow_null=True)
    at = serializers.DateTimeField()


class AccessHistoryApi(APIView):
    @extend_schema(responses={200: AccessRecordSerializer(many=True)})
    def get(self, request: Request, document_id: int) -> Response:
        document = selectors.document_get(user=signed_in_user(request), document_id=document_id)
        records = selectors.access_history(document=document)[:500]
        return Response(AccessRecordSerializer(records, many=True).data)


# --- Inbox, direct uploads, export -------------------------------------------------------------


class InboxApi(APIView):
    """Staff: the documents waiting to be booked in every company they serve."""

    @extend_schema(responses={200: DocumentSerializer(many=True)})
    def get(self, request: Request) -> Response:
        documents = selectors.inbox(user=signed_in_user(request))[:500]
        return Response(DocumentSerializer(documents, many=True).data)


class DirectUploadStartApi(APIView):
    class InputSerializer(serializers.Serializer):
        folder = serializers.IntegerField(required=False)
        document = serializers.IntegerField(required=False, help_text="for a new version")
        name = serializers.CharField(max_length=200)
        size = serializers.IntegerField(min_value=1)
        sha256 = serializers.CharField(min_length=64, max_length=64)
        kind = serializers.ChoiceField(choices=DocumentKind.choices, required=False)
        part_size = serializers.IntegerField(
            required=False, min_value=1, help_text="multipart: the size of every part but the last"
        )
        part_sha256 = serializers.ListField(
            child=serializers.CharField(min_length=64, max_length=64),
            required=False,
            max_length=services.PARTS_MAX,
            help_text="multipart: the SHA-256 (hex) of each part, in order",
        )

    @extend_schema(
        request=InputSerializer,
        responses={
            201: inline_serializer(
                "DirectUploadForm",
                {
                    "id": serializers.UUIDField(),
                    "method": serializers.ChoiceField(choices=["post", "multipart"]),
                    "url": serializers.CharField(help_text="post: where to post the form"),
                    "fields": serializers.DictField(
                        child=serializers.CharField(), help_text="post: the form's fields"
                    ),
                    "parts": inline_serializer(
                        "DirectUploadPart",
                        {
                            "number": serializers.IntegerField(),
                            "url": serializers.URLField(),
                            "size": serializers.IntegerField(),
                            "headers": serializers.DictField(child=serializers.CharField()),
                        },
                        many=True,
                        help_text="multipart: PUT each part to its url with these headers",
                    ),
                    "expires_in": serializers.IntegerField(),
                },
            )
        },
    )
    def post(self, request: Request, company_id: int) -> Response:
        user = signed_in_user(request)
        company = company_get(user, company_id)
        data = self.InputSerializer(data=body_of(request))
        data.is_valid(raise_exception=True)
        values = data.validated_data
        document = (
            selectors.document_get(user=user, document_id=values["document"], in_trash=False)
            if values.get("document")
            else None
        )
        folder = (
            document.folder
            if document
            else selectors.folder_get(user=user, folder_id=values.get("folder"))
        )
        if folder.company_id != company.pk:
            return Response({"code": "not_found", "message": "No such folder."}, status=404)
        form = services.direct_upload_start(
            actor=user,
            folder=folder,
            document=document,
            name=values["name"],
            size=values["size"],
            sha256=values["sha256"],
            kind=values.get("kind", DocumentKind.OTHER),
            part_size=values.get("part_size", 0),
            part_sha256=values.get("part_sha256"),
        )
        return Response(
            {
                "id": form.upload.pk,
                "method": "multipart" if form.parts else "post",
                "url": form.url,
                "fields": form.fields,
                "parts": [
                    {
                        "number": part.number,
                        "url": part.url,
                        "size": part.size,
                        "headers": {"x-amz-checksum-sha256": part.checksum},
                    }
                    for part in form.parts
                ],
                "expires_in": form.expires_in,
            },
            status=status.HTTP_201_CREATED,
        )


class DirectUploadFinishApi(APIView):
    @extend_schema(request=None, responses={201: DocumentSerializer})
    def post(self, request: Request, upload_id: str) -> Response:
        upload = selectors.direct_upload_get(user=signed_in_user(request), upload_id=upload_id)
        document = services.direct_upload_finish(actor=signed_in_user(request), upload=upload)
        return Response(DocumentSerializer(Document.objects.get(pk=document.pk)).data, status=201)


class DirectUploadDetailApi(APIView):
    @extend_schema(
        responses={204: None},
        description="Cancels a direct upload: the parts or file sent so far are deleted.",
    )
    def delete(self, request: Request, upload_id: str) -> Response:
        upload = selectors.direct_upload_get(user=signed_in_user(request), upload_id=upload_id)
        services.direct_upload_abort(actor=signed_in_user(request), upload=upload)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ExportApi(APIView):
    """The whole dossier the caller may see, as a zip streamed while it is written."""

    @extend_schema(responses={(200, "application/zip"): bytes})
    def get(self, request: Request, company_id: int) -> StreamingHttpResponse:
        company = company_get(signed_in_user(request), company_id)
        response = StreamingHttpResponse(
            export_stream(user=signed_in_user(request), company=company),
            content_type="application/zip",
        )
        response["Content-Disposition"] = storage.content_disposition(export_filename(company))
        return response
