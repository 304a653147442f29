"""The instructor's pages cost the same number of queries with a teacher's questions and
quizzes, and the curriculum's, at today's size or 100 times it (issue 15): the dashboard lists
a page of quizzes, the bank a page of questions, and the question editor's misconception tags
are counted by the database. Timing lives in tests/bench (`make bench`)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lessons.models import Source
from quizzes.models import Question, Quiz, QuizQuestion, Tag
from teach.bank import COUNTED_AHEAD, PAGE_SIZE
from teach.views import DASHBOARD_QUESTIONS, DASHBOARD_QUIZZES
from tests.conftest import page_queries
from tests.quizzes.builders import default_data

pytestmark = pytest.mark.django_db


def build(times: int, instructor) -> Question:
    """`times` over: 5 quizzes of the teacher's and 3 of the curriculum's, 4 questions each
    (misconceptions and tags on them); returns one of the teacher's questions."""
    Quiz.objects.all().delete()
    Question.objects.all().delete()
    tag = Tag.objects.get_or_create(slug="exam")[0]
    questions = Question.objects.bulk_create(
        Question(
            slug=f"q-{n}",
            type="single",
            category="iam" if n % 2 else "s3",
            prompt=f"Which one, case {n}?",
            explanation="Because.",
            misconceptions=["thinks-root-is-limited", "thinks-mfa-optional"][: 1 + n % 2],
            data=default_data("single"),
            owner=instructor if n % 8 < 5 else None,
            source=Source.AUTHORED if n % 8 < 5 else Source.FILE,
        )
        for n in range(32 * times)
    )
    Question.tags.through.objects.bulk_create(
        Question.tags.through(question_id=q.pk, tag_id=tag.pk) for q in questions[::3]
    )
    quizzes = Quiz.objects.bulk_create(
        Quiz(
            slug=f"quiz-{n}",
            title=f"Quiz {n}",
            owner=instructor if n % 8 < 5 else None,
            source=Source.AUTHORED if n % 8 < 5 else Source.FILE,
            published=True,
        )
        for n in range(8 * times)
    )
    QuizQuestion.objects.bulk_create(
        QuizQuestion(quiz=quiz, question=questions[4 * n + k], order=k + 1)
        for n, quiz in enumerate(quizzes)
        for k in range(4)
    )
    return questions[0]


def costs(teacher, instructor, times: int) -> dict[str, tuple[int, str]]:
    mine = build(times, instructor)
    quiz = Quiz.objects.filter(owner=instructor).first()
    new = teacher.get(reverse("teach:question-create", args=[quiz.pk, "single"]))["Location"]
    pages = {
        "dashboard": reverse("teach:dashboard"),
        "quiz": reverse("teach:quiz", args=[quiz.pk]),
        "bank": reverse("teach:bank"),
        "bank, page 2": reverse("teach:bank") + "?page=2",
        "bank, a tag": reverse("teach:bank") + "?tag=exam",
        "bank, searched": reverse("teach:bank") + "?q=case",  # every prompt has it
        "new question": new,
        "question": reverse("teach:question-edit", args=[mine.pk]),
    }
    return {page: page_queries(teacher, url, warm=True) for page, url in pages.items()}


def test_teaching_pages_cost_the_same_with_100_times_the_questions_and_quizzes(teacher, instructor):
    small = costs(teacher, instructor, 1)  # 8 quizzes, 32 questions
    large = costs(teacher, instructor, 100)  # 800 quizzes, 3,200 questions
    assert {page: n for page, (n, _) in large.items()} == {
        page: n for page, (n, _) in small.items()
    }
    dashboard = large["dashboard"][1]
    # Each list of quizzes a page of 25, as the questions (it was 50 of each).
    assert DASHBOARD_QUIZZES == DASHBOARD_QUESTIONS == 25
    assert "Quizzes 1 to 25 of 500" in dashboard  # the teacher's own
    assert "Quizzes 1 to 25 of 300" in dashboard  # the curriculum's
    assert 'href="?page=2#quizzes-title" rel="next">More quizzes</a>' in dashboard
    assert f"Questions 1 to {DASHBOARD_QUESTIONS} of 2000" in dashboard  # the teacher's own
    assert "pagination" not in small["dashboard"][1]
    # A search's matches counted only so far past the page (bank.COUNTED_AHEAD pages), not
    # all 3,200: the page says "more than".
    ahead = (1 + COUNTED_AHEAD) * PAGE_SIZE
    assert "32 questions match; page 1 of 2." in small["bank, searched"][1]
    searched = large["bank, searched"][1]
    assert (
        f"More than {ahead} questions match; page 1 of more than {ahead // PAGE_SIZE}." in searched
    )
    assert f"Page 1 of more than {ahead // PAGE_SIZE}</span>" in searched
    # Counted by the database: each question carries the first tag, every other the second.
    editor = large["new question"][1]
    assert "thinks-root-is-limited (3200)" in editor
    assert "thinks-mfa-optional (1600)" in editor


def test_the_bank_lists_the_most_recently_edited_first_with_how_many_quizzes_use_each(
    teacher, instructor
):
    build(3, instructor)
    Question.objects.filter(slug="q-8").update(prompt="Edited just now?")
    newest = Question.objects.get(slug="q-8")
    newest.save()  # its time of edit: now
    body = teacher.get(reverse("teach:bank")).content.decode()
    rows = body.split('<tr id="bank-q-')[1:]
    assert "Edited just now?" in rows[0]
    assert '<td data-label="In quizzes">1</td>' in rows[0]
    unused = Question.objects.create(
        slug="unused", type="single", category="iam", prompt="Nobody's?", owner=instructor,
        source=Source.AUTHORED, data=default_data("single"),
    )  # fmt: skip
    first = teacher.get(reverse("teach:bank")).content.decode().split('<tr id="bank-q-')[1]
    assert first.startswith(f'{unused.pk}"') and '<td data-label="In quizzes">0</td>' in first


def test_the_dashboard_shows_a_teachers_questions_a_page_at_a_time_and_says_how_many(
    teacher, instructor
):
    """It showed the hundred last edited and nothing of the rest; now a page, with the count
    and the way to the others, keeping the page the quiz lists are on."""
    build(2, instructor)  # 40 of the teacher's questions
    url = reverse("teach:dashboard")
    first = teacher.get(url).content.decode()
    assert first.count('/edit/">') == DASHBOARD_QUESTIONS
    assert f"Questions 1 to {DASHBOARD_QUESTIONS} of 40" in first
    assert 'href="?questions=2#questions-title" rel="next"' in first
    second = teacher.get(url, {"files": "1", "questions": "2"}).content.decode()
    assert second.count('/edit/">') == 40 - DASHBOARD_QUESTIONS
    assert f"Questions {DASHBOARD_QUESTIONS + 1} to 40 of 40" in second
    assert 'href="?files=1&amp;questions=1#questions-title" rel="prev"' in second
