"""quizzes' extension points (`quizzes.hooks`), with stand-in gates and viewers: what any
app built on quizzes can rely on, whatever app registers them."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from quizzes import attempts, hooks
from tests.quizzes.builders import make_attempt, make_question, make_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz():
    return make_quiz(make_question("single"), make_question("true_false"))


@pytest.fixture
def no_hooks(monkeypatch):
    monkeypatch.setattr(hooks, "_gates", [])
    monkeypatch.setattr(hooks, "_viewers", [])
    monkeypatch.setattr(hooks, "_notes", [])


def test_a_gate_refuses_with_its_own_words_and_only_for_what_it_names(no_hooks, quiz, learner):
    seen = []

    def gate(*, action, quiz, user_id, now):
        seen.append(action)
        return "Not today." if action == "start" else None

    hooks.register_gate(gate)
    hooks.register_gate(gate)  # registering twice keeps one
    with pytest.raises(attempts.AttemptRefused, match="Not today."):
        make_attempt(quiz, learner)
    assert seen == ["start"]
    assert make_attempt(quiz, session_key="anonymous")  # anonymous learners are never gated


def test_a_refused_start_is_said_on_the_quiz_page(no_hooks, quiz, learner, client):
    hooks.register_gate(lambda **kw: "This quiz is closed for you." if kw["action"] else None)
    client.force_login(learner)
    page = client.post(reverse("quizzes:start", args=[quiz.slug]), follow=True)
    assert "This quiz is closed for you." in page.content.decode()
    assert not learner.quiz_attempts.exists()


def test_a_viewer_reads_a_result_and_can_change_nothing(
    no_hooks, quiz, learner, other_learner, client
):
    attempt = make_attempt(quiz, learner)
    attempts.attempt_submit(attempt=attempt)
    result = reverse("quizzes:result", args=[attempt.pk])
    client.force_login(other_learner)
    assert client.get(result).status_code == 404  # no viewer: the learner's alone

    def viewer(*, user, attempt):
        if user == other_learner:
            return hooks.Viewing(learner="ada", back_url="/somewhere/", back_text="Back there")
        return None

    hooks.register_viewer(viewer)
    page = client.get(result)
    assert page.status_code == 200
    body = page.content.decode()
    assert "ada's attempt" in body and 'href="/somewhere/"' in body and "Try again" not in body
    assert client.get(reverse("quizzes:take", args=[attempt.pk])).status_code == 404
    assert client.post(reverse("quizzes:submit", args=[attempt.pk])).status_code == 404


def test_notes_are_shown_on_the_learners_own_quiz_pages_as_text(no_hooks, quiz, learner, client):
    """A provider's notes reach the start, take and result pages, escaped, the alert
    emphasised; it is asked about the learner's own attempt (on the start page, the one in
    progress its button continues), and never for a signed-out one."""
    asked = []

    def provider(*, quiz, user_id, attempt, now, unfinished):
        asked.append((user_id, attempt and attempt.pk, unfinished and unfinished.pk))
        return [hooks.Note(text="Due <soon>.", alert="Late!")]

    hooks.register_notes(provider)
    assert "Due &lt;soon&gt;." not in client.get(quiz.get_absolute_url()).content.decode()
    assert asked == []
    client.force_login(learner)
    attempt = make_attempt(quiz, learner)
    pages = [
        quiz.get_absolute_url(),
        reverse("quizzes:take", args=[attempt.pk]),
    ]
    for url in pages:
        assert "<p>Due &lt;soon&gt;. <strong>Late!</strong></p>" in client.get(url).content.decode()
    attempts.attempt_submit(attempt=attempt)
    result = client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    assert 'aria-label="Assigned work"' in result and "Due &lt;soon&gt;." in result
    assert asked == [
        (learner.pk, None, attempt.pk),
        (learner.pk, attempt.pk, None),
        (learner.pk, attempt.pk, None),
    ]


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize("action", ["check", "next"])
def test_an_answer_a_gate_refuses_is_said_and_kept_on_its_question(
    no_hooks, quiz, learner, client, htmx, action
):
    """A gate that refuses an answer (the instructor closed the assignment mid-attempt): the
    page without JavaScript redirected back to the question, the answer gone and nothing said;
    with htmx, "Next" moved on to the next question as if it were saved. The question is drawn
    again with the answer as sent, saying why it was not saved."""
    client.force_login(learner)
    client.post(reverse("quizzes:start", args=[quiz.slug]))
    attempt = learner.quiz_attempts.get()
    hooks.register_gate(lambda **kw: "Closed by your instructor." if kw["action"] else None)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    # The quiz's second question is the true/false one (a quiz keeps its order).
    page = client.post(
        reverse("quizzes:answer", args=[attempt.pk, 2]),
        {"action": action, "answer": "false"},
        **headers,
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert "Closed by your instructor." in body
    assert "Question 2 of 2" in body
    assert re.search(r'<input [^>]*value="false"[^>]*checked', body)  # as sent
    assert not attempt.answers.exists()
