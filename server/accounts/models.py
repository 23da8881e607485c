"""People sign in with their e-mail address; there is no separate user name."""

from datetime import datetime, timedelta
from typing import ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields: object) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields: object) -> "User":
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **fields)


class User(AbstractUser):
    """`is_staff` here means Django-admin access only; office staff are OfficeMember rows."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects = UserManager()  # type: ignore[assignment,misc]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.email


class WsTicket(models.Model):
    """A one-time ticket to open the socket without a session cookie (non-browser clients).

    Only the SHA-256 of the ticket is stored, so a database read does not yield usable tickets.
    """

    digest = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    # What the ticket was issued under ("token:<id>" or "session:<digest>"): signing out of that
    # closes the sockets the ticket opened.
    credential = models.CharField(max_length=80, blank=True)

    def __str__(self) -> str:
        return f"socket ticket of {self.user_id}, expires {self.expires_at:%Y-%m-%d %H:%M:%S}"

    @staticmethod
    def expiry(seconds: int) -> datetime:
        return timezone.now() + timedelta(seconds=seconds)


class ApiToken(models.Model):
    """An API token (`Authorization: Token <key>`); a person may hold several, one per client.

    Only the SHA-256 of the key is stored. Revoking a token deletes the row and closes the sockets
    opened with tickets it issued.
    """

    digest = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"API token {self.pk} of {self.user_id}"


class PasswordToken(models.Model):
    """A one-time link to set a password: an invitation or a reset. Only its SHA-256 is stored."""

    class Purpose(models.TextChoices):
        INVITATION = "invitation", _("Invitation")
        RESET = "reset", _("Password reset")

    digest = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    purpose = models.CharField(max_length=12, choices=Purpose.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.purpose} link of {self.user_id}, expires {self.expires_at:%Y-%m-%d %H:%M}"
