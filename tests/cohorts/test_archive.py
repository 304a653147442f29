"""Archiving a cohort whose class has ended, and restoring it: out of the instructors' list and
the learners' to-do work, closed to joins, its gradebook readable and unchanged meanwhile."""

from __future__ import annotations

import csv
import io

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse

from cohorts import gradebook, services
from cohorts.models import Cohort, Extension, Membership
from quizzes import attempts
from tests.cohorts.conftest import at, client_for, take_right

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def assignment(cohort, quiz, owner, learner):
    """The quiz assigned, due on day 4, with an extension for ada; ada handed it in on day 1."""
    made = services.assignment_create(
        cohort=cohort, quiz=quiz, due_at=at(days=4), by=owner, now=at(hours=2)
    )
    services.extension_set(assignment=made, user_id=learner.pk, due_at=at(days=6))
    take_right(quiz, learner, start=at(days=1), submit=at(days=1, minutes=10))
    return made


def test_the_owner_is_asked_first_then_the_cohort_moves_to_the_archived_list(
    cohort, owner, assignment
):
    client = client_for(owner)
    url = reverse("teach_cohorts:archive", args=[cohort.pk])
    people = client.get(reverse("teach_cohorts:people", args=[cohort.pk])).content.decode()
    assert f'href="{url}"' in people  # a link to the question, not a form that acts at once
    ask = client.get(url)
    assert ask.status_code == 200
    text = ask.content.decode()
    assert "no longer admit anyone" in text and "restore it at any time" in text
    assert "1 assignment leaves" in text
    cohort.refresh_from_db()
    assert cohort.archived_at is None  # asking changed nothing

    done = client.post(url)
    assert done["Location"] == reverse("teach_cohorts:list")
    assert "archived" in _messages(done)[0]
    cohort.refresh_from_db()
    assert cohort.archived
    listing = client.get(reverse("teach_cohorts:list"), follow=True).content.decode()
    current, archived = listing.split('id="archived-title"')
    assert "Spring class" not in current.split('id="cohorts-title"')[1].split("create-title")[0]
    assert "Spring class" in archived
    assert reverse("teach_cohorts:restore", args=[cohort.pk]) in archived


def test_an_archived_gradebook_and_its_csvs_stay_readable_and_unchanged(
    cohort, owner, co_instructor, quiz, learner, assignment
):
    services.cohort_archive(cohort=cohort, now=at(days=2))
    # Practice after the class ended does not change its record.
    take_right(quiz, learner, start=at(days=3), submit=at(days=3, minutes=5))
    [row] = gradebook.gradebook_rows(
        cohort=cohort,
        assignments=gradebook.assignments_of(cohort),
        memberships=list(cohort.memberships.all()),
    )
    assert len(row.cells[0].attempts) == 1
    for teacher in (owner, co_instructor):
        client = client_for(teacher)
        page = client.get(reverse("teach_cohorts:gradebook", args=[cohort.pk]))
        assert page.status_code == 200
        text = page.content.decode()
        assert "Archived" in text and "ada" in text and "Root user basics" in text
        assert reverse("teach_cohorts:assignment-create", args=[cohort.pk]) not in text
        assert reverse("teach_cohorts:code-rotate", args=[cohort.pk]) not in text
        restore = reverse("teach_cohorts:restore", args=[cohort.pk])
        assert (restore in text) == (teacher == owner)  # only the owner restores
        sheet = client.get(reverse("teach_cohorts:gradebook-csv", args=[cohort.pk]))
        body = b"".join(sheet.streaming_content).decode("utf-8")[1:]
        [_, ada] = list(csv.reader(io.StringIO(body)))
        assert ada[0] == "ada" and ada[10] == "1"  # one attempt, as when archived
        answers = client.get(reverse("teach_cohorts:answers-csv", args=[cohort.pk]))
        assert answers.status_code == 200
        detail = client.get(reverse("teach_cohorts:learner", args=[cohort.pk, learner.pk]))
        assert detail.status_code == 200


@pytest.mark.parametrize(
    ("name", "method", "args", "data", "to"),
    [
        ("assignment-create", "get", (), {}, "gradebook"),
        ("assignment-create", "post", (), {"quiz": "1"}, "gradebook"),
        ("assignment", "post", ("a",), {"due_at": "2031-01-01T10:00"}, "assignment"),
        ("assignment-close", "post", ("a",), {"closed": "true"}, "assignment"),
        ("extension-set", "post", ("a",), {"learner": "u", "due_at": "2031-01-01T10:00"},
         "assignment"),
        ("extension-remove", "post", ("a", "u"), {}, "assignment"),
        ("rename", "post", (), {"name": "Autumn"}, "people"),
        ("code-rotate", "get", (), {}, "people"),
        ("code-rotate", "post", (), {}, "people"),
        ("member-remove", "get", ("u",), {}, "people"),
        ("member-remove", "post", ("u",), {}, "people"),
    ],
)  # fmt: skip
def test_an_archived_cohort_refuses_changes_sent_from_pages_drawn_before(
    cohort, co_instructor, learner, assignment, name, method, args, data, to
):
    """A tab left open, or Back to a form, after archiving: the page it came from again, told
    why, and nothing changes (never a 500)."""
    services.cohort_archive(cohort=cohort)
    ids = {"a": assignment.pk, "u": learner.pk}
    url = reverse(f"teach_cohorts:{name}", args=[cohort.pk, *(ids[a] for a in args)])
    data = {k: ids.get(v, v) for k, v in data.items()}
    response = getattr(client_for(co_instructor), method)(url, data)
    assert response.status_code == 302
    back = [cohort.pk] + ([assignment.pk] if to == "assignment" else [])
    assert response["Location"] == reverse(f"teach_cohorts:{to}", args=back)
    assert "is archived, so" in _messages(response)[0]
    cohort.refresh_from_db()
    assignment.refresh_from_db()
    assert (cohort.name, cohort.code_rotated_at) == ("Spring class", None)
    assert assignment.closed_at is None and assignment.due_at == at(days=4)
    assert Extension.objects.filter(user=learner).count() == 1
    assert Membership.objects.filter(cohort=cohort, user=learner).exists()
    assert cohort.assignments.count() == 1


def test_the_archived_assignment_page_shows_its_dates_without_controls(cohort, owner, assignment):
    services.cohort_archive(cohort=cohort)
    page = client_for(owner).get(
        reverse("teach_cohorts:assignment", args=[cohort.pk, assignment.pk])
    )
    text = page.content.decode()
    assert page.status_code == 200
    assert "<fieldset disabled" in text
    assert reverse("teach_cohorts:extension-set", args=[cohort.pk, assignment.pk]) not in text
    assert reverse("teach_cohorts:assignment-close", args=[cohort.pk, assignment.pk]) not in text


def test_services_refuse_changes_to_an_archived_cohort(cohort, owner, quiz, learner, assignment):
    services.cohort_archive(cohort=cohort)
    refused = pytest.raises(services.CohortError, match="archived")
    with refused:
        services.cohort_rename(cohort=cohort, name="Autumn")
    with refused:
        services.code_rotate(cohort=cohort)
    with refused:
        services.member_remove(cohort=cohort, user_id=learner.pk, by=owner)
    with refused:
        services.assignment_close(assignment=assignment, closed=True)
    with refused:
        services.extension_remove(assignment=assignment, user_id=learner.pk)
    # Who co-teaches, and deleting, stay the owner's to change.
    services.co_instructor_remove(cohort=cohort, user_id=owner.pk)
    services.cohort_delete(cohort=cohort)
    assert not Cohort.objects.filter(pk=cohort.pk).exists()


def test_archiving_or_restoring_twice_changes_nothing_the_second_time(cohort, owner):
    """A double click on Archive, or Back to the question and Archive again: the first time is
    kept and the second says so; Back to the question opens the gradebook, saying so."""
    client = client_for(owner)
    url = reverse("teach_cohorts:archive", args=[cohort.pk])
    with time_machine.travel(at(days=40), tick=False):
        client.post(url)
    again = client.post(url)
    assert again.status_code == 302 and again["Location"] == reverse("teach_cohorts:list")
    assert "archived already" in _messages(again)[-1]
    cohort.refresh_from_db()
    assert cohort.archived_at == at(days=40)
    back = client.get(url)
    assert back["Location"] == reverse("teach_cohorts:gradebook", args=[cohort.pk])
    assert "archived already" in _messages(back)[-1]

    restore = reverse("teach_cohorts:restore", args=[cohort.pk])
    first = client.post(restore)
    assert first["Location"] == reverse("teach_cohorts:gradebook", args=[cohort.pk])
    assert "restored" in _messages(first)[-1]
    second = client.post(restore)
    assert second.status_code == 302 and "is not archived" in _messages(second)[-1]
    cohort.refresh_from_db()
    assert cohort.archived_at is None


def test_only_the_owner_archives_or_restores_and_others_cannot_see_it(
    cohort, owner, co_instructor, other_instructor, learner
):
    archive = reverse("teach_cohorts:archive", args=[cohort.pk])
    restore = reverse("teach_cohorts:restore", args=[cohort.pk])
    assert client_for(co_instructor).get(archive).status_code == 403
    assert client_for(co_instructor).post(archive).status_code == 403
    assert client_for(other_instructor).post(archive).status_code == 404
    assert client_for(learner).post(archive).status_code == 403
    cohort.refresh_from_db()
    assert not cohort.archived
    people = reverse("teach_cohorts:people", args=[cohort.pk])
    assert archive not in client_for(co_instructor).get(people).content.decode()
    services.cohort_archive(cohort=cohort)
    assert client_for(co_instructor).post(restore).status_code == 403
    assert client_for(other_instructor).post(restore).status_code == 404
    cohort.refresh_from_db()
    assert cohort.archived
    # The co-instructor still reads it, under their own Archived cohorts.
    listing = client_for(co_instructor).get(reverse("teach_cohorts:list"), follow=True)
    assert "Spring class" in listing.content.decode().split('id="archived-title"')[1]


def test_an_archived_cohorts_code_and_link_admit_no_one_saying_why(cohort, other_learner, learner):
    services.cohort_archive(cohort=cohort)
    client = client_for(other_learner)
    typed = client.post(reverse("cohorts:join"), {"code": cohort.code_display})
    assert typed.status_code == 400
    beside = typed.content.decode().split('id="join-title"')[1]
    assert "has ended" in beside and f'value="{cohort.code_display}"' in beside  # kept
    link = client.get(cohort.join_path())
    assert link.status_code == 200  # not "Page not found": the class exists and has ended
    text = link.content.decode()
    assert "“Spring class” has ended" in text and "Join the cohort" not in text
    followed = client.post(cohort.join_path(), follow=True)
    assert "takes no new learners" in followed.content.decode()
    assert not Membership.objects.filter(user=other_learner).exists()
    # A learner already in it is told where it is, and stays.
    mine = client_for(learner).get(cohort.join_path()).content.decode()
    assert "Past cohorts" in mine
    assert services.cohort_join(cohort=cohort, user=learner)[1] is False
    # Restored: the same code admits learners again.
    services.cohort_restore(cohort=cohort)
    assert client.post(cohort.join_path()).status_code == 302
    assert Membership.objects.filter(user=other_learner, cohort=cohort).exists()


def test_learners_see_an_archived_cohort_as_past_and_its_work_leaves_their_home_page(
    cohort, quiz, owner, learner, client
):
    services.assignment_create(cohort=cohort, quiz=quiz, due_at=at(days=4), by=owner)
    client.force_login(learner)
    assert "Root user basics" in client.get("/").content.decode()
    services.cohort_archive(cohort=cohort)
    home = client.get("/").content.decode()
    assert "Your assigned work" not in home and "Root user basics" not in home
    mine = client.get(reverse("cohorts:mine")).content.decode()
    current, past = mine.split('id="past-title"')
    assert "Spring class" not in current and "Spring class" in past
    # Its closed or open assignment no longer stops the learner practising the quiz.
    attempt = attempts.attempt_start(quiz=quiz, user=learner)
    assert attempt.user == learner
    services.cohort_restore(cohort=cohort)
    assert "Root user basics" in client.get("/").content.decode()


def test_a_closed_assignment_of_an_archived_cohort_gates_nothing(
    cohort, quiz, owner, learner, assignment
):
    services.assignment_close(assignment=assignment, closed=True)
    with pytest.raises(attempts.AttemptRefused, match="closed"):
        attempts.attempt_start(quiz=quiz, user=learner)
    services.cohort_archive(cohort=cohort)
    assert attempts.attempt_start(quiz=quiz, user=learner).user == learner


def test_a_learner_leaves_an_archived_cohort_after_confirming_and_keeps_their_attempts(
    cohort, owner, learner, quiz, assignment
):
    """A class that has ended still lists its learners under "Past cohorts"; one who wants out
    is asked first, as for a running cohort, then leaves it as they would a running one:
    their work leaves its gradebook, their extension goes, their attempts stay theirs. The
    instructors still cannot take anyone out of it (`member_remove`)."""
    services.cohort_archive(cohort=cohort)
    client = client_for(learner)
    url = reverse("cohorts:leave", args=[cohort.pk])
    past = client.get(reverse("cohorts:mine")).content.decode().split('id="past-title"')[1]
    assert f'href="{url}"' in past  # a link to the question, never a one-click form
    asked = client.get(url)
    assert asked.status_code == 200
    text = asked.content.decode()
    assert "Leave “Spring class”?" in text and "This class has ended" in text
    assert "your 1 extension in it goes" in text
    assert "could join it again only if its instructor restored it" in text
    assert Membership.objects.filter(cohort=cohort, user=learner).exists()  # asking is all

    gradebook_url = reverse("teach_cohorts:gradebook", args=[cohort.pk])
    assert ">ada</a>" in client_for(owner).get(gradebook_url).content.decode()
    left = client.post(url)
    assert left["Location"] == reverse("cohorts:mine")
    assert _messages(left) == ["You left “Spring class”."]
    assert not Membership.objects.filter(cohort=cohort, user=learner).exists()
    assert not Extension.objects.filter(user=learner).exists()
    assert 'id="past-title"' not in client.get(reverse("cohorts:mine")).content.decode()
    assert ">ada</a>" not in client_for(owner).get(gradebook_url).content.decode()
    [attempt] = quiz.attempts.filter(user=learner)
    assert client.get(attempt.get_absolute_url(), follow=True).status_code == 200
    # Back to the question and Leave again: told, as for a running cohort.
    again = client.post(url, follow=True)
    assert "You are not in that cohort (any more)" in again.content.decode()


def test_the_quiz_statistics_page_labels_an_archived_cohorts_view(cohort, quiz, owner):
    """Among the statistics page's views, an archived cohort says so (as its gradebook does),
    so an instructor does not read last term's class as this term's."""
    services.assignment_create(cohort=cohort, quiz=quiz, by=owner, now=at(hours=2))
    autumn = services.cohort_create(owner=owner, name="Autumn class", now=at())
    services.assignment_create(cohort=autumn, quiz=quiz, by=owner, now=at(hours=2))
    services.cohort_archive(cohort=cohort, now=at(days=3))
    client = client_for(owner)
    body = client.get(reverse("teach:quiz-statistics", args=[quiz.pk])).content.decode()
    assert ">Cohort Spring class (archived)</a>" in body
    assert ">Cohort Autumn class</a>" in body
    url = reverse("teach_cohorts:quiz-statistics", args=[cohort.pk, quiz.pk])
    assert "for the cohort Spring class (archived):" in client.get(url).content.decode()


def test_a_member_typing_an_archived_cohorts_code_is_told_it_has_ended(cohort, learner):
    """Its link said the class had ended; its code typed said "You are already in …" of a
    class that gives no work any more, as if it were running."""
    services.cohort_archive(cohort=cohort)
    typed = client_for(learner).post(reverse("cohorts:join"), {"code": cohort.code_display})
    said = _messages(typed)
    assert said == [
        "You are in “Spring class”, which has ended: its instructor archived it. It is under "
        "Past cohorts below."
    ]


def test_its_instructor_opening_an_archived_cohorts_link_is_told_they_teach_it(
    cohort, owner, co_instructor
):
    """The link's page told its own instructors to ask their instructor for a current code."""
    services.cohort_archive(cohort=cohort)
    for teacher in (owner, co_instructor):
        text = client_for(teacher).get(cohort.join_path()).content.decode()
        assert "“Spring class” has ended" in text
        assert "ask your instructor" not in text
        assert "You teach it" in text
        assert reverse("teach_cohorts:gradebook", args=[cohort.pk]) in text
