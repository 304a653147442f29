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

from certificates.models import Certificate

if TYPE_CHECKING:
    from collections.abc import Iterable

    from fontTools.ttLib import TTFont
    from fontTools.ttLib.tables._g_l_y_f import Glyph
    from fontTools.ttLib.tables.DefaultTable import DefaultTable
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
    small: dict[str, DefaultTable | None]  # the other tables a PDF's subset keeps, in order
    sfnt_version: str
    mapped_from: dict[str, tuple[int, ...]]  # each glyph's characters, in any Unicode cmap


# The tables each document's font takes its entries from the shared parse for
# (`_document_ttfont`), and the one it leaves for the writing to fill in (None in `small`).
_SHARED = frozenset({"post", "hmtx", "cmap", "glyf"})
_FILLED_IN = "loca"  # the glyphs' offsets: compiling glyf sets them
# The small tables a document's font may share the parse of (shallow copies): subsetting and
# writing only set their fields. A font with other tables is read per document (`_add_font`).
_COPIED = frozenset({"head", "hhea", "maxp", "OS/2", "name", "fpgm", "prep", "cvt ", "gasp"})


@cache
def _reading(font: NameFont) -> _Reading:
    """fpdf2's reading of a font (most of a PDF's cost when done per document), with the tables
    the subset written into each PDF reads (glyph order, post, hmtx, cmap, glyf: the rest of
    it, when parsed per document) and the other tables the subset keeps, parsed, once per
    process. Documents only read it: `_add_font` and `_document_ttfont` give each its own
    copies of what fpdf2 and fontTools change."""
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
        small = {str(tag): None if tag == _FILLED_IN else whole[tag] for tag in kept}
        sfnt_version = whole.sfntVersion
    mapped_from: dict[str, list[int]] = {}
    for subtable in tables["cmap"].tables:
        if subtable.isUnicode() and subtable.format != 14:
            for code, glyph in subtable.cmap.items():
                mapped_from.setdefault(glyph, []).append(code)
    return _Reading(
        parsed,
        tables,
        small,
        sfnt_version,
        {glyph: tuple(dict.fromkeys(codes)) for glyph, codes in mapped_from.items()},
    )


# The flags of a composite glyph's component (OpenType spec, glyf table) that say how long it is.
_WORDS, _SCALE, _MORE, _XY_SCALE, _TWO_BY_TWO = 0x0001, 0x0008, 0x0020, 0x0040, 0x0080


def _renumbered(glyph: Glyph, new_ids: dict[int, int]) -> Glyph:
    """A copy of a glyph as read (its bytes), its components' glyph ids renumbered: a composite
    glyph (an accented letter, say) names its parts by their place in the font."""
    glyph = copy.copy(glyph)
    data = getattr(glyph, "data", b"")  # an unpacked glyph names its parts instead
    if len(data) < 2 or int.from_bytes(data[:2], "big", signed=True) >= 0:
        return glyph  # not composite
    data = bytearray(data)
    at, more = 10, True
    while more:
        flags = int.from_bytes(data[at : at + 2], "big")
        part = int.from_bytes(data[at + 2 : at + 4], "big")
        data[at + 2 : at + 4] = new_ids[part].to_bytes(2, "big")
        at += 4 + (4 if flags & _WORDS else 2)
        at += 2 if flags & _SCALE else 4 if flags & _XY_SCALE else 8 if flags & _TWO_BY_TWO else 0
        more = bool(flags & _MORE)
    glyph.data = bytes(data)
    return glyph


def _document_ttfont(reading: _Reading, used: Iterable[str]) -> TTFont:
    """The fontTools font fpdf2 subsets and writes into one PDF, built for it just before: only
    the glyphs the PDF embeds (those drawn, the first four, which fpdf2 asks fontTools to keep,
    and the parts of composite ones), in the font's order, with their metrics and characters
    (the glyphs keep their ids in the subset: it keeps the same glyphs in the same order).
    Subsetting then walks a dozen glyphs, not the font's 3,500-6,000 glyph names, metrics and
    maps (10-20% of a PDF), and finds nothing more to drop. Built in memory, not opened on a
    file, its tables keyed by plain strings (fontTools compares table tags many times over a
    subset, in Python for a file's tags). The small tables are copies of those parsed once
    (subsetting and writing set their fields on the copy: character ranges, glyph counts, the
    names kept as a new list of copied records); loca is left for writing the glyphs to fill in (as fontTools'
    own font builder does); the others are copies holding the shared parse's entries for
    those glyphs; the glyphs, which writing rewrites in place, are copies.
    tests/certificates/test_pdf.py checks the PDF is the one fpdf2 writes from the whole font
    file and the shared parse stays as read."""
    from fontTools.ttLib import TTFont, newTable

    shared = reading.tables
    order, position, glyphs = shared.getGlyphOrder(), shared.getReverseGlyphMap(), shared["glyf"]
    used = set(used)
    kept = used | set(order[:4])
    todo = list(kept)
    while todo:
        for part in glyphs.glyphs[todo.pop()].getComponentNames(glyphs):
            if part not in kept:
                kept.add(part)
                todo.append(part)
    glyph_order = sorted(kept, key=position.__getitem__)
    new_ids = {position[name]: new for new, name in enumerate(glyph_order)}

    # Bounds are not recalculated (fontTools' own subsetter's default, `recalc_bounds=False`):
    # the subset keeps the whole font's bounding box and maxima, which still bound its glyphs,
    # and each glyph is written as read rather than unpacked and packed again (~14% of a PDF
    # when the whole font was subset).
    mine = TTFont(sfntVersion=reading.sfnt_version, recalcBBoxes=False, recalcTimestamp=False)
    mine.setGlyphOrder(glyph_order)
    for tag, table in reading.small.items():
        mine.tables[tag] = newTable(tag) if table is None else copy.copy(table)
    if "name" in mine.tables:  # compiling a name record sets its offset and length on it
        mine["name"].names = [copy.copy(record) for record in mine["name"].names]
    glyf = copy.copy(glyphs)
    glyf.glyphs = {name: _renumbered(glyphs.glyphs[name], new_ids) for name in glyph_order}
    glyf.setGlyphOrder(glyph_order)
    hmtx = copy.copy(shared["hmtx"])
    hmtx.metrics = {name: hmtx.metrics[name] for name in glyph_order}
    codes = [code for glyph in used for code in reading.mapped_from.get(glyph, ())]
    cmap = copy.copy(shared["cmap"])
    cmap.tables = [copy.copy(subtable) for subtable in cmap.tables]
    for subtable in cmap.tables:
        whole = subtable.cmap
        if subtable.format == 14:
            continue  # by variation sequence: dropped by the subset (fpdf2 asks for no characters)
        if subtable.isUnicode():  # looked up by glyph: the subset keeps only the drawn glyphs'
            subtable.cmap = {code: glyph for code in codes if (glyph := whole.get(code)) in used}
        else:
            subtable.cmap = {code: glyph for code, glyph in whole.items() if glyph in used}
    mine.tables.update(
        {"post": copy.copy(shared["post"]), "hmtx": hmtx, "cmap": cmap, "glyf": glyf}
    )
    return mine


def _add_font(pdf: FPDF, font: NameFont) -> TTFFont | None:
    """`pdf.add_font(...)` with the font read once per process. What fpdf2 changes while it
    draws and writes one document is that document's own: its place among the document's
    fonts, the characters used (the subset), the glyphs it lacked, the widths it looked up, the
    descriptor it numbers and names. The character map, glyph ids and fontTools font (the
    glyphs' names and widths, read as names are shaped) are only read, until `draw` gives the
    document the fontTools font it subsets and writes (`_document_ttfont`). A color or CFF font,
    or one with tables beyond `_COPIED` (not DejaVu), is read the ordinary way, per document
    (and None is returned)."""
    from fpdf.fonts import SubsetMap

    reading = _reading(font)
    parsed = reading.parsed
    unknown = reading.small.keys() - _COPIED - {_FILLED_IN}
    if parsed.color_font is not None or parsed.is_cff or unknown:  # pragma: no cover - not DejaVu
        pdf.add_font(font.family, font.style, font.path)
        return None
    mine = copy.copy(parsed)
    mine.i = len(pdf.fonts) + 1
    mine._hbfont = None
    mine.cw = copy.copy(parsed.cw)
    mine.desc = copy.copy(parsed.desc)
    mine.missing_glyphs = []
    mine.biggest_size_pt = 0
    mine.subset = SubsetMap(mine)
    pdf.fonts[mine.fontkey] = mine
    return mine


class Printed(NamedTuple):
    """Everything a certificate's PDF shows: the same Printed always gives the same bytes."""

    name: str
    course_title: str
    issued_at: datetime  # the PDF's creation date, in UTC
    date: str  # the date as printed (`Certificate.issued_on`, the site's time zone)
    verify_url: str


def printed(certificate: Certificate, *, verify_url: str) -> Printed:
    issued = certificate.issued_on  # the date the pages show, whoever reads them
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
    if name_font_drawn is not None:  # what fpdf2 subsets: the glyphs drawn
        used = name_font_drawn.subset.get_all_glyph_names()
        name_font_drawn.ttfont = _document_ttfont(_reading(font), used)
    return bytes(pdf.output())


_kept = lru_cache(maxsize=KEPT_PDFS)(draw)
