"""The test S3 server (SeaweedFS) behaves as S3 does where the dossier relies on it.

Each test checks a refusal next to the matching success, so that a server accepting everything
(or refusing everything) fails here rather than making the dossier's tests meaningless.
"""

from __future__ import annotations

import os
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from email.message import Message
from typing import cast

import pytest
from botocore.exceptions import ClientError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from storages.backends.s3 import S3Storage

from .conftest import S3Bucket

# No proxy, whatever the environment says: the server is on 127.0.0.1.
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def http(
    url: str, *, method: str = "GET", body: bytes | None = None, headers: dict | None = None
) -> tuple[int, Message, bytes]:
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with _opener.open(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read()


def put(s3: S3Bucket, key: str, body: bytes) -> None:
    s3.client.put_object(Bucket=s3.name, Key=key, Body=body)


def exists(s3: S3Bucket, key: str) -> bool:
    try:
        s3.client.head_object(Bucket=s3.name, Key=key)
    except ClientError as error:
        if error.response["ResponseMetadata"]["HTTPStatusCode"] == 404:
            return False
        raise
    return True


def presigned_get(s3: S3Bucket, key: str, expires: int = 60, **params: str) -> str:
    return s3.client.generate_presigned_url(
        "get_object", Params={"Bucket": s3.name, "Key": key, **params}, ExpiresIn=expires
    )


def with_query(url: str, name: str, change) -> str:
    """`url` with query parameter `name` replaced by `change(old value)`."""
    parts = urllib.parse.urlsplit(url)
    query = urllib.parse.parse_qsl(parts.query, keep_blank_values=True)
    assert name in dict(query), f"{name} not in {url}"
    query = [(key, change(value) if key == name else value) for key, value in query]
    return urllib.parse.urlunsplit(parts._replace(query=urllib.parse.urlencode(query)))


# --- default_storage --------------------------------------------------------------------------


def test_default_storage_round_trip(s3_storage: S3Bucket):
    content = os.urandom(300_000) + "Grüße, Ærø".encode()

    name = default_storage.save("dossier/Jahresabschluss 2025.pdf", ContentFile(content))

    with default_storage.open(name, "rb") as stored:
        assert stored.read() == content
    # It is in the bucket on the server, not in some local stand-in.
    stored_object = s3_storage.client.get_object(Bucket=s3_storage.name, Key=name)
    assert stored_object["Body"].read() == content
    assert default_storage.size(name) == len(content)
    # file_overwrite=False: the same name again is stored beside, not over, the first.
    second = default_storage.save("dossier/Jahresabschluss 2025.pdf", ContentFile(b"other"))
    assert second != name
    with default_storage.open(name, "rb") as stored:
        assert stored.read() == content


def test_default_storage_url_is_presigned_and_works(s3_storage: S3Bucket):
    name = default_storage.save("dossier/a.txt", ContentFile(b"presigned by django-storages"))

    url = default_storage.url(name)

    assert url.startswith(s3_storage.server.endpoint_url + f"/{s3_storage.name}/")
    assert "X-Amz-Expires=300" in url
    status, _, body = http(url)
    assert (status, body) == (200, b"presigned by django-storages")


# --- presigned GET ----------------------------------------------------------------------------


def test_presigned_get_downloads(s3_storage: S3Bucket):
    put(s3_storage, "docs/a.bin", b"\x00\x01 bytes \xff")

    status, _, body = http(presigned_get(s3_storage, "docs/a.bin"))

    assert (status, body) == (200, b"\x00\x01 bytes \xff")


def test_presigned_get_without_signature_is_refused(s3_storage: S3Bucket):
    put(s3_storage, "docs/a.bin", b"secret")

    status, _, body = http(f"{s3_storage.server.endpoint_url}/{s3_storage.name}/docs/a.bin")

    assert status == 403
    assert b"AccessDenied" in body
    assert b"secret" not in body


def test_presigned_get_with_tampered_signature_is_refused(s3_storage: S3Bucket):
    put(s3_storage, "docs/a.bin", b"secret")
    url = presigned_get(s3_storage, "docs/a.bin")
    assert http(url)[0] == 200

    tampered = with_query(
        url, "X-Amz-Signature", lambda sig: sig[:-1] + ("0" if sig[-1] != "0" else "1")
    )
    status, _, body = http(tampered)

    assert status == 403
    assert b"SignatureDoesNotMatch" in body


def test_presigned_get_for_another_key_is_refused(s3_storage: S3Bucket):
    put(s3_storage, "docs/mine.bin", b"my content")
    put(s3_storage, "docs/theirs.bin", b"their content")
    url = presigned_get(s3_storage, "docs/mine.bin")
    assert http(url)[2] == b"my content"

    status, _, body = http(url.replace("/docs/mine.bin?", "/docs/theirs.bin?"))

    assert status == 403
    assert b"SignatureDoesNotMatch" in body
    assert b"their content" not in body


def test_presigned_get_expired_is_refused(s3_storage: S3Bucket):
    put(s3_storage, "docs/a.bin", b"secret")
    short = presigned_get(s3_storage, "docs/a.bin", expires=1)
    long = presigned_get(s3_storage, "docs/a.bin", expires=60)

    time.sleep(2.5)
    status, _, body = http(short)

    assert status == 403
    assert b"Request has expired" in body
    assert b"secret" not in body
    assert http(long)[0] == 200


# --- presigned POST (browser uploads straight to S3) ------------------------------------------


def multipart_form(fields: dict[str, str], file_body: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body: the policy's fields, then the file (S3 wants it last)."""
    boundary = "kontor-" + secrets.token_hex(12)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    parts.append(
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="file"; filename="upload.bin"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + file_body
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def presigned_post(s3: S3Bucket, key: str, body: bytes) -> tuple[int, bytes]:
    post = s3.client.generate_presigned_post(
        Bucket=s3.name, Key=key, Conditions=[["content-length-range", 1, 1000]], ExpiresIn=60
    )
    form, content_type = multipart_form(post["fields"], body)
    status, _, answer = http(
        post["url"], method="POST", body=form, headers={"Content-Type": content_type}
    )
    return status, answer


def test_presigned_post_accepts_a_file_within_the_limit(s3_storage: S3Bucket):
    status, answer = presigned_post(s3_storage, "uploads/small.bin", b"x" * 1000)

    assert status == 204, answer
    stored = s3_storage.client.get_object(Bucket=s3_storage.name, Key="uploads/small.bin")
    assert stored["Body"].read() == b"x" * 1000


def test_presigned_post_refuses_a_file_over_the_limit(s3_storage: S3Bucket):
    status, answer = presigned_post(s3_storage, "uploads/big.bin", b"x" * 1001)

    assert status == 400, answer
    assert b"EntityTooLarge" in answer
    assert not exists(s3_storage, "uploads/big.bin")


def test_presigned_post_refuses_an_empty_file(s3_storage: S3Bucket):
    status, answer = presigned_post(s3_storage, "uploads/empty.bin", b"")

    assert status == 400, answer
    assert b"EntityTooSmall" in answer
    assert not exists(s3_storage, "uploads/empty.bin")


def test_presigned_post_refuses_another_key(s3_storage: S3Bucket):
    post = s3_storage.client.generate_presigned_post(
        Bucket=s3_storage.name,
        Key="uploads/granted.bin",
        Conditions=[["content-length-range", 1, 1000]],
        ExpiresIn=60,
    )
    form, content_type = multipart_form({**post["fields"], "key": "uploads/other.bin"}, b"x")

    status, _, answer = http(
        post["url"], method="POST", body=form, headers={"Content-Type": content_type}
    )

    assert status == 403, answer
    assert b"Invalid according to Policy" in answer
    assert not exists(s3_storage, "uploads/other.bin")


# --- multipart upload -------------------------------------------------------------------------

MIB = 1024 * 1024


def test_multipart_upload_completes(s3_storage: S3Bucket):
    client, bucket, key = s3_storage.client, s3_storage.name, "big/scan.pdf"
    first, last = os.urandom(5 * MIB), os.urandom(1234)  # every part but the last >= 5 MiB
    upload_id = client.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    parts = []
    for number, chunk in enumerate([first, last], start=1):
        answer = client.upload_part(
            Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=number, Body=chunk
        )
        parts.append({"PartNumber": number, "ETag": answer["ETag"]})
    assert not exists(s3_storage, key)

    done = client.complete_multipart_upload(
        Bucket=bucket, Key=key, UploadId=upload_id, MultipartUpload={"Parts": parts}
    )

    assert done["ETag"].strip('"').endswith("-2")
    assert client.get_object(Bucket=bucket, Key=key)["Body"].read() == first + last
    assert client.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []


def test_multipart_upload_aborted_leaves_nothing(s3_storage: S3Bucket):
    client, bucket, key = s3_storage.client, s3_storage.name, "big/abandoned.pdf"
    upload_id = client.create_multipart_upload(Bucket=bucket, Key=key)["UploadId"]
    client.upload_part(
        Bucket=bucket, Key=key, UploadId=upload_id, PartNumber=1, Body=os.urandom(5 * MIB)
    )
    listed = client.list_multipart_uploads(Bucket=bucket).get("Uploads", [])
    assert [upload["UploadId"] for upload in listed] == [upload_id]

    client.abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id)

    assert not exists(s3_storage, key)
    assert client.list_multipart_uploads(Bucket=bucket).get("Uploads", []) == []
    assert client.list_objects_v2(Bucket=bucket).get("Contents", []) == []
    with pytest.raises(ClientError) as raised:
        client.complete_multipart_upload(
            Bucket=bucket,
            Key=key,
            UploadId=upload_id,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": '"0"'}]},
        )
    assert raised.value.response["Error"]["Code"] == "NoSuchUpload"


# --- response header overrides on presigned GET -----------------------------------------------

DISPOSITION = (
    "attachment; filename=\"Bilanz 2025.pdf\"; filename*=UTF-8''Bilanz%202025%20%C3%A4.pdf"
)


def test_presigned_get_honours_response_content_disposition(s3_storage: S3Bucket):
    put(s3_storage, "k/7f3a", b"%PDF-1.7")

    status, headers, body = http(
        presigned_get(
            s3_storage,
            "k/7f3a",
            ResponseContentDisposition=DISPOSITION,
            ResponseContentType="application/pdf",
        )
    )

    assert (status, body) == (200, b"%PDF-1.7")
    assert headers["Content-Disposition"] == DISPOSITION
    assert headers["Content-Type"] == "application/pdf"


def test_default_storage_url_honours_response_content_disposition(s3_storage: S3Bucket):
    name = default_storage.save("k/7f3b", ContentFile(b"%PDF-1.7"))

    storage = cast(S3Storage, default_storage)
    url = storage.url(name, parameters={"ResponseContentDisposition": DISPOSITION})

    status, headers, _ = http(url)
    assert status == 200
    assert headers["Content-Disposition"] == DISPOSITION


def test_presigned_get_with_altered_content_disposition_is_refused(s3_storage: S3Bucket):
    put(s3_storage, "k/7f3c", b"%PDF-1.7")
    url = presigned_get(s3_storage, "k/7f3c", ResponseContentDisposition=DISPOSITION)

    altered = with_query(url, "response-content-disposition", lambda _: "inline")
    status, headers, _ = http(altered)

    assert status == 403
    assert headers["Content-Disposition"] != "inline"
