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


_CONTEXT_ROW = (
    '\n        <div class="context-row">'
    '\n          <label class="visually-hidden" for="ctx-{i}-key">Context key {n}</label>'
    '\n          <input id="ctx-{i}-key" name="{prefix}ctx-{i}-key" type="text" value="{key}"'
    ' class="code" placeholder="aws:SourceIp" spellcheck="false" autocomplete="off">'
    '\n          <label class="visually-hidden" for="ctx-{i}-value">Value of {key_words}</label>'
    '\n          <input id="ctx-{i}-value" name="{prefix}ctx-{i}-value" type="text" value="{value}"'
    ' class="code" spellcheck="false" autocomplete="off">'
    '\n          <button type="submit" name="op" value="remove-context:{i}" class="link-button small"'
    ' hx-post="{url}" hx-target="{target}" hx-swap="outerHTML" aria-label="Remove {key_name}">'
    "Remove</button>"
    "\n        </div>\n        "
)
_NO_CONTEXT = (
    '\n        <p class="meta">No context keys: a condition that needs a key will not match.</p>'
    "\n        "
)


@register.simple_tag
def context_rows(context, prefix, url, target) -> SafeString:
    """The request context's key and value fields (case_editor.html#request), drawn in Python
    as the template drew them (values as text, no number formatting): the starter request
    carries ten keys the browser would send, ~12 template nodes each."""
    prefix, url, target = _text(prefix), _text(url), _text(target)
    rows = []
    for i, (key, value) in enumerate(context or ()):
        rows.append(
            _CONTEXT_ROW.format(
                i=i,
                n=i + 1,
                prefix=prefix,
                url=url,
                target=target,
                key=_text(key),
                value=_text(value),
                key_words=_text(key or "context key"),
                key_name=_text(key or "this key"),
            )
        )
    return mark_safe("".join(rows) or _NO_CONTEXT)  # noqa: S308 - every value above is escaped


def _text(value: Any) -> str:
    """`{{ value }}` inside `{% localize off %}`: the value as text, escaped."""
    return conditional_escape(value if isinstance(value, str) else str(value))
