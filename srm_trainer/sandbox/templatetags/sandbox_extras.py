"""Words and small helpers for the sandbox page."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from lessons.diagrams import deciding_step, policy_flow
from lessons.templatetags.lessons_extras import DECISION_WORDS

register = template.Library()

SEVERITY_WORDS = {
    "error": "Error",
    "warning": "Warning",
    "suggestion": "Suggestion",
    "decisive": "Decided here",
}
RESULT_WORDS = {
    "deny": "a Deny statement applied",
    "allow": "an Allow statement applied",
    "no_match": "no statement applied",
    "not_applicable": "does not apply to this caller",
}
EXPLAINERS = {
    "Allow": "An Allow applied where one was needed, and nothing denied the request.",
    "ExplicitDeny": "A Deny statement (or one of AWS's own rules) refused the request. An explicit deny beats every Allow.",
    "ImplicitDeny": "Nothing denied the request, but an Allow that AWS needs is missing, so it is denied by default.",
}


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def severity_words(severity: str) -> str:
    return SEVERITY_WORDS.get(severity, severity.title())


@register.filter
def decision_words(decision: str) -> str:
    return DECISION_WORDS.get(decision, decision or "")


@register.filter
def decision_explainer(decision: str) -> str:
    return EXPLAINERS.get(decision, "")


@register.filter
def result_words(result: str) -> str:
    return RESULT_WORDS.get(result, result)


@register.filter
def rows(text: str) -> str:
    """Editors grow with their content, within reason. Text, not an int: a template renders an
    int through number localisation, which costs more than the count."""
    return str(max(4, min(24, (text or "").count("\n") + 2)))


@register.simple_tag
def evaluation_flow(steps) -> SafeString:
    """The evaluation-flow diagram with the step that decided these `steps` highlighted (as
    lessons' policy_flow_diagram draws it), drawn once per deciding step and outcome."""
    found = deciding_step(steps or [])
    return _flow(*found) if found else _flow(None, None)


@lru_cache(maxsize=32)
def _flow(decided: str | None, outcome: str | None) -> SafeString:
    """The figure depends on nothing but its two arguments (its step titles are constants), and
    drawing it cost ~1 ms, a sixth of a live update. The engine's 8 steps × 3 deciding outcomes,
    plus none, are 25 keys: the bound is never reached by what the sandbox asks."""
    return policy_flow(decided, outcome).html()


@register.simple_tag
def editor_notes(analysis, editor, oob) -> SafeString:
    """The notes beside one editor (case_editor.html#notes), drawn in Python: a live update
    swaps in the notes of every editor, and the template language spent ~15 µs a note and
    ~10 µs an empty box on them. Each value is escaped as `{{ value }}` escapes it; the markup,
    whitespace included, is the template's."""
    notes: Any = getattr(analysis, "notes", None)
    items = notes.get(editor) if hasattr(notes, "get") else None
    swap = ' hx-swap-oob="true"' if oob else ""
    out = [f'<div id="notes-{conditional_escape(editor)}" class="notes"{swap}>\n  ']
    if items:
        out.append("\n  <ul>\n    ")
        for note in items:
            severity = conditional_escape(note.severity)
            where = lines = ""
            if note.line:
                column = f", column {_number(note.column)}" if note.column else ""
                lines = (
                    f' data-line="{_number(note.line)}" data-column="{_number(note.column or 1)}"'
                    f' data-severity="{severity}"'
                )
                where = f'<span class="note-where">Line {_number(note.line)}{column}:</span>'
            lesson = (
                f'<a href="{conditional_escape(note.lesson)}">Learn why</a>' if note.lesson else ""
            )
            out.append(
                f'\n    <li class="note note-{severity}"{lines}>'
                f'\n      <span class="note-tag">{conditional_escape(severity_words(note.severity))}</span>'
                f"\n      {where}"
                f'\n      <span class="note-message">{conditional_escape(note.message)}</span>'
                f"\n      {lesson}"
                "\n    </li>\n    "
            )
        out.append("\n  </ul>\n  ")
    out.append("\n</div>")
    return mark_safe("".join(out))  # noqa: S308 - every value above is escaped


def _number(value) -> str:
    """A number as `{{ value }}` draws it (no thousands separator in these settings)."""
    return conditional_escape(localize(value))
