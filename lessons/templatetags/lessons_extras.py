"""Small presentation helpers for curriculum templates."""

from __future__ import annotations

import json
import threading

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from lessons.diagrams import deciding_step, policy_flow_html
from lessons.markdown import render_markdown
from srm_trainer.iam.words import DECISIONS

register = template.Library()

DECISION_WORDS = DECISIONS


@register.filter
def markdown(text: str) -> str:
    # render_markdown sanitizes its output with an allow-list, so it is safe to mark safe.
    return mark_safe(render_markdown(text or "").html)  # noqa: S308


@register.filter
def pretty_json(value) -> str:
    """A policy may be stored as JSON text (to keep its line numbers) or as data."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return value
    return json.dumps(value, indent=2, ensure_ascii=False)


@register.filter
def case_policies(case: dict) -> list[tuple[str, object]]:
    """Every policy in a case with a label a learner understands, in evaluation order."""
    out: list[tuple[str, object]] = []

    def named(policy, fallback: str) -> tuple[str, object]:
        if isinstance(policy, dict) and "document" in policy:
            return f"{fallback}: {policy.get('name') or 'unnamed'}", policy["document"]
        return fallback, policy

    for level, policies in enumerate(case.get("rcp_levels") or [], start=1):
        for policy in policies:
            out.append(named(policy, f"Resource control policy (level {level})"))
    for level, policies in enumerate(case.get("scp_levels") or [], start=1):
        for policy in policies:
            out.append(named(policy, f"Service control policy (level {level})"))
    if case.get("resource_policy"):
        out.append(named(case["resource_policy"], "Resource-based policy"))
    for policy in case.get("identity_policies") or []:
        out.append(named(policy, "Identity-based policy"))
    if case.get("permissions_boundary"):
        out.append(named(case["permissions_boundary"], "Permissions boundary"))
    if case.get("session_policy"):
        out.append(named(case["session_policy"], "Session policy"))
    return out


@register.filter
def decision_words(decision: str) -> str:
    return DECISION_WORDS.get(decision, decision or "")


@register.simple_tag
def policy_flow_diagram(steps) -> str:
    """The evaluation-flow diagram with the step that decided these `steps` highlighted (kept
    per deciding step and outcome: `policy_flow_html`)."""
    found = deciding_step(steps or [])
    return policy_flow_html(*(found or (None, None)))  # one key for "none decided"


# Module cards on home, kept by everything a card shows (see `module_card`), in a map the view
# keeps with the reading order (`kept_cards`); at most CARDS_KEPT cards an order, oldest first out.
CARDS_KEPT = 1024
_cards_lock = threading.Lock()


def _progress_key(progress) -> tuple | None:
    """What a card shows of a module's progress (certificates' ModuleProgress): its parts
    (frozen, so comparable) and its quizzes; `complete` follows from the parts."""
    if progress is None:
        return None
    return (
        tuple(progress.parts),
        tuple(tuple(sorted(quiz.items())) for quiz in progress.quizzes),
    )


@register.simple_tag(takes_context=True)
def module_card(context, module, number: int) -> str:
    """Home's card for one module (`lessons/home.html#module-card`). A learner's card differs
    from another's only by their counts, so it is drawn once per reading order and state and
    kept: drawn anew, home's cards were most of a learner's home page. The key holds what the
    card shows: the module (fixed for an order), its place, its lesson count, the learner's
    lessons done, and the module's progress when the page shows progress."""
    show = bool(context.get("show_progress"))
    course = context.get("course_progress") if show else None
    progress = course.for_module(module.pk) if course is not None else None
    cards = context.get("kept_cards")
    key = (
        module.pk,
        number,
        len(module.visible_lessons),
        module.done,
        show,
        _progress_key(progress),
    )
    if cards is not None:
        with _cards_lock:
            html = cards.get(key)
        if html is not None:
            return html
    html = render_to_string(
        "lessons/home.html#module-card",
        {
            "module": module,
            "number": number,
            "show_progress": show,
            "course_progress": course,
        },
    )
    if cards is not None:
        with _cards_lock:
            cards[key] = html
            while len(cards) > CARDS_KEPT:
                del cards[next(iter(cards))]
    return html
