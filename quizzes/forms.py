"""Clean a learner's answer to one question into the response shape `quizzes.grading` reads.

One form class builds its fields from the question and the display order fixed on the attempt.
Bad input becomes a message on the form, never an exception. The form also offers the values
the template needs to draw labelled controls (`options`, `rows`), so what the learner last
saved is shown checked/selected again.
"""

from __future__ import annotations

from typing import Any

from django import forms

from quizzes.explain import NO_STATEMENT, case_statements
from quizzes.models import QuestionType
from srm_trainer.iam import PolicyError, parse_policy

DECISIONS = [
    ("Allow", "Allow"),
    ("ExplicitDeny", "Explicit deny (a Deny statement applies)"),
    ("ImplicitDeny", "Implicit deny (nothing allows it)"),
]
MAX_POLICY_CHARS = 10_240  # the largest identity policy AWS accepts (a role's inline policies)


def policy_error_message(exc: PolicyError) -> str:
    where = f"Line {exc.line}, column {exc.column}: " if exc.line is not None else ""
    return f"{where}{exc.message}"


class AnswerForm(forms.Form):
    def __init__(
        self, question, order: list[str] | None = None, *args, saved: dict | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.question = question
        self.saved = saved or {}
        by_id = {entry["id"]: entry for entry in (question.choices() or question.items())}
        ids = [i for i in (order or []) if i in by_id]
        ids += [i for i in question.layout_ids() if i not in ids]  # content added since start
        self.entries = [by_id[i] for i in ids]
        kind = question.type
        if kind == QuestionType.SINGLE:
            self.fields["choice"] = forms.ChoiceField(
                choices=[(e["id"], e["text"]) for e in self.entries],
                error_messages={"required": "Choose one answer."},
            )
        elif kind == QuestionType.MULTIPLE:
            self.fields["choices"] = forms.MultipleChoiceField(
                choices=[(e["id"], e["text"]) for e in self.entries],
                error_messages={"required": "Choose at least one answer."},
            )
        elif kind == QuestionType.TRUE_FALSE:
            self.fields["answer"] = forms.ChoiceField(
                choices=[("true", "True"), ("false", "False")],
                error_messages={"required": "Choose true or false."},
            )
        elif kind == QuestionType.ORDERING:
            positions = [(str(n), str(n)) for n in range(1, len(self.entries) + 1)]
            for e in self.entries:
                self.fields[f"pos_{e['id']}"] = forms.ChoiceField(
                    choices=positions,
                    label=e["text"],
                    error_messages={"required": "Give every item a position."},
                )
        elif kind == QuestionType.CATEGORIZE:
            categories = [(c, c) for c in question.categories()]
            for e in self.entries:
                self.fields[f"cat_{e['id']}"] = forms.ChoiceField(
                    choices=categories,
                    label=e["text"],
                    error_messages={"required": "Put every item in a category."},
                )
        elif kind == QuestionType.POLICY_DECISION:
            self.fields["decision"] = forms.ChoiceField(
                choices=DECISIONS, error_messages={"required": "Choose what AWS decides."}
            )
            if question.ask_statement:
                self.statements = case_statements(question.scenario.case)
                self.fields["statement"] = forms.ChoiceField(
                    choices=[*self.statements, (NO_STATEMENT, "No statement: nothing allows it")],
                    error_messages={"required": "Choose the statement that decided it."},
                )
        elif kind == QuestionType.LEAST_PRIVILEGE:
            self.fields["policy"] = forms.CharField(
                strip=False,
                max_length=MAX_POLICY_CHARS,
                error_messages={"required": "Write a policy first."},
                widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "false"}),
            )

    # --- cleaning -------------------------------------------------------------------------

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = self.question.type
        if kind == QuestionType.ORDERING and not self.errors:
            chosen = [data.get(f"pos_{e['id']}") for e in self.entries]
            if len(set(chosen)) != len(chosen):
                raise forms.ValidationError("Use each position once: two items share a position.")
        if kind == QuestionType.LEAST_PRIVILEGE and data.get("policy"):
            try:
                parse_policy(data["policy"], kind="identity")
            except PolicyError as exc:
                self.add_error("policy", policy_error_message(exc))
        return data

    def response(self) -> dict[str, Any]:
        """The cleaned answer with the text the learner chose (call after is_valid())."""
        data = self.cleaned_data
        texts = {e["id"]: e["text"] for e in self.entries}
        kind = self.question.type
        if kind == QuestionType.SINGLE:
            return {"choice": data["choice"], "text": texts[data["choice"]]}
        if kind == QuestionType.MULTIPLE:
            chosen = [e["id"] for e in self.entries if e["id"] in data["choices"]]
            return {"choices": chosen, "texts": [texts[i] for i in chosen]}
        if kind == QuestionType.TRUE_FALSE:
            return {"answer": data["answer"] == "true"}
        if kind == QuestionType.ORDERING:
            order = sorted(self.entries, key=lambda e: int(data[f"pos_{e['id']}"]))
            return {"order": [e["id"] for e in order], "texts": [e["text"] for e in order]}
        if kind == QuestionType.CATEGORIZE:
            placed = {e["id"]: data[f"cat_{e['id']}"] for e in self.entries}
            return {"placed": placed, "texts": texts}
        if kind == QuestionType.POLICY_DECISION:
            out = {"decision": data["decision"]}
            if "statement" in data:
                labels = dict(self.fields["statement"].choices)
                out |= {
                    "statement": data["statement"],
                    "statement_label": labels[data["statement"]],
                }
            return out
        return {"policy": data["policy"]}

    def draft(self) -> dict[str, Any] | None:
        """What to keep when the input does not validate: a policy draft is never lost."""
        if self.question.type == QuestionType.LEAST_PRIVILEGE:
            text = self.data.get("policy", "")
            if text and len(text) <= MAX_POLICY_CHARS:
                return {"policy": text}
        return None

    # --- drawing --------------------------------------------------------------------------

    def _current(self, name: str) -> Any:
        if self.is_bound:
            return self.data.getlist(name) if name == "choices" else self.data.get(name)
        saved = self.saved
        if name == "choice":
            return saved.get("choice")
        if name == "choices":
            return saved.get("choices") or []
        if name == "answer":
            return {True: "true", False: "false"}.get(saved.get("answer"))
        if name.startswith("pos_"):
            order = saved.get("order") or []
            item = name[4:]
            return str(order.index(item) + 1) if item in order else None
        if name.startswith("cat_"):
            return (saved.get("placed") or {}).get(name[4:])
        return saved.get(name)

    def options(self) -> list[dict]:
        """single/multiple: [{id, text, checked}] in display order."""
        if self.question.type == QuestionType.SINGLE:
            current = self._current("choice")
            return [
                {"id": e["id"], "text": e["text"], "checked": e["id"] == current}
                for e in self.entries
            ]
        current = set(self._current("choices"))
        return [
            {"id": e["id"], "text": e["text"], "checked": e["id"] in current} for e in self.entries
        ]

    def rows(self) -> list[dict]:
        """ordering/categorize: [{id, text, name, selected}] in display order."""
        prefix = "pos_" if self.question.type == QuestionType.ORDERING else "cat_"
        return [
            {
                "id": e["id"],
                "text": e["text"],
                "name": f"{prefix}{e['id']}",
                "selected": self._current(f"{prefix}{e['id']}"),
            }
            for e in self.entries
        ]

    def positions(self) -> list[str]:
        return [str(n) for n in range(1, len(self.entries) + 1)]

    def value(self, name: str) -> Any:
        return self._current(name)

    def policy_text(self) -> str:
        current = self._current("policy")
        if current is None:
            return self.question.challenge().get("start_policy", "")
        return current
