"""The quiz statistics page keeps its figures per quiz, attempts counted and scope until the
quiz's results change (`teach.statistics.kept_statistics`, `quizzes.results_version`): its six
queries read every answer to the quiz (262 ms of CPU at 1,500 attempts of 43 questions). Each
write that changes what the page shows makes the next view show it; a repeat view of unchanged
results reads no answer; nothing is kept from inside a transaction. Committed rows (a kept
value is kept only outside a transaction)."""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cohorts import services as cohorts
from curriculum.signals import curriculum_loaded
from lessons.models import Source
from quizzes.attempts import answer_save, attempt_start, attempt_submit
from quizzes.models import Answer, Attempt
from quizzes.results_version import RESULTS
from quizzes.session_carry import carry_attempts
from srm_trainer.accounts.closing import close_account
from teach import services as teach_services
from teach import statistics_views
from tests.quizzes.builders import make_question, make_quiz, right_response, wrong_response
from tests.teach.conftest import _instructor, client_for
from tests.teach.formdata import form_fields
from tests.teach.statsdata import T0, submitted_attempt

pytestmark = pytest.mark.django_db(transaction=True)

LATER = 2 * 24 * 60  # minutes after statsdata's T0: a day from now, after any join or opening


@pytest.fixture
def builds(monkeypatch) -> list:
    """The statistics computed (not taken as kept), by quiz id."""
    made: list = []
    compute = statistics_views.compute

    def counting(*, quiz, attempts, first_only):
        made.append(quiz.pk)
        return compute(quiz=quiz, attempts=attempts, first_only=first_only)

    monkeypatch.setattr(statistics_views, "compute", counting)
    RESULTS._members.clear()
    return made


@pytest.fixture
def world():
    teacher = _instructor("ines")
    question = make_question(
        "single",
        owner=teacher,
        source=Source.AUTHORED,
        lesson=None,
        misconceptions=["thinks-alpha"],
    )
    quiz = make_quiz(question, owner=teacher, source=Source.AUTHORED)
    learner = get_user_model().objects.create_user("ada", password="a-long-passphrase-7")
    return teacher, quiz, question, learner


def figures(teacher, url: str) -> dict[str, str]:
    response = client_for(teacher).get(url)
    assert response.status_code == 200
    page = response.content.decode()
    found = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]*)", page))
    return {"page": page, **{k: v.strip() for k, v in found.items()}}


def shown(world, **query) -> dict[str, str]:
    teacher, quiz, _, _ = world
    url = reverse("teach:quiz-statistics", args=[quiz.pk])
    return figures(teacher, url + ("?attempts=first" if query.get("first") else ""))


def test_a_repeat_view_is_served_kept_without_reading_the_answers(world, builds):
    _, quiz, question, learner = world
    submitted_attempt(quiz, [question], user=learner, answers={question: right_response(question)})
    assert shown(world)["Attempts counted"] == "1"
    with CaptureQueriesContext(connection) as queries:
        assert shown(world)["Attempts counted"] == "1"
    answers = Answer._meta.db_table
    assert not [q["sql"] for q in queries if answers in q["sql"]]
    assert builds == [quiz.pk]
    first = shown(world, first=True)["Attempts counted"]  # each learner's first: kept apart
    assert first == "1 (each learner's first)"
    assert builds == [quiz.pk, quiz.pk]


def test_a_submitted_attempt_shows_on_the_next_view(world, builds):
    _, quiz, question, learner = world
    submitted_attempt(quiz, [question], user=learner, answers={question: right_response(question)})
    open_one = Attempt.objects.create(
        quiz=quiz, user=learner, question_ids=[question.pk], started_at=timezone.now()
    )
    assert shown(world)["Attempts counted"] == "1"
    attempt_submit(attempt=open_one, gated=False)  # also how a timed-out one is closed
    assert shown(world)["Attempts counted"] == "2"


def test_a_deleted_attempt_and_a_closed_account_leave_the_figures(world, builds):
    teacher, quiz, question, learner = world
    other = get_user_model().objects.create_user("bob", password="a-long-passphrase-7")
    gone = submitted_attempt(quiz, [question], user=other)
    submitted_attempt(quiz, [question], user=other, minutes=1)
    submitted_attempt(quiz, [question], user=learner, minutes=2)
    assert shown(world)["Attempts counted"] == "3"
    gone.delete()  # the admin's delete: with signals
    assert shown(world)["Attempts counted"] == "2"
    close_account(other)  # a raw DELETE of their attempts
    assert shown(world)["Attempts counted"] == "1"
    assert shown(world)["Learners"] == "1"


def test_attempts_carried_to_an_account_count_one_learner(world, builds):
    _, quiz, question, learner = world
    submitted_attempt(quiz, [question], user=learner)
    submitted_attempt(quiz, [question], key="anonymous-key", minutes=1)
    assert shown(world)["Learners"] == "2"
    assert carry_attempts(user=learner, learner_key="anonymous-key") == 1
    assert shown(world)["Learners"] == "1"


def test_a_questions_choices_and_misconception_tags_show_as_edited(world, builds):
    _, quiz, question, learner = world
    submitted_attempt(quiz, [question], user=learner, answers={question: wrong_response(question)})
    before = shown(world)["page"]
    assert "thinking alpha" in before and "Share it widely" not in before
    question.data["choices"][1]["text"] = "Share it widely"
    question.save()
    assert "Share it widely" in shown(world)["page"]
    question.misconceptions = ["thinks-beta"]
    question.save()
    after = shown(world)["page"]
    assert "thinking beta" in after and "thinking alpha" not in after


def test_a_curriculum_load_forgets_every_kept_figure(world, builds):
    _, quiz, question, learner = world
    submitted_attempt(quiz, [question], user=learner)
    shown(world)
    shown(world)
    assert builds == [quiz.pk]
    curriculum_loaded.send(sender=None)  # its writes send no signals of their own
    shown(world)
    assert builds == [quiz.pk, quiz.pk]


def test_a_cohorts_page_follows_its_learners_and_its_archiving(world, builds):
    teacher, quiz, question, learner = world
    other = get_user_model().objects.create_user("bob", password="a-long-passphrase-7")
    cohort = cohorts.cohort_create(owner=teacher, name="Spring", now=T0)
    cohorts.assignment_create(cohort=cohort, quiz=quiz, by=teacher)
    cohorts.cohort_join(cohort=cohort, user=learner, now=T0)
    submitted_attempt(quiz, [question], user=learner, minutes=LATER)
    submitted_attempt(quiz, [question], user=other, minutes=LATER + 1)
    url = reverse("teach_cohorts:quiz-statistics", args=[cohort.pk, quiz.pk])
    assert figures(teacher, url)["Attempts counted"] == "1"
    assert shown(world)["Attempts counted"] == "2"  # every learner's: a scope of its own
    cohorts.cohort_join(cohort=cohort, user=other, now=T0)
    assert figures(teacher, url)["Attempts counted"] == "2"
    cohorts.learner_leave(cohort=cohort, user_id=learner.pk)
    assert figures(teacher, url)["Attempts counted"] == "1"
    cohorts.cohort_archive(cohort=cohort, now=timezone.now())  # before the attempts started
    assert "Attempts counted" not in figures(teacher, url)  # none counted: no figures
    assert shown(world)["Attempts counted"] == "2"


def test_nothing_is_kept_from_inside_a_transaction(world, builds):
    """A view inside a transaction that rolls back (its attempt with it) shows that attempt,
    and the next view outside shows the committed figures, not what it built."""
    _, quiz, question, learner = world
    submitted_attempt(quiz, [question], user=learner)
    with transaction.atomic():
        submitted_attempt(quiz, [question], user=learner, minutes=1)
        assert shown(world)["Attempts counted"] == "2"
        transaction.set_rollback(True)
    assert shown(world)["Attempts counted"] == "1"
    assert shown(world)["Attempts counted"] == "1"
    assert builds == [quiz.pk, quiz.pk]  # the one inside, then one kept outside


def test_a_question_moved_in_the_quiz_or_an_assignment_moved_shows(world, builds):
    teacher, quiz, question, learner = world
    second = make_question(
        "single", owner=teacher, source=Source.AUTHORED, lesson=None, prompt="The second one?"
    )
    teach_services.quiz_add_question(quiz=quiz, question=second)
    submitted_attempt(quiz, [question, second], user=learner, minutes=LATER)

    def first_shown():
        page = shown(world)["page"]
        return min((page.index(q.prompt), q.pk) for q in (question, second))[1]

    assert first_shown() == question.pk
    teach_services.quiz_move_question(quiz=quiz, question=second, step=-1)
    assert first_shown() == second.pk
    cohort = cohorts.cohort_create(owner=teacher, name="Spring", now=T0)
    assignment = cohorts.assignment_create(cohort=cohort, quiz=quiz, by=teacher)
    cohorts.cohort_join(cohort=cohort, user=learner, now=T0)
    url = reverse("teach_cohorts:quiz-statistics", args=[cohort.pk, quiz.pk])
    assert figures(teacher, url)["Attempts counted"] == "1"
    later = timezone.now() + timedelta(days=3)  # opens after the attempt started: not counted
    cohorts.assignment_update(assignment=assignment, opens_at=later, uncount_ok=True)
    assert "Attempts counted" not in figures(teacher, url)


def results_version(quiz) -> str | None:
    """The quiz's results version as every process reads it (`quizzes.results_version`)."""
    return cache.get(f"{RESULTS.prefix}:{quiz.pk}")


def test_an_open_attempt_keeps_the_figures_until_it_is_submitted(world, builds):
    """Started, answered, flagged and saved while open, an attempt counts nowhere in the
    figures (they count submitted attempts), so the page stays kept; its submit shows."""
    _, quiz, question, learner = world
    submitted_attempt(quiz, [question], user=learner, answers={question: right_response(question)})
    assert shown(world)["Attempts counted"] == "1"
    version = results_version(quiz)
    other = get_user_model().objects.create_user("bob", password="a-long-passphrase-7")
    started = attempt_start(quiz=quiz, user=other)
    answer_save(attempt=started, question=question, response=wrong_response(question))
    started.flagged = [question.pk]
    started.save()  # an open attempt saved with signals: still open
    assert results_version(quiz) == version
    assert shown(world)["Attempts counted"] == "1"
    assert builds == [quiz.pk]  # the kept figures: nothing was counted again
    attempt_submit(attempt=started, gated=False)
    after = shown(world)
    assert (after["Attempts counted"], after["Mean score"].split()[0]) == ("2", "50%")
    assert builds == [quiz.pk, quiz.pk]


def test_an_attempt_whose_time_ran_out_shows_once_the_page_closes_it(world, builds):
    """A timed attempt left open past its deadline is closed by the page's own overdue check
    (`OverdueIn`), whose submit tells the figures; its start told them nothing."""
    _, quiz, question, learner = world
    quiz.time_limit = 10
    quiz.save()
    submitted_attempt(quiz, [question], user=learner)
    assert shown(world)["Attempts counted"] == "1"
    version = results_version(quiz)
    other = get_user_model().objects.create_user("bob", password="a-long-passphrase-7")
    left = attempt_start(quiz=quiz, user=other, now=timezone.now() - timedelta(hours=1))
    assert results_version(quiz) == version
    assert shown(world)["Attempts counted"] == "2"
    left.refresh_from_db()
    assert left.submitted_at == left.deadline  # closed as it stood, at its deadline
    assert builds == [quiz.pk, quiz.pk]


def test_a_submitted_attempt_saved_again_shows_what_it_now_holds(world, builds):
    """A save that changes a submitted attempt tells the figures, even from an instance read
    while it was open: what it writes back (the open state) is what the page counts."""
    _, quiz, question, learner = world
    other = get_user_model().objects.create_user("bob", password="a-long-passphrase-7")
    graded = submitted_attempt(
        quiz, [question], user=learner, answers={question: right_response(question)}
    )
    started = attempt_start(quiz=quiz, user=other)
    read_while_open = Attempt.objects.get(pk=started.pk)
    attempt_submit(attempt=started, gated=False)
    assert shown(world)["Attempts counted"] == "2"
    graded.score = 0.0
    graded.save(update_fields=["score"])  # a correction made in the shell
    assert shown(world)["Mean score"].split()[0] == "0%"
    read_while_open.flagged = [question.pk]
    read_while_open.save()  # writes `submitted_at` back empty: open again, counted nowhere
    assert shown(world)["Attempts counted"] == "1"
    assert builds == [quiz.pk] * 3


def test_a_cohort_renamed_or_its_code_rotated_keeps_its_figures_archiving_does_not(world, builds):
    """The cohort's page counts by its archiving alone of the cohort's own row: a new name or
    code leaves its figures kept; archiving and restoring change what counts, and show."""
    teacher, quiz, question, learner = world
    cohort = cohorts.cohort_create(owner=teacher, name="Spring", now=T0)
    cohorts.assignment_create(cohort=cohort, quiz=quiz, by=teacher)
    cohorts.cohort_join(cohort=cohort, user=learner, now=T0)
    submitted_attempt(quiz, [question], user=learner, minutes=LATER)
    url = reverse("teach_cohorts:quiz-statistics", args=[cohort.pk, quiz.pk])
    assert figures(teacher, url)["Attempts counted"] == "1"
    version = results_version(quiz)
    cohorts.cohort_rename(cohort=cohort, name="Spring, group B")
    cohorts.code_rotate(cohort=cohort)
    assert results_version(quiz) == version
    page = figures(teacher, url)
    assert page["Attempts counted"] == "1" and "the cohort Spring, group B" in page["page"]
    assert builds == [quiz.pk]
    cohorts.cohort_archive(cohort=cohort, now=timezone.now())  # before the attempt started
    assert "Attempts counted" not in figures(teacher, url)
    cohorts.cohort_restore(cohort=cohort)
    assert figures(teacher, url)["Attempts counted"] == "1"
    assert builds == [quiz.pk] * 3


def test_an_assignment_closed_or_reopened_keeps_its_figures_opened_or_moved_does_not(world, builds):
    """The rule counts an assignment's attempts from its opening (or its creation) alone:
    closing and reopening it leave every page of its quiz kept; a new opening time, or the
    assignment moved to another quiz, change what counts, and show."""
    teacher, quiz, question, learner = world
    cohort = cohorts.cohort_create(owner=teacher, name="Spring", now=T0)
    assignment = cohorts.assignment_create(cohort=cohort, quiz=quiz, by=teacher)
    cohorts.cohort_join(cohort=cohort, user=learner, now=T0)
    submitted_attempt(quiz, [question], user=learner, minutes=LATER)
    url = reverse("teach_cohorts:quiz-statistics", args=[cohort.pk, quiz.pk])
    assert figures(teacher, url)["Attempts counted"] == "1"
    assert shown(world)["Attempts counted"] == "1"
    version = results_version(quiz)
    cohorts.assignment_close(assignment=assignment, closed=True)
    assert results_version(quiz) == version
    assert figures(teacher, url)["Attempts counted"] == "1"  # a closed one's attempts count
    cohorts.assignment_close(assignment=assignment, closed=False)
    assert results_version(quiz) == version
    assert figures(teacher, url)["Attempts counted"] == "1"
    assert builds == [quiz.pk] * 2  # the cohort's page and the whole quiz's, each once
    later = timezone.now() + timedelta(days=3)  # opens after the attempt started: not counted
    cohorts.assignment_update(assignment=assignment, opens_at=later, uncount_ok=True)
    assert results_version(quiz) != version
    assert "Attempts counted" not in figures(teacher, url)
    # moved back, after the question that it counts them again
    cohorts.assignment_update(assignment=assignment, opens_at=None, count_ok=True)
    assert figures(teacher, url)["Attempts counted"] == "1"
    assert builds == [quiz.pk] * 4
    # Moved to another quiz (the admin saves every field): both quizzes' pages are told.
    other = make_quiz(question, owner=teacher, source=Source.AUTHORED)
    versions = results_version(quiz), results_version(other)
    assignment.quiz = other
    assignment.save()
    assert results_version(quiz) != versions[0] and results_version(other) != versions[1]


def test_an_assignment_given_a_due_date_on_its_page_keeps_its_figures(world, builds):
    """The assignment's page sends its opening time back with every edit: a save that moves
    only the due date (or the lessons) counts the same attempts and keeps the quiz's figures;
    one that moves the opening time changes what counts, and shows."""
    teacher, quiz, question, learner = world
    cohort = cohorts.cohort_create(owner=teacher, name="Spring", now=T0)
    opens = (T0 + timedelta(hours=1)).replace(second=0, microsecond=0)  # as the page shows it
    assignment = cohorts.assignment_create(cohort=cohort, quiz=quiz, opens_at=opens, by=teacher)
    cohorts.cohort_join(cohort=cohort, user=learner, now=T0)
    submitted_attempt(quiz, [question], user=learner, minutes=LATER)
    url = reverse("teach_cohorts:quiz-statistics", args=[cohort.pk, quiz.pk])
    assert figures(teacher, url)["Attempts counted"] == "1"
    version = results_version(quiz)
    edit = reverse("teach_cohorts:assignment", args=[cohort.pk, assignment.pk])
    client = client_for(teacher)

    def sent(page: str = "") -> dict:
        """The assignment form as drawn (the extension form below it left out)."""
        page = page or client.get(edit).content.decode()
        return form_fields(page.split('id="extensions-title"')[0], "teach-form")

    fields = sent()
    assert fields["opens_at"]  # the opening time goes back with the due date
    zone = ZoneInfo(fields["zone"])
    due = timezone.localtime(timezone.now() + timedelta(days=7), zone)
    saved = client.post(edit, {**fields, "due_at": f"{due:%Y-%m-%dT%H:%M}"})
    assert saved.status_code == 302
    assignment.refresh_from_db()
    assert assignment.opens_at == opens and assignment.due_at is not None
    assert results_version(quiz) == version
    assert figures(teacher, url)["Attempts counted"] == "1"
    assert builds == [quiz.pk]  # kept: nothing was counted again
    later = timezone.localtime(timezone.now() + timedelta(days=3), zone)
    asked = client.post(edit, {**sent(), "opens_at": f"{later:%Y-%m-%dT%H:%M}"})
    assert asked.status_code == 200  # the attempt would stop counting: asked once
    assert client.post(edit, sent(asked.content.decode())).status_code == 302
    assert results_version(quiz) != version
    assert "Attempts counted" not in figures(teacher, url)
