"""Reads of the dossier, already scoped to what the user may see (internal items: staff only)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import DecimalField, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from server.accounts.models import User
from server.tenancy.access import reach_of
from server.tenancy.models import Company

from .models import AccessRecord, DirectUpload, Document, Folder, InboxState, Version

ORDERINGS = {
    "newest": ("-created_at", "-id"),
    "oldest": ("created_at", "id"),
    "name": ("name", "id"),
    "-name": ("-name", "-id"),
    # Sorted on stand-ins that are never NULL: a cursor cannot page past NULLs (undated documents
    # would never come), so they sort last as if due on the last day / of no amount.
    "due": ("due_sort", "id"),
    "amount": ("-amount_sort", "-id"),
}
_NEVER = date(9999, 12, 31)


def folder_list(*, user: User, company: Company) -> QuerySet[Folder]:
    return Folder.objects.visible_to(user).filter(company=company).order_by("name", "id")


def folder_get(*, user: User, folder_id: int | str) -> Folder:
    try:
        return Folder.objects.visible_to(user).select_related("company").get(pk=int(folder_id))
    except (Folder.DoesNotExist, ValueError, TypeError):
        raise Http404("No such folder.") from None


def _documents(user: User) -> QuerySet[Document]:
    return Document.objects.visible_to(user).select_related(
        "current_version__uploaded_by", "folder", "company"
    )


def document_list(
    *,
    user: User,
    company: Company,
    folder: Folder | None = None,
    kind: str = "",
    inbox_state: str = "",
    tag: str = "",
    query: str = "",
    trash: bool = False,
    ordering: str = "newest",
) -> QuerySet[Document]:
    # The listing shows the folder and company ids only, and never the extracted PDF text.
    documents: QuerySet[Document] = (
        Document.objects.visible_to(user)
        .select_related("current_version__uploaded_by")
        .defer("current_version__text")
        .filter(company=company, deleted_at__isnull=not trash)
    )
    if folder is not None:
        documents = documents.filter(folder=folder)
    if kind:
        documents = documents.filter(kind=kind)
    if inbox_state:
        documents = documents.filter(inbox_state=inbox_state)
    if tag:
        documents = documents.filter(tags__contains=[tag])
    if query:
        documents = documents.filter(_matches(query))
    documents = documents.annotate(
        due_sort=Coalesce("due_date", Value(_NEVER)),
        amount_sort=Coalesce("amount", Value(Decimal("-1")), output_field=DecimalField()),
    )
    return documents.order_by(*ORDERINGS.get(ordering, ORDERINGS["newest"]))


def _matches(query: str) -> Q:
    """Name, note, supplier and the text of the current version's PDF."""
    words = query.split()[:8]
    condition = Q()
    for word in words:
        condition &= (
            Q(name__icontains=word)
            | Q(note__icontains=word)
            | Q(supplier__icontains=word)
            | Q(current_version__text__icontains=word)
        )
    return condition


def document_get(*, user: User, document_id: int | str, in_trash: bool | None = None) -> Document:
    try:
        document = _documents(user).get(pk=int(document_id))
    except (Document.DoesNotExist, ValueError, TypeError):
        raise Http404("No such document.") from None
    if in_trash is not None and bool(document.deleted_at) != in_trash:
        raise Http404("No such document.")
    return document


def version_get(*, document: Document, number: int | str | None) -> Version:
    if number in (None, ""):
        if document.current_version is None:
            raise Http404("The document has no content.")
        return document.current_version
    try:
        return document.versions.get(number=int(number))  # type: ignore[arg-type]
    except (Version.DoesNotExist, ValueError, TypeError):
        raise Http404("No such version.") from None


def inbox(
    *, user: User, states: tuple[str, ...] = (InboxState.NEW, InboxState.IN_PROGRESS)
) -> QuerySet[Document]:
    """Staff: one inbox across every company they serve (never a company they are a client of)."""
    return (
        _documents(user)
        .filter(
            company_id__in=reach_of(user).staff, deleted_at__isnull=True, inbox_state__in=states
        )
        .order_by("created_at", "id")
    )


def access_history(*, document: Document) -> QuerySet[AccessRecord]:
    return document.accesses.select_related("user", "version").order_by("-at", "-id")


def direct_upload_get(*, user: User, upload_id: str) -> DirectUpload:
    reach = reach_of(user)
    try:
        return DirectUpload.objects.select_related("folder", "company").get(
            pk=upload_id, user=user, company_id__in=reach.companies
        )
    except (DirectUpload.DoesNotExist, ValueError):
        raise Http404("No such upload.") from None
