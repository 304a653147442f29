"""The quiz list costs the same number of queries with today's quizzes or 100 times as many
(issue 15): it shows a page of them, and counts the questions of those alone. The admin's
list of quizzes likewise. Timing lives in tests/bench (`make bench`)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from lessons.models import Module
from quizzes.models import Attempt, Quiz, QuizQuestion
from quizzes.views import QUIZZES_PER_PAGE
from tests.conftest import give_mfa, page_queries, sign_in
from tests.quizzes.builders import make_question

pytestmark = pytest.mark.django_db

MODULES = 6


def build(per_module: int, learner) -> None:
    """`per_module` published quizzes in each of MODULES modules (a quiz per module is today's
    course), two questions each, and an attempt by `learner` at every one of them."""
    Attempt.objects.all().delete()
    QuizQuestion.objects.all().delete()
    Quiz.objects.all().delete()
    Module.objects.all().delete()
    Module.objects.bulk_create(
        Module(slug=f"module-{m}", title=f"Module {m}", order=m) for m in range(MODULES)
    )
    quizzes = Quiz.objects.bulk_create(
        Quiz(module=module, slug=f"quiz-{module.order}-{n}", title=f"Quiz {module.order}.{n}")
        for module in Module.objects.order_by("order")
        for n in range(per_module)
    )
    first, second = make_question(lesson=None), make_question(lesson=None)
    QuizQuestion.objects.bulk_create(
        QuizQuestion(quiz=quiz, question=question, order=order)
        for quiz in quizzes
        for order, question in enumerate((first, second), start=1)
    )
    now = timezone.now()
    Attempt.objects.bulk_create(
        Attempt(quiz=quiz, user=learner, question_ids=[first.pk, second.pk], started_at=now,
                submitted_at=now, score=0.5)
        for quiz in quizzes
    )  # fmt: skip


def costs(client, learner, per_module: int) -> dict[str, tuple[int, str]]:
    build(per_module, learner)
    url = reverse("quizzes:list")
    return {
        "visitor": page_queries(client, url, warm=True),
        "learner": page_queries(_signed_in(learner), url, warm=True),
    }


def _signed_in(user):
    from django.test import Client

    client = Client()
    sign_in(client, user)
    return client


def test_the_quiz_list_costs_the_same_with_100_times_the_quizzes(client, learner):
    small = costs(client, learner, 1)  # 6 quizzes, one a module, as today's course
    large = costs(client, learner, 100)  # 600
    for who in small:
        assert large[who][0] == small[who][0], who
    page = large["learner"][1]
    assert page.count('class="card quiz-card"') == QUIZZES_PER_PAGE
    assert f"Quizzes 1 to {QUIZZES_PER_PAGE} of 600" in page
    assert "2 questions&nbsp;·&nbsp;pass mark" in page and "1 attempt, best 50%" in page
    assert 'href="?page=2" rel="next">More quizzes</a>' in page
    # The site's pager: the far pages elided, the last one a link away (1 2 … 20).
    last = -(-600 // QUIZZES_PER_PAGE)
    assert f'<a href="?page={last}"><span class="visually-hidden">Page </span>{last}</a>' in page
    assert '<a href="?page=3">' not in page and "<li>…</li>" in page
    assert "pagination" not in small["learner"][1]  # one page: no page links


def test_the_last_page_of_quizzes_ends_the_course_and_a_wrong_page_shows_the_nearest(
    client, learner
):
    build(100, learner)
    last = -(-600 // QUIZZES_PER_PAGE)
    body = client.get(reverse("quizzes:list"), {"page": last}).content.decode()
    assert "Quiz 5.99" in body and "More quizzes" not in body and "Previous quizzes" in body
    assert client.get(reverse("quizzes:list"), {"page": "9999"}).content.decode().count(
        "quiz-card"
    ) == body.count("quiz-card")
    assert "Quiz 0.0<" in client.get(reverse("quizzes:list"), {"page": "two"}).content.decode()


def test_the_admin_list_of_quizzes_reads_their_modules_with_them(client, learner):
    """The module is optional, so Django did not join it: a query per quiz listed."""
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", password="a-long-passphrase-9")
    give_mfa(admin)
    sign_in(client, admin)
    counts = []
    for per_module in (1, 15):  # 90 quizzes: one page of the admin's list
        build(per_module, learner)
        count, body = page_queries(client, "/admin/quizzes/quiz/", warm=True)
        assert len(re.findall(r"field-module nowrap\">Module 5<", body)) == per_module
        counts.append(count)
    assert counts[0] == counts[1]


def test_a_modules_page_reads_its_first_quiz_alone(client, learner):
    """The module page (and a lesson's) names the module's first quiz: with 100 quizzes in
    the module it read all of them and worked out every one's address."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from lessons import reading_order
    from tests.conftest import make_lesson

    build(100, learner)
    module = Module.objects.get(order=3)
    make_lesson(module)
    reading_order.changed()
    url = reverse("module", args=[module.slug])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        body = client.get(url).content.decode()
    assert 'href="/quizzes/quiz-3-0/">Quiz 3.0</a>' in body
    quiz_reads = [q["sql"] for q in queries if 'FROM "quizzes_quiz"' in q["sql"]]
    assert len(quiz_reads) == 1 and quiz_reads[0].rstrip().endswith("LIMIT 1")


def _filters(page: str) -> str:
    """The admin list's filter panel, as drawn."""
    return re.search(r'<nav id="changelist-filter".*?</nav>', page, re.S)[0]


def test_the_admin_list_of_attempts_filters_by_a_typed_quiz_not_a_link_per_quiz(client, learner):
    """Its quiz filter drew a link per quiz (1,400 at 100×: 198 KB a page); the quiz is typed
    (its address or id), and the page costs the same queries at 6 or 600 quizzes, its filters
    the same bytes."""
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("root", password="a-long-passphrase-9")
    give_mfa(admin)
    sign_in(client, admin)
    url = "/admin/quizzes/attempt/"
    seen = []
    for per_module in (1, 100):  # 6 quizzes, then 600
        build(per_module, learner)
        third = Quiz.objects.get(slug="quiz-3-0").pk
        pages = {
            "list": url,
            "a quiz": f"{url}?quiz=quiz-2-0&passed__exact=0",
            "by id, searched": f"{url}?q={learner.username}&quiz={third}",
        }
        costs = {page: page_queries(client, address, warm=True) for page, address in pages.items()}
        seen.append(({page: n for page, (n, _) in costs.items()}, _filters(costs["list"][1])))
    (small, small_filters), (large, large_filters) = seen
    assert large == small
    # the same six modules (their ids a digit longer) and the typed box, no quiz listed
    assert abs(len(large_filters) - len(small_filters)) < 50 and "quiz-4-0" not in large_filters
    one = costs["a quiz"][1]
    assert 'value="quiz-2-0"' in one and "Quiz 2.0 (quiz-2-0)" in _filters(one)
    # the other filters stay when a quiz is typed: the box's form sends them along
    assert '<input type="hidden" name="passed__exact" value="0">' in one
    assert one.count('class="field-quiz') == 0  # the learner passed none: filtered to nothing
    by_id = costs["by id, searched"][1]
    assert by_id.count('class="field-quiz') == 1 and "Quiz 3.0 (quiz-3-0)" in _filters(by_id)
    assert f'<input type="hidden" name="q" value="{learner.username}">' in by_id
    _, unknown = page_queries(client, f"{url}?quiz=no-such-quiz")
    assert "No quiz has the address “no-such-quiz”." in unknown
    assert unknown.count('class="field-quiz') == 0
