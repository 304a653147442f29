"""A learner who leaves a cohort, or is taken out of it, is listed under "Recently left" on its
people page and gradebook (cohorts/departures.py, docs/teaching.md): without it an instructor
reading either later saw the learner simply gone, their results with them."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from auditlog.models import LogEntry
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from cohorts import departures, services
from cohorts.models import Membership
from lessons.models import Profile
from srm_trainer.accounts import closing, export
from tests.cohorts.conftest import client_for, make_learner
from tests.conftest import page_queries

pytestmark = pytest.mark.django_db

KEPT = (
    "Their attempts stay in their own accounts, but no longer count in this gradebook, its "
    "statistics or its CSV files, and their extensions here were deleted. If they join again, "
    "only attempts they start after rejoining count."
)


def _section(page: str) -> str:
    """The "Recently left" section's text, tags and spacing aside ("" when there is none)."""
    found = re.search(r'<section aria-labelledby="left-title">(.*?)</section>', page, re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(1)).split()) if found else ""


def _pages(cohort, user) -> list[str]:
    client = client_for(user)
    return [
        client.get(reverse(f"teach_cohorts:{name}", args=[cohort.pk])).content.decode()
        for name in ("people", "gradebook")
    ]


def test_leaving_and_being_removed_read_differently_and_say_what_happens_to_results(
    cohort, owner, co_instructor, learner, other_learner
):
    assert all(_section(page) == "" for page in _pages(cohort, owner))  # no one left yet
    services.cohort_join(cohort=cohort, user=other_learner)
    client_for(learner).post(reverse("cohorts:leave", args=[cohort.pk]))
    client_for(owner).post(
        reverse("teach_cohorts:member-remove", args=[cohort.pk, other_learner.pk])
    )
    for page in _pages(cohort, owner):
        said = _section(page)
        assert said.startswith("Recently left In the last 60 days, newest first.")
        assert KEPT in said
        assert "grace was removed by you" in said
        assert "ada left by themselves" in said
        assert said.index("grace") < said.index("ada")  # newest first
    said = _section(_pages(cohort, co_instructor)[0])
    assert "grace was removed by ines" in said and "ada left by themselves" in said


def test_what_the_section_says_of_results_is_what_happens(cohort, owner, learner, published):
    """The sentence the section says is checked against the gradebook: the learner's attempt
    stays theirs, leaves the gradebook, and does not come back when they join again."""
    from tests.cohorts.conftest import take_right

    now = timezone.now()
    services.assignment_create(cohort=cohort, quiz=published, by=owner, now=now)
    attempt = take_right(
        published, learner, start=now + timedelta(minutes=1), submit=now + timedelta(minutes=2)
    )
    before = _pages(cohort, owner)[1].split('<th scope="row">')[1].split("</tr>")[0]
    assert ">ada</a>" in before and "Best 100%" in before
    with time_machine.travel(now + timedelta(hours=1)):
        services.learner_leave(cohort=cohort, user_id=learner.pk)
    assert learner.quiz_attempts.filter(pk=attempt.pk).exists()  # stays theirs
    with time_machine.travel(now + timedelta(hours=2)):
        services.cohort_join(cohort=cohort, user=learner)
        people, book = _pages(cohort, owner)
    assert "joined again" in _section(people)
    assert "only attempts started since then count" in _section(people)
    assert "ada left by themselves" in _section(people)
    cell = book.split('<th scope="row">')[1].split("</tr>")[0]
    assert ">ada</a>" in cell and "Best" not in cell  # the attempt before rejoining does not count


def test_only_the_last_sixty_days_and_each_learners_latest_departure_are_shown(
    cohort, owner, learner
):
    start = timezone.now()
    with time_machine.travel(start):
        services.learner_leave(cohort=cohort, user_id=learner.pk)
    with time_machine.travel(start + timedelta(days=1)):
        services.cohort_join(cohort=cohort, user=learner)
        services.member_remove(cohort=cohort, user_id=learner.pk, by=owner)
        recent = departures.recent(cohort, now=timezone.now())
    assert [(d.learner, d.removed_by) for d in recent] == [("ada", "ines")]
    later = start + timedelta(days=departures.RECENT_DAYS + 2)
    assert departures.recent(cohort, now=later) == []


def test_a_closed_accounts_name_leaves_the_list_and_the_log(cohort, owner, learner, other_learner):
    services.cohort_join(cohort=cohort, user=other_learner)
    services.learner_leave(cohort=cohort, user_id=learner.pk)
    services.member_remove(cohort=cohort, user_id=other_learner.pk, by=owner)
    # Their "Your data" file has both: the one they did and the one done to them.
    events = export.export_data(other_learner)["security"]["events"]
    assert [(e["event"], e["object"]) for e in events] == [("learner removed", cohort.name)]
    assert [e["event"] for e in export.export_data(learner)["security"]["events"]] == [
        "learner left"
    ]
    closing.close_account(learner)
    closing.close_account(other_learner)
    said = _section(_pages(cohort, owner)[0])
    assert "A learner whose account is now closed was removed by you" in said
    assert "A learner whose account is now closed left by themselves" in said
    for entry in LogEntry.objects.all():
        text = f"{entry.object_repr} {entry.changes} {entry.changes_text} {entry.additional_data}"
        assert "ada" not in text and "grace" not in text, text


def test_recently_left_names_a_learner_as_the_people_page_does_and_no_more(
    cohort, owner, learner, other_learner
):
    """Beside the username, the name the learner chose to show their instructors
    (`lessons.shown_names`), as on the people page; one who chose none is their username alone,
    and an account's first and last names and e-mail address are never shown."""
    services.cohort_join(cohort=cohort, user=other_learner)
    for user in (learner, other_learner):
        user.first_name, user.last_name = f"First{user.username}", f"Last{user.username}"
        user.email = f"{user.username}@mail.example.org"
        user.save()
    Profile.objects.create(user=learner, shown_name="Augusta Ada King")
    services.learner_leave(cohort=cohort, user_id=learner.pk)
    services.member_remove(cohort=cohort, user_id=other_learner.pk, by=owner)
    for page in _pages(cohort, owner):
        said = _section(page)
        assert "ada ( Augusta Ada King ) left by themselves" in said
        assert "grace was removed by you" in said
        assert '<span class="shown-name">(<bdi>Augusta Ada King</bdi>)</span>' in page
        for user in (learner, other_learner):
            assert user.first_name not in page and user.last_name not in page
        assert "mail.example.org" not in page


def test_a_closed_accounts_entry_borrows_no_other_learners_name(
    cohort, owner, learner, other_learner
):
    """An entry whose learner's account closed keeps no learner id; its own id must not be read
    as one, or it would show another learner's chosen name (or "joined again")."""
    services.learner_leave(cohort=cohort, user_id=learner.pk)
    closing.close_account(learner)
    entry = LogEntry.objects.get(additional_data__event=departures.LEFT)
    LogEntry.objects.filter(pk=entry.pk).update(id=other_learner.pk)  # the ids coincide
    Profile.objects.create(user=other_learner, shown_name="Grace Hopper")
    services.cohort_join(cohort=cohort, user=other_learner)
    [gone] = departures.recent(cohort, now=timezone.now())
    assert (gone.learner, gone.shown_name, gone.rejoined_at) == ("", "", None)
    said = _section(_pages(cohort, owner)[0])
    assert "A learner whose account is now closed left by themselves" in said
    assert "Grace Hopper" not in said


def test_the_pages_cost_the_same_with_two_or_thirty_departures(cohort, owner, learner):
    people = reverse("teach_cohorts:people", args=[cohort.pk])
    book = reverse("teach_cohorts:gradebook", args=[cohort.pk])
    teacher = client_for(owner)

    def leave(count: int) -> None:
        for n in range(count):
            user = make_learner(f"leaver-{Membership.objects.count()}-{n}")
            if n % 3:  # some chose a name to show their instructors, some did not
                Profile.objects.create(user=user, shown_name=f"Leaver {n}")
            services.cohort_join(cohort=cohort, user=user)
            if n % 2:
                services.learner_leave(cohort=cohort, user_id=user.pk)
            else:
                services.member_remove(cohort=cohort, user_id=user.pk, by=owner)
                services.cohort_join(cohort=cohort, user=user)  # back again

    leave(2)
    few = [page_queries(teacher, url, warm=True)[0] for url in (people, book)]
    leave(30)
    many = [page_queries(teacher, url)[0] for url in (people, book)]
    assert many == few
    listed = _section(page_queries(teacher, people)[1])
    assert listed.count(" left by themselves") + listed.count(" was removed by") == (
        departures.RECENT_SHOWN
    )
    assert get_user_model().objects.filter(username__startswith="leaver-").count() == 32
