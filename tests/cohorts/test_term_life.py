"""An instructor's term, and the next: what changing or removing work, handing a cohort over
and starting the next term from the last do to learners' results (docs/teaching.md)."""

from __future__ import annotations

import html
import io
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse

from cohorts import gradebook, handover, services
from cohorts.models import Assignment, Cohort
from tests.cohorts.conftest import at, client_for, make_owned_quiz, take_right
from tests.conftest import make_lesson
from tests.teach.formdata import form_fields

pytestmark = pytest.mark.django_db


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


# --- an opening time set earlier than work already done ----------------------------------------


def test_a_new_assignment_opening_in_the_past_asks_before_counting_earlier_attempts(
    cohort, published, owner, learner
):
    """Ada (in the class since day 0) practised the quiz on day 1; on day 3 Ines assigns it,
    opening on day 0. Her practice would count at once, though it was made before the quiz
    was assigned: the page says so beside the time, assigning nothing; sent again unchanged
    the time is kept, and the practice counts, as said."""
    take_right(published, learner, start=at(days=1), submit=at(days=1, minutes=5))
    url = reverse("teach_cohorts:assignment-create", args=[cohort.pk])
    client = client_for(owner)
    with time_machine.travel(at(days=3), tick=False):
        asked = client.post(url, {"quiz": published.pk, "opens_at": "2026-03-02T12:00"})
        assert asked.status_code == 200
        page = html.unescape(asked.content.decode())
        assert (
            "1 learner (1 attempt) started this quiz after that time, before it was assigned, "
            "so it would count in the gradebook at once"
        ) in page
        assert not Assignment.objects.exists()
        fields = form_fields(asked.content.decode(), "teach-form")
        assert fields["count_ok"] == "2026-03-02T12:00"
        kept = client.post(url, fields)
    assert kept.status_code == 302
    assert Assignment.objects.get().opens_at == at(hours=3)
    assert _counted(cohort) == 1


def test_an_opening_time_moved_earlier_asks_before_counting_earlier_attempts(
    cohort, published, owner, learner
):
    """Assigned on day 3 with no opening time, Ada's practice on day 1 does not count; moving
    the opening time to day 0 would count it: asked once, then kept."""
    assignment = services.assignment_create(cohort=cohort, quiz=published, by=owner, now=at(days=3))
    take_right(published, learner, start=at(days=1), submit=at(days=1, minutes=5))
    assert _counted(cohort) == 0
    url = reverse("teach_cohorts:assignment", args=[cohort.pk, assignment.pk])
    client = client_for(owner)
    with time_machine.travel(at(days=4), tick=False):
        fields = _assignment_fields(client.get(url).content.decode())
        asked = client.post(url, {**fields, "opens_at": "2026-03-02T12:00"})
        assert asked.status_code == 200
        page = html.unescape(asked.content.decode())
        assert (
            "1 learner (1 attempt) started this quiz between that time and when it was "
            "assigned, so it would start counting in the gradebook"
        ) in page
        assignment.refresh_from_db()
        assert assignment.opens_at is None and _counted(cohort) == 0
        kept = client.post(url, _assignment_fields(asked.content.decode()))
    assert kept.status_code == 302
    assignment.refresh_from_db()
    assert assignment.opens_at == at(hours=3)
    assert _counted(cohort) == 1


def test_attempts_newly_counted_counts_only_what_the_gradebook_would_count(
    cohort, published, owner, learner, other_learner
):
    """Bob is in no cohort, and Ada's attempt before she joined (hour 1) stays private
    practice: an opening time before them asks nothing. Her attempt after joining is one."""
    take_right(published, other_learner, start=at(days=1), submit=at(days=1, minutes=5))
    take_right(published, learner, start=at(minutes=30), submit=at(minutes=40))
    newly = {"cohort_id": cohort.pk, "quiz_id": published.pk, "until": at(days=3)}
    assert services.attempts_newly_counted(since=at(), **newly) == (0, 0)
    services.assignment_create(cohort=cohort, quiz=published, opens_at=at(), now=at(days=3))
    take_right(published, learner, start=at(days=1), submit=at(days=1, minutes=5))
    assert services.attempts_newly_counted(since=at(), **newly) == (1, 1)
    assert services.attempts_newly_counted(since=at(days=2), **newly) == (0, 0)


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


# --- the next term -----------------------------------------------------------------------------


def _last_term(cohort, published, owner, learner):
    """Spring class, its term over: the quiz assigned with two lessons, opening and due times,
    an extension for Ada and her result; archived."""
    first, second = make_lesson(title="Read me first"), make_lesson(title="Read me too")
    assignment = services.assignment_create(
        cohort=cohort,
        quiz=published,
        lessons=[first, second],
        opens_at=at(days=1),
        due_at=at(days=8),
        by=owner,
        now=at(hours=2),
    )
    services.extension_set(assignment=assignment, user_id=learner.pk, due_at=at(days=10))
    take_right(published, learner, start=at(days=2), submit=at(days=2, minutes=5))
    services.cohort_archive(cohort=cohort, now=at(days=100))
    return assignment


def test_the_next_term_starts_from_the_last_with_its_work_and_none_of_its_learners(
    cohort, published, owner, learner, co_instructor
):
    """The next term's class set up from last term's archived one: the same assignments with
    their lessons, the dates moved 182 days later, the same co-instructor; a new code, no
    learner, extension or result; last term's gradebook as it was."""
    old = _last_term(cohort, published, owner, learner)
    url = reverse("teach_cohorts:next-term", args=[cohort.pk])
    client = client_for(owner)
    with time_machine.travel(at(days=120), tick=False):
        page = html.unescape(client.get(url).content.decode())
        assert "Start the next term from Spring class" in page
        assert "Its due date is 10 Mar 2026, 09:00 (UTC)." in page
        assert "set up as this one is: its assignment, with its quiz" in page
        fields = form_fields(client.get(url).content.decode(), "teach-form")
        made = client.post(url, {**fields, "name": "Autumn class", "shift_days": "182"})
    assert made.status_code == 302
    new = Cohort.objects.get(name="Autumn class")
    assert made["Location"] == reverse("teach_cohorts:gradebook", args=[new.pk])
    assert new.owner == owner and list(new.co_instructors.all()) == [co_instructor]
    assert new.join_code != cohort.join_code and not new.archived
    assert not new.memberships.exists()
    (copy,) = new.assignments.all()
    assert copy.quiz == published
    assert set(copy.lessons.all()) == set(old.lessons.all())
    assert copy.opens_at == at(days=183) and copy.due_at == at(days=190)
    assert not copy.extensions.exists() and copy.closed_at is None
    assert gradebook.counted_attempts(new).count() == 0
    assert _counted(cohort) == 1  # last term's, as it was
    cohort.refresh_from_db()
    assert cohort.archived


def test_the_next_term_without_days_copies_the_work_without_dates(
    cohort, published, owner, learner
):
    _last_term(cohort, published, owner, learner)
    made = services.cohort_next_term(
        source=cohort, owner=owner, name="Autumn class", with_instructors=False, now=at(days=120)
    )
    (copy,) = made.cohort.assignments.all()
    assert copy.opens_at is None and copy.due_at is None
    assert not made.cohort.co_instructors.exists()
    assert made.copied == 1 and made.left_out == []


def test_dates_moved_into_the_past_are_refused_beside_the_days_making_nothing(
    cohort, published, owner, learner
):
    """Moved 30 days, last term's due date (day 8) would be day 38, over on day 120: every
    submission late. Said beside the days, the name kept, no cohort made."""
    _last_term(cohort, published, owner, learner)
    url = reverse("teach_cohorts:next-term", args=[cohort.pk])
    client = client_for(owner)
    with time_machine.travel(at(days=120), tick=False):
        fields = form_fields(client.get(url).content.decode(), "teach-form")
        refused = client.post(url, {**fields, "name": "Autumn class", "shift_days": "30"})
    assert refused.status_code == 200
    page = html.unescape(refused.content.decode())
    assert "Moved by 30 days, a due date would be 9 Apr 2026, 09:00 (UTC), already over" in page
    assert 'value="Autumn class"' in page
    assert not Cohort.objects.filter(name="Autumn class").exists()


@pytest.mark.parametrize(("days", "said"), [("-7", "dates only move later"), ("x", "whole")])
def test_days_that_are_no_number_of_days_are_said_not_a_server_error(
    cohort, published, owner, days, said
):
    url = reverse("teach_cohorts:next-term", args=[cohort.pk])
    client = client_for(owner)
    fields = form_fields(client.get(url).content.decode(), "teach-form")
    refused = client.post(url, {**fields, "name": "Autumn class", "shift_days": days})
    assert refused.status_code == 200
    assert said in html.unescape(refused.content.decode())
    assert not Cohort.objects.filter(name="Autumn class").exists()


def test_a_co_instructor_starting_the_next_term_owns_it_and_leaves_out_quizzes_not_theirs(
    cohort, published, owner, co_instructor
):
    """Colm co-taught; the quiz is Ines's, which only she may assign: the new cohort is his,
    Ines co-teaches it, and her quiz is named as left out, not copied behind her back."""
    services.assignment_create(cohort=cohort, quiz=published, by=owner)
    url = reverse("teach_cohorts:next-term", args=[cohort.pk])
    client = client_for(co_instructor)
    fields = form_fields(client.get(url).content.decode(), "teach-form")
    made = client.post(url, {**fields, "name": "Colm's class"}, follow=True)
    new = Cohort.objects.get(name="Colm's class")
    assert new.owner == co_instructor and list(new.co_instructors.all()) == [owner]
    assert not new.assignments.exists()
    assert "Not copied, as they are another instructor's quizzes" in html.unescape(
        made.content.decode()
    )
    assert "“Root user basics”" in html.unescape(made.content.decode())


def test_the_next_term_leaves_out_a_quiz_unpublished_since_and_names_it(cohort, published, owner):
    """Ines unpublished a quiz she had assigned (to correct it, say). The assignment form
    would refuse it, so the next term does not copy it either: it is named, with why and
    what to do, and the published one is copied."""
    services.assignment_create(cohort=cohort, quiz=published, by=owner)
    draft = make_owned_quiz(owner)
    draft.title = "IAM drafts"
    draft.save()
    services.assignment_create(cohort=cohort, quiz=draft, by=owner)
    draft.published = False
    draft.save()
    url = reverse("teach_cohorts:next-term", args=[cohort.pk])
    client = client_for(owner)
    fields = form_fields(client.get(url).content.decode(), "teach-form")
    made = client.post(url, {**fields, "name": "Autumn class"}, follow=True)
    new = Cohort.objects.get(name="Autumn class")
    assert [a.quiz for a in new.assignments.all()] == [published]
    page = html.unescape(made.content.decode())
    assert "1 assignment copied without dates" in page
    assert (
        "Not copied, as they are not published, so their learners could not open them: "
        "“IAM drafts”. Publish each from its page, then assign it to the new cohort."
    ) in page
    assert "another instructor's" not in page


def test_the_next_term_form_sent_twice_makes_one_cohort(cohort, published, owner):
    url = reverse("teach_cohorts:next-term", args=[cohort.pk])
    client = client_for(owner)
    fields = {**form_fields(client.get(url).content.decode(), "teach-form"), "name": "Autumn"}
    first = client.post(url, fields)
    second = client.post(url, fields)
    assert first["Location"] == second["Location"]
    assert Cohort.objects.filter(name="Autumn").count() == 1


def test_a_name_already_used_is_refused_beside_the_name(cohort, owner):
    url = reverse("teach_cohorts:next-term", args=[cohort.pk])
    client = client_for(owner)
    fields = form_fields(client.get(url).content.decode(), "teach-form")
    refused = client.post(url, {**fields, "name": "spring CLASS"})
    assert "You already have a cohort called" in html.unescape(refused.content.decode())
    assert Cohort.objects.count() == 1


# --- an instructor who leaves ------------------------------------------------------------------


def test_a_leaving_instructor_hands_their_cohorts_and_quizzes_to_another(
    cohort, published, owner, co_instructor, other_instructor, learner
):
    """Ines leaves; Otto takes over: her cohort (its learner, assignment and Ada's result
    untouched) and her quiz and questions are his; she no longer co-teaches. Before, only she
    could archive or delete the cohort, and nobody could change her quiz."""
    services.assignment_create(cohort=cohort, quiz=published, by=owner, now=at(hours=2))
    take_right(published, learner, start=at(days=1), submit=at(days=1, minutes=5))
    said = io.StringIO()
    call_command("hand_over_teaching", "ines", "otto", stdout=said)
    assert "otto now owns what ines owned: 1 cohort, 1 quiz, 2 questions, 0 scenarios." in (
        said.getvalue()
    )
    cohort.refresh_from_db()
    published.refresh_from_db()
    assert cohort.owner == other_instructor
    assert set(cohort.co_instructors.all()) == {co_instructor}
    assert published.owner == other_instructor
    assert set(published.questions.values_list("owner", flat=True)) == {other_instructor.pk}
    assert list(cohort.memberships.values_list("user", flat=True)) == [learner.pk]
    assert _counted(cohort) == 1
    otto = client_for(other_instructor)
    assert otto.get(reverse("teach_cohorts:archive", args=[cohort.pk])).status_code == 200
    assert otto.get(reverse("teach:quiz", args=[published.pk])).status_code == 200


def test_a_co_instructor_taking_over_becomes_the_owner_not_both(cohort, owner, co_instructor):
    handover.hand_over(from_user=owner, to_user=co_instructor)
    cohort.refresh_from_db()
    assert cohort.owner == co_instructor and not cohort.co_instructors.exists()


def test_a_hand_over_that_cannot_be_done_changes_nothing(cohort, published, owner, learner):
    """Ada is no instructor; nobody is called "nobody": each is refused whole, saying why."""
    with pytest.raises(CommandError, match="ada is not an instructor"):
        call_command("hand_over_teaching", "ines", "ada")
    with pytest.raises(CommandError, match="No user is called 'nobody'"):
        call_command("hand_over_teaching", "ines", "nobody")
    with pytest.raises(CommandError, match="Hand the teaching to someone else"):
        call_command("hand_over_teaching", "ines", "ines")
    cohort.refresh_from_db()
    published.refresh_from_db()
    assert cohort.owner == owner and published.owner == owner


def test_a_cohort_handed_to_someone_with_one_of_its_name_is_told_apart(
    cohort, owner, other_instructor
):
    """Otto has a "Spring class" of his own, archived (so it cannot be renamed to make room):
    Ines's comes to him as "Spring class (ines)", and the command says so."""
    his = services.cohort_create(owner=other_instructor, name="SPRING class")
    services.cohort_archive(cohort=his)
    said = io.StringIO()
    call_command("hand_over_teaching", "ines", "otto", stdout=said)
    cohort.refresh_from_db()
    assert cohort.owner == other_instructor and cohort.name == "Spring class (ines)"
    assert "“Spring class” is now “Spring class (ines)”" in said.getvalue()


def test_the_preview_names_the_renames_the_hand_over_then_makes(cohort, owner, other_instructor):
    """Otto has "Spring class" and "Spring class (ines)"; Ines has "Spring class" and an
    archived "Spring class (ines 2)": the admin's confirmation page (`preview`) says what
    `hand_over` does, a name taken by one handed over before it included."""
    services.cohort_create(owner=other_instructor, name="Spring class")
    services.cohort_create(owner=other_instructor, name="Spring class (ines)")
    services.cohort_archive(
        cohort=services.cohort_create(owner=owner, name="Spring class (ines 2)")
    )
    planned = handover.preview(from_user=owner, to_user=other_instructor)
    assert (planned.cohorts, planned.current, planned.archived) == (2, 1, 1)
    assert Cohort.objects.filter(owner=owner).count() == 2  # the preview moved nothing
    done = handover.hand_over(from_user=owner, to_user=other_instructor)
    assert (
        done.renamed
        == planned.renamed
        == [
            "“Spring class” is now “Spring class (ines 2)”",
            "“Spring class (ines 2)” is now “Spring class (ines 2) (ines)”",
        ]
    )
    assert not Cohort.objects.filter(owner=owner).exists()


def test_a_hand_over_from_someone_owning_nothing_is_refused(owner, other_instructor):
    with pytest.raises(CommandError, match="otto owns no cohort, quiz, question or scenario"):
        call_command("hand_over_teaching", "otto", "ines")


def test_taking_the_role_from_an_owner_warns_what_is_left_without_one(cohort, owner):
    said, warned = io.StringIO(), io.StringIO()
    call_command("make_instructor", "ines", "--remove", stdout=said, stderr=warned)
    assert "ines is no longer an instructor." in said.getvalue()
    assert "1 cohort (“Spring class”; 1 not archived) is still owned by ines" in warned.getvalue()
    assert "manage.py hand_over_teaching ines OTHER_INSTRUCTOR" in warned.getvalue()


def test_the_admins_remove_action_warns_about_an_owners_cohorts(client, everyday_admin, cohort):
    page = client.post(
        "/admin/auth/user/",
        {"action": "remove_instructor", "_selected_action": [cohort.owner_id]},
        follow=True,
    )
    assert "1 cohort (“Spring class”; 1 not archived) is still owned by ines" in html.unescape(
        page.content.decode()
    )


def test_dates_move_by_the_teachers_clock_across_a_change_of_summer_time(cohort, published, owner):
    """Due at 17:00 in Madrid in December, moved 182 days: 17:00 in Madrid in June, not 18:00
    (a UTC shift crosses the clocks going forward)."""
    services.assignment_create(
        cohort=cohort, quiz=published, due_at=datetime(2026, 12, 12, 16, 0, tzinfo=UTC), by=owner
    )
    url = reverse("teach_cohorts:next-term", args=[cohort.pk])
    client = client_for(owner)
    client.cookies["tz"] = "Europe/Madrid"
    with time_machine.travel(at(days=200), tick=False):
        fields = form_fields(client.get(url).content.decode(), "teach-form")
        made = client.post(url, {**fields, "name": "Summer", "shift_days": "182"}, follow=True)
    assert "1 assignment copied, its dates moved 182 days later" in made.content.decode()
    (copy,) = Cohort.objects.get(name="Summer").assignments.all()
    assert copy.due_at == datetime(2027, 6, 12, 15, 0, tzinfo=UTC)  # 17:00 in Madrid (UTC+2)


# --- deleting a quiz that is assigned ----------------------------------------------------------


def test_deleting_an_assigned_quiz_nobody_tried_names_the_cohorts_it_leaves(
    cohort, published, owner, other_instructor, staff
):
    """Nobody has tried it, so it may go; but it is set in Spring class (and in a cohort of
    staff's), and the assignment goes with it: the question says so, where it was silent."""
    services.assignment_create(cohort=cohort, quiz=published, by=owner)
    theirs = services.cohort_create(owner=staff, name="Staff's own class")
    services.assignment_create(cohort=theirs, quiz=published, by=staff)
    page = client_for(owner).get(reverse("teach:quiz-delete", args=[published.pk]))
    text = " ".join(html.unescape(page.content.decode()).split())
    assert (
        "It is assigned in “Spring class” and in 1 more cohort of other instructors: deleting "
        "it takes it out of those cohorts, with its due dates and extensions, and off their "
        "learners' home pages."
    ) in text
    assert "Staff's own class" not in text


def test_deleting_a_quiz_assigned_nowhere_says_nothing_of_cohorts(published, owner):
    page = client_for(owner).get(reverse("teach:quiz-delete", args=[published.pk]))
    assert "It is assigned" not in page.content.decode()


# --- deleting a cohort with results --------------------------------------------------------------


def test_deleting_a_cohort_with_results_offers_archiving_instead(cohort, published, owner, learner):
    services.assignment_create(cohort=cohort, quiz=published, by=owner, now=at(hours=2))
    take_right(published, learner, start=at(days=1), submit=at(days=1, minutes=5))
    url = reverse("teach_cohorts:delete", args=[cohort.pk])
    text = " ".join(html.unescape(client_for(owner).get(url).content.decode()).split())
    assert "Its gradebook holds the results of 1 learner (1 attempt)." in text
    assert "archive it instead" in text
    assert reverse("teach_cohorts:archive", args=[cohort.pk]) in text


def test_deleting_a_cohort_counts_attempts_in_progress_apart_from_results(
    cohort, published, owner, learner, other_learner
):
    """Grace has started the quiz and not handed it in: no result of hers yet, where the page
    counted her attempt among "the results of 2 learners (2 attempts)"."""
    services.assignment_create(cohort=cohort, quiz=published, by=owner, now=at(hours=2))
    services.cohort_join(cohort=cohort, user=other_learner, now=at(hours=3))
    take_right(published, other_learner, start=at(days=1, hours=1))
    url = reverse("teach_cohorts:delete", args=[cohort.pk])
    client = client_for(owner)

    def said() -> str:
        return " ".join(html.unescape(client.get(url).content.decode()).split())

    assert "Its gradebook holds no results yet, but 1 attempt is in progress (1 learner)." in said()
    assert "archive it instead" in said()
    take_right(published, learner, start=at(days=1), submit=at(days=1, minutes=5))
    assert (
        "Its gradebook holds the results of 1 learner (1 attempt), and 1 attempt still in "
        "progress (1 learner)."
    ) in said()


def test_deleting_a_cohort_without_results_does_not_offer_archiving(cohort, owner):
    url = reverse("teach_cohorts:delete", args=[cohort.pk])
    text = html.unescape(client_for(owner).get(url).content.decode())
    assert "Its gradebook holds the results" not in text


# --- co-teaching: the owner hands the cohort over ------------------------------------------------


def test_the_owner_hands_the_cohort_to_a_co_instructor_after_asking(
    cohort, published, owner, co_instructor, learner
):
    """Ines goes on leave; Colm co-teaches and takes it over: after a question he owns it
    (he may archive it now), Ines co-teaches it, and Ada's result is where it was."""
    services.assignment_create(cohort=cohort, quiz=published, by=owner, now=at(hours=2))
    take_right(published, learner, start=at(days=1), submit=at(days=1, minutes=5))
    ines = client_for(owner)
    people = ines.get(reverse("teach_cohorts:people", args=[cohort.pk])).content.decode()
    url = reverse("teach_cohorts:owner-hand", args=[cohort.pk, co_instructor.pk])
    assert url in people
    asked = html.unescape(ines.get(url).content.decode())
    assert "Make colm the owner of Spring class?" in asked
    assert "You stay as a co-instructor" in asked
    cohort.refresh_from_db()
    assert cohort.owner == owner
    done = ines.post(url, follow=True)
    assert "colm now owns “Spring class”" in html.unescape(done.content.decode())
    cohort.refresh_from_db()
    assert cohort.owner == co_instructor
    assert list(cohort.co_instructors.all()) == [owner]
    assert _counted(cohort) == 1
    colm = client_for(co_instructor)
    assert colm.get(reverse("teach_cohorts:archive", args=[cohort.pk])).status_code == 200
    assert ines.get(reverse("teach_cohorts:archive", args=[cohort.pk])).status_code == 403
    assert ines.get(reverse("teach_cohorts:gradebook", args=[cohort.pk])).status_code == 200


def test_only_a_co_instructor_can_be_made_owner(cohort, owner, other_instructor, learner):
    for someone in (other_instructor, learner):
        url = reverse("teach_cohorts:owner-hand", args=[cohort.pk, someone.pk])
        said = client_for(owner).post(url, follow=True)
        assert "Only one of the cohort's co-instructors" in html.unescape(said.content.decode())
    cohort.refresh_from_db()
    assert cohort.owner == owner


def test_a_co_instructor_with_a_cohort_of_that_name_gets_it_told_apart(
    cohort, owner, co_instructor
):
    services.cohort_create(owner=co_instructor, name="Spring Class")
    url = reverse("teach_cohorts:owner-hand", args=[cohort.pk, co_instructor.pk])
    said = html.unescape(client_for(owner).post(url, follow=True).content.decode())
    assert "so this one is now called “Spring class (ines)”" in said
    cohort.refresh_from_db()
    assert cohort.owner == co_instructor and cohort.name == "Spring class (ines)"
    assert services.free_name(owner=co_instructor, name="spring class", whose="ines") == (
        "spring class (ines 2)"
    )


def test_dates_move_by_the_clock_of_the_zone_the_page_was_drawn_in(cohort, published, owner):
    """The page was drawn in Madrid (its help counts the days there) and the browser has moved
    to New York since (a flight: the save comes with the new zone): due at 17:00 in Madrid in
    December, 182 days on is 17:00 in Madrid in June. Read in New York's clock, whose summer
    time starts on another day, it was off; the page's zone is sent back, as the assignment
    forms send theirs."""
    services.assignment_create(
        cohort=cohort, quiz=published, due_at=datetime(2026, 12, 12, 16, 0, tzinfo=UTC), by=owner
    )
    url = reverse("teach_cohorts:next-term", args=[cohort.pk])
    client = client_for(owner)
    client.cookies["tz"] = "Europe/Madrid"
    with time_machine.travel(at(days=200), tick=False):
        page = client.get(url).content.decode()
        assert 'name="zone" value="Europe/Madrid"' in page
        assert "12 Dec 2026, 17:00 (Europe/Madrid)" in page
        fields = form_fields(page, "teach-form")
        client.cookies["tz"] = "America/New_York"
        made = client.post(url, {**fields, "name": "Summer", "shift_days": "182"}, follow=True)
    assert "1 assignment copied" in made.content.decode()
    (copy,) = Cohort.objects.get(name="Summer").assignments.all()
    assert copy.due_at == datetime(2027, 6, 12, 15, 0, tzinfo=UTC)  # 17:00 in Madrid (UTC+2)


def test_a_shift_refused_says_the_date_on_the_clock_of_the_page(cohort, published, owner):
    """Refused (the moved date already over), the words name the date on the page's clock."""
    services.assignment_create(
        cohort=cohort, quiz=published, due_at=datetime(2026, 9, 1, 16, 0, tzinfo=UTC), by=owner
    )
    url = reverse("teach_cohorts:next-term", args=[cohort.pk])
    client = client_for(owner)
    client.cookies["tz"] = "Europe/Madrid"
    with time_machine.travel(at(days=200), tick=False):  # 18 Sep 2026
        fields = form_fields(client.get(url).content.decode(), "teach-form")
        client.cookies["tz"] = "Asia/Tokyo"
        page = client.post(url, {**fields, "name": "Summer", "shift_days": "7"})
    text = html.unescape(page.content.decode())
    assert page.status_code == 200 and "8 Sep 2026, 18:00 (Europe/Madrid), already over" in text
    assert not Cohort.objects.filter(name="Summer").exists()
