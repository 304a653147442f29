"""An instructor reads and types a cohort's times in their own zone (the browser's, as the
learner does), and every one of them names it: a deadline read in another zone than it was
meant is a missed one. Tokyo is nine hours ahead of UTC, so the day changes too."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from cohorts import gates, services
from cohorts.models import Assignment, Extension
from quizzes import attempts
from tests.cohorts.conftest import at, client_for

pytestmark = pytest.mark.django_db

DUE = datetime(2031, 6, 1, 18, 0, tzinfo=UTC)  # 2 Jun 2031, 03:00 in Tokyo
OPENS = datetime(2031, 5, 25, 0, 30, tzinfo=UTC)  # 25 May 2031, 09:30 in Tokyo
EXTENDED = datetime(2031, 6, 3, 16, 0, tzinfo=UTC)  # 4 Jun 2031, 01:00 in Tokyo


def _in_tokyo(user):
    client = client_for(user)
    client.cookies["tz"] = "Asia/Tokyo"
    return client


@pytest.fixture
def assigned(cohort, quiz, owner, learner):
    """The quiz assigned to the cohort, opening and due in 2031; ada has an extension."""
    assignment = services.assignment_create(
        cohort=cohort, quiz=quiz, opens_at=OPENS, due_at=DUE, by=owner, now=at(hours=2)
    )
    services.extension_set(assignment=assignment, user_id=learner.pk, due_at=EXTENDED)
    return assignment


def test_the_cohort_page_names_the_zone_of_each_due_and_opening_time(cohort, owner, assigned):
    body = _in_tokyo(owner).get(reverse("teach_cohorts:gradebook", args=[cohort.pk]))
    body = body.content.decode()
    assert "due 2 Jun 2031, 03:00 (Asia/Tokyo)" in body  # the assignment list
    assert "opens 25 May 2031, 09:30 (Asia/Tokyo)" in body
    assert "due 2 Jun (Asia/Tokyo)" in body  # the gradebook's column
    assert "extended to 4 Jun (Asia/Tokyo)" in body  # ada's cell


def test_the_learner_page_names_the_zone_of_their_due_date_and_attempts(
    cohort, quiz, owner, learner
):
    services.assignment_create(cohort=cohort, quiz=quiz, due_at=DUE, by=owner, now=at(hours=2))
    attempt = attempts.attempt_start(quiz=quiz, user=learner, now=at(days=1))
    attempts.attempt_submit(attempt=attempt, now=at(days=1, minutes=10))
    url = reverse("teach_cohorts:learner", args=[cohort.pk, learner.pk])
    body = _in_tokyo(owner).get(url).content.decode()
    assert "Joined 2 Mar 2026, 19:00 (Asia/Tokyo)" in body  # 10:00 UTC
    assert "Due 2 Jun 2031, 03:00 (Asia/Tokyo)." in body
    assert '<td data-label="Started">3 Mar 2026, 18:00 (Asia/Tokyo)</td>' in body  # 09:00 UTC
    assert "3 Mar 2026, 18:10 (Asia/Tokyo)" in body  # submitted


def test_the_assignment_page_names_the_zone_of_its_closing_and_extensions(cohort, owner, assigned):
    services.assignment_close(assignment=assigned, closed=True, now=at(days=2))
    url = reverse("teach_cohorts:assignment", args=[cohort.pk, assigned.pk])
    body = _in_tokyo(owner).get(url).content.decode()
    assert "since 4 Mar 2026, 18:00 (Asia/Tokyo)" in body
    assert "ada: due 4 Jun 2031, 01:00 (Asia/Tokyo)" in body
    # The fields show the times on the same clock, and their labels say which.
    assert 'value="2031-05-25T09:30"' in body and 'value="2031-06-02T03:00"' in body
    assert ">Opens (Asia/Tokyo)</label>" in body and ">Due (Asia/Tokyo)</label>" in body
    assert ">Their due date (Asia/Tokyo)</label>" in body


def test_a_typed_time_is_read_in_the_zone_its_label_names(cohort, quiz, owner, learner):
    client = _in_tokyo(owner)
    url = reverse("teach_cohorts:assignment-create", args=[cohort.pk])
    page = client.get(url).content.decode()
    assert ">Opens (Asia/Tokyo)</label>" in page and ">Due (Asia/Tokyo)</label>" in page
    sent = client.post(
        url, {"quiz": quiz.pk, "opens_at": "2031-05-25T09:30", "due_at": "2031-06-02T03:00"}
    )
    assert sent.status_code == 302
    assignment = Assignment.objects.get()
    assert (assignment.opens_at, assignment.due_at) == (OPENS, DUE)

    extension_url = reverse("teach_cohorts:extension-set", args=[cohort.pk, assignment.pk])
    sent = client.post(extension_url, {"learner": learner.pk, "due_at": "2031-06-04T01:00"})
    assert sent.status_code == 302
    assert Extension.objects.get().due_at == EXTENDED

    # Without a zone from the browser, the site's is named, and read.
    site = client_for(owner)
    edit_url = reverse("teach_cohorts:assignment", args=[cohort.pk, assignment.pk])
    assert ">Due (UTC)</label>" in site.get(edit_url).content.decode()
    assert site.post(edit_url, {"due_at": "2031-06-02T03:00"}).status_code == 302
    assignment.refresh_from_db()
    assert assignment.due_at == datetime(2031, 6, 2, 3, 0, tzinfo=UTC)


def test_an_attempt_the_instructor_opens_names_the_zone_of_its_times(cohort, quiz, owner, learner):
    services.assignment_create(cohort=cohort, quiz=quiz, by=owner, now=at(hours=2))
    attempt = attempts.attempt_start(quiz=quiz, user=learner, now=at(days=1))
    attempts.attempt_submit(attempt=attempt, now=at(days=1, minutes=10))
    page = _in_tokyo(owner).get(reverse("quizzes:result", args=[attempt.pk]))
    body = page.content.decode()
    assert "3 Mar 2026, 18:00 (Asia/Tokyo)" in body and "3 Mar 2026, 18:10 (Asia/Tokyo)" in body


def test_a_learner_told_the_quiz_is_not_open_yet_reads_when_in_their_zone(
    cohort, quiz, learner, assigned
):
    with timezone.override(ZoneInfo("Asia/Tokyo")):
        said = gates.assignment_gate(action="start", quiz=quiz, user_id=learner.pk, now=at(days=1))
    assert (
        said == "This quiz is assigned to your cohort and opens on 25 May 2031, 09:30 (Asia/Tokyo)."
    )


def test_a_learner_reads_the_day_they_joined_on_their_own_clock(cohort, learner):
    """Joined at 20:00 UTC on 1 Jun is 2 Jun in Tokyo: the day is the learner's, zone named."""
    membership = cohort.memberships.get(user=learner)
    membership.joined_at = datetime(2031, 6, 1, 20, 0, tzinfo=UTC)
    membership.save(update_fields=["joined_at"])
    page = _in_tokyo(learner).get(reverse("cohorts:mine")).content.decode()
    assert "joined 2 Jun 2031 (Asia/Tokyo)" in page


def test_an_instructor_reads_joining_and_archiving_days_with_the_zone_named(cohort, learner, owner):
    """The people page, the question before taking a learner out, the archived notice and the
    archived list said "2 Jun 2031" alone: a day an instructor elsewhere reads differently."""
    membership = cohort.memberships.get(user=learner)
    membership.joined_at = datetime(2031, 6, 1, 20, 0, tzinfo=UTC)
    membership.save(update_fields=["joined_at"])
    client = _in_tokyo(owner)
    for url in (
        reverse("teach_cohorts:people", args=[cohort.pk]),
        reverse("teach_cohorts:member-remove", args=[cohort.pk, learner.pk]),
    ):
        assert "2 Jun 2031 (Asia/Tokyo)" in client.get(url).content.decode(), url
    services.cohort_archive(cohort=cohort, now=datetime(2031, 6, 1, 20, 0, tzinfo=UTC))
    for url in (
        reverse("teach_cohorts:gradebook", args=[cohort.pk]),
        reverse("teach_cohorts:list"),  # (which first gives its form a token: followed)
    ):
        assert "2 Jun 2031 (Asia/Tokyo)" in client.get(url, follow=True).content.decode(), url


def test_a_time_is_read_in_the_zone_its_page_named_when_the_browser_moved_since(
    cohort, quiz, owner, learner, assigned
):
    """The browser reports its zone with each request, so the first page drawn after a change
    (a flight to Tokyo, a laptop set to another zone) names the old zone and the save comes
    back with the new one: saving the assignment's page unchanged moved its due date nine
    hours, and a typed time was read in a zone the page never named. The page says the zone
    it was drawn in, and the times are read in that one."""
    client = client_for(owner)  # no zone from the browser: the site's, UTC
    url = reverse("teach_cohorts:assignment", args=[cohort.pk, assigned.pk])
    page = client.get(url).content.decode()
    assert ">Due (UTC)</label>" in page and 'value="2031-06-01T18:00"' in page
    assert 'name="zone" value="UTC"' in page
    client.cookies["tz"] = "Asia/Tokyo"  # the page's script reports the browser's new zone
    sent = client.post(
        url,
        {"opens_at": "2031-05-25T00:30", "due_at": "2031-06-01T18:00", "zone": "UTC"},
    )
    assert sent.status_code == 302
    assigned.refresh_from_db()
    assert (assigned.opens_at, assigned.due_at) == (OPENS, DUE)

    extension_url = reverse("teach_cohorts:extension-set", args=[cohort.pk, assigned.pk])
    sent = client.post(
        extension_url, {"learner": learner.username, "due_at": "2031-06-04T01:00", "zone": "UTC"}
    )
    assert sent.status_code == 302
    assert Extension.objects.get().due_at == datetime(2031, 6, 4, 1, 0, tzinfo=UTC)


def test_a_refused_form_keeps_the_zone_its_times_were_typed_in(cohort, owner, assigned):
    """Drawn again after a refusal, the page names the zone the times were typed in (and keeps
    it for the next send), not the browser's new one beside times typed for another."""
    client = _in_tokyo(owner)
    url = reverse("teach_cohorts:assignment", args=[cohort.pk, assigned.pk])
    page = client.post(
        url, {"opens_at": "2031-06-05T10:00", "due_at": "2031-06-02T03:00", "zone": "UTC"}
    ).content.decode()
    assert "The due date must come after the opening time." in page
    assert ">Due (UTC)</label>" in page and 'name="zone" value="UTC"' in page
    assert "(Asia/Tokyo)</label>" not in page.split("Extensions")[0]


# "America" and "Etc" are folders of the zone database: opening one raised IsADirectoryError,
# which `valid_zone` did not catch (a 500).
@pytest.mark.parametrize("zone", ["Mars/Olympus", "America", "Etc"])
def test_a_zone_that_is_none_is_read_as_the_browsers(cohort, owner, assigned, zone):
    """A posted zone that names no zone (a script, a tampered page) is the browser's."""
    client = _in_tokyo(owner)
    url = reverse("teach_cohorts:assignment", args=[cohort.pk, assigned.pk])
    sent = client.post(url, {"due_at": "2031-06-02T03:00", "zone": zone})
    assert sent.status_code == 302
    assigned.refresh_from_db()
    assert assigned.due_at == DUE
