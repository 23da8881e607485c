"""The server-rendered pages, through Django's test client."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dossier.models import Document, Folder
from dossier.services import document_inbox_move, document_trash, document_update, document_upload
from server.accounts.models import User
from server.realtime.publish import publish
from server.tenancy.models import ClientRole, Company, CompanyMember
from tests.dossier_files import jpeg_bytes
from tests.factories import PASSWORD, World, assign, client_make, staff_make, user_make

pytestmark = pytest.mark.django_db

TABS = ("chat", "dossier", "calendar", "books")
STATIC = Path(__file__).resolve().parents[2] / "frontend" / "static" / "kontor"


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
    "path",
    ["/", "/companies/1/", "/companies/1/chat/", "/companies/1/books/", "/companies/1/dossier/",
     "/inbox/"],
)  # fmt: skip
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
    assert (
        f'data-unread-company="{world.company.id}"><span class="unread-count">0</span>'
        in row.group(1)
    )


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
    if tab == "dossier":
        assert 'id="dossier"' in page and "coming soon" not in page
    elif tab == "chat":
        assert 'id="chat"' in page and "coming soon" not in page
    elif tab == "calendar":
        assert 'id="calendar"' in page and "coming soon" not in page
    elif tab == "books":
        assert 'id="books"' in page and "coming soon" not in page
    else:
        assert "coming soon" in page and 'id="dossier"' not in page


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


# --- The Dossier tab ----------------------------------------------------------------------------


def json_block(response, element_id: str) -> Any:
    found = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>', html(response), re.S
    )
    assert found, f"no JSON block #{element_id}"
    return json.loads(found.group(1))


def test_dossier_tab_of_another_office_or_an_unassigned_company_is_not_found(world: World) -> None:
    assert (
        signed_in(world.owner).get(f"/companies/{world.other_company.id}/dossier/").status_code
        == 404
    )
    assert (
        signed_in(world.accountant)
        .get(f"/companies/{world.sibling_company.id}/dossier/")
        .status_code
        == 404
    )
    assert (
        signed_in(world.other_client).get(f"/companies/{world.company.id}/dossier/").status_code
        == 404
    )


@pytest.mark.parametrize(("who", "side"), [("accountant", "office"), ("client", "client")])
def test_dossier_tab_tells_its_script_the_company_and_the_side(
    world: World, who: str, side: str
) -> None:
    response = signed_in(getattr(world, who)).get(f"/companies/{world.company.id}/dossier/")
    assert response.status_code == 200
    config = json_block(response, "dossier-config")
    assert config["company"] == world.company.id
    assert config["side"] == side
    assert config["folder_kinds"]["purchase_invoices"] == "purchase_invoice"
    assert ["purchase_invoice", "Purchase invoice"] in config["kinds"]
    assert config["states"]["rejected"] == "Rejected"
    # Who confirmed a document is named from this map: the company's clients, nobody else's.
    assert config["people"] == {
        str(world.client.id): world.client.email,
        str(world.client_member.id): world.client_member.email,
    }
    page = html(response)
    # The tab's module imports pages.js itself: one module graph, so no early event is missed.
    assert '<script type="module" src="/static/kontor/dossier/main.js">' in page
    assert "/static/kontor/pages.js" not in page


def test_dossier_tab_passes_every_string_its_script_shows(world: World) -> None:
    response = signed_in(world.client).get(f"/companies/{world.company.id}/dossier/")
    strings = json_block(response, "dossier-i18n")
    assert strings["rejectedBecause"] == "Reason:"
    assert strings["filesGoTo"] == "New files go to “{folder}”."
    source = "".join(path.read_text() for path in sorted((STATIC / "dossier").glob("*.js")))
    # Keys are t("key") calls and camelCase literals (the labels of the inbox buttons).
    asked = set(re.findall(r'\bt\("(\w+)"', source)) | set(
        re.findall(r'"([a-z]+[A-Z]\w*)"', source)
    )
    assert asked - set(strings) == set(), "the script asks for strings the page does not pass"
    unused = {key for key in strings if f'"{key}"' not in source}
    assert unused == set(), "strings passed that the script never shows"


def test_dossier_tab_has_labelled_controls_and_a_camera_button(world: World) -> None:
    page = html(signed_in(world.client).get(f"/companies/{world.company.id}/dossier/"))
    for control in ("filter-ordering", "filter-kind", "filter-q", "filter-trash"):
        assert f'<label for="{control}">' in page, control
        assert f'id="{control}"' in page
    assert re.search(r'<input type="file" id="dossier-file"[^>]* multiple', page)
    assert re.search(
        r'<input type="file" id="dossier-camera"[^>]* accept="image/\*" capture="environment"', page
    )
    assert re.search(
        r'<label class="button[^"]*file-button[^"]*">\s*<input[^>]*id="dossier-file"', page
    )
    assert '<div id="pane-error" role="alert"' in page
    assert re.search(r'<p id="upload-summary"[^>]*role="status"', page)
    for option in ("newest", "name", "due"):
        assert f'<option value="{option}">' in page


def test_dossier_tab_shows_no_folder_or_document_in_the_page_itself(world: World) -> None:
    # Folders and documents come from the API, which filters by audience; the page has none
    # that a client could read in the source.
    page = html(signed_in(world.client).get(f"/companies/{world.company.id}/dossier/"))
    internal = Folder.objects.get(company=world.company, template_code="office_working_papers")
    assert internal.name not in page


# --- The staff inbox ----------------------------------------------------------------------------


def document_make(user: User, company: Company, code: str, name: str) -> Document:
    folder = Folder.objects.get(company=company, template_code=code)
    return document_upload(
        actor=user, folder=folder, content=io.BytesIO(jpeg_bytes((8, 8))), name=name
    )


def inbox_rows(response) -> list[str]:
    return re.findall(
        r'<tr role="row" data-document-id="\d+">.*?data-field="name">([^<]*)</a>',
        html(response),
        re.S,
    )


def test_inbox_lists_what_clients_sent_in_the_companies_the_user_serves(world: World) -> None:
    document_make(world.client, world.company, "purchase_invoices", "alpha-invoice.jpg")
    sibling_client = client_make(world.sibling_company)
    document_make(sibling_client, world.sibling_company, "purchase_invoices", "sibling-invoice.jpg")
    document_make(world.other_client, world.other_company, "purchase_invoices", "other-invoice.jpg")

    assert inbox_rows(signed_in(world.accountant).get("/inbox/")) == ["alpha-invoice.jpg"]
    assert sorted(inbox_rows(signed_in(world.owner).get("/inbox/"))) == [
        "alpha-invoice.jpg",
        "sibling-invoice.jpg",
    ]
    assert inbox_rows(signed_in(world.other_owner).get("/inbox/")) == ["other-invoice.jpg"]
    response = signed_in(world.assistant).get("/inbox/")
    assert response.status_code == 200
    assert inbox_rows(response) == []
    assert "Nothing is waiting." in html(response)


def test_inbox_row_shows_company_kind_time_and_state_and_links_to_the_document(
    world: World,
) -> None:
    document = document_make(world.client, world.company, "purchase_invoices", "IMG_2041.jpg")
    document_update(actor=world.client, document=document, changes={"kind": "purchase_invoice"})
    response = signed_in(world.accountant).get("/inbox/")
    row = re.search(
        rf'<tr role="row" data-document-id="{document.id}">(.*?)</tr>', html(response), re.S
    )
    assert row
    link = f"/companies/{world.company.id}/dossier/?folder={document.folder_id}"
    assert f'href="{link}&amp;document={document.id}"' in row.group(1)
    assert '<span data-company-field="name">Alpha BV</span>' in row.group(1)
    assert "Purchase invoice" in row.group(1)
    assert f'datetime="{document.created_at.isoformat()}"' in row.group(1)
    assert '<span class="badge badge--new" data-field="inbox_state">New</span>' in row.group(1)
    assert "Documents waiting: 1" in html(response)
    config = json_block(response, "inbox-config")
    assert config["companies"] == {str(world.company.id): "Alpha BV"}
    assert config["strings"]["waiting"] == "Documents waiting: {count}"


def test_inbox_leaves_out_what_is_booked_rejected_trashed_or_uploaded_by_the_office(
    world: World,
) -> None:
    booked = document_make(world.client, world.company, "purchase_invoices", "booked.jpg")
    document_inbox_move(actor=world.accountant, document=booked, state="booked")
    rejected = document_make(world.client, world.company, "purchase_invoices", "rejected.jpg")
    document_inbox_move(
        actor=world.accountant, document=rejected, state="rejected", reason="Blurry."
    )
    trashed = document_make(world.client, world.company, "purchase_invoices", "trashed.jpg")
    document_trash(actor=world.client, document=trashed)
    document_make(world.accountant, world.company, "purchase_invoices", "by-the-office.jpg")
    started = document_make(world.client, world.company, "purchase_invoices", "started.jpg")
    document_inbox_move(actor=world.accountant, document=started, state="in_progress")

    response = signed_in(world.accountant).get("/inbox/")
    assert inbox_rows(response) == ["started.jpg"]
    assert "In progress" in html(response)


def test_inbox_of_someone_both_staff_and_client_lists_only_the_companies_served(
    world: World,
) -> None:
    # An accountant of office A who is also a client of a company of office B: that company's
    # uploads are their own company's, not work waiting for them.
    both = staff_make(world.office)
    assign(both, world.company)
    CompanyMember.objects.create(company=world.other_company, user=both, role=ClientRole.ADMIN)
    document_make(world.other_client, world.other_company, "purchase_invoices", "theirs.jpg")
    document_make(world.client, world.company, "purchase_invoices", "work.jpg")
    response = signed_in(both).get("/inbox/")
    assert inbox_rows(response) == ["work.jpg"]
    assert json_block(response, "inbox-config")["companies"] == {str(world.company.id): "Alpha BV"}


@pytest.mark.parametrize("who", ["client", "client_member", "other_client"])
def test_inbox_is_not_found_for_clients(world: World, who: str) -> None:
    document_make(world.client, world.company, "purchase_invoices", "invoice.jpg")
    assert signed_in(getattr(world, who)).get("/inbox/").status_code == 404


@pytest.mark.parametrize(
    ("who", "shown"), [("accountant", True), ("assistant", True), ("client", False)]
)
def test_header_links_the_inbox_for_office_staff_only(world: World, who: str, shown: bool) -> None:
    page = html(signed_in(getattr(world, who)).get("/"))
    assert ('<a href="/inbox/"' in page) is shown


def test_inbox_page_loads_its_live_script(world: World) -> None:
    page = html(signed_in(world.accountant).get("/inbox/"))
    assert '<script type="module" src="/static/kontor/inbox.js">' in page
    assert '<template id="inbox-row">' in page
    assert re.search(r'<a href="/inbox/" aria-current="page">', page)
