from django.contrib import admin

from .models import Account, Entry, FiscalYear, Journal, Line, Party, VatCode


class LineInline(admin.TabularInline):
    model = Line
    extra = 0
    fields = ("account", "party", "description", "debit", "credit", "currency", "vat_code")
    raw_id_fields = ("account", "party", "vat_code")


@admin.register(Entry)
class EntryAdmin(admin.ModelAdmin):
    list_display = ("id", "company", "journal", "number", "date", "state", "source")
    list_filter = ("state", "source")
    inlines = [LineInline]
    raw_id_fields = ("company", "journal", "fiscal_year", "reverses")

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        # Posted entries change only by reversal (the services and the database refuse it too).
        return obj is None or obj.state == "draft"

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return obj is None or obj.state == "draft"


@admin.register(Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "company", "kind", "role", "active")
    search_fields = ("code", "name")


@admin.register(Party)
class PartyAdmin(admin.ModelAdmin):
    list_display = ("name", "company", "kind", "vat_number", "country")
    search_fields = ("name", "vat_number")


admin.site.register([Journal, FiscalYear, VatCode])
