"""The dossier's services on the configured storage (local disk here; S3 in test_s3.py)."""

from __future__ import annotations

import hashlib
import io
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from dossier import services
from dossier.models import Document, Folder, InboxState, Version
from dossier.services import DossierError
from server.realtime.models import Event
from tests.dossier_files import pdf_bytes, png_bytes
from tests.factories import World

pytestmark = pytest.mark.django_db


def folder(world: World, code: str) -> Folder:
    return Folder.objects.get(company=world.company, template_code=code)


def stored_keys() -> set[str]:
    from django.core.files.storage import default_storage

    try:
        _, files = default_storage.listdir("dossier")
    except FileNotFoundError:
        return set()
    return {f"dossier/{name}" for name in files}


def test_a_new_company_gets_its_country_folders(world: World) -> None:
    codes = set(
        Folder.objects.filter(company=world.company).values_list("template_code", flat=True)
    )
    assert {"statutes", "purchase_invoices", "vat_returns", "office_working_papers"} <= codes
    assert folder(world, "office_working_papers").audience == "internal"
    assert folder(world, "vat_returns").access == "office_fills"
    polish = Folder.objects.get(company=world.sibling_company, template_code="vat_returns")
    assert polish.name.startswith("JPK")


def test_client_upload_is_stored_hashed_sniffed_and_enters_the_inbox(world: World) -> None:
    content = pdf_bytes()
    document = services.document_upload(
        actor=world.client,
        folder=folder(world, "purchase_invoices"),
        content=io.BytesIO(content),
        name="Factuur 2026-001.pdf",
        kind="purchase_invoice",
    )
    version = document.current_version
    assert version is not None and version.number == 1
    assert version.sha256 == hashlib.sha256(content).hexdigest()
    assert version.size == len(content)
    assert version.content_type == "application/pdf"
    assert "Factuur" not in version.storage_key  # keys are random, never the user's file name
    assert document.inbox_state == InboxState.NEW
    from dossier.storage import file_open

    with file_open(version.storage_key) as stored:
        assert stored.read() == content
    kinds = list(Event.objects.order_by("id").values_list("kind", "audience"))
    assert ("dossier.document", "shared") in kinds


def test_staff_upload_does_not_enter_the_inbox(world: World) -> None:
    document = services.document_upload(
        actor=world.accountant,
        folder=folder(world, "contracts"),
        content=io.BytesIO(pdf_bytes()),
        name="Lease.pdf",
    )
    assert document.inbox_state == InboxState.NONE


def test_a_new_upload_is_a_new_version_never_an_overwrite(world: World) -> None:
    target = folder(world, "contracts")
    document = services.document_upload(
        actor=world.client,
        folder=target,
        content=io.BytesIO(png_bytes(color="red")),
        name="scan.png",
    )
    first = document.current_version
    second = services.version_upload(
        actor=world.client, document=document, content=io.BytesIO(png_bytes(color="blue"))
    )
    assert first is not None
    assert second.number == 2 and second.storage_key != first.storage_key
    assert Version.objects.filter(document=document).count() == 2
    document.refresh_from_db()
    assert document.current_version_id == second.pk
    assert Event.objects.filter(kind="dossier.version").exists()


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("empty.pdf", b"", "empty"),
        ("program.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" * 10, "type_not_allowed"),
        ("page.html", b"<!doctype html><html><script>alert(1)</script></html>", "type_not_allowed"),
        ("../../etc/passwd", b"%PDF-1.4 hello", "bad_name"),
        ("a/b.pdf", b"%PDF-1.4 hello", "bad_name"),
        ("evil\x00.pdf", b"%PDF-1.4 hello", "bad_name"),
        ("rtl\u202egpj.pdf", b"%PDF-1.4 hello", "bad_name"),
    ],
)
def test_bad_uploads_are_refused_and_leave_nothing(world: World, name, content, code) -> None:
    before_keys = stored_keys()
    with pytest.raises(DossierError) as refused:
        services.document_upload(
            actor=world.client,
            folder=folder(world, "purchase_invoices"),
            content=io.BytesIO(content),
            name=name,
        )
    assert refused.value.code == code and refused.value.message
    assert not Document.objects.exists() and not Version.objects.exists()
    assert stored_keys() == before_keys
    assert not Event.objects.filter(kind__startswith="dossier.document").exists()


def test_oversize_upload_is_refused(world: World, settings) -> None:
    settings.KONTOR_UPLOAD_MAX_BYTES = 1000
    with pytest.raises(DossierError) as refused:
        services.document_upload(
            actor=world.client,
            folder=folder(world, "purchase_invoices"),
            content=io.BytesIO(b"%PDF-1.4 " + b"x" * 2000),
            name="big.pdf",
        )
    assert refused.value.code == "too_large" and refused.value.status == 413
    assert not Document.objects.exists()


def test_a_failed_database_write_removes_the_stored_object(world: World, monkeypatch) -> None:
    before = stored_keys()

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "_version_add", broken)
    with pytest.raises(RuntimeError):
        services.document_upload(
            actor=world.client,
            folder=folder(world, "contracts"),
            content=io.BytesIO(pdf_bytes()),
            name="x.pdf",
        )
    assert stored_keys() == before
    assert not Document.objects.exists()


def test_clients_cannot_write_office_folders(world: World) -> None:
    for code in ("vat_returns", "annual_accounts"):
        with pytest.raises(DossierError) as refused:
            services.document_upload(
                actor=world.client,
                folder=folder(world, code),
                content=io.BytesIO(pdf_bytes()),
                name="mine.pdf",
            )
        assert refused.value.code == "read_only_folder"
    with pytest.raises(DossierError):
        services.folder_create(
            actor=world.client, company=world.company, name="Secret", access="internal"
        )


def test_publish_acknowledge_and_one_reminder_a_day(
    world: World, django_capture_on_commit_callbacks
) -> None:
    document = services.document_upload(
        actor=world.accountant,
        folder=folder(world, "annual_accounts"),
        content=io.BytesIO(pdf_bytes()),
        name="Balance 2025.pdf",
        kind="balance",
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.document_publish(
            actor=world.accountant, document=document, note="Please check", ack_required=True
        )
    assert {m.to[0] for m in mail.outbox} == {world.client.email, world.client_member.email}
    assert "Balance 2025.pdf" in mail.outbox[0].body and "Please check" in mail.outbox[0].body
    assert Event.objects.filter(kind="dossier.published", audience="shared").exists()

    # The client may not delete what the office published.
    with pytest.raises(DossierError) as refused:
        services.document_trash(actor=world.client, document=document)
    assert refused.value.code in {"published", "read_only_folder"}

    mail.outbox.clear()
    tomorrow = timezone.localdate() + timedelta(days=1)
    assert services.acknowledgement_reminders_send(today=tomorrow) == 1
    assert services.acknowledgement_reminders_send(today=tomorrow) == 0, "one reminder per day"
    assert len(mail.outbox) == 2  # one message per client person
    assert services.acknowledgement_reminders_send(today=tomorrow + timedelta(days=1)) == 1

    with pytest.raises(DossierError):
        services.document_acknowledge(actor=world.accountant, document=document)
    services.document_acknowledge(actor=world.client_member, document=document)
    document.refresh_from_db()
    assert document.acknowledged_by == world.client_member and document.acknowledged_at
    assert Event.objects.filter(kind="dossier.acknowledged").exists()
    mail.outbox.clear()
    assert services.acknowledgement_reminders_send(today=tomorrow + timedelta(days=2)) == 0
    assert not mail.outbox


def test_trash_restore_and_purge_after_retention(world: World, settings) -> None:
    document = services.document_upload(
        actor=world.client,
        folder=folder(world, "contracts"),
        content=io.BytesIO(pdf_bytes()),
        name="old.pdf",
    )
    assert document.current_version is not None
    key = document.current_version.storage_key
    services.document_trash(actor=world.client, document=document)
    assert services.documents_purge() == 0, "nothing is purged before the retention period"
    services.document_restore(actor=world.client, document=document)
    document.refresh_from_db()
    assert document.deleted_at is None
    services.document_trash(actor=world.client, document=document)
    Document.objects.filter(pk=document.pk).update(
        deleted_at=timezone.now() - timedelta(days=settings.KONTOR_TRASH_RETENTION_DAYS + 1)
    )
    assert key in stored_keys()
    assert services.documents_purge() == 1
    assert not Document.objects.filter(pk=document.pk).exists()
    assert key not in stored_keys()


def test_inbox_moves_and_rejection_reason(world: World) -> None:
    document = services.document_upload(
        actor=world.client,
        folder=folder(world, "purchase_invoices"),
        content=io.BytesIO(pdf_bytes()),
        name="blurry.pdf",
    )
    with pytest.raises(DossierError) as refused:
        services.document_inbox_move(actor=world.accountant, document=document, state="rejected")
    assert refused.value.code == "reason_required"
    services.document_inbox_move(
        actor=world.accountant,
        document=document,
        state="rejected",
        reason="Unreadable; rescan please",
    )
    document.refresh_from_db()
    assert (
        document.inbox_state == "rejected" and document.inbox_reason == "Unreadable; rescan please"
    )
    from server.tenancy.access import NotPermitted

    with pytest.raises(NotPermitted):
        services.document_inbox_move(actor=world.client, document=document, state="new")
    with pytest.raises(DossierError) as refused:
        services.document_inbox_move(actor=world.accountant, document=document, state="booked")
    assert refused.value.code == "bad_transition"


def test_previews_of_pdf_and_image(world: World, django_capture_on_commit_callbacks) -> None:
    from PIL import Image

    from dossier.storage import file_open

    # The preview task is queued on commit and runs in process in the tests (KONTOR_TASKS_EAGER).
    with django_capture_on_commit_callbacks(execute=True):
        pdf = services.document_upload(
            actor=world.client,
            folder=folder(world, "contracts"),
            content=io.BytesIO(pdf_bytes()),
            name="a.pdf",
        )
        image = services.document_upload(
            actor=world.client,
            folder=folder(world, "contracts"),
            content=io.BytesIO(png_bytes((2000, 1000))),
            name="b.png",
        )
    for document in (pdf, image):
        version = Version.objects.get(document=document)
        assert version.preview_key
        with file_open(version.preview_key) as thumb:
            assert max(Image.open(thumb).size) <= 480
    assert Event.objects.filter(kind="dossier.version").count() == 2
