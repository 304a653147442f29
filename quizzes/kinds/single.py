"""Single choice: exactly one choice is right; 1 or 0.

data: {"choices": [{"id", "text", "correct", "feedback"}]} (2 to 6, ids unique)
"""

from __future__ import annotations

from django import forms

from quizzes.kinds.base import Grade, Problem
from quizzes.kinds.choices import ChoiceKind


class Single(ChoiceKind):
    value = "single"
    label = "Single choice"

    def problems(self, question, *, thorough: bool = True) -> list[Problem]:
        problems = self.choice_problems(question)
        if not problems:
            right = sum(c["correct"] for c in question.data["choices"])
            if right != 1:
                plain = (
                    "Mark the correct choice."
                    if right == 0
                    else f"Mark only one choice as correct: {right} are marked."
                )
                problems.append(
                    Problem(
                        f"a single-choice question has exactly one correct choice, not {right}",
                        plain=plain,
                    )
                )
        return problems

    def add_fields(self, form) -> None:
        form.fields["choice"] = forms.ChoiceField(
            choices=[(e["id"], e["text"]) for e in form.entries],
            error_messages={"required": "Choose one answer."},
        )

    def response(self, form) -> dict:
        chosen = form.cleaned_data["choice"]
        return {"choice": chosen, "text": form.texts()[chosen]}

    def grade(self, question, response: dict) -> Grade:
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

    def key(self, question) -> dict:
        return {"key_texts": [c["text"] for c in question.choices() if c["correct"]]}

    def answer_lines(self, response: dict) -> list[str]:
        return [response.get("text", "")]


KIND = Single()
