"""The TrueType font the PDFs embed, so that Polish (ąęłśż) and Norwegian (øæå) names print.

fpdf2's core fonts are Latin-1 only. We embed DejaVu Sans (Debian's fonts-dejavu-core, also on
most Linux images), else Liberation Sans, else any path in KONTOR_PDF_FONT; without any of them
the PDF falls back to Helvetica and text is transliterated to Latin-1 (ł -> l), never refused.
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fpdf import FPDF

_CANDIDATES: tuple[tuple[str, str], ...] = (
    (
        "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    ),
    ("/usr/share/fonts/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"),
    (
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    ),
    ("/Library/Fonts/Arial Unicode.ttf", "/Library/Fonts/Arial Unicode.ttf"),
)

# Letters NFKD does not reduce to a Latin-1 base letter.
_LATIN1_FALLBACK = str.maketrans(
    {"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ŋ": "n", "Ŋ": "N", "—": "-", "–": "-",
     "€": "EUR", "’": "'", "‘": "'", "“": '"', "”": '"', "…": "...", "\u202f": " "}
)  # fmt: skip


@dataclass(frozen=True)
class PdfFont:
    family: str
    unicode: bool  # False: the Latin-1 core font, text must go through `text()`

    def text(self, value: str) -> str:
        if self.unicode:
            return value
        return to_latin1(value)


@cache
def font_paths() -> tuple[str, str] | None:
    """(regular, bold) TrueType paths, or None when the machine has none we know."""
    override = os.environ.get("KONTOR_PDF_FONT", "")
    if override and Path(override).is_file():
        bold = os.environ.get("KONTOR_PDF_FONT_BOLD", "")
        return override, bold if bold and Path(bold).is_file() else override
    for regular, bold in _CANDIDATES:
        if Path(regular).is_file():
            return regular, bold if Path(bold).is_file() else regular
    return None


def font_install(pdf: FPDF) -> PdfFont:
    """Register the embedded font on `pdf` (regular and bold) and say which one to use."""
    paths = font_paths()
    if paths is None:
        return PdfFont("helvetica", unicode=False)
    regular, bold = paths
    pdf.add_font("kontor", "", regular)
    pdf.add_font("kontor", "B", bold)
    return PdfFont("kontor", unicode=True)


def to_latin1(value: str) -> str:
    out = []
    for char in value.translate(_LATIN1_FALLBACK):
        try:
            char.encode("latin-1")
            out.append(char)
        except UnicodeEncodeError:
            base = unicodedata.normalize("NFKD", char).encode("latin-1", "ignore").decode()
            out.append(base or "?")
    return "".join(out)
