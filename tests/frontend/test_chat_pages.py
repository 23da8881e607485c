"""The Chat tab, the Discuss strings and the home's unread column, through Django's test client."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from chat.services import (
    message_send,
    preferences_update,
    thread_create,
    thread_permanent_ensure,
    thread_read,
)
from server.accounts.models import User
from tests.factories import World

pytestmark = pytest.mark.django_db


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def chat_page(user: User, company_id: int) -> str:
    response = signed_in(user).get(f"/companies/{company_id}/chat/")
    assert response.status_code == 200
    return response.content.decode()


def config_of(page: str) -> dict:
    found = re.search(
        r'<script id="chat-config" type="application/json">(.*?)</script>', page, re.S
    )
    assert found
    return json.loads(found.group(1))


def test_the_chat_tab_needs_a_sign_in(world: World) -> None:
    response = Client().get(f"/companies/{world.company.id}/chat/")
    assert response.status_code == 302 and "/signin/" in response["Location"]


@pytest.mark.parametrize("who", ["client", "accountant", "owner"])
def test_the_chat_of_another_company_is_not_found(world: World, who: str) -> None:
    client = signed_in(getattr(world, who))
    assert client.get(f"/companies/{world.other_company.id}/chat/").status_code == 404


def test_the_chat_tab_lists_the_permanent_thread_first_with_its_unread_count(
    world: World,
) -> None:
    permanent = thread_permanent_ensure(company=world.company)
    later = thread_create(actor=world.accountant, company=world.company, title="VAT Q3")
    message_send(actor=world.accountant, thread=later, body="A question")
    message_send(actor=world.accountant, thread=permanent, body="Hello")
    message_send(actor=world.accountant, thread=permanent, body="Again")
    page = chat_page(world.client, world.company.id)
    ids = [int(i) for i in re.findall(r'<li data-thread-id="(\d+)"', page)]
    assert ids == [permanent.id, later.id]
    config = config_of(page)
    assert [(t["id"], t["unread"]) for t in config["threads"]] == [(permanent.id, 2), (later.id, 1)]
    assert config["me"] == world.client.id and config["staff"] is False
    assert 'id="chat-config"' in page and 'id="chat-i18n"' in page
    assert "kontor/chat/main.js" in page and "kontor/chat.css" in page


def test_staff_controls_are_hidden_from_clients(world: World) -> None:
    client_page = chat_page(world.client, world.company.id)
    staff_page = chat_page(world.accountant, world.company.id)
    assert 'id="composer-internal"' not in client_page
    assert 'id="composer-internal"' in staff_page
    assert config_of(staff_page)["staff"] is True


def test_internal_threads_and_notes_never_reach_a_clients_page(world: World) -> None:
    secret = thread_create(
        actor=world.accountant, company=world.company, title="Secret office talk", internal=True
    )
    message_send(actor=world.accountant, thread=secret, body="between us")
    permanent = thread_permanent_ensure(company=world.company)
    message_send(actor=world.accountant, thread=permanent, body="note-xyz", internal_note=True)
    for who in ("client", "client_member"):
        page = chat_page(getattr(world, who), world.company.id)
        assert "Secret office talk" not in page and str(secret.id) not in [
            str(t["id"]) for t in config_of(page)["threads"]
        ]
        assert "note-xyz" not in page and "between us" not in page
        assert [t["unread"] for t in config_of(page)["threads"]] == [0]  # the note is not counted
    staff_page = chat_page(world.accountant, world.company.id)
    assert "Secret office talk" in staff_page and "thread-link--internal" in staff_page


def test_the_home_shows_unread_messages_per_company(world: World) -> None:
    permanent = thread_permanent_ensure(company=world.company)
    message_send(actor=world.client, thread=permanent, body="Where is my invoice?")
    page = signed_in(world.accountant).get("/").content.decode()
    assert f'data-unread-company="{world.company.id}"><span class="unread-count">1</span>' in page
    assert "kontor/chat/unread.js" in page
    own = signed_in(world.client).get("/").content.decode()
    assert f'data-unread-company="{world.company.id}"><span class="unread-count">0</span>' in own


def test_the_dossier_carries_the_discuss_strings(world: World) -> None:
    page = signed_in(world.client).get(f"/companies/{world.company.id}/dossier/").content.decode()
    found = re.search(r'<script id="dossier-i18n" type="application/json">(.*?)</script>', page)
    assert found and json.loads(found.group(1))["discuss"] == "Discuss"


def test_only_staff_get_the_internal_conversation_option(world: World) -> None:
    client_page = chat_page(world.client, world.company.id)
    assert 'id="thread-new-title"' in client_page  # anyone may start a conversation
    assert 'id="thread-new-internal"' not in client_page
    assert 'id="thread-new-internal"' in chat_page(world.owner, world.company.id)


def test_the_notification_settings_show_what_was_saved(world: World) -> None:
    page = chat_page(world.client, world.company.id)
    assert re.search(r'id="notify-immediate" name="notify" value="immediate" checked', page)
    assert re.search(r'id="prefs-read-receipts" name="read_receipts" checked', page)
    preferences_update(actor=world.client, notify="hourly", read_receipts=False)
    page = chat_page(world.client, world.company.id)
    assert re.search(r'id="notify-hourly" name="notify" value="hourly" checked', page)
    assert not re.search(r'id="notify-immediate"[^>]*checked', page)
    assert not re.search(r'id="prefs-read-receipts"[^>]*checked', page)
    # Each person's own settings: the accountant still has the defaults.
    staff = chat_page(world.accountant, world.company.id)
    assert re.search(r'id="notify-immediate"[^>]*checked', staff)


def test_read_states_carry_the_readers_names_for_seen_by(world: World) -> None:
    """The Chat tab shows "seen by Anna at 14:02" from this list (the live event has only ids)."""
    permanent = thread_permanent_ensure(company=world.company)
    message_send(actor=world.client, thread=permanent, body="Hello")
    thread_read(actor=world.accountant, thread=permanent)
    response = signed_in(world.client).get(f"/api/v1/threads/{permanent.id}/read/")
    assert response.status_code == 200
    names = {state["user"]: state["name"] for state in response.json()}
    assert names == {
        world.client.id: world.client.display_name,
        world.accountant.id: world.accountant.display_name,
    }
    other = signed_in(world.other_client).get(f"/api/v1/threads/{permanent.id}/read/")
    assert other.status_code == 404
