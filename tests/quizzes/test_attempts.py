"""Attempt services: fixed order, limits, autosave, checked answers lock, submit counts once."""

from __future__ import annotations

import random

import pytest
from django.db.models import Q

from quizzes import attempts, review
from quizzes.models import Answer, Attempt, Question, ReviewCard
from tests.quizzes.builders import (
    make_attempt,
    make_question,
    make_quiz,
    right_response,
    wrong_response,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz():
    return make_quiz(
        make_question("single"), make_question("true_false"), make_question("multiple")
    )


def test_an_attempt_fixes_the_question_and_choice_order_at_start(learner):
    questions = [make_question("single") for _ in range(6)]
    quiz = make_quiz(*questions, shuffle_questions=True, shuffle_choices=True)
    attempt = attempts.attempt_start(quiz=quiz, user=learner, rng=random.Random(4))
    assert sorted(attempt.question_ids) == sorted(q.pk for q in questions)
    assert attempt.question_ids != [q.pk for q in questions]  # shuffled with this seed
    layout = attempt.layout[str(questions[0].pk)]
    assert sorted(layout) == sorted(questions[0].layout_ids())
    stored = Attempt.objects.get(pk=attempt.pk)
    assert (stored.question_ids, stored.layout) == (attempt.question_ids, attempt.layout)


def test_starting_again_resumes_the_unfinished_attempt(learner, quiz):
    first = make_attempt(quiz, learner)
    assert make_attempt(quiz, learner).pk == first.pk
    assert Attempt.objects.count() == 1


def test_the_attempt_limit_counts_every_started_attempt(learner, other_learner, quiz):
    quiz.attempts_allowed = 2
    quiz.save()
    for _ in range(2):
        attempts.attempt_submit(attempt=make_attempt(quiz, learner))
    with pytest.raises(attempts.AttemptLimitReached, match="all 2 attempt"):
        make_attempt(quiz, learner)
    assert make_attempt(quiz, other_learner)  # limits are per learner


def test_anonymous_learners_are_told_apart_by_their_session_key(quiz):
    mine = make_attempt(quiz, session_key="key-1")
    theirs = make_attempt(quiz, session_key="key-2")
    assert mine.pk != theirs.pk
    with pytest.raises(ValueError):
        make_attempt(quiz)


def test_a_quiz_that_draws_takes_n_questions_from_its_category(learner):
    bank = [make_question("true_false", category="bank") for _ in range(5)]
    make_question("true_false", category="elsewhere")
    quiz = make_quiz(draw_category="bank", draw_count=3)
    attempt = make_attempt(quiz, learner)
    assert len(attempt.question_ids) == 3
    assert set(attempt.question_ids) <= {q.pk for q in bank}


def test_autosave_keeps_one_row_per_question_with_the_latest_answer(learner, quiz):
    attempt = make_attempt(quiz, learner)
    q = quiz.questions.get(type="single")
    attempts.answer_save(attempt=attempt, question=q, response=wrong_response(q))
    attempts.answer_save(attempt=attempt, question=q, response=right_response(q))
    answer = Answer.objects.get(attempt=attempt, question=q)
    assert answer.response == right_response(q)
    assert answer.graded_at is None and answer.score is None  # not graded until checked/submitted


def test_a_checked_answer_is_graded_and_locked(learner, quiz):
    attempt = make_attempt(quiz, learner)
    q = quiz.questions.get(type="single")
    answer = attempts.answer_save(
        attempt=attempt, question=q, response=wrong_response(q), check=True
    )
    assert (answer.score, answer.correct) == (0.0, False)
    with pytest.raises(attempts.AnswerLocked):
        attempts.answer_save(attempt=attempt, question=q, response=right_response(q))
    assert Answer.objects.get(pk=answer.pk).response == wrong_response(q)


def test_answers_cannot_change_after_submit(learner, quiz):
    attempt = make_attempt(quiz, learner)
    attempts.attempt_submit(attempt=attempt)
    q = quiz.questions.first()
    with pytest.raises(attempts.AttemptClosed):
        attempts.answer_save(attempt=attempt, question=q, response={"answer": True})


def test_a_question_outside_the_attempt_is_refused(learner, quiz):
    attempt = make_attempt(quiz, learner)
    with pytest.raises(ValueError):
        attempts.answer_save(attempt=attempt, question=make_question(), response={})


def test_submit_grades_every_answer_and_scores_the_average(learner, quiz):
    attempt = make_attempt(quiz, learner)
    single = quiz.questions.get(type="single")
    tf = quiz.questions.get(type="true_false")
    attempts.answer_save(attempt=attempt, question=single, response=right_response(single))
    attempts.answer_save(attempt=attempt, question=tf, response=wrong_response(tf))
    attempt, submitted = attempts.attempt_submit(attempt=attempt)
    assert submitted
    assert attempt.score == pytest.approx(1 / 3)  # the unanswered question scores zero
    assert attempt.passed is False
    assert Answer.objects.get(attempt=attempt, question=single).correct is True
    assert Answer.objects.get(attempt=attempt, question=tf).feedback == {"key": True}


def test_submitting_twice_counts_once(learner, quiz):
    attempt = make_attempt(quiz, learner)
    stale_copy = Attempt.objects.get(pk=attempt.pk)
    first, did_first = attempts.attempt_submit(attempt=attempt)
    second, did_second = attempts.attempt_submit(attempt=stale_copy)
    assert (did_first, did_second) == (True, False)
    assert second.submitted_at == first.submitted_at
    # the missed questions went into the review queue once, not twice
    assert ReviewCard.objects.filter(user=learner).count() == 3
    assert set(ReviewCard.objects.values_list("reviews", flat=True)) == {1}


def test_pass_mark_is_inclusive(learner):
    q1, q2 = make_question("true_false"), make_question("true_false")
    quiz = make_quiz(q1, q2, pass_mark=50)
    attempt = make_attempt(quiz, learner)
    attempts.answer_save(attempt=attempt, question=q1, response=right_response(q1))
    attempt, _ = attempts.attempt_submit(attempt=attempt)
    assert attempt.passed is True


def test_anonymous_attempts_keep_no_review_queue(quiz):
    attempt = make_attempt(quiz, session_key="anon")
    attempts.attempt_submit(attempt=attempt)
    assert not ReviewCard.objects.exists()


def test_an_answer_created_by_a_concurrent_request_is_updated_not_duplicated(
    learner, quiz, monkeypatch
):
    """The race the conditional upsert handles: our UPDATE finds no row, then another request
    inserts it before our INSERT. We must land on that row, not fail or duplicate it."""
    attempt = make_attempt(quiz, learner)
    q = quiz.questions.get(type="true_false")
    attempts.answer_save(attempt=attempt, question=q, response={"answer": False})  # the other tab
    real_update = attempts._SAVE.update  # the save's UPDATE of the answer not yet graded
    calls = []

    def update_not_seeing_the_other_row_yet(values, *args):
        calls.append(args)
        if len(calls) == 1:
            return 0
        return real_update(values, *args)

    monkeypatch.setattr(attempts._SAVE, "update", update_not_seeing_the_other_row_yet)
    answer = attempts.answer_save(attempt=attempt, question=q, response={"answer": True})
    assert answer.response == {"answer": True}
    assert Answer.objects.filter(attempt=attempt, question=q).count() == 1
    assert len(calls) == 2  # the INSERT was skipped (the row exists), the second UPDATE found it


def test_an_answer_another_request_inserted_after_the_read_is_updated_not_duplicated(
    learner, quiz, monkeypatch
):
    """The race the INSERT that skips a conflict handles: our locked read finds no answer,
    then another request inserts it before our INSERT. We land on that row: one answer, ours."""
    attempt = make_attempt(quiz, learner)
    q = quiz.questions.get(type="true_false")
    attempts.answer_save(attempt=attempt, question=q, response={"answer": False})  # the other tab
    real_rows = attempts._OPEN_WITH_ANSWER.rows

    def read_before_the_other_tab_inserted(*args):
        [row] = real_rows(*args)
        return [[row[0], *[None] * (len(row) - 1)]]

    monkeypatch.setattr(attempts._OPEN_WITH_ANSWER, "rows", read_before_the_other_tab_inserted)
    answer = attempts.answer_save(attempt=attempt, question=q, response={"answer": True})
    assert answer.response == {"answer": True} and answer.pk is not None
    assert Answer.objects.get(attempt=attempt, question=q).response == {"answer": True}
    assert Answer.objects.filter(attempt=attempt).count() == 1


@pytest.mark.parametrize("read", ["pending", "none"])
def test_an_answer_another_request_graded_after_the_read_is_not_overwritten(
    learner, monkeypatch, read
):
    """The race the UPDATE's `graded_at IS NULL` guard handles (where the read locks nothing):
    our read finds the answer not graded (or none), then another tab's check grades it before
    our writes. The save and the check are refused, the graded row left as it was."""
    from srm_trainer.prepared import concrete_attnames

    q = make_question("true_false")
    attempt = make_attempt(make_quiz(q), learner)
    attempts.answer_save(attempt=attempt, question=q, response={"answer": False})
    real_rows = attempts._OPEN_WITH_ANSWER.rows
    read_first = real_rows(attempt.pk, q.pk)  # before the other tab's check
    attempts.answer_save(attempt=attempt, question=q, response={"answer": False}, check=True)
    graded = Answer.objects.filter(question=q).values().get()
    assert graded["graded_at"] is not None
    [row] = read_first
    if read == "none":
        row = [row[0], *[None] * (len(row) - 1)]
    assert row[1 + concrete_attnames(Answer).index("graded_at")] is None
    monkeypatch.setattr(attempts._OPEN_WITH_ANSWER, "rows", lambda *args: [row])
    for kwargs in ({}, {"check": True}):
        with pytest.raises(attempts.AnswerLocked):
            attempts.answer_save(attempt=attempt, question=q, response={"answer": True}, **kwargs)
        assert Answer.objects.filter(question=q).values().get() == graded


def test_a_save_locks_the_open_attempts_row_before_it_writes(learner, quiz):
    """So a submit cannot slip in between (FOR UPDATE where the database has it: of the
    attempt's row only, the answer being on the nullable side of the read's join)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    attempt = make_attempt(quiz, learner)
    q = quiz.questions.get(type="true_false")
    for response in ({"answer": False}, {"answer": True}):
        with CaptureQueriesContext(connection) as ctx:
            attempts.answer_save(attempt=attempt, question=q, response=response)
        sql = [c["sql"] for c in ctx.captured_queries]
        reads = [i for i, s in enumerate(sql) if s.startswith("SELECT") and "quizzes_attempt" in s]
        writes = [i for i, s in enumerate(sql) if s.startswith(("INSERT", "UPDATE"))]
        assert reads and writes and max(reads) < min(writes), sql
        if connection.features.has_select_for_update_of:
            assert sql[reads[-1]].endswith('FOR UPDATE OF "quizzes_attempt"'), sql[reads[-1]]


def test_a_first_answer_costs_the_queries_a_changed_one_does(learner):
    """A first save inserts the row where the save's UPDATE found none, and a first check (which
    read the answer before grading it, and found none) inserts it straight away: no savepoint
    and no IntegrityError to recover from, whatever the order of a learner's saves."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    questions = [make_question("true_false") for _ in range(2)]
    attempt = make_attempt(make_quiz(*questions), learner)

    def queries(question, **kwargs) -> list[str]:
        with CaptureQueriesContext(connection) as ctx:
            attempts.answer_save(attempt=attempt, question=question, **kwargs)
        return [c["sql"] for c in ctx.captured_queries]

    first_save = queries(questions[0], response={"answer": False})
    changed_save = queries(questions[0], response={"answer": True})
    first_check = queries(questions[1], response={"answer": True}, check=True)
    assert len(first_save) == len(changed_save) == len(first_check), (first_save, first_check)
    for sql in (first_save, first_check):
        assert len([s for s in sql if s.startswith("SAVEPOINT")]) <= 1  # the atomic block's only
        assert len([s for s in sql if s.startswith("INSERT")]) == 1
    assert not [s for s in first_check if s.startswith("UPDATE")]
    assert Answer.objects.get(question=questions[0]).response == {"answer": True}
    assert Answer.objects.get(question=questions[1]).is_graded


def test_a_graded_answer_is_refused_from_the_locked_read_without_writing(learner):
    """An autosave or check of an answer already graded (checked in a stale tab) is refused
    from what the save's locked read returned: no UPDATE or INSERT tried, the row as it was."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    questions = [make_question("true_false") for _ in range(2)]
    attempt = make_attempt(make_quiz(*questions), learner)
    q = questions[0]
    attempts.answer_save(attempt=attempt, question=q, response={"answer": False}, check=True)
    graded = Answer.objects.filter(pk=Answer.objects.get(question=q).pk).values().get()
    attempts.answer_save(attempt=attempt, question=questions[1], response={"answer": False})
    with CaptureQueriesContext(connection) as open_save:  # a changed answer's save
        attempts.answer_save(attempt=attempt, question=questions[1], response={"answer": True})
    changed = [c["sql"] for c in open_save.captured_queries if "SAVEPOINT" not in c["sql"]]
    assert len([s for s in changed if s.startswith("UPDATE")]) == 1  # (and no INSERT)
    for kwargs in ({}, {"check": True}, {"check": True, "certainty": 3}):
        locked = pytest.raises(attempts.AnswerLocked, match="already checked this answer")
        with CaptureQueriesContext(connection) as ctx, locked:
            attempts.answer_save(attempt=attempt, question=q, response={"answer": True}, **kwargs)
        sql = [c["sql"] for c in ctx.captured_queries if "SAVEPOINT" not in c["sql"]]
        assert not [s for s in sql if s.startswith(("UPDATE", "INSERT"))], sql
        assert len(sql) == len(changed) - 1, sql  # the changed save's, but its UPDATE
        assert Answer.objects.filter(question=q).values().get() == graded


def test_owned_attempt_reads_what_the_orm_reads_for_its_owner_only(
    learner, other_learner, django_assert_num_queries
):
    """Every attempt page starts with owned_attempt (SQL compiled once): the attempt, its quiz
    and the quiz's module (or none) equal the ORM's select_related rows, field for field, for
    the learner's own attempts, by user or by the learner key of their browser; never another's."""
    from django.forms.models import model_to_dict

    from tests.conftest import make_module

    def fields(obj):
        return (
            None
            if obj is None
            else {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}
        )

    with_module = make_quiz(make_question("single"), module=make_module(), time_limit=5)
    without = make_quiz(make_question("true_false"))
    mine = make_attempt(with_module, user=learner)
    anonymous = make_attempt(without, session_key="browser-key")
    theirs = make_attempt(without, user=other_learner)
    cases = [
        (mine, {"user_id": learner.pk, "learner_key": ""}),
        (mine, {"user_id": learner.pk, "learner_key": "browser-key"}),
        (anonymous, {"user_id": None, "learner_key": "browser-key"}),
        (anonymous, {"user_id": learner.pk, "learner_key": "browser-key"}),
    ]
    for expected, owner in cases:
        with django_assert_num_queries(1):
            found = attempts.owned_attempt(expected.pk, **owner)
            found.quiz.module  # noqa: B018 - read with it: no second query
        orm = Attempt.objects.select_related("quiz__module").get(pk=expected.pk)
        assert fields(found) == fields(orm) and model_to_dict(found) == model_to_dict(orm)
        assert fields(found.quiz) == fields(orm.quiz)
        assert fields(found.quiz.module) == fields(orm.quiz.module)
        assert found.deadline == orm.deadline and found.question_ids == orm.question_ids
    assert mine.quiz.module is not None and anonymous.quiz.module is None
    refused = [
        (theirs.pk, {"user_id": learner.pk, "learner_key": "browser-key"}),
        (anonymous.pk, {"user_id": None, "learner_key": "another-key"}),
        (anonymous.pk, {"user_id": learner.pk, "learner_key": ""}),
        (mine.pk, {"user_id": None, "learner_key": ""}),
        (mine.pk, {"user_id": other_learner.pk, "learner_key": ""}),
    ]
    for pk, owner in refused:
        assert attempts.owned_attempt(pk, **owner) is None, (pk, owner)


def test_owned_count_counts_what_the_owner_rule_lists(learner, other_learner):
    """A result page's "N attempts left" counts (SQL compiled once) the attempts the quiz page
    lists for this learner: their user's and their browser's anonymous ones, never another's."""
    quiz = make_quiz(make_question("true_false"))
    other_quiz = make_quiz(make_question("true_false"))
    make_attempt(quiz, user=learner)
    make_attempt(quiz, session_key="browser-key")
    make_attempt(quiz, session_key="another-key")
    make_attempt(quiz, user=other_learner)
    make_attempt(other_quiz, user=learner)
    make_attempt(other_quiz, session_key="browser-key")
    for user_id, key in [
        (learner.pk, ""),
        (learner.pk, "browser-key"),
        (None, "browser-key"),
        (None, ""),
        (other_learner.pk, "another-key"),
        (learner.pk + other_learner.pk, "no-such-key"),
    ]:
        owner = Q(pk__in=[])
        if user_id is not None:
            owner |= Q(user_id=user_id)
        if key:
            owner |= Q(user__isnull=True, learner_key=key)
        orm = Attempt.objects.filter(owner, quiz=quiz).count()
        assert attempts.owned_count(quiz.pk, user_id=user_id, learner_key=key) == orm
    assert attempts.owned_count(quiz.pk, user_id=learner.pk, learner_key="browser-key") == 2


def test_answers_by_question_reads_what_the_orm_reads(quiz, learner, django_assert_num_queries):
    """The answers of an attempt (SQL compiled once) equal the ORM's rows field for field:
    responses and feedback as JSON, times, scores, a checked one and a saved one; each knows
    its attempt without another query; another attempt's answers are not among them."""
    attempt = make_attempt(quiz, user=learner)
    other = make_attempt(make_quiz(*quiz.questions.all()), user=learner)
    first, second = (quiz.questions.get(pk=pk) for pk in attempt.question_ids[:2])
    attempts.answer_save(
        attempt=attempt, question=first, response=right_response(first), check=True
    )
    attempts.answer_save(attempt=attempt, question=second, response=wrong_response(second))
    attempts.answer_save(attempt=other, question=first, response=wrong_response(first))
    with django_assert_num_queries(1):
        found = attempts.answers_by_question(attempt)
        assert all(a.attempt is attempt for a in found.values())

    orm = {a.question_id: _fields(a) for a in Answer.objects.filter(attempt=attempt)}
    assert {pk: _fields(a) for pk, a in found.items()} == orm
    assert set(found) == {first.pk, second.pk} and found[first.pk].is_graded


def _fields(obj):
    if obj is None:
        return None
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def _read(found):
    """Questions with their lesson, its module and their scenario, field for field."""
    return [
        (
            _fields(q),
            _fields(q.lesson),
            _fields(q.lesson.module if q.lesson else None),
            _fields(q.scenario),
        )
        for q in found
    ]


def _mixed_attempt(learner) -> Attempt:
    """Questions with and without a lesson or a scenario, in a shuffled order."""
    from tests.conftest import make_lesson, make_module

    lesson = make_lesson(make_module())
    questions = [
        make_question("single", lesson=lesson),
        make_question("policy_decision", lesson=None),
        make_question("true_false", lesson=None),
        make_question("multiple", lesson=lesson),
    ]
    return make_attempt(make_quiz(*questions, shuffle_questions=True), user=learner)


def test_attempt_questions_read_what_the_orm_reads_in_the_attempts_order(
    learner, monkeypatch, django_assert_num_queries
):
    """An attempt's questions (SQL compiled once per number of questions) equal the ORM's
    select_related("lesson__module", "scenario") rows field for field, with or without a
    lesson or scenario, in the attempt's fixed order; past the prepared sizes, the ORM reads
    them the same way."""
    from lessons.models import Lesson

    attempt = _mixed_attempt(learner)

    orm = Question.objects.select_related("lesson__module", "scenario").in_bulk()
    expected = _read(orm[pk] for pk in attempt.question_ids)
    with django_assert_num_queries(1):
        found = attempts.attempt_questions(attempt)
        assert _read(found) == expected  # related rows came with it: no other query
    assert [q.pk for q in found] == attempt.question_ids
    assert isinstance(found[0], Question) and any(isinstance(q.lesson, Lesson) for q in found)
    monkeypatch.setattr(attempts, "MAX_INTS", 2)
    assert _read(attempts.attempt_questions(attempt)) == expected


def test_an_outline_has_every_usable_id_and_the_shown_questions_as_the_orm_reads_them(
    learner, monkeypatch, django_assert_num_queries
):
    """A page's read of an attempt (`attempt_outline`): the usable questions' ids in the
    attempt's order, and the questions at the positions asked for whole, field for field as
    the ORM's select_related rows (JSON parsed, times and flags converted), in one query; a
    long attempt past the prepared sizes gets the same."""
    attempt = _mixed_attempt(learner)
    orm = Question.objects.select_related("lesson__module", "scenario").in_bulk()
    for first, second in [(1, 2), (2, 4), (3, 3)]:
        with django_assert_num_queries(1):
            outline = attempts.attempt_outline(attempt, first, second)
            found = [outline.question(first), outline.question(second)]
        assert outline.ids == attempt.question_ids
        wanted = [attempt.question_ids[first - 1], attempt.question_ids[second - 1]]
        assert _read(found) == _read(orm[pk] for pk in wanted)
    monkeypatch.setattr(attempts, "MAX_INTS", 4)
    outline = attempts.attempt_outline(attempt, 2)
    assert outline.ids == attempt.question_ids
    assert _read([outline.question(2)]) == _read([orm[attempt.question_ids[1]]])


def test_answered_names_every_answered_question_and_reads_one_answer_whole(
    quiz, learner, django_assert_num_queries
):
    """The navigation's read of answers: which questions have one (another attempt's are not
    among them) and whether it is checked, and the answer asked for, field for field as the
    ORM reads it."""
    attempt = make_attempt(quiz, user=learner)
    first, second, third = (quiz.questions.get(pk=pk) for pk in attempt.question_ids)
    attempts.answer_save(
        attempt=attempt, question=first, response=right_response(first), check=True
    )
    attempts.answer_save(attempt=attempt, question=second, response=wrong_response(second))
    other = make_attempt(make_quiz(*quiz.questions.all()), user=learner)
    attempts.answer_save(attempt=other, question=third, response=right_response(third))
    orm = {a.question_id: a for a in Answer.objects.filter(attempt=attempt)}
    for question in (first, second):
        with django_assert_num_queries(1):
            ids, answer = attempts.answered(attempt, question.pk)
            assert answer is not None and answer.attempt is attempt
        assert ids == {first.pk: True, second.pk: False}  # the first one is checked
        assert _fields(answer) == _fields(orm[question.pk])
    assert attempts.answered(attempt, third.pk) == ({first.pk: True, second.pk: False}, None)


def test_a_submit_costs_the_same_queries_whatever_its_number_of_questions(
    learner, other_learner, django_assert_num_queries
):
    """Grading at submit writes every answer it grades in one UPDATE, and the review queue in
    three queries (`review.cards_record`): a 12-question attempt costs what a 3-question one
    does. The answers and cards are those the tests above check one by one."""
    for user, count in ((learner, 3), (other_learner, 12)):
        questions = [make_question("single" if i % 2 else "true_false") for i in range(count)]
        quiz = make_quiz(*questions)
        attempt = make_attempt(quiz, user)
        for i, question in enumerate(questions):
            response = right_response(question) if i % 2 else wrong_response(question)
            attempts.answer_save(attempt=attempt, question=question, response=response)
        # one card in the queue already (rescheduled), the other misses new
        review.card_record(user=user, question=questions[0], correct=False, now=attempt.started_at)
        # gate, savepoint, claim, questions, answers, graded answers, score, cards (read,
        # update, insert), release, the attempt read back
        with django_assert_num_queries(12):
            attempt, submitted = attempts.attempt_submit(attempt=attempt)
        assert submitted
        graded = Answer.objects.filter(attempt=attempt, graded_at=attempt.submitted_at)
        assert graded.count() == count
        assert attempt.score == pytest.approx(sum(1 for i in range(count) if i % 2) / count)
        missed = {q.pk for i, q in enumerate(questions) if not i % 2}
        assert (
            set(ReviewCard.objects.filter(user=user).values_list("question_id", flat=True))
            == missed
        )
