"""Template helpers of the page frame."""

from __future__ import annotations

from django import template

from server.tenancy.access import is_office_staff as _is_office_staff

register = template.Library()


@register.filter
def is_office_staff(user: object) -> bool:
    """Whether the header shows the staff inbox (a member of any office)."""
    return bool(getattr(user, "is_authenticated", False)) and _is_office_staff(user)  # type: ignore[arg-type]
