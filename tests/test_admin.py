"""Django admin: every registered model's list and add pages open for a superuser."""

import pytest
from django.contrib import admin
from django.test import Client

from server.accounts.models import User

pytestmark = pytest.mark.django_db


def test_admin_pages_open() -> None:
    User.objects.create_superuser(email="admin@example.test", password="a long admin secret")
    client = Client()
    client.force_login(User.objects.get(email="admin@example.test"))
    request = client.get("/admin/").wsgi_request
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        for page in ("changelist", "add"):
            url = f"/admin/{meta.app_label}/{meta.model_name}/" + ("add/" if page == "add" else "")
            # A record only ever added by the code (the audit log) has no add page.
            expected = 403 if page == "add" and not model_admin.has_add_permission(request) else 200
            assert client.get(url).status_code == expected, url
