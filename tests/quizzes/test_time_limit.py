"""A quiz's time limit: the deadline is fixed when an attempt starts, an attempt past it is
submitted as it stands by the next request that touches it, and no answer is saved after the
deadline and its grace. The domain functions take `now`, so no test waits for a clock."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from curriculum.loader import fingerprint
from curriculum.quiz_readers import read_quizzes
from curriculum.readers import CurriculumError, read_curriculum
from quizzes import attempts, hooks
from quizzes.models import Answer, Attempt, Quiz
from tests.content import write
from tests.curriculum.test_loader_quizzes import content, load  # noqa: F401 - a fixture
from tests.quizzes.builders import make_question, make_quiz, right_response

pytestmark = pytest.mark.django_db

T0 = timezone.now().replace(microsecond=0) - timedelta(days=1)


@pytest.fixture
def timed():
    return make_quiz(
        make_question("true_false", data={"answer": True}),
        make_question("true_false", data={"answer": False}),
        time_limit=10,
        feedback="end",
    )


def begin(quiz, user, now=T0) -> Attempt:
    return attempts.attempt_start(quiz=quiz, user=user, now=now)


def first_question(attempt):
    return attempt.quiz.questions.get(pk=attempt.question_ids[0])


def test_the_deadline_is_fixed_at_the_start(timed, learner):
    attempt = begin(timed, learner)
    assert attempt.deadline == T0 + timedelta(minutes=10)
    timed.time_limit = 60
    timed.save()
    attempt.refresh_from_db()
    assert attempt.deadline == T0 + timedelta(minutes=10)  # a later change does not move it


def test_a_quiz_without_a_limit_has_no_deadline(learner):
    attempt = begin(make_quiz(make_question("true_false")), learner)
    assert attempt.deadline is None
    assert not attempts.attempt_expire(attempt=attempt, now=T0 + timedelta(days=300))
    assert attempts.minutes_left(attempt, now=T0) is None


def test_minutes_left_count_down_and_stop_at_zero(timed, learner):
    attempt = begin(timed, learner)
    assert attempts.minutes_left(attempt, now=T0) == 10
    assert attempts.minutes_left(attempt, now=T0 + timedelta(minutes=9, seconds=1)) == 1
    assert attempts.minutes_left(attempt, now=T0 + timedelta(minutes=11)) == 0


def test_an_answer_just_after_the_deadline_is_taken_within_the_grace(timed, learner):
    attempt = begin(timed, learner)
    question = first_question(attempt)
    late = attempt.deadline + attempts.GRACE - timedelta(seconds=1)
    attempts.answer_save(attempt=attempt, question=question, response={"answer": True}, now=late)
    assert Answer.objects.filter(attempt=attempt).count() == 1
    attempt.refresh_from_db()
    assert not attempt.is_submitted


def test_past_the_grace_a_save_is_refused_and_the_attempt_submitted_as_it_stands(timed, learner):
    attempt = begin(timed, learner)
    first, second = (attempt.quiz.questions.get(pk=pk) for pk in attempt.question_ids)
    attempts.answer_save(attempt=attempt, question=first, response=right_response(first), now=T0)
    too_late = attempt.deadline + attempts.GRACE + timedelta(seconds=1)
    with pytest.raises(attempts.TimeUp):
        attempts.answer_save(
            attempt=attempt, question=second, response=right_response(second), now=too_late
        )
    attempt.refresh_from_db()
    assert attempt.is_submitted and attempt.submitted_at == attempt.deadline
    assert attempt.ran_out_of_time
    assert attempt.score == pytest.approx(0.5)  # the saved answer counts, the refused one scores 0
    assert not Answer.objects.filter(attempt=attempt, question=second).exists()


def test_expire_does_nothing_before_the_deadline_and_submits_after(timed, learner):
    attempt = begin(timed, learner)
    assert not attempts.attempt_expire(attempt=attempt, now=attempt.deadline)
    assert not Attempt.objects.get(pk=attempt.pk).is_submitted
    assert attempts.attempt_expire(attempt=attempt, now=attempt.deadline + timedelta(minutes=1))
    assert attempt.is_submitted and attempt.score == 0.0 and attempt.passed is False


def test_starting_again_closes_an_expired_attempt_and_starts_a_fresh_one(timed, learner):
    old = begin(timed, learner)
    later = old.deadline + timedelta(hours=1)
    new = attempts.attempt_start(quiz=timed, user=learner, now=later)
    assert new.pk != old.pk and new.deadline == later + timedelta(minutes=10)
    old.refresh_from_db()
    assert old.is_submitted and old.ran_out_of_time


def test_a_manual_submit_in_time_is_not_marked_as_out_of_time(timed, learner):
    attempt = begin(timed, learner)
    attempt, _ = attempts.attempt_submit(attempt=attempt, now=T0 + timedelta(minutes=3))
    assert not attempt.ran_out_of_time


# --- through the pages ---------------------------------------------------------------------


@pytest.fixture
def expired(timed, learner):
    """An attempt whose ten minutes ended a day ago, with one right answer saved in time."""
    attempt = begin(timed, learner)
    question = first_question(attempt)
    attempts.answer_save(
        attempt=attempt, question=question, response=right_response(question), now=T0
    )
    return attempt


def test_the_question_page_of_an_expired_attempt_shows_the_result(learner_client, expired):
    response = learner_client.get(reverse("quizzes:take", args=[expired.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("quizzes:result", args=[expired.pk])
    body = response.content.decode()
    assert "Time is up" in body and "when the time limit ran out" in body
    expired.refresh_from_db()
    assert expired.is_submitted and expired.score == pytest.approx(0.5)


def test_a_late_answer_post_is_not_saved(learner_client, expired):
    second = expired.question_ids[1]
    response = learner_client.post(
        reverse("quizzes:answer", args=[expired.pk, 2]), {"action": "save", "answer": "false"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("quizzes:result", args=[expired.pk])
    assert not Answer.objects.filter(attempt=expired, question_id=second).exists()


def test_a_late_autosave_with_htmx_is_sent_to_the_result(learner_client, expired):
    response = learner_client.post(
        reverse("quizzes:answer", args=[expired.pk, 2]),
        {"action": "autosave", "answer": "false"},
        headers={"HX-Request": "true"},
    )
    assert response["HX-Redirect"] == reverse("quizzes:result", args=[expired.pk])
    assert Answer.objects.filter(attempt=expired).count() == 1


def test_a_late_submit_is_dated_at_the_deadline(learner_client, expired):
    learner_client.post(reverse("quizzes:submit", args=[expired.pk]))
    expired.refresh_from_db()
    assert expired.submitted_at == expired.deadline and expired.score == pytest.approx(0.5)


def test_the_quiz_page_shows_an_attempt_that_ran_out_while_away_with_its_score(
    learner_client, expired
):
    """Coming back after the hour: the quiz's page no longer offers "Continue your attempt"
    for an attempt that is over, but its score, dated at the deadline."""
    body = learner_client.get(reverse("quizzes:detail", args=[expired.quiz.slug])).content.decode()
    assert "Continue your attempt" not in body and "In progress" not in body
    assert "50%" in body and "Review this attempt" in body
    expired.refresh_from_db()
    assert expired.submitted_at == expired.deadline


def test_the_quiz_list_counts_an_attempt_that_ran_out_with_its_score(learner_client, expired):
    body = learner_client.get(reverse("quizzes:list")).content.decode()
    assert "1 attempt, best 50%" in body


def test_the_result_page_closes_an_expired_attempt(learner_client, expired):
    response = learner_client.get(reverse("quizzes:result", args=[expired.pk]))
    assert response.status_code == 200
    assert Attempt.objects.get(pk=expired.pk).is_submitted


def test_the_question_page_shows_the_deadline_in_the_learners_zone(learner_client, timed):
    learner_client.post(reverse("quizzes:start", args=[timed.slug]))
    attempt = Attempt.objects.latest("pk")
    learner_client.cookies["tz"] = "Asia/Tokyo"
    body = learner_client.get(reverse("quizzes:take", args=[attempt.pk])).content.decode()
    local = timezone.localtime(attempt.deadline, timezone=ZoneInfo("Asia/Tokyo"))
    # Named as every time in the app is (lessons.timezones.zoned).
    assert f"{local:%H:%M, %a} {local.day} {local:%b} (Asia/Tokyo)</time>" in body
    assert "in about 10 minutes" in body


def test_the_quiz_page_announces_the_limit(client, timed):
    timed.published = True
    timed.save()
    body = client.get(reverse("quizzes:detail", args=[timed.slug])).content.decode()
    assert "10 minutes from the start" in body


# --- settings: files and the model's checks ------------------------------------------------


TIMED_QUIZ = """
    quiz:
      slug: timed-review
      title: Timed review
      time_limit: 15
      draw: {category: srm, count: 2}
"""


def test_a_file_quiz_loads_its_time_limit_and_a_reload_removes_it(content):  # noqa: F811
    write(content, "quizzes/timed.yaml", TIMED_QUIZ)
    load(content)
    assert Quiz.objects.get(slug="timed-review").time_limit == 15
    write(content, "quizzes/timed.yaml", TIMED_QUIZ.replace("time_limit: 15", ""))
    load(content)
    assert Quiz.objects.get(slug="timed-review").time_limit is None
    assert Quiz.objects.get(slug="srm-quiz").time_limit is None  # optional: absent means none


@pytest.mark.parametrize("value", ["0", "5000", "ten", "-3"])
def test_a_bad_time_limit_in_a_file_is_refused_with_its_line(content, value):  # noqa: F811
    write(content, "quizzes/timed.yaml", TIMED_QUIZ.replace("15", value))
    with pytest.raises(CurriculumError, match="time_limit") as caught:
        read_quizzes(content, read_curriculum(content))
    assert "quizzes/timed.yaml:2:" in str(caught.value)


def test_quizzes_without_a_limit_keep_the_fingerprint_they_had_before_limits_existed(
    content,  # noqa: F811
):
    load(content)
    srm = Quiz.objects.get(slug="srm-quiz")
    state = {
        name: getattr(srm, name)
        for name in (
            "title",
            "description",
            "pass_mark",
            "attempts_allowed",
            "shuffle_questions",
            "shuffle_choices",
            "feedback",
            "draw_category",
            "draw_count",
            "published",
            "order",
        )
    } | {
        "module": srm.module_id,
        "_related": [
            list(r) for r in srm.entries.order_by("order", "pk").values_list("question_id", "order")
        ],
    }
    assert srm.file_fingerprint == fingerprint(state)  # no time_limit in it
    path = content / "quizzes" / "srm-quiz.yaml"
    path.write_text(path.read_text().replace("Who secures what", "Who secures which"))
    report = load(content)
    assert report.conflicts == []
    assert Quiz.objects.get(slug="srm-quiz").title == "Who secures which"


def test_time_runs_out_even_when_a_gate_now_refuses_submits(timed, learner, monkeypatch):
    """An assignment closed mid-attempt (a gate saying no to submits) must not keep an attempt
    whose time ran out open: it is over either way, graded as it stood."""
    attempt = attempts.attempt_start(quiz=timed, user=learner, now=T0)
    monkeypatch.setattr(hooks, "_gates", [lambda **kw: "Closed by the instructor."])
    assert attempts.attempt_expire(attempt=attempt, now=attempt.deadline + timedelta(minutes=1))
    attempt.refresh_from_db()
    assert attempt.is_submitted and attempt.submitted_at == attempt.deadline


# --- reports close overdue attempts (a gradebook's, compiled once) ------------------------


def test_a_report_closes_its_overdue_attempts_after_the_grace_and_only_its_own(
    timed, learner, other_learner, django_assert_num_queries
):
    """`OverdueIn` closes the attempts of its scope (here: one quiz's) whose time ran out, as
    `expire_overdue` does: not within the grace, dated at the deadline with the answers saved
    by then counted; another quiz's overdue attempt and a submitted one stay as they are. With
    nothing overdue it costs one query."""
    in_scope = attempts.OverdueIn(lambda quiz_id: Attempt.objects.filter(quiz_id=quiz_id))
    mine = begin(timed, learner)
    first = timed.questions.get(data={"answer": True})
    attempts.answer_save(attempt=mine, question=first, response=right_response(first), now=T0)
    done = begin(timed, other_learner)
    attempts.attempt_submit(attempt=done, now=T0 + timedelta(minutes=2))
    elsewhere = begin(make_quiz(make_question("true_false"), time_limit=5), learner)
    within_grace = mine.deadline + attempts.GRACE
    with django_assert_num_queries(1):
        assert in_scope.expire(timed.pk, now=within_grace) == 0
    assert in_scope.expire(timed.pk, now=within_grace + timedelta(seconds=1)) == 1
    mine.refresh_from_db()
    assert (mine.submitted_at, mine.score, mine.ran_out_of_time) == (mine.deadline, 0.5, True)
    done.refresh_from_db()
    assert done.submitted_at == T0 + timedelta(minutes=2) and not done.ran_out_of_time
    assert Attempt.objects.get(pk=elsewhere.pk).submitted_at is None
    with django_assert_num_queries(1):  # closed: nothing left to do
        assert in_scope.expire(timed.pk, now=T0 + timedelta(days=1)) == 0


def test_a_report_closes_at_most_a_bounded_number_per_view_latest_started_first(timed, monkeypatch):
    """The rest close on the next view, in the order `expire_overdue` takes them."""
    monkeypatch.setattr(attempts, "EXPIRE_PER_REQUEST", 2)
    in_scope = attempts.OverdueIn(lambda quiz_id: Attempt.objects.filter(quiz_id=quiz_id))
    learners = [get_user_model().objects.create_user(f"l{n}") for n in range(3)]
    started = [begin(timed, who, now=T0 + timedelta(minutes=n)) for n, who in enumerate(learners)]
    now = T0 + timedelta(days=1)
    assert in_scope.expire(timed.pk, now=now) == 2
    still_open = Attempt.objects.filter(submitted_at__isnull=True)
    assert list(still_open.values_list("pk", flat=True)) == [started[0].pk]
    assert in_scope.expire(timed.pk, now=now) == 1 and not still_open.exists()


def test_the_daily_command_closes_every_overdue_attempt_in_batches_and_no_other(
    timed, learner, monkeypatch
):
    """`manage.py close_overdue_attempts` (README, the daily job) closes what no page shows
    again: all overdue attempts across quizzes, past any one batch, dated at their deadlines;
    an attempt still within its grace, an untimed one and a handed-in one stay as they are."""
    monkeypatch.setattr(attempts, "EXPIRE_PER_REQUEST", 2)
    now = timezone.now()
    other = make_quiz(make_question("true_false"), time_limit=5)
    people = [get_user_model().objects.create_user(f"p{n}") for n in range(5)]
    overdue = [begin(q, who) for q, who in zip([timed, other] * 2 + [timed], people, strict=True)]
    fresh = begin(timed, learner, now=now - timedelta(minutes=10))  # deadline now, in its grace
    untimed = begin(make_quiz(make_question("true_false")), learner)
    out = StringIO()

    call_command("close_overdue_attempts", stdout=out)

    assert out.getvalue() == "Closed 5 overdue attempts.\n"
    for attempt in overdue:
        attempt.refresh_from_db()
        assert attempt.submitted_at == attempt.deadline and attempt.ran_out_of_time
    assert not Attempt.objects.filter(pk__in=[fresh.pk, untimed.pk], submitted_at__isnull=False)
    call_command("close_overdue_attempts", stdout=out)
    assert out.getvalue().endswith("Closed 0 overdue attempts.\n")


def test_a_question_link_followed_after_the_time_is_up_goes_to_the_result_page(
    learner_client, expired
):
    """The question links are htmx GETs that swap the question and push its address: after
    the deadline the result page was drawn inside the question, the address left at ?q=2."""
    response = learner_client.get(
        reverse("quizzes:take", args=[expired.pk]) + "?q=2", headers={"HX-Request": "true"}
    )
    assert response["HX-Redirect"] == reverse("quizzes:result", args=[expired.pk])
    assert response.content == b""
