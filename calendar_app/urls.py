from django.urls import path

from . import api

urlpatterns = [
    path("companies/<int:company_id>/calendar/", api.EventListApi.as_view(), name="calendar-list"),
    path("calendar/<int:event_id>/", api.EventDetailApi.as_view(), name="calendar-detail"),
    path("calendar/<int:event_id>/done/", api.EventDoneApi.as_view(), name="calendar-done"),
    path("calendar/<int:event_id>/notice/", api.NoticeApi.as_view(), name="calendar-notice"),
    path(
        "calendar/<int:event_id>/notice/confirm/",
        api.NoticeConfirmApi.as_view(),
        name="calendar-notice-confirm",
    ),
    path("companies/<int:company_id>/notices/", api.NoticeListApi.as_view(), name="notice-list"),
    path(
        "companies/<int:company_id>/deadlines/",
        api.DeadlineRulesApi.as_view(),
        name="deadline-rules",
    ),
    path(
        "companies/<int:company_id>/deadlines/generate/",
        api.DeadlineGenerateApi.as_view(),
        name="deadline-generate",
    ),
    path("me/calendar-feed/", api.FeedApi.as_view(), name="calendar-feed-address"),
    path(
        "companies/<int:company_id>/engagements/",
        api.EngagementListApi.as_view(),
        name="engagement-list",
    ),
    path("me/tasks/", api.MyTasksApi.as_view(), name="my-tasks"),
]
