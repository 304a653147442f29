"""Multiple select: each option is a judgement; max(0, (right − wrong) / options).

data: {"choices": [{"id", "text", "correct", "feedback"}]} (2 to 6, at least one right and one wrong)
"""

from __future__ import annotations

from django import forms

from quizzes.kinds.base import Grade, Problem, full_marks
from quizzes.kinds.choices import ChoiceKind


class Multiple(ChoiceKind):
    value = "multiple"
    label = "Multiple select"
    field_name = "choices"

    def problems(self, question, *, thorough: bool = True) -> list[Problem]:
        problems = self.choice_problems(question)
        if problems:
            return problems
        right = sum(c["correct"] for c in question.data["choices"])
        if not right:
            problems.append(
                Problem(
                    "a multiple-select question needs at least one correct choice",
                    plain="Mark at least one choice as correct.",
                )
            )
        elif right == len(question.data["choices"]):
            # Choosing every choice would earn full marks without judging any (`grade`), as
            # a single choice with every choice right would: refused as that is.
            problems.append(
                Problem(
                    "a multiple-select question needs at least one wrong choice: with every "
                    "choice correct, choosing them all earns full marks",
                    plain="Leave at least one choice wrong: with every choice marked correct, "
                    "choosing them all gets full marks.",
                )
            )
        return problems

    def add_fields(self, form) -> None:
        form.fields["choices"] = forms.MultipleChoiceField(
            choices=[(e["id"], e["text"]) for e in form.entries],
            error_messages={"required": "Choose at least one answer."},
        )

    def response(self, form) -> dict:
        texts = form.texts()
        chosen = [e["id"] for e in form.entries if e["id"] in form.cleaned_data["choices"]]
        return {"choices": chosen, "texts": [texts[i] for i in chosen]}

    def saved_value(self, saved: dict, name: str):
        return saved.get(name) or [] if name == "choices" else saved.get(name)

    def grade(self, question, response: dict) -> Grade:
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
            full_marks(score),
            {"key_texts": [c["text"] for c in choices if c["correct"]], "judgements": judgements},
        )

    def key(self, question) -> dict:
        return {"key_texts": [c["text"] for c in question.choices() if c["correct"]]}

    def answer_lines(self, response: dict) -> list[str]:
        return list(response.get("texts") or []) or ["(nothing chosen)"]


KIND = Multiple()
