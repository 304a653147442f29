"""What a learner meets when things change under an open page: an instructor changes a quiz
(the result stays what it was graded as, and says so against what it was graded), a review
question is answered in another tab or taken out of use."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes import attempts, review
from quizzes.models import Answer, Question, ReviewCard
from quizzes.views import choices_gone
from tests.conftest import count_calls, page_queries
from tests.quizzes.builders import (
    make_question,
    make_quiz,
    page_text,
    right_response,
    start_through_page,
)

pytestmark = pytest.mark.django_db


def _half_right_submitted(learner, *, pass_mark: int):
    """An attempt at 50% (one of two true/false questions right), submitted, under `pass_mark`."""
    first, second = make_question("true_false"), make_question("true_false")
    quiz = make_quiz(first, second, pass_mark=pass_mark)
    attempt = attempts.attempt_start(quiz=quiz, user=learner)
    attempts.answer_save(attempt=attempt, question=first, response=right_response(first))
    attempts.attempt_submit(attempt=attempt)
    return quiz, attempt


def test_a_pass_mark_raised_after_grading_leaves_the_result_explained(learner_client, learner):
    quiz, attempt = _half_right_submitted(learner, pass_mark=50)
    quiz.pass_mark = 80
    quiz.save()
    result = page_text(learner_client.get(reverse("quizzes:result", args=[attempt.pk])))
    # It said "50% — passed (pass mark 80%)": a pass under a mark the score does not reach.
    assert "50% — passed (pass mark 50%)" in result
    detail = page_text(learner_client.get(quiz.get_absolute_url()))
    assert "Pass mark 80%" in detail
    assert "Passed (pass mark 50% then)" in detail


def test_a_pass_mark_lowered_after_grading_does_not_turn_a_fail_into_a_pass(learner, client):
    quiz, attempt = _half_right_submitted(learner, pass_mark=70)
    quiz.pass_mark = 40
    quiz.save()
    attempt.refresh_from_db()
    assert (attempt.passed, attempt.pass_mark, attempt.graded_pass_mark) == (False, 70, 70)


def test_an_attempt_graded_before_attempts_kept_their_pass_mark_shows_the_quizs(
    learner_client, learner
):
    quiz, attempt = _half_right_submitted(learner, pass_mark=50)
    type(attempt).objects.filter(pk=attempt.pk).update(pass_mark=None)
    result = page_text(learner_client.get(reverse("quizzes:result", args=[attempt.pk])))
    assert "(pass mark 50%)" in result
    assert "then)" not in page_text(learner_client.get(quiz.get_absolute_url()))


# --- the review queue ----------------------------------------------------------------------


@pytest.fixture
def reviewed(learner, midday):
    """A true/false question the learner has reviewed before, due an hour ago."""
    question = make_question("true_false", prompt="Is the root user limited by IAM?")
    now = timezone.now()
    review.card_record(user=learner, question=question, correct=False, now=now - timedelta(days=30))
    review.card_record(user=learner, question=question, correct=True, now=now - timedelta(days=20))
    ReviewCard.objects.update(due=now - timedelta(hours=1))
    return question


def test_a_review_answered_right_in_another_tab_is_checked_not_counted_in_this_one(
    learner_client, reviewed
):
    url = reverse("quizzes:review-answer", args=[reviewed.pk])
    right = {"answer": str(reviewed.data["answer"]).lower()}
    assert learner_client.post(url, right).status_code == 200  # tab A: due weeks from now
    after_a = ReviewCard.objects.get()
    assert after_a.due > timezone.now() + timedelta(days=2)
    # Tab B, drawn before tab A's answer: it was the site's 404 page ("mistyped address").
    response = learner_client.post(url, right)
    assert response.status_code == 200
    assert "so this answer is checked but not counted" in page_text(response)
    assert "Right." in page_text(response)
    card = ReviewCard.objects.get()
    assert (card.reviews, card.due) == (after_a.reviews, after_a.due)


@pytest.mark.parametrize("htmx", [False, True])
def test_a_review_answer_to_a_question_archived_since_goes_to_the_queue_saying_why(
    learner_client, reviewed, htmx
):
    Question.objects.filter(pk=reviewed.pk).update(archived=True)
    url = reverse("quizzes:review-answer", args=[reviewed.pk])
    headers = {"HX-Request": "true"} if htmx else {}
    response = learner_client.post(url, {"answer": "true"}, headers=headers)
    assert (response.get("HX-Redirect") or response["Location"]) == reverse("quizzes:review")
    queue = page_text(learner_client.get(reverse("quizzes:review")))
    assert "That question has been taken out of use" in queue
    assert "The answer you sent was not checked." in queue
    assert ReviewCard.objects.get().reviews == 2


# --- a question changed while an attempt is open -------------------------------------------


def test_a_saved_choice_taken_out_of_the_question_is_said_on_its_page(learner_client):
    question = make_question("single")
    wrong = [c for c in question.data["choices"] if not c["correct"]]
    attempt = start_through_page(learner_client, make_quiz(question))
    sent = {"action": "save", "question": question.pk, "choice": wrong[0]["id"]}
    learner_client.post(reverse("quizzes:answer", args=[attempt.pk, 1]), sent)
    # The instructor takes that choice out (its id goes with it) while the attempt is open.
    question.data = {
        **question.data,
        "choices": [c for c in question.data["choices"] if c != wrong[0]],
    }
    question.save()
    page = page_text(learner_client.get(reverse("quizzes:take", args=[attempt.pk])))
    # It showed nothing ticked beside "1 of 1 questions answered", and counted it wrong unsaid.
    assert (
        f"your answer (“{wrong[0]['text']}”) is no longer one of its choices, so as it stands "
        "it counts as not right. Choose again." in page
    )
    chosen_again = {**sent, "choice": wrong[1]["id"]}
    learner_client.post(reverse("quizzes:answer", args=[attempt.pk, 1]), chosen_again)
    page = page_text(learner_client.get(reverse("quizzes:take", args=[attempt.pk])))
    assert "no longer one of its choices" not in page


def test_a_multiple_select_answer_names_only_the_choices_gone(learner):
    question = make_question("multiple")
    choices = question.data["choices"]
    answer = Answer(response={"choices": [choices[0]["id"], choices[1]["id"]],
                              "texts": [choices[0]["text"], choices[1]["text"]]})  # fmt: skip
    question.data = {**question.data, "choices": choices[1:]}
    assert choices_gone(question, answer) == [choices[0]["text"]]
    assert choices_gone(question, None) == []


def test_a_question_deleted_after_grading_is_said_so_the_rows_add_up_to_the_score(
    learner_client, learner
):
    quiz, attempt = _half_right_submitted(learner, pass_mark=50)
    unanswered = Question.objects.exclude(answers__attempt=attempt).get()
    unanswered.delete()  # nobody answered it: nothing protects it
    result = page_text(learner_client.get(reverse("quizzes:result", args=[attempt.pk])))
    # "50%" above one question answered right, and nothing said about the other.
    assert "50% — passed" in result
    assert "1 of the 2 questions your score was worked out over is not shown" in result
    assert attempt.graded_count == 2


def test_nothing_is_said_when_every_graded_question_is_shown(learner_client, learner):
    _, attempt = _half_right_submitted(learner, pass_mark=50)
    result = page_text(learner_client.get(reverse("quizzes:result", args=[attempt.pk])))
    assert "not shown" not in result


def test_an_autosave_after_the_answer_was_checked_in_another_tab_redraws_the_question(
    learner_client,
):
    """Its reply went into the autosave's status line: the whole question, nested there."""
    first, second = make_question("single"), make_question("single")
    attempt = start_through_page(learner_client, make_quiz(first, second, feedback="immediate"))
    url = reverse("quizzes:answer", args=[attempt.pk, 1])
    choices = first.data["choices"]
    htmx = {"HX-Request": "true"}
    checked = {"action": "check", "question": first.pk, "choice": choices[0]["id"]}
    learner_client.post(url, checked, headers=htmx)  # tab A checks: the answer is final
    autosave = {"action": "autosave", "question": first.pk, "choice": choices[1]["id"]}
    response = learner_client.post(url, autosave, headers=htmx)  # tab B, still open
    assert response["HX-Retarget"] == "#attempt-body"
    assert response["HX-Reswap"] == "outerHTML"
    assert "already checked, perhaps in another tab" in page_text(response)


def _take_out(question: Question, choice_id: str) -> None:
    """An instructor takes a choice out of the question (its id goes with it)."""
    question.data = {
        **question.data,
        "choices": [c for c in question.choices() if c["id"] != choice_id],
    }
    question.save()


def _wrong(question: Question) -> dict:
    return next(c for c in question.choices() if not c["correct"])


def _answered_then_changed(learner, n: int = 3):
    """An open attempt of `n` questions, all answered: a single choice one and a multiple
    select then lose a wrong choice their answer holds (the single its only one, the multiple
    one of its two), a true/false one stays as it was, and any more are single choice ones
    answered right."""
    asked = [make_question("single"), make_question("multiple"), make_question("true_false")]
    asked += [make_question("single") for _ in range(n - 3)]
    attempt = attempts.attempt_start(quiz=make_quiz(*asked), user=learner)
    single, multiple = asked[0], asked[1]
    held = [multiple.choices()[0], _wrong(multiple)]
    responses = {
        single.pk: {"choice": _wrong(single)["id"], "text": _wrong(single)["text"]},
        multiple.pk: {"choices": [c["id"] for c in held], "texts": [c["text"] for c in held]},
    }
    for question in asked:
        response = responses.get(question.pk) or right_response(question)
        attempts.answer_save(attempt=attempt, question=question, response=response)
    _take_out(single, _wrong(single)["id"])
    _take_out(multiple, _wrong(multiple)["id"])
    return attempt, asked


def test_an_answer_whose_choice_was_taken_out_counts_as_not_answered_on_the_summary(learner):
    attempt, (single, multiple, true_false) = _answered_then_changed(learner)
    rows = {r.question_id: r for r in attempts.attempt_summary(attempt)}
    assert [
        (rows[q.pk].answered, rows[q.pk].choice_gone) for q in (single, multiple, true_false)
    ] == [
        (False, True),
        (False, True),  # one of its two choices is gone: as on its own page, choose again
        (True, False),
    ]
    # Chosen again, it is answered.
    attempts.answer_save(attempt=attempt, question=single, response=right_response(single))
    rows = {r.question_id: r for r in attempts.attempt_summary(attempt)}
    assert (rows[single.pk].answered, rows[single.pk].choice_gone) == (True, False)


def test_the_summary_page_says_which_answers_need_choosing_again(learner_client, learner):
    attempt, (single, multiple, true_false) = _answered_then_changed(learner)
    at = {pk: n for n, pk in enumerate(attempt.question_ids, start=1)}
    response = learner_client.get(reverse("quizzes:summary", args=[attempt.pk]))
    page = page_text(response)
    # It said "0 not answered" above answers that score zero at submit.
    assert "3 questions: 2 not answered, 0 flagged. Unanswered questions score zero." in page
    assert "Your answers to 2 questions are no longer among their choices" in page
    for question in (single, multiple):
        assert (
            f"Question {at[question.pk]} Not answered : your choice was taken out of the "
            "question, choose again" in page
        )
    assert f"Question {at[true_false.pk]} Answered" in page
    first = min(at[single.pk], at[multiple.pk])
    assert f'?q={first}">Back to the questions' in response.content.decode()


def test_the_summary_reads_gone_choices_in_one_query_however_many_questions(
    learner_client, learner
):
    """At most one query more than a summary with nothing gone, the same for 3 questions or
    12 (each of the 9 more answered, two of them with a choice taken out since)."""
    few, _ = _answered_then_changed(learner, 3)
    many, asked = _answered_then_changed(learner, 12)
    for question in asked[3:5]:
        answer = {"choice": _wrong(question)["id"], "text": _wrong(question)["text"]}
        attempts.answer_save(attempt=many, question=question, response=answer)
        _take_out(question, _wrong(question)["id"])
    plain = attempts.attempt_start(quiz=make_quiz(make_question("true_false")), user=learner)
    url = lambda attempt: reverse("quizzes:summary", args=[attempt.pk])  # noqa: E731
    nothing_gone, _ = page_queries(learner_client, url(plain), warm=True)
    with_few, _ = page_queries(learner_client, url(few), warm=True)
    with_many, page = page_queries(learner_client, url(many), warm=True)
    assert "12 questions: 4 not answered" in " ".join(re.sub(r"<[^>]+>", " ", page).split())
    assert with_few == with_many <= nothing_gone + 1


def test_the_question_pages_count_an_answer_whose_choice_was_taken_out_as_the_summary_does(
    learner_client, learner
):
    """The "N of M questions answered" line and the question navigation said "answered" for an
    answer the summary (and the grading) count as none: the pages now agree."""
    attempt, (single, multiple, true_false) = _answered_then_changed(learner)
    at = {pk: n for n, pk in enumerate(attempt.question_ids, start=1)}
    take = reverse("quizzes:take", args=[attempt.pk])
    summary = page_text(learner_client.get(reverse("quizzes:summary", args=[attempt.pk])))
    assert "3 questions: 2 not answered" in summary
    for position in at.values():
        page = page_text(learner_client.get(f"{take}?q={position}"))
        assert "1 of 3 questions answered. Unanswered questions score zero." in page
        for question in (single, multiple):
            assert f"{at[question.pk]} (not answered)" in page
        assert f"{at[true_false.pk]} (answered)" in page
    # Chosen again, it is answered on both.
    attempts.answer_save(attempt=attempt, question=single, response=right_response(single))
    page = page_text(learner_client.get(f"{take}?q={at[single.pk]}"))
    assert "2 of 3 questions answered." in page and f"{at[single.pk]} (answered)" in page


def test_the_question_page_reads_gone_choices_only_with_an_unchecked_answer_and_at_one_query(
    learner_client, learner, monkeypatch
):
    """No query more while every answer is checked (a checked answer is final); with some not
    checked, one, the same for 3 questions or 12 (two more with a choice taken out)."""
    few, _ = _answered_then_changed(learner, 3)
    many, asked = _answered_then_changed(learner, 12)
    for question in asked[3:5]:
        answer = {"choice": _wrong(question)["id"], "text": _wrong(question)["text"]}
        attempts.answer_save(attempt=many, question=question, response=answer)
        _take_out(question, _wrong(question)["id"])
    url = lambda attempt: reverse("quizzes:take", args=[attempt.pk])  # noqa: E731
    with_few, _ = page_queries(learner_client, url(few), warm=True)
    with_many, page = page_queries(learner_client, url(many), warm=True)
    assert "8 of 12 questions answered" in page
    assert with_few == with_many
    read = count_calls(monkeypatch, attempts, "_choices_gone")
    Answer.objects.filter(attempt=few).update(graded_at=timezone.now())  # all checked
    page_queries(learner_client, url(few))
    assert read == []
    page_queries(learner_client, url(many))
    assert len(read) == 1
