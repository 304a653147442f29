"""srm_trainer.prepared.PreparedInsert: an INSERT compiled once stores what the ORM's save()
stores, byte for byte, leaves the instance as save() leaves it, and skips a row a unique
constraint refuses without breaking the transaction."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models.signals import post_save, pre_save

from quizzes.models import Answer, Quiz, ReviewCard
from srm_trainer.prepared import PreparedInsert
from tests.quizzes.builders import make_attempt, make_question, make_quiz, stored_answer

pytestmark = pytest.mark.django_db

WHEN = datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=UTC)


@pytest.fixture
def two_attempts(learner, other_learner):
    questions = [make_question("true_false") for _ in range(3)]
    quiz = make_quiz(*questions)
    return make_attempt(quiz, learner), make_attempt(quiz, other_learner), questions


VALUES = [
    {"response": {"answer": True}, "saved_at": WHEN},  # the rest: the fields' defaults
    {
        "response": {"ü": ["a", 1.5, None], "nested": {"x": [1, 2]}},
        "saved_at": WHEN,
        "score": 0.25,
        "correct": False,
        "feedback": {"key": True},
        "graded_at": WHEN,
        "tries": 2,
        "certainty": 3,
        "credit": -0.5,
    },
    {"response": {}, "saved_at": WHEN, "correct": None, "credit": 0.75, "feedback": {}},
]


@pytest.mark.parametrize("ignore_conflicts", [False, True])
def test_what_it_stores_is_what_the_orms_create_stores(two_attempts, ignore_conflicts):
    orm_attempt, prepared_attempt, questions = two_attempts
    insert = PreparedInsert(Answer, ignore_conflicts=ignore_conflicts)
    for values, question in zip(VALUES, questions, strict=True):
        orm = Answer.objects.create(attempt=orm_attempt, question=question, **values)
        answer = Answer(attempt=prepared_attempt, question=question, **values)
        assert insert.insert(answer) is True
        assert stored_answer(answer.pk)[1:] == stored_answer(orm.pk)[1:]
        assert stored_answer(answer.pk)[0] == prepared_attempt.pk
        # saved, as save() leaves an instance: its key set, no longer being added, its database
        assert answer.pk is not None and answer.pk != orm.pk
        assert (answer._state.adding, answer._state.db) == (False, "default")
        fresh = Answer.objects.get(pk=answer.pk)
        assert [getattr(fresh, f.attname) for f in Answer._meta.concrete_fields][2:] == [
            getattr(answer, f.attname) for f in Answer._meta.concrete_fields
        ][2:]


def test_a_fields_pre_save_sets_its_value_as_save_does():
    """auto_now: the time the insert stored is the one it set on the instance."""
    quiz = Quiz(slug="inserted", title="Inserted")
    assert PreparedInsert(Quiz).insert(quiz)
    assert quiz.updated_at is not None
    stored = Quiz.objects.get(pk=quiz.pk)
    assert stored.updated_at == quiz.updated_at
    assert (stored.slug, stored.draw_rules, stored.pass_mark) == ("inserted", [], 70)


def test_a_row_a_unique_constraint_refuses_is_skipped_and_the_transaction_goes_on(two_attempts):
    attempt, _, questions = two_attempts
    first = Answer(attempt=attempt, question=questions[0], response={"a": 1}, saved_at=WHEN)
    again = Answer(attempt=attempt, question=questions[0], response={"a": 2}, saved_at=WHEN)
    insert = PreparedInsert(Answer, ignore_conflicts=True)
    with transaction.atomic():
        assert insert.insert(first) is True
        assert insert.insert(again) is False
        assert again.pk is None and again._state.adding
        # still usable (PostgreSQL refuses every query in a transaction an error broke)
        assert Answer.objects.get(attempt=attempt).response == {"a": 1}


def test_without_ignore_conflicts_a_refused_row_raises_as_save_does(two_attempts):
    attempt, _, questions = two_attempts
    insert = PreparedInsert(Answer)
    assert insert.insert(Answer(attempt=attempt, question=questions[0], saved_at=WHEN))
    with pytest.raises(IntegrityError), transaction.atomic():
        insert.insert(Answer(attempt=attempt, question=questions[0], saved_at=WHEN))


def test_where_the_database_returns_no_columns_the_key_is_its_last_insert_id(
    two_attempts, monkeypatch
):
    """SQLite before 3.35 has no INSERT ... RETURNING (Django 5.2 supports 3.31)."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL always returns the columns (and has no last insert id)")
    attempt, _, questions = two_attempts
    monkeypatch.setattr(connection.features, "can_return_columns_from_insert", False)
    insert = PreparedInsert(Answer, ignore_conflicts=True)  # compiled without RETURNING
    first = Answer(attempt=attempt, question=questions[1], saved_at=WHEN)
    assert insert.insert(first) is True
    assert Answer.objects.get(question=questions[1]).pk == first.pk
    assert insert.insert(Answer(attempt=attempt, question=questions[1], saved_at=WHEN)) is False


@pytest.mark.parametrize("model", [Answer, ReviewCard])
def test_nothing_listens_to_the_saves_of_rows_written_without_the_orms_save(model):
    """Answers are inserted by a PreparedInsert and review cards updated by a PreparedUpdate,
    neither of which sends pre_save or post_save: a receiver added for these models (an audit
    log, a cache) would miss those writes, and must come with the ORM's save back."""
    assert not pre_save.has_listeners(model)
    assert not post_save.has_listeners(model)
