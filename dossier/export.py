"""A company's dossier as one zip, streamed while it is written: the folder tree, every version of
every document the reader may see, and a manifest (path, version, SHA-256, size, who, when)."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator

from django.utils import timezone

from server.accounts.models import User
from server.tenancy.models import Company

from . import storage
from .models import Document, Folder, Version

CHUNK = 1024 * 1024
# Already compressed: storing them again costs CPU for nothing.
_STORED_TYPES = {"application/pdf", "image/jpeg", "image/png", "image/gif", "image/webp",
                 "image/heic", "application/zip"}  # fmt: skip


class _Sink(io.RawIOBase):
    """Collects what zipfile writes so that the generator can hand it on chunk by chunk."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        out = b"".join(self.parts)
        self.parts.clear()
        return out


def export_filename(company: Company) -> str:
    return f"{company.name} dossier {timezone.localdate():%Y-%m-%d}.zip"


def _folder_paths(folders: list[Folder]) -> dict[int, str]:
    by_id = {folder.pk: folder for folder in folders}
    paths: dict[int, str] = {}

    def path_of(folder: Folder) -> str:
        if folder.pk not in paths:
            parent = by_id.get(folder.parent_id) if folder.parent_id else None
            paths[folder.pk] = f"{path_of(parent)}/{folder.name}" if parent else folder.name
        return paths[folder.pk]

    for folder in folders:
        path_of(folder)
    return paths


def _entry_name(path: str, name: str, version: Version, current: bool, taken: set[str]) -> str:
    stem, dot, extension = name.rpartition(".")
    if not current:
        name = (
            f"{stem} (v{version.number}){dot}{extension}" if dot else f"{name} (v{version.number})"
        )
        path = f"{path}/_earlier versions"
    candidate = f"{path}/{name}"
    counter = 2
    while candidate in taken:  # two documents with one name in one folder
        candidate = (
            f"{path}/{stem} ({counter}){dot}{extension}" if dot else f"{path}/{name} ({counter})"
        )
        counter += 1
    taken.add(candidate)
    return candidate


def export_stream(*, user: User, company: Company) -> Iterator[bytes]:
    folders = list(Folder.objects.visible_to(user).filter(company=company))
    paths = _folder_paths(folders)
    documents = (
        Document.objects.visible_to(user)
        .filter(company=company, deleted_at__isnull=True)
        .order_by("folder_id", "name", "id")
    )
    sink = _Sink()
    manifest = io.StringIO()
    rows = csv.writer(manifest)
    rows.writerow(["path", "document", "version", "sha256", "size", "uploaded_by", "uploaded_at"])
    taken: set[str] = set()
    with zipfile.ZipFile(sink, "w", allowZip64=True) as archive:
        for document in documents.iterator():
            versions = document.versions.select_related("uploaded_by").order_by("-number")
            for version in versions:
                current = version.pk == document.current_version_id
                entry = _entry_name(
                    paths[document.folder_id], document.name, version, current, taken
                )
                info = zipfile.ZipInfo(entry, date_time=version.uploaded_at.timetuple()[:6])
                info.compress_type = (
                    zipfile.ZIP_STORED
                    if version.content_type in _STORED_TYPES
                    else zipfile.ZIP_DEFLATED
                )
                with (
                    archive.open(info, "w", force_zip64=True) as target,
                    storage.file_open(version.storage_key) as source,
                ):
                    for chunk in iter(lambda: source.read(CHUNK), b""):
                        target.write(chunk)
                        yield sink.take()
                rows.writerow([
                    entry, document.pk, version.number, version.sha256, version.size,
                    version.uploaded_by.email if version.uploaded_by else "",
                    version.uploaded_at.isoformat(),
                ])  # fmt: skip
                yield sink.take()
        archive.writestr("manifest.csv", manifest.getvalue())
    yield sink.take()
