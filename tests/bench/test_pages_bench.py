"""Page cost as the course grows (issue 15): home and a lesson page with today's course size
(24 lessons) and with 100 times as many (2,400). Run with `make bench`; figures are printed.

Budget: at 100x, each page's median server time is within 20% of its time at 1x (plus 0.3 ms
for timer noise). Measured through Django's test client against committed rows, as a server
sees them, with the reading order kept between requests as in production.
"""

from __future__ import annotations

import statistics
import time

import pytest
from django.test import Client
from django.urls import reverse

from lessons.models import Lesson, Module

pytestmark = [pytest.mark.bench, pytest.mark.django_db(transaction=True)]

RUNS = 150
GROWTH_ALLOWED = 1.20
NOISE_MS = 0.3
BODY = (
    "A paragraph of lesson text about who secures what, with **some** emphasis. " * 12 + "\n\n"
) * 8


def build_course(modules: int, lessons_per_module: int) -> tuple[str, str]:
    # The course grows by lessons, not modules: home lists the modules, one card each.
    """A course of the given size; returns the URL of a lesson in the middle."""
    Module.objects.bulk_create(
        Module(slug=f"module-{m}", title=f"Module {m}", order=m) for m in range(modules)
    )
    by_slug = {module.slug: module for module in Module.objects.all()}
    Lesson.objects.bulk_create(
        Lesson(
            module=by_slug[f"module-{m}"],
            slug=f"lesson-{i}",
            title=f"Lesson {m}.{i}",
            summary="What this lesson covers.",
            body=BODY,
            order=i,
        )
        for m in range(modules)
        for i in range(lessons_per_module)
    )
    from lessons import reading_order

    reading_order.changed()  # bulk_create sends no signals
    middle = f"module-{modules // 2}"
    return middle, reverse("lesson", args=[middle, f"lesson-{lessons_per_module // 2}"])


def median_ms(client: Client, url: str) -> float:
    for _ in range(10):  # warm: caches, the kept order, rendered Markdown
        assert client.get(url).status_code == 200
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def measure(modules: int, per_module: int) -> dict[str, float]:
    Lesson.objects.all().delete()
    Module.objects.all().delete()
    _, lesson_url = build_course(modules, per_module)
    client = Client()
    return {"home": median_ms(client, reverse("home")), "lesson": median_ms(client, lesson_url)}


def test_pages_cost_the_same_with_100_times_the_lessons():
    small = measure(6, 4)  # 24 lessons, like today's course
    large = measure(6, 400)  # 2,400 lessons in the same modules
    print()
    print(f"  {'page':8} {'24 lessons':>12} {'2,400 lessons':>14} {'ratio':>7}")
    for page in small:
        print(
            f"  {page:8} {small[page]:10.2f}ms {large[page]:12.2f}ms"
            f" {large[page] / small[page]:7.2f}"
        )
    for page in small:
        assert large[page] <= small[page] * GROWTH_ALLOWED + NOISE_MS, page
