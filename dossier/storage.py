"""The file store under the dossier: S3 when configured, local disk otherwise, one interface.

Keys are random; the user's file name is kept in the database and given back only in the
Content-Disposition of a download.
"""

from __future__ import annotations

import secrets
from typing import IO, Any
from urllib.parse import quote

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


def presigned_post(key: str, size: int, seconds: int) -> dict[str, Any]:
    """A form the client posts the file to, straight to S3; S3 refuses any other size."""
    client = default_storage.connection.meta.client  # type: ignore[attr-defined]
    return dict(
        client.generate_presigned_post(
            Bucket=default_storage.bucket_name,  # type: ignore[attr-defined]
            Key=key,
            Conditions=[["content-length-range", size, size]],
            ExpiresIn=seconds,
        )
    )


def object_size(key: str) -> int | None:
    try:
        return int(default_storage.size(key))
    except (FileNotFoundError, OSError):
        return None
    except Exception as error:  # botocore's ClientError for a missing object
        if "404" in str(error) or "Not Found" in str(error):
            return None
        raise
