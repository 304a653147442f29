"""Extensions give a learner more time, never less: one the cohort's due date has since moved
past stops counting (everywhere a due date is read), and one typed at or before the cohort's
due date is refused beside its date, with what was typed kept."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from cohorts import gradebook, services
from cohorts.gates import assignment_notes
from cohorts.models import Membership
from tests.cohorts.conftest import at, client_for, take_right

pytestmark = pytest.mark.django_db


@pytest.fixture
def extended(cohort, quiz, learner, owner):
    """Due on day 2, ada extended to day 4; then the cohort's due date moved to day 6."""
    assignment = services.assignment_create(
        cohort=cohort, quiz=quiz, due_at=at(days=2), by=owner, now=at(hours=2)
    )
    services.extension_set(assignment=assignment, user_id=learner.pk, due_at=at(days=4))
    return services.assignment_update(assignment=assignment, due_at=at(days=6))


def _cell(cohort, learner):
    members = list(Membership.objects.filter(cohort=cohort, user=learner).select_related("user"))
    [row] = gradebook.gradebook_rows(
        cohort=cohort, assignments=gradebook.assignments_of(cohort), memberships=members, read=0
    )
    return row.cells[0]


def test_an_extension_the_due_date_moved_past_does_not_make_work_late(
    extended, cohort, quiz, learner
):
    """ada hands in on day 5: on time for everyone (due day 6), so on time for her too. Her
    old extension (day 4) once meant more time; read as her due date it made her alone late."""
    take_right(quiz, learner, start=at(days=5), submit=at(days=5, minutes=5))
    cell = _cell(cohort, learner)
    assert (cell.status, cell.due, cell.extended) == ("submitted", at(days=6), False)
    [work] = gradebook.assigned_work(user=learner, now=at(days=5, hours=1))
    assert (work.cell.due, work.cell.extended) == (at(days=6), False)
    [assigned] = gradebook.assigned_to(user_id=learner.pk, quiz_id=quiz.pk)
    assert (assigned.due, assigned.extended) == (at(days=6), False)


def test_the_learners_note_says_the_cohorts_later_due_date(extended, quiz, learner):
    attempt = take_right(quiz, learner, start=at(days=5), submit=at(days=5, minutes=5))
    [note] = assignment_notes(quiz=quiz, user_id=learner.pk, attempt=attempt, now=at(days=5))
    assert "your extension" not in note.text and not note.alert


def test_a_later_extension_still_counts(extended, cohort, quiz, learner):
    services.extension_set(assignment=extended, user_id=learner.pk, due_at=at(days=8))
    take_right(quiz, learner, start=at(days=7), submit=at(days=7, minutes=5))
    cell = _cell(cohort, learner)
    assert (cell.status, cell.due, cell.extended) == ("submitted", at(days=8), True)


def test_the_assignment_page_says_an_overtaken_extension_no_longer_applies(extended, cohort, owner):
    page = client_for(owner).get(reverse("teach_cohorts:assignment", args=[cohort.pk, extended.pk]))
    text = re.sub(r"\s+", " ", html.unescape(page.content.decode()))
    assert "ada: due 6 Mar 2026, 09:00 (UTC)" in text
    assert "not after the assignment's due date, so it no longer applies" in text


def test_an_extension_not_after_the_cohorts_due_date_is_refused(cohort, quiz, owner, learner):
    """A slip of the day or month would have shortened the learner's time."""
    assignment = services.assignment_create(
        cohort=cohort, quiz=quiz, due_at=at(days=6), by=owner, now=at(hours=2)
    )
    url = reverse("teach_cohorts:extension-set", args=[cohort.pk, assignment.pk])
    with time_machine.travel(at(days=1), tick=False):
        page = client_for(owner).post(url, {"learner": "ada", "due_at": "2026-03-05T09:00"})
    text = html.unescape(page.content.decode())
    assert "not after this assignment's due date (8 Mar 2026, 09:00 (UTC))" in text
    assert 'name="due_at" value="2026-03-05T09:00"' in text
    assert 'name="learner" value="ada"' in text
    assert 'aria-describedby="extension-due_at_error' in text
    assert not assignment.extensions.exists()
    with time_machine.travel(at(days=1), tick=False):
        client_for(owner).post(url, {"learner": "ada", "due_at": "2026-03-09T09:00"})
    assert assignment.extensions.get().due_at == at(days=7)


def test_an_instructor_reading_an_attempt_is_told_whether_it_was_late(
    cohort, quiz, owner, learner, other_learner
):
    """The learner's own result says "your instructor sees it as late"; the instructor's view of
    the same attempt said nothing of it, so a late mark could not be checked there. Ada has an
    extension to day 4 and hands in on day 3 (on time for her); Bob, due on day 2, on day 3."""
    services.cohort_join(cohort=cohort, user=other_learner, now=at(hours=1))
    assignment = services.assignment_create(
        cohort=cohort, quiz=quiz, due_at=at(days=2), by=owner, now=at(hours=2)
    )
    services.extension_set(assignment=assignment, user_id=learner.pk, due_at=at(days=4))
    ada = take_right(quiz, learner, start=at(days=3), submit=at(days=3, minutes=5))
    bob = take_right(quiz, other_learner, start=at(days=3), submit=at(days=3, minutes=5))
    open_one = take_right(quiz, other_learner, start=at(days=3, hours=1))
    teacher = client_for(owner)

    def said(attempt) -> str:
        page = teacher.get(reverse("quizzes:result", args=[attempt.pk])).content.decode()
        return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))

    assert "by their due date in Spring class (their extension: 6 Mar 2026, 09:00 (UTC))" in said(
        ada
    )
    assert "after their due date in Spring class (4 Mar 2026, 09:00 (UTC)): late" in said(bob)
    text = said(open_one)
    assert "their due date" not in text  # not handed in: neither on time nor late yet


def _csv_rows(client, cohort):
    import csv
    import io

    body = b"".join(client.get(reverse("teach_cohorts:gradebook-csv", args=[cohort.pk])))
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def test_work_with_no_due_date_is_late_for_nobody_an_extension_included(
    cohort, quiz, owner, learner
):
    """Due on day 2, ada extended to day 4, then the due date taken away: nobody's work is
    late, but ada's extension became her due date alone ("due 4 Mar (your extension)", late
    on day 5) on her pages, the gradebook and its CSV, while the class had none."""
    assignment = services.assignment_create(
        cohort=cohort, quiz=quiz, due_at=at(days=2), by=owner, now=at(hours=2)
    )
    services.extension_set(assignment=assignment, user_id=learner.pk, due_at=at(days=4))
    services.assignment_update(assignment=assignment, due_at=None)
    attempt = take_right(quiz, learner, start=at(days=5), submit=at(days=5, minutes=5))
    cell = _cell(cohort, learner)
    assert (cell.due, cell.extended) == (None, False)
    [work] = gradebook.assigned_work(user=learner, now=at(days=5, hours=1))
    assert (work.cell.due, work.cell.extended) == (None, False)
    [assigned] = gradebook.assigned_to(user_id=learner.pk, quiz_id=quiz.pk)
    assert (assigned.due, assigned.extended) == (None, False)
    [note] = assignment_notes(quiz=quiz, user_id=learner.pk, attempt=attempt, now=at(days=5))
    assert "your extension" not in note.text and "late" not in note.text.lower()
    [row] = _csv_rows(client_for(owner), cohort)
    assert (row["due"], row["extended"], row["best late"], row["latest late"]) == (
        "", "no", "no", "no",
    )  # fmt: skip
    page = client_for(owner).get(
        reverse("teach_cohorts:assignment", args=[cohort.pk, assignment.pk])
    )
    text = re.sub(r"\s+", " ", html.unescape(page.content.decode()))
    assert "(the assignment has no due date, so it does not apply)" in text


def test_an_extension_for_work_with_no_due_date_is_refused(cohort, quiz, owner, learner):
    """Nobody's work is late, so there is no more time to give: the page says to set the due
    date first rather than offer the form, and a form sent all the same is refused."""
    assignment = services.assignment_create(cohort=cohort, quiz=quiz, by=owner, now=at(hours=2))
    client = client_for(owner)
    url = reverse("teach_cohorts:assignment", args=[cohort.pk, assignment.pk])
    page = " ".join(html.unescape(client.get(url).content.decode()).split())
    assert "no due date, so nobody's work is late: set its due date above" in page
    assert "Give the extension" not in page
    extend = reverse("teach_cohorts:extension-set", args=[cohort.pk, assignment.pk])
    with time_machine.travel(at(days=1), tick=False):
        sent = client.post(extend, {"learner": "ada", "due_at": "2026-03-09T09:00"})
    text = " ".join(html.unescape(sent.content.decode()).split())
    assert sent.status_code == 200 and "This assignment has no due date" in text
    assert 'name="learner" value="ada"' in text
    assert not assignment.extensions.exists()


def test_an_extension_in_the_past_says_it_gives_no_more_time(cohort, quiz, owner, learner):
    """Its words were the due date's, "every submission would be late"."""
    assignment = services.assignment_create(
        cohort=cohort, quiz=quiz, due_at=at(days=2), by=owner, now=at(hours=2)
    )
    extend = reverse("teach_cohorts:extension-set", args=[cohort.pk, assignment.pk])
    with time_machine.travel(at(days=5), tick=False):
        sent = client_for(owner).post(extend, {"learner": "ada", "due_at": "2026-03-06T09:00"})
    assert "That time has passed, so it would give the learner no more time" in html.unescape(
        sent.content.decode()
    )
    assert not assignment.extensions.exists()


def test_giving_an_extension_says_the_date_in_the_zone_it_was_typed_in(
    cohort, quiz, owner, learner
):
    """The page drawn in Tokyo, sent after the browser moved to UTC: the date is read and said
    in Tokyo's time."""
    assignment = services.assignment_create(
        cohort=cohort, quiz=quiz, due_at=at(days=2), by=owner, now=at(hours=2)
    )
    client = client_for(owner)
    extend = reverse("teach_cohorts:extension-set", args=[cohort.pk, assignment.pk])
    with time_machine.travel(at(days=1), tick=False):
        sent = client.post(
            extend,
            {"learner": "ada", "due_at": "2026-03-09T09:00", "zone": "Asia/Tokyo"},
            follow=True,
        )
    text = html.unescape(sent.content.decode())
    assert "ada has their own due date now: 9 Mar 2026, 09:00 (Asia/Tokyo)." in text
    assert assignment.extensions.get().due_at == at(days=7) - timedelta(hours=9)


def test_giving_a_learner_another_extension_says_it_moved_from_the_old_date(
    cohort, quiz, owner, learner
):
    """A second extension for the same learner replaces the first: the message said only "has
    their own due date now", as if it were new, the old date gone unsaid."""
    assignment = services.assignment_create(
        cohort=cohort, quiz=quiz, due_at=at(days=2), by=owner, now=at(hours=2)
    )
    services.extension_set(assignment=assignment, user_id=learner.pk, due_at=at(days=4))
    client = client_for(owner)
    extend = reverse("teach_cohorts:extension-set", args=[cohort.pk, assignment.pk])
    with time_machine.travel(at(days=1), tick=False):
        moved = client.post(extend, {"learner": "ada", "due_at": "2026-03-09T09:00"}, follow=True)
        same = client.post(extend, {"learner": "ada", "due_at": "2026-03-09T09:00"}, follow=True)
    assert "ada's extension moved from 6 Mar 2026, 09:00 (UTC) to 9 Mar 2026, 09:00 (UTC)." in (
        html.unescape(moved.content.decode())
    )
    assert "ada's extension was 9 Mar 2026, 09:00 (UTC) already: nothing changed." in (
        html.unescape(same.content.decode())
    )
    assert assignment.extensions.get().due_at == at(days=7)


def test_removing_an_extension_twice_says_it_was_removed_already(cohort, quiz, owner, learner):
    """A double click, or Remove on a tab drawn before: "Extension removed" again, as though
    there had been a second one."""
    assignment = services.assignment_create(
        cohort=cohort, quiz=quiz, due_at=at(days=2), by=owner, now=at(hours=2)
    )
    services.extension_set(assignment=assignment, user_id=learner.pk, due_at=at(days=4))
    url = reverse("teach_cohorts:extension-remove", args=[cohort.pk, assignment.pk, learner.pk])
    client = client_for(owner)
    first = html.unescape(client.post(url, follow=True).content.decode())
    second = html.unescape(client.post(url, follow=True).content.decode())
    assert "Extension removed: the cohort's due date applies." in first
    assert "That extension was removed already" in second
    assert "Extension removed:" not in second
    assert not assignment.extensions.exists()


def test_an_extension_that_turns_handed_in_work_on_time_or_late_says_so(
    cohort, quiz, owner, learner
):
    """Ada handed in on day 3, a day after the cohort's due date: giving her an extension to day
    4 silently turned that attempt on time in the gradebook, and removing it turned it late
    again. Each change now says what it did to work already handed in."""
    assignment = services.assignment_create(
        cohort=cohort, quiz=quiz, due_at=at(days=2), by=owner, now=at(hours=2)
    )
    take_right(quiz, learner, start=at(days=3), submit=at(days=3, minutes=5))
    client = client_for(owner)
    extend = reverse("teach_cohorts:extension-set", args=[cohort.pk, assignment.pk])
    remove = reverse("teach_cohorts:extension-remove", args=[cohort.pk, assignment.pk, learner.pk])

    def said(response) -> str:
        return html.unescape(response.content.decode())

    with time_machine.travel(at(days=3, hours=1), tick=False):
        given = said(
            client.post(extend, {"learner": "ada", "due_at": "2026-03-06T09:00"}, follow=True)
        )
        assert (
            "ada has their own due date now: 6 Mar 2026, 09:00 (UTC). 1 late attempt now counts as on time."
            in given
        )
        assert _cell(cohort, learner).status == gradebook.SUBMITTED
        # Moved to a date still after the hand-in: nothing more moves, and nothing is said of it.
        moved = said(
            client.post(extend, {"learner": "ada", "due_at": "2026-03-07T09:00"}, follow=True)
        )
        assert "extension moved from 6 Mar 2026, 09:00 (UTC) to 7 Mar 2026, 09:00 (UTC)." in moved
        assert "now count" not in moved
        taken = said(client.post(remove, follow=True))
    assert (
        "Extension removed: the cohort's due date applies. "
        "1 attempt handed in on time now counts as late." in taken
    )
    assert _cell(cohort, learner).status == gradebook.LATE
