"""Checks on content that every door shares: the loader, the admin and the editors.

Low in the dependency order (see `curriculum`): this module imports only the engine, so the
`lessons` and `quizzes` models can call it from `clean()`.
"""

from __future__ import annotations

from typing import Any

from srm_trainer.iam import PolicyError, evaluate

DECISIONS = ("Allow", "ExplicitDeny", "ImplicitDeny")


def scenario_case_problem(case: Any) -> str | None:
    """Why a scenario's case cannot be used, or None: it must be a valid case whose `expect`
    the engine agrees with (lessons show `expect` as the answer)."""
    if not isinstance(case, dict):
        return "the case must be a mapping in the IAM case format"
    expect = case.get("expect")
    if expect not in DECISIONS:
        return "case.expect must be Allow, ExplicitDeny or ImplicitDeny"
    try:
        decision = evaluate(case).decision
    except PolicyError as exc:
        return f"invalid case: {exc}"
    if decision != expect:
        return f"the case expects {expect} but the engine decides {decision}"
    return None
