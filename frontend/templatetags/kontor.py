"""Template helpers of the page frame."""

from __future__ import annotations

from django import template
from django.utils.html import json_script

from server.tenancy.access import is_office_staff as _is_office_staff
from server.tenancy.access import owner_office_id

from .. import strings

register = template.Library()


@register.filter
def is_office_staff(user: object) -> bool:
    """Whether the header shows the staff inbox (a member of any office)."""
    return bool(getattr(user, "is_authenticated", False)) and _is_office_staff(user)  # type: ignore[arg-type]


@register.filter
def owns_office(user: object) -> bool:
    """Whether the header links the People page (an active owner of an office)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return owner_office_id(user) is not None  # type: ignore[arg-type]


@register.simple_tag
def live_strings() -> str:
    """The words live.js shows, as the JSON block it reads (`live-i18n`)."""
    return json_script(strings.translated(strings.LIVE), "live-i18n")
