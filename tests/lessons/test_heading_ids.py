"""A lesson heading's id never takes an id the lesson page gives a part of its own: a heading
"Progress" had the progress box's id, so "Mark lesson complete" (htmx, `hx-target="#progress"`)
swapped the heading instead of the box, "Main" took the skip link's target, and "Check: root
MFA" a check's card. Every other heading keeps the id it always had (shipped lessons' anchors,
and the links learners keep to them)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from lessons.diagrams import render as draw_diagram
from lessons.markdown import (
    DIAGRAM_NAMES,
    HEADING_ID_PREFIX,
    PAGE_ID_STARTS,
    PAGE_IDS,
    render_markdown,
    render_markdown_uncached,
)
from srm_trainer.live_status import STATUS_ID
from tests.conftest import make_lesson, make_module, make_scenario
from tests.quizzes.builders import make_question
from tests.shipped import shipped_curriculum

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
_ID = re.compile(r"""\bid=(["'])(.*?)\1""", re.S)
_INCLUDED = re.compile(r"""\{%\s*(?:include|extends)\s+["']([^"'#]+)""")


def _ids(text: str) -> list[str]:
    return re.findall(r'\bid="([^"]*)"', text)


def test_a_heading_whose_words_name_a_part_of_the_page_gets_an_id_of_its_own():
    text = (
        "## Progress\n\n## Main\n\n### Check: root MFA\n\n## Lesson done\n\n## Section progress\n\n"
        "## Progress\n\n## K\n\n## Why it matters\n\n## Checklist\n"
    )
    ids = _ids(render_markdown_uncached(text).html)
    assert ids == [
        "section-progress",
        "section-main",
        "section-check-root-mfa",
        "section-lesson-done",
        "section-progress-1",  # "Section progress": the id above is taken
        "section-progress-2",
        "section-k",  # numbered, "k-1" would be an answer control's
        "why-it-matters",  # as always
        "checklist",  # only "check-..." is a check's
    ]


@pytest.mark.django_db
def test_a_lesson_page_holds_each_id_once_and_marking_it_done_swaps_the_progress_box(client):
    lesson = make_lesson(
        make_module(slug="iam"),
        slug="root",
        body=(
            "## Main\n\nWords.\n\n## Check: root MFA\n\n::: check root-mfa\n:::\n\n"
            "## Scenario: root keys\n\n## Progress\n\nMore words.\n"
        ),
    )
    make_question(slug="root-mfa", lesson=lesson, prompt="Who should hold the root user's MFA?")
    make_scenario(lesson, slug="root-keys")
    page = client.get(lesson.get_absolute_url()).content.decode()
    assert 'id="check-root-mfa"' in page and 'id="scenario-root-keys"' in page
    twice = [name for name, count in Counter(_ids(page)).items() if count > 1]
    assert not twice, f"ids the page holds more than once: {twice}"
    # What "Mark lesson complete" swaps, and the skip link's target, are the page's own.
    assert 'hx-target="#progress"' in page and '<section id="progress"' in page
    assert '<main id="main"' in page
    # The contents list leads to the headings' own ids.
    assert 'href="#section-progress"' in page and 'href="#section-main"' in page


def _lesson_page_templates() -> set[Path]:
    """lessons/lesson.html and every template it extends or includes, the question kinds'
    templates (included by name from the question) among them."""
    found: set[Path] = set(TEMPLATES.glob("quizzes/kinds/*.html"))
    todo = [TEMPLATES / "lessons/lesson.html", *found]
    while todo:
        path = todo.pop()
        found.add(path)
        for name in _INCLUDED.findall(path.read_text(encoding="utf-8")):
            if (TEMPLATES / name) not in found:
                todo.append(TEMPLATES / name)
    return found


@pytest.mark.django_db  # the diagrams' figures are kept in the cache
def test_every_id_the_lesson_page_sets_is_one_a_heading_never_takes():
    """A new id in the lesson page's templates is added to `PAGE_IDS` (or its start, made per
    check or control, to `PAGE_ID_STARTS`), or a heading could take it again."""
    templates = _lesson_page_templates()
    assert (
        TEMPLATES / "base.html" in templates and TEMPLATES / "lessons/_scenario.html" in templates
    )
    lesson_page = (TEMPLATES / "lessons/lesson.html").read_text(encoding="utf-8")
    # Answer controls' ids start with the `prefix` lesson.html gives them: "k-<slug>-"...
    prefixes = re.findall(r'prefix="([^"]*)"\|add:', lesson_page)
    assert prefixes and all(p.startswith(PAGE_ID_STARTS) for p in prefixes), prefixes
    unreserved = []
    for path in sorted(templates):
        for _, value in _ID.findall(path.read_text(encoding="utf-8")):
            known = re.split(r"\{[{%]", value, maxsplit=1)[0]
            if known == value:  # a whole id
                ok = value in PAGE_IDS
            elif known:  # its start: "check-{{ check.ref }}"
                ok = known.startswith(PAGE_ID_STARTS)
            else:  # the answer controls' "{{ prefix }}..." (above)
                ok = value.startswith("{{ prefix }}")
            if not ok:
                unreserved.append(f"{path.relative_to(TEMPLATES)}: {value}")
    assert not unreserved, f"ids a heading could take: {unreserved}"
    # Set by Python, not a template: the status region, and each diagram's figure.
    assert STATUS_ID in PAGE_IDS
    for name in DIAGRAM_NAMES:
        assert all(i.startswith(PAGE_ID_STARTS) for i in _ids(str(draw_diagram(name)))), name


def test_the_ids_a_heading_takes_instead_are_none_of_the_pages():
    assert not HEADING_ID_PREFIX.startswith(PAGE_ID_STARTS)
    assert not any(i.startswith(HEADING_ID_PREFIX) for i in (*PAGE_IDS, *PAGE_ID_STARTS))


def test_shipped_lessons_keep_the_ids_their_headings_always_had():
    """Links and bookmarks to a shipped lesson's sections keep working: none of their headings
    is one the page's ids move."""
    moved = [
        (lesson.path, anchor)
        for lesson in shipped_curriculum().lessons
        for anchor in _ids(render_markdown(lesson.body).html)
        if anchor.startswith(HEADING_ID_PREFIX)
    ]
    assert not moved
