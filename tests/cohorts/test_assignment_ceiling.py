"""A cohort holds at most `services.MAX_ASSIGNMENTS` assignments, and a learner's home adds up
their assignments in queries of at most `gradebook.STANDINGS_PER_QUERY`: home sums every
assignment of every cohort a learner is in, five columns each in one query, so 333 in all
were more columns than PostgreSQL takes (400 SQLite's), a 500 on every member's home
(docs/limits.md)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohorts import gradebook, services
from cohorts.models import Assignment
from quizzes.models import Quiz, QuizQuestion
from tests.cohorts.conftest import T0, at, client_for, take_right

pytestmark = pytest.mark.django_db


def _assigned(cohort, owner, count: int, *, first: int = 0) -> list[Quiz]:
    """`count` published quizzes assigned to `cohort`, written directly (as a cohort assigned
    them before the ceiling)."""
    quizzes = Quiz.objects.bulk_create(
        Quiz(slug=f"assigned-{n}", title=f"Week {n}", published=True, owner=owner)
        for n in range(first, first + count)
    )
    Assignment.objects.bulk_create(
        Assignment(cohort=cohort, quiz=q, created_at=T0, created_by=owner) for q in quizzes
    )
    return quizzes


def test_a_cohort_past_its_assignments_refuses_one_more_and_keeps_them(cohort, owner, quiz):
    _assigned(cohort, owner, services.MAX_ASSIGNMENTS)
    with pytest.raises(services.CohortError) as refused:
        services.assignment_create(cohort=cohort, quiz=quiz, by=owner, now=at(hours=2))
    assert str(refused.value).startswith(
        f"This cohort has {services.MAX_ASSIGNMENTS} assignments, the most a cohort holds"
    )
    assert cohort.assignments.count() == services.MAX_ASSIGNMENTS
    assert not cohort.assignments.filter(quiz=quiz).exists()


def test_home_adds_up_any_number_of_assignments_in_bounded_queries(cohort, owner, learner, quiz):
    many = 7 * gradebook.STANDINGS_PER_QUERY + 1  # past PostgreSQL's 1,664 columns in one
    # In five classes (each one's `ASSIGNMENTS_SHOWN` due last are a home's): 85 each.
    each = -(-many // 5)
    assert each <= gradebook.ASSIGNMENTS_SHOWN
    quizzes = _assigned(cohort, owner, each)
    for n in range(1, 5):
        other = services.cohort_create(owner=owner, name=f"Class {n}", now=T0)
        services.cohort_join(cohort=other, user=learner, now=at(hours=1))
        quizzes += _assigned(other, owner, each, first=n * each)
    many = len(quizzes)
    last = quizzes[-1]
    QuizQuestion.objects.bulk_create(
        QuizQuestion(quiz=last, question=q, order=n)
        for n, q in enumerate(quiz.questions.all(), start=1)
    )
    take_right(last, learner, start=at(days=1), submit=at(days=1, minutes=5))
    with CaptureQueriesContext(connection) as queries:
        work = gradebook.assigned_work(user=learner, now=at(days=2), limit=many)
    sums = [q["sql"] for q in queries if "SUM(CASE" in q["sql"]]
    assert len(sums) == -(-many // gradebook.STANDINGS_PER_QUERY) == 8  # one for each 60
    assert max(sql.count("SUM(CASE") for sql in sums) <= 3 * gradebook.STANDINGS_PER_QUERY
    [done] = [w for w in work if w.assignment.quiz_id == last.pk]
    assert (done.cell.started, done.cell.handed_in, done.cell.best) == (1, 1, 1.0)
    assert client_for(learner).get("/").status_code == 200


def test_home_reads_each_cohorts_assignments_due_last_alone(cohort, owner, learner):
    """A cohort assigned past the ceiling before it: every member's home read and added up
    each assignment (2,000: 170 ms of CPU); now the `ASSIGNMENTS_SHOWN` due last, as its
    gradebook shows them."""
    quizzes = _assigned(cohort, owner, gradebook.ASSIGNMENTS_SHOWN + 40)
    with CaptureQueriesContext(connection) as queries:
        work = gradebook.assigned_work(user=learner, now=at(days=2), limit=10_000)
    assert len(work) == gradebook.ASSIGNMENTS_SHOWN
    newest = {q.pk for q in quizzes[-gradebook.ASSIGNMENTS_SHOWN :]}  # none due: newest made
    assert {w.assignment.quiz_id for w in work} == newest
    sums = [q["sql"] for q in queries if "SUM(CASE" in q["sql"]]
    assert len(sums) == -(-gradebook.ASSIGNMENTS_SHOWN // gradebook.STANDINGS_PER_QUERY)


def _said(response) -> str:
    assert response.status_code == 200
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


def test_a_cohort_past_the_ceiling_draws_its_newest_assignments_and_says_so(cohort, owner, learner):
    """Assigned before the ceiling: the gradebook and the learner page draw and add up the
    newest due alone (`gradebook.ASSIGNMENTS_SHOWN`), the rest counted; 2,000 made the
    gradebook 306 ms of CPU, now the same as at the ceiling."""
    quizzes = _assigned(cohort, owner, gradebook.ASSIGNMENTS_SHOWN + 5)
    due = T0 + timedelta(days=30)
    # The newest due: the last five created, and one of the first given a due date.
    Assignment.objects.filter(quiz=quizzes[0]).update(due_at=due)
    teacher = client_for(owner)
    page = teacher.get(reverse("teach_cohorts:gradebook", args=[cohort.pk]))
    soup = BeautifulSoup(page.content, "html.parser")
    listed = soup.select("section[aria-labelledby=assignments-title] li")
    assert len(listed) == gradebook.ASSIGNMENTS_SHOWN
    assert listed[0].a.get_text() == quizzes[0].title  # due, so first
    said = _said(page)
    total = gradebook.ASSIGNMENTS_SHOWN + 5
    assert f"This cohort has {total} assignments" in said
    assert f"this page shows the {gradebook.ASSIGNMENTS_SHOWN} due last" in said
    page = teacher.get(reverse("teach_cohorts:learner", args=[cohort.pk, learner.pk]))
    sections = BeautifulSoup(page.content, "html.parser").select("section.card")
    assert len(sections) == gradebook.ASSIGNMENTS_SHOWN
    assert f"This cohort has {total} assignments" in _said(page)
