"""Small presentation helpers for curriculum templates."""

from __future__ import annotations

import json

from django import template
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
