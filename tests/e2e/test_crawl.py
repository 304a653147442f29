"""Every page type, opened in Chromium at desktop and phone size: no console error (the page
fixtures check that), no serious or critical axe-core violation, no sideways scroll, and none
of the layout problems tests/e2e/layout.py names (a box that scrolls sideways without a name
and a keyboard stop, or one that does not scroll but is a stop or says it scrolls, a chart's or
a diagram's text too small to read). At phone size every lesson
and the glossary are opened too, for their tables and diagrams, without axe (the desktop crawl
runs axe on each)."""

from __future__ import annotations

import pytest

from lessons.models import Lesson, Module
from quizzes.models import Quiz
from tests.e2e.accessibility import serious_violations
from tests.e2e.journeys import no_horizontal_scroll
from tests.e2e.layout import layout_problems

pytestmark = pytest.mark.e2e


def every_page() -> list[str]:
    urls = [
        "/",
        "/learn/srm/",
        "/learn/srm/?service=ec2&compare=rds",
        "/learn/srm/?service=" + "x" * 300,
        "/learn/compliance/",
        "/labs/",
        "/quizzes/",
        "/sandbox/",
        "/sandbox/?preset=role-trust-cross-account-assume",
        "/lab/findings/",
        "/lab/findings/?preset=not-quite-json",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/security/",
        "/progress/",
        "/no-such-page/",
        "/learn/glossary/",
        "/learn/glossary/service-control-policy/",
        "/search/?q=permissions+boundary",
    ]
    urls += [m.get_absolute_url() for m in Module.objects.order_by("order")]
    urls += [lesson.get_absolute_url() for lesson in Lesson.objects.in_reading_order()]
    urls += [q.get_absolute_url() for q in Quiz.objects.order_by("pk")[:2]]
    return urls


PHONE_PAGES = [
    "/",
    "/learn/srm/?service=ec2&compare=rds",
    "/learn/compliance/",
    "/lab/findings/?preset=inspector-critical-ecr",
    "/labs/",
    "/quizzes/",
    "/security/",
    "/progress/",
    "/search/?q=permissions+boundary",
]


def crawl(page, urls=None, *, axe: bool = True) -> list[str]:
    problems = []
    for url in urls or every_page():
        page.goto(url)
        if axe:
            problems += [f"{url}: {v}" for v in serious_violations(page)]
        try:
            no_horizontal_scroll(page)
        except AssertionError as wide:
            problems.append(f"{url}: {wide}")
        problems += [f"{url}: {problem}" for problem in layout_problems(page)]
    return problems


def test_every_page_on_a_desktop(page, console):
    console.allow("status of 404")  # /no-such-page/
    problems = crawl(page)
    assert not problems, "\n".join(problems)


def test_every_page_on_a_phone(phone):
    lessons = Lesson.objects.in_reading_order()
    urls = [*PHONE_PAGES, lessons.first().get_absolute_url(), lessons.last().get_absolute_url()]
    problems = crawl(phone, urls + ["/sandbox/?preset=role-trust-cross-account-assume"])
    others = [
        lesson.get_absolute_url() for lesson in lessons if lesson.get_absolute_url() not in urls
    ]
    problems += crawl(phone, [*others, "/learn/glossary/"], axe=False)
    assert not problems, "\n".join(problems)
