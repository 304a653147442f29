"""The certificate PDF prints names in many scripts with its bundled fonts, read back as a PDF
reader reads them; a name the fonts cannot draw gets the page that says so, never a 500."""

from __future__ import annotations

import copy
import io
import pickle

import pytest

from certificates import issuing
from certificates import pdf as pdf_module
from certificates.pdf import CannotDraw, certificate_pdf, draw, missing_letters, printed
from tests.certificates.conftest import build_course, complete, pdf_text

pytestmark = pytest.mark.django_db

PDF = "/progress/certificate/pdf/"


def _fonts(data: bytes) -> dict[str, dict]:
    """The PDF's fonts by base name (a subset's name is prefixed, e.g. ABCDEF+DejaVuSans)."""
    # Imported on first use, as certificates/pdf.py and this directory's conftest do: at the
    # top, pypdf cost every test process ~65 ms at collection, for this module's few tests.
    from pypdf import PdfReader

    resources = PdfReader(io.BytesIO(data)).pages[0]["/Resources"]["/Font"]
    fonts = {}
    for ref in resources.values():
        font = ref.get_object()
        fonts[str(font["/BaseFont"]).split("+")[-1]] = font
    return fonts


def _embedded_glyphs(font) -> set[str]:
    """Glyph names in the embedded (subset) TrueType font of a Type0 font."""
    from fontTools.ttLib import TTFont  # imported on first use (above)

    descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
    data = descriptor["/FontFile2"].get_object().get_data()
    return set(TTFont(io.BytesIO(data)).getGlyphOrder())


@pytest.fixture(scope="module")
def _completed(django_db_setup, django_db_blocker):
    """ada (as tests/conftest.py's `learner`) has read and passed the whole small course
    (tests/certificates/conftest.py), built once for this module's ~15 certificates in a
    transaction rolled back when the module ends; each test runs in a savepoint inside it
    (pytest-django's `db`), so each issues its own certificate. Returns ada's primary key."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        ada = get_user_model().objects.create_user("ada", password="a-long-passphrase-1")
        complete(ada, build_course())
        yield ada.pk
        transaction.set_rollback(True)


@pytest.fixture
def learner(_completed, db):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(pk=_completed)


@pytest.fixture
def issued(learner):
    def issue(name):
        return issuing.issue(user=learner, name=name)

    return issue


@pytest.mark.parametrize(
    ("name", "font"),
    [
        ("Zoë Ångström", "DejaVuSerifBoldItalic"),
        ("Łukasz Wróbel", "DejaVuSerifBoldItalic"),
        ("Nguyễn Thị Ánh", "DejaVuSerifBoldItalic"),
        ("Ελένη Παπαδοπούλου", "DejaVuSerifBoldItalic"),
        ("Дмитрий Шостакович", "DejaVuSerifBoldItalic"),
        ("Ἀλέξανδρος", "DejaVuSerifBoldItalic"),  # polytonic Greek
        ("محمد علي", "DejaVuSansBook"),
        ("דוד לוי", "DejaVuSansBook"),
    ],
)
def test_the_pdf_prints_the_name_in_its_script(client, learner, issued, name, font):
    issued(name)
    client.force_login(learner)
    response = client.get(PDF)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    # read back in logical order through the font's ToUnicode map, as copy and search see it
    assert name in pdf_text(response.content).splitlines()
    fonts = _fonts(response.content)
    assert font in fonts and "/ToUnicode" in fonts[font]


def test_arabic_letters_are_joined_not_drawn_apart(issued):
    """Shaped: the embedded glyphs are the letters' joining forms (meem at the start of a word,
    U+FEE3), not the isolated forms a plain code-point-to-glyph mapping would draw."""
    data = certificate_pdf(issued("محمد"), verify_url="https://example.org/c/x/")
    glyphs = _embedded_glyphs(_fonts(data)["DejaVuSansBook"])
    assert "uniFEE3" in glyphs  # meem, initial form
    assert not {"uni0645", "uniFEE1"} & glyphs  # meem, as a code point or isolated


def _drawn(certificate, verify_url="https://example.org/c/x/") -> bytes:
    """Drawn afresh, past the PDFs this process keeps."""
    return draw(printed(certificate, verify_url=verify_url))


def _unsaved(*names: str) -> list:
    from datetime import UTC, datetime

    from certificates.models import Certificate

    return [
        Certificate(name=n, course_title="C", code="x", issued_at=datetime(2026, 5, 1, tzinfo=UTC))
        for n in names
    ]


def test_the_same_certificate_gives_the_same_bytes(issued):
    certificate = issued("Дмитрий")
    first = _drawn(certificate)
    assert _drawn(certificate) == first
    assert certificate_pdf(certificate, verify_url="https://example.org/c/x/") == first
    assert len(first) < 20_000  # only the glyphs used are embedded


def test_the_font_read_once_draws_what_fpdf_reading_it_per_pdf_draws(monkeypatch):
    """The name fonts are read once per process and copied per PDF (pdf._add_font), and each
    PDF's font is subset from one holding only the glyphs it embeds (pdf._document_ttfont: its
    glyphs, their parts renumbered, metrics and used character mappings): the bytes equal those
    of fpdf's own add_font, subsetting the whole font file, in any order of names and fonts, so
    nothing one PDF drew or subset (its subset, widths looked up, descriptor, glyph order,
    metrics, character maps, glyphs: plain, accented as composite glyphs, joined Arabic forms)
    leaks into the next, and nothing the whole font would give is missing."""
    certificates = _unsaved(
        "Zoë Ångström", "محمد علي", "Дмитрий Шостакович", "דוד לוי", "Ada", "Nguyễn Thị Ánh",
        "Ἀλέξανδρος", "Łukasz Wróbel",
    )  # fmt: skip
    shared = [_drawn(c) for c in certificates]
    again = [_drawn(c) for c in certificates[::-1]]

    def fpdfs_own(pdf, font):
        """fpdf2's add_font, its font written without recalculating bounds as ours is, and
        subset from the whole font (ours, from the glyphs drawn)."""
        pdf.add_font(font.family, font.style, font.path)
        pdf.fonts[f"{font.family.lower()}{font.style}"].ttfont.recalcBBoxes = False

    monkeypatch.setattr(pdf_module, "_add_font", fpdfs_own)
    own = [_drawn(c) for c in certificates]
    assert shared == own and again[::-1] == own
    assert len(set(own)) == len(certificates)


def test_the_bundled_fonts_are_drawn_from_the_reading_kept_per_process():
    """Each name font has only the tables a PDF's font may share the parse of: it is drawn
    from the reading kept per process (pdf._add_font), not parsed again for each PDF as fpdf2
    does (the fallback for other fonts, ~40 ms a font)."""
    from fpdf import FPDF

    for font in pdf_module.NAME_FONTS:
        drawn = pdf_module._add_font(FPDF(), font)
        assert drawn is not None and drawn.ttfont is pdf_module._reading(font).tables, font


def test_drawing_leaves_the_font_read_once_as_it_was():
    """What the PDFs share (pdf._reading: fpdf2's reading and its fontTools tables) is only
    read (shaping a name reads its glyphs' names and widths): subsetting rewrites glyphs
    (component ids, padding), metrics, character maps and the small tables' fields (character
    ranges, glyph counts, names kept) in place, and does so on each document's copies, so the
    shared parse stays as read."""

    def state(font):
        reading = pdf_module._reading(font)
        tables = reading.tables
        return (
            list(tables.getGlyphOrder()),
            dict(tables.getReverseGlyphMap()),
            {n: copy.copy(g.__dict__) for n, g in tables["glyf"].glyphs.items()},
            dict(tables["hmtx"].metrics),
            [(t.format, dict(t.cmap)) for t in tables["cmap"].tables],
            list(tables["post"].extraNames),
            dict(reading.parsed.cw) if isinstance(reading.parsed.cw, dict) else None,
            # the small tables (head, OS/2, name...), whose fields subsetting and writing set
            {tag: pickle.dumps(table) for tag, table in reading.small.items()},
        )

    before = {font: state(font) for font in pdf_module.NAME_FONTS}
    for certificate in _unsaved("Zoë Ångström Ëa", "محمد علي", "Nguyễn Thị Ánh", "דוד לוי"):
        _drawn(certificate)
    assert {font: state(font) for font in pdf_module.NAME_FONTS} == before


def test_each_pdf_embeds_its_own_names_glyphs_only():
    """Two learners in a row, in two scripts of the same font: each PDF's embedded subset
    has its name's glyphs, none of the other's (the font read once keeps no subset)."""
    greek, russian = _unsaved("Ελένη", "Дмитрий")
    first = _embedded_glyphs(_fonts(_drawn(greek))["DejaVuSerifBoldItalic"])
    second = _embedded_glyphs(_fonts(_drawn(russian))["DejaVuSerifBoldItalic"])
    assert {"Epsilon", "lambda"} <= first and not {"uni0414", "uni043C"} & first  # Ε λ; Д м
    assert {"uni0414", "uni043C"} <= second and not {"Epsilon", "lambda"} & second


def _fits(name: str, size: int) -> bool:
    """Whether the name, shaped as drawn, fits between the certificate's borders at `size`."""
    from fpdf import FPDF

    font = pdf_module.name_font(name)
    probe = FPDF(orientation="landscape", format="A4")
    pdf_module._add_font(probe, font)
    probe.set_text_shaping(True)
    probe.set_font(font.family, font.style, size)
    return probe.get_string_width(name) <= probe.w - 40


def test_a_long_name_is_drawn_at_the_largest_size_that_fits_inside_the_border():
    """A name too wide at 30 pt is drawn at the largest whole size at which it fits between the
    borders, down to 10 pt (a name too wide even then is drawn at 10): the size pdf.draw
    estimates from the name's width at 30 pt is the one trying each size in turn finds, in
    each name font, shaped (Arabic) or not."""
    from tests.certificates.conftest import pdf_runs

    names = [
        ("Maximiliana Wolfeschlegelsteinhausenbergerdorff " * 2)[:40].strip(),
        ("محمد علي " * 9)[:70].strip(),
        ("Дмитрий Шостакович " * 5)[:61].strip(),
        "W" * 100,
    ]
    sizes = []
    for certificate in _unsaved(*names):
        name = certificate.name
        [size] = {round(s, 2) for text, s in pdf_runs(_drawn(certificate)) if text == name}
        assert size == int(size) and 10 <= size < 30, name
        assert not _fits(name, int(size) + 1) and (_fits(name, int(size)) or size == 10), name
        sizes.append(int(size))
    # the edges are reached: just under 30 pt, and a name too wide even at 10 pt
    assert sizes[0] == 29 and sizes[-1] == 10 and not _fits(names[-1], 10)


def test_a_pdf_asked_for_again_is_the_kept_one_and_the_kept_are_few():
    """The last PDFs are kept by everything they show: asking again gives the same bytes
    without drawing; the number kept is bounded (memory per process)."""
    [certificate] = _unsaved("Zoë Ångström")
    url = "https://example.org/c/asked-again/"
    first = certificate_pdf(certificate, verify_url=url)
    drawn = pdf_module._kept.cache_info().misses
    assert certificate_pdf(certificate, verify_url=url) == first
    assert pdf_module._kept.cache_info().misses == drawn  # not drawn again
    assert first == _drawn(certificate, url)
    assert pdf_module._kept.cache_parameters()["maxsize"] == pdf_module.KEPT_PDFS <= 32


@pytest.mark.parametrize(
    "change",
    [
        {"name": "Zoe Angstrom"},
        {"course_title": "Another course"},
        {"code": "another-code"},
        {"issued_at": "2026-06-02T10:00:00+00:00"},
    ],
)
def test_a_changed_certificate_gets_a_new_pdf_never_a_kept_stale_one(
    client, learner, issued, change
):
    """Whatever the PDF shows is what it is kept by: after a change (a name corrected in the
    database, say), the PDF shows the certificate as it is now."""
    from django.utils.dateparse import parse_datetime

    certificate = issued("Zoë Ångström")
    client.force_login(learner)
    before = client.get(PDF).content
    assert before == client.get(PDF).content  # kept
    values = {k: parse_datetime(v) if k == "issued_at" else v for k, v in change.items()}
    type(certificate).objects.filter(pk=certificate.pk).update(**values)
    certificate.refresh_from_db()
    after = client.get(PDF).content
    assert after != before
    # the certificate as it is now, drawn afresh
    assert after == _drawn(
        certificate, verify_url=f"http://testserver/certificates/{certificate.code}/"
    )


@pytest.mark.parametrize(
    ("name", "missing"),
    [("王芳", "王 芳"), ("Ada 王", "王"), ("김민준", "김 민 준"), ("अनीता", "अ न ी त ा")],
)
def test_a_name_the_fonts_cannot_draw_gets_the_page_that_says_so(
    client, learner, issued, name, missing
):
    issued(name)
    client.force_login(learner)
    page = client.get("/progress/certificate/").content.decode()
    assert name in page  # the web certificate always shows it
    assert f"have no <bdi>{missing}</bdi>" in page and 'role="status"' in page
    assert PDF not in page  # no link to a PDF that cannot be made
    response = client.get(PDF)  # typed by hand: the same page, not a 500 or a broken PDF
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "Save as PDF" in response.content.decode()
    with pytest.raises(CannotDraw) as refused:
        certificate_pdf(learner.certificates.get(), verify_url="x")
    assert refused.value.letters == missing


def test_missing_letters_names_only_what_the_widest_font_lacks():
    assert missing_letters("Zoë") == ""
    assert missing_letters("محمد 王") == "王"  # Arabic is drawn by DejaVu Sans
    assert missing_letters("Zoë\u200dx") == ""  # a joiner has no glyph of its own


def test_a_right_to_left_name_keeps_its_direction_on_the_web_certificate(client, issued):
    certificate = issued("محمد علي")
    body = client.get(certificate.get_absolute_url()).content.decode()
    assert '<p class="certificate-name" dir="auto">محمد علي</p>' in body
