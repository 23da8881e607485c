"""Reads of the chat, scoped to what the user may see (internal threads and notes: staff only)."""

from __future__ import annotations

import functools
from typing import cast

from django.db import DEFAULT_DB_ALIAS, connection
from django.db.models import (
    Count,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from dossier.models import Document
from server.accounts.models import User
from server.tenancy.access import Reach
from server.tenancy.models import Company

from .models import Message, MessageEdit, ReadState, Request, RequestState, Thread


def threads_visible(*, user: User, reach: Reach | None = None) -> QuerySet[Thread]:
    """`reach`: the user's reach when the caller already has it (a socket computes it once, at
    connect), which saves recomputing it."""
    if reach is None:
        return Thread.objects.visible_to(user)
    return Thread.objects.filter(reach.item_filter())


def thread_get(*, user: User, thread_id: int | str, reach: Reach | None = None) -> Thread:
    try:
        return (
            threads_visible(user=user, reach=reach).select_related("company").get(pk=int(thread_id))
        )
    except (Thread.DoesNotExist, ValueError, TypeError):
        raise Http404("No such conversation.") from None


@functools.cache
def _thread_by_id() -> tuple[list[str], str]:
    fields = Thread._meta.concrete_fields
    qn = connection.ops.quote_name
    columns = ", ".join(qn(cast(str, f.column)) for f in fields)
    sql = f"SELECT {columns} FROM {qn(Thread._meta.db_table)} WHERE id = %s"  # noqa: S608
    return [f.attname for f in fields], sql


def thread_get_reached(*, thread_id: int, reach: Reach) -> Thread:
    """`thread_get` for a socket's hot path (`chat.send`): the thread by its id, without its
    company, checked against the socket's reach in Python (the same rule as
    `Reach.item_filter`). Saves the ORM building and compiling the filtered query per frame."""
    names, sql = _thread_by_id()
    with connection.cursor() as cursor:
        cursor.execute(sql, [int(thread_id)])
        row = cursor.fetchone()
    if row is None:
        raise Http404("No such conversation.")
    thread = Thread.from_db(DEFAULT_DB_ALIAS, names, row)
    if reach.sees(thread.company_id, thread.audience):
        return thread
    raise Http404("No such conversation.")


def messages_visible(
    *, user: User, thread: Thread, reach: Reach | None = None
) -> QuerySet[Message]:
    return _messages(user, reach).filter(thread=thread)


def _messages(user: User, reach: Reach | None) -> QuerySet[Message]:
    if reach is None:
        return Message.objects.visible_to(user)
    return Message.objects.filter(reach.item_filter())


def _unread_count(user: User) -> Subquery:
    """Messages of others after the user's read mark, that the user may see."""
    # Correlated to the listed thread, not to each message: one lookup per thread, and
    # `id > last_read` becomes an index condition (bench/chat_thread.py: 58 ms -> 1 ms).
    last_read = ReadState.objects.filter(user=user, thread=OuterRef(OuterRef("pk"))).values(
        "last_read_id"
    )
    unread = (
        Message.objects.visible_to(user)
        .filter(thread=OuterRef("pk"), deleted_at__isnull=True)
        .exclude(author=user)
        .filter(id__gt=Coalesce(Subquery(last_read[:1]), Value(0)))
        .order_by()
        .values("thread")
        .annotate(n=Count("id"))
        .values("n")
    )
    return Subquery(unread[:1], output_field=IntegerField())


def thread_list(
    *, user: User, company: Company, include_resolved: bool = False
) -> QuerySet[Thread]:
    """The company's threads, the permanent one first, then the most recently active."""
    threads = threads_visible(user=user).filter(company=company)
    if not include_resolved:
        threads = threads.filter(resolved_at__isnull=True)
    # "permanent" sorts before "subject": the permanent thread first, then the latest activity.
    return threads.annotate(unread=Coalesce(_unread_count(user), 0)).order_by(
        "kind", F("last_message_at").desc(nulls_last=True), "-id"
    )


def unread_by_company(*, user: User) -> dict[int, int]:
    """Unread messages per company, for the office home."""
    threads = threads_visible(user=user).annotate(unread=Coalesce(_unread_count(user), 0))
    totals: dict[int, int] = {}
    for company_id, unread in threads.values_list("company_id", "unread"):
        totals[company_id] = totals.get(company_id, 0) + unread
    return totals


# What a page of messages reads: no password hashes, no thread columns but the audience.
_PAGE_FIELDS = (
    *(f.name for f in Message._meta.concrete_fields if f.name != "thread"),
    "thread__id",
    "thread__audience",
    "author__id",
    "author__email",
    "author__first_name",
    "author__last_name",
)


def message_page(*, user: User, thread: Thread, reach: Reach | None = None) -> QuerySet[Message]:
    """Newest first, with what the payload needs joined in one go (the HTML is stored; the
    attachments come from `attachments_of`)."""
    return (
        messages_visible(user=user, thread=thread, reach=reach)
        .select_related("author", "thread")
        .only(*_PAGE_FIELDS)
        .order_by("-id")
    )


def attachments_of(messages: list[Message]) -> dict[int, list[Document]]:
    """The documents attached to these messages, by message id: one query, and none at all when
    no message of the page has attachments (most pages)."""
    ids = [m.pk for m in messages if m.has_attachments and m.deleted_at is None]
    found: dict[int, list[Document]] = {pk: [] for pk in ids}
    if ids:
        links = Message.attachments.through.objects.filter(message_id__in=ids)
        for link in (
            links.select_related("document")
            .only("message_id", "document__id", "document__name")
            .order_by("document_id")
        ):
            found[link.message_id].append(link.document)
    return found


def message_get(*, user: User, message_id: int | str, reach: Reach | None = None) -> Message:
    try:
        return (
            _messages(user, reach)
            .select_related("thread", "company", "author")
            .get(pk=int(message_id))
        )
    except (Message.DoesNotExist, ValueError, TypeError):
        raise Http404("No such message.") from None


def message_history(*, message: Message) -> QuerySet[MessageEdit]:
    return message.edits.select_related("editor")


def read_states(*, thread: Thread) -> QuerySet[ReadState]:
    """Who has read how far (for "seen by"), without those who opted out of read receipts."""
    return (
        ReadState.objects.filter(thread=thread, last_read_id__gt=0)
        .exclude(user__chat_preferences__read_receipts=False)
        .select_related("user")
    )


def requests_open(*, user: User, company: Company | None = None) -> QuerySet[Request]:
    requests = Request.objects.visible_to(user).filter(state=RequestState.OPEN)
    if company is not None:
        requests = requests.filter(company=company)
    return requests.select_related("thread", "message").order_by("due_date", "id")


def request_get(*, user: User, request_id: int | str) -> Request:
    try:
        return Request.objects.visible_to(user).select_related("company").get(pk=int(request_id))
    except (Request.DoesNotExist, ValueError, TypeError):
        raise Http404("No such request.") from None


def message_search(
    *, user: User, query: str, company: Company | None = None, thread: Thread | None = None
) -> QuerySet[Message]:
    """Full-text search on PostgreSQL; a plain substring match on SQLite (the demo)."""
    messages = Message.objects.visible_to(user).filter(deleted_at__isnull=True)
    if company is not None:
        messages = messages.filter(company=company)
    if thread is not None:
        messages = messages.filter(thread=thread)
    query = query.strip()
    if not query:
        return messages.none()
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        messages = messages.annotate(search=SearchVector("body", config="simple")).filter(
            search=SearchQuery(query, config="simple", search_type="websearch")
        )
    else:
        condition = Q()
        for word in query.split()[:8]:
            condition &= Q(body__icontains=word)
        messages = messages.filter(condition)
    return cast(QuerySet[Message], messages.select_related("thread", "author").order_by("-id"))
