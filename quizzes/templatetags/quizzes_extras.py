"""Presentation helpers for quiz templates: scores as percents, a learner's answer in words."""

from __future__ import annotations

from django import template

from quizzes.grading import CERTAINTY_LEVELS, MAX_CERTAINTY_MARK

register = template.Library()


@register.filter
def percent(score) -> str:
    return "" if score is None else f"{round(float(score) * 100)}%"


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
    """A misconception tag read as words: `thinks-root-is-limited` → `thinks root is limited`."""
    return (tag or "").replace("-", " ").replace("_", " ")


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
