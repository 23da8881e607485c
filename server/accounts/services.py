"""Sign-in: password checks with throttling, API tokens, one-time socket tickets, signing out.

A socket remembers the credential it was opened with ("token:<id>" for a ticket issued through
an API token, "session:<digest>" for a browser session); ending that credential closes it.
Setting and resetting passwords with one-time links lives in `passwords.py`.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from importlib import import_module
from typing import Any, cast

from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY, authenticate, logout
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _

from server.audit.services import audit_record
from server.errors import DomainError
from server.realtime.personal import credential_revoked

from .models import ApiToken, User, WsTicket


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


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_issue(*, user: User, name: str = "") -> str:
    """A new API token for `user`; only its digest is kept, the key is shown once."""
    key = secrets.token_urlsafe(30)
    ApiToken.objects.create(digest=_digest(key), user=user, name=name[:100])
    return key


# A token's last use is written at most this often: not a database write per request.
TOKEN_USE_RESOLUTION = timedelta(minutes=5)


def api_token_authenticate(*, key: str) -> ApiToken | None:
    """The live token for this key whose person is active, or None."""
    token = ApiToken.objects.select_related("user").filter(digest=_digest(key)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > TOKEN_USE_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


class TokenNotFound(DomainError):
    status = 404


def api_token_revoke(*, user: User, token_id: int) -> None:
    """Delete one of `user`'s tokens and close the sockets opened with tickets it issued."""
    with transaction.atomic():
        deleted, _ = ApiToken.objects.filter(pk=token_id, user=user).delete()
        if not deleted:
            raise TokenNotFound("not_found", "Not found.")
        credential = token_credential(token_id)
        WsTicket.objects.filter(credential=credential, used_at__isnull=True).delete()
        credential_revoked(user.pk, credential)


def token_credential(token_id: int) -> str:
    return f"token:{token_id}"


def session_credential(session_key: str) -> str:
    # A digest, not the key: the credential travels through Redis and sits in ticket rows.
    return f"session:{_digest(session_key)[:40]}"


def credential_of(request: Any) -> str:
    """What authenticated this request: its API token, else its session."""
    if isinstance(getattr(request, "auth", None), ApiToken):
        return token_credential(request.auth.pk)
    session = getattr(request, "session", None)
    key = session.session_key if session is not None else None
    return session_credential(key) if key else ""


def session_signed_out(*, user: User, session_key: str) -> None:
    """A browser session ended: close its sockets (call before the session is flushed)."""
    credential = session_credential(session_key)
    WsTicket.objects.filter(credential=credential, used_at__isnull=True).delete()
    credential_revoked(user.pk, credential)


def user_sign_out(*, request: Any) -> None:
    """End the credential this request was made with: its API token, or its session."""
    user = signed_in_user(request)
    if isinstance(getattr(request, "auth", None), ApiToken):
        api_token_revoke(user=user, token_id=request.auth.pk)
        return
    django_request = getattr(request, "_request", request)
    if django_request.session.session_key:
        session_signed_out(user=user, session_key=django_request.session.session_key)
    logout(django_request)


def user_account_changed(*, actor: User | None, user: User, change: str) -> None:
    """After a new password or a deactivation made outside a link (the Django admin): record it
    and end every token, ticket and socket of the person."""
    audit_record(actor=actor, action=f"user.{change}", subject=user)
    user_credentials_revoke(user=user)


def user_credentials_revoke(*, user: User, keep_token_id: int | None = None) -> None:
    """Every token, ticket and socket of `user` ends (a new password, a deactivated account),
    but the token `keep_token_id` (the one that changed the password). Browser sessions end by
    themselves: Django checks a session against the password hash and the account's active flag
    on every request."""
    tokens = ApiToken.objects.filter(user=user)
    if keep_token_id is not None:
        tokens = tokens.exclude(pk=keep_token_id)
    tokens.delete()
    WsTicket.objects.filter(user=user, used_at__isnull=True).delete()
    credential_revoked(user.pk, None)


@dataclass(frozen=True)
class IssuedTicket:
    ticket: str
    expires_in: int


def ws_ticket_issue(*, user: User, credential: str = "") -> IssuedTicket:
    """A one-time socket ticket, issued under `credential` (what authenticated the request)."""
    seconds = settings.KONTOR_WS_TICKET_SECONDS
    ticket = secrets.token_urlsafe(32)
    WsTicket.objects.create(
        digest=_digest(ticket),
        user=user,
        expires_at=WsTicket.expiry(seconds),
        credential=credential,
    )
    return IssuedTicket(ticket=ticket, expires_in=seconds)


@dataclass(frozen=True)
class RedeemedTicket:
    user: User
    credential: str


def ws_ticket_redeem(*, ticket: str) -> RedeemedTicket | None:
    """The ticket's user and credential if it is valid, unused and unexpired; it can never be
    used again."""
    now = timezone.now()
    with transaction.atomic():
        claimed = WsTicket.objects.filter(
            digest=_digest(ticket), used_at__isnull=True, expires_at__gt=now
        ).update(used_at=now)
        if claimed != 1:
            return None
        found = WsTicket.objects.select_related("user").get(digest=_digest(ticket))
    if not found.user.is_active:
        return None
    return RedeemedTicket(user=found.user, credential=found.credential)


def socket_credential_valid(
    *, user_id: int, credential: str, session_key: str | None = None
) -> User | None:
    """The person behind an open socket, if the account is active and its credential still
    holds: the token exists, the browser session exists and matches the current password."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return None
    if session_key:
        store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
        if store.get(SESSION_KEY) != str(user.pk) or not constant_time_compare(
            store.get(HASH_SESSION_KEY, ""), user.get_session_auth_hash()
        ):
            return None
    if credential.startswith("token:"):
        token_id = credential.removeprefix("token:")
        if (
            not token_id.isdigit()
            or not ApiToken.objects.filter(pk=int(token_id), user=user).exists()
        ):
            return None
    return user


def ws_tickets_prune() -> int:
    deleted, _ = WsTicket.objects.filter(expires_at__lt=timezone.now()).delete()
    return deleted
