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
    for model in admin.site._registry:
        meta = model._meta
        for page in ("changelist", "add"):
            url = f"/admin/{meta.app_label}/{meta.model_name}/" + ("add/" if page == "add" else "")
            assert client.get(url).status_code == 200, url
