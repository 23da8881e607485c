"""Everything that changes the dossier. Each service checks access, runs in one transaction,
publishes its event on commit, and leaves nothing behind when it refuses."""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from types import EllipsisType
from typing import IO, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from server.accounts.models import User
from server.errors import DomainError
from server.realtime.publish import publish
from server.tenancy.access import is_staff_of, reach_of, require_staff
from server.tenancy.models import Audience, Company

from . import events, storage
from .models import (
    AccessAction,
    AccessRecord,
    DirectUpload,
    Document,
    DocumentKind,
    Folder,
    FolderAccess,
    InboxState,
    Version,
)
from .sniff import ALLOWED_TYPES, SNIFF_BYTES, sniff
from .templates import FOLDER_TEMPLATES

CHUNK = 1024 * 1024


class DossierError(DomainError):
    """A refusal the user can act on: a stable code and one sentence."""


class TooLarge(DossierError):
    status = 413


class Conflict(DossierError):
    status = 409


# --- Names --------------------------------------------------------------------------------------


def name_clean(name: str, what: str = "file name") -> str:
    """A display name without path parts or control characters, or a DossierError."""
    name = unicodedata.normalize("NFC", (name or "").strip())
    if not name:
        raise DossierError("bad_name", f"The {what} is empty.")
    if "/" in name or "\\" in name or name in {".", ".."}:
        raise DossierError("bad_name", f"The {what} may not contain / or \\ or be . or ..")
    if any(unicodedata.category(ch) in {"Cc", "Cf"} for ch in name):
        raise DossierError("bad_name", f"The {what} contains control characters.")
    if len(name) > 200:
        raise DossierError("bad_name", f"The {what} is longer than 200 characters.")
    return name


# --- Access checks -----------------------------------------------------------------------------


def _can_write_folder(user: User, folder: Folder) -> bool:
    if is_staff_of(user, folder.company):
        return True
    return folder.access == FolderAccess.SHARED and folder.company_id in reach_of(user).client


def _require_folder_write(user: User, folder: Folder) -> None:
    if not _can_write_folder(user, folder):
        raise DossierError("read_only_folder", "Only the office can change this folder.")


def _require_document_change(user: User, document: Document) -> None:
    _require_folder_write(user, document.folder)
    if document.published_at and not is_staff_of(user, document.company):
        raise DossierError("published", "A document the office published cannot be changed here.")


# --- Folders -------------------------------------------------------------------------------------


def folders_seed(*, company: Company) -> None:
    """The country's folder template for a new company (idempotent)."""
    for code, name, access in FOLDER_TEMPLATES.get(company.country, FOLDER_TEMPLATES["default"]):
        if not Folder.objects.filter(company=company, template_code=code).exists():
            Folder.objects.create(
                company=company,
                name=name,
                access=access,
                audience=_audience_of(access),
                template_code=code,
            )


def _audience_of(access: str) -> str:
    return Audience.INTERNAL if access == FolderAccess.INTERNAL else Audience.SHARED


def folder_create(
    *, actor: User, company: Company, name: str, parent: Folder | None = None, access: str = ""
) -> Folder:
    name = name_clean(name, "folder name")
    staff = is_staff_of(actor, company)
    if parent is not None:
        _require_folder_write(actor, parent)
        # A subfolder is never more visible than its parent.
        access = access or parent.access
        if parent.access == FolderAccess.INTERNAL:
            access = FolderAccess.INTERNAL
    access = access or FolderAccess.SHARED
    if access not in FolderAccess.values:
        raise DossierError("bad_access", "Choose shared, office_fills or internal.")
    if not staff and access != FolderAccess.SHARED:
        raise DossierError("read_only_folder", "Only the office can create this kind of folder.")
    try:
        with transaction.atomic():
            folder = Folder.objects.create(
                company=company,
                parent=parent,
                name=name,
                access=access,
                audience=_audience_of(access),
                created_by=actor,
            )
            publish(company, events.FOLDER, events.folder_payload(folder), folder.audience)
    except IntegrityError:
        raise Conflict("exists", f"A folder named {name!r} is already there.") from None
    return folder


def folder_update(
    *,
    actor: User,
    folder: Folder,
    name: str | None = None,
    parent: Folder | EllipsisType | None = ...,
) -> Folder:
    """Rename a folder and/or move it under another parent (`parent=None`: to the top)."""
    _require_folder_write(actor, folder)
    if name is not None:
        folder.name = name_clean(name, "folder name")
    if not isinstance(parent, EllipsisType):
        folder.parent = _parent_check(actor, folder, parent)
    try:
        with transaction.atomic():
            folder.save(update_fields=["name", "parent"])
            publish(folder.company, events.FOLDER, events.folder_payload(folder), folder.audience)
    except IntegrityError:
        raise Conflict("exists", f"A folder named {folder.name!r} is already there.") from None
    return folder


def _parent_check(actor: User, folder: Folder, parent: Folder | None) -> Folder | None:
    if parent is None:
        return None
    if parent.company_id != folder.company_id:
        raise DossierError("bad_parent", "A folder stays in its company's dossier.")
    _require_folder_write(actor, parent)
    if parent.audience != folder.audience:
        # Moving would silently show office-only items to the client, or hide shared ones.
        raise DossierError("bad_parent", "Move a folder only into one with the same visibility.")
    ancestor: Folder | None = parent
    while ancestor is not None:
        if ancestor.pk == folder.pk:
            raise DossierError("bad_parent", "A folder cannot go inside itself.")
        ancestor = ancestor.parent
    return parent


def folder_delete(*, actor: User, folder: Folder) -> None:
    """An empty folder that is not part of the company's template."""
    _require_folder_write(actor, folder)
    if folder.template_code:
        raise DossierError("kept_folder", "This folder belongs to the dossier's standard layout.")
    if folder.children.exists() or folder.documents.exists():
        raise Conflict("not_empty", "Empty the folder first (the trash counts too).")
    with transaction.atomic():
        publish(folder.company, events.FOLDER, {"id": folder.pk, "gone": True}, folder.audience)
        folder.delete()


# --- Uploads -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedFile:
    size: int
    sha256: str
    content_type: str


def _check_content(content: IO[bytes], limit: int | None = None) -> CheckedFile:
    """Size, hash and sniffed type of an uploaded file, or a DossierError (nothing stored yet)."""
    content.seek(0)
    head = content.read(SNIFF_BYTES)
    if not head:
        raise DossierError("empty", "The file is empty.")
    content_type = sniff(head)
    if content_type is None:
        allowed = ", ".join(sorted(set(ALLOWED_TYPES.values())))
        raise DossierError(
            "type_not_allowed", f"This type of file is not accepted. Send: {allowed}."
        )
    digest = hashlib.sha256()
    size = 0
    limit = settings.KONTOR_UPLOAD_MAX_BYTES if limit is None else limit
    for chunk in itertools.chain([head], iter(lambda: content.read(CHUNK), b"")):
        size += len(chunk)
        if size > limit:
            raise TooLarge("too_large", f"The file is larger than {_megabytes(limit)}.")
        digest.update(chunk)
    content.seek(0)
    return CheckedFile(size=size, sha256=digest.hexdigest(), content_type=content_type)


def _megabytes(limit: int) -> str:
    return f"{limit / (1024 * 1024):g} MB"


@contextlib.contextmanager
def _object_removed_on_failure(key: str) -> Iterator[None]:
    """A stored object whose rows did not commit is deleted again: no orphan in the bucket."""
    try:
        yield
    except BaseException:
        with contextlib.suppress(Exception):
            storage.file_delete(key)
        raise


def _version_add(
    *, document: Document, actor: User, key: str, name: str, checked: CheckedFile
) -> Version:
    number = (document.versions.aggregate(top=Max("number"))["top"] or 0) + 1
    version = Version.objects.create(
        document=document,
        number=number,
        storage_key=key,
        original_name=name,
        size=checked.size,
        sha256=checked.sha256,
        content_type=checked.content_type,
        uploaded_by=actor,
    )
    document.current_version = version
    document.save(update_fields=["current_version", "updated_at"])
    return version


def document_upload(
    *,
    actor: User,
    folder: Folder,
    content: IO[bytes],
    name: str,
    kind: str = DocumentKind.OTHER,
    **details: Any,
) -> Document:
    """A new document in `folder` from an uploaded file; a client's upload enters the inbox."""
    name = name_clean(name)
    _require_folder_write(actor, folder)
    if kind not in DocumentKind.values:
        raise DossierError("bad_kind", "Unknown kind of document.")
    checked = _check_content(content)
    key = storage.new_key()
    storage.file_store(key, content)
    with _object_removed_on_failure(key), transaction.atomic():
        return _document_create(actor, folder, key, name, kind, checked, details)


def _document_create(
    actor: User,
    folder: Folder,
    key: str,
    name: str,
    kind: str,
    checked: CheckedFile,
    details: dict[str, Any],
) -> Document:
    from_client = not is_staff_of(actor, folder.company)
    document = Document.objects.create(
        company=folder.company,
        folder=folder,
        audience=folder.audience,
        name=name,
        kind=kind,
        created_by=actor,
        inbox_state=InboxState.NEW if from_client else InboxState.NONE,
        **_details_clean(details),
    )
    version = _version_add(document=document, actor=actor, key=key, name=name, checked=checked)
    _document_announce(document)
    _preview_schedule(version)
    return document


def version_upload(
    *, actor: User, document: Document, content: IO[bytes], name: str = ""
) -> Version:
    """A new version of `document`; the earlier ones stay."""
    name = name_clean(name or document.name)
    _require_document_change(actor, document)
    checked = _check_content(content)
    key = storage.new_key()
    storage.file_store(key, content)
    with _object_removed_on_failure(key), transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        return _version_create(document, actor, key, name, checked)


def _version_create(
    document: Document, actor: User, key: str, name: str, checked: CheckedFile
) -> Version:
    version = _version_add(document=document, actor=actor, key=key, name=name, checked=checked)
    publish(document.company, events.VERSION, events.version_payload(version), document.audience)
    _document_announce(document)
    _preview_schedule(version)
    return version


def _preview_schedule(version: Version) -> None:
    from .tasks import version_preview_make

    version_id = version.pk
    transaction.on_commit(lambda: version_preview_make.delay(version_id))


# --- Direct uploads to S3 ----------------------------------------------------------------------


@dataclass(frozen=True)
class DirectUploadPart:
    number: int
    url: str  # a presigned UploadPart: PUT the part's bytes there
    size: int
    checksum: str  # base64 SHA-256 of the part: send it as the x-amz-checksum-sha256 header


@dataclass(frozen=True)
class DirectUploadForm:
    upload: DirectUpload
    url: str
    fields: dict[str, str]
    expires_in: int
    parts: list[DirectUploadPart] = field(default_factory=list)  # a multipart upload


_SHA256 = re.compile(r"^[0-9a-f]{64}$")
# S3's rules: every part but the last at least 5 MiB, at most 5 GiB, at most 10,000 parts.
PART_MIN_BYTES = 5 * 1024 * 1024
PART_MAX_BYTES = 5 * 1024**3
PARTS_MAX = 10_000


def _sha256_clean(value: str, what: str = "file's SHA-256") -> str:
    value = (value or "").lower()
    if not _SHA256.match(value):
        raise DossierError("bad_hash", f"Give the {what} as 64 hexadecimal digits.")
    return value


def _parts_check(size: int, sha256: str, part_size: int, part_sha256: list[str]) -> list[str]:
    """The part digests of a multipart upload as S3 wants them (base64), or a DossierError."""
    if not PART_MIN_BYTES <= part_size <= PART_MAX_BYTES:
        raise DossierError(
            "bad_part_size",
            f"Choose a part size between {_megabytes(PART_MIN_BYTES)} and "
            f"{_megabytes(PART_MAX_BYTES)}.",
        )
    count = -(-size // part_size)
    if count > PARTS_MAX:
        raise DossierError("bad_part_size", f"Choose larger parts: at most {PARTS_MAX} parts.")
    if len(part_sha256) != count:
        raise DossierError(
            "bad_parts", f"A file of {size} bytes in parts of {part_size} has {count} parts: "
            f"give the SHA-256 of each.",
        )  # fmt: skip
    digests = [_sha256_clean(d, f"SHA-256 of part {n}") for n, d in enumerate(part_sha256, 1)]
    if count == 1 and digests[0] != sha256:
        raise DossierError("bad_hash", "A file in one part has the part's SHA-256.")
    return [storage.b64_of_hex(d) for d in digests]


def direct_upload_start(
    *,
    actor: User,
    folder: Folder,
    name: str,
    size: int,
    sha256: str,
    kind: str = DocumentKind.OTHER,
    document: Document | None = None,
    part_size: int = 0,
    part_sha256: list[str] | None = None,
) -> DirectUploadForm:
    """A presigned POST for a large file, or with `part_size` and `part_sha256` a presigned
    multipart upload (parts sent in parallel); the document exists only after
    `direct_upload_finish`."""
    if not storage.is_s3():
        raise Conflict("no_direct_upload", "Direct uploads need S3; upload through Kontor instead.")
    name = name_clean(name)
    if document is not None:
        _require_document_change(actor, document)
        folder = document.folder
    else:
        _require_folder_write(actor, folder)
    if kind not in DocumentKind.values:
        raise DossierError("bad_kind", "Unknown kind of document.")
    if size <= 0:
        raise DossierError("empty", "The file is empty.")
    limit = settings.KONTOR_DIRECT_UPLOAD_MAX_BYTES
    if size > limit:
        raise TooLarge("too_large", f"The file is larger than {_megabytes(limit)}.")
    sha256 = _sha256_clean(sha256)
    multipart = part_sha256 is not None or bool(part_size)
    checksums = _parts_check(size, sha256, part_size, part_sha256 or []) if multipart else []
    seconds = settings.KONTOR_DIRECT_UPLOAD_SECONDS
    key = storage.new_key()
    multipart_id = storage.multipart_create(key) if multipart else ""
    try:
        upload = DirectUpload.objects.create(
            company=folder.company,
            folder=folder,
            document=document,
            user=actor,
            storage_key=key,
            name=name,
            kind=kind,
            size=size,
            sha256=sha256,
            multipart_id=multipart_id,
            part_size=part_size if multipart else 0,
            part_sha256=checksums,
            expires_at=timezone.now() + timedelta(seconds=seconds),
        )
    except BaseException:
        if multipart_id:
            storage.multipart_abort(key, multipart_id)
        raise
    if not multipart:
        form = storage.presigned_post(key, size, sha256, seconds)
        return DirectUploadForm(
            upload=upload, url=form["url"], fields=form["fields"], expires_in=seconds
        )
    parts = [
        DirectUploadPart(
            number=number,
            url=storage.multipart_part_url(key, multipart_id, number, length, checksum, seconds),
            size=length,
            checksum=checksum,
        )
        for number, (length, checksum) in enumerate(
            zip(_part_sizes(size, part_size), checksums, strict=True), 1
        )
    ]
    return DirectUploadForm(upload=upload, url="", fields={}, expires_in=seconds, parts=parts)


def _part_sizes(size: int, part_size: int) -> list[int]:
    return [min(part_size, size - offset) for offset in range(0, size, part_size)]


def direct_upload_finish(*, actor: User, upload: DirectUpload) -> Document:
    """Check what arrived in S3 (size, hash, type) and only then create the document or version."""
    if upload.user_id != actor.pk:
        raise DossierError("not_yours", "Only the person who started this upload can finish it.")
    if upload.multipart_id:
        _multipart_join(upload)
    stored = storage.object_info(upload.storage_key)
    if stored is None:
        raise DossierError("not_uploaded", "The file has not arrived yet; send it, then finish.")
    try:
        checked = _direct_upload_check(upload, stored)
    except DossierError:
        _direct_upload_discard(upload)
        raise
    with transaction.atomic():
        # Claim the upload: a second finish (a double click, a retry) finds nothing to finish.
        claimed = DirectUpload.objects.select_for_update().filter(pk=upload.pk).first()
        if claimed is None:
            raise Conflict("finished", "This upload is already finished.")
        claimed.delete()
        if upload.document_id is None:
            return _document_create(
                actor, upload.folder, upload.storage_key, upload.name, upload.kind, checked, {}
            )
        document = Document.objects.select_for_update().get(pk=upload.document_id)
        _version_create(document, actor, upload.storage_key, upload.name, checked)
        return document


def _multipart_join(upload: DirectUpload) -> None:
    """CompleteMultipartUpload once every part is there, each of the announced size; a part
    missing leaves the upload open (send it, then finish again)."""
    held = storage.multipart_parts(upload.storage_key, upload.multipart_id)
    if held is None:
        return  # joined by an earlier finish (or aborted): what is stored decides
    sizes = _part_sizes(upload.size, upload.part_size)
    missing = [n for n in range(1, len(sizes) + 1) if n not in held]
    if missing:
        raise DossierError(
            "not_uploaded",
            f"{len(missing)} of {len(sizes)} parts have not arrived yet (first: part "
            f"{missing[0]}); send them, then finish.",
        )
    if any(held[n][0] != length for n, length in enumerate(sizes, 1)) or len(held) != len(sizes):
        _direct_upload_discard(upload)
        raise DossierError(
            "hash_mismatch", "The file that arrived is not the one announced; upload it again."
        )
    checksums = upload.part_sha256
    storage.multipart_complete(
        upload.storage_key,
        upload.multipart_id,
        [(n, held[n][1], checksums[n - 1]) for n in range(1, len(sizes) + 1)],
    )


def _direct_upload_check(upload: DirectUpload, stored: storage.StoredObject) -> CheckedFile:
    """Size and SHA-256 of what S3 holds against what the client announced, and its type.

    A presigned POST: S3 checked the whole file's SHA-256 (pinned in the policy). A multipart
    upload: S3 checked each part's SHA-256 (pinned in each part's signature) and its checksum is
    the composite of the parts' digests, compared here; the whole file's SHA-256, which the
    parts do not prove, is then computed by reading the object once (streamed, 1 MiB at a
    time). An object without a verified checksum is read back and hashed the same way.
    """
    mismatch = DossierError(
        "hash_mismatch", "The file that arrived is not the one announced; upload it again."
    )
    if stored.size != upload.size:
        raise mismatch
    proven = stored.sha256
    if upload.multipart_id and stored.checksum is not None:
        if stored.checksum != storage.composite_sha256(upload.part_sha256):
            raise mismatch
        if len(upload.part_sha256) == 1:  # one part: its SHA-256 is the file's (checked at start)
            proven = upload.sha256
    if proven is not None:
        if proven != upload.sha256:
            raise mismatch
        head = storage.object_head(upload.storage_key, SNIFF_BYTES)
    else:
        read = storage.object_digest(upload.storage_key, SNIFF_BYTES)
        if read.size != upload.size or read.sha256 != upload.sha256:
            raise mismatch
        head = read.head
    content_type = sniff(head)
    if content_type is None:
        allowed = ", ".join(sorted(set(ALLOWED_TYPES.values())))
        raise DossierError(
            "type_not_allowed", f"This type of file is not accepted. Send: {allowed}."
        )
    return CheckedFile(size=stored.size, sha256=upload.sha256, content_type=content_type)


def _direct_upload_discard(upload: DirectUpload) -> None:
    if upload.multipart_id:
        storage.multipart_abort(upload.storage_key, upload.multipart_id)
    storage.file_delete(upload.storage_key)
    DirectUpload.objects.filter(pk=upload.pk).delete()


def direct_upload_abort(*, actor: User, upload: DirectUpload) -> None:
    """The uploader gives up: the parts or object sent so far and the row go."""
    if upload.user_id != actor.pk:
        raise DossierError("not_yours", "Only the person who started this upload can cancel it.")
    _direct_upload_discard(upload)


def direct_uploads_expire() -> int:
    """Uploads never finished: their objects and rows go (a beat task)."""
    stale = list(DirectUpload.objects.filter(expires_at__lt=timezone.now() - timedelta(hours=1)))
    for upload in stale:
        _direct_upload_discard(upload)
    return len(stale)


# --- Details, inbox, publishing ----------------------------------------------------------------

DETAIL_FIELDS = ("kind", "tags", "note", "due_date", "amount", "currency", "supplier", "name")


def _details_clean(details: dict[str, Any]) -> dict[str, Any]:
    unknown = set(details) - set(DETAIL_FIELDS)
    if unknown:
        raise DossierError("bad_field", f"Unknown field(s): {', '.join(sorted(unknown))}.")
    clean = dict(details)
    if "name" in clean:
        clean["name"] = name_clean(clean["name"])
    if "kind" in clean and clean["kind"] not in DocumentKind.values:
        raise DossierError("bad_kind", "Unknown kind of document.")
    if "tags" in clean:
        tags = clean["tags"]
        if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() for t in tags):
            raise DossierError("bad_tags", "Tags are a list of words.")
        clean["tags"] = sorted({t.strip()[:40] for t in tags})
    if clean.get("amount") is not None and not isinstance(clean["amount"], Decimal):
        raise DossierError("bad_amount", "Give the amount as a decimal number, e.g. 121.00.")
    if clean.get("currency") and not re.fullmatch(r"[A-Z]{3}", clean["currency"]):
        raise DossierError("bad_currency", "Give the currency as three capital letters, e.g. EUR.")
    if clean.get("due_date") is not None and not isinstance(clean["due_date"], date):
        raise DossierError("bad_date", "Give the due date as YYYY-MM-DD.")
    return clean


def document_update(*, actor: User, document: Document, changes: dict[str, Any]) -> Document:
    _require_document_change(actor, document)
    clean = _details_clean(changes)
    with transaction.atomic():
        for field, value in clean.items():
            setattr(document, field, value)
        document.save()
        _document_announce(document)
    return document


def document_move(*, actor: User, document: Document, folder: Folder) -> Document:
    if folder.company_id != document.company_id:
        raise DossierError("bad_folder", "A document stays in its company's dossier.")
    _require_document_change(actor, document)
    _require_folder_write(actor, folder)
    with transaction.atomic():
        was_shared = document.audience == Audience.SHARED
        document.folder, document.audience = folder, folder.audience
        document.save(update_fields=["folder", "audience", "updated_at"])
        if was_shared and document.audience == Audience.INTERNAL:
            # Clients lose sight of it: tell them it is gone, without saying where it went.
            publish(
                document.company, events.DOCUMENT, events.gone_payload(document), Audience.SHARED
            )
        _document_announce(document)
    return document


_DECIDED = {InboxState.BOOKED, InboxState.ARCHIVED, InboxState.REJECTED}
_INBOX_MOVES = {
    InboxState.NEW: {InboxState.IN_PROGRESS, *_DECIDED},
    InboxState.IN_PROGRESS: {InboxState.NEW, *_DECIDED},
    InboxState.REJECTED: {InboxState.NEW},
    InboxState.BOOKED: {InboxState.IN_PROGRESS},
    InboxState.ARCHIVED: {InboxState.NEW},
    InboxState.NONE: {InboxState.NEW},
}  # fmt: skip


def document_inbox_move(
    *, actor: User, document: Document, state: str, reason: str = ""
) -> Document:
    """Staff move a document through the inbox; a rejection carries a reason the client sees."""
    require_staff(actor, document.company)
    if state not in _INBOX_MOVES.get(InboxState(document.inbox_state), set()):
        raise Conflict(
            "bad_transition", f"A document that is {document.inbox_state or 'not in the inbox'} "
            f"cannot become {state or 'not in the inbox'}."
        )  # fmt: skip
    if state == InboxState.REJECTED and not reason.strip():
        raise DossierError(
            "reason_required", "Say why the document is rejected; the client sees it."
        )
    with transaction.atomic():
        document.inbox_state = state
        document.inbox_reason = reason.strip() if state == InboxState.REJECTED else ""
        document.save(update_fields=["inbox_state", "inbox_reason", "updated_at"])
        _document_announce(document)
    return document


def document_publish(
    *, actor: User, document: Document, note: str = "", ack_required: bool = False
) -> Document:
    """The office hands a document (a balance, a VAT return) to the client, live and by e-mail."""
    require_staff(actor, document.company)
    if document.audience != Audience.SHARED:
        raise DossierError("internal", "Move the document to a folder the client sees first.")
    if document.deleted_at:
        raise DossierError("in_trash", "Restore the document from the trash first.")
    with transaction.atomic():
        document.published_at = timezone.now()
        document.published_by = actor
        document.publish_note = note.strip()
        document.ack_required = ack_required
        document.acknowledged_at = None
        document.acknowledged_by = None
        document.last_reminded_on = None
        document.save()
        publish(
            document.company, events.PUBLISHED, events.document_payload(document), Audience.SHARED
        )
        document_id = document.pk
        transaction.on_commit(lambda: _notify_published(document_id))
    return document


def _notify_published(document_id: int) -> None:
    from .tasks import document_published_mail

    document_published_mail.delay(document_id)


def document_acknowledge(*, actor: User, document: Document) -> Document:
    """The client confirms a published document with one click; who and when is kept."""
    if document.company_id not in reach_of(actor).client:
        raise DossierError("client_only", "Only the client confirms a published document.")
    if not document.published_at or not document.ack_required:
        raise Conflict("nothing_to_acknowledge", "This document does not need a confirmation.")
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document.pk)
        if document.acknowledged_at is None:
            document.acknowledged_at = timezone.now()
            document.acknowledged_by = actor
            document.save(update_fields=["acknowledged_at", "acknowledged_by", "updated_at"])
            publish(
                document.company,
                events.ACKNOWLEDGED,
                events.document_payload(document),
                Audience.SHARED,
            )
    return document


# --- Trash -------------------------------------------------------------------------------------


def document_trash(*, actor: User, document: Document) -> Document:
    _require_document_change(actor, document)
    if document.deleted_at:
        return document
    with transaction.atomic():
        document.deleted_at, document.deleted_by = timezone.now(), actor
        document.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
        _document_announce(document)
    return document


def document_restore(*, actor: User, document: Document) -> Document:
    _require_folder_write(actor, document.folder)
    with transaction.atomic():
        document.deleted_at, document.deleted_by = None, None
        document.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
        _document_announce(document)
    return document


def documents_purge() -> int:
    """Documents in the trash past retention: rows first, then their objects (a beat task)."""
    cutoff = timezone.now() - timedelta(days=settings.KONTOR_TRASH_RETENTION_DAYS)
    purged = 0
    for document in Document.objects.filter(deleted_at__lt=cutoff).iterator():
        keys = [k for v in document.versions.all() for k in (v.storage_key, v.preview_key) if k]
        with transaction.atomic():
            publish(
                document.company, events.DOCUMENT, events.gone_payload(document), document.audience
            )
            document.delete()
        for key in keys:
            storage.file_delete(key)
        purged += 1
    return purged


# --- Downloads and proof of access ---------------------------------------------------------------


def access_record(
    *, actor: User, version: Version, action: str, address: str | None
) -> AccessRecord:
    if action not in AccessAction.values:
        raise ValueError(action)
    return AccessRecord.objects.create(
        document=version.document, version=version, user=actor, action=action, address=address
    )


def _document_announce(document: Document) -> None:
    publish(document.company, events.DOCUMENT, events.document_payload(document), document.audience)


# --- Reminders ---------------------------------------------------------------------------------


def acknowledgement_reminders_send(*, today: date | None = None) -> int:
    """One reminder per unconfirmed document per day, however often this runs."""
    from .notifications import acknowledgement_reminder_mail

    today = today or timezone.localdate()
    sent = 0
    due = Document.objects.filter(
        ack_required=True,
        published_at__isnull=False,
        acknowledged_at__isnull=True,
        deleted_at__isnull=True,
        published_at__date__lt=today,
    ).exclude(last_reminded_on=today)
    for document_id in due.values_list("id", flat=True):
        with transaction.atomic():
            # Claim today's reminder first: a second run, even a concurrent one, finds it taken.
            claimed = (
                Document.objects.filter(pk=document_id)
                .exclude(last_reminded_on=today)
                .update(last_reminded_on=today)
            )
            if claimed:
                acknowledgement_reminder_mail(Document.objects.get(pk=document_id))
                sent += 1
    return sent
