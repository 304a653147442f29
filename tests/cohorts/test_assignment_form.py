"""The assignment and extension forms: a due time already over (every submission would be late)
is asked about once, and an extension already over refused, unless it is the one kept
unchanged; and the import menu tells apart two quizzes with one title (the assignment form's
quiz is typed: tests/cohorts/test_quiz_finder.py)."""

from __future__ import annotations

import html
import re
import zoneinfo
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cohorts import services
from cohorts.forms import WHEN_FORMATS, WhenField
from cohorts.models import Assignment
from lessons import finder
from tests.cohorts.conftest import at, client_for
from tests.conftest import make_lesson, make_module
from tests.quizzes.builders import make_question, make_quiz
from tests.teach.formdata import form_fields

pytestmark = pytest.mark.django_db


def test_a_new_assignment_due_in_the_past_is_asked_about_once_per_time_typed(
    cohort, published, owner
):
    """A due time already over is most often a slip (a wrong month); sent again unchanged it
    is kept (an instructor recording work already done), and another past time asks again."""
    url = reverse("teach_cohorts:assignment-create", args=[cohort.pk])
    client = client_for(owner)
    with time_machine.travel(at(days=3), tick=False):
        asked = client.post(url, {"quiz": published.pk, "due_at": "2026-03-04T17:00"})
        assert asked.status_code == 200
        assert "That time has passed" in asked.content.decode()
        assert not Assignment.objects.exists()
        fields = form_fields(asked.content.decode(), "teach-form")
        assert fields["past_due_ok"] == "2026-03-04T17:00"
        other = client.post(url, {**fields, "due_at": "2026-03-03T17:00"})
        assert "That time has passed" in other.content.decode()
        assert not Assignment.objects.exists()
        kept = client.post(url, fields)
    assert kept.status_code == 302
    assert Assignment.objects.get().due_at == at(days=2, hours=8)  # 4 March, 17:00


def test_an_assignment_past_its_due_date_can_still_be_edited_if_the_date_is_kept(
    cohort, published, owner
):
    # Due at 09:00:30: the page shows it to the minute, and sending that back keeps it.
    due = at(days=1, minutes=0.5)
    assignment = services.assignment_create(cohort=cohort, quiz=published, due_at=due, by=owner)
    url = reverse("teach_cohorts:assignment", args=[cohort.pk, assignment.pk])
    lesson = make_lesson()
    with time_machine.travel(at(days=4), tick=False):
        client = client_for(owner)
        kept = re.search(r'name="due_at" value="([^"]+)"', client.get(url).content.decode())[1]
        saved = client.post(url, {"due_at": kept, "lessons": [lesson.pk]})
        assert saved.status_code == 302
        moved = client.post(url, {"due_at": "2026-03-04T09:00", "lessons": [lesson.pk]})
        assert "That time has passed" in moved.content.decode()
    assignment.refresh_from_db()
    assert list(assignment.lessons.all()) == [lesson]
    assert assignment.due_at == due.replace(second=0)  # as shown, to the minute


def test_an_extension_already_over_is_refused(cohort, published, owner, learner):
    assignment = services.assignment_create(
        cohort=cohort, quiz=published, due_at=at(days=1), by=owner
    )
    url = reverse("teach_cohorts:extension-set", args=[cohort.pk, assignment.pk])
    with time_machine.travel(at(days=4), tick=False):
        page = client_for(owner).post(url, {"learner": learner.pk, "due_at": "2026-03-05T09:00"})
    text = page.content.decode()
    assert "That time has passed" in text
    # the page again with what was typed, the problem beside the date it is about
    assert 'name="due_at" value="2026-03-05T09:00"' in text
    assert 'name="learner" value="ada"' in text  # the id sent (a page drawn before) shown as a name
    assert 'aria-describedby="extension-due_at_error' in text
    # drawn at the extensions' address, the assignment's own form still saves the assignment
    detail = reverse("teach_cohorts:assignment", args=[cohort.pk, assignment.pk])
    assert f'<form method="post" action="{detail}" class="card teach-form"' in text
    assert not assignment.extensions.exists()


def _lesson_box(page: str, lesson) -> str:
    """The checkbox of `lesson` on the page, as drawn."""
    return re.search(rf'<input type="checkbox" name="lessons" value="{lesson.pk}"[^>]*>', page)[0]


def _chosen(page: str) -> str:
    """The picker's "Chosen" list as drawn."""
    return re.search(r"<ul [^>]*data-lesson-chosen>.*?</ul>", page, re.S)[0]


def _found(page: str) -> str:
    """The picker's matches as drawn."""
    return re.search(r"<div [^>]*data-lesson-found>.*?</div>", page, re.S)[0]


def test_each_lesson_offered_is_a_checkbox_named_by_its_title_and_module(cohort, owner):
    """Two modules may each have a lesson called "Introduction": each box's label says its
    module too. The page offers the course's first lessons, none chosen yet."""
    lesson = make_lesson(make_module(title="Networking"), title="Introduction")
    twin = make_lesson(make_module(title="Identity"), title="Introduction")
    page = (
        client_for(owner)
        .get(reverse("teach_cohorts:assignment-create", args=[cohort.pk]))
        .content.decode()
    )
    assert '<select name="lessons"' not in page
    for each, module in ((lesson, "Networking"), (twin, "Identity")):
        box = _lesson_box(_found(page), each)
        assert " checked" not in box
        box_id = re.search(r'id="([^"]+)"', box)[1]
        assert (
            f'<label for="{box_id}">Introduction<span class="meta">&nbsp;·&nbsp;{module}</span>'
            in page
        )
    assert "None yet: find lessons below and tick them." in page
    assert 'role="status">All 2 lessons of the course.</p>' in page
    legend = re.search(r'<fieldset class="tag-chooser lesson-picker[^>]*>\s*<legend>(.*?)<', page)
    assert legend[1] == "Lessons to read (optional)"
    assert '<label for="id_lessons_q">Find lessons</label>' in page
    # Enter in a field sends the form's first submit button: "Assign", not the picker's "Find"
    form = re.search(r'<form method="post"[^>]*class="card teach-form".*?</form>', page, re.S)[0]
    first = re.search(r"<button type=\"submit\"[^>]*>([^<]*)<", form)
    assert first[1] == "Assign" and 'name="find_lessons"' not in first[0]


def test_a_refused_form_keeps_the_ticked_lessons_in_the_chosen_list(cohort, published, owner):
    """Sent with a date wrong, the page comes back with the lessons ticked as they were, in
    "Chosen" (not among the matches, where a search could replace them). Sent again as the
    page has it, they are assigned."""
    module = make_module(title="Module")
    lessons = [make_lesson(module, title=f"Lesson {n}") for n in range(6)]
    chosen = [lessons[2], lessons[4]]
    client = client_for(owner)
    url = reverse("teach_cohorts:assignment-create", args=[cohort.pk])
    sent = {"quiz": published.pk, "lessons": [each.pk for each in chosen]}
    page = client.post(url, {**sent, "opens_at": "2030-01-02T10:00", "due_at": "2030-01-01T10:00"})
    text = page.content.decode()
    assert "The due date must come after the opening time." in text
    for each in lessons:
        assert (each.pk in [c.pk for c in chosen]) == (f'value="{each.pk}"' in _chosen(text))
        assert (" checked" in _lesson_box(text, each)) == (each in chosen)
    assert f'value="{chosen[0].pk}"' not in _found(text)  # drawn once
    fields = form_fields(text, "teach-form")
    assert fields["lessons"] == [str(each.pk) for each in chosen]
    saved = client.post(url, {**fields, "opens_at": "", "due_at": ""})
    assert saved.status_code == 302
    assert list(Assignment.objects.get().lessons.order_by("pk")) == chosen


def test_find_without_javascript_draws_the_matches_and_keeps_the_form(cohort, published, owner):
    """ "Find" sends the whole form: it comes back with the lessons matching the words, what
    was typed and ticked as it was, no message, nothing saved; ticking a match and sending
    the form assigns it with the rest."""
    kept = make_lesson(make_module(title="Identity"), title="Roles and users")
    bucket = make_lesson(make_module(title="Storage"), title="Bucket policies")
    make_lesson(bucket.module, title="Encryption at rest")
    url = reverse("teach_cohorts:assignment-create", args=[cohort.pk])
    client = client_for(owner)
    sent = {"quiz": published.pk, "lessons": [kept.pk], "due_at": "2031-06-01T09:00"}
    page = client.post(url, {**sent, "lesson_q": "BUCKET", "find_lessons": "1"})
    assert page.status_code == 200
    text = page.content.decode()
    assert not Assignment.objects.exists()
    assert "field-error" not in text and "This field is required" not in text
    assert re.findall(r'value="(\d+)"', _found(text)) == [str(bucket.pk)]
    assert " checked" in _lesson_box(_chosen(text), kept)
    assert re.search(r'<input type="search" [^>]*value="BUCKET"[^>]*autofocus', text, re.S)
    assert "1 lesson matches “BUCKET”." in text
    fields = form_fields(text, "teach-form")
    assert fields["due_at"] == "2031-06-01T09:00"
    saved = client.post(url, {**fields, "lessons": [kept.pk, bucket.pk]})
    assert saved.status_code == 302
    assert set(Assignment.objects.get().lessons.all()) == {kept, bucket}


def test_an_assignments_lessons_are_ticked_when_it_is_edited(cohort, published, owner):
    lesson, other = make_lesson(title="Read me"), make_lesson(title="Not this")
    assignment = services.assignment_create(
        cohort=cohort, quiz=published, lessons=[lesson], by=owner
    )
    url = reverse("teach_cohorts:assignment", args=[cohort.pk, assignment.pk])
    page = client_for(owner).get(url).content.decode()
    assert " checked" in _lesson_box(_chosen(page), lesson)
    assert " checked" not in _lesson_box(_found(page), other)
    assert "None yet" in page and "data-lesson-none hidden" in page


def test_a_lesson_unpublished_meanwhile_is_named_not_an_invalid_choice(cohort, published, owner):
    """A lesson ticked on a page drawn before it was unpublished: the form says so above the
    list (the focus on it), not "Select a valid choice. 12 is not one of the choices"; the
    draft's title is not drawn."""
    lesson = make_lesson(title="Soon gone")
    lesson.published = False
    lesson.save()
    url = reverse("teach_cohorts:assignment-create", args=[cohort.pk])
    page = client_for(owner).post(url, {"quiz": published.pk, "lessons": [lesson.pk]})
    text = page.content.decode()
    assert "A lesson you ticked is no longer published." in text
    assert re.search(r'<div class="field-error" id="id_lessons_error" role="alert" tabindex="-1" '
                     r"autofocus>", text)  # fmt: skip
    assert "Soon gone" not in text
    assert not Assignment.objects.exists()


@pytest.mark.parametrize("junk", ["abc", "1.5", "٣", "9" * 40])
def test_a_lesson_id_that_is_no_number_is_said_not_a_server_error(cohort, published, owner, junk):
    url = reverse("teach_cohorts:assignment-create", args=[cohort.pk])
    page = client_for(owner).post(url, {"quiz": published.pk, "lessons": [junk]})
    assert page.status_code == 200
    text = page.content.decode()
    assert "is not a lesson: tick lessons from the list" in text or "no longer published" in text
    assert not Assignment.objects.exists()


def test_more_lessons_than_an_assignment_takes_are_refused_with_the_number(
    cohort, published, owner
):
    lessons = [make_lesson(title=f"L{n}") for n in range(finder.MAX_KEYS + 1)]
    url = reverse("teach_cohorts:assignment-create", args=[cohort.pk])
    page = client_for(owner).post(url, {"quiz": published.pk, "lessons": [x.pk for x in lessons]})
    assert f"That is {finder.MAX_KEYS + 1} lessons; an assignment takes at most" in (
        page.content.decode()
    )
    assert not Assignment.objects.exists()


def test_the_import_menu_tells_apart_two_quizzes_with_one_title(owner):
    first = make_quiz(make_question(), owner=owner, source="authored", title="Week 1")
    second = make_quiz(make_question(), owner=owner, source="authored", title="Week 1")
    page = client_for(owner).get(reverse("teach:import")).content.decode()
    assert f">Week 1 ({first.slug})</option>" in page
    assert f">Week 1 ({second.slug})</option>" in page


@pytest.mark.parametrize("typed", ["9999-12-31T23:59", "0001-01-01T00:00"])
def test_a_date_no_database_can_hold_is_refused_beside_its_field(
    cohort, published, owner, learner, typed
):
    """31 Dec 9999 in New York is the year 10000 in UTC (and year 1 in Tokyo is year 0):
    saving either was a server error. Each form says so beside the date, keeping the rest."""
    client = client_for(owner)
    client.cookies["tz"] = "America/New_York" if typed.startswith("9") else "Asia/Tokyo"
    lesson = make_lesson()
    create = reverse("teach_cohorts:assignment-create", args=[cohort.pk])
    for sent in (
        {"quiz": published.pk, "due_at": typed},
        {"quiz": published.pk, "opens_at": typed},
    ):
        page = client.post(create, sent)
        assert page.status_code == 200
        assert "Choose a date between the years 1900 and 9000." in page.content.decode()
    assert not Assignment.objects.exists()
    assignment = services.assignment_create(cohort=cohort, quiz=published, by=owner)
    edit = reverse("teach_cohorts:assignment", args=[cohort.pk, assignment.pk])
    page = client.post(edit, {"due_at": typed, "lessons": [lesson.pk]})
    assert page.status_code == 200
    assert "Choose a date between the years 1900 and 9000." in page.content.decode()
    extend = reverse("teach_cohorts:extension-set", args=[cohort.pk, assignment.pk])
    page = client.post(extend, {"learner": learner.pk, "due_at": typed})
    assert page.status_code == 200
    assert "Choose a date between the years 1900 and 9000." in page.content.decode()
    assignment.refresh_from_db()
    assert assignment.due_at is None and not assignment.extensions.exists()


def test_a_quiz_assigned_from_another_tab_is_named_not_an_invalid_choice(cohort, published, owner):
    """Two tabs (or a double click) send the same quiz: the second page said only "Select a
    valid choice", as the quiz had left the menu. It says which quiz, and why, and keeps the
    dates typed."""
    url = reverse("teach_cohorts:assignment-create", args=[cohort.pk])
    client = client_for(owner)
    sent = {"quiz": published.pk, "due_at": "2031-06-01T09:00"}
    assert client.post(url, sent).status_code == 302
    again = client.post(url, sent)
    assert again.status_code == 200
    text = again.content.decode()
    assert "Select a valid choice" not in text
    assert f"“{published.title}” is already assigned to this cohort" in text
    assert form_fields(text, "teach-form")["due_at"] == "2031-06-01T09:00"
    assert Assignment.objects.filter(cohort=cohort).count() == 1
    for junk in ("x", "9" * 40, "-1"):  # not a quiz at all: said so, no error
        page = client.post(url, {"quiz": junk})
        assert page.status_code == 200
        assert f"“{junk}” is not a quiz you may assign" in page.content.decode()


def test_a_quiz_unpublished_since_the_page_was_drawn_is_named_not_an_invalid_choice(
    cohort, published, owner, other_instructor
):
    """Unpublished in another tab (to correct it) while the assign page was open: it said
    only "Select a valid choice". Another teacher's draft stays unnamed."""
    url = reverse("teach_cohorts:assignment-create", args=[cohort.pk])
    client = client_for(owner)
    sent = {"quiz": published.pk, "due_at": "2031-06-01T09:00"}
    published.published = False
    published.save()
    page = client.post(url, sent)
    assert page.status_code == 200
    text = html.unescape(page.content.decode())
    assert "Select a valid choice" not in text
    assert f"“{published.title}” is not published" in text
    assert form_fields(page.content.decode(), "teach-form")["due_at"] == "2031-06-01T09:00"
    assert not Assignment.objects.exists()
    theirs = make_quiz(make_question("true_false"), owner=other_instructor, published=False)
    hidden = client.post(url, {**sent, "quiz": theirs.pk}).content.decode()
    assert "is not a quiz you may assign" in hidden and "is not published" not in hidden


@pytest.mark.parametrize("typed", ["2031-03-09T02:30", "2031-11-02T01:30"])
def test_a_time_the_clocks_skip_or_repeat_is_explained(cohort, published, owner, typed):
    """In New York 02:30 on 9 Mar 2031 never happens (clocks go forward) and 01:30 on 2 Nov
    happens twice: Django's words showed "2031-03-09 02:30:00 couldn't be interpreted"."""
    client = client_for(owner)
    client.cookies["tz"] = "America/New_York"
    url = reverse("teach_cohorts:assignment-create", args=[cohort.pk])
    page = client.post(url, {"quiz": published.pk, "due_at": typed})
    text = page.content.decode()
    assert "does not happen once in America/New_York: the clocks change then" in text
    assert "couldn’t be interpreted" not in text
    assert not Assignment.objects.exists()


def _assignment_fields(page: str) -> dict:
    """The assignment form's fields as drawn (not the extension form's, below it)."""
    return form_fields(page.split('id="extensions-title"')[0], "teach-form")


def test_a_save_from_a_page_drawn_before_another_save_is_refused_and_keeps_both(
    cohort, published, owner, co_instructor
):
    """Two tabs (or the owner and a co-instructor) on one assignment: the first adds a lesson,
    the second, drawn before that, moves the due date. Writing the second page as it was would
    drop the lesson unseen; it is refused once, saying what the assignment holds now, with its
    own changes drawn again, and sent again it is a deliberate overwrite."""
    first, second = make_lesson(title="Read me first"), make_lesson(title="Read me too")
    assignment = services.assignment_create(
        cohort=cohort, quiz=published, lessons=[first], due_at=at(days=5), by=owner
    )
    url = reverse("teach_cohorts:assignment", args=[cohort.pk, assignment.pk])
    mine, theirs = client_for(owner), client_for(co_instructor)
    with time_machine.travel(at(), tick=False):
        tab_a = _assignment_fields(mine.get(url).content.decode())
        tab_b = _assignment_fields(theirs.get(url).content.decode())
        assert tab_a["seen"] and tab_a["seen"] == tab_b["seen"]
        added = mine.post(url, {**tab_a, "lessons": [first.pk, second.pk]})
        assert added.status_code == 302
        refused = theirs.post(url, {**tab_b, "due_at": "2026-03-20T12:00"})
        assert refused.status_code == 200
        page = html.unescape(refused.content.decode())
        assert "changed somewhere else" in page
        assert "2 lessons to read" in page  # what it holds now, to compare
        assert 'value="2026-03-20T12:00"' in page  # the due date typed, drawn again
        assignment.refresh_from_db()
        assert set(assignment.lessons.all()) == {first, second}
        assert assignment.due_at == at(days=5)
        again = _assignment_fields(refused.content.decode())
        assert again["seen"] != tab_b["seen"]
        overwritten = theirs.post(url, again)
    assert overwritten.status_code == 302
    assignment.refresh_from_db()
    assert assignment.due_at.date().isoformat() == "2026-03-20"
    assert list(assignment.lessons.all()) == [first]  # as that page had it, on purpose


def test_a_save_without_changes_meanwhile_goes_through(cohort, published, owner):
    assignment = services.assignment_create(cohort=cohort, quiz=published, by=owner)
    url = reverse("teach_cohorts:assignment", args=[cohort.pk, assignment.pk])
    client = client_for(owner)
    with time_machine.travel(at(), tick=False):
        fields = _assignment_fields(client.get(url).content.decode())
        saved = client.post(url, {**fields, "due_at": "2026-03-20T12:00"})
        assert saved.status_code == 302
        fields = _assignment_fields(client.get(url).content.decode())
        assert client.post(url, {**fields, "due_at": "2026-03-21T12:00"}).status_code == 302
    assignment.refresh_from_db()
    assert assignment.due_at.date().isoformat() == "2026-03-21"


def test_assignment_update_refuses_a_stale_stamp_and_writes_nothing(cohort, published, owner):
    lesson = make_lesson(title="Read me")
    assignment = services.assignment_create(cohort=cohort, quiz=published, by=owner)
    seen = services.assignment_stamp(assignment)
    services.assignment_update(assignment=assignment, lessons=[lesson], seen=seen)
    with pytest.raises(services.AssignmentEditedElsewhere) as refused:
        services.assignment_update(assignment=assignment, due_at=at(days=9), seen=seen)
    assert refused.value.stamp == services.assignment_stamp(assignment)
    assignment.refresh_from_db()
    assert assignment.due_at is None and list(assignment.lessons.all()) == [lesson]


@pytest.mark.parametrize(
    "typed, said",
    [
        # Chromium's date field takes a year of up to six digits as typed (20266 for 2026).
        ("20266-12-20T17:00", "Choose a date between the years 1900 and 9000."),
        ("next friday", "Type a date and time, such as 2027-03-05 17:00."),
    ],
)
def test_a_date_that_is_no_date_is_told_what_is_wrong_in_the_pages_words(
    cohort, published, owner, learner, typed, said
):
    """Django's "Enter a valid date/time." said nothing of what was wrong with 20266."""
    client = client_for(owner)
    create = reverse("teach_cohorts:assignment-create", args=[cohort.pk])
    body = client.post(create, {"quiz": published.pk, "due_at": typed}).content.decode()
    assert said in body and "Enter a valid date/time." not in body
    assignment = services.assignment_create(cohort=cohort, quiz=published, by=owner)
    extend = reverse("teach_cohorts:extension-set", args=[cohort.pk, assignment.pk])
    body = client.post(extend, {"learner": learner.pk, "due_at": typed}).content.decode()
    assert said in body and "Enter a valid date/time." not in body


OFFSET_PAST_1559 = "2030-01-01T00:00:00+23:59"  # 2029-12-31 00:01 UTC


def test_a_time_sent_with_its_own_offset_is_that_moment_in_the_pages_zone():
    """No browser's field sends an offset, but Django's field reads one, and kept it: saved
    with +23:59, PostgreSQL refused the time (DataError: a 500 on the assignment and
    extension forms, found by tests/fuzz/test_crafted_pages.py)."""
    with timezone.override(zoneinfo.ZoneInfo("Asia/Tokyo")):
        when = WhenField(input_formats=WHEN_FORMATS).clean(OFFSET_PAST_1559)
    assert when == datetime(2029, 12, 31, 0, 1, tzinfo=UTC)
    assert when.utcoffset() == timedelta(hours=9)


def test_an_assignment_and_an_extension_sent_such_a_time_save_it(cohort, published, owner, learner):
    """The forms end to end (on PostgreSQL each was a server error)."""
    client = client_for(owner)
    moment = datetime(2029, 12, 31, 0, 1, tzinfo=UTC)
    create = reverse("teach_cohorts:assignment-create", args=[cohort.pk])
    sent = {"quiz": published.pk, "opens_at": OFFSET_PAST_1559, "due_at": "2031-01-01T00:00"}
    assert client.post(create, sent).status_code == 302
    assignment = Assignment.objects.get()
    assert assignment.opens_at == moment
    edit = reverse("teach_cohorts:assignment", args=[cohort.pk, assignment.pk])
    kept = {"opens_at": "", "due_at": OFFSET_PAST_1559, "lessons": [make_lesson().pk]}
    assert client.post(edit, kept).status_code == 302
    assignment.refresh_from_db()
    assert assignment.due_at == moment
    extend = reverse("teach_cohorts:extension-set", args=[cohort.pk, assignment.pk])
    later = "2030-01-02T00:00:00+23:59"
    assert client.post(extend, {"learner": learner.pk, "due_at": later}).status_code == 302
    assert assignment.extensions.get().due_at == moment + timedelta(days=1)
