"""Server-rendered pages; the live parts are small ES modules in static/kontor/."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.dates import MONTHS_ALT
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from dossier import selectors as dossier_selectors
from dossier.models import DocumentKind, InboxState
from server.accounts.models import User
from server.accounts.services import (
    SignInError,
    SignInThrottled,
    session_signed_out,
    user_sign_in_check,
)
from server.realtime.replay import latest_event_id
from server.tenancy.access import (
    client_people,
    is_client_admin_of,
    is_office_staff,
    is_owner_of,
    reach_of,
)
from server.tenancy.models import Company, Country, VatRegime
from server.tenancy.selectors import company_detail, company_list, my_side

from . import books_views, calendar_views, chat_strings, chat_views, strings

# slug -> (link text, what the tab body says until the feature lands)
TABS = {
    "chat": (_("Chat"), ""),
    "dossier": (_("Dossier"), ""),
    "calendar": (_("Calendar"), ""),
    "books": (_("Books"), ""),
}


def _safe_next(request: HttpRequest) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@never_cache
@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.method == "GET":
        return redirect(_safe_next(request) or "frontend:home")
    error, status, email = None, 200, ""
    if request.method == "POST":
        email = request.POST.get("email", "")
        try:
            user = user_sign_in_check(
                request=request, email=email, password=request.POST.get("password", "")
            )
        except SignInError as refusal:
            error = str(refusal.message)  # a lazy translation: render it in this request
            status = 429 if isinstance(refusal, SignInThrottled) else 400
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect(_safe_next(request) or "frontend:home")
    context = {"error": error, "email": email, "next": _safe_next(request) or ""}
    return render(request, "frontend/sign_in.html", context, status=status)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.session.session_key:
        # Before logout flushes the session: the sockets opened under it close with it.
        session_signed_out(user=request.user, session_key=request.session.session_key)  # type: ignore[arg-type]
    logout(request)
    return redirect("frontend:login")


def _live_labels() -> dict[str, dict[str, str]]:
    """Display names the page needs to redraw a `company.updated` event in the user's language."""
    return {
        "country": {code: str(label) for code, label in Country.choices},
        "vat_regime": {code: str(label) for code, label in VatRegime.choices},
        "month": {f"{number:02d}": str(name) for number, name in MONTHS_ALT.items()},
    }


@login_required
def home(request: HttpRequest) -> HttpResponse:
    companies = list(company_list(user=request.user))  # type: ignore[arg-type]
    context = {
        "companies": companies,
        # live.js reloads the page when the person's set of companies changes.
        "company_ids": ",".join(str(company.pk) for company in companies),
        "labels": _live_labels(),
        "last_event_id": latest_event_id(),
    }
    context.update(calendar_views.home_context(request.user, companies))  # type: ignore[arg-type]
    unread = chat_views.unread_by_company(request)
    for company in companies:
        company.unread = unread.get(company.pk, 0)  # type: ignore[attr-defined]
    return render(request, "frontend/home.html", context)


@login_required
def workspace(request: HttpRequest, company_id: int, tab: str = "chat") -> HttpResponse:
    if tab not in TABS:
        raise Http404("No such tab.")
    company = company_detail(user=request.user, company_id=company_id)  # type: ignore[arg-type]
    side = my_side(user=request.user, company=company)  # type: ignore[arg-type]
    context = {
        "company": company,
        "tab": tab,
        "tabs": [(slug, label) for slug, (label, _coming) in TABS.items()],
        "tab_label": TABS[tab][0],
        "coming": TABS[tab][1],
        # A leap year, so that any day the profile allows can be shown.
        "fiscal_year_end": date(2000, company.fiscal_year_end_month, company.fiscal_year_end_day),
        "side": side,
        # The People link: the client's administrators and the office's owner manage people.
        "manages_people": is_client_admin_of(request.user, company)  # type: ignore[arg-type]
        or is_owner_of(request.user, company),  # type: ignore[arg-type]
        "labels": _live_labels(),
        "last_event_id": latest_event_id(),
    }
    if tab == "dossier":
        context.update(_dossier_context(company, side))
    elif tab == "chat":
        context.update(chat_views.chat_context(request, company, side))
    elif tab == "calendar":
        context.update(calendar_views.calendar_context(company, request.user))  # type: ignore[arg-type]
    elif tab == "books":
        context.update(books_views.books_context(company, request.user))  # type: ignore[arg-type]
    return render(request, "frontend/workspace.html", context)


# What lands in a folder of the template is usually of one kind: an upload there gets that kind.
FOLDER_KINDS = {
    "statutes": DocumentKind.STATUTES,
    "contracts": DocumentKind.CONTRACT,
    "general_meetings": DocumentKind.MINUTES,
    "annual_accounts": DocumentKind.BALANCE,
    "vat_returns": DocumentKind.VAT_RETURN,
    "payroll": DocumentKind.PAYROLL,
    "bank_statements": DocumentKind.BANK_STATEMENT,
    "purchase_invoices": DocumentKind.PURCHASE_INVOICE,
    "sales_invoices": DocumentKind.SALES_INVOICE,
}


def _client_names(company: Company) -> dict[int, str]:
    """The company's client users by id: the API names who confirmed a document only by id."""
    return {member.user_id: member.user.display_name for member in client_people(company)}


def _dossier_context(company: Company, side: str) -> dict[str, object]:
    kinds = [(value, str(label)) for value, label in DocumentKind.choices]
    return {
        "kinds": kinds,
        "dossier_config": {
            "company": company.pk,
            "side": side,
            "kinds": kinds,
            "states": {value: str(label) for value, label in InboxState.choices},
            "people": _client_names(company),
            "folder_kinds": {code: str(kind) for code, kind in FOLDER_KINDS.items()},
            "upload_max_bytes": settings.KONTOR_UPLOAD_MAX_BYTES,
        },
        "dossier_strings": strings.translated({**strings.DOSSIER, **chat_strings.DISCUSS}),
    }


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """Office staff: what clients sent and nobody booked yet, in every company they serve."""
    user: User = request.user  # type: ignore[assignment]
    if not is_office_staff(user):
        raise Http404("The inbox is for office staff.")
    served = reach_of(user).staff
    documents = dossier_selectors.inbox(user=user).filter(company_id__in=served)[:500]
    companies = company_list(user=user).filter(id__in=served)
    context = {
        "documents": documents,
        "labels": _live_labels(),
        "last_event_id": latest_event_id(),
        "inbox_config": {
            "companies": {company.pk: company.name for company in companies},
            "kinds": {value: str(label) for value, label in DocumentKind.choices},
            "states": {value: str(label) for value, label in InboxState.choices},
            "strings": strings.translated(strings.INBOX),
        },
    }
    return render(request, "frontend/inbox.html", context)
