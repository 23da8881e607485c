"""Presigned multipart uploads straight to S3 (SeaweedFS): parts PUT in parallel, each pinned to
its SHA-256, joined and checked at finish; and the shared boto3 client under the dossier."""

from __future__ import annotations

import base64
import hashlib
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.utils import timezone

from dossier import services, storage
from dossier.models import DirectUpload, Document, Folder, Version
from tests.conftest import api_as
from tests.dossier.conftest import S3Bucket
from tests.dossier.test_s3server import http
from tests.factories import World

pytestmark = pytest.mark.django_db

MIB = 1024 * 1024
PART = 5 * MIB  # S3's smallest part but the last


def _file(size: int) -> bytes:
    return b"%PDF-1.7\n" + os.urandom(size - 9)


def _hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _slices(content: bytes, part_size: int = PART) -> list[bytes]:
    return [content[i : i + part_size] for i in range(0, len(content), part_size)]


def _folder(world: World) -> Folder:
    return Folder.objects.get(company=world.company, template_code="contracts")


def _start(world: World, user, content: bytes, part_size: int = PART, **extra):
    body = {
        "folder": _folder(world).pk,
        "name": "Jahresabschluss.pdf",
        "size": len(content),
        "sha256": _hex(content),
        "part_size": part_size,
        "part_sha256": [_hex(part) for part in _slices(content, part_size)],
        **extra,
    }
    return api_as(user).post(f"/api/v1/companies/{world.company.id}/uploads/", body, format="json")


def _put(part: dict, data: bytes, headers: dict | None = None) -> int:
    sent = part["headers"] if headers is None else headers
    status, _, _ = http(part["url"], method="PUT", body=data, headers=sent)
    return status


def _send_all(form: dict, content: bytes) -> None:
    """The parts in parallel, as a client does."""
    parts, slices = form["parts"], _slices(content, form["parts"][0]["size"])
    with ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(_put, parts, slices))
    assert statuses == [200] * len(parts)


def _finish(user, form: dict):
    return api_as(user).post(f"/api/v1/uploads/{form['id']}/finish/")


def _keys(s3: S3Bucket) -> set[str]:
    return {item["Key"] for item in s3.client.list_objects_v2(Bucket=s3.name).get("Contents", [])}


def _open_uploads(s3: S3Bucket) -> list:
    return s3.client.list_multipart_uploads(Bucket=s3.name).get("Uploads", [])


def _nothing_left(s3: S3Bucket) -> None:
    assert _keys(s3) == set()
    assert _open_uploads(s3) == []
    assert not DirectUpload.objects.exists()
    assert not Document.objects.exists() and not Version.objects.exists()


def test_multipart_upload_round_trips(world: World, s3_storage: S3Bucket) -> None:
    content = _file(2 * PART + 12345)
    started = _start(world, world.client, content)
    assert started.status_code == 201, started.content
    form = started.json()
    assert form["method"] == "multipart" and form["fields"] == {}
    assert [(p["number"], p["size"]) for p in form["parts"]] == [
        (1, PART),
        (2, PART),
        (3, 12345),
    ]
    assert not Document.objects.exists()
    _send_all(form, content)
    finished = _finish(world.client, form)
    assert finished.status_code == 201, finished.content
    document = finished.json()
    assert document["version"]["sha256"] == _hex(content)
    assert document["version"]["size"] == len(content)
    assert document["version"]["content_type"] == "application/pdf"
    assert _keys(s3_storage) == {Version.objects.get().storage_key}
    assert _open_uploads(s3_storage) == [] and not DirectUpload.objects.exists()
    link = api_as(world.accountant).get(f"/api/v1/documents/{document['id']}/download/")
    status, _, body = http(link["Location"])
    assert status == 200 and body == content


def test_multipart_upload_of_one_part_as_a_new_version(world: World, s3_storage: S3Bucket) -> None:
    first = _file(1000)
    form = _start(world, world.client, first).json()
    _send_all(form, first)
    document_id = _finish(world.client, form).json()["id"]
    second = _file(3000)
    form = _start(world, world.client, second, document=document_id).json()
    assert len(form["parts"]) == 1
    _send_all(form, second)
    assert _finish(world.client, form).status_code == 201
    versions = Version.objects.filter(document_id=document_id)
    assert list(versions.values_list("number", "sha256")) == [(2, _hex(second)), (1, _hex(first))]


def test_s3_refuses_a_part_with_other_bytes_or_another_checksum(
    world: World, s3_storage: S3Bucket
) -> None:
    content = _file(PART + 10)
    form = _start(world, world.client, content).json()
    part, data = form["parts"][0], _slices(content)[0]
    forged = b"%PDF-1.7\n" + os.urandom(len(data) - 9)
    assert _put(part, forged) == 400  # BadDigest: the pinned SHA-256 does not match
    forged_checksum = base64.b64encode(hashlib.sha256(forged).digest()).decode()
    assert _put(part, forged, {"x-amz-checksum-sha256": forged_checksum}) == 403  # signature
    assert _put(part, data, {}) == 403  # the checksum header is part of the signature
    # Nothing of it was kept: finishing says what is missing and keeps the upload open.
    finished = _finish(world.client, form)
    assert finished.status_code == 400 and finished.json()["code"] == "not_uploaded"
    assert "2 of 2 parts" in finished.json()["message"]
    assert DirectUpload.objects.count() == 1 and not Document.objects.exists()
    # The client sends what it announced, then finishes.
    _send_all(form, content)
    assert _finish(world.client, form).status_code == 201


def test_a_wrong_file_hash_at_finish_leaves_nothing(world: World, s3_storage: S3Bucket) -> None:
    """The parts are what was announced, but the whole file's SHA-256 is not theirs: the object
    read back at finish shows it; the object, the upload and every row go."""
    content = _file(PART + 4321)
    form = _start(world, world.client, content, sha256="ab" * 32).json()
    _send_all(form, content)
    finished = _finish(world.client, form)
    assert finished.status_code == 400, finished.content
    assert finished.json()["code"] == "hash_mismatch"
    _nothing_left(s3_storage)


def test_a_disallowed_type_at_finish_leaves_nothing(world: World, s3_storage: S3Bucket) -> None:
    content = b"MZ\x90\x00" + os.urandom(PART + 100)
    form = _start(world, world.client, content).json()
    _send_all(form, content)
    finished = _finish(world.client, form)
    assert finished.json()["code"] == "type_not_allowed"
    _nothing_left(s3_storage)


def test_an_aborted_multipart_upload_leaves_nothing(world: World, s3_storage: S3Bucket) -> None:
    content = _file(2 * PART + 1)
    form = _start(world, world.client, content).json()
    assert _put(form["parts"][0], _slices(content)[0]) == 200
    assert len(_open_uploads(s3_storage)) == 1
    # Only the uploader can cancel it; another member of the same company gets 404.
    assert api_as(world.client_member).delete(f"/api/v1/uploads/{form['id']}/").status_code == 404
    assert DirectUpload.objects.count() == 1
    cancelled = api_as(world.client).delete(f"/api/v1/uploads/{form['id']}/")
    assert cancelled.status_code == 204, cancelled.content
    _nothing_left(s3_storage)
    # The parts' links lead nowhere now.
    assert _put(form["parts"][1], _slices(content)[1]) == 404
    assert _open_uploads(s3_storage) == [] and _keys(s3_storage) == set()


def test_an_abandoned_multipart_upload_is_expired(world: World, s3_storage: S3Bucket) -> None:
    content = _file(PART + 1)
    form = _start(world, world.client, content).json()
    assert _put(form["parts"][0], _slices(content)[0]) == 200
    DirectUpload.objects.update(expires_at=timezone.now() - timedelta(hours=2))
    assert services.direct_uploads_expire() == 1
    _nothing_left(s3_storage)


def test_a_second_finish_is_refused(world: World, s3_storage: S3Bucket) -> None:
    content = _file(PART + 1)
    form = _start(world, world.client, content).json()
    _send_all(form, content)
    assert _finish(world.client, form).status_code == 201
    assert _finish(world.client, form).status_code == 404
    assert Document.objects.count() == 1 and _open_uploads(s3_storage) == []


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"part_size": MIB}, "bad_part_size"),  # below S3's 5 MiB
        ({"part_sha256": ["0" * 64]}, "bad_parts"),  # 2 parts, 1 digest
        ({"part_sha256": ["xy" * 32, "0" * 64]}, "bad_hash"),
    ],
)
def test_bad_part_declarations_are_refused_at_start(
    world: World, s3_storage: S3Bucket, change: dict, code: str
) -> None:
    started = _start(world, world.client, _file(PART + 1), **change)
    assert started.status_code == 400, started.content
    assert started.json()["code"] == code
    _nothing_left(s3_storage)


def test_one_part_must_carry_the_files_hash(world: World, s3_storage: S3Bucket) -> None:
    content = _file(1000)
    started = _start(world, world.client, content, part_sha256=["cd" * 32])
    assert started.json()["code"] == "bad_hash"
    _nothing_left(s3_storage)


def test_direct_uploads_need_s3(world: World) -> None:
    """On local storage the large-file path is refused with a sentence; uploads go through
    Kontor (tests/dossier/test_api.py round-trips those on local disk)."""
    started = _start(world, world.client, _file(PART + 1))
    assert started.status_code == 409 and started.json()["code"] == "no_direct_upload"
    assert not DirectUpload.objects.exists()


def test_outsiders_cannot_finish_or_cancel(world: World, s3_storage: S3Bucket) -> None:
    content = _file(PART + 1)
    form = _start(world, world.client, content).json()
    _send_all(form, content)
    for outsider in (world.other_client, world.accountant):
        assert api_as(outsider).delete(f"/api/v1/uploads/{form['id']}/").status_code == 404
        assert _finish(outsider, form).status_code == 404
    assert DirectUpload.objects.count() == 1 and len(_open_uploads(s3_storage)) == 1


# --- the shared client ---------------------------------------------------------------------------


def test_one_boto3_client_serves_every_thread(s3_storage: S3Bucket) -> None:
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(storage._client())) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(client) for client in seen}) == 1
    assert seen[0] is storage._client()


def test_file_open_on_s3_reads_and_starts_over(s3_storage: S3Bucket) -> None:
    content = _file(3 * MIB + 7)
    s3_storage.client.put_object(Bucket=s3_storage.name, Key="dossier/k", Body=content)
    with storage.file_open("dossier/k") as source:
        assert source.read(10) == content[:10]
        source.seek(0)
        assert b"".join(iter(lambda: source.read(MIB), b"")) == content
    assert storage.object_digest("dossier/k", 5) == storage.ObjectDigest(
        size=len(content), sha256=_hex(content), head=content[:5]
    )
