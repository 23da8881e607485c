"""The one place that decides who may see and touch which company's items.

Views, API views, consumers and tasks call these helpers; none filters by hand. Anything out of a
user's reach is reported as "not found" so that ids leak nothing.

- Office owners: every company of their office, shared and internal items.
- Accountants and assistants: the companies they are assigned to, shared and internal items.
- Client members: their own companies, shared items only.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.db.models import Model, Q, QuerySet
from django.http import Http404

from .models import (
    Assignment,
    Audience,
    ClientRole,
    Company,
    CompanyMember,
    OfficeMember,
    StaffRole,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from server.accounts.models import User

M = TypeVar("M", bound=Model)


class NotPermitted(Exception):
    """The user can see the object but may not do this to it (a client editing office data)."""

    code = "permission_denied"

    def __init__(self, message: str = "You may not do this.") -> None:
        super().__init__(message)
        self.message = message


def _is_signed_in(user: User | AnonymousUser | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def staff_company_ids(user: User) -> set[int]:
    """Companies whose internal items this user may see: as owner, or as assigned staff."""
    if not _is_signed_in(user):
        return set()
    memberships = OfficeMember.objects.filter(user=user, is_active=True)
    owner_offices = memberships.filter(role=StaffRole.OWNER).values("office")
    staff_offices = memberships.values("office")
    owned = Company.objects.filter(office__in=owner_offices).values_list("id", flat=True)
    # An assignment counts only while the user is still staff of the company's current office.
    assigned = Assignment.objects.filter(user=user, company__office__in=staff_offices).values_list(
        "company_id", flat=True
    )
    return set(owned) | set(assigned)


def client_company_ids(user: User) -> set[int]:
    if not _is_signed_in(user):
        return set()
    return set(CompanyMember.objects.filter(user=user).values_list("company_id", flat=True))


@dataclass(frozen=True)
class Reach:
    """What one user can see, computed once (for example when a socket connects)."""

    staff: frozenset[int]
    client: frozenset[int]

    @property
    def shared_only(self) -> frozenset[int]:
        return self.client - self.staff

    @property
    def companies(self) -> frozenset[int]:
        """Every company the user sees, from either side."""
        return self.staff | self.client

    def sees(self, company_id: int, audience: str = Audience.SHARED) -> bool:
        """`item_filter` for one item already in hand."""
        return company_id in self.staff or (
            company_id in self.client and audience == Audience.SHARED
        )

    def audience_for(self, company_id: int) -> str | None:
        if company_id in self.staff:
            return Audience.INTERNAL
        if company_id in self.client:
            return Audience.SHARED
        return None

    def item_filter(self, company_field: str = "company_id") -> Q:
        """A filter for items that carry a company and an audience."""
        return Q(**{f"{company_field}__in": self.staff}) | Q(
            **{f"{company_field}__in": self.shared_only, "audience": Audience.SHARED}
        )


# One request computes each user's reach once (it costs two to three queries and every selector
# needs it). Outside a request (tasks, tests calling services) there is no cache.
_reach_cache: ContextVar[dict[int, Reach] | None] = ContextVar("kontor_reach_cache", default=None)


def reach_of(user: User | AnonymousUser | None) -> Reach:
    if not _is_signed_in(user):
        return Reach(frozenset(), frozenset())
    signed_in = cast("User", user)
    cache = _reach_cache.get()
    if cache is not None and signed_in.pk in cache:
        return cache[signed_in.pk]
    reach = Reach(frozenset(staff_company_ids(signed_in)), frozenset(client_company_ids(signed_in)))
    if cache is not None:
        cache[signed_in.pk] = reach
    return reach


def reach_cache_clear(**_: Any) -> None:
    """Who sees what changed: the next check recomputes (a signal receiver)."""
    cache = _reach_cache.get()
    if cache:
        cache.clear()


class ReachPerRequestMiddleware:
    """Keeps each user's reach for the length of one HTTP request."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        token = _reach_cache.set({})
        try:
            return self.get_response(request)
        finally:
            _reach_cache.reset(token)


def companies_for(user: User, queryset: QuerySet[Company] | None = None) -> QuerySet[Company]:
    queryset = Company.objects.all() if queryset is None else queryset
    return queryset.filter(id__in=reach_of(user).companies)


def visible_to(user: User, queryset: QuerySet[M]) -> QuerySet[M]:
    """Items (with `company` and `audience`) the user may see."""
    return queryset.filter(reach_of(user).item_filter())


def company_get(user: User, company_id: int | str) -> Company:
    """The company if the user may see it, else Http404."""
    try:
        return companies_for(user).get(pk=int(company_id))
    except (Company.DoesNotExist, ValueError, TypeError):
        raise Http404("No such company.") from None


def is_staff_of(user: User, company: Company) -> bool:
    return company.pk in reach_of(user).staff


def require_member(user: User, company: Company) -> None:
    """For actions either side of a company may take (a client issuing its own invoice)."""
    if company.pk not in reach_of(user).companies:
        raise NotPermitted("Only the company's people and its office can do this.")


def require_staff(user: User, company: Company) -> None:
    """For office-only actions on a company the user can already see."""
    if not is_staff_of(user, company):
        raise NotPermitted("Only the office can do this.")


def people_who_see(company: Company, audience: str) -> list[User]:
    """Everyone who may see an item of `company` with this audience (notifications, the chat's
    list of participants): its office's active owners, its assigned staff who are still active
    staff there, and for shared items its own people."""
    from server.accounts.models import User

    people = Q(pk__in=[])
    if company.office_id is not None:
        office_staff = OfficeMember.objects.filter(office=company.office_id, is_active=True)
        owners = office_staff.filter(role=StaffRole.OWNER).values("user_id")
        assigned = Assignment.objects.filter(
            company=company, user__in=office_staff.values("user_id")
        ).values("user_id")
        people = Q(pk__in=owners) | Q(pk__in=assigned)
    if audience == Audience.SHARED:
        people |= Q(pk__in=CompanyMember.objects.filter(company=company).values("user_id"))
    return list(User.objects.filter(people, is_active=True))


def client_people(company: Company) -> QuerySet[CompanyMember]:
    """The company's own people (the client side), active accounts only, with their user."""
    return (
        CompanyMember.objects.filter(company=company, user__is_active=True)
        .select_related("user")
        .order_by("user__email")
    )


def office_staff_of(office_id: int) -> QuerySet[OfficeMember]:
    """Every staff membership of an office, deactivated ones included, with their user."""
    return (
        OfficeMember.objects.filter(office_id=office_id)
        .select_related("user")
        .order_by("user__email")
    )


def assignees_of(company: Company) -> QuerySet[Assignment]:
    """The assignments of a company whose person is still active staff of its office."""
    return (
        Assignment.objects.filter(
            company=company,
            user__office_memberships__office=company.office_id,
            user__office_memberships__is_active=True,
        )
        .select_related("user")
        .order_by("user__email")
    )


def assignments_in_office(office_id: int) -> QuerySet[Assignment]:
    """Every assignment in the office's companies whose person is still active staff there."""
    return Assignment.objects.filter(
        company__office=office_id,
        user__office_memberships__office=office_id,
        user__office_memberships__is_active=True,
    ).select_related("user", "company")


def owner_office_ids(user: User) -> set[int]:
    """The offices this user owns (as an active owner): their people are managed from there."""
    if not _is_signed_in(user):
        return set()
    return set(
        OfficeMember.objects.filter(user=user, role=StaffRole.OWNER, is_active=True).values_list(
            "office_id", flat=True
        )
    )


def owned_office_id(user: User, asked: int | str | None = None) -> int:
    """The office whose people `user` manages: `asked` if they own it, else the first they own;
    Http404 when they own none (or not the one asked for)."""
    owned = owner_office_ids(user)
    text = str(asked) if asked is not None else ""
    office_id = int(text) if text.isdigit() else min(owned, default=None)
    if office_id is None or office_id not in owned:
        raise Http404("No office of yours.")
    return office_id


def owner_office_id(user: User) -> int | None:
    """The first office this user owns (the pages' "People" link), if any."""
    return min(owner_office_ids(user), default=None)


def is_owner_of(user: User, company: Company) -> bool:
    return company.office_id is not None and company.office_id in owner_office_ids(user)


def is_client_admin_of(user: User, company: Company) -> bool:
    return (
        _is_signed_in(user)
        and CompanyMember.objects.filter(company=company, user=user, role=ClientRole.ADMIN).exists()
    )


def is_office_staff(user: User) -> bool:
    return _is_signed_in(user) and OfficeMember.objects.filter(user=user, is_active=True).exists()
