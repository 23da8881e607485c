"""The dossier's tests run against a real S3 server: SeaweedFS, started once per test session."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.s3server import SeaweedS3


@dataclass
class S3Bucket:
    """The bucket of one test, the boto3 client to look into it, and the server behind both."""

    name: str
    client: Any  # a boto3 S3 client
    server: SeaweedS3


@pytest.fixture(scope="session")
def s3_server() -> Iterator[SeaweedS3]:
    server = SeaweedS3()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def s3_storage(s3_server: SeaweedS3, settings) -> Iterator[S3Bucket]:
    """A fresh bucket, and `default_storage` an S3Storage on it for the length of the test."""
    from django.core.files.storage import default_storage
    from storages.backends.s3 import S3Storage

    bucket = s3_server.make_bucket(f"kontor-test-{secrets.token_hex(6)}")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": bucket,
                "endpoint_url": s3_server.endpoint_url,
                "access_key": s3_server.access_key,
                "secret_key": s3_server.secret_key,
                "region_name": s3_server.region,
                "addressing_style": "path",
                "signature_version": "s3v4",
                "default_acl": None,
                "file_overwrite": False,
                "querystring_expire": 300,
            },
        },
    }
    # Django's setting_changed receiver drops the cached storages and default_storage's
    # wrapped object; make sure it did, so that no test writes to the local disk by mistake.
    assert isinstance(default_storage, S3Storage), type(default_storage)
    assert default_storage.bucket_name == bucket
    assert default_storage.endpoint_url == s3_server.endpoint_url

    client = s3_server.client()
    yield S3Bucket(name=bucket, client=client, server=s3_server)
    _bucket_delete(client, bucket)


def _bucket_delete(client: Any, bucket: str) -> None:
    """Empty and delete the bucket, as a real S3 requires (each bucket holds SeaweedFS volumes)."""
    uploads = client.list_multipart_uploads(Bucket=bucket).get("Uploads", [])
    for upload in uploads:
        client.abort_multipart_upload(Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"])
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
        if keys:
            client.delete_objects(Bucket=bucket, Delete={"Objects": keys, "Quiet": True})
    client.delete_bucket(Bucket=bucket)
