"""Pages about one's own password: asking for a reset link and choosing a password with one
(signed out), changing it (signed in).

The link itself (`/password/<token>/`) comes from an invitation or a reset e-mail
(server/accounts/passwords.py); these pages only check it and pass the new password on.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.password_validation import password_validators_help_texts
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from server.accounts.passwords import (
    PasswordLinkInvalid,
    WrongPassword,
    password_change,
    password_reset_request,
    password_set_with_token,
    password_token_check,
)


class ForgotForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)


class NewPasswordForm(forms.Form):
    password = forms.CharField(label=_("New password"), strip=False, widget=forms.PasswordInput)
    repeat = forms.CharField(
        label=_("Repeat the password"), strip=False, widget=forms.PasswordInput
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("password") and data.get("repeat") and data["password"] != data["repeat"]:
            self.add_error("repeat", _("The two passwords differ. Type the same one twice."))
        return data


@never_cache
@require_http_methods(["GET", "POST"])
def password_forgot(request: HttpRequest) -> HttpResponse:
    form = ForgotForm(request.POST if request.method == "POST" else None)
    sent = False
    if form.is_valid():
        # The same answer whether or not the address has an account: it tells nobody which exist.
        password_reset_request(email=form.cleaned_data["email"], language=get_language() or "en")
        sent = True
    return render(request, "frontend/password_forgot.html", {"form": form, "sent": sent})


@never_cache
@sensitive_post_parameters("password", "repeat")
@require_http_methods(["GET", "POST"])
def password_set(request: HttpRequest, token: str) -> HttpResponse:
    try:
        person = password_token_check(token=token)
    except PasswordLinkInvalid as invalid:
        return render(
            request, "frontend/password_set.html", {"invalid": invalid.message}, status=410
        )
    form = NewPasswordForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            password_set_with_token(token=token, password=form.cleaned_data["password"])
        except PasswordLinkInvalid as invalid:  # used up meanwhile, in another tab
            return render(
                request, "frontend/password_set.html", {"invalid": invalid.message}, status=410
            )
        except ValidationError as weak:
            for problem in weak.message_dict.get("password", weak.messages):
                form.add_error("password", problem)
        else:
            messages.success(request, _("Your password is set. Sign in with it."))
            return redirect("frontend:login")
    context = {"form": form, "person": person, "rules": " ".join(password_validators_help_texts())}
    return render(request, "frontend/password_set.html", context)


class ChangePasswordForm(NewPasswordForm):
    current = forms.CharField(label=_("Current password"), strip=False, widget=forms.PasswordInput)


@never_cache
@login_required
@sensitive_post_parameters("current", "password", "repeat")
@require_http_methods(["GET", "POST"])
def password_change_page(request: HttpRequest) -> HttpResponse:
    """A new password for the signed-in person: this session stays, every other one ends."""
    form = ChangePasswordForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        user = request.user
        try:
            password_change(
                user=user,  # type: ignore[arg-type]
                current_password=form.cleaned_data["current"],
                new_password=form.cleaned_data["password"],
            )
        except WrongPassword as wrong:
            form.add_error("current", wrong.message)
        except ValidationError as weak:
            for problem in weak.message_dict.get("password", weak.messages):
                form.add_error("password", problem)
        else:
            update_session_auth_hash(request, user)  # type: ignore[arg-type]
            messages.success(
                request, _("Your password is changed. Every other session was signed out.")
            )
            return redirect("frontend:home")
    context = {"form": form, "rules": " ".join(password_validators_help_texts())}
    return render(request, "frontend/password_change.html", context)
