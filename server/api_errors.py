"""One error shape for the whole API: `{"code": "<stable code>", "message": "<sentence>"}`,
plus `"fields": {name: [sentences]}` when input was invalid."""

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from server.errors import DomainError
from server.tenancy.access import NotPermitted


def _fields(detail: Any) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {
            str(k): [str(m) for m in (v if isinstance(v, list) else [v])] for k, v in detail.items()
        }
    return {
        "non_field_errors": [str(m) for m in (detail if isinstance(detail, list) else [detail])]
    }


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        exc = exceptions.ValidationError(detail)
    if isinstance(exc, DomainError):
        return Response(
            {"code": exc.code, "message": exc.message, **exc.details}, status=exc.status
        )
    if isinstance(exc, NotPermitted):
        return Response(
            {"code": exc.code, "message": exc.message}, status=status.HTTP_403_FORBIDDEN
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Not found.")
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _fields(exc.detail)
        first = next(iter(fields.values()), ["The input is not valid."])[0]
        response.data = {"code": "invalid", "message": first, "fields": fields}
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else "error"
        response.data = {"code": code, "message": str(exc.detail)}
    return response
