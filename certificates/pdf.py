"""The certificate as a PDF, drawn on the server with fpdf2: nothing is fetched from the network,
and the same certificate always gives the same bytes.

The fixed words are in English, so they use the PDF standard fonts (Helvetica, Times, Courier:
no font file). A learner's name can be in any script, so it is drawn with a font shipped in
`certificates/fonts/` (DejaVu, licence beside it): DejaVu Serif Bold Italic, which matches the
Times of the rest, for Latin (Vietnamese too), Greek, Cyrillic, Armenian and Georgian names,
else DejaVu Sans, which adds Arabic and Hebrew. Text shaping (HarfBuzz, through uharfbuzz)
joins Arabic letters and sets right-to-left names in order. A name neither font can draw
whole (Chinese, Japanese, Korean, Indic scripts, Thai...) raises `CannotDraw` rather than
print boxes: the web page, which the browser draws with the reader's own fonts, prints it.
"""

from __future__ import annotations

import copy
import io
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from django.utils import timezone

from certificates.models import Certificate

if TYPE_CHECKING:
    from fpdf import FPDF
    from fpdf.fonts import TTFFont

FONTS = Path(__file__).resolve().parent / "fonts"


class NameFont(NamedTuple):
    family: str
    style: str
    path: Path


# In order of preference: the first that has every letter of a name draws it.
NAME_FONTS = (
    NameFont("DejaVuSerif", "BI", FONTS / "DejaVuSerif-BoldItalic.ttf"),
    NameFont("DejaVuSans", "", FONTS / "DejaVuSans.ttf"),
)
# Joiners shape the letters around them; they have no glyph of their own to look for.
_INVISIBLE = frozenset({0x200C, 0x200D})


class CannotDraw(Exception):
    """No bundled font has every letter of the name; `letters` are those missing."""

    def __init__(self, letters: str) -> None:
        super().__init__(f"The PDF fonts cannot draw {letters}")
        self.letters = letters


@cache
def _characters(path: Path) -> frozenset[int]:
    """The code points a font maps to a glyph (read once per process)."""
    from fontTools.ttLib import TTFont  # imported on first use: most processes never draw a PDF

    with TTFont(path, lazy=True) as font:
        return frozenset(font.getBestCmap())


def _needed(name: str) -> set[int]:
    return {ord(ch) for ch in name if not ch.isspace()} - _INVISIBLE


def name_font(name: str) -> NameFont | None:
    needed = _needed(name)
    return next((font for font in NAME_FONTS if needed <= _characters(font.path)), None)


def missing_letters(name: str) -> str:
    """The letters of `name` that no single bundled font can draw with the rest, in order of
    first use, space-separated; "" when the PDF can print the name."""
    if name_font(name) is not None:
        return ""
    widest = max(NAME_FONTS, key=lambda font: len(_needed(name) & _characters(font.path)))
    have = _characters(widest.path)
    missing = dict.fromkeys(ch for ch in name if ord(ch) in _needed(name) - have)
    return " ".join(missing)


@cache
def _parsed_font(font: NameFont) -> tuple[TTFFont, bytes]:
    """fpdf2's reading of a font (its character map, widths and glyph ids: most of a PDF's
    cost when done per document) and the font file's bytes, once per process. The font object
    is never drawn with: `_add_font` gives each document its own copy."""
    from fpdf import FPDF
    from fpdf.fonts import TTFFont

    scratch = FPDF()
    scratch.add_font(font.family, font.style, font.path)
    parsed = scratch.fonts[f"{font.family.lower()}{font.style}"]
    assert isinstance(parsed, TTFFont)
    parsed.close()
    return parsed, font.path.read_bytes()


def _add_font(pdf: FPDF, font: NameFont) -> None:
    """`pdf.add_font(...)` with the font read once per process. What fpdf2 changes while it
    draws and writes one document is that document's own: its place among the document's
    fonts, the characters used (the subset), the glyphs it lacked, the widths it looked up, the
    descriptor it numbers and names, and the fontTools font that writing the PDF subsets in
    place (opened afresh from the kept bytes; a parse only of the tables the subset reads).
    The character map and glyph ids are only read. A color font (which would hold the
    document) is read the ordinary way, per document."""
    from fontTools.ttLib import TTFont
    from fpdf.fonts import SubsetMap

    parsed, data = _parsed_font(font)
    if parsed.color_font is not None or parsed.is_cff:  # pragma: no cover - not DejaVu
        _add_font(pdf, font)
        return
    mine = copy.copy(parsed)
    mine.i = len(pdf.fonts) + 1
    mine.ttfont = TTFont(io.BytesIO(data), recalcTimestamp=False, lazy=True)
    mine._hbfont = None
    mine.cw = copy.copy(parsed.cw)
    mine.desc = copy.copy(parsed.desc)
    mine.missing_glyphs = []
    mine.biggest_size_pt = 0
    mine.subset = SubsetMap(mine)
    pdf.fonts[mine.fontkey] = mine


def certificate_pdf(certificate: Certificate, *, verify_url: str) -> bytes:
    """The PDF's bytes; raises CannotDraw for a name the bundled fonts cannot print."""
    font = name_font(certificate.name)
    if font is None:
        raise CannotDraw(missing_letters(certificate.name))
    from fpdf import FPDF  # imported on first use: most processes never draw a PDF

    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_creation_date(certificate.issued_at)
    pdf.set_title(f"Certificate: {certificate.course_title}")
    pdf.set_author("SRM Trainer")
    pdf.set_auto_page_break(auto=False)
    _add_font(pdf, font)
    pdf.add_page()
    width, height = pdf.w, pdf.h
    pdf.set_draw_color(35, 47, 62)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, width - 20, height - 20)
    pdf.set_line_width(0.3)
    pdf.rect(14, 14, width - 28, height - 28)

    def line(text: str, *, family="Helvetica", style="", size=14, gap=10, color=(35, 47, 62)):
        pdf.set_font(family, style, size)
        while size > 10 and pdf.get_string_width(text) > width - 40:  # a long name shrinks
            size -= 1
            pdf.set_font(family, style, size)
        pdf.set_text_color(*color)
        pdf.cell(0, gap, text, align="C", new_x="LMARGIN", new_y="NEXT")

    pdf.set_y(38)
    line("SRM Trainer", style="B", size=13, color=(90, 100, 110))
    line("Certificate of completion", family="Times", style="B", size=34, gap=22)
    pdf.ln(4)
    line("This certifies that", size=14)
    pdf.set_text_shaping(True)  # joins Arabic letters, orders right-to-left names
    line(certificate.name, family=font.family, style=font.style, size=30, gap=20)
    pdf.set_text_shaping(False)
    line("has completed the course", size=14)
    line(certificate.course_title, style="B", size=18, gap=14)
    issued = timezone.localtime(certificate.issued_at)  # the date the pages show
    line(f"on {issued.day} {issued:%B %Y}", size=14)
    pdf.set_y(height - 42)
    line("Check this certificate at", size=10, gap=6, color=(90, 100, 110))
    line(verify_url, family="Courier", size=10, gap=6)
    return bytes(pdf.output())
