"""The quiz statistics page: who sees it, what it shows, its charts' text alternatives, and a
cost that does not grow with the number of attempts."""

from __future__ import annotations

import html
import re

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from lessons.models import Source
from quizzes.models import Attempt, Quiz
from teach.charts import BAR, bar_chart
from teach.statistics import quiz_statistics, submitted_attempts
from tests.conftest import give_mfa
from tests.quizzes.builders import choices, make_question, make_quiz
from tests.teach.conftest import _instructor, client_for
from tests.teach.statsdata import bulk_class, mixed_quiz, submitted_attempt

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def _world(django_db_setup, django_db_blocker):
    """The instructor and `taken`'s quiz, built once for the module (eight tests only read the
    quiz), in a transaction rolled back when the module ends (as tests/conftest.py's
    `shipped_course`); each test runs in a savepoint inside it (pytest-django's `db`). The
    module's other tests make quizzes of their own and count only theirs."""
    with django_db_blocker.unblock(), transaction.atomic():
        user = _instructor("ines")
        quiz, questions, responses = mixed_quiz(owner=user)
        bulk_class(quiz, questions, responses, 12)
        yield user.pk, quiz.pk
        transaction.set_rollback(True)


@pytest.fixture
def instructor(_world, db):
    """tests/teach/conftest.py's instructor, the one `taken` belongs to (a fresh copy)."""
    return get_user_model().objects.get(pk=_world[0])


@pytest.fixture
def taken(_world, db):
    """The instructor's mixed quiz with twelve submitted attempts."""
    return Quiz.objects.get(pk=_world[1])


def _url(quiz) -> str:
    return reverse("teach:quiz-statistics", args=[quiz.pk])


def _svgs(page: str) -> list[str]:
    return re.findall(r"<svg\b.*?</svg>", page, flags=re.S)


def test_the_quiz_page_links_to_its_statistics(teacher, owned):
    quiz, _ = owned
    page = teacher.get(reverse("teach:quiz", args=[quiz.pk])).content.decode()
    assert f'href="{_url(quiz)}"' in page


def test_the_page_shows_every_question_with_its_numbers(teacher, taken):
    response = teacher.get(_url(taken))
    page = response.content.decode()
    assert response.status_code == 200
    assert "12</dd>" in page  # attempts counted
    for n in range(1, 8):
        assert f'id="question-{n}"' in page
    # every kind's detail is there
    assert "How often each choice was picked" in page
    assert "How often each item was placed right" in page
    assert "How often each decision was chosen" in page
    assert "Required requests, most often wrong first" in page
    assert "The most common over-grants" in page
    assert "did not parse as JSON" in page
    assert "Named a deciding statement" in page
    assert "wildcards are fine" in page  # a misconception, read as words


def test_every_chart_has_a_name_and_a_description_that_state_the_numbers(teacher, taken):
    page = teacher.get(_url(taken)).content.decode()
    charts = _svgs(page)
    # scores, facility, discrimination, misconceptions, and one per question (7)
    assert len(charts) == 11
    for svg in charts:
        assert 'role="img"' in svg
        chart_id = re.search(r'aria-labelledby="([\w-]+)-title"', svg).group(1)
        assert f'<title id="{chart_id}-title">' in svg
        desc = re.search(rf'<desc id="{chart_id}-desc">(.*?)</desc>', svg, flags=re.S).group(1)
        assert re.search(r"\d", desc), "the description states the numbers"
        assert f'aria-describedby="{chart_id}-desc"' in svg
    stats = quiz_statistics(quiz=taken, attempts=submitted_attempts(quiz=taken))
    facility = next(s for s in charts if 'id="chart-facility-title"' in s)
    for q in stats.questions:
        assert f"Q{q.position}: {round(q.facility * 100)}%" in facility


def test_the_page_keeps_the_csp(teacher, taken):
    response = teacher.get(_url(taken))
    page = response.content.decode()
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert " style=" not in page
    assert "<style" not in page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page), "no inline script"


def test_a_quiz_without_attempts(teacher, owned):
    quiz, _ = owned
    Attempt.objects.create(quiz=quiz, question_ids=[], started_at="2026-01-01T00:00Z")  # open
    page = teacher.get(_url(quiz)).content.decode()
    assert "No submitted attempts yet" in page
    assert "<svg" not in page


def test_a_question_taken_out_or_archived_since_says_so_beside_its_number(teacher, instructor):
    """Answers to a question taken out of the quiz are still counted, numbered after the
    questions the quiz lists: "Q3" of a quiz of two said nothing of why the quiz's page has
    no third question; an archived one (still listed, "Archived: not in new attempts" on the
    quiz's page) read as any other."""
    from teach import services as teach

    questions = [make_question("single", owner=instructor, prompt=f"Question {n}?") for n in "ABC"]
    quiz = make_quiz(*questions, owner=instructor, source=Source.AUTHORED)
    submitted_attempt(quiz, questions, answers={q: {"choice": 0} for q in questions})
    teach.quiz_remove_question(quiz=quiz, question=questions[0])
    teach.question_delete_or_archive(question=questions[2])  # answered: archived, not deleted
    drawn = re.sub(r"<[^>]+>", " ", teacher.get(_url(quiz)).content.decode())
    page = " ".join(html.unescape(drawn).split())
    assert "Q1. Question B? Single choice" in page
    assert "Q2. Question C? (archived: not in new attempts) Single choice" in page
    assert "Q3. Question A? (taken out of the quiz since) Single choice" in page
    assert "Q3. Question A? (taken out of the quiz since) Single choice · answered in 1 " in page


def test_a_drawn_quiz_lists_no_question_and_so_took_none_out(teacher, instructor):
    """A quiz that draws its questions lists none of them: none is said taken out."""
    questions = [make_question("single", owner=instructor, category="drawn") for _ in range(2)]
    quiz = make_quiz(owner=instructor, source=Source.AUTHORED, draw_category="drawn", draw_count=2)
    submitted_attempt(quiz, questions, answers={q: {"choice": 0} for q in questions})
    page = teacher.get(_url(quiz)).content.decode()
    assert "Q2." in page and "taken out" not in page


def test_first_attempts_only(teacher, instructor):
    quiz, questions, responses = mixed_quiz(owner=instructor)
    users = [get_user_model().objects.create_user(f"u{n}") for n in range(3)]
    bulk_class(quiz, questions, responses, 9, users=users)  # three attempts each
    page = teacher.get(_url(quiz), {"attempts": "first"}).content.decode()
    assert "3</dd>" in page and "(each learner's first)" in page
    assert re.search(r'value="first"[^>]*\bchecked', page)


def test_a_bad_filter_is_named_and_all_attempts_are_shown(teacher, taken):
    response = teacher.get(_url(taken), {"attempts": "best"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose “all attempts” or “first attempts”." in page
    assert "12</dd>" in page


def test_htmx_gets_only_the_results(teacher, taken):
    response = teacher.get(_url(taken), {"attempts": "first"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="stats-results"')
    assert "<html" not in page
    assert "HX-Request" in response["Vary"]
    # the persistent status region outside the swapped part says what changed
    assert '<p id="live-status" hx-swap-oob="innerHTML">Showing 12 attempts' in page


def test_the_slug_address_redirects_to_the_id_one(teacher, taken):
    response = teacher.get(
        reverse("teach:quiz-statistics-by-slug", args=[taken.slug]), {"attempts": "first"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{_url(taken)}?attempts=first"


def test_an_all_digit_slug_does_not_reach_the_slug_route(teacher, instructor):
    question = make_question("single", owner=instructor, source=Source.AUTHORED)
    quiz = make_quiz(question, slug="2026", owner=instructor, source=Source.AUTHORED)
    # /teach/quizzes/2026/statistics/ is the quiz with id 2026 (none): a 404, not a redirect
    response = teacher.get(f"/teach/quizzes/{quiz.slug}/statistics/")
    assert response.status_code == 404


def test_another_instructor_cannot_see_the_statistics_nor_learn_the_slug(other_instructor, taken):
    other = client_for(other_instructor)
    assert other.get(_url(taken)).status_code == 404
    slug_url = reverse("teach:quiz-statistics-by-slug", args=[taken.slug])
    assert other.get(slug_url).status_code == 404


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_page_costs_the_same_queries_for_10_or_60_attempts(teacher, instructor):
    quiz, questions, responses = mixed_quiz(owner=instructor)
    bulk_class(quiz, questions, responses, 10)
    teacher.get(_url(quiz))  # warm the session and the caches
    small = _queries(teacher, _url(quiz))
    bulk_class(quiz, questions, responses, 50)
    assert _queries(teacher, _url(quiz)) == small


def test_the_statistics_cost_six_queries_whatever_the_attempts(
    instructor, django_assert_max_num_queries
):
    quiz, questions, responses = mixed_quiz(owner=instructor)
    for n in (5, 100):
        bulk_class(quiz, questions, responses, n)
        with django_assert_max_num_queries(6):
            stats = quiz_statistics(quiz=quiz, attempts=submitted_attempts(quiz=quiz))
        assert stats.attempts == Attempt.objects.filter(quiz=quiz).count()


def test_the_page_closes_the_quizs_overdue_attempts_and_asks_in_one_query(
    teacher, instructor, learner
):
    """A timed quiz: a learner walked away mid-attempt. Opening its statistics closes that
    attempt as it stood at its deadline and counts it; another quiz's overdue attempt stays
    open. Asking when none is overdue costs one query."""
    from datetime import timedelta

    from quizzes.attempts import attempt_start

    timed = make_quiz(make_question("true_false"), owner=instructor, time_limit=10)
    other = make_quiz(make_question("true_false"), owner=instructor, time_limit=10)
    long_ago = timezone.now() - timedelta(hours=1)
    mine = attempt_start(quiz=timed, user=learner, now=long_ago)
    elsewhere = attempt_start(quiz=other, user=learner, now=long_ago)
    body = teacher.get(_url(timed)).content.decode()
    assert "<dt>Attempts counted</dt><dd>1</dd>" in body
    mine.refresh_from_db()
    assert mine.submitted_at == mine.deadline and mine.score == 0
    assert Attempt.objects.get(pk=elsewhere.pk).submitted_at is None
    with CaptureQueriesContext(connection) as ctx:
        assert teacher.get(_url(timed)).status_code == 200
    asked = [q["sql"] for q in ctx.captured_queries if '"deadline" <' in q["sql"]]
    assert len(asked) == 1, asked


def test_a_bar_chart_puts_each_label_above_its_bar_and_reads_the_right_answer_out():
    """The narrow layout a phone can read: the label on its own line above the bar, the bar
    and its number inside the chart's width; beside the bar a right answer is marked ✓ with
    the count alone (the column is narrow), and the description says it in words."""
    chart = bar_chart(
        chart_id="c",
        title="Picked",
        rows=[
            ("✓ Turn on MFA for the root user", 1.0, "12 of 12 (100%) (right answer)",
             "bar-key", "12 of 12 (100%)"),
            ("Share it", 0.0, "0 of 12 (0%)", "bar-plain"),
        ],
    )  # fmt: skip
    right, other = chart.bars
    assert right.text == "12 of 12 (100%)" and other.text == "0 of 12 (0%)"
    assert "Turn on MFA for the root user: 12 of 12 (100%) (right answer)" in chart.desc
    assert right.label_y < right.bar_y < right.text_y < other.y <= other.label_y
    assert chart.height >= other.bar_y + BAR
    assert right.x + right.width < chart.value_x < chart.width


def test_questions_and_misconceptions_read_as_words_not_as_typed():
    """The statistics name a question by its prompt's words, as the quiz's page does, and the
    misconception chart reads a tag as the table beside it does ("confusing …", "NACLs")."""
    from types import SimpleNamespace

    from teach.statistics_page import misconception_chart, question_label

    prompt = "Which wins when an **explicit deny** and `s3:*` both match?"
    q = SimpleNamespace(position=2, question=SimpleNamespace(prompt=prompt))
    assert question_label(q) == "Q2. Which wins when an explicit deny and s3:* both match?"
    tags = ["thinks-deny-always-wins-in-nacls", "confuses-explicit-and-implicit-deny"]
    stats = SimpleNamespace(
        learners=2, misconceptions=[SimpleNamespace(tag=t, learners=1) for t in tags]
    )
    labels = [bar.label for bar in misconception_chart(stats).bars]
    assert labels == ["thinking deny always wins in NACLs", "confusing explicit and implicit deny"]


def test_a_choice_with_a_code_span_reads_as_code_not_as_typed(teacher, instructor):
    """A choice written with a code span (`s3:GetObject`) is drawn as code in the answers table,
    as the quiz page draws it, and read without its backticks in the chart, which holds no
    markup: the teacher saw, and a screen reader read out, the backticks as typed."""
    question = make_question(
        "single",
        owner=instructor,
        source=Source.AUTHORED,
        lesson=None,
        category="mine",
        data={"choices": choices(("Allow `s3:GetObject`", True), ("Allow `s3:*`", False))},
    )
    quiz = make_quiz(question, owner=instructor, source=Source.AUTHORED, published=False)
    right = question.data["choices"][0]
    submitted_attempt(quiz, [question], answers={question: {"choice": right["id"]}})
    page = teacher.get(_url(quiz)).content.decode()
    answers = page.split('aria-label="How often each answer was given', 1)[1]
    assert '<th scope="row">Allow <code>s3:GetObject</code></th>' in answers
    chart = next(svg for svg in _svgs(page) if "chart-q1-" in svg)
    assert "Allow s3:GetObject" in chart and "`" not in chart


def test_the_mean_score_is_a_whole_percent_rounded_down_as_every_score_shown(teacher, owned):
    """A learner's 2.8% reads "2%" on their result and in the gradebook ("mean best 2%"); the
    statistics page rounded the same mean to "3%" (QA walk, 2026-12-07)."""
    quiz, question = owned
    attempt = submitted_attempt(quiz, [question])
    Attempt.objects.filter(pk=attempt.pk).update(score=0.028)
    page = teacher.get(_url(quiz)).content.decode()
    assert "<dt>Mean score</dt><dd>2%" in page


def test_the_authors_own_attempts_are_left_out_of_every_learners_figures(
    teacher, instructor, learner, staff
):
    """Ines tries her own quiz twice on the learner pages (a wrong answer each time); Ada and
    an anonymous learner take it once each. Over every learner the figures are theirs alone,
    on the page and in its htmx part, whichever attempts are counted, and the page says so."""
    question = make_question("single", owner=instructor, source=Source.AUTHORED)
    quiz = make_quiz(question, owner=instructor, source=Source.AUTHORED)
    right = next(c["id"] for c in question.choices() if c["correct"])
    wrong = next(c["id"] for c in question.choices() if not c["correct"])
    for minutes in (0, 10):
        submitted_attempt(
            quiz,
            [question],
            user=instructor,
            minutes=minutes,
            answers={question: {"choice": wrong}},
        )
    submitted_attempt(quiz, [question], user=learner, answers={question: {"choice": right}})
    submitted_attempt(quiz, [question], key="anon-1", answers={question: {"choice": right}})
    page = html.unescape(teacher.get(_url(quiz)).content.decode())
    assert "<dt>Attempts counted</dt><dd>2</dd>" in page
    assert "<dt>Learners</dt><dd>2</dd>" in page
    assert "<dt>Mean score</dt><dd>100%" in page
    assert "Your own attempts at it, taken on the learners' pages, are left out" in page
    first = teacher.get(_url(quiz), {"attempts": "first"}, HTTP_HX_REQUEST="true")
    assert "Showing 2 attempts, each learner's first." in html.unescape(first.content.decode())
    give_mfa(staff)
    as_staff = html.unescape(client_for(staff).get(_url(quiz)).content.decode())
    assert "Its author's own attempts, taken on the learners' pages, are left out" in as_staff
    assert "<dt>Attempts counted</dt><dd>2</dd>" in as_staff
