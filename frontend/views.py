"""Server-rendered pages; the live parts are small ES modules in static/kontor/."""

from __future__ import annotations

from datetime import date

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

from server.accounts.services import SignInError, SignInThrottled, user_sign_in_check
from server.realtime.replay import latest_event_id
from server.tenancy.models import Country, VatRegime
from server.tenancy.selectors import company_detail, company_list, my_side

# slug -> (link text, what the tab body says until the feature lands)
TABS = {
    "chat": (_("Chat"), _("The chat is coming soon.")),
    "dossier": (_("Dossier"), _("The shared dossier is coming soon.")),
    "calendar": (_("Calendar"), _("The calendar of deadlines is coming soon.")),
    "books": (_("Books"), _("The books are coming soon.")),
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
    companies = company_list(user=request.user)  # type: ignore[arg-type]
    context = {"companies": companies, "labels": _live_labels(), "last_event_id": latest_event_id()}
    return render(request, "frontend/home.html", context)


@login_required
def workspace(request: HttpRequest, company_id: int, tab: str = "chat") -> HttpResponse:
    if tab not in TABS:
        raise Http404("No such tab.")
    company = company_detail(user=request.user, company_id=company_id)  # type: ignore[arg-type]
    context = {
        "company": company,
        "tab": tab,
        "tabs": [(slug, label) for slug, (label, _coming) in TABS.items()],
        "tab_label": TABS[tab][0],
        "coming": TABS[tab][1],
        # A leap year, so that any day the profile allows can be shown.
        "fiscal_year_end": date(2000, company.fiscal_year_end_month, company.fiscal_year_end_day),
        "side": my_side(user=request.user, company=company),  # type: ignore[arg-type]
        "labels": _live_labels(),
        "last_event_id": latest_event_id(),
    }
    return render(request, "frontend/workspace.html", context)
