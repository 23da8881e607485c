from django.contrib import admin

from .models import AccessRecord, DirectUpload, Document, Folder, Version


@admin.register(Folder)
class FolderAdmin(admin.ModelAdmin):
    list_display = ("name", "company", "access", "template_code")
    list_filter = ("access",)
    search_fields = ("name", "company__name")


class VersionInline(admin.TabularInline):
    model = Version
    extra = 0
    readonly_fields = (
        "number",
        "original_name",
        "size",
        "sha256",
        "content_type",
        "uploaded_by",
        "uploaded_at",
    )
    can_delete = False


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "company",
        "folder",
        "kind",
        "inbox_state",
        "published_at",
        "deleted_at",
    )
    list_filter = ("kind", "inbox_state", "audience")
    search_fields = ("name", "company__name", "supplier")
    inlines = [VersionInline]


@admin.register(AccessRecord)
class AccessRecordAdmin(admin.ModelAdmin):
    list_display = ("document", "user", "action", "address", "at")
    readonly_fields = ("document", "version", "user", "action", "address", "at")


admin.site.register(DirectUpload)
