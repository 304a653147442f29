"""Policy decision: what does AWS decide for a scenario's case? The engine is the key.

Nothing is stored in `data`: the question points at a scenario (a model field), and the key
is computed when grading, so editing the case changes the key. With `ask_statement`, half
the score is for naming a statement that decided it.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from django import forms

from curriculum.validation import scenario_case_problem
from quizzes.explain import NO_STATEMENT, NO_STATEMENT_LABEL, case_statements, explain_decision
from quizzes.kinds.base import Grade, Kind, Problem, full_marks
from srm_trainer.iam import evaluate
from srm_trainer.iam.words import DECISIONS as DECISION_WORDS

# The choices' stored values are the engine's codes (saved answers and imports keep them); their
# words are the engine's, so the choices, the feedback and the sandbox name an outcome alike.
DECISIONS = list(DECISION_WORDS.items())


KEEPS_NO_DATA = (
    "a policy decision keeps nothing in its data ({}): its answer is what the IAM engine "
    "decides for its scenario's case"
)
KEEPS_NO_DATA_PLAIN = (
    "A policy decision keeps no data: the IAM engine works out its answer from its scenario."
)


def _key_of(case: Any) -> dict[str, Any]:
    decision = evaluate(case)
    return {"key": decision.decision, **explain_decision(decision)}


@lru_cache(maxsize=512)
def _kept_key(text: str) -> str:
    return json.dumps(_key_of(json.loads(text)))


class PolicyDecision(Kind):
    value = "policy_decision"
    label = "Policy decision"
    file_fields = ("scenario", "ask_statement")
    uses_scenario = True
    takes_certainty = True
    recap_template = "quizzes/kinds/policy_decision.html#recap"
    recap_fold = "The case: the request and the policies"

    def problems(self, question, *, thorough: bool = True) -> list[Problem]:
        found = []
        if thorough and question.data not in ({}, None):
            # Anything here is read by nothing: `{"answer": "Allow"}` typed in the admin was
            # saved without a word, and its author believed the answer set.
            found.append(Problem(KEEPS_NO_DATA, plain=KEEPS_NO_DATA_PLAIN))
        scenario = question.scenario
        if scenario is None:
            return [
                *found,
                Problem("a policy question needs a scenario", ("scenario",), "scenario"),
            ]
        problem = scenario_case_problem(scenario.case)
        if problem:
            found.append(
                Problem(f"scenario {scenario.slug!r}: {problem}", ("scenario",), "scenario")
            )
        return found

    def add_fields(self, form) -> None:
        form.fields["decision"] = forms.ChoiceField(
            choices=DECISIONS, error_messages={"required": "Choose what AWS decides."}
        )
        if form.question.ask_statement:
            form.statements = case_statements(form.question.scenario.case)
            form.fields["statement"] = forms.ChoiceField(
                choices=[*form.statements, (NO_STATEMENT, NO_STATEMENT_LABEL)],
                error_messages={"required": "Choose the statement that decided it."},
            )

    def response(self, form) -> dict:
        data = form.cleaned_data
        out: dict[str, Any] = {"decision": data["decision"]}
        if "statement" in data:
            labels = dict(form.fields["statement"].choices)
            out |= {"statement": data["statement"], "statement_label": labels[data["statement"]]}
        return out

    def key(self, question) -> dict:
        """The engine's decision and the statements that decided it, as grading gives them;
        kept per process by the case (a quiz's result page asks it of every question)."""
        case = question.scenario.case
        try:
            text = json.dumps(case, sort_keys=True, separators=(",", ":"))
        except (TypeError, ValueError):  # not JSON (set in memory, never saved): not kept
            return _key_of(case)
        return json.loads(_kept_key(text))

    def grade(self, question, response: dict) -> Grade:
        """response: {"decision": "Allow" | "ExplicitDeny" | "ImplicitDeny", "statement": key}."""
        feedback: dict[str, Any] = self.key(question)
        decision_right = response.get("decision") == feedback["key"]
        if question.ask_statement:
            decisive = {d["key"] for d in feedback["decisive"]} or {NO_STATEMENT}
            statement_right = response.get("statement") in decisive
            feedback["statement_right"] = statement_right
            score = 0.5 * decision_right + 0.5 * statement_right
        else:
            score = 1.0 if decision_right else 0.0
        return Grade(score, full_marks(score), feedback)

    def answer_lines(self, response: dict) -> list[str]:
        decision = response.get("decision", "")
        lines = [DECISION_WORDS.get(decision, decision)]
        if response.get("statement_label"):
            lines.append(f"Decided by: {response['statement_label']}")
        return lines


KIND = PolicyDecision()
