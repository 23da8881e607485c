"""The payloads the dossier publishes (docs/realtime.md). A document's events go to its folder's
audience: internal folders' items reach office staff only."""

from __future__ import annotations

from typing import Any

from .models import Document, Folder, Version

FOLDER = "dossier.folder"
DOCUMENT = "dossier.document"
VERSION = "dossier.version"
PUBLISHED = "dossier.published"
ACKNOWLEDGED = "dossier.acknowledged"


def _when(value: Any) -> str | None:
    return value.isoformat() if value else None


def folder_payload(folder: Folder) -> dict[str, Any]:
    return {
        "id": folder.pk,
        "parent": folder.parent_id,
        "name": folder.name,
        "access": folder.access,
        "template_code": folder.template_code,
    }


def version_payload(version: Version) -> dict[str, Any]:
    return {
        "id": version.pk,
        "document": version.document_id,
        "number": version.number,
        "name": version.original_name,
        "size": version.size,
        "sha256": version.sha256,
        "content_type": version.content_type,
        "uploaded_by": version.uploaded_by_id,
        "uploaded_at": _when(version.uploaded_at),
        "has_preview": bool(version.preview_key),
    }


def document_payload(document: Document) -> dict[str, Any]:
    version = document.current_version
    return {
        "id": document.pk,
        "folder": document.folder_id,
        "name": document.name,
        "kind": document.kind,
        "tags": document.tags,
        "note": document.note,
        "due_date": _when(document.due_date),
        "amount": str(document.amount) if document.amount is not None else None,
        "currency": document.currency,
        "supplier": document.supplier,
        "inbox_state": document.inbox_state,
        "inbox_reason": document.inbox_reason,
        "published_at": _when(document.published_at),
        "publish_note": document.publish_note,
        "ack_required": document.ack_required,
        "acknowledged_at": _when(document.acknowledged_at),
        "acknowledged_by": document.acknowledged_by_id,
        "deleted_at": _when(document.deleted_at),
        "created_by": document.created_by_id,
        "created_at": _when(document.created_at),
        "version": version_payload(version) if version else None,
    }


def gone_payload(document: Document) -> dict[str, Any]:
    """For those who can no longer see a document (moved to an office-only folder, purged)."""
    return {"id": document.pk, "gone": True}
