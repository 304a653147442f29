"""Deleting or archiving a question that a lesson asks in a `::: check` line names that lesson,
with its admin page: learners then see nothing where the check was, and the lesson's next save
is refused for the line ("names no question", "names an archived question") until it is changed
or taken out. The delete pages and the archive said nothing of it, so an admin learned of it
from a refused save of the lesson later (`reading_order.checking`, `QuestionAdmin`)."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.utils.html import escape

from lessons.models import Lesson
from quizzes.models import Question
from tests.conftest import make_lesson, make_module
from tests.quizzes.builders import make_question
from tests.quizzes.test_admin_edited_elsewhere import _form

pytestmark = pytest.mark.django_db


@pytest.fixture
def asked():
    """A question asked by two lessons (one a draft), and one no lesson asks."""
    question = make_question("single", slug="asked-q")
    make_question("single", slug="quiet-q")
    module = make_module(slug="mod")
    body = "Read this.\n\n::: check asked-q\n:::\n"
    make_lesson(module, slug="first", title="First lesson", body=body)
    make_lesson(module, slug="draft", title="Draft lesson", body=body, published=False)
    make_lesson(module, slug="other", title="Other lesson", body="Nothing asked here.")
    return question


def _named(page: str) -> list[str]:
    """The lessons a delete page names as asking, each linked to its admin page."""
    box = BeautifulSoup(page, "html.parser").find(class_="linked-from")
    if box is None:
        return []
    return sorted(a.text for a in box.find_all("a") if "/admin/lessons/lesson/" in a["href"])


def test_a_questions_delete_page_names_the_lessons_asking_it(admin_client, asked):
    page = admin_client.get(f"/admin/quizzes/question/{asked.pk}/delete/").content.decode()
    assert _named(page) == ["Draft lesson", "First lesson"]
    assert "learners see nothing there" in page and "refused" in page
    quiet = Question.objects.get(slug="quiet-q")
    assert (
        _named(admin_client.get(f"/admin/quizzes/question/{quiet.pk}/delete/").content.decode())
        == []
    )

    admin_client.post(f"/admin/quizzes/question/{asked.pk}/delete/", {"post": "yes"})
    assert not Question.objects.filter(pk=asked.pk).exists()
    # What the page said: the lesson's next save is refused for the line.
    lesson = Lesson.objects.get(slug="first")
    url = f"/admin/lessons/lesson/{lesson.pk}/change/"
    refused = admin_client.post(url, _form(admin_client, url, "lesson_form"))
    assert refused.status_code == 200
    assert escape("'::: check asked-q' names no question") in refused.content.decode()


def test_delete_selected_names_the_lessons_asking_any_question_chosen(admin_client, asked):
    quiet = Question.objects.get(slug="quiet-q")
    chosen = {"action": "delete_selected", "_selected_action": [asked.pk, quiet.pk]}
    page = admin_client.post("/admin/quizzes/question/", chosen).content.decode()
    assert "Are you sure" in page
    assert _named(page) == ["Draft lesson", "First lesson"]
    only_quiet = {"action": "delete_selected", "_selected_action": [quiet.pk]}
    assert _named(admin_client.post("/admin/quizzes/question/", only_quiet).content.decode()) == []


def _warned(page: str) -> list[str]:
    soup = BeautifulSoup(page, "html.parser")
    return [" ".join(li.get_text().split()) for li in soup.select("ul.messagelist li.warning")]


def test_archiving_a_question_a_lesson_asks_names_the_lesson(client, everyday_admin, asked):
    chosen = {"action": "archive_selected", "_selected_action": [asked.pk]}
    page = client.post("/admin/quizzes/question/", chosen, follow=True).content.decode()
    assert _warned(page) == [
        "These lessons ask an archived question in a ::: check line: First lesson, Draft"
        " lesson. Learners now see nothing there, and the next save of each of them is refused"
        " until the line is changed or taken out."
    ]
    first = Lesson.objects.get(slug="first")
    assert f'href="/admin/lessons/lesson/{first.pk}/change/"' in page


def test_ticking_archived_on_the_questions_page_names_the_lesson_too(admin_client, asked):
    Lesson.objects.filter(slug="draft").delete()
    url = f"/admin/quizzes/question/{asked.pk}/change/"
    data = _form(admin_client, url, "question_form")
    data["archived"] = ["on"]
    page = admin_client.post(url, data, follow=True).content.decode()
    assert Question.objects.get(pk=asked.pk).archived
    assert _warned(page) == [
        "This lesson asks an archived question in a ::: check line: First lesson. Learners now"
        " see nothing there, and the next save of that lesson is refused until the line is"
        " changed or taken out."
    ]


def test_archiving_a_question_no_lesson_asks_says_nothing_of_lessons(client, everyday_admin, asked):
    quiet = Question.objects.get(slug="quiet-q")
    chosen = {"action": "archive_selected", "_selected_action": [quiet.pk]}
    page = client.post("/admin/quizzes/question/", chosen, follow=True).content.decode()
    assert _warned(page) == []
