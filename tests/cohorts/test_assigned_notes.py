"""What a quiz's own pages (its start page, an attempt being taken, its result) tell a learner
about the quiz as their cohorts assigned it: which cohort, when it is due for them (in their
zone, named), whether this attempt counts for the gradebook, whether it is late. Never another
learner's; never a query per question."""

from __future__ import annotations

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohorts import gates, services
from quizzes import attempts
from tests.cohorts.conftest import T0, at, client_for, make_learner, take_right
from tests.quizzes.builders import make_question, make_quiz

pytestmark = pytest.mark.django_db

NOTES = 'class="notice quiz-notes"'


def _page(user, url, *, when, zone="Asia/Tokyo") -> str:
    client = client_for(user)
    client.cookies["tz"] = zone
    with time_machine.travel(when, tick=False):
        response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _notes(page: str) -> str:
    """The notes region's text, or "" when the page has none."""
    if NOTES not in page:
        return ""
    return page.split(NOTES, 1)[1].split("</section>", 1)[0]


def start_url(quiz) -> str:
    return quiz.get_absolute_url()


def take_url(attempt) -> str:
    return reverse("quizzes:take", args=[attempt.pk])


def result_url(attempt) -> str:
    return reverse("quizzes:result", args=[attempt.pk])


def test_a_quiz_nobody_assigned_says_nothing(cohort, quiz, learner):
    attempt = take_right(quiz, learner, start=at(days=1))
    assert _notes(_page(learner, start_url(quiz), when=at(days=1))) == ""
    assert _notes(_page(learner, take_url(attempt), when=at(days=1))) == ""
    attempts.attempt_submit(attempt=attempt, now=at(days=1, minutes=5))
    assert _notes(_page(learner, result_url(attempt), when=at(days=1))) == ""


def test_an_open_assignment_names_its_cohort_and_due_time_in_the_learners_zone(
    cohort, quiz, learner, owner
):
    services.assignment_create(
        cohort=cohort, quiz=quiz, due_at=at(days=10, hours=8), by=owner, now=at(hours=2)
    )
    # T0 + 10 days 8 h = 12 Mar 2026, 17:00 UTC = 13 Mar 2026, 02:00 in Tokyo.
    start = _notes(_page(learner, start_url(quiz), when=at(days=1)))
    assert "Assigned in “Spring class”: due 13 Mar 2026, 02:00 (Asia/Tokyo)." in start
    assert "Attempts you start now count." in start
    attempt = take_right(quiz, learner, start=at(days=1))
    taking = _notes(_page(learner, take_url(attempt), when=at(days=1)))
    assert "due 13 Mar 2026, 02:00 (Asia/Tokyo). This attempt counts." in taking
    assert "late" not in taking and "Due in" not in taking  # ten days left: nothing pressing
    attempts.attempt_submit(attempt=attempt, now=at(days=1, minutes=5))
    result = _notes(_page(learner, result_url(attempt), when=at(days=1), zone="UTC"))
    assert "due 12 Mar 2026, 17:00 (UTC). This attempt counts." in result
    assert "<strong>" not in result


def test_due_soon_says_how_long_is_left(cohort, quiz, learner, owner):
    services.assignment_create(
        cohort=cohort, quiz=quiz, due_at=at(days=1, hours=3), by=owner, now=at(hours=2)
    )
    assert "Due in 3\xa0hours." in _notes(_page(learner, start_url(quiz), when=at(days=1)))
    attempt = take_right(quiz, learner, start=at(days=1))
    assert "This attempt counts. Due in 3\xa0hours." in _notes(
        _page(learner, take_url(attempt), when=at(days=1))
    )


def test_late_work_is_said_before_and_after_submitting(cohort, quiz, learner, owner):
    services.assignment_create(
        cohort=cohort, quiz=quiz, due_at=at(days=2), by=owner, now=at(hours=2)
    )
    before = _notes(_page(learner, start_url(quiz), when=at(days=3)))
    assert (
        "<strong>The due date has passed: your instructor sees work submitted now as late."
        in before
    )
    attempt = take_right(quiz, learner, start=at(days=3))
    taking = _notes(_page(learner, take_url(attempt), when=at(days=3)))
    assert (
        "<strong>The due date has passed: submitted now, your instructor sees it as late." in taking
    )
    attempts.attempt_submit(attempt=attempt, now=at(days=3, minutes=5))
    result = _notes(_page(learner, result_url(attempt), when=at(days=4)))
    assert (
        "This attempt counts. <strong>Submitted after the due date: your instructor sees it as late.</strong>"
        in result
    )
    on_time = take_right(quiz, learner, start=at(days=1), submit=at(days=1, minutes=5))
    assert "late" not in _notes(_page(learner, result_url(on_time), when=at(days=4)))


def test_a_closed_assignment_says_so_rather_than_that_the_attempt_counts(
    cohort, quiz, learner, owner
):
    assignment = services.assignment_create(
        cohort=cohort, quiz=quiz, due_at=at(days=5), by=owner, now=at(hours=2)
    )
    attempt = take_right(quiz, learner, start=at(days=1))
    services.assignment_close(assignment=assignment, closed=True, now=at(days=2))
    for url in (start_url(quiz), take_url(attempt)):
        notes = _notes(_page(learner, url, when=at(days=2)))
        assert "Your instructor has closed it." in notes and "counts" not in notes


def test_an_extension_is_the_learners_own_due_date(cohort, quiz, learner, owner):
    other = make_learner("bob")
    services.cohort_join(cohort=cohort, user=other, now=at(hours=1))
    assignment = services.assignment_create(
        cohort=cohort, quiz=quiz, due_at=at(days=2), by=owner, now=at(hours=2)
    )
    services.extension_set(assignment=assignment, user_id=learner.pk, due_at=at(days=5))
    mine = take_right(quiz, learner, start=at(days=3), submit=at(days=3, minutes=5))
    result = _notes(_page(learner, result_url(mine), when=at(days=4), zone="UTC"))
    assert "due 7 Mar 2026, 09:00 (UTC) (your extension). This attempt counts." in result
    assert "late" not in result
    theirs = take_right(quiz, other, start=at(days=3), submit=at(days=3, minutes=5))
    result = _notes(_page(other, result_url(theirs), when=at(days=4), zone="UTC"))
    assert "due 4 Mar 2026, 09:00 (UTC). This attempt counts." in result  # not ada's extension
    assert "extension" not in result and "as late" in result


def test_an_attempt_before_joining_or_opening_does_not_count(owner, quiz, learner):
    cohort = services.cohort_create(owner=owner, name="Late joiners", now=T0)
    services.assignment_create(
        cohort=cohort, quiz=quiz, opens_at=at(days=2), by=owner, now=at(hours=1)
    )
    practice = take_right(quiz, learner, start=at(hours=2), submit=at(hours=3))
    services.cohort_join(cohort=cohort, user=learner, now=at(days=1))
    result = _notes(_page(learner, result_url(practice), when=at(days=1)))
    assert (
        "no due date. This attempt was started before you joined, so it does not count." in result
    )
    assert "It opens 4 Mar 2026, 18:00 (Asia/Tokyo)." in _notes(
        _page(learner, start_url(quiz), when=at(days=1))
    )


def test_the_start_page_says_an_attempt_in_progress_from_before_opening_does_not_count(
    cohort, quiz, learner, owner
):
    """The start page said "Attempts you start now count." while its one button continued an
    attempt started before the assignment: submitted, it counted for nothing (QA walk)."""
    early = attempts.attempt_start(quiz=quiz, user=learner, now=at(hours=1))
    services.assignment_create(cohort=cohort, quiz=quiz, by=owner, now=at(hours=2))
    start = _notes(_page(learner, start_url(quiz), when=at(hours=3)))
    assert (
        "Your attempt in progress was started before the assignment opened, so it does not "
        "count: submit it, and the attempts you start after it count." in start
    )
    assert "Attempts you start now count." not in start
    attempts.attempt_submit(attempt=early, now=at(hours=4))
    assert "Attempts you start now count." in _notes(
        _page(learner, start_url(quiz), when=at(hours=5))
    )


def test_the_start_page_says_nothing_more_of_an_attempt_in_progress_that_counts(
    cohort, quiz, learner, owner
):
    services.assignment_create(cohort=cohort, quiz=quiz, by=owner, now=at(hours=1))
    attempts.attempt_start(quiz=quiz, user=learner, now=at(hours=2))
    start = _notes(_page(learner, start_url(quiz), when=at(hours=3)))
    assert "Attempts you start now count." in start
    assert "in progress" not in start


def test_an_archived_cohort_says_its_class_ended_and_which_attempts_its_record_kept(
    cohort, quiz, learner, owner
):
    services.assignment_create(
        cohort=cohort, quiz=quiz, due_at=at(days=5), by=owner, now=at(hours=2)
    )
    kept = take_right(quiz, learner, start=at(days=1), submit=at(days=1, minutes=5))
    services.cohort_archive(cohort=cohort, now=at(days=6))
    result = _notes(_page(learner, result_url(kept), when=at(days=7), zone="UTC"))
    assert (
        "Assigned in “Spring class” (archived: its class has ended): due 7 Mar 2026, 09:00 (UTC)."
        " This attempt counts." in result
    )
    ended = "Assigned in “Spring class”, whose class has ended (archived):"
    start = _notes(_page(learner, start_url(quiz), when=at(days=7)))
    assert f"{ended} attempts you start now are practice and do not count." in start
    practice = take_right(quiz, learner, start=at(days=7))
    taking = _notes(_page(learner, take_url(practice), when=at(days=8)))
    assert f"{ended} this attempt is practice, started after the class ended." in taking
    assert "late" not in taking and "due" not in taking  # the class is over: no deadline now


def test_two_cohorts_each_say_their_own(cohort, quiz, learner, owner):
    services.assignment_create(
        cohort=cohort, quiz=quiz, due_at=at(days=2), by=owner, now=at(hours=2)
    )
    autumn = services.cohort_create(owner=owner, name="Autumn class", now=T0)
    services.cohort_join(cohort=autumn, user=learner, now=at(hours=1))
    services.assignment_create(
        cohort=autumn, quiz=quiz, due_at=at(days=9), by=owner, now=at(hours=2)
    )
    ended = services.cohort_create(owner=owner, name="A past class", now=T0)
    services.cohort_join(cohort=ended, user=learner, now=at(hours=1))
    services.assignment_create(cohort=ended, quiz=quiz, by=owner, now=at(hours=2))
    services.cohort_archive(cohort=ended, now=at(days=1))
    attempt = take_right(quiz, learner, start=at(days=3), submit=at(days=3, minutes=5))
    result = _notes(_page(learner, result_url(attempt), when=at(days=3), zone="UTC"))
    # By name, a class that has ended after the others.
    autumn_note, spring_note, ended_note = result.split("<p>")[1:]
    assert (
        "“A past class”, whose class has ended (archived): this attempt is practice" in ended_note
    )
    assert "“Autumn class”: due 11 Mar 2026, 09:00 (UTC). This attempt counts.</p>" in autumn_note
    assert "“Spring class”: due 4 Mar 2026" in spring_note and "as late" in spring_note


def test_another_learners_assignment_is_never_shown(cohort, quiz, learner, owner, other_learner):
    """grace is in no cohort: ada's assignment, due date and extension are not hers; and an
    instructor reading ada's attempt is told nothing of ada's (the gradebook says it)."""
    assignment = services.assignment_create(
        cohort=cohort, quiz=quiz, due_at=at(days=2), by=owner, now=at(hours=2)
    )
    services.extension_set(assignment=assignment, user_id=learner.pk, due_at=at(days=5))
    hers = take_right(quiz, other_learner, start=at(days=1), submit=at(days=1, minutes=5))
    assert _notes(_page(other_learner, result_url(hers), when=at(days=1))) == ""
    assert _notes(_page(other_learner, start_url(quiz), when=at(days=1))) == ""
    ada = take_right(quiz, learner, start=at(days=1), submit=at(days=1, minutes=5))
    read = _page(owner, result_url(ada), when=at(days=1))
    assert "ada's attempt" in read and _notes(read) == ""
    assert client_for(other_learner).get(result_url(ada)).status_code == 404
    assert (
        gates.assignment_notes(quiz=quiz, user_id=other_learner.pk, attempt=ada, now=at(days=1))
        == []
    )


def test_signed_out_learners_are_asked_nothing(cohort, quiz, owner, client):
    services.assignment_create(cohort=cohort, quiz=quiz, due_at=at(days=2), by=owner)
    with time_machine.travel(at(days=1), tick=False):
        assert NOTES not in client.get(start_url(quiz)).content.decode()


def _queries(user, url, *, when) -> int:
    client = client_for(user)
    client.get(url)  # warm: sessions, caches
    with time_machine.travel(when, tick=False), CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_notes_cost_one_query_whatever_the_questions_or_cohorts(cohort, owner, learner):
    """A quiz of two questions in one cohort, then one of six in two cohorts with an extension:
    the take and result pages cost the same queries (the notes are read once per page, in one
    query, not per question or per cohort)."""
    small = make_quiz(*(make_question("single") for _ in range(2)))
    big = make_quiz(*(make_question("single") for _ in range(6)))
    autumn = services.cohort_create(owner=owner, name="Autumn class", now=T0)
    services.cohort_join(cohort=autumn, user=learner, now=at(hours=1))
    services.assignment_create(
        cohort=cohort, quiz=small, due_at=at(days=5), by=owner, now=at(hours=2)
    )
    for each in (cohort, autumn):
        made = services.assignment_create(
            cohort=each, quiz=big, due_at=at(days=5), by=owner, now=at(hours=2)
        )
    services.extension_set(assignment=made, user_id=learner.pk, due_at=at(days=6))
    costs = {}
    for quiz in (small, big):
        attempt = take_right(quiz, learner, start=at(days=1))
        taking = _queries(learner, take_url(attempt), when=at(days=1))
        attempts.attempt_submit(attempt=attempt, now=at(days=1, minutes=5))
        result = _queries(learner, result_url(attempt), when=at(days=1))
        costs[quiz.pk] = (taking, result)
    assert costs[small.pk] == costs[big.pk]
    with CaptureQueriesContext(connection) as queries:
        notes = gates.assignment_notes(
            quiz=big, user_id=learner.pk, attempt=attempt, now=at(days=1)
        )
    assert len(notes) == 2 and len(queries) == 1
