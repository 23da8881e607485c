"""The chat's REST API: the same services as the socket, paginated newest first, in OpenAPI."""

from __future__ import annotations

import io
import uuid

import pytest
from rest_framework.test import APIClient

from chat.models import Message, Thread
from dossier.models import Document, Folder
from tests.conftest import api_as
from tests.dossier_files import jpeg_bytes, pdf_bytes
from tests.factories import World

pytestmark = pytest.mark.django_db


def _thread(world: World) -> Thread:
    return Thread.objects.get(company=world.company, kind="permanent")


def _post(user, thread: Thread, **data):
    return api_as(user).post(f"/api/v1/threads/{thread.pk}/messages/", data, format="json")


def test_threads_list_permanent_first_with_unread(world: World) -> None:
    api_as(world.client).post(
        f"/api/v1/companies/{world.company.id}/threads/", {"title": "Car lease"}, format="json"
    )
    _post(world.client, _thread(world), body="hello")
    threads = api_as(world.accountant).get(f"/api/v1/companies/{world.company.id}/threads/").json()
    assert threads[0]["kind"] == "permanent" and threads[0]["unread"] == 1
    assert [t["title"] for t in threads[1:]] == ["Car lease"]
    unread = api_as(world.accountant).get("/api/v1/chat/unread/").json()
    assert unread == {"companies": {str(world.company.id): 1}}


def test_send_over_rest_is_idempotent_and_pages_newest_first(world: World) -> None:
    client_id = str(uuid.uuid4())
    first = _post(world.client, _thread(world), body="once", client_id=client_id)
    again = _post(world.client, _thread(world), body="once", client_id=client_id)
    assert first.status_code == 201 and again.status_code == 200
    assert first.json()["id"] == again.json()["id"]
    for n in range(5):
        _post(world.client, _thread(world), body=f"m{n}")
    page = (
        api_as(world.accountant)
        .get(f"/api/v1/threads/{_thread(world).pk}/messages/?page_size=3")
        .json()
    )
    assert [m["body"] for m in page["results"]] == ["m4", "m3", "m2"]
    older = api_as(world.accountant).get(page["next"]).json()
    assert [m["body"] for m in older["results"]] == ["m1", "m0", "once"]


def test_discuss_a_document_and_attach_a_photo(world: World) -> None:
    folder = Folder.objects.get(company=world.company, template_code="purchase_invoices")
    upload = io.BytesIO(pdf_bytes())
    upload.name = "invoice-77.pdf"
    document = (
        api_as(world.client)
        .post(
            f"/api/v1/companies/{world.company.id}/documents/",
            {"file": upload, "folder": folder.pk},
            format="multipart",
        )
        .json()
    )
    discuss = api_as(world.client).post(
        "/api/v1/threads/for-subject/",
        {"subject_type": "dossier.document", "subject_id": document["id"]},
        format="json",
    )
    assert discuss.status_code == 201
    thread_id = discuss.json()["id"]
    again = api_as(world.accountant).post(
        "/api/v1/threads/for-subject/",
        {"subject_type": "dossier.document", "subject_id": document["id"]},
        format="json",
    )
    assert again.status_code == 200 and again.json()["id"] == thread_id
    photo = io.BytesIO(jpeg_bytes())
    photo.name = "receipt.jpg"
    sent = api_as(world.client).post(
        f"/api/v1/threads/{thread_id}/messages/",
        {"body": "Here is the receipt", "file": photo},
        format="multipart",
    )
    assert sent.status_code == 201, sent.content
    attachment = sent.json()["attachments"][0]
    stored = Document.objects.get(pk=attachment["id"])
    assert (
        stored.name == "receipt.jpg"
        and stored.inbox_state == "new"
        and stored.company == world.company
    )
    _post(world.accountant, Thread.objects.get(pk=thread_id), body="Thanks, **booked**")
    page = api_as(world.accountant).get(f"/api/v1/threads/{thread_id}/messages/").json()
    assert [m["attachments"] for m in page["results"]] == [[], [attachment]]
    assert page["results"][0]["html"] == "<p>Thanks, <strong>booked</strong></p>\n"
    assert page["results"][0]["author_name"] == world.accountant.display_name
    unknown = api_as(world.client).post(
        "/api/v1/threads/for-subject/",
        {"subject_type": "bank.line", "subject_id": 1},
        format="json",
    )
    assert unknown.status_code == 404


def test_edit_history_read_receipts_and_requests(world: World) -> None:
    message = _post(world.accountant, _thread(world), body="Send the March statement").json()
    edit = api_as(world.accountant).patch(
        f"/api/v1/messages/{message['id']}/", {"body": "Send the April statement"}, format="json"
    )
    assert edit.status_code == 200 and edit.json()["edited_at"]
    history = api_as(world.client).get(f"/api/v1/messages/{message['id']}/history/").json()
    assert [h["previous_body"] for h in history] == ["Send the March statement"]
    request = api_as(world.accountant).post(
        f"/api/v1/messages/{message['id']}/request/", {"due_date": "2026-12-15"}, format="json"
    )
    assert request.status_code == 201 and request.json()["due_date"] == "2026-12-15"
    todo = api_as(world.client).get("/api/v1/requests/").json()
    assert [r["title"] for r in todo] == ["Send the April statement"]
    assert api_as(world.other_client).get("/api/v1/requests/").json() == []
    done = api_as(world.client).post(
        f"/api/v1/requests/{todo[0]['id']}/", {"state": "not_applicable"}, format="json"
    )
    assert done.json()["state"] == "not_applicable"
    api_as(world.client).post(f"/api/v1/threads/{_thread(world).pk}/read/", {}, format="json")
    seen = api_as(world.accountant).get(f"/api/v1/threads/{_thread(world).pk}/read/").json()
    assert {s["user"] for s in seen} == {world.accountant.id, world.client.id}


def test_search_and_preferences(world: World) -> None:
    _post(world.client, _thread(world), body="Where is the leasing contract?")
    _post(world.accountant, _thread(world), body="leasing internal", internal=True)
    found = api_as(world.client).get("/api/v1/chat/search/", {"q": "leasing"}).json()
    assert [m["body"] for m in found] == ["Where is the leasing contract?"]
    assert len(api_as(world.owner).get("/api/v1/chat/search/", {"q": "leasing"}).json()) == 2
    assert api_as(world.other_owner).get("/api/v1/chat/search/", {"q": "leasing"}).json() == []
    prefs = api_as(world.client).patch(
        "/api/v1/me/chat-preferences/", {"notify": "daily", "read_receipts": False}, format="json"
    )
    assert prefs.json() == {"notify": "daily", "read_receipts": False}
    bad = api_as(world.client).patch(
        "/api/v1/me/chat-preferences/", {"notify": "weekly"}, format="json"
    )
    assert bad.status_code == 400


def test_chat_is_in_the_openapi_schema() -> None:
    paths = (
        APIClient()
        .get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
        .json()["paths"]
    )
    for path in (
        "/api/v1/threads/{thread_id}/messages/",
        "/api/v1/threads/for-subject/",
        "/api/v1/chat/search/",
    ):
        assert path in paths


def test_errors_are_clear(world: World) -> None:
    assert _post(world.client, _thread(world), body="  ").json()["code"] == "empty"
    assert (
        _post(world.client, _thread(world), body="x", client_id="nope").json()["code"]
        == "bad_client_id"
    )
    assert Message.objects.count() == 0


def test_a_page_of_messages_costs_the_same_queries_however_long_the_thread(world: World) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    thread = _thread(world)
    api = api_as(world.client)
    path = f"/api/v1/threads/{thread.pk}/messages/"

    def queries_of_a_page() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api.get(path).status_code == 200
        return len(captured.captured_queries)

    Message.objects.create(thread=thread, company=world.company, author=world.client, body="a")
    queries_of_a_page()  # the token's first use is written once (then at most every 5 minutes)
    few = queries_of_a_page()
    Message.objects.bulk_create(
        Message(thread=thread, company=world.company, author=world.owner, body=f"m {n}")
        for n in range(120)
    )
    assert queries_of_a_page() == few
