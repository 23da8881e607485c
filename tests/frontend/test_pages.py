"""The server-rendered pages, through Django's test client."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from server.accounts.models import User
from server.realtime.publish import publish
from server.tenancy.models import Company
from tests.factories import PASSWORD, World, user_make

pytestmark = pytest.mark.django_db

TABS = ("chat", "dossier", "calendar", "books")


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def html(response) -> str:
    return response.content.decode()


def company_rows(response) -> set[int]:
    return {int(found) for found in re.findall(r'<tr[^>]* data-company-id="(\d+)"', html(response))}


def alert(response) -> str:
    found = re.search(
        r'<div id="sign-in-error" role="alert"[^>]*>(.*?)</div>', html(response), re.S
    )
    assert found, "the sign-in page has no alert region"
    return found.group(1).strip()


# --- Sign-in -----------------------------------------------------------------------------------


def test_sign_in_page_has_labelled_fields() -> None:
    page = html(Client().get("/signin/"))
    assert '<label for="email">' in page and 'id="email"' in page
    assert '<label for="password">' in page and 'id="password"' in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_sign_in_with_right_password_opens_home(world: World) -> None:
    client = Client()
    response = client.post("/signin/", {"email": world.accountant.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("frontend:home")
    home = client.get("/")
    assert home.status_code == 200
    assert world.accountant.email in html(home)


def test_sign_in_ignores_case_and_spaces_in_the_address(world: World) -> None:
    client = Client()
    email = f"  {world.client.email.upper()} "
    response = client.post("/signin/", {"email": email, "password": PASSWORD})
    assert response.status_code == 302


def test_sign_in_with_wrong_password_says_so_and_signs_nobody_in(world: World) -> None:
    client = Client()
    response = client.post("/signin/", {"email": world.accountant.email, "password": "wrong"})
    assert response.status_code == 400
    assert alert(response) == "The e-mail address or the password is wrong."
    assert 'aria-invalid="true"' in html(response)
    # The address is kept, the password is not echoed back.
    assert f'value="{world.accountant.email}"' in html(response)
    assert "wrong" not in re.sub(r"is wrong", "", html(response))
    assert client.get("/").status_code == 302


def test_sign_in_page_without_error_has_an_empty_alert() -> None:
    assert alert(Client().get("/signin/")) == ""


def test_sixth_attempt_after_five_failures_is_refused_even_with_the_right_password(
    world: World,
) -> None:
    client = Client()
    for _ in range(5):
        response = client.post("/signin/", {"email": world.accountant.email, "password": "nope"})
        assert response.status_code == 400
    response = client.post("/signin/", {"email": world.accountant.email, "password": PASSWORD})
    assert response.status_code == 429
    assert alert(response).startswith("Too many failed sign-ins.")
    assert client.get("/").status_code == 302, "a throttled sign-in must not sign in"


def test_sign_in_returns_to_the_page_asked_for(world: World) -> None:
    target = f"/companies/{world.company.id}/dossier/"
    client = Client()
    asked = client.get(target)
    assert asked.status_code == 302
    assert asked["Location"] == f"/signin/?next={target}"
    page = client.get(asked["Location"])
    assert f'name="next" value="{target}"' in html(page)
    response = client.post(
        "/signin/", {"email": world.accountant.email, "password": PASSWORD, "next": target}
    )
    assert response["Location"] == target


def test_sign_in_never_redirects_to_another_site(world: World) -> None:
    response = Client().post(
        "/signin/?next=https://evil.example/",
        {"email": world.accountant.email, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("frontend:home")


def test_signed_in_user_skips_the_sign_in_page(world: World) -> None:
    response = signed_in(world.client).get("/signin/")
    assert response.status_code == 302
    assert response["Location"] == reverse("frontend:home")


def test_sign_out_takes_a_post_only(world: World) -> None:
    client = signed_in(world.accountant)
    assert client.get("/signout/").status_code == 405
    assert client.get("/").status_code == 200
    response = client.post("/signout/")
    assert response.status_code == 302
    assert response["Location"] == reverse("frontend:login")
    assert client.get("/").status_code == 302


def test_sign_out_form_carries_a_csrf_token(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.accountant)
    assert client.post("/signout/").status_code == 403, "a cross-site sign-out must be refused"
    page = html(client.get("/"))
    token = re.search(r'<meta name="csrf-token" content="([^"]+)">', page)
    assert token, "pages carry the CSRF token for scripts"
    assert client.post("/signout/", {"csrfmiddlewaretoken": token.group(1)}).status_code == 302


# --- Who sees which page ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/", "/companies/1/", "/companies/1/chat/", "/companies/1/books/"]
)
def test_pages_need_a_sign_in(path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/signin/?next=")


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("owner", {"company", "sibling_company"}),
        ("accountant", {"company"}),
        ("assistant", set()),
        ("client", {"company"}),
        ("client_member", {"company"}),
        ("other_owner", {"other_company"}),
        ("other_client", {"other_company"}),
    ],
)
def test_home_lists_exactly_the_companies_the_user_may_see(
    world: World, who: str, expected: set[str]
) -> None:
    response = signed_in(getattr(world, who)).get("/")
    assert response.status_code == 200
    assert company_rows(response) == {getattr(world, name).id for name in expected}
    for name in {"company", "sibling_company", "other_company"} - expected:
        assert getattr(world, name).name not in html(response)


def test_home_row_shows_name_country_and_placeholders_and_links_to_the_workspace(
    world: World,
) -> None:
    page = html(signed_in(world.owner).get("/"))
    row = re.search(rf'<tr[^>]* data-company-id="{world.company.id}">(.*?)</tr>', page, re.S)
    assert row
    assert f'href="/companies/{world.company.id}/"' in row.group(1)
    assert "Alpha BV" in row.group(1)
    assert "Belgium" in row.group(1)
    assert row.group(1).count("—") == 2  # unread, next deadline: not there yet


def test_home_without_companies_says_so(world: World) -> None:
    page = html(signed_in(user_make()).get("/"))
    assert "You have no companies yet." in page
    assert "<table" not in page


def test_workspace_of_another_office_is_not_found(world: World) -> None:
    client = signed_in(world.owner)
    assert client.get(f"/companies/{world.other_company.id}/").status_code == 404
    assert client.get(f"/companies/{world.other_company.id}/books/").status_code == 404


def test_staff_not_assigned_and_clients_of_others_do_not_get_the_workspace(world: World) -> None:
    assert (
        signed_in(world.accountant).get(f"/companies/{world.sibling_company.id}/").status_code
        == 404
    )
    assert signed_in(world.assistant).get(f"/companies/{world.company.id}/").status_code == 404
    assert signed_in(world.other_client).get(f"/companies/{world.company.id}/").status_code == 404
    assert signed_in(world.accountant).get("/companies/999999/").status_code == 404


def test_client_sees_its_company(world: World) -> None:
    response = signed_in(world.client).get(f"/companies/{world.company.id}/")
    assert response.status_code == 200
    assert '<h1 id="company-name" data-company-field="name">Alpha BV</h1>' in html(response)


def test_workspace_shows_the_company_profile(world: World) -> None:
    Company.objects.filter(pk=world.company.pk).update(
        vat_number="BE0123456749",
        legal_form="BV",
        fiscal_year_end_month=6,
        fiscal_year_end_day=30,
        vat_regime="quarterly",
    )
    page = html(signed_in(world.accountant).get(f"/companies/{world.company.id}/"))
    for field, shown in [
        ("country", "Belgium"),
        ("vat_number", "BE0123456749"),
        ("legal_form", "BV"),
        ("fiscal_year_end", "30 June"),
        ("vat_regime", "Quarterly returns"),
    ]:
        assert f'<dd data-company-field="{field}">{shown}</dd>' in page


@pytest.mark.parametrize("tab", TABS)
def test_each_tab_renders_with_the_current_one_marked(world: World, tab: str) -> None:
    response = signed_in(world.client).get(f"/companies/{world.company.id}/{tab}/")
    assert response.status_code == 200
    page = html(response)
    current = re.findall(r'<a href="([^"]+)" aria-current="page">', page)
    assert current == [f"/companies/{world.company.id}/{tab}/"]
    for other in TABS:
        assert f'href="/companies/{world.company.id}/{other}/"' in page
    assert "coming soon" in page


def test_workspace_without_a_tab_opens_the_chat(world: World) -> None:
    page = html(signed_in(world.client).get(f"/companies/{world.company.id}/"))
    assert re.findall(r'<a href="([^"]+)" aria-current="page">', page) == [
        f"/companies/{world.company.id}/chat/"
    ]


def test_unknown_tab_is_not_found(world: World) -> None:
    response = signed_in(world.client).get(f"/companies/{world.company.id}/payroll/")
    assert response.status_code == 404


# --- The page frame ---------------------------------------------------------------------------


def test_page_frame_has_skip_link_live_state_and_scripts(world: World) -> None:
    page = html(signed_in(world.client).get("/"))
    assert '<html lang="en"' in page
    assert '<a class="skip-link" href="#main">' in page
    assert '<main id="main"' in page
    assert re.search(r'<span id="live-state"[^>]*role="status"[^>]*aria-live="polite"', page)
    assert '<script type="module" src="/static/kontor/pages.js">' in page
    assert '<link rel="stylesheet" href="/static/kontor/kontor.css">' in page
    assert 'id="kontor-labels"' in page


def test_signed_out_pages_load_no_live_socket() -> None:
    page = html(Client().get("/signin/"))
    assert "live-state" not in page
    assert "pages.js" not in page


def test_pages_resume_from_the_newest_event(world: World) -> None:
    event = publish(world.other_company, "company.updated", {"id": world.other_company.id})
    client = signed_in(world.client)
    for path in ("/", f"/companies/{world.company.id}/"):
        assert f'data-last-event="{event.id}"' in html(client.get(path))


def test_page_language_follows_the_chosen_language(world: World) -> None:
    client = signed_in(world.client)
    client.post("/i18n/setlang/", {"language": "nl", "next": "/"})
    assert '<html lang="nl"' in html(client.get("/"))
