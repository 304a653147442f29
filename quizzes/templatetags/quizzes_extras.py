"""Presentation helpers for quiz templates: scores as percents, a learner's answer in words."""

from __future__ import annotations

from django import template

from lessons.templatetags.lessons_extras import DECISION_WORDS

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
    right after the question's choices are edited)."""
    response = response or {}
    kind = question.type
    if kind == "single":
        return [response.get("text", "")]
    if kind == "multiple":
        return list(response.get("texts") or []) or ["(nothing chosen)"]
    if kind == "true_false":
        return ["True" if response.get("answer") else "False"]
    if kind == "ordering":
        return [f"{n}. {text}" for n, text in enumerate(response.get("texts") or [], start=1)]
    if kind == "categorize":
        texts = response.get("texts") or {}
        return [f"{texts.get(i, i)} → {c}" for i, c in (response.get("placed") or {}).items()]
    if kind == "policy_decision":
        lines = [DECISION_WORDS.get(response.get("decision"), response.get("decision", ""))]
        if response.get("statement_label"):
            lines.append(f"Decided by: {response['statement_label']}")
        return lines
    return []


@register.filter
def quiz_value(form, name: str):
    """The value a control should show: what was just posted, else what was saved."""
    return form.value(name)


@register.filter
def tag_words(tag: str) -> str:
    """A misconception tag read as words: `thinks-root-is-limited` → `thinks root is limited`."""
    return (tag or "").replace("-", " ").replace("_", " ")
