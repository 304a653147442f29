"""Forms for quiz settings and for what every question has (prompt, explanation, where it
belongs). The kind-specific parts are in `teach.editors`."""

from __future__ import annotations

import re

from django import forms

from lessons.models import Lesson, Module
from quizzes.models import Quiz

_TAG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


class QuizForm(forms.ModelForm):
    """Every setting of a quiz except its slug (made from the title when it is created).
    `Quiz.clean()` runs on save, so the limits are the loader's and the admin's."""

    class Meta:
        model = Quiz
        fields = [
            "title",
            "description",
            "module",
            "pass_mark",
            "attempts_allowed",
            "shuffle_questions",
            "shuffle_choices",
            "feedback",
            "draw_category",
            "draw_count",
            "time_limit",
            "published",
        ]
        labels = {
            "pass_mark": "Pass mark (percent)",
            "attempts_allowed": "Attempts allowed",
            "shuffle_questions": "Shuffle the questions for each attempt",
            "shuffle_choices": "Shuffle the choices and items for each attempt",
            "feedback": "When learners see feedback",
            "draw_category": "Draw questions from this category",
            "draw_count": "How many questions to draw",
            "time_limit": "Time limit (minutes)",
            "published": "Published (learners can see and take it)",
        }
        help_texts = {
            "attempts_allowed": "0 means unlimited.",
            "module": "Leave empty for a mixed review.",
            "draw_category": "Leave empty to use the questions listed on the quiz's page.",
            "draw_count": "0 unless a category is given.",
            "description": "Shown on the quiz's page.",
            "time_limit": "Leave empty for no limit. When it passes, an attempt is submitted as "
            "it stands (unanswered questions score zero).",
        }
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["module"].queryset = Module.objects.order_by("order", "slug")
        self.fields["draw_category"].widget.attrs["list"] = "known-categories"


class QuestionForm(forms.Form):
    """The parts every kind shares. Not a ModelForm: the kind's checks report on `data`,
    which no form field shows, so the view maps `Question.clean()`'s errors itself."""

    prompt = forms.CharField(
        label="Prompt (Markdown)",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=5000,
        error_messages={"required": "Write the question's prompt."},
    )
    explanation = forms.CharField(
        label="Explanation shown after answering (Markdown)",
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=10000,
        error_messages={"required": "Write an explanation: learners read it after answering."},
    )
    category = forms.SlugField(
        label="Bank category",
        max_length=100,
        help_text="Lower-case words joined by dashes; a quiz can draw questions from it.",
    )
    module = forms.ModelChoiceField(
        queryset=Module.objects.order_by("order", "slug"), required=False
    )
    lesson = forms.ModelChoiceField(
        queryset=Lesson.objects.select_related("module").order_by("module__order", "order"),
        required=False,
        label="Lesson that teaches it",
    )
    misconceptions = forms.CharField(
        required=False,
        max_length=500,
        label="Misconception tags",
        help_text="Comma-separated, e.g. thinks-aws-patches-guest-os.",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["category"].widget.attrs["list"] = "known-categories"

    def clean_misconceptions(self) -> list[str]:
        raw = self.cleaned_data.get("misconceptions") or ""
        tags = [t.strip().lower() for t in raw.split(",") if t.strip()]
        bad = [t for t in tags if not _TAG.match(t)]
        if bad:
            raise forms.ValidationError(
                f"{bad[0]!r} is not a tag: use lower-case words joined by dashes."
            )
        return list(dict.fromkeys(tags))
