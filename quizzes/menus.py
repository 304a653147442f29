"""A menu of quizzes (a <select>) in which two quizzes with one title can be told apart.

Titles are not unique (a copy keeps its original's title with " (copy)", and two instructors
may both write "Week 1"), so a menu of titles alone could offer two entries that read the same:
the instructor picks one and may import into, or assign, the other. A title that appears more
than once in the menu is followed by its quiz's slug, which is unique.
"""

from __future__ import annotations

from collections import Counter

from django import forms
from django.forms.models import ModelChoiceIterator


class _QuizMenu(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        quizzes = list(self.queryset)  # read once: the labels depend on every title
        self.repeated = {t for t, n in Counter(q.title for q in quizzes).items() if n > 1}
        for quiz in quizzes:
            yield self.choice(quiz)

    def choice(self, obj):
        value, label = super().choice(obj)
        return value, f"{label} ({obj.slug})" if obj.title in self.repeated else label


class QuizChoiceField(forms.ModelChoiceField):
    """`ModelChoiceField` for quizzes, labelled by title (with the slug where a title repeats)."""

    iterator = _QuizMenu

    def label_from_instance(self, obj) -> str:
        return obj.title
