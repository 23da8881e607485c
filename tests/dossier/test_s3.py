"""The dossier on a real S3 server (SeaweedFS): both upload paths, links that expire, no orphans."""

from __future__ import annotations

import hashlib
import io
import time

import pytest

from dossier import services
from dossier.models import DirectUpload, Document, Folder, Version
from tests.conftest import api_as
from tests.dossier.conftest import S3Bucket
from tests.dossier.test_s3server import http, multipart_form
from tests.dossier_files import jpeg_bytes, pdf_bytes
from tests.factories import World

pytestmark = pytest.mark.django_db


def _keys(s3: S3Bucket) -> set[str]:
    listed = s3.client.list_objects_v2(Bucket=s3.name).get("Contents", [])
    return {item["Key"] for item in listed}


def _folder(world: World, code: str = "contracts") -> Folder:
    return Folder.objects.get(company=world.company, template_code=code)


def _download(user, document_id: int, query: str = "") -> tuple[str, bytes, str]:
    """Follow Kontor's redirect to the presigned link, as a browser would."""
    response = api_as(user).get(f"/api/v1/documents/{document_id}/download/{query}")
    assert response.status_code == 302, response.content
    status, headers, body = http(response["Location"])
    assert status == 200, body[:300]
    return response["Location"], body, headers.get("Content-Disposition", "")


def test_upload_through_kontor_round_trips_on_s3(world: World, s3_storage: S3Bucket) -> None:
    photo = jpeg_bytes()
    document = services.document_upload(
        actor=world.client,
        folder=_folder(world),
        content=io.BytesIO(photo),
        name="Kvittering ø.jpg",
    )
    assert _keys(s3_storage) == {Version.objects.get(document=document).storage_key}
    _, body, disposition = _download(world.accountant, document.pk)
    assert body == photo
    assert (
        disposition.startswith("attachment;")
        and "filename*=UTF-8''Kvittering%20%C3%B8.jpg" in disposition
    )


def test_download_link_stops_working_after_its_lifetime(
    world: World, s3_storage: S3Bucket, settings
) -> None:
    settings.KONTOR_DOWNLOAD_LINK_SECONDS = 1
    document = services.document_upload(
        actor=world.client, folder=_folder(world), content=io.BytesIO(pdf_bytes()), name="a.pdf"
    )
    link, _, _ = _download(world.client, document.pk)
    time.sleep(2.5)
    status, _, _ = http(link)
    assert status == 403, "the S3 server must refuse an expired link"


def test_bad_upload_leaves_no_object_on_s3(world: World, s3_storage: S3Bucket) -> None:
    with pytest.raises(services.DossierError):
        services.document_upload(
            actor=world.client,
            folder=_folder(world),
            content=io.BytesIO(b"MZ\x90\x00" * 50),
            name="x.pdf",
        )
    assert _keys(s3_storage) == set()
    assert not Document.objects.exists()


def _start(world: World, user, content: bytes, sha256: str | None = None, **extra):
    return api_as(user).post(
        f"/api/v1/companies/{world.company.id}/uploads/",
        {
            "folder": _folder(world).pk,
            "name": "scan-archive.pdf",
            "size": len(content),
            "sha256": sha256 or hashlib.sha256(content).hexdigest(),
            **extra,
        },
        format="json",
    )


def _post_to_s3(form: dict, content: bytes) -> int:
    body, content_type = multipart_form(form["fields"], content)
    status, _, _ = http(
        form["url"], method="POST", body=body, headers={"Content-Type": content_type}
    )
    return status


def test_direct_upload_creates_the_document_only_after_finish(
    world: World, s3_storage: S3Bucket
) -> None:
    content = pdf_bytes(3)
    started = _start(world, world.client, content)
    assert started.status_code == 201, started.content
    form = started.json()
    assert not Document.objects.exists()
    assert _post_to_s3(form, content) in {200, 201, 204}
    finished = api_as(world.client).post(f"/api/v1/uploads/{form['id']}/finish/")
    assert finished.status_code == 201, finished.content
    document = finished.json()
    assert document["version"]["sha256"] == hashlib.sha256(content).hexdigest()
    assert document["inbox_state"] == "new"
    # Nothing was copied or read back: the object the client posted is the version.
    version = Version.objects.get()
    assert _keys(s3_storage) == {version.storage_key} == {form["fields"]["key"]}
    assert not DirectUpload.objects.exists()
    _, body, _ = _download(world.accountant, document["id"])
    assert body == content


def test_direct_upload_as_a_new_version(world: World, s3_storage: S3Bucket) -> None:
    document = services.document_upload(
        actor=world.client, folder=_folder(world), content=io.BytesIO(pdf_bytes(1)), name="a.pdf"
    )
    content = pdf_bytes(2)
    form = _start(world, world.client, content, document=document.pk).json()
    assert _post_to_s3(form, content) in {200, 201, 204}
    assert api_as(world.client).post(f"/api/v1/uploads/{form['id']}/finish/").status_code == 201
    assert list(document.versions.values_list("number", flat=True)) == [2, 1]


def test_s3_refuses_a_file_of_another_size_than_announced(
    world: World, s3_storage: S3Bucket
) -> None:
    content = pdf_bytes()
    form = _start(world, world.client, content).json()
    assert _post_to_s3(form, content + b"%% trailing bytes") >= 400
    assert _keys(s3_storage) == set()
    finished = api_as(world.client).post(f"/api/v1/uploads/{form['id']}/finish/")
    assert finished.status_code == 400 and finished.json()["code"] == "not_uploaded"


def test_s3_refuses_content_that_does_not_match_the_announced_hash(
    world: World, s3_storage: S3Bucket
) -> None:
    content = pdf_bytes()
    form = _start(world, world.client, content, sha256="ab" * 32).json()
    assert _post_to_s3(form, content) == 400
    assert _keys(s3_storage) == set()
    finished = api_as(world.client).post(f"/api/v1/uploads/{form['id']}/finish/")
    assert finished.status_code == 400 and finished.json()["code"] == "not_uploaded"


def test_finish_reads_back_an_object_without_a_verified_checksum(
    world: World, s3_storage: S3Bucket
) -> None:
    """An object that reached the store some other way (no SHA-256 checksum kept) is hashed
    by reading it back; a mismatch is refused and cleaned up."""
    content = pdf_bytes()
    form = _start(world, world.client, content).json()
    impostor = content[:-1] + b"X"
    s3_storage.client.put_object(Bucket=s3_storage.name, Key=form["fields"]["key"], Body=impostor)
    finished = api_as(world.client).post(f"/api/v1/uploads/{form['id']}/finish/")
    assert finished.status_code == 400 and finished.json()["code"] == "hash_mismatch"
    assert _keys(s3_storage) == set()
    assert not DirectUpload.objects.exists() and not Document.objects.exists()


def test_a_second_finish_is_refused(world: World, s3_storage: S3Bucket) -> None:
    content = pdf_bytes()
    form = _start(world, world.client, content).json()
    assert _post_to_s3(form, content) in {200, 201, 204}
    client = api_as(world.client)
    assert client.post(f"/api/v1/uploads/{form['id']}/finish/").status_code == 201
    assert client.post(f"/api/v1/uploads/{form['id']}/finish/").status_code == 404
    assert Document.objects.count() == 1


def test_finish_of_a_disallowed_type_is_refused_and_cleaned_up(
    world: World, s3_storage: S3Bucket
) -> None:
    content = b"MZ\x90\x00" * 100
    form = _start(world, world.client, content).json()
    assert _post_to_s3(form, content) in {200, 201, 204}
    finished = api_as(world.client).post(f"/api/v1/uploads/{form['id']}/finish/")
    assert finished.json()["code"] == "type_not_allowed"
    assert _keys(s3_storage) == set() and not DirectUpload.objects.exists()


def test_an_abandoned_direct_upload_is_expired_with_its_object(
    world: World, s3_storage: S3Bucket
) -> None:
    from datetime import timedelta

    from django.utils import timezone

    content = pdf_bytes()
    form = _start(world, world.client, content).json()
    assert _post_to_s3(form, content) in {200, 201, 204}
    DirectUpload.objects.update(expires_at=timezone.now() - timedelta(hours=2))
    assert services.direct_uploads_expire() == 1
    assert _keys(s3_storage) == set() and not DirectUpload.objects.exists()


def test_only_the_uploader_finishes_an_upload(world: World, s3_storage: S3Bucket) -> None:
    content = pdf_bytes()
    form = _start(world, world.client, content).json()
    assert (
        api_as(world.client_member).post(f"/api/v1/uploads/{form['id']}/finish/").status_code == 404
    )
    assert api_as(world.accountant).post(f"/api/v1/uploads/{form['id']}/finish/").status_code == 404
