"""Server-rendered pages; the live parts are small ES modules in static/kontor/."""

from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from server.accounts.services import SignInError, user_sign_in_check
from server.realtime.replay import latest_event_id
from server.tenancy.selectors import company_detail, company_list, my_side

TABS = ("chat", "dossier", "calendar", "books")


@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    error = None
    email = ""
    if request.method == "POST":
        email = request.POST.get("email", "")
        try:
            user = user_sign_in_check(
                request=request, email=email, password=request.POST.get("password", "")
            )
        except SignInError as refusal:
            error = _(refusal.message)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("frontend:home")
    status = 429 if error and "Too many" in error else (400 if error else 200)
    return render(request, "frontend/sign_in.html", {"error": error, "email": email}, status=status)


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("frontend:login")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    companies = company_list(user=request.user)  # type: ignore[arg-type]
    return render(
        request,
        "frontend/home.html",
        {"companies": companies, "last_event_id": latest_event_id()},
    )


@login_required
def workspace(request: HttpRequest, company_id: int, tab: str = "chat") -> HttpResponse:
    if tab not in TABS:
        raise Http404("No such tab.")
    company = company_detail(user=request.user, company_id=company_id)  # type: ignore[arg-type]
    return render(
        request,
        "frontend/workspace.html",
        {
            "company": company,
            "tab": tab,
            "tabs": TABS,
            "side": my_side(user=request.user, company=company),  # type: ignore[arg-type]
            "last_event_id": latest_event_id(),
        },
    )
