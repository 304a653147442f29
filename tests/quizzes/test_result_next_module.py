"""A module quiz's result page sends a learner who passed on to the next module."""

from __future__ import annotations

import pytest

from quizzes import attempts
from tests.conftest import make_lesson, make_module
from tests.quizzes.builders import make_question, make_quiz, right_response, wrong_response

pytestmark = pytest.mark.django_db


def _result(client, learner, quiz, *, right: bool) -> str:
    client.force_login(learner)
    attempt = attempts.attempt_start(quiz=quiz, user=learner)
    for question in attempts.attempt_questions(attempt):
        response = right_response(question) if right else wrong_response(question)
        attempts.answer_save(attempt=attempt, question=question, response=response)
    attempt, _ = attempts.attempt_submit(attempt=attempt)
    return client.get(f"/quizzes/attempts/{attempt.pk}/result/").content.decode()


@pytest.fixture
def two_modules():
    first, second = make_module(title="Basics"), make_module(title="Identity")
    make_lesson(second)
    quiz = make_quiz(make_question("true_false", lesson=make_lesson(first)), module=first)
    return first, second, quiz


def test_passing_a_module_quiz_links_to_the_next_module(client, learner, two_modules):
    _, second, quiz = two_modules
    body = _result(client, learner, quiz, right=True)
    assert f'href="{second.get_absolute_url()}">Next module: Identity</a>' in body
    # the way on is the main button; trying again is the other
    assert 'class="button button-secondary">Try again</button>' in body


def test_no_next_module_link_before_passing_or_after_the_last_module(client, learner, two_modules):
    _, second, quiz = two_modules
    assert "Next module:" not in _result(client, learner, quiz, right=False)
    last = make_quiz(make_question("true_false", lesson=make_lesson(second)), module=second)
    assert "Next module:" not in _result(client, learner, last, right=True)


def test_the_results_links_are_separated_by_their_gap_not_a_dot(client, learner, two_modules):
    """The actions are a wrapping flex row: a " · " between two links was an item of its own,
    left dangling at a phone's line end when "Your review queue" wrapped."""
    from bs4 import BeautifulSoup

    _, _, quiz = two_modules
    body = _result(client, learner, quiz, right=False)
    actions = BeautifulSoup(body, "html.parser").select_one(".result-actions")
    links = [a.get_text() for a in actions.find_all("a")]
    assert links == ["All your attempts", "Your review queue"]
    assert "·" not in actions.get_text()
