"""The engine's decision in words, for feedback pages (JSON-ready, stored on the answer).

The sentences and the labels of policies and statements come from the engine's shared word
tables (`srm_trainer.iam.words`), so the quiz, the CLI and the sandbox describe a decision the
same way; the lesson links from the website's topic table (`lessons.engine_topics`). It reads
the typed `Decision`, never a dict read back by string keys.
"""

from __future__ import annotations

from typing import Any

from lessons.engine_topics import reason_lesson_url
from srm_trainer.iam import parse_case, words
from srm_trainer.iam.decision import Decision, StatementRef

NO_STATEMENT = "none"  # the statement choice for "no statement decided it"
# Its words. Mostly an implicit deny, in its own terms (srm_trainer/iam/words.py: the missing
# Allow may be a boundary's or an SCP's, so "nothing allows it" would be wrong there); but no
# statement decides an AWS built-in rule either (GetCallerIdentity allowed through a Deny, a
# service-linked role that cannot be deleted) nor the root user's own access, where "an Allow
# it needs is missing" would be the wrong reason for the right choice.
NO_STATEMENT_LABEL = (
    "No statement: an Allow it needs is missing, or an AWS rule or the root user's own access "
    "decided"
)


def statement_key(
    policy_kind: str, level: int | None, policy_index: int, statement_index: int
) -> str:
    """A stable name for one statement of a case: `scp:1:0:2`, `identity::0:1` (stored in
    answers: its form never changes)."""
    return f"{policy_kind}:{'' if level is None else level}:{policy_index}:{statement_index}"


def ref_key(ref: StatementRef) -> str:
    return statement_key(ref.policy_kind, ref.level, ref.policy_index, ref.statement_index)


def case_statements(case: dict[str, Any]) -> list[tuple[str, str]]:
    """Every statement of a case as (key, label), in evaluation order, for a choice list."""
    out = []
    for slot in parse_case(case).policies():
        for st in slot.policy.statements:
            ref = StatementRef(
                slot.kind,
                slot.index,
                slot.policy.name,
                slot.level,
                st.index,
                st.sid,
                st.effect,
                st.line,
            )
            out.append((ref_key(ref), words.statement_label(ref)))
    return out


def explain_decision(decision: Decision) -> dict[str, Any]:
    """{"decision", "decisive": [{"key", "label"}], "steps": [{"title", "outcome", "why"}]}."""
    steps = []
    for step in decision.steps:
        if not step.reached:
            continue
        reasons = step.reasons
        steps.append(
            {
                "name": step.name,
                "outcome_code": step.outcome,
                "title": words.STEP_TITLES.get(step.name, step.name),
                "outcome": words.OUTCOMES.get(step.outcome, step.outcome),
                "why": "; ".join(words.reason_words(r.code, r.data) for r in reasons),
                "lesson": reason_lesson_url(reasons[0].code) if reasons else "",
            }
        )
    return {
        "decision": decision.decision,
        "decisive": [
            {"key": ref_key(r), "label": words.statement_label(r)} for r in decision.decisive
        ],
        "steps": steps,
    }
