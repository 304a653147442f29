"""Module pages a page of lessons at a time, progress counted per module by the database, and
the anonymous home listing kept per reading order (issue 15: pages that cost the same with 24
lessons or 2,400)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from lessons import progress, reading_order
from lessons.models import Lesson, LessonProgress, Level
from lessons.views import LESSONS_PER_PAGE
from tests.conftest import make_lesson, make_module


def lesson_links(body: str, module_slug: str) -> list[str]:
    return re.findall(rf'<h2><a href="/learn/{module_slug}/([a-z0-9-]+)/">', body)


@pytest.fixture
def long_module(db):
    """A module with two and a half pages of lessons, every other one advanced."""
    module = make_module(slug="long")
    Lesson.objects.bulk_create(
        Lesson(
            module=module,
            slug=f"l-{i:03d}",
            title=f"Long lesson {i}",
            body="Words.",
            order=i,
            level=Level.ADVANCED if i % 2 == 0 else Level.FOUNDATIONAL,
        )
        for i in range(LESSONS_PER_PAGE * 2 + 20)
    )
    reading_order.changed()
    return module


def test_a_long_module_is_listed_a_page_at_a_time_in_order(client, long_module):
    first = client.get("/learn/long/").content.decode()
    assert lesson_links(first, "long") == [f"l-{i:03d}" for i in range(LESSONS_PER_PAGE)]
    assert 'aria-label="Pages of lessons"' in first
    assert 'href="?page=2" rel="next"' in first
    assert 'rel="prev"' not in first
    assert f"All levels ({LESSONS_PER_PAGE * 2 + 20})" in first  # counts cover every page

    last = client.get("/learn/long/?page=3").content.decode()
    assert lesson_links(last, "long") == [
        f"l-{i:03d}" for i in range(LESSONS_PER_PAGE * 2, LESSONS_PER_PAGE * 2 + 20)
    ]
    assert 'href="?page=2" rel="prev"' in last
    assert 'rel="next"' not in last
    assert f'start="{LESSONS_PER_PAGE * 2 + 1}"' in last  # the numbering goes on


@pytest.mark.parametrize(("asked", "shown"), [("abc", 1), ("0", 3), ("999", 3), ("-1", 3)])
def test_a_page_number_that_does_not_exist_shows_the_nearest_page(
    client, long_module, asked, shown
):
    response = client.get(f"/learn/long/?page={asked}")
    assert response.status_code == 200
    # The pager marks the page shown (templates/_pager.html).
    current = f'aria-current="page"><span class="visually-hidden">Page </span>{shown}</a>'
    assert current in response.content.decode()


def test_the_level_filter_pages_too_and_its_links_keep_the_level(client, long_module):
    advanced = [i for i in range(LESSONS_PER_PAGE * 2 + 20) if i % 2 == 0]
    body = client.get("/learn/long/?level=advanced").content.decode()
    assert lesson_links(body, "long") == [f"l-{i:03d}" for i in advanced[:LESSONS_PER_PAGE]]
    assert 'href="?level=advanced&amp;page=2" rel="next"' in body
    assert f"Advanced ({len(advanced)})" in body


def test_an_unknown_level_is_said_once_and_the_pager_does_not_carry_it_on(client, long_module):
    """A level no lesson has (a typo, an old link) shows every lesson with a notice saying so;
    the pager's links kept the level, so each page said it again: they leave it out now."""
    notice = "There is no level called “<bdi>expert</bdi>”, so every lesson is shown."
    body = client.get("/learn/long/?level=expert").content.decode()
    assert notice in body
    assert lesson_links(body, "long") == [f"l-{i:03d}" for i in range(LESSONS_PER_PAGE)]
    assert 'href="?page=2" rel="next"' in body
    assert "level=expert" not in body
    second = client.get("/learn/long/?page=2").content.decode()  # where "More lessons" goes
    assert "There is no level called" not in second
    assert 'href="?page=1" rel="prev"' in second
    # Typed on a later page, it is said there, and left out of its links just the same.
    later = client.get("/learn/long/?level=expert&page=2").content.decode()
    assert notice in later and 'href="?page=3" rel="next"' in later


def test_the_pages_are_numbered_each_number_keeping_the_level(client, long_module):
    """The site's pager (templates/_pager.html): a number for each page, the one shown
    marked for a screen reader, each link keeping the level filter."""
    body = client.get("/learn/long/?level=advanced&page=2").content.decode()
    assert (
        'href="?level=advanced&amp;page=1"><span class="visually-hidden">Page </span>1</a>' in body
    )
    assert (
        'href="?level=advanced&amp;page=2" aria-current="page">'
        '<span class="visually-hidden">Page </span>2</a>'
    ) in body
    assert "Lessons 51 to 60 of 60" in body


def test_a_short_module_shows_no_page_links(client, db):
    module = make_module(slug="short")
    make_lesson(module)
    body = client.get("/learn/short/").content.decode()
    assert 'aria-label="Pages of lessons"' not in body


def test_a_page_marks_the_lessons_the_learner_completed(learner_client, learner, long_module):
    done = Lesson.objects.get(slug="l-061")
    LessonProgress.objects.create(user=learner, lesson=done, completed_at=timezone.now())
    first = learner_client.get("/learn/long/").content.decode()
    assert "Completed" not in first
    assert "1 of 120 lessons completed" in first  # the module's count covers every page
    second = learner_client.get("/learn/long/?page=2").content.decode()
    assert second.count('<span class="done-mark">Completed</span>') == 1


def test_completions_are_counted_per_module_among_the_lessons_a_learner_may_read(learner, db):
    one, two = make_module(), make_module()
    read = [make_lesson(one) for _ in range(3)] + [make_lesson(two)]
    draft = make_lesson(one, published=False)
    make_lesson(two)  # not read
    now = timezone.now()
    for lesson in [*read, draft]:
        LessonProgress.objects.create(user=learner, lesson=lesson, completed_at=now)
    order = reading_order.visible_to(learner)
    assert progress.done_by_module(learner, None, order) == {one.pk: 3, two.pk: 1}


def test_home_shows_each_modules_count_and_continues_after_the_last_lesson_read(
    learner_client, learner, db
):
    one, two = make_module(title="First module"), make_module(title="Second module")
    lessons = [make_lesson(one) for _ in range(3)] + [make_lesson(two) for _ in range(2)]
    now = timezone.now()
    # Read the first two of module one, then (most recently) the first of module two.
    for lesson, minutes in ((lessons[0], 3), (lessons[1], 2), (lessons[3], 1)):
        LessonProgress.objects.create(
            user=learner, lesson=lesson, completed_at=now - timezone.timedelta(minutes=minutes)
        )
    body = learner_client.get(reverse("home")).content.decode()
    assert "2 of 3 lessons completed" in body
    assert "1 of 2 lessons completed" in body
    assert f"Continue: {lessons[4].title}" in body
    # The last lesson of the course read: "Continue" wraps round to the first gap.
    LessonProgress.objects.create(user=learner, lesson=lessons[4], completed_at=now)
    body = learner_client.get(reverse("home")).content.decode()
    assert f"Continue: {lessons[2].title}" in body


def test_resume_looks_past_its_first_window(learner, db):
    module = make_module()
    lessons = [make_lesson(module) for _ in range(progress.RESUME_WINDOW + 5)]
    now = timezone.now()
    LessonProgress.objects.bulk_create(
        LessonProgress(user=learner, lesson=lesson, completed_at=now)
        for lesson in lessons[: progress.RESUME_WINDOW + 2]
    )
    progress.recount(user_ids=[learner.pk])  # bulk_create sends no signals
    LessonProgress.objects.filter(user=learner, lesson=lessons[0]).update(
        completed_at=now + timezone.timedelta(minutes=1)
    )
    order = reading_order.visible_to(learner)
    found = progress.resume(learner, None, order)
    assert found is not None and found.pk == lessons[progress.RESUME_WINDOW + 2].pk


@pytest.mark.django_db(transaction=True)
def test_the_kept_anonymous_listing_follows_the_course(client):
    """Committed rows (as a server sees them): the listing is kept between requests and
    redrawn once a lesson or module changes."""
    module = make_module(title="Kept module", summary="Before.")
    make_lesson(module)
    assert "1 lesson<" in client.get("/").content.decode()
    make_lesson(module)
    module.summary = "After the edit."
    module.save()
    body = client.get("/").content.decode()
    assert "2 lessons<" in body and "After the edit." in body


@pytest.mark.django_db(transaction=True)
def test_kept_rows_show_each_learner_their_own_lessons_done(client, learner, other_learner):
    """Committed rows, as a server sees them, so a page of rows and each row are kept
    (lessons/views.py): learners with different lessons done on the same page, each asking
    twice, see only their own marks."""
    module = make_module(slug="kept-rows")
    lessons = [make_lesson(module, slug=f"k-{i}") for i in range(4)]
    now = timezone.now()
    for user, done in ((learner, lessons[:1]), (other_learner, lessons[1:3])):
        for lesson in done:
            LessonProgress.objects.create(user=user, lesson=lesson, completed_at=now)

    def marked(user) -> list[str]:
        client.force_login(user)
        body = client.get("/learn/kept-rows/").content.decode()
        rows = body.split('<li class="card lesson-item')[1:]
        return [
            re.findall(r"/learn/kept-rows/([a-z0-9-]+)/", row)[0]
            for row in rows
            if "is-done" in row.split(">", 1)[0]
        ]

    for _ in range(2):
        assert marked(learner) == ["k-0"]
        assert marked(other_learner) == ["k-1", "k-2"]
