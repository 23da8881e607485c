"""The file store under the dossier: S3 when configured, local disk otherwise, one interface.

Keys are random; the user's file name is kept in the database and given back only in the
Content-Disposition of a download.
"""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass
from typing import IO, Any
from urllib.parse import quote

from botocore.exceptions import ClientError
from django.conf import settings
from django.core.files.storage import default_storage


def is_s3() -> bool:
    return hasattr(default_storage, "bucket_name")


def new_key(prefix: str = "dossier") -> str:
    return f"{prefix}/{secrets.token_hex(16)}"


def file_store(key: str, content: IO[bytes]) -> str:
    """Stream `content` to the store under `key`; refuses to overwrite."""
    if default_storage.exists(key):
        raise FileExistsError(key)
    saved = default_storage.save(key, content)
    if saved != key:  # the backend picked another name: never accept a silent rename
        default_storage.delete(saved)
        raise FileExistsError(key)
    return saved


def file_open(key: str) -> IO[bytes]:
    return default_storage.open(key, "rb")


def file_delete(key: str) -> None:
    if key:
        default_storage.delete(key)


def file_exists(key: str) -> bool:
    return bool(key) and default_storage.exists(key)


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """RFC 6266: an ASCII fallback plus the exact name in UTF-8."""
    fallback = "".join(ch if 32 <= ord(ch) < 127 and ch not in '"\\' else "_" for ch in filename)
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def presigned_get(key: str, filename: str, content_type: str, inline: bool = False) -> str:
    """A short-lived S3 link that downloads `key` under `filename`."""
    parameters: dict[str, Any] = {
        "ResponseContentDisposition": content_disposition(
            filename, "inline" if inline else "attachment"
        ),
        "ResponseContentType": content_type,
    }
    seconds = settings.KONTOR_DOWNLOAD_LINK_SECONDS
    # S3Storage.url takes the presigning options; the base Storage signature does not know them.
    return str(default_storage.url(key, parameters=parameters, expire=seconds))  # type: ignore[call-arg]


def _client() -> Any:
    return default_storage.connection.meta.client  # type: ignore[attr-defined]


def _bucket() -> str:
    return str(default_storage.bucket_name)  # type: ignore[attr-defined]


def presigned_post(key: str, size: int, sha256_hex: str, seconds: int) -> dict[str, Any]:
    """A form the client posts the file to, straight to S3.

    The policy pins the exact size and SHA-256: S3 verifies the checksum of what arrives and
    refuses anything else, so the file never has to be read back, and posting the form again
    can only store the same bytes.
    """
    checksum = base64.b64encode(bytes.fromhex(sha256_hex)).decode()
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


@dataclass(frozen=True)
class StoredObject:
    size: int
    sha256: str | None  # hex, when the store keeps a verified checksum


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
    )


def object_head(key: str, length: int) -> bytes:
    """The first `length` bytes of an object on S3 (to sniff its type)."""
    answer = _client().get_object(Bucket=_bucket(), Key=key, Range=f"bytes=0-{length - 1}")
    return bytes(answer["Body"].read())
