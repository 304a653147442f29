"""Quiz statistics per cohort, and who may see them over every learner.

Instructors see their cohorts' learners and nobody else's (issue 10, point 5): for a quiz they
did not write, the class-wide figures are for staff and the author; a cohort's statistics
count exactly the attempts its gradebook counts.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from cohorts import services
from lessons.models import Source
from tests.cohorts import test_gradebook as gradebook
from tests.cohorts.conftest import client_for
from tests.conftest import give_mfa
from tests.quizzes.builders import make_question, make_quiz

pytestmark = pytest.mark.django_db

# The gradebook's hand-worked class, built once for this module too, with the people, quiz and
# cohort from it (tests/cohorts/test_gradebook.py).
_scenery = gradebook._scenery
owner, co_instructor, other_instructor = (
    gradebook.owner,
    gradebook.co_instructor,
    gradebook.other_instructor,
)
learner, other_learner = gradebook.learner, gradebook.other_learner
quiz, cohort, klass = gradebook.quiz, gradebook.cohort, gradebook.klass


def page(user, url) -> str:
    response = client_for(user).get(url)
    assert response.status_code == 200
    return response.content.decode()


def counted(body: str) -> str:
    """The "Attempts counted" figure on the page."""
    return body.split("<dt>Attempts counted</dt><dd>", 1)[1].split("<", 1)[0].strip()


def cohort_url(cohort, quiz) -> str:
    return reverse("teach_cohorts:quiz-statistics", args=[cohort.pk, quiz.pk])


def test_a_cohort_counts_the_attempts_its_gradebook_counts(cohort, quiz, owner, klass):
    """ada's two counted attempts, bob's and cy's: not ada's practice before joining, dee's
    unsubmitted one or grace's (not a member)."""
    assert counted(page(owner, cohort_url(cohort, quiz))) == "4"
    assert counted(page(owner, reverse("teach:quiz-statistics", args=[quiz.pk]))) == "6"


def test_a_co_instructor_reads_the_cohort_but_another_instructor_gets_nothing(
    cohort,
    quiz,
    co_instructor,
    other_instructor,
    klass,
):
    assert counted(page(co_instructor, cohort_url(cohort, quiz))) == "4"
    response = client_for(other_instructor).get(cohort_url(cohort, quiz))
    assert response.status_code == 404


def test_a_quiz_the_cohort_was_not_given_has_no_cohort_statistics(cohort, owner):
    other = make_quiz(make_question("single", owner=owner, source=Source.AUTHORED, lesson=None))
    assert client_for(owner).get(cohort_url(cohort, other)).status_code == 404


def test_a_curriculum_quiz_shows_class_wide_figures_only_to_staff(cohort, owner, learner, staff):
    """The instructor of a cohort sees that cohort's figures for a file quiz, not everyone's."""
    file_quiz = make_quiz(
        make_question("true_false"), make_question("true_false"), source=Source.FILE
    )
    services.assignment_create(cohort=cohort, quiz=file_quiz, by=owner)
    everyone = reverse("teach:quiz-statistics", args=[file_quiz.pk])

    body = page(owner, everyone)
    assert "Attempts counted" not in body and "No submitted attempts" not in body
    assert "shown to the quiz's author and to staff" in body
    assert cohort_url(cohort, file_quiz) in body  # the way to the figures they may see
    # Its opening line said they were "for all learners", above a notice saying they are not.
    assert "How each question worked for all learners" not in body
    assert "How each question worked for the cohorts you teach" in body

    give_mfa(staff)
    assert "shown to the quiz's author and to staff" not in page(staff, everyone)


def test_an_instructor_without_a_cohort_is_told_how_to_get_one(other_instructor):
    file_quiz = make_quiz(make_question("true_false"), source=Source.FILE)
    body = page(other_instructor, reverse("teach:quiz-statistics", args=[file_quiz.pk]))
    assert "none yet" in body and reverse("teach_cohorts:list") in body


def test_the_author_switches_between_everyone_and_a_cohort(cohort, quiz, owner, klass):
    body = page(owner, reverse("teach:quiz-statistics", args=[quiz.pk]))
    assert cohort_url(cohort, quiz) in body and "Cohort Spring class" in body
    cohort_body = page(owner, cohort_url(cohort, quiz))
    assert f'href="{cohort_url(cohort, quiz)}" aria-current="page"' in cohort_body
    assert f'action="{cohort_url(cohort, quiz)}"' in cohort_body  # the filter stays in scope


def test_a_cohort_attempt_whose_time_ran_out_counts_as_it_ended(cohort, owner, learner):
    """A timed quiz: the learner walked away mid-attempt. The cohort's statistics close it as it
    stood at the deadline and count it, as the gradebook does."""
    from tests.cohorts.conftest import assign_timed_quiz, at

    timed = assign_timed_quiz(cohort, owner)
    gradebook._attempt(timed, learner, at(days=1), "r")  # one answer, then gone
    assert counted(page(owner, cohort_url(cohort, timed))) == "1"


def test_the_cohort_page_closes_this_quizs_overdue_attempts_only_in_one_query(
    cohort, owner, learner
):
    """The cohort's statistics of one timed quiz close that quiz's attempts whose time ran
    out, not the cohort's other quizzes' (they are not on the page); asking when none is
    overdue costs one query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from quizzes.models import Attempt
    from tests.cohorts.conftest import assign_timed_quiz, at

    timed, other = assign_timed_quiz(cohort, owner), assign_timed_quiz(cohort, owner)
    here = gradebook._attempt(timed, learner, at(days=1), "r")
    there = gradebook._attempt(other, learner, at(days=1), "w")
    assert counted(page(owner, cohort_url(cohort, timed))) == "1"
    assert Attempt.objects.get(pk=here.pk).submitted_at == at(days=1, minutes=10)
    assert Attempt.objects.get(pk=there.pk).submitted_at is None
    client = client_for(owner)
    client.get(cohort_url(cohort, timed))  # the session and the caches warm
    with CaptureQueriesContext(connection) as ctx:
        client.get(cohort_url(cohort, timed))
    asked = [q["sql"] for q in ctx.captured_queries if '"deadline" <' in q["sql"]]
    assert len(asked) == 1, asked


def test_a_cohorts_statistics_lead_back_to_its_gradebook(owner, cohort, quiz):
    """Opened from the gradebook, the page is in the cohort's trail (Teaching › Cohorts › the
    cohort › Statistics) and the Cohorts section: its trail led to the quiz's own page, with no
    way back to the class but the browser's Back."""
    body = page(owner, reverse("teach_cohorts:quiz-statistics", args=[cohort.pk, quiz.pk]))
    start = body.index('aria-label="Breadcrumb"')
    trail = body[start : body.index("</nav>", start)]
    assert f'<a href="{reverse("teach_cohorts:gradebook", args=[cohort.pk])}">' in trail
    assert f'<a href="{reverse("teach_cohorts:list")}">Cohorts</a>' in trail
    assert '<li aria-current="page">Statistics</li>' in trail
    assert f'<a href="{reverse("teach_cohorts:list")}" aria-current="true">Cohorts</a>' in body
    # the quiz's own statistics keep the quiz's trail
    own = page(owner, reverse("teach:quiz-statistics", args=[quiz.pk]))
    assert f'<a href="{reverse("teach:quiz", args=[quiz.pk])}">' in own
