"""Background jobs of the dossier. Each takes ids, calls a service, and returns quietly when the
object has gone meanwhile."""

from __future__ import annotations

import io

from celery import shared_task
from django.db import transaction

from server.realtime.publish import publish

from . import events, services, storage
from .models import Document, Version
from .notifications import published_mail
from .previews import preview_of

PREVIEW_MAX_BYTES = 50 * 1024 * 1024


@shared_task(
    name="dossier.version_preview_make", autoretry_for=(OSError,), retry_backoff=True, max_retries=3
)
def version_preview_make(version_id: int) -> bool:
    version = Version.objects.select_related("document").filter(pk=version_id).first()
    if version is None or version.preview_key or version.size > PREVIEW_MAX_BYTES:
        return False
    with storage.file_open(version.storage_key) as content:
        made = preview_of(content.read(), version.content_type)
    if made.png is None and not made.text:
        return False
    key = storage.new_key("previews") if made.png else ""
    if made.png:
        storage.file_store(key, io.BytesIO(made.png))
    with transaction.atomic():
        updated = Version.objects.filter(pk=version_id, preview_key="").update(
            preview_key=key, text=made.text
        )
        if not updated:
            transaction.on_commit(lambda: storage.file_delete(key))
            return False
        version.refresh_from_db()
        document = version.document
        publish(
            document.company, events.VERSION, events.version_payload(version), document.audience
        )
    return True


@shared_task(name="dossier.document_published_mail")
def document_published_mail(document_id: int) -> int:
    document = Document.objects.select_related("company").filter(pk=document_id).first()
    return published_mail(document) if document else 0


@shared_task(name="dossier.acknowledgement_reminders")
def acknowledgement_reminders() -> int:
    return services.acknowledgement_reminders_send()


@shared_task(name="dossier.documents_purge")
def documents_purge() -> int:
    return services.documents_purge()


@shared_task(name="dossier.direct_uploads_expire")
def direct_uploads_expire() -> int:
    return services.direct_uploads_expire()
