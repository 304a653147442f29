"""Presentation helpers for quiz templates: scores as percents, a learner's answer in words."""

from __future__ import annotations

import json

from django import template

from quizzes import misconception_words
from quizzes.grading import CERTAINTY_LEVELS, MAX_CERTAINTY_MARK
from quizzes.least_privilege import probe_scope
from quizzes.models import whole_percent
from srm_trainer.code_spans import inline_code

register = template.Library()

register.filter("inline_code", inline_code)


@register.filter
def percent(score) -> str:
    return "" if score is None else f"{whole_percent(float(score))}%"


@register.filter
def probed(challenge: dict) -> list[str]:
    """The resources a least-privilege challenge probes for over-grants (its scope, else its
    requests' resources), which the learner is told nothing else may be allowed on."""
    return probe_scope(challenge)


@register.filter
def lookup(mapping, key):
    return (mapping or {}).get(key) if hasattr(mapping, "get") else None


@register.filter
def answer_lines(response: dict, question) -> list[str]:
    """The learner's answer as lines of text, from the text stored with it (so it still reads
    right after the question's choices are edited). Each kind says how."""
    kind = question.kind
    return kind.answer_lines(response or {}) if kind else []


@register.filter
def quiz_value(form, name: str):
    """The value a control should show: what was just posted, else what was saved."""
    return form.value(name)


@register.filter
def tag_words(tag: str) -> str:
    """A misconception tag read as words (quizzes/misconception_words.py):
    `thinks-deny-always-wins-in-nacls` → `thinking deny always wins in NACLs`."""
    return misconception_words.words(tag)


@register.filter
def signed(number) -> str:
    """A mark with its sign: +3, 0, −6 (a real minus sign, read as "minus")."""
    if number is None:
        return ""
    value = float(number)
    text = f"{abs(value):g}"
    return f"+{text}" if value > 0 else f"−{text}" if value < 0 else "0"


@register.filter
def certainty_label(value) -> str:
    return next((c.label.lower() for c in CERTAINTY_LEVELS if c.value == value), "")


@register.filter
def certainty_points(credit) -> str:
    """A certainty credit (-2..1) back as the mark it came from (-6..+3)."""
    return signed(round(float(credit or 0) * MAX_CERTAINTY_MARK, 2))


class _Changed(ValueError):
    """Printing the text again would not show what was typed."""


def _keys_once(pairs: list) -> dict:
    if len({key for key, _ in pairs}) != len(pairs):
        raise _Changed("a key twice")  # a dict keeps one: the other would vanish
    return dict(pairs)


def _float_as_typed(text: str) -> float:
    if repr(float(text)) != text:
        raise _Changed(text)  # 1e3 would read 1000.0
    return float(text)


def _no_constant(name: str):
    raise _Changed(name)  # NaN and Infinity are not JSON


@register.filter
def typed_json(text):
    """A learner's JSON answer (a policy, network rules) for the results: pretty-printed
    (indent 2) when it parses, since one pasted on one line is thousands of pixels wide; as
    typed when it does not parse, or when printing it again would change a value (a key given
    twice, 1e3), so what they see is still what was graded."""
    if not isinstance(text, str):
        return text
    try:
        value = json.loads(
            text,
            object_pairs_hook=_keys_once,
            parse_float=_float_as_typed,
            parse_constant=_no_constant,
        )
    except (ValueError, RecursionError):
        return text
    if not isinstance(value, dict | list):
        return text
    return json.dumps(value, indent=2, ensure_ascii=False)
