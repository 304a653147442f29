"""Quiz pages: list, detail, start, take with htmx and without, submit, result; ownership,
integrity (no key before it is earned) and fixed query counts."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quizzes import views
from quizzes.models import Answer, Attempt, Question
from tests.conftest import give_mfa
from tests.quizzes.builders import allow, make_question, make_quiz, page_text, policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz():
    return make_quiz(
        make_question("single", prompt="What protects the root user?"),
        make_question("true_false", prompt="Groups are principals."),
        title="IAM basics",
    )


def start(client, quiz) -> Attempt:
    response = client.post(reverse("quizzes:start", args=[quiz.slug]))
    assert response.status_code == 302
    return Attempt.objects.latest("pk")


def question_at(attempt: Attempt, position: int):
    return attempt.quiz.questions.get(pk=attempt.question_ids[position - 1])


def right_choice(question) -> str:
    return next(c["id"] for c in question.choices() if c["correct"])


# --- list and detail ----------------------------------------------------------------------


def test_the_list_shows_published_quizzes_and_drafts_only_to_staff(client, staff, quiz):
    make_quiz(make_question(), title="Secret draft", published=False)
    body = client.get(reverse("quizzes:list")).content.decode()
    assert "IAM basics" in body and "Secret draft" not in body
    client.force_login(staff)
    # Staff preview drafts once they have two-factor sign-in: a staff password alone reads none.
    assert "Secret draft" not in client.get(reverse("quizzes:list")).content.decode()
    give_mfa(staff)
    assert "Secret draft" in client.get(reverse("quizzes:list")).content.decode()


def test_the_list_counts_the_questions_a_drawing_quiz_gives(client):
    """The count is the draw's, and so is its plural: a quiz listing one question and drawing
    it twice over was "2 question"."""
    first = make_question(category="iam")
    make_question(category="iam")
    make_quiz(first, title="Draws", draw_category="iam", draw_count=2)
    body = " ".join(client.get(reverse("quizzes:list")).content.decode().split())
    assert "2 questions&nbsp;·" in body


def test_a_draw_from_a_category_with_fewer_usable_questions_is_counted_as_attempts_get_it(
    client,
):
    """A quiz drawing 5 from a category of 3 questions, one of them broken (skipped by every
    attempt), gives an attempt 2 questions: the list and the quiz's page said 5, as the teach
    page already did not. Archived questions are not drawn either."""
    kept = [make_question(category="few") for _ in range(3)]
    Question.objects.filter(pk=kept[1].pk).update(data={"answer": "maybe"})
    archived = make_question(category="few")
    Question.objects.filter(pk=archived.pk).update(archived=True)
    quiz = make_quiz(kept[0], title="Draws five", draw_category="few", draw_count=5)
    body = " ".join(client.get(reverse("quizzes:list")).content.decode().split())
    assert "2 questions&nbsp;·" in body and "5 questions" not in body
    detail = " ".join(client.get(quiz.get_absolute_url()).content.decode().split())
    assert "<dt>Questions</dt><dd>2</dd>" in detail
    attempt = start(client, quiz)
    assert len(attempt.question_ids) == 2


def test_the_list_tells_a_returning_learner_which_quiz_they_left_half_done(learner_client, quiz):
    """A learner back after a week sees, on the list, the quiz with an attempt still open and
    a link to it; a submitted attempt is no longer "in progress". An only attempt still open
    reads "1 attempt, in progress": "1 attempt · one in progress" read as two attempts."""
    link = f'<a href="{quiz.get_absolute_url()}">'
    attempt = start(learner_client, quiz)
    body = " ".join(learner_client.get(reverse("quizzes:list")).content.decode().split())
    assert f"1 attempt, {link}in progress</a>" in body and "one in progress" not in body
    learner_client.post(reverse("quizzes:submit", args=[attempt.pk]))
    body = learner_client.get(reverse("quizzes:list")).content.decode()
    assert "in progress" not in body and "1 attempt, best 0%" in body
    attempt = start(learner_client, quiz)  # a second one submitted, then a third left open
    learner_client.post(reverse("quizzes:submit", args=[attempt.pk]))
    start(learner_client, quiz)
    body = " ".join(learner_client.get(reverse("quizzes:list")).content.decode().split())
    assert f"3 attempts, best 0%&nbsp;·&nbsp;{link}one in progress</a>" in body


def test_a_draft_quiz_is_not_found_for_learners(learner_client):
    draft = make_quiz(make_question(), published=False)
    assert learner_client.get(draft.get_absolute_url()).status_code == 404
    assert learner_client.post(reverse("quizzes:start", args=[draft.slug])).status_code == 404
    assert not Attempt.objects.exists()


def test_the_detail_page_offers_a_start(client, quiz):
    body = client.get(quiz.get_absolute_url()).content.decode()
    assert "Start the quiz" in body
    assert reverse("quizzes:start", args=[quiz.slug]) in body


# --- starting -----------------------------------------------------------------------------


def test_a_signed_in_learner_starts_an_attempt(learner_client, learner, quiz):
    response = learner_client.post(reverse("quizzes:start", args=[quiz.slug]))
    attempt = Attempt.objects.get()
    assert response["Location"] == attempt.get_absolute_url()
    assert attempt.user == learner and attempt.learner_key == ""


def test_an_anonymous_learner_starts_an_attempt_kept_in_their_session(client, quiz):
    attempt = start(client, quiz)
    assert attempt.user is None and attempt.learner_key
    assert client.get(attempt.get_absolute_url()).status_code == 200


def test_start_is_post_only(client, quiz):
    assert client.get(reverse("quizzes:start", args=[quiz.slug])).status_code == 405


def test_the_limit_stops_a_new_attempt_with_a_message(learner_client, quiz):
    quiz.attempts_allowed = 1
    quiz.save()
    attempt = start(learner_client, quiz)
    learner_client.post(reverse("quizzes:submit", args=[attempt.pk]))
    response = learner_client.post(reverse("quizzes:start", args=[quiz.slug]), follow=True)
    assert "You have used all 1 attempt" in response.content.decode()
    assert Attempt.objects.count() == 1


# --- ownership ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "name", "extra"),
    [
        ("get", "quizzes:take", []),
        ("post", "quizzes:answer", [1]),
        ("post", "quizzes:submit", []),
        ("get", "quizzes:result", []),
    ],
)
def test_an_attempt_is_only_found_by_its_owner(
    client, learner, other_learner, quiz, method, name, extra
):
    client.force_login(learner)
    attempt = start(client, quiz)
    url = reverse(name, args=[attempt.pk, *extra])
    client.force_login(other_learner)
    assert getattr(client, method)(url, {"action": "save", "answer": "true"}).status_code == 404
    client.logout()  # signed out: asked to sign in again (the session ended), nothing saved
    response = getattr(client, method)(url, {"action": "save", "answer": "true"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    attempt.refresh_from_db()
    assert attempt.submitted_at is None and not Answer.objects.exists()


def test_anonymous_attempts_are_not_shared_between_sessions(client, quiz):
    from django.test import Client

    attempt = start(client, quiz)
    assert Client().get(attempt.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    ("method", "name", "extra"),
    [
        ("post", "quizzes:take", []),
        ("get", "quizzes:submit", []),
        ("post", "quizzes:result", []),
    ],
)
def test_wrong_methods_are_refused(learner_client, quiz, method, name, extra):
    attempt = start(learner_client, quiz)
    assert (
        getattr(learner_client, method)(reverse(name, args=[attempt.pk, *extra])).status_code == 405
    )


# --- taking -------------------------------------------------------------------------------


def test_the_question_page_never_contains_the_key_before_it_is_answered(learner_client, quiz):
    attempt = start(learner_client, quiz)
    single = (
        question_at(attempt, 1)
        if question_at(attempt, 1).type == "single"
        else question_at(attempt, 2)
    )
    position = attempt.question_ids.index(single.pk) + 1
    body = learner_client.get(f"{attempt.get_absolute_url()}?q={position}").content.decode()
    assert "Turn on MFA" in body  # the choice is shown...
    assert "The right answer" not in body  # ...but nothing says it is right
    assert single.explanation not in body
    assert '"correct"' not in body and "correct: true" not in body


def test_checking_an_answer_with_htmx_swaps_in_the_feedback(learner_client, quiz):
    attempt = start(learner_client, quiz)
    q = question_at(attempt, 1)
    data = (
        {"action": "check", "choice": right_choice(q)}
        if q.type == "single"
        else {"action": "check", "answer": "true"}
    )
    with CaptureQueriesContext(connection) as ctx:
        response = learner_client.post(
            reverse("quizzes:answer", args=[attempt.pk, 1]), data, headers={"HX-Request": "true"}
        )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="attempt-body"')
    assert "Right." in body and q.explanation in body
    # the verdict in a few words for the page's status region; the feedback swapped in with
    # the question is no live region of its own (it was read whole, or not at all)
    assert '<p id="live-status" hx-swap-oob="innerHTML">Right.</p>' in body
    assert "aria-live" not in body
    # The attempt's questions are read once: the answer and the page it swaps in share them.
    read = [c["sql"] for c in ctx.captured_queries if 'FROM "quizzes_question"' in c["sql"]]
    assert len(read) == 1, read
    answer = Answer.objects.get(attempt=attempt, question=q)
    assert answer.correct is True and answer.graded_at is not None


def test_without_javascript_an_answer_redirects_to_the_next_question(learner_client):
    q1, q2 = make_question("true_false"), make_question("true_false")
    quiz = make_quiz(q1, q2, feedback="end")
    attempt = start(learner_client, quiz)
    response = learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk, 1]), {"action": "next", "answer": "false"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{attempt.get_absolute_url()}?q=2"
    answer = Answer.objects.get(attempt=attempt, question_id=attempt.question_ids[0])
    assert answer.response == {"answer": False} and answer.graded_at is None
    # end feedback: the page shows the saved answer, and no verdict
    body = learner_client.get(f"{attempt.get_absolute_url()}?q=1").content.decode()
    assert 'value="false" checked' in body
    assert "Right." not in body and "Not right." not in body and q1.explanation not in body


def test_signing_in_after_a_refused_answer_without_javascript_comes_back_to_the_question(
    client, learner, quiz
):
    """Without JavaScript a refused answer ("Choose one answer.") is drawn at the answer's own
    address (the form's POST), so the header's "Sign in", a reload from the address bar or a
    bookmark came back there with a GET: a bare 405, the browser's blank error page. A GET of
    it now opens the question."""
    attempt = start(client, quiz)
    url = reverse("quizzes:answer", args=[attempt.pk, 2])
    body = client.post(url, {"action": "check"}).content.decode()
    assert "Choose" in body
    back = re.search(r'href="/accounts/login/\?next=([^"]+)"', body).group(1)
    assert back.replace("%2F", "/") == url
    client.force_login(learner)  # signing in carries the attempt over to the account
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{attempt.get_absolute_url()}?q=2"


def test_save_and_next_says_which_question_was_saved(learner_client):
    """The next question's status line is beside its own, empty controls: a bare "Answer
    saved." there read as if that question had been answered."""
    quiz = make_quiz(make_question("true_false"), make_question("true_false"), feedback="end")
    attempt = start(learner_client, quiz)
    response = learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk, 1]),
        {"action": "next", "answer": "false"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert "Question 2 of 2" in body
    assert ">Your answer to question 1 is saved.</p>" in body
    assert "Answer saved." not in body


def test_autosave_stores_the_answer_and_answers_with_a_status(learner_client, quiz):
    attempt = start(learner_client, quiz)
    q = question_at(attempt, 1)
    data = (
        {"action": "autosave", "choice": right_choice(q)}
        if q.type == "single"
        else {"action": "autosave", "answer": "true"}
    )
    response = learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk, 1]), data, headers={"HX-Request": "true"}
    )
    # the status line's words, and the same for the page's status region to say
    assert response.content.decode().strip() == (
        'Answer saved.<p id="live-status" hx-swap-oob="innerHTML">Answer saved.</p>'
    )
    answer = Answer.objects.get(attempt=attempt, question=q)
    assert answer.graded_at is None  # autosave never grades, even with immediate feedback


def test_bad_input_gets_a_message_not_a_500(learner_client):
    quiz = make_quiz(make_question("ordering"))
    attempt = start(learner_client, quiz)
    q = question_at(attempt, 1)
    data = {f"pos_{item['id']}": "1" for item in q.items()}
    response = learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk, 1]), {"action": "check", **data}
    )
    assert response.status_code == 200
    assert "Use each position once" in response.content.decode()
    assert not Answer.objects.exists()
    response = learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk, 99]), {"choice": "<script>"}, follow=True
    )
    assert response.status_code == 200
    assert "This attempt has no question 99, so your answer was not saved" in (
        response.content.decode()
    )


def test_checking_with_nothing_chosen_is_said_in_the_status_region(learner_client):
    """The swap puts the focus on the question's heading; the refusal beside the controls was
    read by nobody. The page's status region now says it."""
    quiz = make_quiz(make_question("true_false"), feedback="immediate")
    attempt = start(learner_client, quiz)
    response = learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk, 1]),
        {"action": "check"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert '<p id="live-status" hx-swap-oob="innerHTML">Not checked: Choose true or false.</p>' in (
        body
    )
    assert not Answer.objects.exists()
    # a good answer's swap says its verdict there instead: the refusal is over
    response = learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk, 1]),
        {"action": "check", "answer": "true"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert body.count('id="live-status"') == 1
    assert '<p id="live-status" hx-swap-oob="innerHTML">Right.</p>' in body


def test_an_ordering_question_is_answered_with_position_selects(learner_client):
    quiz = make_quiz(make_question("ordering"))
    attempt = start(learner_client, quiz)
    q = question_at(attempt, 1)
    body = learner_client.get(attempt.get_absolute_url()).content.decode()
    for item in q.items():
        assert f'<label for="pos_{item["id"]}">{item["text"]}</label>' in body
    data = {f"pos_{item['id']}": str(n) for n, item in enumerate(q.items(), start=1)}
    learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk, 1]), {"action": "check", **data}
    )
    assert Answer.objects.get().score == 1.0


def test_a_least_privilege_draft_with_invalid_json_is_kept_with_line_and_column(learner_client):
    quiz = make_quiz(make_question("least_privilege"))
    attempt = start(learner_client, quiz)
    body = learner_client.get(attempt.get_absolute_url()).content.decode()
    assert "s3:*" in body  # the start policy is in the editor
    draft = '{"Version": "2012-10-17",\n  "Statement": [}'
    response = learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk, 1]), {"action": "check", "policy": draft}
    )
    body = response.content.decode()
    assert "Line 2, column 17" in body
    assert "[}" in body  # the draft is shown again, not lost
    answer = Answer.objects.get()
    assert answer.response == {"policy": draft} and answer.graded_at is None


@pytest.mark.parametrize(
    ("kind", "field"),
    [("least_privilege", "policy"), ("flow_fix", "rules"), ("route_findings", "pattern")],
)
def test_a_draft_holding_nul_is_kept_as_the_database_takes_it(learner_client, kind, field):
    """A crafted autosave's NUL (no one types it) was a DataError on PostgreSQL, whose jsonb
    refuses it, a 500: the draft keeps it as U+FFFD, as the review page's drafts do."""
    attempt = start(learner_client, make_quiz(make_question(kind)))
    response = learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk, 1]),
        {"action": "autosave", field: '{"Version": \x00'},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and "Draft saved" in response.content.decode()
    assert Answer.objects.get().response == {field: '{"Version": \ufffd'}


def test_a_least_privilege_answer_gets_a_counterexample(learner_client):
    quiz = make_quiz(make_question("least_privilege"))
    attempt = start(learner_client, quiz)
    text = policy(allow("s3:*", "arn:aws:s3:::reports/*"))
    response = learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk, 1]),
        {"action": "check", "policy": text},
        follow=True,
    )
    body = response.content.decode()
    assert (
        "Your policy still allows <code>s3:DeleteObject</code> on <code>arn:aws:s3:::reports/q1.csv</code>"
        in body
    )


def test_a_policy_decision_page_shows_the_case_but_not_its_expectation(learner_client):
    q = make_question("policy_decision", ask_statement=True)
    q.scenario.situation = "SITUATION GIVES IT AWAY"
    q.scenario.save()
    attempt = start(learner_client, make_quiz(q))
    body = learner_client.get(attempt.get_absolute_url()).content.decode()
    assert "arn:aws:iam::111122223333:user/alice" in body
    assert "Identity-based policy 1, statement 1 (Allow)" in body  # the statement choice
    assert "SITUATION GIVES IT AWAY" not in body
    assert "The right answer" not in body  # the key appears only in feedback


# --- submitting and results ---------------------------------------------------------------


def test_submit_grades_and_shows_the_result(learner_client, quiz):
    attempt = start(learner_client, quiz)
    q = question_at(attempt, 1)
    data = {"choice": right_choice(q)} if q.type == "single" else {"answer": "true"}
    learner_client.post(reverse("quizzes:answer", args=[attempt.pk, 1]), {"action": "save", **data})
    response = learner_client.post(reverse("quizzes:submit", args=[attempt.pk]))
    assert response["Location"] == reverse("quizzes:result", args=[attempt.pk])
    attempt.refresh_from_db()
    assert attempt.score == 0.5 and attempt.passed is False
    body = learner_client.get(response["Location"]).content.decode()
    assert "50%" in body and "not passed" in body
    for question in quiz.questions.all():
        assert question.explanation in body
        assert question.lesson.get_absolute_url() in body
    assert "Your answer" in body and "The right answer" in body


def test_a_replayed_submit_counts_once(learner_client, quiz):
    attempt = start(learner_client, quiz)
    url = reverse("quizzes:submit", args=[attempt.pk])
    learner_client.post(url)
    first = Attempt.objects.get().submitted_at
    assert learner_client.post(url).status_code == 302
    assert Attempt.objects.get().submitted_at == first


def test_answers_after_submit_go_to_the_result(learner_client, quiz):
    attempt = start(learner_client, quiz)
    learner_client.post(reverse("quizzes:submit", args=[attempt.pk]))
    response = learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk, 1]), {"answer": "true"}
    )
    assert response["Location"] == reverse("quizzes:result", args=[attempt.pk])
    assert not Answer.objects.exists()
    assert learner_client.get(attempt.get_absolute_url())["Location"] == reverse(
        "quizzes:result", args=[attempt.pk]
    )


def test_the_result_page_waits_for_submit(learner_client, quiz):
    attempt = start(learner_client, quiz)
    response = learner_client.get(reverse("quizzes:result", args=[attempt.pk]))
    assert response["Location"] == attempt.get_absolute_url()


# --- query counts -------------------------------------------------------------------------


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("size", [2, 12])
def test_quiz_pages_issue_a_fixed_number_of_queries(learner_client, size):
    kinds = [
        "single",
        "multiple",
        "true_false",
        "ordering",
        "categorize",
        "policy_decision",
        "least_privilege",
    ]
    questions = [make_question(kinds[n % len(kinds)]) for n in range(size)]
    quiz = make_quiz(*questions)
    attempt = start(learner_client, quiz)
    for n in range(1, size + 1):
        question = question_at(attempt, n)
        if question.type == "true_false":
            learner_client.post(
                reverse("quizzes:answer", args=[attempt.pk, n]),
                {"action": "check", "answer": "true"},
            )
    counts = {
        "list": _count(learner_client, reverse("quizzes:list")),
        "detail": _count(learner_client, quiz.get_absolute_url()),
        "take": _count(learner_client, attempt.get_absolute_url()),
    }
    learner_client.post(reverse("quizzes:submit", args=[attempt.pk]))
    counts["result"] = _count(learner_client, reverse("quizzes:result", args=[attempt.pk]))
    # (+1 on every page for a signed-in learner: the Review link's due-now badge; +1 on the
    # result: its questions come from several modules, so the score by module looks up the
    # modules' own quizzes; +1 on the detail, take and result pages: the notes of apps built
    # on quizzes, read once per page (`quizzes.hooks` notes: cohorts' assignments); +1 on the
    # list: it is shown a page at a time, so the quizzes are counted; +1 on the detail: it lists
    # the latest attempts, so the learner's attempts are counted; +1 on the list: the page's
    # quizzes' questions are read in one query, not counted in a subquery, so that a broken
    # one, which an attempt skips, is left out of the count)
    assert counts == {"list": 7, "detail": 8, "take": 7, "result": 9}


def test_an_anonymous_attempt_stays_reachable_after_signing_in_on_the_same_browser(
    client, learner, quiz
):
    attempt = start(client, quiz)
    client.force_login(learner)  # signing in carries the attempt over to the account
    assert client.get(attempt.get_absolute_url()).status_code == 200
    attempt.refresh_from_db()
    assert attempt.user == learner
    client.logout()
    assert client.get(attempt.get_absolute_url()).status_code == 302  # sign in again


@pytest.mark.parametrize("name", ["quizzes:list", "quizzes:detail"])
def test_quiz_pages_are_get_only(client, quiz, name):
    url = reverse(name, args=[quiz.slug] if name == "quizzes:detail" else [])
    assert client.post(url).status_code == 405


def test_the_admin_lists_every_quiz_model(client, quiz, learner):
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", password="a-long-passphrase-9")
    give_mfa(admin)  # the admin opens only for staff with two-factor authentication
    attempt = start(client, quiz)
    client.force_login(admin)
    for model in ("quiz", "question", "attempt", "reviewcard"):
        assert client.get(f"/admin/quizzes/{model}/").status_code == 200
    assert client.get(f"/admin/quizzes/quiz/{quiz.pk}/change/").status_code == 200
    assert client.get(f"/admin/quizzes/attempt/{attempt.pk}/change/").status_code == 200
    assert client.get("/admin/quizzes/question/?type__exact=single").status_code == 200


def test_htmx_navigation_gets_the_partial_and_history_restore_the_whole_page(learner_client, quiz):
    attempt = start(learner_client, quiz)
    url = f"{attempt.get_absolute_url()}?q=2"
    partial = learner_client.get(url, headers={"HX-Request": "true"})
    assert partial.content.decode().lstrip().startswith('<div id="attempt-body"')
    assert "HX-Request" in partial["Vary"]
    restore = learner_client.get(
        url, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in restore.content.decode()


def test_a_session_that_ended_mid_quiz_says_so_and_keeps_the_answer(client, learner):
    question = make_question("true_false")
    quiz = make_quiz(question)
    client.force_login(learner)
    attempt = start(client, quiz)
    client.logout()  # the session ends
    url = reverse("quizzes:answer", args=[attempt.pk, 1])
    response = client.post(url, {"action": "check", "answer": "false"})
    back = reverse("quizzes:take", args=[attempt.pk]) + "?q=1"
    assert response.status_code == 302
    assert response["Location"] == reverse("login") + "?" + urlencode({"next": back})
    client.post(
        response["Location"], {"login": "ada", "password": "a-long-passphrase-1", "next": back}
    )
    with CaptureQueriesContext(connection) as ctx:
        body = client.get(back).content.decode()
    assert "filled in again" in body
    assert 'value="false" checked' in body
    read = [c["sql"] for c in ctx.captured_queries if 'FROM "quizzes_question"' in c["sql"]]
    assert len(read) == 1, read  # the question shown and filled in again: read once


@pytest.mark.parametrize(
    ("kind", "fields", "sent", "kept", "error"),
    [
        ("single", {}, {}, None, "Choose one answer."),
        ("multiple", {}, {}, None, "Choose at least one answer."),
        (
            "policy_decision",
            {"ask_statement": True},
            {"decision": "Allow"},  # the deciding statement not chosen yet
            'value="Allow" checked',
            "Choose the statement that decided it.",
        ),
    ],
)
def test_an_answer_filled_in_again_after_signing_in_is_not_judged(
    client, learner, kind, fields, sent, kept, error
):
    """The answer kept when the session ended comes back as the learner left it: what they
    chose stays chosen, but nobody has checked it yet, so an unfinished answer shows no
    "Choose one answer." (nor anything else a check would say) until they send it."""
    quiz = make_quiz(make_question(kind, **fields))
    client.force_login(learner)
    attempt = start(client, quiz)
    client.logout()  # the session ends
    url = reverse("quizzes:answer", args=[attempt.pk, 1])
    client.post(url, {"action": "check", **sent})
    client.force_login(learner)
    back = reverse("quizzes:take", args=[attempt.pk]) + "?q=1"
    body = client.get(back).content.decode()
    assert "filled in again" in body
    assert error not in body and "field-error" not in body and 'aria-invalid="true"' not in body
    if kept:
        assert kept in body
    assert not Answer.objects.exists()  # filled in, not saved
    checked = client.post(url, {"action": "check", **sent}).content.decode()
    assert error in checked  # sent again, it is judged as any answer is


def test_a_stranger_still_gets_a_404_for_an_anonymous_attempt(client, quiz):
    attempt = start(client, quiz)
    client.cookies.clear()
    assert client.get(reverse("quizzes:take", args=[attempt.pk])).status_code == 404


def test_the_attempt_admin_shows_scores_as_percentages_and_no_broken_site_link(client, quiz):
    from django.contrib.auth import get_user_model

    admin_user = get_user_model().objects.create_superuser("root", password="a-long-passphrase-9")
    give_mfa(admin_user)
    attempt = start(client, quiz)
    client.post(reverse("quizzes:submit", args=[attempt.pk]))
    client.force_login(admin_user)
    listing = client.get("/admin/quizzes/attempt/").content.decode()
    assert "0%" in listing and "0.0<" not in listing
    page = client.get(f"/admin/quizzes/attempt/{attempt.pk}/change/").content.decode()
    assert "View on site" not in page


def test_policy_decision_feedback_names_the_documentation_rule(learner_client):
    """Issue 12: a policy-decision question shows the rule its scenario illustrates."""
    from tests.conftest import make_scenario

    scenario = make_scenario(
        rule={"title": "Policy evaluation logic", "url": "https://docs.aws.amazon.com/IAM/e.html"}
    )
    quiz = make_quiz(make_question("policy_decision", scenario=scenario))
    attempt = start(learner_client, quiz)
    response = learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk, 1]),
        {"action": "check", "decision": "Allow"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert (
        'The rule: <a href="https://docs.aws.amazon.com/IAM/e.html" rel="noopener">'
        "Policy evaluation logic</a>" in body
    )
    # Questions take the level of their lesson (no level of their own yet).
    assert "badge-level-foundational" in body


# --- a page of an attempt reads the question it shows, whatever the quiz's length ---------


def _attempt_pages(client, attempt: Attempt, position: int) -> dict:
    """The queries of each request a learner makes on the true/false question at `position`:
    its page (whole and as htmx), an autosave, a save that moves on (htmx) and a flag."""
    answer = reverse("quizzes:answer", args=[attempt.pk, position])
    htmx = {"HX-Request": "true"}
    requests = {
        "take": lambda: client.get(f"{attempt.get_absolute_url()}?q={position}"),
        "take htmx": lambda: client.get(f"{attempt.get_absolute_url()}?q={position}", headers=htmx),
        "autosave": lambda: client.post(
            answer, {"action": "autosave", "answer": "true"}, headers=htmx
        ),
        "next": lambda: client.post(answer, {"action": "next", "answer": "true"}, headers=htmx),
        "flag": lambda: client.post(
            reverse("quizzes:flag", args=[attempt.pk, position]), {"flagged": "1"}, headers=htmx
        ),
    }
    counts = {}
    for name, request in requests.items():
        with CaptureQueriesContext(connection) as ctx:
            assert request().status_code == 200, name
        counts[name] = len(ctx.captured_queries)
    return counts


def test_a_long_quiz_pages_issue_as_many_queries_as_a_short_ones(learner_client):
    """A 30-question attempt's pages cost the queries a 3-question one's do: the question shown
    is read whole, the others' ids only."""
    kinds = ["single", "true_false", "policy_decision", "multiple", "least_privilege"]
    counts = {}
    for size in (3, 30):
        quiz = make_quiz(*(make_question(kinds[n % len(kinds)]) for n in range(size)))
        attempt = start(learner_client, quiz)
        counts[size] = _attempt_pages(learner_client, attempt, 2)
    assert counts[3] == counts[30], counts


def test_each_position_shows_its_question_when_one_before_it_broke(learner_client, caplog):
    """A question broken after the start (an edit, here one that bypasses `save`) is skipped
    from the next page on: the later ones move up a place, and every page, answer and flag
    acts on the question it shows."""
    questions = [make_question("true_false", prompt=f"Statement number {n}.") for n in range(5)]
    quiz = make_quiz(*questions, feedback="end")
    attempt = start(learner_client, quiz)
    take = attempt.get_absolute_url()
    assert "Question 3 of 5" in learner_client.get(f"{take}?q=3").content.decode()
    before = _count(learner_client, f"{take}?q=3")
    broken = attempt.question_ids[1]
    Question.objects.filter(pk=broken).update(data={"answer": "maybe"})
    shown = [pk for pk in attempt.question_ids if pk != broken]
    prompts = {q.pk: q.prompt for q in questions}
    first_after = learner_client.get(f"{take}?q=3").content.decode()  # finds it skipped
    assert "Question 3 of 4" in first_after and prompts[shown[2]] in first_after
    for position, pk in enumerate(shown, start=1):
        body = learner_client.get(f"{take}?q={position}").content.decode()
        assert f"Question {position} of 4" in body and prompts[pk] in body, position
    assert _count(learner_client, f"{take}?q=3") == before  # the skip is known: no extra read
    htmx = {"HX-Request": "true"}
    response = learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk, 2]),
        {"action": "next", "answer": "false"},
        headers=htmx,
    )
    assert prompts[shown[2]] in response.content.decode()  # moved on to the third shown
    assert Answer.objects.get(attempt=attempt).question_id == shown[1]
    learner_client.post(reverse("quizzes:flag", args=[attempt.pk, 3]), {"flagged": "1"})
    attempt.refresh_from_db()
    assert attempt.flagged == [shown[2]]
    assert "is broken and skipped" in caplog.text


def _hidden_question(body: str, form_class: str = "") -> str:
    """The question id a form of the take page sends (the answer form's, or the flag form's)."""
    form = body[body.index(form_class) :] if form_class else body
    return re.search(r'<input type="hidden" name="question" value="(\d+)">', form)[1]


@pytest.fixture
def five_drawn(learner_client):
    """An attempt at five true/false questions, its page at question 3 drawn (as a learner
    has it open), and then question 2 broken by an edit: the later questions move up."""
    questions = [make_question("true_false", prompt=f"Statement number {n}.") for n in range(5)]
    attempt = start(learner_client, make_quiz(*questions, feedback="end"))
    page = learner_client.get(f"{attempt.get_absolute_url()}?q=3").content.decode()
    Question.objects.filter(pk=attempt.question_ids[1]).update(data={"answer": "maybe"})
    prompts = {q.pk: q.prompt for q in questions}
    return attempt, page, prompts


def test_an_answer_from_a_page_drawn_before_a_question_left_goes_to_the_question_it_showed(
    learner_client, five_drawn
):
    """The page at question 3 posts to position 3, but question 2 has gone since, so
    position 3 is now the fourth question: the answer is saved on the question the learner
    read, and "Save and next" shows the one after it."""
    attempt, page, prompts = five_drawn
    third, fourth = attempt.question_ids[2], attempt.question_ids[3]
    assert _hidden_question(page) == str(third)
    response = learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk, 3]),
        {"action": "next", "answer": "false", "question": _hidden_question(page)},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Question 3 of 4" in body and prompts[fourth] in body
    assert "Your answer to question 2 is saved." in body  # where it is now
    assert list(Answer.objects.filter(attempt=attempt).values_list("question_id", flat=True)) == [
        third
    ]


def test_a_flag_from_a_page_drawn_before_a_question_left_flags_the_question_it_showed(
    learner_client, five_drawn
):
    attempt, page, _ = five_drawn
    learner_client.post(
        reverse("quizzes:flag", args=[attempt.pk, 3]),
        {"flagged": "1", "question": _hidden_question(page, 'class="flag-form"')},
    )
    attempt.refresh_from_db()
    assert attempt.flagged == [attempt.question_ids[2]]


@pytest.mark.parametrize("htmx", [True, False])
def test_an_answer_to_a_question_taken_out_since_is_not_saved_and_the_page_says_why(
    learner_client, five_drawn, htmx
):
    attempt, _, prompts = five_drawn
    gone = attempt.question_ids[1]  # the page at question 2, drawn before the edit broke it
    headers = {"HX-Request": "true"} if htmx else {}
    response = learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk, 2]),
        {"action": "next", "answer": "true", "question": str(gone)},
        headers=headers,
        follow=True,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "taken out of this quiz after you opened it, so your answer was not saved" in body
    assert "Question 2 of 4" in body and prompts[attempt.question_ids[2]] in body
    assert not Answer.objects.filter(attempt=attempt).exists()


def test_an_autosave_for_a_question_taken_out_since_says_it_was_not_saved(
    learner_client, five_drawn
):
    attempt, _, _ = five_drawn
    response = learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk, 2]),
        {"action": "autosave", "answer": "true", "question": str(attempt.question_ids[1])},
        headers={"HX-Request": "true"},
    )
    assert "your answer was not saved" in response.content.decode()
    assert not Answer.objects.filter(attempt=attempt).exists()


def test_a_flag_for_a_question_taken_out_since_flags_nothing(learner_client, five_drawn):
    attempt, _, _ = five_drawn
    response = learner_client.post(
        reverse("quizzes:flag", args=[attempt.pk, 2]),
        {"flagged": "1", "question": str(attempt.question_ids[1])},
        headers={"HX-Request": "true"},
    )
    assert "so nothing was flagged" in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.flagged == []


@pytest.mark.parametrize(
    ("view", "position", "data", "why"),
    [
        ("flag", 99, {"flagged": "1"}, "This attempt has no question 99, so nothing was flagged"),
        (
            "answer",
            99,
            {"action": "save", "answer": "true"},
            "This attempt has no question 99, so your answer was not saved",
        ),
        ("flag", 1, {"flagged": "1", "question": "1 OR 1=1"}, "taken out of this quiz"),
        ("answer", 1, {"action": "save", "answer": "true", "question": "١"}, "taken out"),
    ],
)
def test_a_made_up_position_or_question_acts_on_nothing_and_says_so(
    learner_client, view, position, data, why
):
    """A tampered post was moved onto the last question (a flag on /flag/99/ flagged it)."""
    attempt = start(learner_client, make_quiz(make_question("true_false")))
    response = learner_client.post(
        reverse(f"quizzes:{view}", args=[attempt.pk, position]), data, follow=True
    )
    assert response.status_code == 200
    assert why in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.flagged == [] and not Answer.objects.filter(attempt=attempt).exists()


def test_the_quiz_page_lists_past_attempts_on_the_learners_clock_with_its_zone(
    learner_client, quiz
):
    attempt = start(learner_client, quiz)
    Attempt.objects.filter(pk=attempt.pk).update(
        started_at=datetime(2031, 6, 1, 18, 0, tzinfo=UTC)  # 2 Jun, 03:00 in Tokyo
    )
    learner_client.cookies["tz"] = "Asia/Tokyo"
    body = learner_client.get(reverse("quizzes:detail", args=[quiz.slug])).content.decode()
    assert '">2 Jun 2031, 03:00 (Asia/Tokyo)</time></td>' in body


def test_a_policy_decision_names_each_outcome_alike_in_its_choices_and_its_feedback(
    learner_client,
):
    """One name per outcome: the choice a learner picks is read back in the same words under
    "Your answer", and the key under "The right answer" is worded as its choice was."""
    from bs4 import BeautifulSoup

    from tests.conftest import make_scenario

    allow = {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}
    deny = {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}
    cases = {
        "Allow": "s3:GetObject",
        "ExplicitDeny": "s3:DeleteObject",
        "ImplicitDeny": "ec2:RunInstances",
    }
    picks = {"Allow": "ImplicitDeny", "ExplicitDeny": "Allow", "ImplicitDeny": "ExplicitDeny"}
    for key, action in cases.items():
        case = {
            "request": {
                "principal": "arn:aws:iam::111122223333:user/alice",
                "action": action,
                "resource": "arn:aws:s3:::reports/q1.csv",
            },
            "identity_policies": [{"Version": "2012-10-17", "Statement": [allow, deny]}],
            "expect": key,
        }
        scenario = make_scenario(case=case)
        attempt = start(
            learner_client, make_quiz(make_question("policy_decision", scenario=scenario))
        )
        page = BeautifulSoup(learner_client.get(attempt.get_absolute_url()).content, "html.parser")
        choices = {
            radio["value"]: page.find("label", attrs={"for": radio["id"]}).get_text()
            for radio in page.select("input[name=decision]")
        }
        assert list(choices) == ["Allow", "ExplicitDeny", "ImplicitDeny"]
        response = learner_client.post(
            reverse("quizzes:answer", args=[attempt.pk, 1]),
            {"action": "check", "decision": picks[key]},
            headers={"HX-Request": "true"},
        )
        feedback = BeautifulSoup(response.content, "html.parser").select_one(".answer-compare")
        yours, right = feedback.find_all("div", recursive=False)
        assert yours.find("li").get_text() == choices[picks[key]]
        assert right.find("strong").get_text() == choices[key]


def test_a_try_that_was_not_right_is_said_with_the_tries_left(learner_client):
    from tests.test_live_status import said_within

    quiz = make_quiz(make_question("single"), feedback="immediate", tries=3)
    attempt = start(learner_client, quiz)
    wrong = next(c["id"] for c in question_at(attempt, 1).choices() if not c["correct"])
    response = learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk, 1]),
        {"action": "check", "choice": wrong},
        headers={"HX-Request": "true"},
    )
    assert said_within(response) == "Not right: try again. 2 tries left."


def over_the_limit_after(client, url: str, first: dict, then: dict, settings):
    """`first` sent within the answer limit, then `then` refused over it."""
    from django.core.cache import cache

    cache.clear()
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "answer": "1/60"}
    client.post(url, first, headers={"HX-Request": "true"})
    response = client.post(url, then, headers={"HX-Request": "true"})
    assert response.status_code == 429 and response["Retry-After"]
    return response


REFUSED = "Too many answers in a short time: nothing was saved. Try again in 60 seconds."


def test_an_answer_over_the_rate_limit_is_drawn_as_sent_with_the_refusal_alone(
    learner_client, settings
):
    """Checked with nothing chosen ("Choose one answer."), then chosen and refused over the
    limit: the question comes back with the choice as sent and the refusal in its status line,
    said in the page's status region; the earlier message stayed beside the refusal."""
    from bs4 import BeautifulSoup

    from tests.test_live_status import said_within

    attempt = start(learner_client, make_quiz(make_question("single"), feedback="immediate"))
    url = reverse("quizzes:answer", args=[attempt.pk, 1])
    wrong = next(c["id"] for c in question_at(attempt, 1).choices() if not c["correct"])
    empty, chosen = {"action": "check"}, {"action": "check", "choice": wrong}
    response = over_the_limit_after(learner_client, url, empty, chosen, settings)
    assert said_within(response) == REFUSED
    soup = BeautifulSoup(response.content, "html.parser")
    body = soup.find(id="attempt-body")
    assert "HX-Retarget" not in response and body is not None  # the whole question swapped
    assert body.find(id="answer-status").get_text() == REFUSED
    assert not body.select(".field-error") and "Choose one answer." not in body.get_text()
    assert [r["value"] for r in body.select('input[name="choice"][checked]')] == [wrong]
    assert body.find(id="question-title").has_attr("autofocus")
    assert not Answer.objects.exists()  # nothing saved, nothing checked


def test_an_answer_refused_after_a_wrong_try_says_the_refusal_not_the_try(learner_client, settings):
    """The page drawn after a wrong try says "Not right: try again."; refused, it says why
    nothing was checked, and the try's feedback does not take the focus."""
    from bs4 import BeautifulSoup

    from tests.test_live_status import said_within

    quiz = make_quiz(make_question("single"), feedback="immediate", tries=3)
    attempt = start(learner_client, quiz)
    url = reverse("quizzes:answer", args=[attempt.pk, 1])
    choices = question_at(attempt, 1).choices()
    wrong = next(c["id"] for c in choices if not c["correct"])
    right = next(c["id"] for c in choices if c["correct"])
    first, then = {"action": "check", "choice": wrong}, {"action": "check", "choice": right}
    response = over_the_limit_after(learner_client, url, first, then, settings)
    assert said_within(response) == REFUSED
    body = BeautifulSoup(response.content, "html.parser").find(id="attempt-body")
    assert [r["value"] for r in body.select('input[name="choice"][checked]')] == [right]
    assert [e["id"] for e in body.select("[autofocus]")] == ["question-title"]
    assert Answer.objects.get().tries == 1  # the wrong try, and no other


def test_an_autosave_over_the_rate_limit_is_said_in_its_status_line(learner_client, settings):
    """An autosave swaps only the status line: the refusal goes there, and is said."""
    attempt = start(learner_client, make_quiz(make_question("true_false"), feedback="immediate"))
    url = reverse("quizzes:answer", args=[attempt.pk, 1])
    autosave = {"action": "autosave", "answer": "true"}
    response = over_the_limit_after(learner_client, url, autosave, autosave, settings)
    assert response["HX-Retarget"] == "#answer-status"
    assert response.content.decode() == (
        f'{REFUSED}<p id="live-status" hx-swap-oob="innerHTML">{REFUSED}</p>'
    )


def test_a_save_or_a_flag_is_said_in_the_status_region(learner_client):
    """The status line's words are swapped in with the question (a flag, a save that moves on)
    or into it (an autosave); the page's status region says them."""
    from tests.test_live_status import said_within

    attempt = start(learner_client, make_quiz(make_question("true_false"), make_question("single")))
    htmx = {"HX-Request": "true"}
    answer = reverse("quizzes:answer", args=[attempt.pk, 1])
    autosave = learner_client.post(answer, {"action": "autosave", "answer": "true"}, headers=htmx)
    assert said_within(autosave) == "Answer saved."
    moved = learner_client.post(answer, {"action": "next", "answer": "true"}, headers=htmx)
    assert said_within(moved) == "Your answer to question 1 is saved."
    flag = reverse("quizzes:flag", args=[attempt.pk, 2])
    flagged = learner_client.post(flag, {"flagged": "1"}, headers=htmx)
    assert said_within(flagged) == "Flagged: it is listed before you submit."
    page = learner_client.get(f"{attempt.get_absolute_url()}?q=1", headers=htmx)
    assert said_within(page) == ""


def test_only_an_autosave_of_a_valid_answer_says_earlier_messages_no_longer_apply(learner_client):
    """Checked with nothing chosen ("Choose one answer."), then chosen: the autosave said
    "Answer saved." while the message stayed beside the question. A valid answer's autosave
    now tells the page (`answer-valid`, static/js/quiz-answer.js takes the messages off); an
    autosave of a draft, which is not valid, does not."""
    attempt = start(learner_client, make_quiz(make_question("single"), feedback="immediate"))
    url = reverse("quizzes:answer", args=[attempt.pk, 1])
    htmx = {"HX-Request": "true"}
    checked = learner_client.post(url, {"action": "check"}, headers=htmx)
    assert "Choose one answer." in checked.content.decode()
    empty = learner_client.post(url, {"action": "autosave"}, headers=htmx)
    assert "HX-Trigger" not in empty
    choice = right_choice(question_at(attempt, 1))
    saved = learner_client.post(url, {"action": "autosave", "choice": choice}, headers=htmx)
    assert saved.content.decode().startswith("Answer saved.")
    assert saved["HX-Trigger"] == '{"answer-valid": {}}'
    page = learner_client.get(attempt.get_absolute_url()).content.decode()
    assert "js/quiz-answer." in page


@pytest.mark.parametrize("htmx", [True, False])
def test_checking_again_from_a_second_tab_says_the_first_answer_stands(learner_client, htmx):
    """The same question open in two tabs: checked wrong in one, then checked right in the
    other. The second tab showed the first answer's feedback and said "Not right." with no
    word that the answer just chosen was not taken; a learner who picked the right answer
    heard it was wrong. It now says the first check stands, in the page and its status region."""
    from bs4 import BeautifulSoup

    from tests.test_live_status import said_within

    quiz = make_quiz(make_question("single"), feedback="immediate")
    attempt = start(learner_client, quiz)
    q = question_at(attempt, 1)
    wrong = next(c["id"] for c in q.choices() if not c["correct"])
    url = reverse("quizzes:answer", args=[attempt.pk, 1])
    learner_client.post(url, {"action": "check", "choice": wrong}, headers={"HX-Request": "true"})
    headers = {"HX-Request": "true"} if htmx else {}
    response = learner_client.post(
        url, {"action": "check", "choice": right_choice(q)}, headers=headers
    )
    assert response.status_code == 200
    region = BeautifulSoup(response.content, "html.parser").select_one(".feedback-region")
    words = " ".join(region.get_text().split())
    assert words.startswith(
        "This question was already checked, perhaps in another tab: your first answer stands."
    )
    assert "Not right." in words
    if htmx:
        assert said_within(response) == (
            "This question was already checked, perhaps in another tab: your first answer "
            "stands. Not right."
        )
    answer = Answer.objects.get(attempt=attempt, question=q)
    assert answer.correct is False and answer.response["choice"] == wrong


@pytest.mark.parametrize(
    ("kind", "prefix", "said"),
    [
        ("categorize", "cat_", "Put every item in a category: 2 of 3 have none yet."),
        ("ordering", "pos_", "Give every item a position: 3 of 4 have none yet."),
    ],
)
def test_items_left_without_a_choice_are_refused_in_one_message(learner_client, kind, prefix, said):
    """A sorting or ordering question sent with items left empty gave one message per empty
    item: "Put every item in a category." eight times over under the list, and eight times in a
    row in the status region. It is said once, with how many are left, and each empty select
    is marked invalid."""
    from bs4 import BeautifulSoup

    from tests.test_live_status import said_within

    quiz = make_quiz(make_question(kind), feedback="immediate")
    attempt = start(learner_client, quiz)
    first = question_at(attempt, 1).items()[0]["id"]
    chosen = "AWS" if kind == "categorize" else "1"
    response = learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk, 1]),
        {"action": "check", f"{prefix}{first}": chosen},
        headers={"HX-Request": "true"},
    )
    assert said_within(response) == f"Not checked: {said}"
    page = BeautifulSoup(response.content, "html.parser")
    shown = [" ".join(e.get_text().split()) for e in page.select(".field-error, .form-error")]
    assert shown == [said]
    invalid = {s["name"]: s.get("aria-invalid") for s in page.select("#attempt-body select")}
    assert invalid.pop(f"{prefix}{first}") is None
    assert set(invalid.values()) == {"true"}
    assert not Answer.objects.exists()


def test_items_sharing_a_position_are_the_ones_marked_invalid(learner_client):
    """The refusal ("Use each position once: two items share a position.") named neither;
    the two selects that share one are now the ones marked invalid."""
    from bs4 import BeautifulSoup

    quiz = make_quiz(make_question("ordering"), feedback="immediate")
    attempt = start(learner_client, quiz)
    ids = [item["id"] for item in question_at(attempt, 1).items()]
    data = {f"pos_{i}": str(n) for n, i in enumerate(ids, start=1)}
    data[f"pos_{ids[1]}"] = "1"  # the second item shares the first's position
    response = learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk, 1]),
        {"action": "check", **data},
        headers={"HX-Request": "true"},
    )
    page = BeautifulSoup(response.content, "html.parser")
    assert "Use each position once: two items share position 1." in page.select_one(
        ".form-error"
    ).get_text(" ", strip=True)
    invalid = {s["name"] for s in page.select("#attempt-body select[aria-invalid=true]")}
    assert invalid == {f"pos_{ids[0]}", f"pos_{ids[1]}"}


def test_an_empty_position_and_a_shared_one_are_both_said(learner_client):
    """With one item left empty and two sharing a position, only the empty one was said
    ("1 of 4 have none yet"), while the two sharing were outlined as wrong too, unexplained;
    and "1 of 4 have" read wrong."""
    from bs4 import BeautifulSoup

    quiz = make_quiz(make_question("ordering"), feedback="immediate")
    attempt = start(learner_client, quiz)
    ids = [item["id"] for item in question_at(attempt, 1).items()]
    data = {f"pos_{ids[0]}": "2", f"pos_{ids[1]}": "2", f"pos_{ids[2]}": "3"}
    response = learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk, 1]),
        {"action": "check", **data},
        headers={"HX-Request": "true"},
    )
    page = BeautifulSoup(response.content, "html.parser")
    said = [" ".join(p.get_text().split()) for p in page.select(".form-error p")]
    assert said == [
        "Give every item a position: 1 of 4 has none yet.",
        "Use each position once: two items share position 2.",
    ]


# --- heading outline ------------------------------------------------------------------------


def heading_skips(body: str) -> list[str]:
    """Each place a page's headings go down more than one level (an h2 followed by an h4): a
    screen reader's list of headings then reads as if a level were missing."""
    levels = [int(n) for n in re.findall(r"<h([1-6])[\s>]", body)]
    return [f"h{a} then h{b}" for a, b in itertools.pairwise(levels) if b > a + 1]


def test_the_feedback_headings_sit_one_level_under_the_question(learner_client, quiz):
    """The headings "Your answer" and "The right answer" were h4s under each question's h2, on
    the taking page once checked and on the result page: the outline skipped h3 for each."""
    attempt = start(learner_client, quiz)
    q = question_at(attempt, 1)
    data = {"choice": right_choice(q)} if q.type == "single" else {"answer": "true"}
    learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk, 1]), {"action": "check", **data}
    )
    taking = learner_client.get(reverse("quizzes:take", args=[attempt.pk]) + "?q=1")
    assert "The right answer</h3>" in taking.content.decode()
    assert heading_skips(taking.content.decode()) == []
    learner_client.post(reverse("quizzes:submit", args=[attempt.pk]))
    result = learner_client.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
    assert result.count("Your answer</h3>") == 2
    assert heading_skips(result) == []


def test_a_check_without_htmx_comes_back_with_the_focus_on_its_verdict(learner_client):
    """Without JavaScript (or pressed before the page's script was ready) a check reloads the
    page: its verdict takes the focus, as after the swap, instead of the page's top. Opening
    the checked question again later does not."""
    quiz = make_quiz(make_question("true_false"), feedback="immediate")
    attempt = start(learner_client, quiz)
    question = question_at(attempt, 1)
    response = learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk, 1]),
        {"action": "check", "answer": "true", "question": str(question.pk)},
    )
    assert response.status_code == 302 and response["Location"].endswith("?q=1&checked=1")
    verdict = re.compile(r'<div class="feedback-region" tabindex="-1" autofocus>')
    assert verdict.search(learner_client.get(response["Location"]).content.decode())
    later = learner_client.get(f"{attempt.get_absolute_url()}?q=1").content.decode()
    assert 'class="feedback-region" tabindex="-1"' in later and not verdict.search(later)


def test_what_a_signed_out_post_keeps_is_bounded(client, learner):
    """Anyone signed out may post an answer to a signed-in learner's attempt: it is kept in
    the posting browser's session for after signing in. 48 fields of two 20,000-character
    values (what Django's 2.5 MB of form allows) were all kept, ~1.9 MB a session row and 1,200
    new rows a minute from one address; now at most MAX_KEPT_ANSWER characters are, and an
    answer of the largest size a question takes still comes back whole."""
    quiz = make_quiz(make_question("true_false"))
    client.force_login(learner)
    attempt = start(client, quiz)
    client.logout()
    url = reverse("quizzes:answer", args=[attempt.pk, 1])
    # As many as the answer's door takes (srm_trainer/too_large.py: 102 KB, past 32,000 escaped).
    flood = {f"k{n:02}": [f"{n}{'x' * 19_997}{n:02}", "y" * 20_000] for n in range(2)}

    client.post(url, {"action": "check", "answer": "false", **flood})

    kept = client.session[views.PENDING_ANSWER]["data"]
    assert kept["answer"] == ["false"]
    assert sum(len(k) + sum(map(len, v)) for k, v in kept.items()) <= views.MAX_KEPT_ANSWER

    rules = "r" * 20_000  # the longest answer a question takes (a network fix's rules)
    client.post(url, {"action": "check", "question": "1", "rules": rules})
    assert client.session[views.PENDING_ANSWER]["data"]["rules"] == [rules]


@pytest.mark.parametrize("kind", ["single", "multiple", "true_false", "ordering", "categorize"])
def test_a_value_no_control_offers_is_refused_without_repeating_it(client, kind):
    """Django's refusal quotes the value, and an answer's refusal is said twice: a 2.4 MB value
    posted to a radio (an anonymous learner can) made a 4.8 MB response."""
    quiz = make_quiz(make_question(kind, prompt="Which?"), title="One")
    attempt = start(client, quiz)
    page = client.get(reverse("quizzes:take", args=[attempt.pk])).content.decode()
    names = set(re.findall(r'<(?:input|select)[^>]*name="([^"]+)"', page)) - {
        "csrfmiddlewaretoken",
        "question",
        "action",
    }
    sent = "x" * (90_000 // len(names))  # the most the answer's door takes (102 KB), in all
    response = client.post(
        reverse("quizzes:answer", args=[attempt.pk, 1]),
        {"action": "check", **{name: sent for name in names}},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Select a valid choice: what was sent is not one of the answers shown." in body
    assert "x" * 100 not in body
    assert len(body) < 50_000


def test_a_sorting_answers_marks_say_in_words_what_the_learner_chose(learner_client):
    """Under "The right answer" each item ended in a bare ✓ or ✗: "Hypervisor → AWS ✗" read as
    "AWS is wrong" to a newcomer, and a screen reader said "ballot X" or nothing. The mark is
    hidden from readers now and the words say what the learner chose."""
    from bs4 import BeautifulSoup

    quiz = make_quiz(make_question("categorize"), feedback="immediate")
    attempt = start(learner_client, quiz)
    ids = {i["text"]: i["id"] for i in question_at(attempt, 1).items()}
    response = learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk, 1]),
        {
            "action": "check",
            f"cat_{ids['Hypervisor']}": "Customer",
            f"cat_{ids['Guest OS']}": "Customer",
            f"cat_{ids['Your data']}": "Customer",
        },
        follow=True,
    )
    page = BeautifulSoup(response.content, "html.parser")
    rows = {}
    for li in page.select(".answer-compare ul.plain li"):
        for hidden in li.select("[aria-hidden=true]"):
            hidden.decompose()
        text = " ".join(li.get_text().split())
        rows[text.split(" →")[0]] = text
    assert rows["Hypervisor"] == "Hypervisor → AWS you chose Customer"
    assert rows["Guest OS"] == "Guest OS → Customer as you chose"


def test_the_misconceptions_after_a_wrong_answer_have_no_comma_between_their_chips(
    learner_client,
):
    """ "Watch out for:" put a ", " between its chips, which wrapped onto a line of its own on a
    phone. The chips stand apart by their spacing; readers still hear a comma between them."""
    from bs4 import BeautifulSoup

    question = make_question(
        "true_false", misconceptions=["thinks-aws-patches-guest-os", "thinks-mfa-is-optional"]
    )
    attempt = start(learner_client, make_quiz(question, feedback="immediate"))
    response = learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk, 1]),
        {"action": "check", "answer": "false"},
        follow=True,
    )
    warning = next(
        p
        for p in BeautifulSoup(response.content, "html.parser").select("p.meta")
        if p.get_text().startswith("Watch out for")
    )
    between = [s.strip() for s in warning.find_all(string=True, recursive=False)]
    assert between[0] == "Watch out for:" and set(between[1:]) == {""}
    chips = [" ".join(t.get_text().split()) for t in warning.select(".tag")]
    assert chips == ["thinking AWS patches guest OS,", "thinking MFA is optional"]
    assert warning.select(".tag")[0].select_one(".visually-hidden").get_text() == ","


def test_an_anonymous_result_says_an_account_keeps_it_and_brings_the_misses_back(
    client, learner, quiz
):
    """A newcomer who failed their first quiz read "Try again" and "All your attempts", and
    nothing said that signing up keeps the attempt and puts what they missed in a review
    queue (it does: the attempt moves to the account at sign-up or sign-in)."""
    attempt = start(client, quiz)
    client.post(reverse("quizzes:submit", args=[attempt.pk]))
    result = reverse("quizzes:result", args=[attempt.pk])
    response = client.get(result)
    assert (
        "This browser keeps this attempt for now. Create an account or sign in to keep it, and "
        "the questions you missed come back to you in a review queue."
    ) in page_text(response)
    body = response.content.decode()
    assert f'href="/accounts/signup/?next={result}"' in body
    assert f'href="/accounts/login/?next={result}"' in body

    client.force_login(learner)
    signed_in = client.get(result)
    assert signed_in.status_code == 200
    assert "This browser keeps this attempt" not in page_text(signed_in)


@pytest.mark.parametrize("checked", [False, True])
def test_flagging_keeps_the_focus_on_the_flag_button(learner_client, checked):
    """With htmx the question comes back with the button pressed focused (now "Remove flag"),
    and "Flag removed." likewise: it took the focus to the heading, or to a checked question's
    feedback, so the verdict was read out again and Enter again did nothing."""
    from bs4 import BeautifulSoup

    attempt = start(learner_client, make_quiz(make_question("single"), feedback="immediate"))
    if checked:
        choice = right_choice(question_at(attempt, 1))
        url = reverse("quizzes:answer", args=[attempt.pk, 1])
        learner_client.post(url, {"action": "check", "choice": choice}, HTTP_HX_REQUEST="true")
    flag_url = reverse("quizzes:flag", args=[attempt.pk, 1])
    for flagged, name in (("1", "Remove flag"), ("0", "Flag to come back to")):
        response = learner_client.post(flag_url, {"flagged": flagged}, HTTP_HX_REQUEST="true")
        focused = BeautifulSoup(response.content, "html.parser").select("[autofocus]")
        assert [e.get_text(strip=True) for e in focused] == [name]
