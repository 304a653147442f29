"""A question's feedback links to its lesson ("Learn more", a try's hint, the result's lessons
to revisit) only where the reader can open that lesson: one unpublished since, or in a module
unpublished since, gave the learner who followed the link a 404."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes import attempts, review
from tests.conftest import make_lesson, make_module
from tests.quizzes.builders import make_question, make_quiz, right_response, wrong_response

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _at_midday(midday):
    """The review card missed an hour ago is due today."""


def _lesson_links(body: str, lesson) -> int:
    return body.count(f'href="{lesson.get_absolute_url()}"')


def _withdraw(lesson, what: str) -> None:
    target = lesson if what == "lesson" else lesson.module
    target.published = False
    target.save()


@pytest.mark.parametrize("what", ["lesson", "module"])
def test_the_review_answer_links_to_the_lesson_only_while_it_can_be_read(
    learner_client, learner, what
):
    lesson = make_lesson(make_module())
    question = make_question("true_false", lesson=lesson)
    an_hour_ago = timezone.now() - timezone.timedelta(hours=1)
    review.card_record(user=learner, question=question, correct=False, now=an_hour_ago)
    address = reverse("quizzes:review-answer", args=[question.pk])
    answer = {"answer": str(right_response(question)["answer"]).lower()}
    body = learner_client.post(address, answer).content.decode()
    assert "Learn more:" in body and _lesson_links(body, lesson) == 1
    assert learner_client.get(lesson.get_absolute_url()).status_code == 200

    review.card_record(user=learner, question=question, correct=False, now=an_hour_ago)
    _withdraw(lesson, what)
    assert learner_client.get(lesson.get_absolute_url()).status_code == 404
    body = learner_client.post(address, answer).content.decode()
    assert "Right." in body and question.explanation in body
    assert "Learn more:" not in body and _lesson_links(body, lesson) == 0


def test_a_quiz_result_and_a_try_again_hint_leave_out_a_lesson_taken_down(learner_client, learner):
    module = make_module()
    kept, withdrawn = make_lesson(module), make_lesson(module)
    asked = [
        make_question(lesson=kept, module=module),
        make_question(lesson=withdrawn, module=module),
    ]
    quiz = make_quiz(*asked, module=module, feedback="end")
    _withdraw(withdrawn, "lesson")
    attempt = attempts.attempt_start(quiz=quiz, user=learner)
    for question in attempts.attempt_questions(attempt):
        attempts.answer_save(attempt=attempt, question=question, response=wrong_response(question))
    attempts.attempt_submit(attempt=attempt)
    body = learner_client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    assert _lesson_links(body, kept) >= 1 and _lesson_links(body, withdrawn) == 0
    assert body.count("Learn more:") == 1

    tries = make_quiz(asked[1], tries=2, feedback="immediate")
    attempt = attempts.attempt_start(quiz=tries, user=learner)
    take = reverse("quizzes:answer", args=[attempt.pk, 1])
    response = wrong_response(asked[1])
    sent = {"choice": response["choice"], "action": "check"}
    body = learner_client.post(take, sent, headers={"HX-Request": "true"}).content.decode()
    assert "try again" in body and "Hint: read the question again" in body
    assert _lesson_links(body, withdrawn) == 0
