"""The people pages and the password pages, through Django's test client."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from server.accounts.models import User
from server.tenancy.access import reach_of
from server.tenancy.models import Assignment, ClientRole, CompanyMember, OfficeMember, StaffRole
from tests.factories import PASSWORD, World

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a long and quiet river"


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def html(response) -> str:
    return response.content.decode()


def flashes(response) -> str:
    return " ".join(re.findall(r'<li class="flash[^"]*"[^>]*>(.*?)</li>', html(response), re.S))


def link_in(message) -> str:
    found = re.search(r"https?://\S+/password/([^/\s]+)/", message.body)
    assert found, message.body
    return f"/password/{found.group(1)}/"


# --- The office's people ------------------------------------------------------------------------


def test_owner_adds_an_accountant_who_is_invited_by_mail(
    world: World, django_capture_on_commit_callbacks
) -> None:
    owner = signed_in(world.owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = owner.post(
            "/office/people/",
            {"email": "New.Person@Example.test", "name": "Nina New", "role": "accountant"},
            follow=True,
        )
    assert response.status_code == 200
    assert "Nina New was added to the office." in flashes(response)
    person = User.objects.get(email="new.person@example.test")
    assert OfficeMember.objects.get(user=person).role == StaffRole.ACCOUNTANT
    assert [message.to for message in mail.outbox] == [["new.person@example.test"]]
    assert "/password/" in mail.outbox[0].body
    assert "new.person@example.test" in html(response)


def test_owner_assigns_unassigns_deactivates_reactivates_and_removes(world: World) -> None:
    owner = signed_in(world.owner)
    assistant = world.assistant.pk

    response = owner.post(
        f"/office/people/{assistant}/assign/", {"company": world.sibling_company.pk}, follow=True
    )
    assert "is assigned to Sibling sp. z o.o." in flashes(response)
    assert world.sibling_company.pk in reach_of(world.assistant).staff

    response = owner.post(
        f"/office/people/{assistant}/unassign/{world.sibling_company.pk}/", follow=True
    )
    assert "is no longer assigned to Sibling sp. z o.o." in flashes(response)
    assert not Assignment.objects.filter(user=world.assistant).exists()

    owner.post(f"/office/people/{world.accountant.pk}/active/", {"active": "0"})
    assert OfficeMember.objects.get(user=world.accountant).is_active is False
    assert reach_of(world.accountant).companies == frozenset()
    page = html(owner.get("/office/people/"))
    assert "Deactivated" in page and "Reactivate" in page

    owner.post(f"/office/people/{world.accountant.pk}/active/", {"active": "1"})
    assert OfficeMember.objects.get(user=world.accountant).is_active is True

    response = owner.post(f"/office/people/{world.accountant.pk}/role/", {"role": "assistant"})
    assert OfficeMember.objects.get(user=world.accountant).role == StaffRole.ASSISTANT

    response = owner.post(f"/office/people/{assistant}/remove/", follow=True)
    assert "was removed from the office." in flashes(response)
    assert not OfficeMember.objects.filter(user=world.assistant).exists()
    assert f'id="person-{assistant}"' not in html(response)


def test_office_page_lists_staff_with_role_state_and_assigned_companies(world: World) -> None:
    page = html(signed_in(world.owner).get("/office/people/"))
    for member in (world.owner, world.accountant, world.assistant):
        assert member.email in page
    assert world.other_owner.email not in page
    accountant = page.split(f'id="person-{world.accountant.pk}"')[1].split("</li>\n  \n")[0]
    assert "Accountant" in accountant and "Active" in accountant and "Alpha BV" in accountant
    assert "Other AS" not in page


def test_a_refusal_of_the_service_is_shown_and_the_input_kept(world: World) -> None:
    response = signed_in(world.owner).post(
        "/office/people/", {"email": world.accountant.email, "name": "Again", "role": "assistant"}
    )
    assert response.status_code == 400
    assert "is already in this office." in flashes(response)
    assert f'value="{world.accountant.email}"' in html(response)
    assert 'value="Again"' in html(response)


def test_the_last_owner_cannot_deactivate_themselves(world: World) -> None:
    response = signed_in(world.owner).post(
        f"/office/people/{world.owner.pk}/active/", {"active": "0"}, follow=True
    )
    assert "The office needs at least one active owner." in flashes(response)
    assert OfficeMember.objects.get(user=world.owner).is_active is True


def test_an_invalid_address_is_refused_by_the_form(world: World) -> None:
    response = signed_in(world.owner).post(
        "/office/people/", {"email": "not an address", "role": "accountant"}
    )
    assert response.status_code == 400
    assert 'aria-invalid="true"' in html(response)
    assert OfficeMember.objects.filter(office=world.office).count() == 3


@pytest.mark.parametrize("who", ["accountant", "assistant", "client", "other_client"])
def test_office_people_is_not_found_for_anyone_but_an_owner(world: World, who: str) -> None:
    person = signed_in(getattr(world, who))
    assert person.get("/office/people/").status_code == 404
    assert person.post(f"/office/people/{world.assistant.pk}/remove/").status_code == 404
    assert OfficeMember.objects.filter(user=world.assistant).exists()


def test_the_other_office_cannot_touch_this_office_s_people(world: World) -> None:
    other = signed_in(world.other_owner)
    assert other.post(f"/office/people/{world.accountant.pk}/remove/").status_code == 404
    assert (
        other.post(
            f"/office/people/{world.other_owner.pk}/assign/", {"company": world.company.pk}
        ).status_code
        == 404
    )  # the company is out of the other owner's reach
    assert OfficeMember.objects.filter(user=world.accountant).exists()


def test_header_links_people_for_owners_only(world: World) -> None:
    assert 'href="/office/people/"' in html(signed_in(world.owner).get("/"))
    assert 'href="/office/people/"' not in html(signed_in(world.accountant).get("/"))
    assert 'href="/office/people/"' not in html(signed_in(world.client).get("/"))


# --- A company's people -------------------------------------------------------------------------


def people_url(world: World) -> str:
    return f"/companies/{world.company.pk}/people/"


def test_client_admin_adds_and_removes_a_colleague(
    world: World, django_capture_on_commit_callbacks
) -> None:
    admin = signed_in(world.client)
    assert admin.get(people_url(world)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            people_url(world),
            {"email": "colleague@example.test", "name": "", "role": ClientRole.MEMBER},
            follow=True,
        )
    assert "colleague@example.test was added to Alpha BV." in flashes(response)
    colleague = User.objects.get(email="colleague@example.test")
    assert CompanyMember.objects.get(user=colleague).role == ClientRole.MEMBER
    assert len(mail.outbox) == 1

    response = admin.post(f"{people_url(world)}{colleague.pk}/remove/", follow=True)
    assert "colleague@example.test was removed from Alpha BV." in flashes(response)
    assert not CompanyMember.objects.filter(user=colleague).exists()


def test_client_admin_sees_no_staff_section(world: World) -> None:
    page = html(signed_in(world.client).get(people_url(world)))
    assert world.client_member.email in page
    assert "Office staff assigned" not in page
    assert world.accountant.email not in page


@pytest.mark.parametrize("who", ["client_member", "accountant"])
def test_others_who_see_the_company_are_refused_with_a_clear_page(world: World, who: str) -> None:
    person = signed_in(getattr(world, who))
    response = person.get(people_url(world))
    assert response.status_code == 403
    assert "Only the company&#x27;s administrators and its office&#x27;s owner" in html(response)
    remove = person.post(f"{people_url(world)}{world.client.pk}/remove/")
    assert remove.status_code == 403
    assert CompanyMember.objects.filter(user=world.client).exists()


@pytest.mark.parametrize("who", ["other_owner", "other_client", "assistant"])
def test_the_company_people_page_is_not_found_out_of_reach(world: World, who: str) -> None:
    assert signed_in(getattr(world, who)).get(people_url(world)).status_code == 404


def test_owner_assigns_and_unassigns_staff_on_the_company_page(world: World) -> None:
    owner = signed_in(world.owner)
    page = html(owner.get(people_url(world)))
    assert "Office staff assigned" in page
    assert world.accountant.email in page  # assigned
    assert f'<option value="{world.assistant.pk}">' in page  # assignable

    response = owner.post(
        f"/companies/{world.company.pk}/staff/assign/", {"user": world.assistant.pk}, follow=True
    )
    assert "is assigned to Alpha BV." in flashes(response)
    assert world.company.pk in reach_of(world.assistant).staff

    owner.post(f"/companies/{world.company.pk}/staff/{world.accountant.pk}/unassign/")
    assert world.company.pk not in reach_of(world.accountant).companies


def test_client_admin_cannot_assign_staff(world: World) -> None:
    response = signed_in(world.client).post(
        f"/companies/{world.company.pk}/staff/assign/", {"user": world.assistant.pk}, follow=True
    )
    assert "Only the office&#x27;s owner can do this." in flashes(response)
    assert not Assignment.objects.filter(user=world.assistant).exists()


def test_workspace_links_the_people_page_for_those_who_manage_it(world: World) -> None:
    link = f'href="{people_url(world)}"'
    assert link in html(signed_in(world.client).get(f"/companies/{world.company.pk}/"))
    assert link in html(signed_in(world.owner).get(f"/companies/{world.company.pk}/"))
    assert link not in html(signed_in(world.accountant).get(f"/companies/{world.company.pk}/"))
    assert link not in html(signed_in(world.client_member).get(f"/companies/{world.company.pk}/"))


# --- Passwords ----------------------------------------------------------------------------------

SENT = "If an account has this address, a link is on its way."


def _without_csrf(response) -> str:
    return re.sub(
        r'(name="csrfmiddlewaretoken" value|name="csrf-token" content)="[^"]*"', "", html(response)
    )


def test_sign_in_page_links_forgot_password() -> None:
    assert 'href="/password/forgot/"' in html(Client().get("/signin/"))


def test_forgot_password_answers_the_same_and_mails_only_a_known_address(
    world: World, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        known = Client().post("/password/forgot/", {"email": world.client.email})
        unknown = Client().post("/password/forgot/", {"email": "nobody@example.test"})
    assert known.status_code == unknown.status_code == 200
    assert SENT in html(known) and SENT in html(unknown)
    assert _without_csrf(known) == _without_csrf(unknown)
    assert [message.to for message in mail.outbox] == [[world.client.email]]


def test_set_password_page_works_once(world: World, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/password/forgot/", {"email": world.client.email})
    link = link_in(mail.outbox[0])
    visitor = Client()
    form = visitor.get(link)
    assert form.status_code == 200
    assert 'autocomplete="new-password"' in html(form) and world.client.email in html(form)

    done = visitor.post(link, {"password": NEW_PASSWORD, "repeat": NEW_PASSWORD}, follow=True)
    assert done.redirect_chain[-1][0] == "/signin/"
    assert "Your password is set. Sign in with it." in flashes(done)
    world.client.refresh_from_db()
    assert world.client.check_password(NEW_PASSWORD)

    again = Client().get(link)
    assert again.status_code == 410
    assert "This link has expired or was already used." in html(again)
    assert 'href="/password/forgot/"' in html(again)
    assert Client().post(link, {"password": "x" * 20, "repeat": "x" * 20}).status_code == 410
    world.client.refresh_from_db()
    assert world.client.check_password(NEW_PASSWORD)


@pytest.mark.parametrize(
    ("password", "repeat", "says"),
    [
        ("short", "short", "This password is too short."),
        ("password123", "password123", "This password is too common."),
        (NEW_PASSWORD, NEW_PASSWORD + "!", "The two passwords differ."),
    ],
)
def test_a_weak_or_mismatched_password_shows_the_form_again(
    world: World, django_capture_on_commit_callbacks, password: str, repeat: str, says: str
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/password/forgot/", {"email": world.client.email})
    link = link_in(mail.outbox[0])
    response = Client().post(link, {"password": password, "repeat": repeat})
    assert response.status_code == 200
    assert says in html(response)
    assert 'aria-invalid="true"' in html(response)
    world.client.refresh_from_db()
    assert world.client.check_password(PASSWORD)
    assert Client().get(link).status_code == 200  # the link still works


def test_an_unknown_link_says_so() -> None:
    response = Client().get("/password/not-a-real-token/")
    assert response.status_code == 410
    assert "Forgot password?" in html(response)


# --- Signing out and the pages' lists of people -------------------------------------------------


def test_sign_out_ends_the_session_s_sockets(world: World, monkeypatch) -> None:
    from frontend import views

    ended: list[tuple[int, str]] = []
    monkeypatch.setattr(
        views,
        "session_signed_out",
        lambda *, user, session_key: ended.append((user.pk, session_key)),
    )
    client = Client()
    client.post("/signin/", {"email": world.client.email, "password": PASSWORD})
    key = client.session.session_key
    client.post("/signout/")
    assert ended == [(world.client.pk, key)]


def test_chat_people_leave_out_staff_who_left_the_office(world: World) -> None:
    from frontend.chat_views import _people

    OfficeMember.objects.filter(user=world.accountant).update(is_active=False)
    ids = {person["id"] for person in _people(world.company, world.client)}
    assert world.accountant.pk not in ids  # still has an Assignment row, sees nothing
    assert {world.client.pk, world.client_member.pk, world.owner.pk} <= ids
    assert world.assistant.pk not in ids
