"""Words and small helpers for the sandbox page."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString

from lessons.diagrams import deciding_index, deciding_step, policy_flow_html
from lessons.templatetags.lessons_extras import DECISION_WORDS
from srm_trainer.iam.words import DECISION_NAMES
from srm_trainer.sandbox import panel

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
def decision_name(decision: str) -> str:
    """The outcome's name alone ("Explicit deny"), for a caption or a count where its gloss
    would be too long; `decision_words` gives the name and the gloss."""
    return DECISION_NAMES.get(decision, decision or "")


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


# How many context keys a folded request names in its summary; the rest are counted.
SUMMARY_KEYS = 3


@register.filter
def context_words(context) -> str:
    """The summary of the folded request context: how many keys and the first few names
    ("Context keys (9): aws:username, aws:PrincipalType, aws:PrincipalArn and 6 more"), so
    a reader knows what is inside without opening it."""
    rows = list(context)
    if not rows:
        return "No context keys"
    # A key past the sandbox's 256 characters (a refused form drawn back as typed) is named
    # by its start: it is whole in its own field.
    named = [key if len(key) <= 64 else f"{key[:64]}…" for key, _ in rows if key][:SUMMARY_KEYS]
    words = f"Context keys ({len(rows)})"
    if named:
        words += ": " + ", ".join(named)
    more = len(rows) - len(named)
    if more and named:
        words += f" and {more} more"
    return words


@register.filter
def drawn_notes(analysis, ids) -> list[str]:
    """Every editor's notes for a live update, kept by what they say (`panel.drawn_notes`)."""
    return panel.drawn_notes(analysis, ids)


@register.filter
def drawn_policies(analysis) -> list[str]:
    """Each policy's statements in a live result, kept by what they show
    (`panel.drawn_policies`)."""
    return panel.drawn_policies(analysis)


@register.filter
def deciding(steps) -> dict | None:
    """The step that decided and its number in the list of steps (as the list numbers them),
    for a folded list's summary to say where it was decided; None when no step decided."""
    steps = steps or []
    found = deciding_index(steps)
    return None if found is None else {"number": found[0] + 1, "step": steps[found[0]]}


@register.simple_tag
def evaluation_flow(steps) -> SafeString:
    """The evaluation-flow diagram with the step that decided these `steps` highlighted, drawn
    once per deciding step and outcome (`policy_flow_html`, which the quizzes' feedback shares;
    drawing it was a sixth of a live update)."""
    found = deciding_step(steps or [])
    return policy_flow_html(*(found or (None, None)))  # one key for "none decided"
