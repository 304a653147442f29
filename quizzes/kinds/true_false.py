"""True or false: one statement, 1 or 0.

data: {"answer": true | false}
"""

from __future__ import annotations

from django import forms

from quizzes.kinds.base import Grade, Kind, Problem


class TrueFalse(Kind):
    value = "true_false"
    label = "True or false"
    one_try = True
    file_fields = ("answer",)

    def data_from_file(self, raw: dict) -> dict:
        return {"answer": raw.get("answer")}

    def problems(self, question, *, thorough: bool = True) -> list[Problem]:
        if not isinstance(question.data.get("answer"), bool):
            return [
                Problem(
                    "'answer' must be true or false",
                    ("answer",),
                    plain="Say whether the statement is true or false.",
                )
            ]
        return []

    def add_fields(self, form) -> None:
        form.fields["answer"] = forms.ChoiceField(
            choices=[("true", "True"), ("false", "False")],
            error_messages={"required": "Choose true or false."},
        )

    def response(self, form) -> dict:
        return {"answer": form.cleaned_data["answer"] == "true"}

    def saved_value(self, saved: dict, name: str):
        if name == "answer":
            answer = saved.get("answer")
            return None if answer is None else {True: "true", False: "false"}.get(answer)
        return saved.get(name)

    def grade(self, question, response: dict) -> Grade:
        """response: {"answer": true | false}."""
        key = bool(question.data.get("answer"))
        right = response.get("answer") is key
        return Grade(1.0 if right else 0.0, right, {"key": key})

    def key(self, question) -> dict:
        return {"key": bool(question.data.get("answer"))}

    def answer_lines(self, response: dict) -> list[str]:
        return ["True" if response.get("answer") else "False"]


KIND = TrueFalse()
