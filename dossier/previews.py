"""Thumbnails of images and of the first page of PDFs, and the text of PDFs for search."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass

import pypdfium2
from PIL import Image, UnidentifiedImageError

logger = logging.getLogger(__name__)

THUMBNAIL_PIXELS = (480, 480)
MAX_TEXT_PAGES = 50
# Pillow refuses decompression bombs past this many pixels; a scan at 600 dpi stays well below.
Image.MAX_IMAGE_PIXELS = 80_000_000


@dataclass(frozen=True)
class Preview:
    png: bytes | None
    text: str


def _thumbnail(image: Image.Image) -> bytes:
    image.thumbnail(THUMBNAIL_PIXELS)
    if image.mode not in {"RGB", "RGBA", "L"}:
        image = image.convert("RGB")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def preview_of(content: bytes, content_type: str) -> Preview:
    """A PNG thumbnail (or None) and extracted text; never raises on a broken file."""
    try:
        if content_type == "application/pdf":
            return _pdf_preview(content)
        if content_type.startswith("image/"):
            with Image.open(io.BytesIO(content)) as image:
                image.load()
                return Preview(png=_thumbnail(image), text="")
    except (UnidentifiedImageError, pypdfium2.PdfiumError, OSError, ValueError) as error:
        logger.info("No preview for a %s file: %s", content_type, error)
    return Preview(png=None, text="")


def _pdf_preview(content: bytes) -> Preview:
    pdf = pypdfium2.PdfDocument(content)
    try:
        if len(pdf) == 0:
            return Preview(png=None, text="")
        first = pdf[0]
        scale = min(THUMBNAIL_PIXELS) / max(first.get_width(), first.get_height(), 1) * 2
        image = first.render(scale=max(scale, 0.1)).to_pil()
        texts = []
        for index in range(min(len(pdf), MAX_TEXT_PAGES)):
            text_page = pdf[index].get_textpage()
            texts.append(text_page.get_text_range())
        return Preview(png=_thumbnail(image), text="\n".join(texts).strip())
    finally:
        pdf.close()
