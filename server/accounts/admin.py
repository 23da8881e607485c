from contextvars import ContextVar
from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.forms import ModelForm
from django.http import HttpRequest

from .models import User
from .services import signed_in_user, user_account_changed

# Who is changing a password in the admin (the form is built without the request).
_admin_actor: ContextVar[User | None] = ContextVar("kontor_admin_actor", default=None)


class PasswordChangeThroughService(AdminPasswordChangeForm):
    """A password set in the admin ends the person's other ways in, as a reset link does."""

    def save(self, commit: bool = True) -> Any:
        user = super().save(commit=commit)
        user_account_changed(actor=_admin_actor.get(), user=user, change="password_changed")
        return user


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "is_active", "is_staff")
    search_fields = ("email", "first_name", "last_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Name", {"fields": ("first_name", "last_name")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    change_password_form = PasswordChangeThroughService

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> Any:
        token = _admin_actor.set(signed_in_user(request))
        try:
            return super().user_change_password(request, id, form_url)
        finally:
            _admin_actor.reset(token)

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            user_account_changed(actor=signed_in_user(request), user=obj, change="deactivated")
