"""Reads of companies, already scoped to what the user may see."""

from django.db.models import QuerySet

from server.accounts.models import User

from .access import company_get, reach_of
from .models import Company


def company_list(*, user: User) -> QuerySet[Company]:
    return Company.objects.for_user(user).select_related("office")


def company_detail(*, user: User, company_id: int | str) -> Company:
    return company_get(user, company_id)


def my_side(*, user: User, company: Company) -> str:
    """ "office" when the user serves the company, "client" when the user belongs to it."""
    return "office" if company.pk in reach_of(user).staff else "client"
