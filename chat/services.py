"""Everything that changes the chat; the REST API and the socket actions call these services."""

from __future__ import annotations

import functools
import json
import re
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from dossier.models import Document, Folder
from dossier.services import document_upload
from server.accounts.models import User
from server.errors import DomainError
from server.realtime.models import Event
from server.realtime.publish import group_name, publish, push_on_commit
from server.tenancy.access import Reach, reach_of, require_staff
from server.tenancy.models import Audience, Company

from . import events
from .markdown import render
from .models import (
    ChatPreferences,
    Message,
    MessageEdit,
    OfficeChatSettings,
    ReadState,
    Request,
    RequestState,
    Thread,
    ThreadKind,
)
from .subjects import subject_resolve

MAX_BODY = 20_000


class ChatError(DomainError):
    pass


# --- Threads -----------------------------------------------------------------------------------


def thread_permanent_ensure(*, company: Company) -> Thread:
    """The company's permanent thread, made with the company."""
    thread, _ = Thread.objects.get_or_create(
        company=company,
        kind=ThreadKind.PERMANENT,
        defaults={"audience": Audience.SHARED, "title": ""},
    )
    return thread


def thread_create(*, actor: User, company: Company, title: str, internal: bool = False) -> Thread:
    """A thread on a free subject; internal threads are for office staff only."""
    title = title.strip()
    if not title:
        raise ChatError("title_required", "Give the conversation a subject.")
    if internal:
        require_staff(actor, company)
    with transaction.atomic():
        thread = Thread.objects.create(
            company=company,
            kind=ThreadKind.SUBJECT,
            audience=Audience.INTERNAL if internal else Audience.SHARED,
            title=title[:200],
            created_by=actor,
        )
        publish(company, events.THREAD, events.thread_payload(thread), thread.audience)
    return thread


def thread_for_subject(
    *, actor: User, subject_type: str, subject_id: int, internal: bool = False
) -> tuple[Thread, bool]:
    """The thread about an object, created on first use ("Discuss"); (thread, created)."""
    subject = subject_resolve(actor, subject_type, subject_id)
    if internal or subject.audience == Audience.INTERNAL:
        require_staff(actor, subject.company)
        audience = Audience.INTERNAL
    else:
        audience = Audience.SHARED
    existing = Thread.objects.filter(
        company=subject.company, subject_type=subject.type, subject_id=subject.id, audience=audience
    ).first()
    if existing:
        return existing, False
    try:
        with transaction.atomic():
            thread = Thread.objects.create(
                company=subject.company,
                kind=ThreadKind.SUBJECT,
                audience=audience,
                title=subject.title[:200],
                subject_type=subject.type,
                subject_id=subject.id,
                created_by=actor,
            )
            publish(subject.company, events.THREAD, events.thread_payload(thread), audience)
    except IntegrityError:  # two people pressed "Discuss" at once
        return Thread.objects.get(
            company=subject.company, subject_type=subject.type, subject_id=subject.id,
            audience=audience,
        ), False  # fmt: skip
    return thread, True


def thread_resolve(*, actor: User, thread: Thread, resolved: bool = True) -> Thread:
    if thread.kind == ThreadKind.PERMANENT:
        raise ChatError("permanent", "The permanent thread stays open.")
    with transaction.atomic():
        thread.resolved_at = timezone.now() if resolved else None
        thread.resolved_by = actor if resolved else None
        thread.save(update_fields=["resolved_at", "resolved_by"])
        publish(thread.company, events.THREAD, events.thread_payload(thread), thread.audience)
    return thread


# --- Messages ----------------------------------------------------------------------------------

_MENTION = re.compile(r"@([\w.+-]+@[\w-]+(?:\.[\w-]+)+)")


def _mentions(thread: Thread, body: str, audience: str) -> list[int]:
    """Ids of the people @mentioned by e-mail address who can see the message."""
    emails = {match.lower() for match in _MENTION.findall(body)}
    if not emails:
        return []
    return sorted(
        user.pk
        for user in User.objects.filter(email__in=emails, is_active=True)
        if _may_see(user, thread.company_id, audience)
    )


def _may_see(user: User, company_id: int, audience: str) -> bool:
    return reach_of(user).audience_for(company_id) in (
        {Audience.INTERNAL}
        if audience == Audience.INTERNAL
        else {Audience.SHARED, Audience.INTERNAL}
    )


def _body_clean(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ChatError("empty", "Write something first.")
    if len(body) > MAX_BODY:
        raise ChatError("too_long", f"A message is at most {MAX_BODY:,} characters.")
    return body


@dataclass(frozen=True)
class Sent:
    message: Message
    created: bool


def message_send(
    *,
    actor: User,
    thread: Thread,
    body: str,
    client_id: uuid.UUID | str | None = None,
    reply_to: Message | None = None,
    internal_note: bool = False,
    attachments: list[Document] | None = None,
    reach: Reach | None = None,
) -> Sent:
    """Post a message. The same `client_id` from the same person stores one message, whatever
    the number of retries, and answers with that message. `reach`: the actor's, when the caller
    has it already (a socket).

    The common case costs one INSERT each for the message and its event and one UPDATE each for
    the thread and the author's read mark: a retry is found by the unique (author, client_id)
    constraint refusing the INSERT, not by a lookup before every send."""
    attachments = attachments or []
    if not attachments:
        body = _body_clean(body)
    elif len(body or "") > MAX_BODY:
        raise ChatError("too_long", f"A message is at most {MAX_BODY:,} characters.")
    if client_id is not None:
        client_id = _uuid(client_id)
    try:
        return _message_store(
            actor=actor, thread=thread, body=body.strip(), client_id=client_id,
            reply_to=reply_to, internal_note=internal_note, attachments=attachments, reach=reach,
        )  # fmt: skip
    except (IntegrityError, ChatError):
        # A retry (or the same client_id racing itself on two sockets) answers with the message
        # stored the first time, even if the thread was resolved since.
        earlier = (
            Message.objects.filter(author=actor, client_id=client_id).first()
            if client_id is not None
            else None
        )
        if earlier is None:
            raise
        return Sent(earlier, created=False)


def _message_store(
    *,
    actor: User,
    thread: Thread,
    body: str,
    client_id: uuid.UUID | None,
    reply_to: Message | None,
    internal_note: bool,
    attachments: list[Document],
    reach: Reach | None,
) -> Sent:
    if thread.resolved_at:
        raise ChatError("resolved", "This conversation is resolved; reopen it to write.")
    staff = thread.company_id in (reach or reach_of(actor)).staff
    if internal_note and not staff:
        raise ChatError("staff_only", "Only the office writes internal notes.")
    audience = (
        Audience.INTERNAL
        if internal_note or thread.audience == Audience.INTERNAL
        else Audience.SHARED
    )
    if reply_to is not None and reply_to.thread_id != thread.pk:
        raise ChatError("bad_reply", "Reply to a message of the same conversation.")
    for document in attachments:
        if document.company_id != thread.company_id or (
            document.audience == Audience.INTERNAL and audience == Audience.SHARED
        ):
            raise ChatError("bad_attachment", "Attach documents this conversation's readers see.")
    if not attachments:
        message = Message(
            thread=thread,
            company_id=thread.company_id,
            audience=audience,
            author=actor,
            body=body,
            body_html=render(body),
            client_id=client_id,
            reply_to=reply_to,
            mentions=_mentions(thread, body, audience),
            has_attachments=False,
        )
        _message_insert(message, actor, thread)
        return Sent(message, created=True)
    with transaction.atomic():
        message = Message.objects.create(
            thread=thread,
            company_id=thread.company_id,
            audience=audience,
            author=actor,
            body=body,
            body_html=render(body),
            client_id=client_id,
            reply_to=reply_to,
            mentions=_mentions(thread, body, audience),
            has_attachments=bool(attachments),
        )
        if attachments:
            message.attachments.set(attachments)
        Thread.objects.filter(pk=thread.pk).update(last_message_at=message.created_at)
        _read_advance(actor, thread, message.pk)
        payload = events.message_payload(message, attachments=attachments)
        publish(thread.company_id, events.MESSAGE, payload, audience)
        if attachments and not staff and audience == Audience.SHARED:
            _requests_answer(thread, message)
    return Sent(message, created=True)


@functools.cache
def _insert_fields() -> list[Any]:
    return [f for f in Message._meta.concrete_fields if not f.primary_key]


@functools.cache
def _send_sql() -> str:
    """`_message_insert`'s statement; only table and column names from the models go in."""
    fields = _insert_fields()
    qn = connection.ops.quote_name
    return f"""
        WITH m AS (
            INSERT INTO {qn(Message._meta.db_table)} ({", ".join(qn(f.column) for f in fields)})
            VALUES ({", ".join(["%s"] * len(fields))}) RETURNING id
        ), t AS (
            UPDATE {qn(Thread._meta.db_table)} SET last_message_at = %s WHERE id = %s
        ), r AS (
            INSERT INTO {qn(ReadState._meta.db_table)}
                (user_id, thread_id, last_read_id, read_at, notified_id)
            SELECT %s, %s, m.id, %s, 0 FROM m
            ON CONFLICT (user_id, thread_id) DO UPDATE
                SET last_read_id = EXCLUDED.last_read_id, read_at = EXCLUDED.read_at
                WHERE {qn(ReadState._meta.db_table)}.last_read_id < EXCLUDED.last_read_id
        ), e AS (
            INSERT INTO {qn(Event._meta.db_table)} (company_id, audience, kind, payload, created_at)
            SELECT %s, %s, %s, jsonb_set(%s::jsonb, '{{id}}', to_jsonb(m.id)), %s FROM m
            RETURNING id
        )
        SELECT m.id, e.id FROM m, e
    """  # noqa: S608


def _message_insert(message: Message, actor: User, thread: Thread) -> None:
    """The common send in one statement: INSERT the message, UPDATE the thread, advance the
    author's read mark (an upsert) and INSERT the event, as data-modifying CTEs. One statement
    is atomic on its own, so outside a transaction there is no BEGIN/COMMIT round trip either;
    the push follows on commit as with `publish`. The unique (author, client_id) constraint
    refusing a retry raises IntegrityError, as `Message.objects.create` did."""
    now = timezone.now()
    message.created_at = now
    values = [f.get_db_prep_save(getattr(message, f.attname), connection) for f in _insert_fields()]
    payload = events.message_payload(message, attachments=[])
    event = Event(
        company_id=message.company_id,
        audience=message.audience,
        kind=events.MESSAGE,
        payload=payload,
        created_at=now,
    )
    sql = _send_sql()
    params = [
        *values,
        now, thread.pk,
        actor.pk, thread.pk, now,
        event.company_id, event.audience, event.kind,
        json.dumps(payload, cls=DjangoJSONEncoder), now,
    ]  # fmt: skip

    def run() -> tuple[int, int]:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        return int(row[0]), int(row[1])

    if connection.in_atomic_block:  # a savepoint, so that a refused retry leaves it usable
        with transaction.atomic():
            message.pk, event.id = run()
    else:
        message.pk, event.id = run()
    message._state.adding = False
    payload["id"] = message.pk
    push_on_commit(event)


def _uuid(value: uuid.UUID | str) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise ChatError("bad_client_id", "client_id must be a UUID.") from None


def attachment_upload(*, actor: User, thread: Thread, content: Any, name: str) -> Document:
    """A file dropped into the composer: stored in the company's dossier inbox, then attached."""
    folder = (
        Folder.objects.filter(
            company=thread.company,
            template_code="office_working_papers"
            if thread.audience == Audience.INTERNAL
            else "purchase_invoices",
        ).first()
        or Folder.objects.filter(company=thread.company, audience=thread.audience).first()
    )
    if folder is None:
        raise ChatError("no_folder", "This company's dossier has no folder for attachments.")
    return document_upload(actor=actor, folder=folder, content=content, name=name)


def _edit_window(message: Message) -> timedelta:
    settings_row = OfficeChatSettings.objects.filter(office=message.company.office).first()
    minutes = (
        settings_row.edit_window_minutes if settings_row else settings.KONTOR_CHAT_EDIT_MINUTES
    )
    return timedelta(minutes=minutes)


def message_edit(*, actor: User, message: Message, body: str) -> Message:
    """Only the author edits, within the office's edit window; the old text stays visible."""
    if message.author_id != actor.pk:
        raise ChatError("not_author", "Only the author can edit a message.")
    if message.deleted_at:
        raise ChatError("deleted", "A deleted message cannot be edited.")
    if timezone.now() - message.created_at > _edit_window(message):
        raise ChatError("edit_window", "The time to edit this message has passed.")
    body = _body_clean(body)
    if body == message.body:
        return message
    with transaction.atomic():
        MessageEdit.objects.create(message=message, previous_body=message.body, editor=actor)
        message.body, message.body_html, message.edited_at = body, render(body), timezone.now()
        message.mentions = _mentions(message.thread, body, message.audience)
        message.save(update_fields=["body", "body_html", "edited_at", "mentions"])
        publish(
            message.company,
            events.MESSAGE_EDITED,
            events.message_payload(message),
            message.audience,
        )
    return message


def message_delete(*, actor: User, message: Message, reach: Reach | None = None) -> Message:
    """The author (or office staff) deletes; a tombstone stays, so the conversation has no gap."""
    staff = message.company_id in (reach or reach_of(actor)).staff
    if message.author_id != actor.pk and not staff:
        raise ChatError("not_author", "Only the author can delete a message.")
    if message.deleted_at:
        return message
    with transaction.atomic():
        message.deleted_at, message.deleted_by = timezone.now(), actor
        message.save(update_fields=["deleted_at", "deleted_by"])
        publish(
            message.company,
            events.MESSAGE_DELETED,
            events.message_payload(message),
            message.audience,
        )
    return message


# --- Read state and typing ---------------------------------------------------------------------


def _read_mark(actor: User, thread: Thread, message_id: int, *, announce: bool) -> ReadState:
    state, _ = ReadState.objects.get_or_create(user=actor, thread=thread)
    state.user = actor  # the reader's name goes into the event without a query
    if message_id > state.last_read_id:
        state.last_read_id = message_id
        state.read_at = timezone.now()
        state.save(update_fields=["last_read_id", "read_at"])
        if announce and _receipts_on(actor):
            publish(thread.company, events.READ, events.read_payload(state), thread.audience)
    return state


def _read_advance(actor: User, thread: Thread, message_id: int) -> None:
    """The author has read their own message: one UPDATE when the read mark exists (every send
    but a person's first in a thread), without announcing it."""
    moved = ReadState.objects.filter(user=actor, thread=thread, last_read_id__lt=message_id).update(
        last_read_id=message_id, read_at=timezone.now()
    )
    if not moved:
        _read_mark(actor, thread, message_id, announce=False)


def _receipts_on(user: User) -> bool:
    preferences = ChatPreferences.objects.filter(user=user).first()
    return preferences.read_receipts if preferences else True


def thread_read(
    *, actor: User, thread: Thread, up_to: int | None = None, reach: Reach | None = None
) -> ReadState:
    """Mark the thread read up to a message (default: its newest one the reader may see)."""
    from .selectors import messages_visible

    newest = (
        messages_visible(user=actor, thread=thread, reach=reach)
        .order_by("-id")
        .values_list("id", flat=True)
    )
    last = newest.first() or 0
    target = min(up_to, last) if up_to is not None else last
    with transaction.atomic():
        return _read_mark(actor, thread, target, announce=True)


def thread_typing(*, actor: User, thread: Thread) -> None:
    """Ephemeral: straight to the group, no Event row, no id, lost if nobody listens."""
    layer = get_channel_layer()
    if layer is None:
        return
    frame = events.typing_frame(thread, actor)
    async_to_sync(layer.group_send)(
        group_name(thread.company_id, thread.audience), {"type": "ephemeral.frame", "text": frame}
    )


# --- Requests ------------------------------------------------------------------------------------


def request_create(
    *, actor: User, message: Message, title: str = "", due_date: date | None = None
) -> Request:
    """Staff turn a message into a to-do for the client."""
    require_staff(actor, message.company)
    if message.audience != Audience.SHARED:
        raise ChatError("internal", "A request goes to the client: use a shared message.")
    if hasattr(message, "request"):
        raise ChatError("exists", "This message is already a request.")
    with transaction.atomic():
        request = Request.objects.create(
            message=message,
            thread=message.thread,
            company=message.company,
            title=(title or message.body).strip()[:200],
            due_date=due_date,
            created_by=actor,
        )
        publish(message.company, events.REQUEST, events.request_payload(request), Audience.SHARED)
    return request


def request_close(*, actor: User, request: Request, state: str) -> Request:
    if state not in {RequestState.DONE, RequestState.NOT_APPLICABLE, RequestState.OPEN}:
        raise ChatError("bad_state", "A request is open, done or not applicable.")
    with transaction.atomic():
        request.state = state
        request.closed_by = None if state == RequestState.OPEN else actor
        request.closed_at = None if state == RequestState.OPEN else timezone.now()
        request.save(update_fields=["state", "closed_by", "closed_at"])
        publish(request.company, events.REQUEST, events.request_payload(request), Audience.SHARED)
    return request


def _requests_answer(thread: Thread, message: Message) -> None:
    """A client's upload into the thread completes the request it replies to, else the oldest."""
    open_requests = Request.objects.filter(thread=thread, state=RequestState.OPEN)
    target = None
    if message.reply_to_id:
        target = open_requests.filter(message_id=message.reply_to_id).first()
    target = target or open_requests.order_by("created_at", "id").first()
    if target is None:
        return
    target.state, target.closed_by, target.closed_at = (
        RequestState.DONE,
        message.author,
        timezone.now(),
    )
    target.answer = message
    target.save(update_fields=["state", "closed_by", "closed_at", "answer"])
    publish(thread.company, events.REQUEST, events.request_payload(target), Audience.SHARED)


def preferences_update(*, actor: User, **changes: Any) -> ChatPreferences:
    preferences, _ = ChatPreferences.objects.get_or_create(user=actor)
    for field in ("notify", "read_receipts"):
        if field in changes:
            setattr(preferences, field, changes[field])
    preferences.full_clean()
    preferences.save()
    return preferences
