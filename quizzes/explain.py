"""The engine's decision in words, for feedback pages (JSON-ready, stored on the answer).

The sentences come from the engine's shared word tables (`srm_trainer.iam.words`), so the quiz,
the CLI and the sandbox describe a decision the same way.
"""

from __future__ import annotations

from typing import Any

from srm_trainer.iam import parse_case, words
from srm_trainer.iam.decision import Decision

POLICY_LABELS = {
    "identity": "Identity-based policy",
    "resource": "Resource-based policy",
    "boundary": "Permissions boundary",
    "session": "Session policy",
    "scp": "Service control policy",
    "rcp": "Resource control policy",
}
NO_STATEMENT = "none"  # the statement choice for "no statement decided it (nothing allowed it)"


def statement_key(
    policy_kind: str, level: int | None, policy_index: int, statement_index: int
) -> str:
    """A stable name for one statement of a case: `scp:1:0:2`, `identity::0:1`."""
    return f"{policy_kind}:{'' if level is None else level}:{policy_index}:{statement_index}"


def ref_key(ref: dict[str, Any]) -> str:
    return statement_key(
        ref["policy_kind"], ref.get("level"), ref["policy_index"], ref["statement_index"]
    )


def _policy_label(kind: str, level: int | None, index: int, name: str | None) -> str:
    label = POLICY_LABELS.get(kind, kind)
    if level is not None:
        label += f" (level {level + 1})"
    label += f" “{name}”" if name else f" {index + 1}"
    return label


def ref_label(ref: dict[str, Any]) -> str:
    policy = _policy_label(
        ref["policy_kind"], ref.get("level"), ref["policy_index"], ref.get("policy_name")
    )
    sid = f" “{ref['sid']}”" if ref.get("sid") else ""
    return f"{policy}, statement {ref['statement_index'] + 1}{sid} ({ref['effect']})"


def case_statements(case: dict) -> list[tuple[str, str]]:
    """Every statement of a case as (key, label), in evaluation order, for a choice list."""
    parsed = parse_case(case)
    groups: list[tuple[str, int | None, int, Any]] = []
    for lvl, level in enumerate(parsed.rcp_levels):
        groups.extend(("rcp", lvl, i, p) for i, p in enumerate(level))
    for lvl, level in enumerate(parsed.scp_levels):
        groups.extend(("scp", lvl, i, p) for i, p in enumerate(level))
    if parsed.resource_policy is not None:
        groups.append(("resource", None, 0, parsed.resource_policy))
    groups.extend(("identity", None, i, p) for i, p in enumerate(parsed.identity_policies))
    if parsed.permissions_boundary is not None:
        groups.append(("boundary", None, 0, parsed.permissions_boundary))
    if parsed.session_policy is not None:
        groups.append(("session", None, 0, parsed.session_policy))
    out = []
    for kind, level, index, policy in groups:
        for st in policy.statements:
            ref = {
                "policy_kind": kind,
                "level": level,
                "policy_index": index,
                "policy_name": policy.name,
                "statement_index": st.index,
                "sid": st.sid,
                "effect": st.effect,
            }
            out.append((ref_key(ref), ref_label(ref)))
    return out


def explain_decision(decision: Decision) -> dict[str, Any]:
    """{"decision", "decisive": [{"key", "label"}], "steps": [{"title", "outcome", "why"}]}."""
    data = decision.to_dict()
    steps = []
    for step in data["steps"]:
        if not step.get("reached", True):
            continue
        reasons = step.get("reasons") or []
        steps.append(
            {
                "name": step["name"],
                "outcome_code": step["outcome"],
                "title": words.STEP_TITLES.get(step["name"], step["name"]),
                "outcome": words.OUTCOMES.get(step["outcome"], step["outcome"]),
                "why": "; ".join(words.reason_words(r["code"], r.get("data")) for r in reasons),
                "lesson": words.reason_lesson(reasons[0]["code"]) if reasons else "",
            }
        )
    return {
        "decision": data["decision"],
        "decisive": [{"key": ref_key(r), "label": ref_label(r)} for r in data["decisive"]],
        "steps": steps,
    }
