"""What a file really is, from its first bytes, against the allow-list of the dossier.

The extension and the browser's Content-Type are not trusted: a "receipt.jpg" that is an
executable is refused.
"""

from __future__ import annotations

import unicodedata

# (content type, test on the first bytes)
_MAGIC: list[tuple[str, bytes, int]] = [
    ("application/pdf", b"%PDF-", 0),
    ("image/png", b"\x89PNG\r\n\x1a\n", 0),
    ("image/jpeg", b"\xff\xd8\xff", 0),
    ("image/gif", b"GIF87a", 0),
    ("image/gif", b"GIF89a", 0),
    ("image/tiff", b"II*\x00", 0),
    ("image/tiff", b"MM\x00*", 0),
]
_HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1"}
SNIFF_BYTES = 8192

ALLOWED_TYPES = {
    "application/pdf": "PDF",
    "image/png": "PNG image",
    "image/jpeg": "JPEG image",
    "image/gif": "GIF image",
    "image/tiff": "TIFF image",
    "image/webp": "WebP image",
    "image/heic": "HEIC photo",
    "application/xml": "XML (e-invoice, bank statement)",
    "text/plain": "text (CSV, MT940, CODA)",
    "application/zip": "Office document or ZIP archive",
}


def sniff(head: bytes) -> str | None:
    """The content type of a file starting with `head`, or None if it is not on the allow-list."""
    for content_type, magic, offset in _MAGIC:
        if head[offset : offset + len(magic)] == magic:
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp" and head[8:12] in _HEIC_BRANDS:
        return "image/heic"
    if head[:4] == b"PK\x03\x04":
        return "application/zip"  # docx, xlsx, odt, ... are ZIP containers
    return _sniff_text(head)


def _sniff_text(head: bytes) -> str | None:
    if not head or b"\x00" in head:
        return None
    text = head.decode("utf-8", errors="ignore") if _mostly_utf8(head) else head.decode("latin-1")
    if any(unicodedata.category(ch) == "Cc" and ch not in "\r\n\t\f" for ch in text[:4096]):
        return None
    lowered = text.lower()
    # Markup a browser would run (HTML, SVG with scripts) is never stored, whatever it claims.
    if any(tag in lowered for tag in ("<html", "<svg", "<script", "<!doctype html")):
        return None
    stripped = text.lstrip("\ufeff \r\n\t")
    if stripped.startswith("<"):
        return "application/xml"
    return "text/plain"


def _mostly_utf8(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sample is still UTF-8.
        return error.start >= len(head) - 3
    return True
