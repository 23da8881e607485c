from django.urls import path

from . import api

urlpatterns = [
    path("companies/<int:company_id>/folders/", api.FolderListApi.as_view(), name="folder-list"),
    path("folders/<int:folder_id>/", api.FolderDetailApi.as_view(), name="folder-detail"),
    path(
        "companies/<int:company_id>/documents/", api.DocumentListApi.as_view(), name="document-list"
    ),
    path("documents/<int:document_id>/", api.DocumentDetailApi.as_view(), name="document-detail"),
    *[
        path(
            f"documents/<int:document_id>/{action}/",
            api.DocumentActionApi.as_view(action_name=action),
            name=f"document-{action}",
        )
        for action in ("restore", "move", "inbox", "publish", "acknowledge")
    ],
    path(
        "documents/<int:document_id>/versions/", api.VersionListApi.as_view(), name="version-list"
    ),
    path(
        "documents/<int:document_id>/download/", api.DownloadApi.as_view(), name="document-download"
    ),
    path(
        "documents/<int:document_id>/preview/",
        api.DownloadApi.as_view(preview=True),
        name="document-preview",
    ),
    path(
        "documents/<int:document_id>/access/",
        api.AccessHistoryApi.as_view(),
        name="document-access",
    ),
    path("inbox/", api.InboxApi.as_view(), name="inbox"),
    path(
        "companies/<int:company_id>/uploads/",
        api.DirectUploadStartApi.as_view(),
        name="direct-upload-start",
    ),
    path(
        "uploads/<uuid:upload_id>/",
        api.DirectUploadDetailApi.as_view(),
        name="direct-upload-detail",
    ),
    path(
        "uploads/<uuid:upload_id>/finish/",
        api.DirectUploadFinishApi.as_view(),
        name="direct-upload-finish",
    ),
    path("companies/<int:company_id>/export/", api.ExportApi.as_view(), name="dossier-export"),
]
