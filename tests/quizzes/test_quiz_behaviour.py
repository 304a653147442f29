"""Quiz behaviours learners expect (issue 13.4): several tries with a penalty, certainty-based
marking on policy questions, flags, the summary before submitting, and the countdown drawn
from the server's deadline. Services first (with an injected `now`), then the pages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes import attempts
from quizzes.models import Answer, Attempt
from tests.quizzes.builders import make_question, make_quiz, right_response, start_through_page

pytestmark = pytest.mark.django_db


def single():
    return make_question("single")


def wrong_single(question) -> dict:
    c = next(c for c in question.choices() if not c["correct"])
    return {"choice": c["id"], "text": c["text"]}


@pytest.fixture
def tries_quiz():
    return make_quiz(single(), single(), tries=3, try_penalty=25, feedback="immediate")


def begin(quiz, user):
    return attempts.attempt_start(quiz=quiz, user=user)


def question(attempt, position=1):
    return attempt.quiz.questions.get(pk=attempt.question_ids[position - 1])


# --- several tries: the services ----------------------------------------------------------


def test_a_wrong_try_leaves_the_answer_open_and_reveals_no_key(tries_quiz, learner):
    attempt = begin(tries_quiz, learner)
    q = question(attempt)
    answer = attempts.answer_save(attempt=attempt, question=q, response=wrong_single(q), check=True)
    assert not answer.is_graded and answer.tries == 1
    assert answer.feedback == {}  # nothing that could show the right choice
    # The learner changes their answer and checks again: allowed.
    answer = attempts.answer_save(
        attempt=attempt, question=q, response=right_response(q), check=True
    )
    assert answer.is_graded and answer.correct and answer.tries == 2
    assert answer.credit == pytest.approx(0.75)  # one earlier try at 25%
    with pytest.raises(attempts.AnswerLocked):
        attempts.answer_save(attempt=attempt, question=q, response=wrong_single(q), check=True)


def test_the_last_allowed_try_locks_the_answer_even_when_wrong(tries_quiz, learner):
    attempt = begin(tries_quiz, learner)
    q = question(attempt)
    for _ in range(3):
        answer = attempts.answer_save(
            attempt=attempt, question=q, response=wrong_single(q), check=True
        )
    assert answer.is_graded and not answer.correct and answer.tries == 3
    assert answer.credit == 0 and answer.feedback  # now the key and feedback are shown


def test_the_attempt_total_counts_the_penalised_credit(tries_quiz, learner):
    attempt = begin(tries_quiz, learner)
    first, second = question(attempt, 1), question(attempt, 2)
    attempts.answer_save(
        attempt=attempt, question=first, response=right_response(first), check=True
    )
    for response in (wrong_single(second), wrong_single(second), right_response(second)):
        attempts.answer_save(attempt=attempt, question=second, response=response, check=True)
    attempt, _ = attempts.attempt_submit(attempt=attempt)
    assert attempt.score == pytest.approx((1.0 + 0.5) / 2)  # 1 - 2 x 25% on the second


def test_an_unchecked_change_after_a_wrong_try_counts_as_one_more_try_at_submit(
    tries_quiz, learner
):
    attempt = begin(tries_quiz, learner)
    q = question(attempt)
    attempts.answer_save(attempt=attempt, question=q, response=wrong_single(q), check=True)
    attempts.answer_save(attempt=attempt, question=q, response=right_response(q))  # not checked
    attempts.attempt_submit(attempt=attempt)
    answer = Answer.objects.get(attempt=attempt, question=q)
    assert answer.tries == 2 and answer.correct and answer.credit == pytest.approx(0.75)


def test_an_autosave_between_tries_keeps_the_tries_used(tries_quiz, learner):
    attempt = begin(tries_quiz, learner)
    q = question(attempt)
    attempts.answer_save(attempt=attempt, question=q, response=wrong_single(q), check=True)
    attempts.answer_save(attempt=attempt, question=q, response=wrong_single(q))
    assert Answer.objects.get(attempt=attempt, question=q).tries == 1


# --- certainty-based marking: the services ------------------------------------------------


@pytest.fixture
def cbm_quiz():
    # The builders' scenario allows the request: "Allow" is right.
    return make_quiz(
        make_question("policy_decision"), make_question("policy_decision"), certainty=True
    )


def test_certainty_decides_the_mark_of_a_policy_question(cbm_quiz, learner):
    attempt = begin(cbm_quiz, learner)
    first, second = question(attempt, 1), question(attempt, 2)
    right = attempts.answer_save(
        attempt=attempt, question=first, response={"decision": "Allow"}, check=True, certainty=2
    )
    assert right.is_graded and right.certainty == 2 and right.credit == pytest.approx(2 / 3)
    wrong = attempts.answer_save(
        attempt=attempt,
        question=second,
        response={"decision": "ImplicitDeny"},
        check=True,
        certainty=3,
    )
    assert wrong.tries == 1 and wrong.is_graded  # one try with certainty
    assert wrong.credit == pytest.approx(-2.0)
    attempt, _ = attempts.attempt_submit(attempt=attempt)
    assert attempt.score == 0.0  # (2/3 - 2) / 2 is below zero: the total is floored at 0


def test_a_sure_right_answer_scores_full_marks_at_the_end(learner):
    quiz = make_quiz(make_question("policy_decision"), certainty=True, feedback="end")
    attempt = begin(quiz, learner)
    q = question(attempt)
    attempts.answer_save(attempt=attempt, question=q, response={"decision": "Allow"}, certainty=3)
    attempt, _ = attempts.attempt_submit(attempt=attempt)
    assert attempt.score == pytest.approx(1.0)
    assert Answer.objects.get(attempt=attempt).certainty == 3


def test_an_answer_without_a_certainty_counts_as_not_sure(learner):
    quiz = make_quiz(make_question("policy_decision"), certainty=True, feedback="end")
    attempt = begin(quiz, learner)
    attempts.answer_save(
        attempt=attempt, question=question(attempt), response={"decision": "Allow"}
    )
    attempt, _ = attempts.attempt_submit(attempt=attempt)
    assert attempt.score == pytest.approx(1 / 3)


# --- flags and the summary: the services --------------------------------------------------


def test_flags_persist_and_clear(tries_quiz, learner):
    attempt = begin(tries_quiz, learner)
    q = question(attempt, 2)
    attempts.attempt_flag(attempt=attempt, question=q, flagged=True)
    attempts.attempt_flag(attempt=attempt, question=q, flagged=True)  # twice: once in the list
    assert Attempt.objects.get(pk=attempt.pk).flagged == [q.pk]
    attempts.attempt_flag(attempt=attempt, question=q, flagged=False)
    assert Attempt.objects.get(pk=attempt.pk).flagged == []


def test_no_flag_changes_after_submit(tries_quiz, learner):
    attempt = begin(tries_quiz, learner)
    attempts.attempt_submit(attempt=attempt)
    with pytest.raises(attempts.AttemptClosed):
        attempts.attempt_flag(attempt=attempt, question=question(attempt), flagged=True)


def test_the_summary_lists_answered_unanswered_checked_and_flagged(tries_quiz, learner):
    attempt = begin(tries_quiz, learner)
    first, second = question(attempt, 1), question(attempt, 2)
    attempts.answer_save(attempt=attempt, question=first, response=right_response(first))
    attempts.attempt_flag(attempt=attempt, question=second, flagged=True)
    rows = attempts.attempt_summary(Attempt.objects.get(pk=attempt.pk))
    assert [(r.position, r.answered, r.checked, r.flagged) for r in rows] == [
        (1, True, False, False),
        (2, False, False, True),
    ]
    attempts.answer_save(
        attempt=attempt, question=first, response=right_response(first), check=True
    )
    rows = attempts.attempt_summary(Attempt.objects.get(pk=attempt.pk))
    assert [(r.question_id, r.answered, r.checked) for r in rows] == [
        (first.pk, True, True),  # right: checked, it can no longer change
        (second.pk, False, False),
    ]


# --- the pages ----------------------------------------------------------------------------


def post_answer(client, attempt, position, data, action="check", htmx=False):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(
        reverse("quizzes:answer", args=[attempt.pk, position]),
        {**data, "action": action},
        **headers,
    )


def choice_post(choice: dict) -> dict:
    return {"choice": choice["choice"]}


def test_the_page_offers_another_try_with_a_hint_and_no_key(learner_client, tries_quiz):
    attempt = start_through_page(learner_client, tries_quiz)
    q = question(attempt)
    response = post_answer(learner_client, attempt, 1, choice_post(wrong_single(q)), htmx=True)
    body = response.content.decode()
    assert "try again" in body and "2 tries left" in body
    assert "takes 25% off" in body
    assert q.lesson.get_absolute_url() in body  # the hint: where it is taught
    assert q.explanation not in body  # the explanation waits for the last try
    assert 'value="check"' in body  # "Check answer" is offered again
    right = right_response(q)
    body = post_answer(learner_client, attempt, 1, choice_post(right), htmx=True).content.decode()
    assert "Right." in body and q.explanation in body
    assert "Answered in 2 tries" in body and "75%" in body


def test_certainty_radios_are_labelled_and_required(learner_client, cbm_quiz):
    attempt = start_through_page(learner_client, cbm_quiz)
    body = learner_client.get(attempt.get_absolute_url()).content.decode()
    assert "How sure are you?" in body
    for value in ("1", "2", "3"):
        assert f'<label for="certainty-{value}">' in body
    response = post_answer(learner_client, attempt, 1, {"decision": "Allow"})
    assert "Say how sure you are" in response.content.decode()
    assert not Answer.objects.filter(graded_at__isnull=False).exists()
    post_answer(learner_client, attempt, 1, {"decision": "Allow", "certainty": "3"})
    answer = Answer.objects.get()
    assert answer.certainty == 3 and answer.credit == pytest.approx(1.0)
    body = learner_client.get(attempt.get_absolute_url()).content.decode()
    assert "very sure" in body and "+3" in body


def test_a_quiz_without_certainty_asks_nothing(learner_client):
    quiz = make_quiz(make_question("policy_decision"))
    attempt = start_through_page(learner_client, quiz)
    assert (
        "How sure are you?" not in learner_client.get(attempt.get_absolute_url()).content.decode()
    )


def test_flagging_from_the_page_persists_and_shows_in_the_navigation(learner_client, tries_quiz):
    attempt = start_through_page(learner_client, tries_quiz)
    url = reverse("quizzes:flag", args=[attempt.pk, 2])
    response = learner_client.post(url, {"flagged": "1"})
    assert response.status_code == 302 and response["Location"].endswith("?q=2")
    assert Attempt.objects.get(pk=attempt.pk).flagged == [attempt.question_ids[1]]
    body = learner_client.get(attempt.get_absolute_url() + "?q=2").content.decode()
    assert "Remove flag" in body and "badge-flag" in body
    assert "(not answered), flagged" in body  # the navigation says it to screen readers
    body = learner_client.post(url, {"flagged": "0"}, HTTP_HX_REQUEST="true").content.decode()
    assert "Flag to come back to" in body
    assert Attempt.objects.get(pk=attempt.pk).flagged == []


def test_only_the_owner_may_flag(client, other_learner, tries_quiz, learner):
    attempt = begin(tries_quiz, learner)
    client.force_login(other_learner)
    assert (
        client.post(reverse("quizzes:flag", args=[attempt.pk, 1]), {"flagged": "1"}).status_code
        == 404
    )
    assert client.get(reverse("quizzes:summary", args=[attempt.pk])).status_code == 404
    assert Attempt.objects.get(pk=attempt.pk).flagged == []


def test_flag_and_summary_refuse_the_wrong_method(learner_client, tries_quiz):
    attempt = start_through_page(learner_client, tries_quiz)
    assert learner_client.get(reverse("quizzes:flag", args=[attempt.pk, 1])).status_code == 405
    assert learner_client.post(reverse("quizzes:summary", args=[attempt.pk])).status_code == 405


def test_the_summary_page_lists_each_question_and_submits(learner_client, tries_quiz):
    attempt = start_through_page(learner_client, tries_quiz)
    first = question(attempt, 1)
    post_answer(learner_client, attempt, 1, choice_post(right_response(first)), action="save")
    learner_client.post(reverse("quizzes:flag", args=[attempt.pk, 2]), {"flagged": "1"})
    take = learner_client.get(attempt.get_absolute_url()).content.decode()
    summary_url = reverse("quizzes:summary", args=[attempt.pk])
    assert summary_url in take and "1 flagged" in take
    body = learner_client.get(summary_url).content.decode()
    assert "1 not answered, 1 flagged" in body
    rows = re.findall(r"<tr[^>]*>\s*<th scope=\"row\">(.*?)</tr>", body, re.S)
    assert "Answered" in rows[0] and "Flagged" not in rows[0]
    assert "Not answered" in rows[1] and "Flagged" in rows[1]
    assert f'{attempt.get_absolute_url()}?q=2"' in rows[1]  # a link back to it
    assert reverse("quizzes:submit", args=[attempt.pk]) in body
    response = learner_client.post(reverse("quizzes:submit", args=[attempt.pk]))
    assert response["Location"] == reverse("quizzes:result", args=[attempt.pk])
    assert Attempt.objects.get(pk=attempt.pk).is_submitted
    # Once submitted, the summary sends the learner to their result.
    assert learner_client.get(summary_url)["Location"] == reverse(
        "quizzes:result", args=[attempt.pk]
    )


def test_removing_a_flag_on_the_summary_returns_there(learner_client, tries_quiz):
    attempt = start_through_page(learner_client, tries_quiz)
    learner_client.post(reverse("quizzes:flag", args=[attempt.pk, 1]), {"flagged": "1"})
    response = learner_client.post(
        reverse("quizzes:flag", args=[attempt.pk, 1]), {"flagged": "0", "back": "summary"}
    )
    # Back at the question's row (where Tab goes on from), with what was done said.
    assert response["Location"] == reverse("quizzes:summary", args=[attempt.pk]) + "#q-1"
    assert Attempt.objects.get(pk=attempt.pk).flagged == []
    body = learner_client.get(response["Location"]).content.decode()
    assert '<tr id="q-1"' in body
    assert '<li class="message message-info">Flag removed from question 1.</li>' in body


# --- the countdown ------------------------------------------------------------------------


def test_the_countdown_is_drawn_from_the_servers_deadline(learner_client):
    quiz = make_quiz(single(), time_limit=10)
    attempt = start_through_page(learner_client, quiz)
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() + timedelta(seconds=125))
    for url in (attempt.get_absolute_url(), reverse("quizzes:summary", args=[attempt.pk])):
        body = learner_client.get(url).content.decode()
        seconds = int(re.search(r'data-seconds-left="(\d+)"', body).group(1))
        assert 118 <= seconds <= 125
        assert 'data-grace-seconds="5"' in body
        assert 'role="timer"' in body and 'aria-live="polite"' in body
        assert "js/countdown.js" in body
        assert "in about 3 minutes" in body  # the text for a browser without JavaScript


def test_an_untimed_quiz_has_no_countdown(learner_client, tries_quiz):
    attempt = start_through_page(learner_client, tries_quiz)
    body = learner_client.get(attempt.get_absolute_url()).content.decode()
    assert "data-countdown" not in body and "countdown.js" not in body


def test_the_server_still_enforces_the_deadline(learner_client):
    """Whatever the script does, an answer past the deadline and its grace is refused and the
    attempt is submitted; the summary and the flag endpoint lead to the result."""
    quiz = make_quiz(single(), single(), time_limit=1)
    attempt = start_through_page(learner_client, quiz)
    q = question(attempt)
    post_answer(learner_client, attempt, 1, choice_post(right_response(q)), action="save")
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=6))
    result = reverse("quizzes:result", args=[attempt.pk])
    assert learner_client.get(reverse("quizzes:summary", args=[attempt.pk]))["Location"] == result
    attempt.refresh_from_db()
    assert attempt.is_submitted and attempt.score == pytest.approx(0.5)
    response = learner_client.post(reverse("quizzes:flag", args=[attempt.pk, 2]), {"flagged": "1"})
    assert response["Location"] == result
    assert Attempt.objects.get(pk=attempt.pk).flagged == []


def test_the_result_says_what_tries_and_certainty_counted(learner_client):
    quiz = make_quiz(
        make_question("policy_decision"), single(), tries=2, try_penalty=50, certainty=True
    )
    attempt = start_through_page(learner_client, quiz)
    q = question(attempt, 2)
    post_answer(learner_client, attempt, 1, {"decision": "ImplicitDeny", "certainty": "2"})
    post_answer(learner_client, attempt, 2, choice_post(wrong_single(q)))
    post_answer(learner_client, attempt, 2, choice_post(right_response(q)))
    learner_client.post(reverse("quizzes:submit", args=[attempt.pk]))
    body = learner_client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    assert "You said you were fairly sure" in body and "−2 on the certainty scale" in body
    assert "Answered in 2 tries: this question counts 50% of its marks" in body
    attempt.refresh_from_db()
    assert attempt.score == 0.0  # (-2/3 + 0.5) / 2 is below zero
