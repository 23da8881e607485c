"""The file store under the dossier: S3 when configured, local disk otherwise, one interface.

Keys are random; the user's file name is kept in the database and given back only in the
Content-Disposition of a download.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import io
import queue
import secrets
import threading
from dataclasses import dataclass
from typing import IO, Any, cast
from urllib.parse import quote

from botocore.exceptions import ClientError
from django.conf import settings
from django.core.files.storage import default_storage

_CHUNK = 1024 * 1024


def is_s3() -> bool:
    return hasattr(default_storage, "bucket_name")


def new_key(prefix: str = "dossier") -> str:
    return f"{prefix}/{secrets.token_hex(16)}"


def file_store(key: str, content: IO[bytes]) -> str:
    """Stream `content` to the store under `key`; refuses to overwrite."""
    if is_s3():
        if object_info(key) is not None:
            raise FileExistsError(key)
        content.seek(0)
        _client().upload_fileobj(content, _bucket(), key)
        return key
    if default_storage.exists(key):
        raise FileExistsError(key)
    saved = default_storage.save(key, content)
    if saved != key:  # the backend picked another name: never accept a silent rename
        default_storage.delete(saved)
        raise FileExistsError(key)
    return saved


def file_open(key: str) -> IO[bytes]:
    if is_s3():
        return cast(IO[bytes], _ObjectReader(key))
    return default_storage.open(key, "rb")


def file_delete(key: str) -> None:
    if not key:
        return
    if is_s3():
        _client().delete_object(Bucket=_bucket(), Key=key)
    else:
        default_storage.delete(key)


def file_exists(key: str) -> bool:
    if is_s3():
        return bool(key) and object_info(key) is not None
    return bool(key) and default_storage.exists(key)


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """RFC 6266: an ASCII fallback plus the exact name in UTF-8."""
    fallback = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\' else "_" for ch in filename)
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def presigned_get(key: str, filename: str, content_type: str, inline: bool = False) -> str:
    """A short-lived S3 link that downloads `key` under `filename`."""
    return str(
        _client().generate_presigned_url(
            "get_object",
            Params={
                "Bucket": _bucket(),
                "Key": key,
                "ResponseContentDisposition": content_disposition(
                    filename, "inline" if inline else "attachment"
                ),
                "ResponseContentType": content_type,
            },
            ExpiresIn=settings.KONTOR_DOWNLOAD_LINK_SECONDS,
        )
    )


_clients_lock = threading.Lock()


def _client() -> Any:
    """One boto3 client per configured storage, shared by every thread (boto3 clients are
    thread-safe). django-storages builds a session, resource and client per thread, and each
    request runs in a thread of its own: 90-440 ms on a request's first S3 call."""
    lazy: Any = default_storage
    _bucket()  # sets the lazy storage up
    store = lazy._wrapped
    client = store.__dict__.get("_kontor_client")
    if client is None:
        with _clients_lock:
            client = store.__dict__.get("_kontor_client")
            if client is None:
                client = store._create_session().client(
                    "s3",
                    region_name=store.region_name,
                    use_ssl=store.use_ssl,
                    endpoint_url=store.endpoint_url,
                    config=store.client_config,
                    verify=store.verify,
                )
                store.__dict__["_kontor_client"] = client
    return client


def _bucket() -> str:
    return str(default_storage.bucket_name)  # type: ignore[attr-defined]


def presigned_post(key: str, size: int, sha256_hex: str, seconds: int) -> dict[str, Any]:
    """A form the client posts the file to, straight to S3.

    The policy pins the exact size and SHA-256: S3 verifies the checksum of what arrives and
    refuses anything else, so the file never has to be read back, and posting the form again
    can only store the same bytes.
    """
    checksum = b64_of_hex(sha256_hex)
    fields = {"x-amz-checksum-algorithm": "SHA256", "x-amz-checksum-sha256": checksum}
    return dict(
        _client().generate_presigned_post(
            Bucket=_bucket(),
            Key=key,
            Fields=fields,
            Conditions=[["content-length-range", size, size], *({k: v} for k, v in fields.items())],
            ExpiresIn=seconds,
        )
    )


def b64_of_hex(sha256_hex: str) -> str:
    """S3's form of a SHA-256 (x-amz-checksum-sha256): base64 of the 32 bytes."""
    return base64.b64encode(bytes.fromhex(sha256_hex)).decode()


@dataclass(frozen=True)
class StoredObject:
    size: int
    sha256: str | None  # hex, when the store keeps a verified checksum of the whole file
    checksum: str | None = None  # the SHA-256 checksum as S3 gives it ("<base64>-N": multipart)


def object_info(key: str) -> StoredObject | None:
    """Size and verified SHA-256 of an object on S3, or None if there is no such object."""
    try:
        head = _client().head_object(Bucket=_bucket(), Key=key, ChecksumMode="ENABLED")
    except ClientError as error:
        if error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") == 404:
            return None
        raise
    checksum = head.get("ChecksumSHA256")
    # A checksum of a multipart object ("...-3") covers the parts, not the whole file.
    whole = checksum and "-" not in checksum
    return StoredObject(
        size=int(head["ContentLength"]),
        sha256=base64.b64decode(checksum).hex() if whole else None,
        checksum=checksum or None,
    )


def object_head(key: str, length: int) -> bytes:
    """The first `length` bytes of an object on S3 (to sniff its type)."""
    answer = _client().get_object(Bucket=_bucket(), Key=key, Range=f"bytes=0-{length - 1}")
    return bytes(answer["Body"].read())


@dataclass(frozen=True)
class ObjectDigest:
    size: int
    sha256: str  # hex
    head: bytes  # the first bytes, to sniff the type


def object_digest(key: str, head_length: int) -> ObjectDigest:
    """Reads an S3 object once and hashes it, in bounded memory: a thread fetches 1 MiB chunks
    into a short queue while this one hashes (both release the GIL), so the time is about the
    slower of the two, not their sum."""
    chunks: queue.Queue[bytes | BaseException | None] = queue.Queue(maxsize=8)
    stop = threading.Event()

    def fetch() -> None:
        try:
            body = _client().get_object(Bucket=_bucket(), Key=key)["Body"]
            with contextlib.closing(body):
                for chunk in body.iter_chunks(_CHUNK):
                    if stop.is_set():
                        return
                    chunks.put(chunk)
            chunks.put(None)
        except BaseException as error:  # handed to the hashing thread, raised there
            chunks.put(error)

    reader = threading.Thread(target=fetch, name="object-digest", daemon=True)
    reader.start()
    digest, size, head = hashlib.sha256(), 0, b""
    try:
        while (chunk := chunks.get()) is not None:
            if isinstance(chunk, BaseException):
                raise chunk
            if len(head) < head_length:
                head += chunk[: head_length - len(head)]
            digest.update(chunk)
            size += len(chunk)
    finally:
        stop.set()
        with contextlib.suppress(queue.Empty):
            while True:  # unblock a reader waiting on a full queue
                chunks.get_nowait()
        reader.join(timeout=30)
    return ObjectDigest(size=size, sha256=digest.hexdigest(), head=head)


class _ObjectReader(io.RawIOBase):
    """An S3 object read as a stream through the shared client; seek(0) starts over."""

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key
        self._body: Any = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if (offset, whence) != (0, io.SEEK_SET):
            raise io.UnsupportedOperation("an S3 object is read from the start")
        self._close_body()
        return 0

    def readinto(self, buffer: Any) -> int:
        if self._body is None:
            self._body = _client().get_object(Bucket=_bucket(), Key=self.key)["Body"]
        data = self._body.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            if self._body is None:
                self._body = _client().get_object(Bucket=_bucket(), Key=self.key)["Body"]
            return bytes(self._body.read())
        return super().read(size) or b""

    def _close_body(self) -> None:
        if self._body is not None:
            self._body.close()
            self._body = None

    def close(self) -> None:
        self._close_body()
        super().close()


# --- Multipart uploads straight to S3 -------------------------------------------------------------


def multipart_create(key: str) -> str:
    """A multipart upload whose parts carry SHA-256 checksums; answers its id."""
    answer = _client().create_multipart_upload(
        Bucket=_bucket(), Key=key, ChecksumAlgorithm="SHA256"
    )
    return str(answer["UploadId"])


def multipart_part_url(
    key: str, upload_id: str, number: int, size: int, checksum: str, seconds: int
) -> str:
    """A presigned UploadPart whose signature covers the part's length and SHA-256 (the
    x-amz-checksum-sha256 header): S3 refuses another size or header (SignatureDoesNotMatch) and
    other bytes under that header (BadDigest)."""
    return str(
        _client().generate_presigned_url(
            "upload_part",
            Params={
                "Bucket": _bucket(),
                "Key": key,
                "UploadId": upload_id,
                "PartNumber": number,
                "ContentLength": size,
                "ChecksumSHA256": checksum,
            },
            ExpiresIn=seconds,
        )
    )


def multipart_parts(key: str, upload_id: str) -> dict[int, tuple[int, str]] | None:
    """The parts S3 holds: {number: (size, etag)}; None if there is no such upload."""
    parts: dict[int, tuple[int, str]] = {}
    try:
        for page in (
            _client()
            .get_paginator("list_parts")
            .paginate(Bucket=_bucket(), Key=key, UploadId=upload_id)
        ):
            for part in page.get("Parts", []):
                parts[int(part["PartNumber"])] = (int(part["Size"]), str(part["ETag"]))
    except ClientError as error:
        if _error_code(error) == "NoSuchUpload":
            return None
        raise
    return parts


def multipart_complete(key: str, upload_id: str, parts: list[tuple[int, str, str]]) -> bool:
    """Joins the parts [(number, etag, base64 SHA-256)]; False if there is no such upload
    (finished or aborted meanwhile)."""
    try:
        _client().complete_multipart_upload(
            Bucket=_bucket(),
            Key=key,
            UploadId=upload_id,
            MultipartUpload={
                "Parts": [
                    {"PartNumber": number, "ETag": etag, "ChecksumSHA256": checksum}
                    for number, etag, checksum in parts
                ]
            },
        )
    except ClientError as error:
        if _error_code(error) == "NoSuchUpload":
            return False
        raise
    return True


def multipart_abort(key: str, upload_id: str) -> None:
    """Drops the upload and every part sent so far (nothing to do if it is gone already)."""
    try:
        _client().abort_multipart_upload(Bucket=_bucket(), Key=key, UploadId=upload_id)
    except ClientError as error:
        if _error_code(error) != "NoSuchUpload":
            raise


def composite_sha256(part_checksums: list[str]) -> str:
    """S3's checksum of a multipart object: SHA-256 of the parts' digests, then "-<parts>"."""
    joined = b"".join(base64.b64decode(checksum) for checksum in part_checksums)
    return f"{base64.b64encode(hashlib.sha256(joined).digest()).decode()}-{len(part_checksums)}"


def _error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))
