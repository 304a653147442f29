"""A question, quiz or scenario the course files write keeps the slug its file gives it: the
next `load_curriculum` finds the row by it. Renamed in the admin (which said "changed
successfully"), the load added the file's row again under its slug and left the renamed one
beside it: a question archived with its answers, a quiz unpublished with its attempts, a
scenario shown twice in its lessons. The admin shows a file row's slug but does not take it,
and says how to rename in the files instead (`FileSlugForm` in lessons/admin.py). Rows written
in the admin or the app are renamed as before."""

from __future__ import annotations

import pytest
from auditlog.context import disable_auditlog
from bs4 import BeautifulSoup
from django.db import transaction

from curriculum.loader import load_curriculum
from curriculum.quiz_loader import load_quizzes
from lessons.models import Scenario, Source
from quizzes.models import Question, Quiz
from tests.curriculum.shipped_quizzes import shipped_quizzes
from tests.quizzes.builders import make_question
from tests.quizzes.test_admin_edited_elsewhere import _form
from tests.shipped import load_shipped, shipped_curriculum

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def course(django_db_setup, django_db_blocker):
    """The shipped lessons and quizzes, loaded once for this module (rolled back after it)."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_shipped()
        with disable_auditlog():
            load_quizzes(shipped_quizzes(check_cases=False))
        yield
        transaction.set_rollback(True)


def _next_load() -> None:
    """The next deploy's `load_curriculum`: the lessons' files, then the quizzes'."""
    with disable_auditlog():
        load_curriculum(shipped_curriculum())
        load_quizzes(shipped_quizzes(check_cases=False))


def _slug_box(page: str):
    return BeautifulSoup(page, "html.parser").find(attrs={"name": "slug"})


def test_a_file_questions_slug_is_shown_not_taken_and_the_next_load_finds_it(admin_client, course):
    question = Question.objects.filter(source=Source.FILE, archived=False).order_by("pk").first()
    slug, url = question.slug, f"/admin/quizzes/question/{question.pk}/change/"
    page = admin_client.get(url).content.decode()
    assert _slug_box(page).has_attr("disabled")
    assert f"<code>formerly: {slug}</code>" in page and "archive this one" in page

    sent = {**_form(admin_client, url, "question_form"), "slug": [f"{slug}-renamed"]}
    sent["explanation"] = ["Explained again."]
    assert admin_client.post(url, sent).status_code == 302  # the rest of the form is saved
    question.refresh_from_db()
    assert (question.slug, question.explanation) == (slug, "Explained again.")

    before = Question.objects.count()
    _next_load()
    assert Question.objects.count() == before
    assert not Question.objects.get(pk=question.pk).archived


def test_a_file_quizs_slug_is_shown_not_taken_and_the_next_load_finds_it(admin_client, course):
    quiz = Quiz.objects.filter(source=Source.FILE, published=True).order_by("pk").first()
    slug, url = quiz.slug, f"/admin/quizzes/quiz/{quiz.pk}/change/"
    page = admin_client.get(url).content.decode()
    assert _slug_box(page).has_attr("disabled")
    assert f"<code>formerly: {slug}</code>" in page and "unpublish this one" in page

    sent = {**_form(admin_client, url, "quiz_form"), "slug": [f"{slug}-renamed"]}
    assert admin_client.post(url, sent).status_code == 302
    quiz.refresh_from_db()
    assert quiz.slug == slug

    before = Quiz.objects.count()
    _next_load()
    assert Quiz.objects.count() == before
    assert Quiz.objects.get(pk=quiz.pk).published


def test_a_file_scenarios_slug_is_shown_not_taken_and_its_lessons_show_it_once(
    admin_client, course
):
    scenario = Scenario.objects.filter(source=Source.FILE, lessons__isnull=False).first()
    slug, url = scenario.slug, f"/admin/lessons/scenario/{scenario.pk}/change/"
    page = admin_client.get(url).content.decode()
    assert _slug_box(page).has_attr("disabled")
    assert "beside this one" in page

    sent = {**_form(admin_client, url, "scenario_form"), "slug": [f"{slug}-renamed"]}
    assert admin_client.post(url, sent).status_code == 302
    scenario.refresh_from_db()
    assert scenario.slug == slug

    _next_load()
    lesson = scenario.lessons.first()
    assert list(lesson.scenarios.filter(title=scenario.title).values_list("pk", flat=True)) == [
        scenario.pk
    ]


def test_a_question_written_in_the_admin_or_the_app_is_renamed_there(admin_client, course):
    question = make_question("single", slug="my-own-q")
    assert question.source != Source.FILE
    url = f"/admin/quizzes/question/{question.pk}/change/"
    assert not _slug_box(admin_client.get(url).content.decode()).has_attr("disabled")
    sent = {**_form(admin_client, url, "question_form"), "slug": ["my-renamed-q"]}
    assert admin_client.post(url, sent).status_code == 302
    question.refresh_from_db()
    assert question.slug == "my-renamed-q"
