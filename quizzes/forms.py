"""Clean a learner's answer to one question into the response shape its kind grades.

One form class; the question's kind (`quizzes.kinds`) adds the fields, checks across them and
builds the response. Bad input becomes a message on the form, never an exception. The form
also tells the template what the learner last saved (`current`), so it is shown again.
"""

from __future__ import annotations

from typing import Any

from django import forms


class AnswerForm(forms.Form):
    def __init__(
        self, question, order: list[str] | None = None, *args, saved: dict | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.question = question
        self.kind = question.kind
        self.saved = saved or {}
        by_id = {entry["id"]: entry for entry in (question.choices() or question.items())}
        ids = [i for i in (order or []) if i in by_id]
        ids += [i for i in question.layout_ids() if i not in ids]  # content added since start
        self.entries = [by_id[i] for i in ids]
        self.kind.add_fields(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        self.kind.clean_form(self, data)
        return data

    def response(self) -> dict[str, Any]:
        """The cleaned answer with the text the learner chose (call after is_valid())."""
        return self.kind.response(self)

    def draft(self) -> dict[str, Any] | None:
        """What to keep when the input does not validate."""
        return self.kind.draft(self)

    def texts(self) -> dict[str, str]:
        return {e["id"]: e["text"] for e in self.entries}

    # --- drawing --------------------------------------------------------------------------

    def current(self, name: str) -> Any:
        """What control `name` should show: what was just posted, else what was saved."""
        if self.is_bound:
            field = self.fields.get(name)
            if isinstance(field, forms.MultipleChoiceField):
                return self.data.getlist(name)
            return self.data.get(name)
        return self.kind.saved_value(self.saved, name)

    value = current

    def options(self) -> list[dict]:
        return self.kind.options(self)

    def rows(self) -> list[dict]:
        return self.kind.rows(self)

    def positions(self) -> list[str]:
        return [str(n) for n in range(1, len(self.entries) + 1)]

    def policy_text(self) -> str:
        return self.kind.policy_text(self)

    def rules_text(self) -> str:
        """The network rules a flow-fix question's textarea shows (`quizzes.kinds.flow_fix`)."""
        return self.kind.rules_text(self)
