"""Chat services: threads, idempotent sends, edits and their window, tombstones, notes, requests."""

from __future__ import annotations

import io
import json
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from chat import selectors, services
from chat.models import Message, Thread
from chat.services import ChatError
from dossier.models import Folder
from dossier.services import document_upload
from server.realtime.models import Event
from tests.dossier_files import pdf_bytes
from tests.factories import World

pytestmark = pytest.mark.django_db


def permanent(world: World) -> Thread:
    return Thread.objects.get(company=world.company, kind="permanent")


def send(user, thread, body="Hello", **kwargs):
    return services.message_send(actor=user, thread=thread, body=body, **kwargs).message


def test_every_company_has_one_permanent_thread(world: World) -> None:
    assert Thread.objects.filter(kind="permanent").count() == 3
    assert permanent(world).audience == "shared"
    with pytest.raises(ChatError):
        services.thread_resolve(actor=world.owner, thread=permanent(world))


def test_same_client_id_twice_stores_one_message(world: World) -> None:
    client_id = uuid.uuid4()
    first = services.message_send(
        actor=world.client, thread=permanent(world), body="Hi", client_id=client_id
    )
    again = services.message_send(
        actor=world.client, thread=permanent(world), body="Hi", client_id=client_id
    )
    assert first.created and not again.created
    assert first.message.pk == again.message.pk
    assert Message.objects.count() == 1
    assert Event.objects.filter(kind="chat.message").count() == 1


def test_edit_keeps_history_and_respects_the_window(world: World, settings) -> None:
    message = send(world.client, permanent(world), "Is invoice 12 paid?")
    services.message_edit(actor=world.client, message=message, body="Is invoice 13 paid?")
    history = list(selectors.message_history(message=message))
    assert [h.previous_body for h in history] == ["Is invoice 12 paid?"]
    with pytest.raises(ChatError) as refused:
        services.message_edit(actor=world.accountant, message=message, body="x")
    assert refused.value.code == "not_author"
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(minutes=16))
    message.refresh_from_db()
    with pytest.raises(ChatError) as refused:
        services.message_edit(actor=world.client, message=message, body="late")
    assert refused.value.code == "edit_window"


def test_office_sets_its_own_edit_window(world: World) -> None:
    from chat.models import OfficeChatSettings

    OfficeChatSettings.objects.create(office=world.office, edit_window_minutes=60)
    message = send(world.client, permanent(world))
    Message.objects.filter(pk=message.pk).update(created_at=timezone.now() - timedelta(minutes=30))
    message.refresh_from_db()
    services.message_edit(actor=world.client, message=message, body="Still in time")


def test_delete_leaves_a_tombstone(world: World) -> None:
    message = send(world.client, permanent(world), "oops")
    services.message_delete(actor=world.client, message=message)
    page = list(selectors.message_page(user=world.accountant, thread=permanent(world)))
    assert [m.pk for m in page] == [message.pk]
    payload = Event.objects.filter(kind="chat.message_deleted").get().payload
    assert payload["deleted_at"] and payload["body"] == "" and payload["html"] == ""


def test_internal_notes_are_for_staff_only(world: World) -> None:
    thread = permanent(world)
    send(world.client, thread, "Question")
    note = send(world.accountant, thread, "Client is late again", internal_note=True)
    assert note.audience == "internal"
    assert Event.objects.get(kind="chat.message", payload__id=note.pk).audience == "internal"
    client_sees = [m.pk for m in selectors.message_page(user=world.client, thread=thread)]
    assert note.pk not in client_sees
    assert note.pk in [m.pk for m in selectors.message_page(user=world.owner, thread=thread)]
    with pytest.raises(ChatError):
        send(world.client, thread, "sneaky", internal_note=True)


def test_internal_threads_are_invisible_to_clients(world: World) -> None:
    thread = services.thread_create(
        actor=world.accountant, company=world.company, title="Fees", internal=True
    )
    send(world.accountant, thread, "raise the fee?")
    assert thread not in selectors.thread_list(user=world.client, company=world.company)
    assert selectors.message_search(user=world.client, query="fee").count() == 0
    assert selectors.message_search(user=world.owner, query="fee").count() == 1
    with pytest.raises(Exception):  # noqa: B017 (Http404)
        selectors.thread_get(user=world.client, thread_id=thread.pk)
    with pytest.raises(Exception):  # noqa: B017
        services.thread_create(actor=world.client, company=world.company, title="x", internal=True)


def test_discuss_opens_one_thread_per_document(world: World) -> None:
    folder = Folder.objects.get(company=world.company, template_code="purchase_invoices")
    document = document_upload(
        actor=world.client, folder=folder, content=io.BytesIO(pdf_bytes()), name="inv.pdf"
    )
    thread, created = services.thread_for_subject(
        actor=world.client, subject_type="dossier.document", subject_id=document.pk
    )
    again, created_again = services.thread_for_subject(
        actor=world.accountant, subject_type="dossier.document", subject_id=document.pk
    )
    assert created and not created_again and thread.pk == again.pk
    assert thread.title == "inv.pdf"
    from django.http import Http404

    with pytest.raises(Http404):
        services.thread_for_subject(
            actor=world.other_client, subject_type="dossier.document", subject_id=document.pk
        )


def test_unread_counts_and_read_marks(world: World) -> None:
    thread = permanent(world)

    def unread(user) -> int:
        return selectors.thread_list(user=user, company=world.company).get(pk=thread.pk).unread  # type: ignore[attr-defined]

    first = send(world.client, thread, "one")
    send(world.client, thread, "two")
    send(world.owner, thread, "internal", internal_note=True)
    assert unread(world.accountant) == 3
    assert selectors.unread_by_company(user=world.accountant) == {world.company.pk: 3}
    # The author's own messages are never unread; an internal note never counts for the client.
    assert unread(world.client) == 0
    assert unread(world.client_member) == 2
    services.thread_read(actor=world.accountant, thread=thread, up_to=first.pk)
    assert unread(world.accountant) == 2
    services.thread_read(actor=world.accountant, thread=thread)
    assert selectors.unread_by_company(user=world.accountant) == {world.company.pk: 0}
    assert Event.objects.filter(kind="chat.read").exists()
    # Writing counts as having read everything before.
    send(world.client_member, thread, "three")
    assert unread(world.client_member) == 0


def test_read_receipts_opt_out_publishes_nothing(world: World) -> None:
    services.preferences_update(actor=world.client, read_receipts=False)
    thread = permanent(world)
    send(world.accountant, thread, "hello")
    services.thread_read(actor=world.client, thread=thread)
    assert not Event.objects.filter(kind="chat.read").exists()
    assert list(selectors.read_states(thread=thread).values_list("user", flat=True)) == [
        world.accountant.pk
    ]


def test_a_request_is_completed_by_an_upload_into_the_thread(world: World) -> None:
    thread = permanent(world)
    ask = send(world.accountant, thread, "Please send the March bank statement")
    request = services.request_create(
        actor=world.accountant, message=ask, due_date=timezone.localdate()
    )
    assert list(selectors.requests_open(user=world.client)) == [request]
    with pytest.raises(Exception):  # noqa: B017 (NotPermitted)
        services.request_create(actor=world.client, message=ask)
    statement = services.attachment_upload(
        actor=world.client, thread=thread, content=io.BytesIO(pdf_bytes()), name="march.pdf"
    )
    assert statement.inbox_state == "new"
    services.message_send(
        actor=world.client, thread=thread, body="", attachments=[statement], reply_to=ask
    )
    request.refresh_from_db()
    assert request.state == "done" and request.closed_by == world.client
    assert list(selectors.requests_open(user=world.client)) == []


def test_search_finds_words_in_what_the_user_may_see(world: World) -> None:
    send(world.client, permanent(world), "The VAT return for March is ready?")
    send(
        world.other_client,
        Thread.objects.get(company=world.other_company, kind="permanent"),
        "VAT March",
    )
    found = selectors.message_search(user=world.client, query="march vat")
    assert [m.body for m in found] == ["The VAT return for March is ready?"]
    assert (
        selectors.message_search(
            user=world.accountant, query="March", company=world.company
        ).count()
        == 1
    )


def test_markdown_is_rendered_safely(world: World) -> None:
    send(
        world.client,
        permanent(world),
        "**Hi** <img src=x onerror=alert(1)> [site](https://example.com) [x](javascript:alert(1))",
    )
    html = Event.objects.get(kind="chat.message").payload["html"]
    assert "<strong>Hi</strong>" in html
    assert "<img" not in html and "&lt;img" in html
    assert 'rel="noopener nofollow"' in html
    assert 'href="javascript' not in html


def test_mentions_only_people_who_can_see_the_message(world: World) -> None:
    message = send(
        world.client,
        permanent(world),
        f"@{world.accountant.email} and @{world.other_owner.email} look",
    )
    assert message.mentions == [world.accountant.pk]
    note = send(
        world.owner,
        permanent(world),
        f"@{world.client.email} @{world.accountant.email}",
        internal_note=True,
    )
    assert note.mentions == [world.accountant.pk]


def test_discuss_a_calendar_event(world: World) -> None:
    from datetime import date

    from django.http import Http404

    from calendar_app.services import event_create

    event = event_create(
        actor=world.accountant, company=world.company, title="VAT", date=date(2026, 12, 21)
    )
    thread, created = services.thread_for_subject(
        actor=world.client, subject_type="calendar.event", subject_id=event.pk
    )
    assert created and thread.title == "VAT (2026-12-21)" and thread.company == world.company
    internal = event_create(
        actor=world.owner,
        company=world.company,
        title="Fees",
        date=date(2026, 12, 1),
        audience="internal",
    )
    with pytest.raises(Http404):
        services.thread_for_subject(
            actor=world.client, subject_type="calendar.event", subject_id=internal.pk
        )
    staff_thread, _ = services.thread_for_subject(
        actor=world.owner, subject_type="calendar.event", subject_id=internal.pk
    )
    assert staff_thread.audience == "internal"


def test_a_send_with_the_socket_s_reach_is_one_statement(world: World) -> None:
    """The socket's hot path: no reach recomputed, no retry lookup, no re-fetch of what was just
    written; message, thread, read mark and event in one statement (a savepoint around it only
    inside a transaction, as here); the first send in a thread also creates the read mark."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from chat.models import ReadState
    from server.tenancy.access import reach_of

    thread = permanent(world)
    reach = reach_of(world.client)
    with CaptureQueriesContext(connection) as first_captured:
        first = send(world.client, thread, "first", client_id=uuid.uuid4(), reach=reach)
    assert ReadState.objects.get(user=world.client, thread=thread).last_read_id == first.pk
    with CaptureQueriesContext(connection) as captured:
        message = send(world.client, thread, "**second**", client_id=uuid.uuid4(), reach=reach)
    for queries in (first_captured, captured):
        statements = [q["sql"].split()[0].upper() for q in queries.captured_queries]
        assert statements == ["SAVEPOINT", "WITH", "RELEASE"], statements
    assert ReadState.objects.get(user=world.client, thread=thread).last_read_id == message.pk
    thread.refresh_from_db()
    assert thread.last_message_at == Message.objects.get(pk=message.pk).created_at
    event = Event.objects.filter(kind="chat.message").latest("id")
    assert event.payload["id"] == message.pk
    assert event.payload["client_id"] == str(message.client_id)
    assert event.company_id == world.company.pk and event.audience == "shared"
    assert event.payload["html"] == "<p><strong>second</strong></p>\n"
    assert event.payload["attachments"] == []
    stored = Message.objects.get(pk=message.pk)
    assert stored.body_html == "<p><strong>second</strong></p>\n"
    assert (stored.author_id, stored.company_id) == (world.client.pk, world.company.pk)
    assert stored.mentions == []


def test_the_one_statement_send_never_moves_a_read_mark_back(world: World) -> None:
    from chat.models import ReadState

    thread = permanent(world)
    ReadState.objects.create(user=world.client, thread=thread, last_read_id=10**12)
    send(world.client, thread, "hello", client_id=uuid.uuid4())
    assert ReadState.objects.get(user=world.client, thread=thread).last_read_id == 10**12


def test_the_one_statement_send_pushes_the_stored_event_on_commit(
    world: World, django_capture_on_commit_callbacks
) -> None:
    from unittest import mock

    thread = permanent(world)
    with (
        mock.patch("server.realtime.publish._push") as push,
        django_capture_on_commit_callbacks(execute=True),
    ):
        message = send(world.client, thread, "hi", client_id=uuid.uuid4())
        assert push.call_count == 0  # not before the commit
    event = Event.objects.filter(kind="chat.message").latest("id")
    assert push.call_count == 1
    group, pushed = push.call_args.args
    assert (group, pushed["id"]) == (f"company.{world.company.pk}.shared", event.pk)
    assert (pushed["company"], pushed["audience"]) == (world.company.pk, "shared")
    data = json.loads(pushed["text"])
    assert data["id"] == event.pk and data["kind"] == "chat.message"
    assert data["data"] == event.payload and data["data"]["id"] == message.pk


def test_a_retry_after_the_thread_was_resolved_still_acks_the_first_message(world: World) -> None:
    thread = services.thread_create(actor=world.owner, company=world.company, title="VAT Q1")
    client_id = uuid.uuid4()
    first = send(world.client, thread, "Hello", client_id=client_id)
    services.thread_resolve(actor=world.owner, thread=thread)
    thread.refresh_from_db()
    retry = services.message_send(
        actor=world.client, thread=thread, body="Hello", client_id=client_id
    )
    assert (retry.message.pk, retry.created) == (first.pk, False)
    with pytest.raises(ChatError):
        send(world.client, thread, "Hello again", client_id=uuid.uuid4())


def test_edits_store_the_new_html(world: World) -> None:
    message = send(world.owner, permanent(world), "plain")
    services.message_edit(actor=world.owner, message=message, body="_now_ <b>bold</b>")
    message.refresh_from_db()
    assert message.body_html == "<p><em>now</em> &lt;b&gt;bold&lt;/b&gt;</p>\n"


def test_the_migration_backfills_html_and_the_attachment_flag(world: World) -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("chat.migrations.0003_message_body_html")
    thread = permanent(world)
    folder = Folder.objects.filter(company=world.company, audience="shared").first()
    assert folder is not None
    document = document_upload(
        actor=world.owner, folder=folder, content=io.BytesIO(pdf_bytes()), name="a.pdf"
    )
    old = Message.objects.create(
        thread=thread, company=world.company, author=world.owner, body="*x*"
    )
    old.attachments.set([document])
    migration.backfill(apps, None)
    old.refresh_from_db()
    assert (old.body_html, old.has_attachments) == ("<p><em>x</em></p>\n", True)
