"""Small helpers the API views of every app share."""

from typing import Any

from rest_framework.request import Request


def body_of(request: Request) -> Any:
    """The parsed body: a dict (JSON) or a QueryDict (forms); both answer .get()."""
    return request.data
