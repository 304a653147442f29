"""Extension points for apps built on lessons (quizzes, glossary), which lessons never imports.

Apps register plain functions here from their `AppConfig.ready()`. With none registered, a
lesson still reads well: its body shows exactly as rendered, each scenario shows its answer
behind a disclosure, `::: check` markers show nothing and no module quiz is linked.

- **Body filters** rewrite a lesson's sanitized body HTML before its diagrams are inserted:
  `body_filter(html, *, lesson)` returns the new HTML (the glossary links first uses of its
  terms this way). A filter must keep the HTML safe: it receives sanitized HTML and may only
  add markup it built itself.
- **Checks** prepare a lesson's knowledge checks (a prediction per scenario, a question per
  `::: check <slug>`): `checks(*, request, lesson, scenarios, slugs, answered, posted)`
  returns {(kind, ref): CheckView}. `answered` holds the learner's recorded answers
  ({(kind, ref): KnowledgeCheck}); `posted` the views a POST just produced, used as they are.
  The lesson template's `prediction` and `check` partials draw the views.
- **Check questions** say which `::: check` slugs a lesson cannot show:
  `check_problems(slugs, *, explain)` returns {slug: why} for each (no such question, an
  archived or a broken one). The admin refuses a lesson body naming one; progress counts only
  the others.
- **Content files** name the file the next `load_curriculum` writes a row from:
  `content_file(obj)` returns "lessons/content/iam/03-policies.md" or None (the curriculum
  app's `curriculum.shipped.shipped_file`); the admin shows it on the row's pages.
- **Module quizzes** name each module's quiz: `module_quizzes(*, user, module_ids)` returns
  {module id: QuizLink} for the quizzes this person may take; with `standing=True` (the
  module page), a signed-in learner's passed or best score on each, in one query more.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

K = TypeVar("K")

PREDICTION = "prediction"
QUESTION = "question"


@dataclass(frozen=True)
class QuizLink:
    title: str
    url: str
    # With `standing` asked for a signed-in learner: passed it, else their best score (0-1)
    # so far, None before any scored attempt.
    passed: bool = False
    best: float | None = None


@dataclass
class CheckView:
    """One knowledge check as the lesson page draws it: the form until it is answered, then
    the result; with `refused`, the form as it was sent (unchecked) and why nothing was
    checked. `form`, `question` and `result` are the provider's (a form of the question's
    kind, the question, its grade); the templates only read them."""

    kind: str  # PREDICTION or QUESTION
    ref: str  # the scenario's or question's slug
    action: str  # where the form posts
    question: Any
    form: Any = None
    result: Any = None  # the grade, once answered
    response: dict | None = None  # the answer that was graded
    recorded: bool = False  # kept for a signed-in learner (this time or before)
    just_answered: bool = False  # answered by the request drawing it
    quiz: QuizLink | None = None  # a check's way on: the module's quiz
    refused: str = ""  # why the answer sent was not looked at (over the rate limit)


_checks: list[Callable[..., dict]] = []
_check_problems: list[Callable[..., dict[str, str]]] = []
_module_quizzes: list[Callable[..., dict]] = []


def register_checks(provider: Callable[..., dict]) -> None:
    if provider not in _checks:  # ready() may run twice (tests, autoreload)
        _checks.append(provider)


def register_check_problems(provider: Callable[..., dict[str, str]]) -> None:
    if provider not in _check_problems:
        _check_problems.append(provider)


def check_problems(slugs, *, explain: bool = True) -> dict[str, str]:
    """{slug: why a lesson cannot show it} for the `::: check` slugs among `slugs` that name no
    usable question; {} with no provider (nothing to say either way). `explain=False`: only
    which (a count needs no hint, and a hint reads the bank's slugs)."""
    slugs = list(dict.fromkeys(slugs))
    found: dict[str, str] = {}
    for provider in _check_problems:
        found |= provider(slugs, explain=explain) if slugs else {}
    return found


def shown_check_counts(found: Mapping[K, Iterable[str]]) -> dict[K, int]:
    """{key: how many of its `::: check` slugs a lesson page shows}, for each key's slugs (a
    lesson's, in its body): a marker whose question `check_problems` refuses shows nothing, so
    progress does not count it. One ask for every key's slugs."""
    dropped = check_problems([slug for slugs in found.values() for slug in slugs], explain=False)
    return {key: sum(slug not in dropped for slug in slugs) for key, slugs in found.items()}


def register_module_quizzes(provider: Callable[..., dict]) -> None:
    if provider not in _module_quizzes:
        _module_quizzes.append(provider)


def checks(*, request, lesson, scenarios, slugs, answered, posted) -> dict[tuple[str, str], Any]:
    found: dict[tuple[str, str], Any] = {}
    for provider in _checks:
        found |= provider(
            request=request,
            lesson=lesson,
            scenarios=scenarios,
            slugs=slugs,
            answered=answered,
            posted=posted,
        )
    return found


def module_quizzes(*, user, module_ids, standing: bool = False) -> dict[int, QuizLink]:
    found: dict[int, QuizLink] = {}
    for provider in _module_quizzes:
        found |= provider(user=user, module_ids=list(module_ids), standing=standing)
    return found


_body_filters: list[Callable[..., str]] = []


def register_body_filter(body_filter: Callable[..., str]) -> None:
    if body_filter not in _body_filters:  # ready() may run twice (tests, autoreload)
        _body_filters.append(body_filter)


def filter_body(html: str, *, lesson) -> str:
    for body_filter in _body_filters:
        html = body_filter(html, lesson=lesson)
    return html


_content_files: list[Callable[..., str | None]] = []


def register_content_file(provider: Callable[..., str | None]) -> None:
    if provider not in _content_files:  # ready() may run twice (tests, autoreload)
        _content_files.append(provider)


def content_file(obj) -> str | None:
    """The file the next load writes `obj` from, or None (none registered, or none names it)."""
    for provider in _content_files:
        found = provider(obj)
        if found:
            return found
    return None
