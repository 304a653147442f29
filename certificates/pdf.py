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
import math
from datetime import UTC, datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from django.utils import timezone

from certificates.models import Certificate

if TYPE_CHECKING:
    from fontTools.ttLib import TTFont
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


# The tables fpdf2 drops when it writes a font into a PDF (fpdf/output.py, `_add_fonts`), on top
# of fontTools' own default list; fontTools also drops `kern` from a font that has GPOS.
_DROPPED_AT_OUTPUT = (
    "FFTM", "GDEF", "GPOS", "GSUB", "MATH", "hdmx", "meta", "sbix",
    "CBDT", "CBLC", "EBDT", "EBLC", "EBSC", "SVG ", "CPAL", "COLR",
)  # fmt: skip


class _Reading(NamedTuple):
    """A name font as read once per process."""

    parsed: TTFFont  # fpdf2's reading: character map, widths, glyph ids, descriptor
    tables: TTFont  # its fontTools font: glyph order, post, hmtx, cmap and glyf parsed
    raw: dict[str, bytes]  # the other tables a PDF's subset keeps, as in the file, in its order
    sfnt_version: str
    mapped_from: dict[str, tuple[int, ...]]  # each glyph's characters, in any Unicode cmap


# The tables each document copies from the shared parse (`_document_ttfont`), and the one it
# leaves for the writing to fill in.
_SHARED = frozenset({"post", "hmtx", "cmap", "glyf"})
_FILLED_IN = "loca"  # the glyphs' offsets: compiling glyf sets them


@cache
def _reading(font: NameFont) -> _Reading:
    """fpdf2's reading of a font (most of a PDF's cost when done per document), with the tables
    the subset written into each PDF reads (glyph order, post, hmtx, cmap, glyf: the rest of
    it, when parsed per document) and the bytes of the other tables the subset keeps, once per
    process. None of it is drawn with: `_add_font` gives each document its own copies."""
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fpdf import FPDF
    from fpdf.fonts import TTFFont

    scratch = FPDF()
    scratch.add_font(font.family, font.style, font.path)
    parsed = scratch.fonts[f"{font.family.lower()}{font.style}"]
    assert isinstance(parsed, TTFFont)
    tables = parsed.ttfont  # fpdf2 has parsed what is copied (the glyphs stay raw, unexpanded)
    tables.getReverseGlyphMap()
    tables["cmap"].ensureDecompiled()  # the subtables fpdf2 did not read, before the file closes
    parsed.close()

    dropped = set(_DROPPED_AT_OUTPUT) | set(subset.Options().drop_tables)
    with TTFont(font.path, lazy=True) as whole:
        if "GPOS" in whole:
            dropped.add("kern")
        kept = [tag for tag in whole.keys()[1:] if tag not in dropped | _SHARED]  # [0]: GlyphOrder
        raw = {str(tag): whole.getTableData(tag) for tag in kept}  # none parsed: read as stored
        sfnt_version = whole.sfntVersion
    mapped_from: dict[str, list[int]] = {}
    for subtable in tables["cmap"].tables:
        if subtable.isUnicode() and subtable.format != 14:
            for code, glyph in subtable.cmap.items():
                mapped_from.setdefault(glyph, []).append(code)
    return _Reading(
        parsed,
        tables,
        raw,
        sfnt_version,
        {glyph: tuple(dict.fromkeys(codes)) for glyph, codes in mapped_from.items()},
    )


class _CopiedOnRead(dict):
    """The glyf table's glyphs for one document: the shared parse's glyph objects, each copied
    when read, since subsetting rewrites the glyphs it keeps in place (component ids, trimmed
    data). Subsetting reads only the few glyphs of the name, then keeps the copies."""

    def __getitem__(self, name: str) -> object:
        return copy.copy(super().__getitem__(name))


def _document_ttfont(reading: _Reading) -> TTFont:
    """The fontTools font fpdf2 subsets in place when it writes one PDF, built in memory rather
    than opened on a file: no file to look tables up in (fontTools compares each table's tag
    with the file's, in Python, many times over a subset: 2-10% of subsetting and writing the
    font, 1-4% of a PDF), and subsetting parses every table anyway. The small tables are parsed from their bytes (the glyphs' offsets are
    left for writing the glyphs to fill in, as fontTools' own font builder does); the costly
    ones are the shared parse's copies. Subsetting and writing replace the tables' contents
    (metrics, post's extra names, glyph order: new lists and dicts on the copies) but rewrite
    in place the cmap subtables and the glyphs they keep, so those are copied too (the glyphs
    when read: only the few of the name are). tests/certificates/test_pdf.py checks the shared
    parse stays as read and the PDF is the one fpdf2 writes from the font file."""
    from fontTools.ttLib import TTFont, newTable

    shared = reading.tables
    # Bounds are not recalculated (fontTools' own subsetter's default, `recalc_bounds=False`):
    # the subset keeps the whole font's bounding box and maxima, which still bound its glyphs,
    # and each glyph is written as read rather than unpacked and packed again (~14% of a PDF).
    mine = TTFont(sfntVersion=reading.sfnt_version, recalcBBoxes=False, recalcTimestamp=False)
    mine.glyphOrder = list(shared.getGlyphOrder())
    mine._reverseGlyphOrderDict = dict(shared.getReverseGlyphMap())  # a copy, not a rebuild
    for tag, data in reading.raw.items():  # in the file's order: head, hhea and maxp first
        mine[tag] = table = newTable(tag)
        if tag != _FILLED_IN:
            table.decompile(data, mine)
    cmap = copy.copy(shared["cmap"])
    cmap.tables = [copy.copy(subtable) for subtable in cmap.tables]
    glyf = copy.copy(shared["glyf"])
    glyf.glyphs = _CopiedOnRead(glyf.glyphs)
    glyf.glyphOrder = mine.glyphOrder
    glyf._reverseGlyphOrder = {}
    post, hmtx = copy.copy(shared["post"]), copy.copy(shared["hmtx"])
    mine.tables.update({"post": post, "hmtx": hmtx, "cmap": cmap, "glyf": glyf})
    return mine


def _add_font(pdf: FPDF, font: NameFont) -> TTFFont | None:
    """`pdf.add_font(...)` with the font read once per process. What fpdf2 changes while it
    draws and writes one document is that document's own: its place among the document's
    fonts, the characters used (the subset), the glyphs it lacked, the widths it looked up, the
    descriptor it numbers and names, and the fontTools font that writing the PDF subsets in
    place (`_document_ttfont`). The character map and glyph ids are only read. A color or CFF
    font (not DejaVu) is read the ordinary way, per document (and None is returned)."""
    from fpdf.fonts import SubsetMap

    reading = _reading(font)
    parsed = reading.parsed
    if parsed.color_font is not None or parsed.is_cff:  # pragma: no cover - not DejaVu
        pdf.add_font(font.family, font.style, font.path)
        return None
    mine = copy.copy(parsed)
    mine.i = len(pdf.fonts) + 1
    mine.ttfont = _document_ttfont(reading)
    mine._hbfont = None
    mine.cw = copy.copy(parsed.cw)
    mine.desc = copy.copy(parsed.desc)
    mine.missing_glyphs = []
    mine.biggest_size_pt = 0
    mine.subset = SubsetMap(mine)
    pdf.fonts[mine.fontkey] = mine
    return mine


def _only_the_used_mappings(font: TTFFont, reading: _Reading) -> None:
    """Before the PDF is written: the document's character maps (its own copies) keep only the
    characters of the glyphs it drew. fpdf2 subsets by glyph, and subsetting keeps exactly the
    mappings to the glyphs asked for (fpdf2 asks for no characters), but finds them by walking
    every mapping of the font's four Unicode maps (~14,000-24,000), ~8% of a PDF; here they
    are looked up by glyph. The PDF is the same (tests/certificates/test_pdf.py)."""
    used = set(font.subset.get_all_glyph_names())
    codes = [code for glyph in used for code in reading.mapped_from.get(glyph, ())]
    for subtable in font.ttfont["cmap"].tables:
        if subtable.isUnicode() and subtable.format != 14:
            whole = subtable.cmap
            subtable.cmap = {code: glyph for code in codes if (glyph := whole.get(code)) in used}


class Printed(NamedTuple):
    """Everything a certificate's PDF shows: the same Printed always gives the same bytes."""

    name: str
    course_title: str
    issued_at: datetime  # the PDF's creation date, in UTC
    date: str  # the date as printed, in the site's time zone
    verify_url: str


def printed(certificate: Certificate, *, verify_url: str) -> Printed:
    issued = timezone.localtime(certificate.issued_at)  # the date the pages show
    return Printed(
        name=certificate.name,
        course_title=certificate.course_title,
        issued_at=certificate.issued_at.astimezone(UTC),
        date=f"{issued.day} {issued:%B %Y}",
        verify_url=verify_url,
    )


# The last PDFs drawn in this process (~10-20 kB each), by everything they show: a learner who
# downloads twice gets the same bytes without the drawing. A renamed learner's certificate
# shows another name, so it is another PDF: a kept one is never stale.
KEPT_PDFS = 16


def certificate_pdf(certificate: Certificate, *, verify_url: str) -> bytes:
    """The PDF's bytes; raises CannotDraw for a name the bundled fonts cannot print."""
    if name_font(certificate.name) is None:
        raise CannotDraw(missing_letters(certificate.name))
    return _kept(printed(certificate, verify_url=verify_url))


SMALLEST = 10  # the size a long text shrinks to at most


def _set_fitting_font(pdf: FPDF, text: str, family: str, style: str, size: int, room: float) -> int:
    """Sets the font at the largest whole size from `size` down to SMALLEST at which `text`
    fits in `room` (SMALLEST when none does), and returns it: what trying each size in turn
    finds, but from ~3 widths rather than one a size (~20 for the longest names, each shaping
    the whole name again). A text's width grows with the size (in proportion, bar rounding),
    so the size is estimated from the width at `size` and checked against its neighbours."""

    def fits(at: int) -> bool:
        pdf.set_font(family, style, at)
        return pdf.get_string_width(text) <= room

    pdf.set_font(family, style, size)
    wide = pdf.get_string_width(text)
    if wide <= room or size <= SMALLEST:
        return size
    fitting = max(SMALLEST, min(size - 1, math.floor(size * room / wide)))
    while fitting > SMALLEST and not fits(fitting):
        fitting -= 1
    while fitting + 1 < size and fits(fitting + 1):
        fitting += 1
    pdf.set_font(family, style, fitting)
    return fitting


def draw(content: Printed) -> bytes:
    """The PDF, drawn afresh."""
    font = name_font(content.name)
    if font is None:
        raise CannotDraw(missing_letters(content.name))
    from fpdf import FPDF  # imported on first use: most processes never draw a PDF

    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_creation_date(content.issued_at)
    pdf.set_title(f"Certificate: {content.course_title}")
    pdf.set_author("SRM Trainer")
    pdf.set_auto_page_break(auto=False)
    name_font_drawn = _add_font(pdf, font)
    pdf.add_page()
    width, height = pdf.w, pdf.h
    pdf.set_draw_color(35, 47, 62)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, width - 20, height - 20)
    pdf.set_line_width(0.3)
    pdf.rect(14, 14, width - 28, height - 28)

    def line(text: str, *, family="Helvetica", style="", size=14, gap=10, color=(35, 47, 62)):
        _set_fitting_font(pdf, text, family, style, size, room=width - 40)  # a long name shrinks
        pdf.set_text_color(*color)
        pdf.cell(0, gap, text, align="C", new_x="LMARGIN", new_y="NEXT")

    pdf.set_y(38)
    line("SRM Trainer", style="B", size=13, color=(90, 100, 110))
    line("Certificate of completion", family="Times", style="B", size=34, gap=22)
    pdf.ln(4)
    line("This certifies that", size=14)
    pdf.set_text_shaping(True)  # joins Arabic letters, orders right-to-left names
    line(content.name, family=font.family, style=font.style, size=30, gap=20)
    pdf.set_text_shaping(False)
    line("has completed the course", size=14)
    line(content.course_title, style="B", size=18, gap=14)
    line(f"on {content.date}", size=14)
    pdf.set_y(height - 42)
    line("Check this certificate at", size=10, gap=6, color=(90, 100, 110))
    line(content.verify_url, family="Courier", size=10, gap=6)
    if name_font_drawn is not None:
        _only_the_used_mappings(name_font_drawn, _reading(font))
    return bytes(pdf.output())


_kept = lru_cache(maxsize=KEPT_PDFS)(draw)
