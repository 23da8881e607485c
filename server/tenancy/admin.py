from django.contrib import admin

from .models import Assignment, Company, CompanyMember, Office, OfficeMember


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
class OfficeAdmin(admin.ModelAdmin):
    list_display = ("name", "created_at")
    search_fields = ("name",)
    inlines = [OfficeMemberInline]


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ("name", "country", "vat_number", "office", "vat_regime", "employer")
    list_filter = ("country", "vat_regime", "employer", "office")
    search_fields = ("name", "vat_number")
    inlines = [CompanyMemberInline, AssignmentInline]


admin.site.register(OfficeMember)
admin.site.register(CompanyMember)
admin.site.register(Assignment)
