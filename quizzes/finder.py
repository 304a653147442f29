"""Finding a quiz by a few typed words, for the cohort assignment form (`srm_trainer.finder`).
Its menu drew every quiz the instructor may assign: 1,000 options at 100 times the course
(98 KB of the page's HTML). The quiz is typed as its address (its slug, unique) or its title,
the browser suggesting at most `MATCHES` (a <datalist> htmx fills as the instructor types).

Which quizzes may be chosen is the caller's queryset, nothing else: the suggestions are drawn
from it and a typed address or id is looked up in it, so a quiz outside it (another
instructor's, a draft, one assigned already) is neither offered nor taken."""

from __future__ import annotations

from django import forms
from django.db.models import Q, QuerySet

from lessons.models import Source
from quizzes.models import Quiz
from srm_trainer import finder as shared
from srm_trainer.finder import MATCHES, MAX_QUERY

__all__ = ["MATCHES", "MAX_QUERY", "QuizField", "find", "named"]

OPTIONS_ID = "quiz-options"  # the <datalist> of the quiz field's suggestions
MAX_ADDRESS = 250  # characters of a typed address or title read (a slug holds 100, a title 200)
# What a suggestion shows and a search reads: never the quiz's texts.
COLUMNS = ("pk", "slug", "title", "source", "owner_id")
WORDING = shared.Wording(
    one="quiz",
    many="quizzes",
    empty="No quiz to assign here: publish one of yours first.",
    first="The first {n} quizzes by title; type a word of a title to find others.",
    every="All {count} you may assign here.",
    no_match="No quiz you may assign here matches “{typed}”.",
)
NOT_A_QUIZ = (
    "“%(value)s” is not a quiz you may assign to this cohort. Type its address (such as "
    "iam-quiz) or its whole title, or choose one of the suggestions."
)
TWO_TITLED = (
    "%(n)s quizzes you may assign are titled “%(value)s”. Type the address of the one you mean "
    "(the suggestions show each one's)."
)


def whose(quiz: Quiz, user) -> str:
    """Where a quiz comes from, as its suggestion says it."""
    if quiz.source == Source.FILE:
        return "curriculum"
    return "yours" if user is not None and quiz.owner_id == user.pk else "another instructor's"


def find(quizzes: QuerySet[Quiz], query: str, user=None) -> shared.Found:
    """At most `MATCHES` of `quizzes` whose title or address holds every typed word (case
    aside; "iam-quiz" is two words), by title, as (address, "title · whose") suggestions."""
    query = str(query)[:MAX_QUERY]
    rows = shared.matching(
        quizzes.only(*COLUMNS).order_by("title", "slug"), query, ("title", "slug"), separators="-"
    )
    found, more = shared.first(rows, MATCHES)
    options = [(quiz.slug, f"{quiz.title} · {whose(quiz, user)}") for quiz in found]
    return shared.Found(query, options, more, WORDING)


def named(quizzes: QuerySet[Quiz], text: object) -> list[Quiz]:
    """The quizzes among `quizzes` that `text` names: the one with this id or address, else
    those with this title (case aside), at most two read; none for anything else (a
    paragraph, a 40-digit number)."""
    text = shared.typed_text(text)
    if not text or len(text) > MAX_ADDRESS:
        return []
    match = Q(slug=text) | Q(title__iexact=text)
    if shared.PLAIN_KEY.match(text):
        match |= Q(pk=int(text))
    rows = list(quizzes.filter(match).order_by("pk")[:3])
    exact = [q for q in rows if str(q.pk) == text] or [q for q in rows if q.slug == text]
    return exact[:1] or rows


class QuizField(forms.Field):
    """A quiz among `queryset`, typed as its address or title (or its id: a page drawn before,
    a script). It was a <select> of every quiz the instructor may assign."""

    widget = forms.TextInput
    default_error_messages = {"invalid_choice": NOT_A_QUIZ, "two_titled": TWO_TITLED}

    def __init__(self, *, queryset: QuerySet[Quiz] | None = None, **kwargs):
        super().__init__(**kwargs)
        self.queryset = queryset if queryset is not None else Quiz.objects.none()

    def prepare_value(self, value):
        """Shown as its address: a quiz, or its id (one row read), or what was typed."""
        if isinstance(value, Quiz):
            return value.slug
        if isinstance(value, int) or (isinstance(value, str) and shared.PLAIN_KEY.match(value)):
            found = named(self.queryset, value)
            return found[0].slug if len(found) == 1 else str(value)
        return value

    def to_python(self, value) -> Quiz | None:
        text = shared.typed_text(value)
        if not text:
            return None
        found = named(self.queryset, text)
        if len(found) == 1:
            return found[0]
        if found:
            raise forms.ValidationError(
                self.error_messages["two_titled"],
                code="two_titled",
                params={"value": found[0].title, "n": "Two" if len(found) == 2 else "Several"},
            )
        raise forms.ValidationError(
            self.error_messages["invalid_choice"],
            code="invalid_choice",
            params={"value": text[:80]},
        )
