from django.contrib import admin

from .models import ChatPreferences, Message, OfficeChatSettings, Request, Thread


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ("__str__", "company", "kind", "audience", "resolved_at", "last_message_at")
    list_filter = ("kind", "audience")
    search_fields = ("title", "company__name")


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("id", "thread", "author", "audience", "created_at", "deleted_at")
    list_filter = ("audience",)
    search_fields = ("body",)
    raw_id_fields = ("thread", "reply_to", "author", "deleted_by")


admin.site.register(Request)
admin.site.register(ChatPreferences)
admin.site.register(OfficeChatSettings)
