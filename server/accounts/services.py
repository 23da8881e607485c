"""Sign-in: password checks with throttling, API tokens and one-time socket tickets."""

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.contrib.auth import authenticate
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token

from .models import User, WsTicket


class SignInError(Exception):
    code = "invalid_credentials"
    message = _("The e-mail address or the password is wrong.")


class SignInThrottled(SignInError):
    code = "too_many_attempts"
    message = _("Too many failed sign-ins. Wait a few minutes, then try again.")


def _failure_keys(email: str, client_address: str) -> list[str]:
    email_key = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    return [f"signin-fail:email:{email_key}", f"signin-fail:addr:{client_address}"]


def _is_throttled(email: str, client_address: str) -> bool:
    limit = settings.KONTOR_LOGIN_MAX_FAILURES
    # An address gets more room than one account: an office behind one NAT signs in together.
    counts = cache.get_many(_failure_keys(email, client_address))
    by_email, by_addr = _failure_keys(email, client_address)
    return counts.get(by_email, 0) >= limit or counts.get(by_addr, 0) >= limit * 4


def _record_failure(email: str, client_address: str) -> None:
    window = settings.KONTOR_LOGIN_WINDOW_SECONDS
    for key in _failure_keys(email, client_address):
        if not cache.add(key, 1, timeout=window):
            try:
                cache.incr(key)
            except ValueError:  # expired between add and incr
                cache.add(key, 1, timeout=window)


def signed_in_user(request: Any) -> User:
    """The request's user, typed: views behind IsAuthenticated only ever see a real User."""
    return cast(User, request.user)


def client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


def user_sign_in_check(*, request: HttpRequest, email: str, password: str) -> User:
    """The user for these credentials, or SignInError; repeated failures lock the address out."""
    address = client_address(request)
    if _is_throttled(email, address):
        raise SignInThrottled()
    user = authenticate(request, username=email.strip().lower(), password=password)
    if user is None or not user.is_active:
        _record_failure(email, address)
        raise SignInError()
    cache.delete(_failure_keys(email, address)[0])
    return user  # type: ignore[return-value]


def api_token_get_or_create(*, user: User) -> str:
    token, _ = Token.objects.get_or_create(user=user)
    return token.key


def _digest(ticket: str) -> str:
    return hashlib.sha256(ticket.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedTicket:
    ticket: str
    expires_in: int


def ws_ticket_issue(*, user: User) -> IssuedTicket:
    seconds = settings.KONTOR_WS_TICKET_SECONDS
    ticket = secrets.token_urlsafe(32)
    WsTicket.objects.create(digest=_digest(ticket), user=user, expires_at=WsTicket.expiry(seconds))
    return IssuedTicket(ticket=ticket, expires_in=seconds)


def ws_ticket_redeem(*, ticket: str) -> User | None:
    """The ticket's user if it is valid, unused and unexpired; it can never be used again."""
    now = timezone.now()
    with transaction.atomic():
        claimed = WsTicket.objects.filter(
            digest=_digest(ticket), used_at__isnull=True, expires_at__gt=now
        ).update(used_at=now)
        if claimed != 1:
            return None
        found = WsTicket.objects.select_related("user").get(digest=_digest(ticket))
    return found.user if found.user.is_active else None


def ws_tickets_prune() -> int:
    deleted, _ = WsTicket.objects.filter(expires_at__lt=timezone.now()).delete()
    return deleted
