"""Grading: one pure function per question type, `grade(question, response) -> Grade`.

Nothing here writes to the database; the attempt and review services store the result. A
response is the cleaned shape `quizzes.forms` produces (see each function). Scores are 0..1.

Partial credit:
- multiple select: each option is a true/false judgement (chosen = "this is correct");
  score = max(0, (right judgements − wrong judgements) / options);
- ordering: the share of items in their right position;
- categorize: the share of items in the right category;
- policy decision: the decision alone, or with `ask_statement` half for the decision and half
  for naming a statement that decided it;
- least privilege: see `quizzes.least_privilege`.
A question is `correct` only with full marks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from quizzes.explain import NO_STATEMENT, explain_decision
from quizzes.least_privilege import check_policy
from quizzes.models import QuestionType
from srm_trainer.iam import PolicyError, evaluate


@dataclass(frozen=True)
class Grade:
    score: float
    correct: bool
    feedback: dict[str, Any] = field(default_factory=dict)  # JSON-ready, shown after answering


def _full(score: float) -> bool:
    return score >= 1.0 - 1e-9


def grade_single(question, response: dict) -> Grade:
    """response: {"choice": id}."""
    choices = question.choices()
    chosen = next((c for c in choices if c["id"] == response.get("choice")), None)
    right = chosen is not None and chosen["correct"]
    return Grade(
        1.0 if right else 0.0,
        right,
        {
            "key_texts": [c["text"] for c in choices if c["correct"]],
            "chosen_feedback": (chosen or {}).get("feedback", ""),
        },
    )


def grade_multiple(question, response: dict) -> Grade:
    """response: {"choices": [id, ...]}; each option is judged on its own."""
    choices = question.choices()
    chosen = set(response.get("choices") or [])
    judgements = []
    right = 0
    for c in choices:
        ok = (c["id"] in chosen) == c["correct"]
        right += ok
        judgements.append(
            {
                "text": c["text"],
                "chosen": c["id"] in chosen,
                "correct": c["correct"],
                "ok": ok,
                "feedback": c.get("feedback", "") if c["id"] in chosen else "",
            }
        )
    wrong = len(choices) - right
    score = max(0.0, (right - wrong) / len(choices)) if choices else 0.0
    return Grade(
        score,
        _full(score),
        {"key_texts": [c["text"] for c in choices if c["correct"]], "judgements": judgements},
    )


def grade_true_false(question, response: dict) -> Grade:
    """response: {"answer": true | false}."""
    key = bool(question.data.get("answer"))
    right = response.get("answer") is key
    return Grade(1.0 if right else 0.0, right, {"key": key})


def grade_ordering(question, response: dict) -> Grade:
    """response: {"order": [item id, ...]} (first to last)."""
    items = question.items()
    given = list(response.get("order") or [])
    positions = []
    for index, item in enumerate(items):
        positions.append(
            {"text": item["text"], "ok": index < len(given) and given[index] == item["id"]}
        )
    score = sum(p["ok"] for p in positions) / len(items) if items else 0.0
    return Grade(
        score, _full(score), {"key_texts": [i["text"] for i in items], "positions": positions}
    )


def grade_categorize(question, response: dict) -> Grade:
    """response: {"placed": {item id: category}}."""
    items = question.items()
    placed = response.get("placed") or {}
    rows = []
    for item in items:
        chosen = placed.get(item["id"], "")
        rows.append(
            {
                "text": item["text"],
                "chosen": chosen,
                "key": item["category"],
                "ok": chosen == item["category"],
            }
        )
    score = sum(r["ok"] for r in rows) / len(items) if items else 0.0
    return Grade(score, _full(score), {"items": rows})


def grade_policy_decision(question, response: dict) -> Grade:
    """response: {"decision": "Allow" | "ExplicitDeny" | "ImplicitDeny", "statement": key}.

    The key is whatever the engine decides for the scenario's case now: it is never stored on
    the question, so editing the case changes the key.
    """
    decision = evaluate(question.scenario.case)
    words = explain_decision(decision)
    decision_right = response.get("decision") == decision.decision
    feedback: dict[str, Any] = {"key": decision.decision, **words}
    if question.ask_statement:
        decisive = {d["key"] for d in words["decisive"]} or {NO_STATEMENT}
        statement_right = response.get("statement") in decisive
        feedback["statement_right"] = statement_right
        score = 0.5 * decision_right + 0.5 * statement_right
    else:
        score = 1.0 if decision_right else 0.0
    return Grade(score, _full(score), feedback)


def grade_least_privilege(question, response: dict) -> Grade:
    """response: {"policy": JSON text}. Invalid JSON scores 0 and says where it breaks."""
    try:
        result = check_policy(question.challenge(), response.get("policy") or "")
    except PolicyError as exc:
        return Grade(0.0, False, {"error": str(exc), "line": exc.line, "column": exc.column})
    return Grade(result.score, result.correct, result.to_dict())


GRADERS = {
    QuestionType.SINGLE: grade_single,
    QuestionType.MULTIPLE: grade_multiple,
    QuestionType.TRUE_FALSE: grade_true_false,
    QuestionType.ORDERING: grade_ordering,
    QuestionType.CATEGORIZE: grade_categorize,
    QuestionType.POLICY_DECISION: grade_policy_decision,
    QuestionType.LEAST_PRIVILEGE: grade_least_privilege,
}


def grade(question, response: dict) -> Grade:
    return GRADERS[question.type](question, response or {})
