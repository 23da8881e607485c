from django.urls import path

from . import api

urlpatterns = [
    path("companies/<int:company_id>/threads/", api.ThreadListApi.as_view(), name="thread-list"),
    path("threads/for-subject/", api.ThreadForSubjectApi.as_view(), name="thread-for-subject"),
    path("threads/<int:thread_id>/", api.ThreadDetailApi.as_view(), name="thread-detail"),
    path("threads/<int:thread_id>/resolve/", api.ThreadResolveApi.as_view(), name="thread-resolve"),
    path("threads/<int:thread_id>/messages/", api.MessageListApi.as_view(), name="message-list"),
    path("threads/<int:thread_id>/read/", api.ThreadReadApi.as_view(), name="thread-read"),
    path("messages/<int:message_id>/", api.MessageDetailApi.as_view(), name="message-detail"),
    path(
        "messages/<int:message_id>/history/",
        api.MessageHistoryApi.as_view(),
        name="message-history",
    ),
    path(
        "messages/<int:message_id>/request/",
        api.MessageRequestApi.as_view(),
        name="message-request",
    ),
    path("requests/", api.RequestListApi.as_view(), name="request-list"),
    path("requests/<int:request_id>/", api.RequestDetailApi.as_view(), name="request-detail"),
    path("chat/search/", api.SearchApi.as_view(), name="chat-search"),
    path("chat/unread/", api.UnreadApi.as_view(), name="chat-unread"),
    path("me/chat-preferences/", api.PreferencesApi.as_view(), name="chat-preferences"),
]
