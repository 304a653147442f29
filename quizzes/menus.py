"""A menu of quizzes (a <select>) in which two quizzes with one title can be told apart.

Titles are not unique (a copy keeps its original's title with " (copy)", and two instructors
may both write "Week 1"), so a menu of titles alone could offer two entries that read the same:
the instructor picks one and may import into, or assign, the other. A title that appears more
than once in the menu is followed by its quiz's slug, which is unique.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from django import forms
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue

from quizzes.models import Quiz


def labelled(quizzes: Iterable[Quiz]) -> list[tuple[Quiz, str]]:
    """Each quiz with its menu label: its title, and its slug too where the title repeats."""
    quizzes = list(quizzes)  # the labels depend on every title
    repeated = {title for title, n in Counter(q.title for q in quizzes).items() if n > 1}
    return [(q, f"{q.title} ({q.slug})" if q.title in repeated else q.title) for q in quizzes]


class _QuizMenu(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for quiz, label in labelled(self.queryset):
            yield ModelChoiceIteratorValue(self.field.prepare_value(quiz), quiz), label


class QuizChoiceField(forms.ModelChoiceField):
    """`ModelChoiceField` for quizzes, labelled as `labelled` says."""

    iterator = _QuizMenu
