"""Reads of the books, already scoped to what the user may see.

Accounts, journals, fiscal years, VAT codes and parties belong to both sides of a company; entries
carry an audience (drafts are internal, posted entries shared).
"""

from __future__ import annotations

from django.db.models import Model, QuerySet
from django.http import Http404

from server.accounts.models import User
from server.tenancy.access import reach_of
from server.tenancy.models import Company

from .models import Account, BooksSettings, Entry, FiscalYear, Journal, Party, VatCode


def _companies(user: User) -> frozenset[int]:
    return reach_of(user).companies


def _get(queryset: QuerySet, user: User, pk: int | str, what: str) -> Model:
    try:
        return queryset.filter(company_id__in=_companies(user)).get(pk=int(pk))
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(f"No such {what}.") from None


def account_list(*, company: Company) -> QuerySet[Account]:
    return Account.objects.filter(company=company).order_by("code")


def account_get(*, user: User, account_id: int | str) -> Account:
    return _get(Account.objects.select_related("company"), user, account_id, "account")  # type: ignore[return-value]


def journal_list(*, company: Company) -> QuerySet[Journal]:
    return Journal.objects.filter(company=company).order_by("code")


def fiscal_year_list(*, company: Company) -> QuerySet[FiscalYear]:
    return FiscalYear.objects.filter(company=company).order_by("-start")


def fiscal_year_get(*, user: User, fiscal_year_id: int | str) -> FiscalYear:
    return _get(  # type: ignore[return-value]
        FiscalYear.objects.select_related("company"), user, fiscal_year_id, "fiscal year"
    )


def vat_code_list(*, company: Company) -> QuerySet[VatCode]:
    return VatCode.objects.filter(company=company).order_by("code")


def books_settings_get(*, company: Company) -> BooksSettings:
    try:
        return BooksSettings.objects.get(company=company)
    except BooksSettings.DoesNotExist:
        raise Http404("The books of this company are not set up.") from None


def _entries(user: User) -> QuerySet[Entry]:
    return (
        Entry.objects.visible_to(user)
        .select_related("journal", "fiscal_year", "company")
        .prefetch_related("lines")
    )


def entry_list(
    *, user: User, company: Company, journal: str = "", account: str = "", state: str = ""
) -> QuerySet[Entry]:
    entries = _entries(user).filter(company=company)
    if journal:
        entries = entries.filter(journal_id=int(journal) if journal.isdigit() else -1)
    if account:
        entries = entries.filter(lines__account_id=int(account) if account.isdigit() else -1)
        entries = entries.distinct()
    if state:
        entries = entries.filter(state=state)
    return entries.order_by("-date", "-id")


def entry_get(*, user: User, entry_id: int | str) -> Entry:
    try:
        return _entries(user).get(pk=int(entry_id))
    except (Entry.DoesNotExist, ValueError, TypeError):
        raise Http404("No such entry.") from None


def party_list(*, company: Company, query: str = "", kind: str = "") -> QuerySet[Party]:
    parties = Party.objects.filter(company=company)
    if query:
        parties = parties.filter(name__icontains=query) | parties.filter(
            vat_number__icontains=query.replace(" ", "").upper()
        )
    if kind:
        parties = parties.filter(kind__in=[kind, "both"])
    return parties.order_by("name", "id")


def party_get(*, user: User, party_id: int | str) -> Party:
    return _get(Party.objects.select_related("company"), user, party_id, "party")  # type: ignore[return-value]
