from django.urls import path

from . import api

urlpatterns = [
    path("companies/<int:company_id>/accounts/", api.AccountListApi.as_view(), name="account-list"),
    path("accounts/<int:account_id>/", api.AccountDetailApi.as_view(), name="account-detail"),
    path("companies/<int:company_id>/journals/", api.JournalListApi.as_view(), name="journal-list"),
    path(
        "companies/<int:company_id>/fiscal-years/",
        api.FiscalYearListApi.as_view(),
        name="fiscal-year-list",
    ),
    path(
        "fiscal-years/<int:fiscal_year_id>/close/",
        api.FiscalYearCloseApi.as_view(),
        name="fiscal-year-close",
    ),
    path("companies/<int:company_id>/entries/", api.EntryListApi.as_view(), name="entry-list"),
    path("entries/<int:entry_id>/", api.EntryDetailApi.as_view(), name="entry-detail"),
    path("entries/<int:entry_id>/post/", api.EntryPostApi.as_view(), name="entry-post"),
    path("entries/<int:entry_id>/reverse/", api.EntryReverseApi.as_view(), name="entry-reverse"),
    path("companies/<int:company_id>/parties/", api.PartyListApi.as_view(), name="party-list"),
    path("parties/<int:party_id>/", api.PartyDetailApi.as_view(), name="party-detail"),
    path(
        "companies/<int:company_id>/vat-codes/", api.VatCodeListApi.as_view(), name="vat-code-list"
    ),
    path(
        "companies/<int:company_id>/books-settings/",
        api.BooksSettingsApi.as_view(),
        name="books-settings",
    ),
]
