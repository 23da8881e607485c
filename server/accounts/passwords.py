"""Ways in without the admin: an invitation link for a person just added, a reset link on request.

Both are one-time links (`PasswordToken`): only the SHA-256 of the token is stored, a link works
once, and it expires after `KONTOR_PASSWORD_LINK_HOURS` (72 h). Setting a password through one
ends every other session, token, ticket and socket of that person.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from server.audit.services import audit_record
from server.errors import DomainError

from .models import PasswordToken, User
from .services import user_credentials_revoke

logger = logging.getLogger(__name__)


class PasswordLinkInvalid(DomainError):
    def __init__(self) -> None:
        super().__init__(
            "link_invalid",
            _(
                "This link has expired or was already used. Ask for a new one with"
                " “Forgot password?” on the sign-in page."
            ),
        )


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def password_link(token: str) -> str:
    return f"{settings.KONTOR_SITE_URL}/password/{token}/"


def password_token_issue(*, user: User, purpose: str) -> str:
    """A new one-time link token; earlier unused links of the same person stop working."""
    now = timezone.now()
    PasswordToken.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
    token = secrets.token_urlsafe(32)
    PasswordToken.objects.create(
        digest=_digest(token),
        user=user,
        purpose=purpose,
        expires_at=now + timedelta(hours=settings.KONTOR_PASSWORD_LINK_HOURS),
    )
    return token


def _mail_on_commit(user: User, subject: str, body: str) -> None:
    def send() -> None:
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        except Exception:
            # The change stands; the person can ask for a new link with "Forgot password?".
            logger.exception("Sending a password link to user %s failed", user.pk)

    transaction.on_commit(send, robust=True)


def invitation_send(*, user: User, invited_by: User, place: str, language: str) -> None:
    """E-mail `user` a link to set their password and come in (inside the adding transaction)."""
    token = password_token_issue(user=user, purpose=PasswordToken.Purpose.INVITATION)
    with translation.override(language):
        subject = _("%(name)s invites you to Kontor") % {"name": invited_by.display_name}
        body = _(
            "%(name)s added you to %(place)s on Kontor.\n\n"
            "Choose your password here to come in (the link works once, for %(hours)s hours):\n"
            "%(link)s\n"
        ) % {
            "name": invited_by.display_name,
            "place": place,
            "hours": settings.KONTOR_PASSWORD_LINK_HOURS,
            "link": password_link(token),
        }
    _mail_on_commit(user, subject, body)


def password_reset_request(*, email: str, language: str) -> None:
    """Send a reset link if an active account has this address. The caller answers the same
    whether or not it has, so that the answer tells nobody which addresses exist."""
    user = User.objects.filter(email=email.strip().lower(), is_active=True).first()
    if user is None or not _reset_mail_allowed(user):
        return
    with transaction.atomic():
        token = password_token_issue(user=user, purpose=PasswordToken.Purpose.RESET)
        with translation.override(language):
            subject = _("Reset your Kontor password")
            body = _(
                "Someone asked to reset the password of %(email)s on Kontor.\n\n"
                "Choose a new password here (the link works once, for %(hours)s hours):\n"
                "%(link)s\n\n"
                "If it was not you, ignore this e-mail: your password stays as it is.\n"
            ) % {
                "email": user.email,
                "hours": settings.KONTOR_PASSWORD_LINK_HOURS,
                "link": password_link(token),
            }
        _mail_on_commit(user, subject, body)


# At most this many reset e-mails per person and hour: the form must not become a mail cannon.
RESET_MAILS_PER_HOUR = 5


def _reset_mail_allowed(user: User) -> bool:
    key = f"password-reset:{user.pk}"
    if cache.add(key, 1, timeout=3600):
        return True
    try:
        return int(cache.incr(key)) <= RESET_MAILS_PER_HOUR
    except ValueError:  # expired between add and incr
        return cache.add(key, 1, timeout=3600)


def _live_links(token: str) -> QuerySet[PasswordToken]:
    """The link with this token, while it is unused and unexpired."""
    return PasswordToken.objects.select_related("user").filter(
        digest=_digest(token), used_at__isnull=True, expires_at__gt=timezone.now()
    )


def _password_checked(user: User, password: str) -> None:
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None


def _password_store(user: User, password: str, action: str, keep_token_id: int | None) -> None:
    """Set the password, use up every open link, record it, and end every other way in."""
    PasswordToken.objects.filter(user=user, used_at__isnull=True).update(used_at=timezone.now())
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=user, action=action, subject=user)
    user_credentials_revoke(user=user, keep_token_id=keep_token_id)


def password_token_check(*, token: str) -> User:
    """The person a link is for, if it is unused and unexpired (the page shows the form)."""
    found = _live_links(token).first()
    if found is None or not found.user.is_active:
        raise PasswordLinkInvalid()
    return found.user


def password_set_with_token(*, token: str, password: str) -> User:
    """Set the password of the link's person, use the link up, and end every other way in."""
    with transaction.atomic():
        found = _live_links(token).select_for_update().first()
        if found is None or not found.user.is_active:
            raise PasswordLinkInvalid()
        _password_checked(found.user, password)
        _password_store(found.user, password, "user.password_set_by_link", keep_token_id=None)
    return found.user


class WrongPassword(DomainError):
    def __init__(self) -> None:
        super().__init__("wrong_password", _("The current password is not right."))


def password_change(
    *, user: User, current_password: str, new_password: str, keep_token_id: int | None = None
) -> None:
    """A signed-in person sets a new password. Every other session and token ends and every
    socket of theirs closes (4401); the request's own token (`keep_token_id`) stays, and the
    caller keeps the request's own session with `update_session_auth_hash`."""
    if not user.check_password(current_password):
        raise WrongPassword()
    _password_checked(user, new_password)
    with transaction.atomic():
        _password_store(user, new_password, "user.password_changed", keep_token_id)


def password_tokens_prune() -> int:
    deleted, _ = PasswordToken.objects.filter(expires_at__lt=timezone.now()).delete()
    return deleted
