from django.urls import path

from . import account_views, people_views, views

app_name = "frontend"

urlpatterns = [
    path("", views.home, name="home"),
    path("signin/", views.sign_in, name="login"),
    path("signout/", views.sign_out, name="logout"),
    path("password/forgot/", account_views.password_forgot, name="password-forgot"),
    path("account/password/", account_views.password_change_page, name="password-change"),
    path("password/<str:token>/", account_views.password_set, name="password-set"),
    path("inbox/", views.inbox, name="inbox"),
    path("office/people/", people_views.office_people, name="office-people"),
    path(
        "office/people/<int:user_id>/role/",
        people_views.office_person_role,
        name="office-person-role",
    ),
    path(
        "office/people/<int:user_id>/active/",
        people_views.office_person_active,
        name="office-person-active",
    ),
    path(
        "office/people/<int:user_id>/remove/",
        people_views.office_person_leave,
        name="office-person-remove",
    ),
    path(
        "office/people/<int:user_id>/assign/",
        people_views.office_person_assign,
        name="office-person-assign",
    ),
    path(
        "office/people/<int:user_id>/unassign/<int:company_id>/",
        people_views.office_person_unassign,
        name="office-person-unassign",
    ),
    path("companies/<int:company_id>/", views.workspace, name="workspace"),
    # Before the workspace tabs, whose slug would take "people".
    path("companies/<int:company_id>/people/", people_views.company_people, name="company-people"),
    path(
        "companies/<int:company_id>/people/<int:user_id>/remove/",
        people_views.company_person_leave,
        name="company-person-remove",
    ),
    path(
        "companies/<int:company_id>/staff/assign/",
        people_views.company_staff_assign,
        name="company-staff-assign",
    ),
    path(
        "companies/<int:company_id>/staff/<int:user_id>/unassign/",
        people_views.company_staff_unassign,
        name="company-staff-unassign",
    ),
    path("companies/<int:company_id>/<slug:tab>/", views.workspace, name="workspace-tab"),
]
