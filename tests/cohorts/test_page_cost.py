"""A cohort's pages cost the same number of queries with 5 learners or 200 (issue 15): the
gradebook and the people page show a page of learners, the exports and statistics are
aggregated by the database. Timing lives in tests/bench (`make bench`)."""

from __future__ import annotations

import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from cohorts import learner_finder, services
from cohorts.models import Assignment, Membership
from cohorts.views import ASSIGNMENTS_PER_PAGE, GRADEBOOK_LEARNERS, LEARNERS_PER_PAGE
from lessons.models import Profile
from quizzes.models import Answer, Attempt
from tests.cohorts.conftest import at, client_for, make_owned_quiz, take_right
from tests.conftest import page_queries
from tests.quizzes.builders import right_response

pytestmark = pytest.mark.django_db


def grow(cohort, quiz, learners: int) -> None:
    """The cohort to `learners` learners, each with two submitted attempts at `quiz`."""
    have = Membership.objects.filter(cohort=cohort).count()
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"learner-{n:04}") for n in range(have, learners)
    )
    Membership.objects.bulk_create(
        Membership(cohort=cohort, user=user, joined_at=at(hours=1)) for user in users
    )
    # Every other learner chose a name to show their instructors (`lessons.shown_names`): the
    # pages show it beside the username, read with the learners, not one query a learner.
    Profile.objects.bulk_create(
        Profile(user=user, shown_name=f"Shown {user.username}") for user in users[::2]
    )
    questions = list(quiz.questions.all())
    now = timezone.now()
    attempts = Attempt.objects.bulk_create(
        Attempt(quiz=quiz, user=user, question_ids=[q.pk for q in questions], started_at=now,
                submitted_at=now, score=0.5 * k, passed=bool(k))
        for user in users
        for k in range(2)
    )  # fmt: skip
    Answer.objects.bulk_create(
        Answer(attempt=attempt, question=question, response=right_response(question),
               score=1.0, correct=True, saved_at=now, graded_at=now)
        for attempt in attempts
        for question in questions
    )  # fmt: skip


def test_a_cohorts_pages_cost_the_same_with_40_times_the_learners(owner, cohort, quiz, learner):
    # Due some day (the extension form is drawn only for work with a due date).
    assignment = services.assignment_create(
        cohort=cohort, quiz=quiz, by=owner, due_at=at(days=3000), now=at(hours=2)
    )
    teacher = client_for(owner)
    pages = {
        "gradebook": reverse("teach_cohorts:gradebook", args=[cohort.pk]),
        "gradebook csv": reverse("teach_cohorts:gradebook-csv", args=[cohort.pk]),
        "answers csv": reverse("teach_cohorts:answers-csv", args=[cohort.pk]),
        "people": reverse("teach_cohorts:people", args=[cohort.pk]),
        # a learner found by name (`cohorts.roster`): the same cost as paging
        "gradebook, found": reverse("teach_cohorts:gradebook", args=[cohort.pk]) + "?q=0001",
        # sorted (`cohorts.sorting`): its keys counted by the database in the roster's query
        "gradebook, by progress": reverse("teach_cohorts:gradebook", args=[cohort.pk])
        + "?sort=progress&order=desc",
        "gradebook, by a score": reverse("teach_cohorts:gradebook", args=[cohort.pk])
        + f"?sort=score-{assignment.pk}",
        "people, found": reverse("teach_cohorts:people", args=[cohort.pk]) + "?q=learner",
        "learner": reverse("teach_cohorts:learner", args=[cohort.pk, learner.pk]),
        "statistics": reverse("teach_cohorts:quiz-statistics", args=[cohort.pk, quiz.pk]),
        "assignment": reverse("teach_cohorts:assignment", args=[cohort.pk, assignment.pk]),
        "learner suggestions": reverse("teach_cohorts:learner-find", args=[cohort.pk])
        + "?learner=learner",
        # with 100 times the quizzes too: tests/cohorts/test_quiz_finder.py
        "new assignment": reverse("teach_cohorts:assignment-create", args=[cohort.pk]),
    }
    pages["cohorts"] = teacher.get(reverse("teach_cohorts:list"))["Location"]  # with its token

    def costs() -> dict[str, int]:
        out = {}
        for page, url in pages.items():
            teacher.get(url)  # warm
            out[page] = page_queries(teacher, url)[0] if "csv" not in page else _csv(teacher, url)
        return out

    grow(cohort, quiz, 5)
    small = costs()
    grow(cohort, quiz, 200)
    assert costs() == small
    assert small["gradebook, by progress"] == small["gradebook, by a score"] == small["gradebook"]
    # The list of cohorts says each one's size, counted for the cohorts listed only.
    listed = teacher.get(pages["cohorts"]).content.decode()
    assert "200 learners, 1 assignment&nbsp;·&nbsp;yours&nbsp;·&nbsp;join code" in listed
    _, people = page_queries(teacher, pages["people"])
    assert "Learners (200)" in people and people.count("joined ") == LEARNERS_PER_PAGE
    assert '<a href="?page=2" rel="next">Next learners</a>' in people
    assert '<a href="?page=4"><span class="visually-hidden">Page </span>4</a>' in people
    assert "learner-0199" in teacher.get(pages["people"] + "?page=4").content.decode()
    _, gradebook = page_queries(teacher, pages["gradebook"])
    assert gradebook.count('<th scope="row">') == GRADEBOOK_LEARNERS
    # ada, then learner-0001 on: the odd-numbered ones chose a name (`grow`), each shown.
    shown = [f"Shown learner-{n:04}" for n in range(1, GRADEBOOK_LEARNERS, 2)]
    assert re.findall(r'<span class="shown-name"><bdi>([^<]+)</bdi>', gradebook) == shown
    shown = [f"Shown learner-{n:04}" for n in range(1, LEARNERS_PER_PAGE, 2)]
    assert re.findall(r'<span class="shown-name">\(<bdi>([^<]+)</bdi>', people) == shown
    assert f"Learners 1 to {GRADEBOOK_LEARNERS} of 200" in gradebook
    # The extension form suggests a few learners, not a menu of all 200 (tests/cohorts/
    # test_learner_finder.py).
    _, page = page_queries(teacher, pages["assignment"])
    assert page.count("<option") == learner_finder.MATCHES and "<select" not in page


def _csv(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200
        b"".join(response.streaming_content if response.streaming else [response.content])
    return len(ctx.captured_queries)


def test_the_gradebook_shows_a_few_assignments_at_a_time_each_row_summing_them_all(
    owner, cohort, quiz, learner
):
    """40 assignments made a page of 50 learners 2,000 cells (500 KiB; 50 cards of 42 lines
    on a phone): the columns come ASSIGNMENTS_PER_PAGE at a time, the queries do not grow with
    them, and each row says how many of all the assignments are handed in and overdue."""
    teacher = client_for(owner)
    url = reverse("teach_cohorts:gradebook", args=[cohort.pk])
    services.assignment_create(
        cohort=cohort, quiz=quiz, by=owner, due_at=at(days=30), now=at(hours=2)
    )
    take_right(quiz, learner, start=at(hours=3), submit=at(hours=4))
    few, few_body = page_queries(teacher, url, warm=True)
    for n in range(2 * ASSIGNMENTS_PER_PAGE + 3):  # due one day after another, all past
        other = make_owned_quiz(owner)
        services.assignment_create(
            cohort=cohort, quiz=other, by=owner, due_at=at(days=1 + n / 24), now=at(hours=2)
        )
    total = 2 * ASSIGNMENTS_PER_PAGE + 4
    with time_machine.travel(at(days=10)):
        many, body = page_queries(teacher, url, warm=True)
        last = teacher.get(url + "?columns=3").content.decode()
    assert many == few
    heads = [
        re.sub("<[^>]+>", "", re.sub(r'<span[^>]*aria-hidden="true">.*?</span>', "", h))
        for h in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', body)
    ]
    assert heads[:3] == ["Learner", "Lessons completed", "Handed in"]
    assert len(heads) == 3 + ASSIGNMENTS_PER_PAGE
    # Newest due first: the one ada handed in (due on day 30) leads the first page.
    assert heads[3].startswith("Root user basics due ")
    first = Assignment.objects.get(quiz=quiz)
    link = reverse("teach_cohorts:assignment", args=[cohort.pk, first.pk])
    assert f'<a class="gradebook-title" href="{link}">Root user basics</a>' in body
    assert f"Assignments 1 to {ASSIGNMENTS_PER_PAGE} of {total}" in body
    assert '<a href="?columns=2#gradebook-title" rel="next">Next assignments</a>' in body
    assert "Previous assignments" not in body
    # The list of every assignment above it folds (its quizzes head the columns too); with one
    # page of them it does not (the header's "More" is a <details> on every page).
    summary = f"<summary>All {total} assignments: due dates, lessons and statistics</summary>"
    assert summary in body and '<details class="tags-fold">' not in few_body
    assert "assignments: due dates, lessons and statistics" not in few_body
    # ada's row: one handed in, every other one past its due date.
    assert (
        f'<td data-label="Handed in">1 of {total} <span class="badge badge-wrong">{total - 1} overdue</span></td>'
        in body
    )
    assert f"Assignments {2 * ASSIGNMENTS_PER_PAGE + 1} to {total} of {total}" in last
    assert last.count('class="gradebook-cell"') == 4
    assert '<a href="?columns=2#gradebook-title" rel="prev">Previous assignments</a>' in last
    assert "Next assignments" not in last


def test_a_cohorts_attempts_are_looked_up_by_its_quizzes_and_learners(owner, cohort, quiz, learner):
    """Every gradebook, learner page, export and statistics page reads the attempts its
    cohort counts; the rule alone (joined before, started after the assignment opened) was
    tested against every attempt on the site, a full scan per page (100,000 other learners'
    attempts: the overdue check 17 ms, the cohort's statistics 28 ms of a page). The cohort's
    quizzes and learners are looked up through the (quiz, user) index first."""
    from django.db import connection

    from cohorts import gradebook
    from quizzes.attempts import _overdue

    if connection.vendor != "sqlite":
        pytest.skip("reads SQLite's query plans")
    services.assignment_create(cohort=cohort, quiz=quiz, by=owner, now=at(hours=2))
    counted = gradebook.counted_attempts(cohort)
    plans = {
        "counted": counted,
        "a page's learners": gradebook.counted_attempts(cohort, among=[learner.pk]),
        "overdue": _overdue(counted, timezone.now()),
        "one quiz": counted.filter(quiz_id=quiz.pk),
    }
    for name, query in plans.items():
        plan = query.explain()
        assert "SEARCH quizzes_attempt USING INDEX" in plan, (name, plan)
        assert "SCAN quizzes_attempt" not in plan, (name, plan)


def test_a_class_costs_the_same_queries_with_4_times_the_learners_and_the_quizzes():
    """Every page of a class its teachers open (`tests.bench.classscale.pages`: the gradebook
    paged, found and sorted, the people page, a learner, an assignment, both statistics pages,
    both CSVs, the dashboard and the co-instructor's view), for a class of 3 learners with 2
    quizzes and one of 12 with 8 (a page of columns), each learner with attempts handed in,
    several, and in progress: the same queries. The learner-count test above has one quiz and
    no attempt in progress; a read per quiz, per assignment column or per open attempt would
    show here. Time: tests/bench/test_class_scale_bench.py (30 and 300 learners)."""
    from tests.bench import classscale
    from tests.teach.conftest import _instructor

    def costs(tag: str, learners: int, quizzes: int) -> dict[str, int]:
        teacher, colleague = _instructor(f"{tag}-teacher"), _instructor(f"{tag}-colleague")
        made = classscale.build(teacher, colleague, learners=learners, quizzes=quizzes, tag=tag)
        clients = {"owner": client_for(teacher), "co": client_for(colleague)}
        out = {}
        for name, (who, url) in classscale.pages(made, clients["owner"]).items():
            clients[who].get(url)  # warm
            out[name] = _csv(clients[who], url)
        return out

    small = costs("small", 3, 2)
    assert costs("large", 12, ASSIGNMENTS_PER_PAGE) == small
