"""Knowledge checks inside lessons, graded by the question kinds.

- **Predict first**: each scenario in a lesson asks the learner what AWS decides (and, if they
  like, which statement decided it) before it shows the answer. A prediction is graded as a
  policy-decision question on the scenario, so the engine decides the key, never the file's
  `expect`.
- **`::: check <slug>`**: a question from the quiz files, answered in place with its kind's
  form, grading and feedback.

A signed-in learner's first answer is kept (`lessons.knowledge_checks.record`). This module is
registered with `lessons.hooks`, so lessons draws the checks without importing quizzes.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from functools import partial
from types import MappingProxyType

from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils.functional import SimpleLazyObject

from lessons import knowledge_checks
from lessons.hooks import PREDICTION, QUESTION, CheckView, QuizLink
from lessons.markdown import unknown_check_message
from lessons.models import Lesson, Scenario
from quizzes import attempts
from quizzes.forms import AnswerForm
from quizzes.grading import grade
from quizzes.kinds import Grade
from quizzes.kinds.choices import gone_choices
from quizzes.models import Question, Quiz
from srm_trainer.accounts.roles import sees_drafts
from srm_trainer.kept_urls import kept_reverse
from srm_trainer.prepared import MAX_INTS, PreparedQuery, instance

log = logging.getLogger(__name__)


# --- predictions --------------------------------------------------------------------------


def prediction_question(scenario: Scenario, *, ask_statement: bool = True) -> Question:
    """The scenario as an (unsaved) policy-decision question: the kind's form and grading, and
    the scenario's explanation as the question's."""
    return Question(
        slug=f"predict-{scenario.slug}",
        type="policy_decision",
        scenario=scenario,
        ask_statement=ask_statement,
        prompt="",
        explanation=scenario.explanation,
    )


def prediction_form(scenario: Scenario, data=None, *, checked: bool = True) -> AnswerForm:
    """Decision required; the deciding statement is optional (an extra, for those who want it).
    `checked=False`: as sent, not judged (`AnswerForm`)."""
    form = AnswerForm(prediction_question(scenario), None, data, checked=checked)
    form.fields["statement"].required = False
    return form


class _Offered(SimpleLazyObject):
    """A prediction's form as first offered (unbound, nothing filled in), built only if the
    page draws it: a lesson page draws a kept scenario card instead (lessons/pages.py, which
    asks only these two to know the card is everyone's), and built there it was ~a tenth of a
    lesson page with three scenarios."""

    is_bound = False
    initial: MappingProxyType[str, object] = MappingProxyType({})


def predict(scenario: Scenario, data) -> tuple[AnswerForm, Question, dict | None, Grade | None]:
    """Grade a posted prediction: (form, question graded, response, grade); the last two are
    None when the form is not valid (no decision chosen)."""
    form = prediction_form(scenario, data)
    if not form.is_valid():
        return form, form.question, None, None
    if form.cleaned_data.get("statement"):
        question, response = form.question, form.response()
    else:
        question = prediction_question(scenario, ask_statement=False)
        response = {"decision": form.cleaned_data["decision"]}
    return form, question, response, grade(question, response)


def prediction_view(
    *, request, lesson: Lesson, scenario: Scenario, data, refused: str = ""
) -> CheckView:
    """Answer one prediction (a POST): graded, and kept for a signed-in learner. `refused`:
    why it is not looked at (over the rate limit): the form comes back as sent, unchecked."""
    action = _action(lesson, PREDICTION, scenario.slug)
    if refused:
        form = prediction_form(scenario, data, checked=False)
        return CheckView(PREDICTION, scenario.slug, action, form.question, form, refused=refused)
    form, question, response, result = predict(scenario, data)
    view = CheckView(PREDICTION, scenario.slug, action, question)
    if result is None:
        view.form = form
        return view
    assert response is not None  # predict() grades only a response it read
    kept = knowledge_checks.record(
        user=request.user,
        lesson=lesson,
        kind=PREDICTION,
        ref=scenario.slug,
        response=response,
        score=result.score,
        correct=result.correct,
    )
    view.result, view.response = result, response
    view.recorded, view.just_answered = kept is not None, True
    return view


# --- questions placed in a lesson -----------------------------------------------------------


def lesson_questions(slugs) -> dict[str, Question]:
    """The usable questions among `slugs` (one query); an unknown, archived or broken one is
    left out (logged), and its place in the lesson shows nothing."""
    return {q.slug: q for q in attempts.unarchived_by_slug(slugs) if q.is_usable()}


def check_problems(slugs, *, explain: bool = True) -> dict[str, str]:
    """{slug: why} for each of `slugs` a lesson cannot show (`lessons.hooks.check_problems`):
    one query, and the bank's slugs when one names no question, for a hint; without `explain`
    only which, in the query a lesson page makes (`lesson_questions`)."""
    slugs = list(slugs)
    if not explain:  # which, not why (progress pages): the lesson page's own query
        shown = lesson_questions(slugs)
        return {slug: "not shown" for slug in slugs if slug not in shown}
    found = {q.slug: q for q in Question.objects.filter(slug__in=slugs).select_related("scenario")}
    out = {}
    known: list[str] | None = None
    for slug in slugs:
        question = found.get(slug)
        if question is None:
            if known is None:
                known = list(Question.objects.filter(archived=False).values_list("slug", flat=True))
            out[slug] = unknown_check_message(slug, known)
        elif question.archived:
            out[slug] = f"'::: check {slug}' names an archived question (learners never see it)"
        elif not question.is_usable():
            problem = question.quick_problems()[0].message
            out[slug] = f"'::: check {slug}' names a broken question ({problem})"
    return out


def question_view(
    *, request, lesson: Lesson, question: Question, data, refused: str = ""
) -> CheckView:
    """Answer one in-lesson question (a POST) with its kind's form and grading. `refused`: why
    it is not looked at (over the rate limit): the form comes back as sent, unchecked."""
    shown = data.getlist("shown")[:50] or None
    form = AnswerForm(question, shown, data, checked=not refused)
    view = CheckView(QUESTION, question.slug, _action(lesson, QUESTION, question.slug), question)
    view.quiz = module_quizzes(user=request.user, module_ids=[lesson.module_id]).get(
        lesson.module_id
    )
    if refused:
        view.form, view.refused = form, refused
        return view
    if not form.is_valid():
        view.form = form
        return view
    response = form.response()
    result = grade(question, response)
    kept = knowledge_checks.record(
        user=request.user,
        lesson=lesson,
        kind=QUESTION,
        ref=question.slug,
        response=response,
        score=result.score,
        correct=result.correct,
    )
    view.result, view.response = result, response
    view.recorded, view.just_answered = kept is not None, True
    return view


# --- what lessons asks for (registered in apps.py) -------------------------------------------


def _action(lesson: Lesson, kind: str, ref: str) -> str:
    name = "lesson-predict" if kind == PREDICTION else "lesson-check"
    return kept_reverse(name, args=[lesson.module.slug, lesson.slug, ref])


def _regraded(question: Question, response: dict):
    """A recorded answer's grade, drawn again from the stored response; None if the content
    changed so much that it can no longer be graded (the form is offered again)."""
    try:
        return grade(question, response)
    except Exception:  # noqa: BLE001 - a stale answer must never break the lesson page
        log.warning("cannot re-grade a stored answer to %s", question.slug, exc_info=True)
        return None


def _as_recorded(question: Question, row) -> Grade:
    """A recorded answer whose choice a course update took out or reworded (`keep_ids`): as it
    was marked when given, with the question's answer now. Graded again, it would read as not
    right whatever it was, as the choice it names is gone."""
    kind = question.kind
    key = kind.key(question) if kind else {}
    return Grade(row.score or 0.0, bool(row.correct), key)


def check_views(*, request, lesson, scenarios, slugs, answered, posted) -> dict:
    """Every knowledge check of a lesson page: the one just posted as it is, a recorded answer
    with its feedback, the rest as forms."""
    out = dict(posted)
    for scenario in scenarios:
        key = (PREDICTION, scenario.slug)
        if key in out:
            continue
        # The question and form are made only if drawn (`_Offered`): a kept card draws neither.
        view = CheckView(
            PREDICTION,
            scenario.slug,
            _action(lesson, *key),
            SimpleLazyObject(partial(prediction_question, scenario)),
        )
        row = answered.get(key)
        if row is not None:
            question = prediction_question(scenario, ask_statement="statement" in row.response)
            view.result = _regraded(question, row.response)
            view.question, view.response, view.recorded = question, row.response, True
        if view.result is None:
            view.form = _Offered(partial(prediction_form, scenario))
        out[key] = view
    wanted = [slug for slug in slugs if (QUESTION, slug) not in out]
    questions = lesson_questions(wanted) if wanted else {}
    quiz = None
    if questions:
        quiz = module_quizzes(user=request.user, module_ids=[lesson.module_id]).get(
            lesson.module_id
        )
    for slug in wanted:
        if slug not in questions:
            continue
        question = questions[slug]
        view = CheckView(QUESTION, slug, _action(lesson, QUESTION, slug), question, quiz=quiz)
        row = answered.get((QUESTION, slug))
        if row is not None:
            view.result = _regraded(question, row.response)
            if gone_choices(question, row.response):
                view.result = _as_recorded(question, row)
            view.response, view.recorded = row.response, True
        if view.result is None:
            view.form = AnswerForm(question)
        out[(QUESTION, slug)] = view
    return out


def module_quizzes(*, user, module_ids, standing: bool = False) -> dict[int, QuizLink]:
    """Each module's first quiz this person may take and can start (`QuizQuerySet.askable`:
    one with no question to ask is passed over, as course progress passes it over) (one
    query; on a lesson page, for its module: SQL compiled once per number of modules and for
    staff or not). `standing`: for a
    signed-in learner, whether they passed each and their best score, as the quiz list reads
    them (`attempts.by_quiz`, one query more)."""
    module_ids = list(module_ids)
    staff = sees_drafts(user)  # staff past the admin's two-factor rule: drafts too
    if len(module_ids) <= MAX_INTS and None not in module_ids:
        rows = _module_quizzes_query(staff, len(module_ids)).rows(*module_ids)
        quizzes = [instance(Quiz, row, _QUIZ_LINK) for row in rows]
    else:
        quizzes = list(
            Quiz.objects.visible_to(user)
            .filter(module_id__in=module_ids)
            .askable()
            .order_by(*_COURSE_FIRST)
            .only(*_QUIZ_LINK)
        )
    out: dict[int, QuizLink] = {}
    firsts: dict[int, int] = {}  # module id: its quiz's id
    for quiz in quizzes:
        assert quiz.module_id is not None  # found by module_id IN (...), which NULL never is
        if quiz.module_id not in out:  # the first: the others' addresses are not worked out
            out[quiz.module_id] = QuizLink(quiz.title, quiz.get_absolute_url())
            firsts[quiz.module_id] = quiz.pk
    if standing and firsts and getattr(user, "is_authenticated", False):
        mine = attempts.by_quiz(Q(user=user), list(firsts.values()))
        for module_id, quiz_id in firsts.items():
            if (row := mine.get(quiz_id)) is not None:
                out[module_id] = replace(
                    out[module_id], passed=bool(row["passed"]), best=row["best"]
                )
    return out


_QUIZ_LINK = ("id", "slug", "title", "module_id")  # in Quiz's field order (`instance`)
# A module's quiz is the course's own (no owner) before any instructor's filed under it, as
# progress counts only the course's (`certificates.progress`): the box named an instructor's
# quiz of a lower `order` "Module quiz", and "You have passed it" beside a module not complete.
_COURSE_FIRST = (ExpressionWrapper(Q(owner__isnull=False), BooleanField()), "order", "slug")
_MODULE_QUIZZES: dict[tuple[bool, int], PreparedQuery] = {}


def _module_quizzes_query(staff: bool, count: int) -> PreparedQuery:
    query = _MODULE_QUIZZES.get((staff, count))
    if query is None:
        quizzes = Quiz.objects.all() if staff else Quiz.objects.published()
        query = _MODULE_QUIZZES[(staff, count)] = PreparedQuery(
            Quiz,
            ["int"] * count,
            # One module (a module's page, a lesson's): its first quiz alone, not every quiz
            # of a module that has a hundred.
            lambda *ids: (
                quizzes.filter(module_id__in=ids)
                .askable()
                .order_by(*_COURSE_FIRST)
                .values_list(*_QUIZ_LINK)[: 1 if len(ids) == 1 else None]
            ),
        )
    return query
