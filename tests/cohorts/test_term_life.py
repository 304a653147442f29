"""An instructor's term, and the next: what changing or removing work, handing a cohort over
and starting the next term from the last do to learners' results (docs/teaching.md)."""

from __future__ import annotations

import html

import pytest
import time_machine
from django.urls import reverse

from cohorts import gradebook, services
from cohorts.models import Assignment
from tests.cohorts.conftest import at, client_for, take_right
from tests.teach.formdata import form_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(quiz):
    quiz.published = True
    quiz.save()
    return quiz


def _assignment_fields(page: str) -> dict:
    return form_fields(page.split('id="extensions-title"')[0], "teach-form")


def _counted(cohort) -> int:
    return gradebook.counted_attempts(cohort).count()


# --- an opening time moved after work already done --------------------------------------------


def test_an_opening_time_moved_after_counted_attempts_is_asked_about_once(
    cohort, published, owner, learner
):
    """Ada did the work on day 1; the instructor then sets the opening time to day 2 (meaning
    the next class, say). Only attempts started after the opening time count, so saving it
    would take her submitted work out of the gradebook unseen: the page says so beside the
    time, saving nothing, and sent again unchanged it is kept on purpose."""
    assignment = services.assignment_create(
        cohort=cohort, quiz=published, by=owner, now=at(hours=2)
    )
    take_right(published, learner, start=at(days=1), submit=at(days=1, minutes=5))
    assert _counted(cohort) == 1
    url = reverse("teach_cohorts:assignment", args=[cohort.pk, assignment.pk])
    client = client_for(owner)
    with time_machine.travel(at(days=1, hours=1), tick=False):
        fields = _assignment_fields(client.get(url).content.decode())
        asked = client.post(url, {**fields, "opens_at": "2026-03-04T09:00"})
        assert asked.status_code == 200
        page = html.unescape(asked.content.decode())
        assert "1 learner started this quiz before that time (1 attempt)" in page
        assert "would stop counting in the gradebook" in page
        assignment.refresh_from_db()
        assert assignment.opens_at is None
        assert _counted(cohort) == 1
        again = _assignment_fields(asked.content.decode())
        assert again["uncount_ok"] == "2026-03-04T09:00"
        assert again["opens_at"] == "2026-03-04T09:00"
        kept = client.post(url, again)
    assert kept.status_code == 302
    assignment.refresh_from_db()
    assert assignment.opens_at == at(days=2)
    assert _counted(cohort) == 0  # as asked for, and said beforehand


def test_an_opening_time_another_time_typed_is_asked_about_again(cohort, published, owner, learner):
    assignment = services.assignment_create(
        cohort=cohort, quiz=published, by=owner, now=at(hours=2)
    )
    take_right(published, learner, start=at(days=1), submit=at(days=1, minutes=5))
    url = reverse("teach_cohorts:assignment", args=[cohort.pk, assignment.pk])
    client = client_for(owner)
    with time_machine.travel(at(days=1, hours=1), tick=False):
        fields = _assignment_fields(client.get(url).content.decode())
        asked = client.post(url, {**fields, "opens_at": "2026-03-04T09:00"})
        again = _assignment_fields(asked.content.decode())
        other = client.post(url, {**again, "opens_at": "2026-03-05T09:00"})
    assert other.status_code == 200
    assert "would stop counting" in html.unescape(other.content.decode())
    assignment.refresh_from_db()
    assert assignment.opens_at is None


def test_an_opening_time_before_every_counted_attempt_is_saved_without_a_question(
    cohort, published, owner, learner
):
    assignment = services.assignment_create(
        cohort=cohort, quiz=published, by=owner, now=at(hours=2)
    )
    take_right(published, learner, start=at(days=1), submit=at(days=1, minutes=5))
    services.assignment_update(assignment=assignment, opens_at=at(hours=20))
    assignment.refresh_from_db()
    assert assignment.opens_at == at(hours=20)
    assert _counted(cohort) == 1


def test_attempts_uncounted_counts_only_the_attempts_the_gradebook_counts_now(
    cohort, published, owner, learner, other_learner
):
    """Bob's attempt is practice (he is not in the cohort): moving the time past it loses
    nothing of the cohort's, so nothing is asked."""
    assignment = services.assignment_create(
        cohort=cohort, quiz=published, by=owner, now=at(hours=2)
    )
    take_right(published, other_learner, start=at(days=1), submit=at(days=1, minutes=5))
    assert services.attempts_uncounted(assignment, at(days=2)) == (0, 0)
    take_right(published, learner, start=at(days=1), submit=at(days=1, minutes=5))
    take_right(published, learner, start=at(days=1, hours=1))
    assert services.attempts_uncounted(assignment, at(days=2)) == (2, 1)
    assert services.attempts_uncounted(assignment, at(days=1, minutes=30)) == (1, 1)
    with pytest.raises(services.WouldStopCounting):
        services.assignment_update(assignment=assignment, opens_at=at(days=2))
    assert Assignment.objects.get().opens_at is None


# --- removing an assignment --------------------------------------------------------------------


def test_an_assignment_nobody_started_is_removed_after_asking(cohort, published, owner, learner):
    """Assigned by mistake (the wrong quiz): the assignment's page links a question, which
    says what goes; confirmed, it leaves the gradebook, the quiz stays."""
    assignment = services.assignment_create(cohort=cohort, quiz=published, by=owner)
    services.extension_set(assignment=assignment, user_id=learner.pk, due_at=at(days=400))
    client = client_for(owner)
    page = client.get(reverse("teach_cohorts:assignment", args=[cohort.pk, assignment.pk]))
    url = reverse("teach_cohorts:assignment-remove", args=[cohort.pk, assignment.pk])
    assert url in page.content.decode()
    asked = html.unescape(client.get(url).content.decode())
    assert "Remove “Root user basics” from Spring class?" in asked
    assert "its 1 extension goes" in asked
    assert Assignment.objects.exists()
    removed = client.post(url, follow=True)
    assert removed.redirect_chain[-1][0] == reverse("teach_cohorts:gradebook", args=[cohort.pk])
    assert "is no longer assigned to this cohort" in html.unescape(removed.content.decode())
    assert not Assignment.objects.exists()
    published.refresh_from_db()  # the quiz itself stays
    again = client.post(url, follow=True)  # a double click: said, not a 404
    assert "removed already" in again.content.decode()


def test_an_assignment_with_learners_work_is_never_removed(cohort, published, owner, learner):
    """Removing it would take Ada's result out of the gradebook for good (assigned again, her
    earlier attempt would not count): the page says so and offers closing; a post is refused."""
    assignment = services.assignment_create(
        cohort=cohort, quiz=published, by=owner, now=at(hours=2)
    )
    take_right(published, learner, start=at(days=1), submit=at(days=1, minutes=5))
    client = client_for(owner)
    url = reverse("teach_cohorts:assignment-remove", args=[cohort.pk, assignment.pk])
    page = html.unescape(client.get(url).content.decode())
    assert "“Root user basics” cannot be removed" in page
    assert "1 learner has started or handed it in here (1 attempt)" in page
    assert reverse("teach_cohorts:assignment-close", args=[cohort.pk, assignment.pk]) in page
    refused = client.post(url, follow=True)
    assert "cannot be removed" in html.unescape(refused.content.decode())
    assert Assignment.objects.filter(pk=assignment.pk).exists()
    assert _counted(cohort) == 1
    with pytest.raises(services.CohortError):
        services.assignment_remove(assignment=assignment)


def test_an_archived_cohorts_assignment_is_not_removed(cohort, published, owner):
    assignment = services.assignment_create(cohort=cohort, quiz=published, by=owner)
    services.cohort_archive(cohort=cohort)
    url = reverse("teach_cohorts:assignment-remove", args=[cohort.pk, assignment.pk])
    assert client_for(owner).post(url).status_code == 302
    assert Assignment.objects.filter(pk=assignment.pk).exists()
