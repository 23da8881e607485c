"""The page behind the link in a tax-due notice: no sign-in, the signed link is the key, and it
can confirm this one notice and nothing else. GET only shows it (mail scanners open links); the
button confirms."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from server.accounts.services import client_address
from server.errors import DomainError

from .reminders import notice_confirm, notice_from_token


@require_http_methods(["GET", "POST"])
def tax_notice_confirm(request: HttpRequest, token: str) -> HttpResponse:
    try:
        if request.method == "POST":
            notice = notice_confirm(token=token, address=client_address(request))
        else:
            notice = notice_from_token(token)
    except DomainError as refusal:
        return render(
            request, "calendar_app/notice_confirm.html", {"error": refusal.message}, status=404
        )
    return render(request, "calendar_app/notice_confirm.html", {"notice": notice})
