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


# The most quizzes a menu of "your quizzes" lists: the most recently edited, as the question
# bank's "add to" chooser and the import's "Add the questions to a quiz" do, the quiz already
# chosen added. Staff's menus would list every teacher's quizzes, and quizzes have no
# ceiling: 3,000 made the import page 57 ms more (~19 µs and ~45 bytes an entry).
MENU_QUIZZES = 100


def recent_menu(quizzes, *, chosen: Quiz | int | None = None) -> tuple[list[Quiz], bool]:
    """The `MENU_QUIZZES` of `quizzes` most recently edited, by title, with `chosen` (a quiz,
    or the key of one of `quizzes`) among them, and whether any were left out: one query, a
    row more than it lists, and one more for a chosen quiz not among them."""
    rows = list(quizzes.order_by("-updated_at", "-pk")[: MENU_QUIZZES + 1])
    more = len(rows) > MENU_QUIZZES
    listed = rows[:MENU_QUIZZES]
    key = chosen.pk if isinstance(chosen, Quiz) else chosen
    if key is not None and key not in {quiz.pk for quiz in listed}:
        found = chosen if isinstance(chosen, Quiz) else quizzes.filter(pk=key).first()
        listed += [found] if found is not None else []
    return sorted(listed, key=lambda quiz: (quiz.title.casefold(), quiz.pk)), more


class _QuizMenu(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for quiz, label in labelled(self._quizzes()):
            yield ModelChoiceIteratorValue(self.field.prepare_value(quiz), quiz), label

    def __len__(self) -> int:
        return len(list(self._quizzes())) + (self.field.empty_label is not None)

    def _quizzes(self) -> Iterable[Quiz]:
        menu = getattr(self.field, "menu", None)
        return self.queryset if menu is None else menu


class QuizChoiceField(forms.ModelChoiceField):
    """`ModelChoiceField` for quizzes, labelled as `labelled` says. `menu`, when set, is the
    quizzes the menu lists (`recent_menu`); any quiz of the queryset is still accepted, so a
    link naming a quiz the menu leaves out still works."""

    iterator = _QuizMenu
    menu: list[Quiz] | None = None
