"""Clean a learner's answer to one question into the response shape its kind grades.

One form class; the question's kind (`quizzes.kinds`) adds the fields, checks across them and
builds the response. Bad input becomes a message on the form, never an exception. The form
also tells the template what the learner last saved (`current`), so it is shown again.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import ErrorDict
from django.http import QueryDict

from quizzes.grading import CERTAINTY_LEVELS
from srm_trainer.typed_text import LimitsOnServer, without_nul

CERTAINTY_CHOICES = [(str(c.value), c.label) for c in CERTAINTY_LEVELS]
# Django's own words quote what was sent ("Select a valid choice. %(value)s is not one of the
# available choices."), and an answer's refusal is said twice (beside the controls and in the
# status region): a 2.4 MB value posted to a radio made a 4.8 MB response. Nothing a learner
# picks from the page is ever refused this way, so the value is not worth repeating.
NOT_SHOWN = "Select a valid choice: what was sent is not one of the answers shown."


class AnswerForm(LimitsOnServer, forms.Form):
    def __init__(
        self,
        question,
        order: list[str] | None = None,
        *args,
        saved: dict | None = None,
        certainty: bool = False,
        saved_certainty: int | None = None,
        checked: bool = True,
        **kwargs,
    ):
        """`certainty`: also ask how sure the learner is (a quiz with certainty-based marking);
        `saved_certainty` is what they said last time. `checked=False`: an answer that was
        refused before anyone looked at it (over a rate limit), or kept when the session ended
        and filled in again after signing in: drawn as it was sent with no verdict on it
        (`full_clean`)."""
        super().__init__(*args, **kwargs)
        self.checked = checked
        self.question = question
        self.kind = question.kind
        self.saved = saved or {}
        self.saved_certainty = saved_certainty
        by_id = {entry["id"]: entry for entry in (question.choices() or question.items())}
        ids = [i for i in (order or []) if i in by_id]
        ids += [i for i in question.layout_ids() if i not in ids]  # content added since start
        self.entries = [by_id[i] for i in ids]
        self.kind.add_fields(self)
        for answer_field in self.fields.values():
            if "invalid_choice" in answer_field.error_messages:
                answer_field.error_messages["invalid_choice"] = NOT_SHOWN
        if certainty:
            self.fields["certainty"] = forms.TypedChoiceField(
                choices=CERTAINTY_CHOICES,
                coerce=int,
                label="How sure are you?",
                error_messages={"required": "Say how sure you are: it decides the mark."},
            )

    def full_clean(self) -> None:
        """An unchecked form has no errors, like an unbound one: drawn in place of the one on
        screen, it must not say again what an earlier send was told ("Choose one answer.")
        beside a refusal that judged nothing. Never valid, so nothing grades it by mistake."""
        if self.checked:
            super().full_clean()
            return
        self._errors = ErrorDict(renderer=self.renderer)
        self.cleaned_data = {}

    def is_valid(self) -> bool:
        return self.checked and super().is_valid()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        assert data is not None  # Form.clean() gives cleaned_data
        self.kind.clean_form(self, data)
        return data

    def response(self) -> dict[str, Any]:
        """The cleaned answer with the text the learner chose (call after is_valid())."""
        return self.kind.response(self)

    def certainty(self) -> int | None:
        """How sure the learner said they were (1-3), or None when not asked or not given."""
        if "certainty" not in self.fields:
            return None
        if hasattr(self, "cleaned_data") and self.cleaned_data.get("certainty"):
            return self.cleaned_data["certainty"]
        raw = self.data.get("certainty") if self.is_bound else None
        return int(raw) if raw in {"1", "2", "3"} else None

    def certainty_options(self) -> list[dict]:
        """The certainty radios, with the one to show chosen (posted, else saved)."""
        if "certainty" not in self.fields:
            return []
        chosen = self.data.get("certainty") if self.is_bound else str(self.saved_certainty or "")
        return [
            {
                "value": str(c.value),
                "label": c.label,
                "right": c.right,
                "wrong": c.wrong,
                "checked": str(c.value) == chosen,
            }
            for c in CERTAINTY_LEVELS
        ]

    def draft(self) -> dict[str, Any] | None:
        """What to keep when the input does not validate: its text as the database keeps it (a
        crafted post's NUL in a policy draft was a 500 on PostgreSQL, `without_nul`)."""
        draft = self.kind.draft(self)
        if draft is None:
            return None
        return {
            name: without_nul(value) if isinstance(value, str) else value
            for name, value in draft.items()
        }

    def texts(self) -> dict[str, str]:
        return {e["id"]: e["text"] for e in self.entries}

    # --- drawing --------------------------------------------------------------------------

    def current(self, name: str) -> Any:
        """What control `name` should show: what was just posted, else what was saved."""
        if self.is_bound:
            field = self.fields.get(name)
            if isinstance(field, forms.MultipleChoiceField):
                # Bound to a request's POST, or a QueryDict made like one (views._pending_form).
                assert isinstance(self.data, QueryDict)
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

    def pattern_text(self) -> str:
        """The event pattern a route-the-findings question's textarea shows
        (`quizzes.kinds.route_findings`)."""
        return self.kind.pattern_text(self)
