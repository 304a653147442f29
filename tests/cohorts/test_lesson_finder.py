"""The lesson finder behind the assignment form (teach:lesson-find, `lessons.finder`): it finds
published lessons by words of their title or module, at most `MATCHES`, never a draft, only
for instructors, within the search rate limit; and the assignment pages cost the same queries
and about the same bytes whether the course has 6 lessons or 100 times more (the form drew
every lesson: 520 KB at 100×)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cohorts import services
from lessons import finder
from lessons.models import Lesson
from tests.cohorts.conftest import client_for
from tests.conftest import make_lesson, make_module, page_queries

pytestmark = pytest.mark.django_db
URL = reverse("teach:lesson-find")
HTMX = {"HTTP_HX_REQUEST": "true"}


def _offered(html: str) -> list[str]:
    return re.findall(r'<input type="checkbox" name="lessons" value="(\d+)"', html)


def test_it_finds_lessons_by_every_word_of_title_or_module(owner):
    storage = make_module(title="Storage security", slug="storage")
    bucket = make_lesson(storage, title="Bucket policies", slug="bucket-policies")
    keys = make_lesson(storage, title="Encryption keys")
    make_lesson(make_module(title="Identity"), title="Roles and policies")
    client = client_for(owner)
    page = client.get(URL, {"lesson_q": "storage POLICIES"}, **HTMX).content.decode()
    assert _offered(page) == [str(bucket.pk)]
    assert 'Bucket policies<span class="meta">&nbsp;·&nbsp;Storage security</span>' in page
    assert '<span id="lessons-status" hx-swap-oob="innerHTML">1 lesson matches' in page
    # a ticked lesson is not offered again; none found is said
    page = client.get(URL, {"lesson_q": "storage", "lessons": [bucket.pk]}).content.decode()
    assert _offered(page) == [str(keys.pk)]
    page = client.get(URL, {"lesson_q": "nothing-like-it"}).content.decode()
    assert _offered(page) == [] and "No lesson to add matches “nothing-like-it”." in page


def test_a_draft_lesson_or_one_of_a_draft_module_is_never_offered(owner):
    draft = make_lesson(title="Secret draft", published=False)
    hidden_module = make_module(title="Hidden", published=False)
    make_lesson(hidden_module, title="Secret in hidden module")
    page = client_for(owner).get(URL, {"lesson_q": "secret"}).content.decode()
    assert _offered(page) == [] and "Secret" not in page.replace("“secret”", "")
    assert finder.chosen([draft.pk]) == []  # nor named when its id is posted as chosen


def test_at_most_matches_come_back_and_more_is_said(owner):
    module = make_module(title="Big")
    Lesson.objects.bulk_create(
        Lesson(module=module, slug=f"l-{n}", title=f"Lesson {n}", order=n, body="x")
        for n in range(finder.MATCHES + 5)
    )
    page = client_for(owner).get(URL, {"lesson_q": "lesson"}).content.decode()
    assert len(_offered(page)) == finder.MATCHES
    assert f"The first {finder.MATCHES} lessons matching “lesson”; type more to narrow." in page


def test_only_instructors_may_search(learner, client):
    make_lesson(title="Anything")
    assert client.get(URL).status_code == 302  # to sign in
    assert client_for(learner).get(URL).status_code == 403


def test_too_many_searches_are_refused_in_the_status_line(owner, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "search": "2/60"}
    client = client_for(owner)
    for _ in range(2):
        assert client.get(URL, {"lesson_q": "x"}, **HTMX).status_code == 200
    refused = client.get(URL, {"lesson_q": "x"}, **HTMX)
    assert refused.status_code == 429 and "Retry-After" in refused
    text = refused.content.decode()
    assert "That was a lot of searches in a short time: try again in" in text
    assert 'hx-swap-oob="innerHTML"' in text and "<html" not in text


def test_odd_searches_are_answered_not_errors(owner):
    client = client_for(owner)
    for sent in ({"lesson_q": "%_\\"}, {"lesson_q": "x" * 5000}, {"lessons": ["x", "9" * 40]}):
        assert client.get(URL, sent).status_code == 200


def _grow_lessons(factor: int) -> None:
    """Every lesson copied `factor - 1` times into its module, as tests/growth.py does."""
    lessons = list(Lesson.objects.all())
    Lesson.objects.bulk_create(
        Lesson(module_id=lesson.module_id, slug=f"{lesson.slug}-c{k}", title=f"{lesson.title} ({k})",
               order=lesson.order + 1000 * k, body=lesson.body)
        for k in range(1, factor)
        for lesson in lessons
    )  # fmt: skip


def test_the_assignment_pages_cost_the_same_with_100_times_the_lessons(owner, cohort, quiz):
    modules = [make_module(title=f"Module {m}") for m in range(3)]
    lessons = [make_lesson(modules[n % 3], title=f"Lesson {n}") for n in range(6)]
    quiz.published = True
    quiz.save()
    assignment = services.assignment_create(cohort=cohort, quiz=quiz, lessons=lessons[:2], by=owner)
    client = client_for(owner)
    pages = [
        reverse("teach_cohorts:assignment-create", args=[cohort.pk]),
        reverse("teach_cohorts:assignment", args=[cohort.pk, assignment.pk]),
        f"{URL}?lesson_q=lesson&lessons={lessons[0].pk}",
    ]

    def costs() -> list[tuple[int, int]]:
        out = []
        for url in pages:
            client.get(url)  # warm
            queries, html = page_queries(client, url)
            out.append((queries, len(_offered(html))))
        return out

    small = costs()
    _grow_lessons(100)
    big = costs()
    assert [q for q, _ in big] == [q for q, _ in small]
    assert all(boxes <= finder.MATCHES + 2 for _, boxes in big)  # the chosen two, and matches
    size = len(client.get(pages[0]).content)
    assert size < 60_000, size
