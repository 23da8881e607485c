"""The payloads chat publishes (docs/realtime.md). Internal notes and internal threads travel only
as `internal` events; everything else in a shared thread as `shared`."""

from __future__ import annotations

import json
from typing import Any

from dossier.models import Document

from .markdown import render
from .models import Message, ReadState, Request, Thread

THREAD = "chat.thread"
MESSAGE = "chat.message"
MESSAGE_EDITED = "chat.message_edited"
MESSAGE_DELETED = "chat.message_deleted"
READ = "chat.read"
REQUEST = "chat.request"


def _when(value: Any) -> str | None:
    return value.isoformat() if value else None


def thread_payload(thread: Thread) -> dict[str, Any]:
    return {
        "id": thread.pk,
        "kind": thread.kind,
        "audience": thread.audience,
        "title": thread.title,
        "subject_type": thread.subject_type,
        "subject_id": thread.subject_id,
        "resolved_at": _when(thread.resolved_at),
        "last_message_at": _when(thread.last_message_at),
    }


def message_payload(message: Message, attachments: list[Document] | None = None) -> dict[str, Any]:
    """`attachments`: the message's documents when the caller has them at hand (a message just
    written); otherwise they are read from the message (prefetched on pages)."""
    deleted = message.deleted_at is not None
    if deleted:
        documents: list[Document] = []
    elif attachments is not None:
        documents = attachments
    else:
        documents = list(message.attachments.all())
    return {
        "id": message.pk,
        "thread": message.thread_id,
        "author": message.author_id,
        "author_name": message.author.display_name,
        "internal_note": message.is_internal_note,
        "body": "" if deleted else message.body,
        # Rendered when written; a row that somehow lacks it is rendered now.
        "html": "" if deleted else (message.body_html or render(message.body)),
        "reply_to": message.reply_to_id,
        "mentions": message.mentions,
        "attachments": [{"id": d.pk, "name": d.name} for d in documents],
        "created_at": _when(message.created_at),
        "edited_at": _when(message.edited_at),
        "deleted_at": _when(message.deleted_at),
        "client_id": str(message.client_id) if message.client_id else None,
    }


def read_payload(state: ReadState) -> dict[str, Any]:
    """`name`: the reader's display name, so that the page says "seen by Anna" without a lookup
    (set `state.user` to the reader first where it is at hand, or it costs a query)."""
    return {
        "thread": state.thread_id,
        "user": state.user_id,
        "name": state.user.display_name,
        "last_read": state.last_read_id,
        "at": _when(state.read_at),
    }


def request_payload(request: Request) -> dict[str, Any]:
    return {
        "id": request.pk,
        "thread": request.thread_id,
        "message": request.message_id,
        "title": request.title,
        "due_date": _when(request.due_date),
        "state": request.state,
        "closed_by": request.closed_by_id,
        "closed_at": _when(request.closed_at),
        "answer": request.answer_id,
    }


def typing_frame(thread: Thread, user: Any) -> str:
    """Typing is ephemeral: a frame without an id, never stored or replayed."""
    return json.dumps(
        {
            "type": "chat.typing",
            "company": thread.company_id,
            "thread": thread.pk,
            "user": user.pk,
            "name": user.display_name,
        },
        separators=(",", ":"),
    )
