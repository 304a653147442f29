"""A JSON or GIFT import that names a question already here (its slug) never updates it, so the
reworded-choice rule (a choice reworded beyond a small edit is a new choice: `keep_ids`,
`assign_ids`) has nothing to apply to: the file's question is a new one, and the question here,
its learners' answers (open and submitted) and its statistics stay as they were, however far
the file rewords a choice, and even when the file keeps that choice's id. The importing
teacher is told (docs/question-format.md, "How an import behaves")."""

from __future__ import annotations

import json

import pytest

from lessons.models import Source
from quizzes.attempts import answer_save, attempt_submit
from quizzes.models import Answer, Attempt, Question
from teach.statistics import quiz_statistics
from teach.transfer import gift, importer, json_format
from tests.quizzes.builders import make_attempt

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(owned, learner, other_learner):
    """The teacher's quiz and question, one learner's submitted attempt and another's still
    open, both having chosen its second choice ("Share it")."""
    quiz, question = owned
    quiz.published = True
    quiz.save()
    shared = question.choices()[1]
    assert shared["text"] == "Share it"
    for user, submit in ((learner, True), (other_learner, False)):
        attempt = make_attempt(quiz, user=user)
        answer_save(
            attempt=attempt,
            question=question,
            response={"choice": shared["id"], "text": shared["text"]},
        )
        if submit:
            attempt_submit(attempt=attempt)
    return quiz, question


def _work(quiz, question) -> tuple:
    """What the question and its learners' work read as now."""
    question.refresh_from_db()
    answers = list(Answer.objects.order_by("pk").values_list("response", "score", "graded_at"))
    stats = quiz_statistics(quiz=quiz, attempts=Attempt.objects.all())
    tallies = [(t.label, t.count) for t in stats.questions[0].tallies]
    return question.data, question.prompt, answers, tallies


def _json_rewording(question: Question, new_text: str) -> str:
    """The question exported, its second choice given `new_text` under the same id (a JSON
    file's choices always carry theirs, as the app stores them)."""
    document = json.loads(json_format.export_bank([question], "mine"))
    document["questions"][0]["data"]["choices"][1]["text"] = new_text
    return json_format.dump(document)


@pytest.mark.parametrize(
    "new_text", ["Keep it in a password manager", "Share  it!"], ids=["reworded", "small-edit"]
)
def test_a_json_import_of_a_question_here_is_a_new_question_and_changes_nothing_here(
    instructor, answered, new_text
):
    quiz, question = answered
    before = _work(quiz, question)
    text = _json_rewording(question, new_text)
    result = importer.run(text, "json", owner=instructor, into=quiz)
    assert _work(quiz, question) == before
    (imported,) = result.questions
    assert imported.pk != question.pk and imported.slug == f"{question.slug}-2"
    assert imported.choices()[1]["text"] == new_text.strip()
    # The id written in the file is kept, on the new question.
    assert imported.choices()[1]["id"] == question.choices()[1]["id"]
    assert (
        f"Question slug '{question.slug}' is taken here: it is imported as "
        f"'{question.slug}-2', a new question: the one already here is not changed."
    ) in result.warnings
    # Both are in the quiz: the one learners answered, where it was, and the new one after it.
    assert [e.question_id for e in quiz.entries.order_by("order")] == [question.pk, imported.pk]


def test_a_gift_import_of_a_question_here_is_a_new_question_and_changes_nothing_here(
    instructor, answered
):
    quiz, question = answered
    before = _work(quiz, question)
    text = gift.export([question]).text.replace("Share it", "Post it on the team wiki")
    assert "Post it on the team wiki" in text
    result = importer.run(text, "gift", owner=instructor, into=quiz)
    assert _work(quiz, question) == before
    (imported,) = result.questions
    assert imported.pk != question.pk and imported.source == Source.AUTHORED
    assert "Post it on the team wiki" in [c["text"] for c in imported.choices()]
    assert any("a new question: the one already here is not changed" in w for w in result.warnings)


def test_a_slug_taken_by_an_earlier_question_of_the_file_says_nothing_of_one_here(instructor):
    text = "::Same:: A? {=x ~y####e}\n\n::Same:: B? {=x ~y####e}\n"
    result = importer.run(text, "gift", owner=instructor)
    assert result.warnings == ["Question slug 'same' is taken here: it is imported as 'same-2'."]
