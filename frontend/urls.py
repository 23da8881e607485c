from django.urls import path

from . import views

app_name = "frontend"

urlpatterns = [
    path("", views.home, name="home"),
    path("signin/", views.sign_in, name="login"),
    path("signout/", views.sign_out, name="logout"),
    path("inbox/", views.inbox, name="inbox"),
    path("companies/<int:company_id>/", views.workspace, name="workspace"),
    path("companies/<int:company_id>/<slug:tab>/", views.workspace, name="workspace-tab"),
]
