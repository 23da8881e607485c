from django.urls import path

from .report_api import REPORT_VIEWS, ReportPublishApi

urlpatterns = [
    *[
        path(
            f"companies/<int:company_id>/reports/{name}/",
            view.as_view(),
            name=f"report-{name}",
        )
        for name, view in REPORT_VIEWS.items()
    ],
    path(
        "companies/<int:company_id>/reports/<slug:name>/publish/",
        ReportPublishApi.as_view(),
        name="report-publish",
    ),
]
