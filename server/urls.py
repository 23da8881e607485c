from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from calendar_app.api import feed_ics
from calendar_app.views import tax_notice_confirm
from server.accounts.api import (
    MeApi,
    MyPasswordApi,
    MyTokenDetailApi,
    MyTokenListApi,
    PasswordResetApi,
    PasswordResetConfirmApi,
    SignOutApi,
    TokenApi,
    WsTicketApi,
)
from server.tenancy.api import CompanyDetailApi, CompanyListApi
from server.tenancy.people_api import (
    AssignmentDetailApi,
    AssignmentListApi,
    CompanyDetachApi,
    CompanyPeopleApi,
    CompanyPersonApi,
    OfficePeopleApi,
    OfficePersonApi,
)

api_v1: list[URLPattern | URLResolver] = [
    path("auth/token/", TokenApi.as_view(), name="auth-token"),
    path("ws-ticket/", WsTicketApi.as_view(), name="ws-ticket"),
    path("auth/sign-out/", SignOutApi.as_view(), name="auth-sign-out"),
    path("auth/password-reset/", PasswordResetApi.as_view(), name="password-reset"),
    path(
        "auth/password-reset/confirm/",
        PasswordResetConfirmApi.as_view(),
        name="password-reset-confirm",
    ),
    path("me/", MeApi.as_view(), name="me"),
    path("me/password/", MyPasswordApi.as_view(), name="my-password"),
    path("me/tokens/", MyTokenListApi.as_view(), name="my-tokens"),
    path("me/tokens/<int:token_id>/", MyTokenDetailApi.as_view(), name="my-token"),
    path("office/people/", OfficePeopleApi.as_view(), name="office-people"),
    path("office/people/<int:user_id>/", OfficePersonApi.as_view(), name="office-person"),
    path("companies/", CompanyListApi.as_view(), name="company-list"),
    path("companies/<int:company_id>/", CompanyDetailApi.as_view(), name="company-detail"),
    path(
        "companies/<int:company_id>/assignments/",
        AssignmentListApi.as_view(),
        name="assignment-list",
    ),
    path(
        "companies/<int:company_id>/assignments/<int:user_id>/",
        AssignmentDetailApi.as_view(),
        name="assignment-detail",
    ),
    path("companies/<int:company_id>/people/", CompanyPeopleApi.as_view(), name="company-people"),
    path(
        "companies/<int:company_id>/people/<int:user_id>/",
        CompanyPersonApi.as_view(),
        name="company-person",
    ),
    path("companies/<int:company_id>/detach/", CompanyDetachApi.as_view(), name="company-detach"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("", include("dossier.urls")),
    path("", include("chat.urls")),
    path("", include("calendar_app.urls")),
    path("", include("bookkeeping.urls")),
    path("", include("bookkeeping.report_urls")),
    path("", include("bookkeeping.invoices.urls")),
    path("", include("bookkeeping.purchases.urls")),
    path("", include("bookkeeping.payments.urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("calendar/feed/<str:secret>.ics", feed_ics, name="calendar-feed"),
    path("notices/confirm/<str:token>/", tax_notice_confirm, name="tax-notice-confirm"),
    path("api/v1/", include((api_v1, "api"))),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("frontend.urls")),
]
