"""Assignments: opening times, due dates and extensions, late flags, closing; and the home
page's list of assigned work."""

from __future__ import annotations

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cohorts import gradebook, services
from cohorts.models import Assignment
from quizzes import attempts, hooks
from quizzes.models import Attempt
from tests.cohorts.conftest import T0, at, client_for, take_right
from tests.conftest import make_lesson
from tests.quizzes.builders import make_question, make_quiz, right_response

pytestmark = pytest.mark.django_db


def _cell(cohort, user):
    [work] = [w for w in gradebook.assigned_work(user=user, now=at(days=30)) if w.cohort == cohort]
    return work.cell


def test_a_quiz_cannot_be_started_before_its_opening_time(cohort, quiz, learner, owner):
    services.assignment_create(
        cohort=cohort, quiz=quiz, opens_at=at(days=2), by=owner, now=at(hours=2)
    )
    with pytest.raises(attempts.AttemptRefused, match="opens on"):
        attempts.attempt_start(quiz=quiz, user=learner, now=at(days=1))
    assert attempts.attempt_start(quiz=quiz, user=learner, now=at(days=2, minutes=1))


def test_the_opening_time_applies_only_to_the_cohort(cohort, quiz, other_learner, owner):
    services.assignment_create(
        cohort=cohort, quiz=quiz, opens_at=at(days=2), by=owner, now=at(hours=2)
    )
    assert attempts.attempt_start(quiz=quiz, user=other_learner, now=at(days=1))
    assert attempts.attempt_start(quiz=quiz, session_key="anonymous-browser", now=at(days=1))


def test_another_cohort_with_the_quiz_open_lets_the_learner_in(
    cohort, quiz, learner, other_learner, owner
):
    """The gate reads the learner's own assignments of this quiz, in every cohort they are in:
    one open lets them in, none open refuses (saying when the first one opens, if any)."""
    second = services.cohort_create(owner=owner, name="Autumn class", now=T0)
    services.cohort_join(cohort=second, user=learner, now=at(hours=1))
    closed = services.assignment_create(cohort=cohort, quiz=quiz, by=owner, now=at(hours=2))
    services.assignment_close(assignment=closed, closed=True, now=at(hours=3))
    later = services.assignment_create(
        cohort=second, quiz=quiz, opens_at=at(days=2), by=owner, now=at(hours=2)
    )
    with pytest.raises(attempts.AttemptRefused, match="opens on"):
        attempts.attempt_start(quiz=quiz, user=learner, now=at(days=1))
    assert attempts.attempt_start(quiz=quiz, user=other_learner, now=at(days=1))  # in neither
    assert attempts.attempt_start(quiz=quiz, user=learner, now=at(days=2, minutes=1))
    services.assignment_close(assignment=later, closed=True, now=at(days=3))
    with pytest.raises(attempts.AttemptRefused, match="closed"):
        attempts.attempt_start(quiz=quiz, user=learner, now=at(days=3))


def test_submitting_after_the_due_date_is_accepted_and_flagged_late(cohort, quiz, learner, owner):
    services.assignment_create(
        cohort=cohort, quiz=quiz, due_at=at(days=3), by=owner, now=at(hours=2)
    )
    attempt = take_right(quiz, learner, start=at(days=3, hours=1), submit=at(days=3, hours=2))
    assert attempt.is_submitted and attempt.score == 1.0
    cell = _cell(cohort, learner)
    assert cell.status == gradebook.LATE
    assert cell.best_late and cell.best == 1.0


def test_an_extension_moves_one_learners_due_date(cohort, quiz, learner, other_learner, owner):
    services.cohort_join(cohort=cohort, user=other_learner, now=at(hours=1))
    assignment = services.assignment_create(
        cohort=cohort, quiz=quiz, due_at=at(days=3), by=owner, now=at(hours=2)
    )
    services.extension_set(assignment=assignment, user_id=learner.pk, due_at=at(days=5))
    take_right(quiz, learner, start=at(days=4), submit=at(days=4, minutes=10))
    take_right(quiz, other_learner, start=at(days=4), submit=at(days=4, minutes=10))
    mine, theirs = _cell(cohort, learner), _cell(cohort, other_learner)
    assert (mine.status, mine.due, mine.extended) == (gradebook.SUBMITTED, at(days=5), True)
    assert (theirs.status, theirs.due, theirs.extended) == (gradebook.LATE, at(days=3), False)


def test_an_extension_is_only_for_a_member(cohort, quiz, other_learner, owner):
    assignment = services.assignment_create(cohort=cohort, quiz=quiz, by=owner)
    with pytest.raises(services.CohortError, match="Only a learner in this cohort"):
        services.extension_set(assignment=assignment, user_id=other_learner.pk, due_at=at(days=5))


def test_statuses_before_and_during_an_attempt(cohort, quiz, learner, owner):
    services.assignment_create(
        cohort=cohort, quiz=quiz, due_at=at(days=3), by=owner, now=at(hours=2)
    )
    cell = _cell(cohort, learner)
    assert cell.status == gradebook.NOT_STARTED and cell.overdue(at(days=4))
    take_right(quiz, learner, start=at(days=1))
    cell = _cell(cohort, learner)
    assert cell.status == gradebook.IN_PROGRESS and not cell.overdue(at(days=2))


def test_a_closed_assignment_refuses_start_answer_and_submit(cohort, quiz, learner, owner):
    assignment = services.assignment_create(cohort=cohort, quiz=quiz, by=owner, now=at(hours=2))
    open_attempt = take_right(quiz, learner, start=at(days=1))
    services.assignment_close(assignment=assignment, closed=True, now=at(days=1, hours=1))
    with pytest.raises(attempts.AttemptRefused, match="closed"):
        attempts.attempt_submit(attempt=open_attempt, now=at(days=1, hours=2))
    question = quiz.questions.first()
    with pytest.raises(attempts.AttemptRefused):
        attempts.answer_save(
            attempt=open_attempt, question=question, response=right_response(question)
        )
    with pytest.raises(attempts.AttemptRefused, match="closed"):
        attempts.attempt_start(quiz=quiz, user=learner, now=at(days=2))
    assert not Attempt.objects.get(pk=open_attempt.pk).is_submitted
    services.assignment_close(assignment=assignment, closed=False)
    submitted, _ = attempts.attempt_submit(attempt=open_attempt, now=at(days=2))
    assert submitted.is_submitted


def test_a_closed_assignment_refuses_start_and_submit_through_the_pages(
    cohort, quiz, learner, owner
):
    quiz.published = True
    quiz.save()
    assignment = services.assignment_create(cohort=cohort, quiz=quiz, by=owner, now=at(hours=2))
    client = client_for(learner)
    client.post(reverse("quizzes:start", args=[quiz.slug]))
    attempt = Attempt.objects.get(user=learner)
    client_for(owner).post(
        reverse("teach_cohorts:assignment-close", args=[cohort.pk, assignment.pk])
    )
    refused = client.post(reverse("quizzes:submit", args=[attempt.pk]), follow=True)
    assert "closed this assignment" in refused.content.decode()
    assert not Attempt.objects.get(pk=attempt.pk).is_submitted
    again = client.post(reverse("quizzes:start", args=[quiz.slug]), follow=True)
    assert "closed this assignment" in again.content.decode()


def test_closing_says_how_many_learners_are_left_mid_attempt(
    cohort, published, learner, other_learner, owner
):
    """Closing stops an open attempt being handed in: the instructor is told how many are
    left so, as it closes, not when a learner writes to ask."""
    quiz = published
    services.cohort_join(cohort=cohort, user=other_learner, now=at(hours=1))
    assignment = services.assignment_create(cohort=cohort, quiz=quiz, by=owner, now=at(hours=2))
    address = reverse("teach_cohorts:assignment-close", args=[cohort.pk, assignment.pk])
    teacher = client_for(owner)
    said = teacher.post(address, follow=True).content.decode()
    assert "Closed: its quiz" in said and "had started an attempt" not in said
    teacher.post(address, {"closed": "false"})
    for person in (learner, other_learner):
        client_for(person).post(reverse("quizzes:start", args=[quiz.slug]))
    said = teacher.post(address, follow=True).content.decode()
    assert "2 learners had started an attempt and not handed it in" in said
    assert "until you open the assignment again" in said


def test_an_already_submitted_attempt_still_shows_its_result_after_closing(
    cohort, quiz, learner, owner
):
    assignment = services.assignment_create(cohort=cohort, quiz=quiz, by=owner, now=at(hours=2))
    done = take_right(quiz, learner, start=at(days=1), submit=at(days=1, minutes=5))
    services.assignment_close(assignment=assignment, closed=True)
    again, submitted_now = attempts.attempt_submit(attempt=done)
    assert (again.score, submitted_now) == (1.0, False)


def test_quizzes_work_without_any_gate(cohort, quiz, learner, owner, monkeypatch):
    """quizzes on its own (no app registered): a closed assignment means nothing to it."""
    assignment = services.assignment_create(cohort=cohort, quiz=quiz, by=owner)
    services.assignment_close(assignment=assignment, closed=True)
    monkeypatch.setattr(hooks, "_gates", [])
    monkeypatch.setattr(hooks, "_viewers", [])
    attempt = take_right(quiz, learner, start=at(days=1), submit=at(days=1, minutes=1))
    assert attempt.is_submitted


def test_assigning_the_same_quiz_twice_is_refused(cohort, quiz, owner):
    services.assignment_create(cohort=cohort, quiz=quiz, by=owner)
    with pytest.raises(services.CohortError, match="already assigned"):
        services.assignment_create(cohort=cohort, quiz=quiz, by=owner)
    with pytest.raises(services.CohortError, match="after the opening"):
        services.assignment_create(cohort=cohort, quiz=make_quiz(), opens_at=at(2), due_at=at(1))


def test_the_same_assignment_sent_twice_at_once_is_refused_not_a_500(
    cohort, quiz, owner, monkeypatch
):
    """A double click on "Assign" sends the form twice; both requests can pass the look for
    an existing assignment before either writes. The second then met the unique constraint
    and answered 500; it is refused with the same words as a later second try."""
    first = services.assignment_create(cohort=cohort, quiz=quiz, by=owner)
    # The second request's look happened before the first wrote its row.
    monkeypatch.setattr(Assignment.objects, "filter", lambda **_: Assignment.objects.none())
    with pytest.raises(services.CohortError, match="already assigned"):
        services.assignment_create(cohort=cohort, quiz=quiz, by=owner, due_at=at(3))
    monkeypatch.undo()
    assert list(Assignment.objects.filter(cohort=cohort)) == [first]
    assert Assignment.objects.get().due_at is None


def test_an_instructor_assigns_only_published_quizzes_they_may_use(
    cohort, quiz, owner, other_instructor
):
    others = make_quiz(make_question(), owner=other_instructor, source="authored", published=True)
    curriculum = make_quiz(make_question(), title="From the files", source="file", published=True)
    quiz.published = True
    quiz.save()
    draft = make_quiz(make_question(), owner=owner, source="authored", published=False)
    client = client_for(owner)
    url = reverse("teach_cohorts:assignment-create", args=[cohort.pk])
    page = client.get(url).content.decode()
    assert quiz.title in page and curriculum.title in page
    assert others.title not in page and draft.title not in page
    lesson = make_lesson()
    with time_machine.travel(T0, tick=False):  # the due date is three days ahead
        response = client.post(url, {"quiz": others.pk, "due_at": "2026-03-05T17:00"})
        assert response.status_code == 200 and not Assignment.objects.exists()
        response = client.post(
            url, {"quiz": quiz.pk, "lessons": [lesson.pk], "due_at": "2026-03-05T17:00"}
        )
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert (assignment.quiz, list(assignment.lessons.all())) == (quiz, [lesson])
    assert assignment.due_at == at(days=3, hours=8)  # typed in UTC, the default zone


def test_the_home_page_lists_what_is_left_to_do_soonest_due_first(cohort, owner, learner, client):
    """Work not handed in comes first, soonest due first (overdue work leads: it was listed
    after work due next year), undated after it; then work done or closed, newest due first."""
    titles = ("Due soon", "Due later", "No date", "Done", "Done earlier", "Closed")
    quizzes = {t: make_quiz(make_question(), title=t, published=True) for t in titles}
    lesson = make_lesson(title="Read me first")
    days = {"Due soon": 2, "Due later": 9, "Done": 4, "Done earlier": 1, "Closed": 3}
    made = {
        t: services.assignment_create(
            cohort=cohort,
            quiz=quizzes[t],
            due_at=days.get(t) and at(days=days[t]),
            by=owner,
            now=at(hours=2),
        )
        for t in titles
    }
    made["Due later"].lessons.add(lesson)
    services.assignment_close(assignment=made["Closed"], closed=True)
    for t in ("Done", "Done earlier"):
        take_right(quizzes[t], learner, start=at(hours=3), submit=at(hours=3, minutes=5))
    client.force_login(learner)
    with time_machine.travel(at(days=5), tick=False):  # "Due soon" is overdue by now
        page = client.get("/").content.decode()
    assert "Your assigned work" in page and "Read me first" in page
    order = ("Due soon", "Due later", "No date", "Done", "Closed", "Done earlier")
    positions = [page.index(f">{t}<") for t in order]
    assert positions == sorted(positions), order


def test_the_home_page_calls_closed_work_closed_not_overdue(cohort, owner, learner, client):
    """Work past its due date and not handed in is "Overdue": late work is still accepted.
    Once its instructor closes it nothing more is, so it read "Overdue" beside "Closed", a
    call to hand in what could not be: it says "Closed" alone."""
    quizzes = {t: make_quiz(make_question(), title=t, published=True) for t in ("Open", "Shut")}
    made = {
        t: services.assignment_create(
            cohort=cohort, quiz=quiz, due_at=at(days=2), by=owner, now=at(hours=2)
        )
        for t, quiz in quizzes.items()
    }
    services.assignment_close(assignment=made["Shut"], closed=True)
    client.force_login(learner)
    with time_machine.travel(at(days=5), tick=False):
        page = client.get("/").content.decode()
    still_open = page.split(">Open<", 1)[1].split("</li>", 1)[0]
    closed = page.split(">Shut<", 1)[1].split("</li>", 1)[0]
    assert ">Overdue<" in still_open
    assert ">Closed<" in closed and ">Overdue<" not in closed


def test_the_home_page_shows_no_work_to_others(cohort, quiz, owner, other_learner, client):
    services.assignment_create(cohort=cohort, quiz=quiz, by=owner)
    assert "Your assigned work" not in client.get("/").content.decode()
    client.force_login(other_learner)
    assert "Your assigned work" not in client.get("/").content.decode()


def _home_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    return len(queries)


def _more_work(cohort, owner, learner, n: int) -> None:
    for day in range(n):
        quiz = make_quiz(make_question(), make_question())
        assignment = services.assignment_create(
            cohort=cohort, quiz=quiz, due_at=at(days=day), by=owner
        )
        assignment.lessons.add(make_lesson(), make_lesson())
        services.extension_set(assignment=assignment, user_id=learner.pk, due_at=at(days=9))
        take_right(quiz, learner, start=at(days=1), submit=at(days=1, minutes=2))
        take_right(quiz, learner, start=at(days=2))


def test_the_home_page_costs_the_same_queries_with_more_work(
    cohort, owner, learner, client, django_assert_max_num_queries
):
    """One piece of work, then four (each a quiz with two questions, two lessons, an extension
    and two attempts): a query per assignment, lesson, extension or attempt grows the count
    with three more as it did with eight more; both stay under the list's limit (30)."""
    client.force_login(learner)
    _more_work(cohort, owner, learner, 1)
    small = _home_queries(client)
    _more_work(cohort, owner, learner, 3)
    with django_assert_max_num_queries(small):
        page = client.get("/").content.decode()
    assert page.count('class="card work-item"') == 4


def test_the_window_ignores_attempts_before_joining(owner, quiz, other_learner):
    take_right(quiz, other_learner, start=T0, submit=at(minutes=5))  # private practice
    cohort = services.cohort_create(owner=owner, name="Late joiners", now=T0)
    services.assignment_create(cohort=cohort, quiz=quiz, by=owner, now=at(hours=1))
    services.cohort_join(cohort=cohort, user=other_learner, now=at(hours=2))
    assert _cell(cohort, other_learner).status == gradebook.NOT_STARTED
    assert not gradebook.counted_attempts(cohort).exists()


def test_the_home_page_says_a_due_time_in_the_learners_zone_and_names_it(
    cohort, owner, learner, client
):
    """A deadline read in another zone than it was meant is a missed deadline: the time is the
    learner's (their browser's zone) and says which zone it is, as the quiz clock does."""
    from datetime import UTC, datetime

    quiz = make_quiz(make_question(), title="Timed", published=True)
    due = datetime(2031, 6, 1, 12, 0, tzinfo=UTC)
    services.assignment_create(cohort=cohort, quiz=quiz, due_at=due, by=owner)
    client.force_login(learner)
    client.cookies["tz"] = "Asia/Tokyo"
    assert "Due 1 Jun 2031, 21:00 (Asia/Tokyo)" in client.get("/").content.decode()


def test_an_assigned_quiz_unpublished_since_is_said_to_its_teachers_and_learners(
    cohort, quiz, owner, co_instructor, learner, client
):
    """Unpublished to correct it after assigning: its learners cannot open it. The gradebook
    and the assignment's page said nothing (every learner only "not started"), and the
    learner's home page showed its title without a link or a reason."""
    assignment = services.assignment_create(cohort=cohort, quiz=quiz, by=owner)
    quiz.published = False
    quiz.save()
    gradebook_url = reverse("teach_cohorts:gradebook", args=[cohort.pk])
    assignment_url = reverse("teach_cohorts:assignment", args=[cohort.pk, assignment.pk])
    for url in (gradebook_url, assignment_url):
        page = client_for(owner).get(url).content.decode()
        assert "Unpublished" in page and "until you publish it again" in page, url
        assert reverse("teach:quiz", args=[quiz.pk]) in page
        other = client_for(co_instructor).get(url).content.decode()
        assert "until its author publishes it again" in other, url
    client.force_login(learner)
    home = client.get("/").content.decode()
    assert "Your assigned work" in home and "taken the quiz down" in home
    quiz.published = True
    quiz.save()
    assert "Unpublished" not in client_for(owner).get(gradebook_url).content.decode()
    assert "taken the quiz down" not in client.get("/").content.decode()


def test_an_assignments_page_is_headed_by_its_quiz_under_its_cohort(cohort, quiz, owner):
    """Its heading was "<quiz> for <cohort>", which ran "Who is responsible? for Spring"
    together; the quiz is the heading, the cohort its eyebrow, as on the gradebook."""
    from bs4 import BeautifulSoup

    quiz.title = "Who is responsible?"
    quiz.save()
    assignment = services.assignment_create(
        cohort=cohort, quiz=quiz, opens_at=None, due_at=None, by=owner, now=at()
    )
    url = reverse("teach_cohorts:assignment", args=[cohort.pk, assignment.pk])
    page = BeautifulSoup(client_for(owner).get(url).content, "html.parser")
    assert page.h1.get_text() == "Who is responsible?"
    assert page.h1.find_previous_sibling("p")["class"] == ["eyebrow"]
    assert page.h1.find_previous_sibling("p").get_text() == f"Assignment in {cohort.name}"
