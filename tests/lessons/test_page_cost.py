"""Pages cost the same number of queries with 24 lessons or 2,400 (issue 15, item 5), and
only the lesson page reads a lesson's text. Timing lives in tests/bench (`make bench`)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lessons import progress, reading_order
from lessons.models import Lesson, LessonProgress, Module
from quizzes.models import Quiz
from tests.conftest import sign_in

# Committed rows, as a server sees them: that is where the reading order is kept.
pytestmark = pytest.mark.django_db(transaction=True)

MODULES = 6


def build(per_module: int) -> dict[str, str]:
    """A course of MODULES modules with `per_module` lessons each and a quiz per module;
    returns the pages to check."""
    Module.objects.bulk_create(
        Module(slug=f"module-{m}", title=f"Module {m}", order=m) for m in range(MODULES)
    )
    modules = list(Module.objects.order_by("order"))
    Lesson.objects.bulk_create(
        Lesson(
            module=module,
            slug=f"lesson-{i}",
            title=f"Lesson {module.order}.{i}",
            summary="What it covers.",
            body=f"## Part {i}\n\nSome words about identity and access, part {i}.\n",
            order=i,
        )
        for module in modules
        for i in range(per_module)
    )
    Quiz.objects.bulk_create(
        Quiz(module=module, slug=f"quiz-{module.order}", title=f"Quiz {module.order}")
        for module in modules
    )
    reading_order.changed()  # bulk_create sends no signals
    middle = f"module-{MODULES // 2}"
    return {
        "home": reverse("home"),
        "module": reverse("module", args=[middle]),
        "lesson": reverse("lesson", args=[middle, f"lesson-{per_module // 2}"]),
        "quizzes": reverse("quizzes:list"),
        "srm": reverse("srm-explorer"),
        "compliance": reverse("compliance-explorer"),
    }


def complete_every_other(user) -> None:
    """A learner well into the course: progress grows with the course too."""
    now = timezone.now()
    LessonProgress.objects.bulk_create(
        LessonProgress(user=user, lesson_id=pk, completed_at=now)
        for pk in Lesson.objects.order_by("pk").values_list("pk", flat=True)[::2]
    )
    progress.recount(user_ids=[user.pk])  # bulk_create sends no signals: count per module


def cost(client, url: str) -> tuple[int, list[str]]:
    assert client.get(url).status_code == 200  # warm: kept order, rendered Markdown
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries), [q["sql"] for q in ctx.captured_queries]


def fresh_course(per_module: int) -> dict[str, str]:
    Lesson.objects.all().delete()
    Module.objects.all().delete()
    Quiz.objects.all().delete()
    return build(per_module)


def measure(client, user, per_module: int) -> dict[str, tuple[int, list[str]]]:
    pages = fresh_course(per_module)
    if user is not None:
        complete_every_other(user)
    return {page: cost(client, url) for page, url in pages.items()}


def measure_both(visitor, signed_in, learner, per_module: int) -> dict[str, dict]:
    """A visitor's pages, then a learner's once well into the course, on one course."""
    pages = fresh_course(per_module)
    costs = {"anonymous": {page: cost(visitor, url) for page, url in pages.items()}}
    complete_every_other(learner)
    costs["learner"] = {page: cost(signed_in, url) for page, url in pages.items()}
    return costs


def test_page_queries_do_not_grow_with_100_times_the_lessons(client, learner):
    """Both a visitor and a signed-in learner, on each course built once (building 2,400
    lessons was half of the test when each of the two built its own)."""
    signed_in = Client()
    sign_in(signed_in, learner)
    small = measure_both(client, signed_in, learner, 4)  # 24 lessons, today's course
    large = measure_both(client, signed_in, learner, 400)  # 2,400 lessons
    for who, pages in small.items():
        for page in pages:
            assert large[who][page][0] == small[who][page][0], (who, page, large[who][page][1])


def test_only_the_lesson_page_reads_lesson_text(client, learner):
    sign_in(client, learner)
    for page, (_, sql) in measure(client, learner, 40).items():
        reading_bodies = [q for q in sql if '"lessons_lesson"."body"' in q]
        # The lesson page reads its own row once per version of the course (lessons/pages.py
        # keeps it with the reading order; this is its second view, so it is kept already).
        assert len(reading_bodies) <= (1 if page == "lesson" else 0), (page, reading_bodies)


def test_the_lesson_page_asks_about_its_own_lesson_not_the_whole_history(client, learner):
    """Done or not is one row; a learner with thousands of completions costs the same."""
    sign_in(client, learner)
    _, sql = measure(client, learner, 40)["lesson"]
    progress = [q for q in sql if '"lessons_lessonprogress"' in q]
    assert progress and all('"lessons_lessonprogress"."lesson_id" =' in q for q in progress)
