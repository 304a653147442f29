"""Extension points for the app built on lessons (quizzes), which lessons never imports.

quizzes registers plain functions here from its `AppConfig.ready()`. With none registered, a
lesson still reads well: each scenario shows its answer behind a disclosure, `::: check`
markers show nothing and no module quiz is linked.

- **Checks** prepare a lesson's knowledge checks (a prediction per scenario, a question per
  `::: check <slug>`): `checks(*, request, lesson, scenarios, slugs, answered, posted)`
  returns {(kind, ref): CheckView}. `answered` holds the learner's recorded answers
  ({(kind, ref): KnowledgeCheck}); `posted` the views a POST just produced, used as they are.
  The lesson template's `prediction` and `check` partials draw the views.
- **Module quizzes** name each module's quiz: `module_quizzes(*, user, module_ids)` returns
  {module id: QuizLink} for the quizzes this person may take.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

PREDICTION = "prediction"
QUESTION = "question"


@dataclass(frozen=True)
class QuizLink:
    title: str
    url: str


@dataclass
class CheckView:
    """One knowledge check as the lesson page draws it: the form until it is answered, then
    the result. `form`, `question` and `result` are the provider's (a form of the question's
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


_checks: list[Callable[..., dict]] = []
_module_quizzes: list[Callable[..., dict]] = []


def register_checks(provider: Callable[..., dict]) -> None:
    if provider not in _checks:  # ready() may run twice (tests, autoreload)
        _checks.append(provider)


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


def module_quizzes(*, user, module_ids) -> dict[int, QuizLink]:
    found: dict[int, QuizLink] = {}
    for provider in _module_quizzes:
        found |= provider(user=user, module_ids=list(module_ids))
    return found
