from django.contrib import admin

from .models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("id", "kind", "company", "audience", "created_at")
    list_filter = ("kind", "audience")
    readonly_fields = ("id", "company", "audience", "kind", "payload", "created_at")
