"""The Django admin of offices and companies. Who works where changes only through the services
of `services/people.py`, as in the product: recorded in the audit log, published, and every open
socket of the people concerned follows at once."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest

from server.accounts.services import signed_in_user
from server.errors import DomainError

from .access import NotPermitted
from .models import Assignment, Company, CompanyMember, Office, OfficeMember
from .services import (
    assignment_add,
    assignment_remove,
    company_office_change,
    company_person_add,
    company_person_remove,
    office_person_add,
    office_person_remove,
    office_person_update,
)


def _membership_save(request: HttpRequest, obj: Model, change: bool) -> None:
    """Add or change one membership row through its service."""
    actor = signed_in_user(request)
    if isinstance(obj, OfficeMember):
        if change:
            office_person_update(
                actor=actor, office=obj.office, user_id=obj.user_id, role=obj.role,
                active=obj.is_active,
            )  # fmt: skip
        else:
            office_person_add(actor=actor, office=obj.office, user=obj.user, role=obj.role)
            if not obj.is_active:
                office_person_update(
                    actor=actor, office=obj.office, user_id=obj.user_id, active=False
                )
    elif isinstance(obj, CompanyMember):
        if change:  # a new role: the row is replaced, so both sides are told
            company_person_remove(actor=actor, company=obj.company, user_id=obj.user_id)
        company_person_add(actor=actor, company=obj.company, user=obj.user, role=obj.role)
    elif isinstance(obj, Assignment):
        if change:
            old = Assignment.objects.get(pk=obj.pk)
            assignment_remove(actor=actor, company=old.company, user_id=old.user_id)
        assignment_add(actor=actor, company=obj.company, user_id=obj.user_id)


def _membership_delete(request: HttpRequest, obj: Model) -> None:
    actor = signed_in_user(request)
    if isinstance(obj, OfficeMember):
        office_person_remove(actor=actor, office=obj.office, user_id=obj.user_id)
    elif isinstance(obj, CompanyMember):
        company_person_remove(actor=actor, company=obj.company, user_id=obj.user_id)
    elif isinstance(obj, Assignment):
        assignment_remove(actor=actor, company=obj.company, user_id=obj.user_id)


def _refused(request: HttpRequest, error: Exception) -> None:
    message = getattr(error, "message", str(error))
    messages.error(request, message)
    raise PermissionDenied(message) from error


class ThroughServices:
    """For the membership admins: save and delete through the services, never row by row."""

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        try:
            _membership_save(request, obj, change)
        except (DomainError, NotPermitted) as error:
            _refused(request, error)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        try:
            _membership_delete(request, obj)
        except (DomainError, NotPermitted) as error:
            _refused(request, error)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


class InlinesThroughServices:
    """For the office and company admins: their member inlines go through the services too."""

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        if formset.model not in (OfficeMember, CompanyMember, Assignment):
            formset.save()
            return
        try:
            instances = formset.save(commit=False)
            for obj in formset.deleted_objects:
                _membership_delete(request, obj)
            changed = {obj.pk for obj, _fields in formset.changed_objects}
            for obj in instances:
                _membership_save(request, obj, obj.pk in changed)
        except (DomainError, NotPermitted) as error:
            _refused(request, error)


class OfficeMemberInline(admin.TabularInline):
    model = OfficeMember
    extra = 0
    autocomplete_fields = ["user"]


class CompanyMemberInline(admin.TabularInline):
    model = CompanyMember
    extra = 0
    autocomplete_fields = ["user"]


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Office)
class OfficeAdmin(InlinesThroughServices, admin.ModelAdmin):
    list_display = ("name", "created_at")
    search_fields = ("name",)
    inlines = [OfficeMemberInline]


@admin.register(Company)
class CompanyAdmin(InlinesThroughServices, admin.ModelAdmin):
    list_display = ("name", "country", "vat_number", "office", "vat_regime", "employer")
    list_filter = ("country", "vat_regime", "employer", "office")
    search_fields = ("name", "vat_number")
    inlines = [CompanyMemberInline, AssignmentInline]

    def save_model(self, request: HttpRequest, obj: Any, form: ModelForm, change: bool) -> None:
        # A new office (or none: the cooperation ended) moves who sees the company: the service.
        if change and "office" in form.changed_data:
            new_office = obj.office
            obj.office_id = Company.objects.values_list("office", flat=True).get(pk=obj.pk)
            super().save_model(request, obj, form, change)
            company_office_change(actor=signed_in_user(request), company=obj, office=new_office)
            obj.office = new_office
            return
        super().save_model(request, obj, form, change)


@admin.register(OfficeMember)
class OfficeMemberAdmin(ThroughServices, admin.ModelAdmin):
    list_display = ("user", "office", "role", "is_active")
    autocomplete_fields = ["user"]


@admin.register(CompanyMember)
class CompanyMemberAdmin(ThroughServices, admin.ModelAdmin):
    list_display = ("user", "company", "role")
    autocomplete_fields = ["user"]


@admin.register(Assignment)
class AssignmentAdmin(ThroughServices, admin.ModelAdmin):
    list_display = ("user", "company")
    autocomplete_fields = ["user"]
