"""Every class a page sets is drawn by a rule, or is registered below as needing no look of its
own. The teaching editors' checks set `check-ok`, `check-bad` and `check-problems`, which no
stylesheet drew: "Not ready to save", "The reference solution passes…" and the Markdown
preview's "Not previewed" read as the plain text around them. A state a user must notice (a
success, a refusal, a warning, a result) needs a rule; a class that only names a part, for a
script, a test or a link, goes in HOOKS with why it needs none. The look of each state is in the
commented block "States no rule drew" at the end of static/css/site.css; the browser check of
it, in both palettes, is tests/e2e/test_check_states.py."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import django.contrib.admin
import pytest
from django.contrib.messages import constants

from lessons.markdown import _CLASSES
from tests.class_audit import Use, drawn, python_uses, selector_classes, template_uses

ROOT = Path(__file__).resolve().parent.parent

# Why a class needs no rule of its own. A class drawn by its element's other classes says which.
SCRIPT = "read by a script or a test, or a link's target: no look of its own"
PART = "names a part of the page (a section, a list, a heading) that the page's own rules draw"
CARD = "drawn by the element's other class (.card)"
META = "drawn by the element's other class (.meta)"
HINT = "drawn by the element's other class (.hint)"
NOTICE = "drawn by the element's other class (.notice)"
SAID = "the state is in its words (or the sign beside it), which its container draws"
SLOT = "a placeholder lessons/markdown.py replaces before the page is drawn"

HOOKS: dict[str, str] = {
    # The teaching editors' live parts: drawn by their children (.check-ok, .card, tables).
    "lp-check": SCRIPT,
    "pd-editor": SCRIPT,
    "engine-key": CARD,
    "learner-view": CARD,
    "route-samples-editor": CARD,
    "key-decision": "a <strong> (bold) in the key's sentence; tests find the decision by it",
    "key-statements": PART,
    "route-sample-rows": PART,
    # Teaching pages.
    "question-broken": META + "; the badge before it (.badge-wrong) says the state",
    "question-formerly": META,
    "question-slug": META,
    "teach-header": "drawn by the element's other class (.page-header)",
    "tag-cloud": PART,
    "draw-rules": PART,
    # Learner pages.
    "cohort-hint": HINT,
    "joining-notice": NOTICE,
    "sign-in-reason": NOTICE,
    "credit": META,
    "tries-info": META,
    "minutes-left": SCRIPT + " (static/js/countdown.js hides it once the clock runs)",
    "pager-then": META,
    "gradebook-order": META,
    "every-service-note": META,
    "unfit-note": META,
    "findings-note": META,
    "findings-rules": META,
    "module-end": CARD,
    "module-quiz": CARD,
    "knowledge-check": CARD,
    "review-more": CARD,
    "overview-table": "drawn by the element's other class (.summary-table)",
    "live-stale": "drawn by the element's other classes (.decision .decision-error)",
    "access-": SAID + " (Fully, Partly, Not at all)",
    "summary-allowed": SAID + " (the fold's summary: Actions allowed…)",
    "summary-denied": SAID + " (the fold's summary: Not allowed…)",
    "applies": SAID + ": the unmarked statement; .skipped and .decisive mark the others",
    "search-hit-": SAID + " (.search-kind names the kind)",
    "route-summary": SAID + " (in the feedback, whose verdict .feedback-* draws)",
    "findings-summary": SAID,
    "countdown": SCRIPT + " (countdown.js shows it; .countdown-clock inside is drawn)",
    "due-count": SCRIPT + " (swapped out of band)",
    "lesson-found": SCRIPT,
    "netlab-outcome": SCRIPT,
    "findings-result": SCRIPT,
    "result-questions": SCRIPT,
    "explorer": SCRIPT,
    "program": SCRIPT,
    "attempt": SCRIPT,
    "language-json": "the code's language, for a highlighter (none is used)",
    "language-": "the code's language, for a highlighter (none is used)",
    "check-slot": SLOT,
    "diagram-slot": SLOT,
    "diagram-slot-": SLOT,
    "answer": PART,
    "policy": PART,
    "prompt": PART,
    "explanation": PART,
    "predict": PART,
    "predict-title": PART,
    "card-title": PART,
    "glossary-entry": PART,
    "glossary-single": PART,
    "glossary-term-name": PART,
    "module-part": "drawn by its list's rules (.module-parts li)",
    "part": PART,
    "departures": PART,
    "assigned-work": PART,
    "network-view": PART,
    "srm-diagram": PART,
    "note-message": PART,
    "policy-name": PART,
    "pager-prev": "drawn by its container's rules (.pager a)",
    "next-module": PART,
    "route-samples": PART,
    "search-suggestion": PART,
    "typed-back": PART,
}


def _styled() -> set[str]:
    return set().union(
        *(selector_classes(p.read_text()) for p in (ROOT / "static/css").glob("*.css"))
    )


def _admin_styled() -> set[str]:
    """Classes Django's admin stylesheets draw (templates/admin/ extends the admin's pages)."""
    css = Path(django.contrib.admin.__file__).parent / "static" / "admin" / "css"
    return set().union(*(selector_classes(p.read_text()) for p in css.rglob("*.css")))


def _uses() -> list[Use]:
    """Every class the templates set, and the app's Python writes into HTML."""
    skip = {"tests", "frontend", "node_modules", "migrations", "static"}
    code = [
        p
        for p in sorted(ROOT.rglob("*.py"))
        if not skip & set(p.relative_to(ROOT).parts)
        and not any(part.startswith(".") for part in p.relative_to(ROOT).parts)
    ]
    return [*template_uses(ROOT / "templates"), *python_uses(code, ROOT)]


def test_every_class_a_page_sets_is_drawn_or_registered_as_a_hook():
    styled, admin = _styled(), _admin_styled()
    undrawn: dict[str, set[str]] = defaultdict(set)
    for use in _uses():
        if drawn(use, styled | admin if use.where.startswith("admin/") else styled):
            continue
        if use.name in HOOKS:
            continue
        undrawn[use.name + ("…" if use.prefix else "")].add(use.where)
    assert not undrawn, (
        "Classes no stylesheet draws: give a state a rule in static/css/site.css, or register a "
        f"mere name in HOOKS with why it needs none: {dict(undrawn)}"
    )


def test_every_class_lesson_markdown_may_keep_is_drawn_or_registered():
    """The classes the renderer writes and its sanitizer keeps (`_CLASSES`: a box, a table
    column's alignment...), which no template or literal `class="..."` names."""
    styled = _styled()
    hooks = [name for name in HOOKS if name.endswith("-")]
    undrawn = sorted(
        name
        for names in _CLASSES.values()
        for name in names
        if name not in styled and name not in HOOKS and not name.startswith(tuple(hooks))
    )
    assert not undrawn, f"Markdown's classes no stylesheet draws: {undrawn}"


def test_the_register_holds_only_classes_in_use_that_no_rule_draws():
    """A hook that gained a rule, or left the templates, leaves the register: it says what needs
    no look, not what once did not have one."""
    styled = _styled()
    used = {use.name for use in _uses()}
    assert not sorted(set(HOOKS) - used), "registered, but no page sets it"
    assert not sorted(
        name
        for name in HOOKS
        if name in styled or (name.endswith("-") and drawn(Use(name, True, ""), styled))
    ), "registered as a hook, but a rule draws it"


@pytest.mark.parametrize(
    "state", ["check-ok", "check-bad", "check-problems", "feedback-unanswered"]
)
def test_a_check_and_an_unanswered_question_are_drawn(state):
    """The states this register missed before (the teaching checks, a question left
    unanswered): each has its own rule, not a hook's entry."""
    assert state in _styled() and state not in HOOKS


@pytest.mark.parametrize(
    "level",
    [constants.SUCCESS, constants.WARNING, constants.ERROR],
    ids=["success", "warning", "error"],
)
def test_each_kind_of_message_after_a_redirect_is_drawn_as_its_kind(level):
    """base.html sets `message-<tags>`; every kind was drawn as .message's blue, an error as a
    note. Info keeps that blue (`.message`)."""
    assert f"message-{constants.DEFAULT_TAGS[level]}" in _styled()


def test_the_audit_reads_a_class_set_in_each_branch_of_an_if(tmp_path):
    """A tag's own quotes do not end the attribute; each branch of an {% if %} is a class it may
    set; a value known only when drawn is checked by its start."""
    (tmp_path / "t.html").write_text(
        '<p class="verdict verdict-{% if ok == "a b" %}allowed{% else %}none{% endif %} '
        '{% if x %}is-done{% endif %} decision-{{ d|lower }} {{ more }}">'
    )
    assert {(u.name, u.prefix) for u in template_uses(tmp_path)} == {
        ("verdict", False),
        ("verdict-allowed", False),
        ("verdict-none", False),
        ("is-done", False),
        ("decision-", True),
    }
