"""srm_trainer.prepared.PreparedUpdate: an UPDATE compiled once stores what the ORM's update()
stores, byte for byte, and changes the rows its filter selects, one or many at once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from quizzes.models import Answer, Attempt
from srm_trainer.prepared import PreparedUpdate
from tests.quizzes.builders import make_attempt, make_question, make_quiz, stored_answer

pytestmark = pytest.mark.django_db

FIELDS = ["score", "correct", "feedback", "tries", "credit", "certainty", "graded_at"]
BY_PK = PreparedUpdate(Answer, FIELDS, ["int"], lambda pk: Answer.objects.filter(pk=pk))
OPEN = PreparedUpdate(
    Answer,
    ["response", "saved_at"],
    ["int", "int"],
    lambda attempt_id, question_id: Answer.objects.filter(
        attempt_id=attempt_id, question_id=question_id, graded_at__isnull=True
    ),
)
WHEN = datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=UTC)


@pytest.fixture
def answers(learner):
    questions = [make_question("true_false") for _ in range(4)]
    attempt = make_attempt(make_quiz(*questions), learner)
    return [
        Answer.objects.create(attempt=attempt, question=q, response={}, saved_at=WHEN)
        for q in questions
    ]


VALUES = [
    [0.25, False, {"key": True, "ü": ["a", 1.5, None]}, 2, None, 3, WHEN],
    [1.0, True, {}, 1, 0.75, None, WHEN],
    [0.0, None, {"nested": {"x": [1, 2]}}, 0, -0.5, 1, WHEN],
]


def test_what_it_stores_is_what_the_orms_update_stores(answers):
    for values, (orm, prepared) in zip(
        VALUES, [answers[:2], answers[2:], answers[:2]], strict=True
    ):
        Answer.objects.filter(pk=orm.pk).update(**dict(zip(FIELDS, values, strict=True)))
        assert BY_PK.update(values, prepared.pk) == 1
        assert (
            stored_answer(prepared.pk)[2:] == stored_answer(orm.pk)[2:]
        )  # its own attempt and question


def test_many_rows_are_set_in_one_query(answers, django_assert_num_queries):
    with django_assert_num_queries(1):
        BY_PK.update_each((values, [a.pk]) for values, a in zip(VALUES, answers[:3], strict=True))
    for values, answer in zip(VALUES, answers[:3], strict=True):
        answer.refresh_from_db()
        assert [getattr(answer, name) for name in FIELDS] == values
    assert Answer.objects.get(pk=answers[3].pk).graded_at is None  # not among the rows
    with django_assert_num_queries(0):
        BY_PK.update_each([])


def test_it_changes_only_what_its_filter_selects_and_says_how_many(answers):
    graded, open_ = answers[0], answers[1]
    Answer.objects.filter(pk=graded.pk).update(graded_at=WHEN)
    assert OPEN.update([{"answer": True}, WHEN], graded.attempt_id, graded.question_id) == 0
    assert OPEN.update([{"answer": True}, WHEN], open_.attempt_id, open_.question_id) == 1
    assert Answer.objects.get(pk=graded.pk).response == {}
    assert Answer.objects.get(pk=open_.pk).response == {"answer": True}


def test_a_relation_seen_from_its_other_side_cannot_be_set():
    with pytest.raises(ValueError):
        PreparedUpdate(Attempt, ["answers"], ["int"], lambda pk: Attempt.objects.filter(pk=pk))
