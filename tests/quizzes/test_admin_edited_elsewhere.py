"""Two admins (or two tabs) on one quiz or question in the admin: the page saved second was
drawn before the first save, and Django wrote it over that save without a word. It is refused
once, everything typed kept; saving again is a deliberate overwrite (srm_trainer/admin_stale.py)."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from quizzes.models import Question, Quiz
from tests.quizzes.builders import make_question, make_quiz

pytestmark = pytest.mark.django_db
CLASHED = "was saved somewhere else (another tab, or another admin)"


def _form(client, url: str, form_id: str) -> dict[str, list[str]]:
    """What the change page's form posts as drawn (or as drawn again, refused)."""
    soup = BeautifulSoup(client.get(url).content.decode(), "html.parser")
    return _fields(soup.find("form", id=form_id))


def _fields(form) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for field in form.find_all(["input", "textarea", "select"]):
        name = field.get("name")
        if not name or field.get("type") in ("submit", "button", "file"):
            continue
        if field.name == "textarea":
            value = field.text.removeprefix("\n")
        elif field.name == "select":
            chosen = field.find_all("option", selected=True)
            values = [o.get("value", "") for o in chosen]
            data.setdefault(name, []).extend(values)
            continue
        elif field.get("type") in ("checkbox", "radio"):
            if not field.has_attr("checked"):
                continue
            value = field.get("value", "on")
        else:
            value = field.get("value", "")
        data.setdefault(name, []).append(value)
    return data


def test_quiz_settings_saved_in_another_tab_are_not_undone_by_a_stale_page(admin_client):
    quiz = make_quiz(make_question(), title="Original", pass_mark=70)
    url = f"/admin/quizzes/quiz/{quiz.pk}/change/"
    first, second = _form(admin_client, url, "quiz_form"), _form(admin_client, url, "quiz_form")

    assert admin_client.post(url, {**first, "pass_mark": ["90"]}).status_code == 302
    refused = admin_client.post(url, {**second, "title": ["Renamed in the other tab"]})

    assert refused.status_code == 200
    page = refused.content.decode()
    assert CLASHED in page
    assert 'value="Renamed in the other tab"' in page  # what was typed, kept
    assert Quiz.objects.get(pk=quiz.pk).pass_mark == 90  # the first save stands
    assert Quiz.objects.get(pk=quiz.pk).title == "Original"

    # The refused page remembers the newer save: saving it again is a choice, and works.
    again = BeautifulSoup(page, "html.parser").find("form", id="quiz_form")
    assert admin_client.post(url, _fields(again)).status_code == 302
    quiz.refresh_from_db()
    assert (quiz.title, quiz.pass_mark) == ("Renamed in the other tab", 70)


def test_a_question_saved_in_another_tab_is_not_undone_by_a_stale_page(admin_client):
    question = make_question(prompt="First words?")
    url = f"/admin/quizzes/question/{question.pk}/change/"
    first = _form(admin_client, url, "question_form")
    second = _form(admin_client, url, "question_form")
    assert admin_client.post(url, {**first, "explanation": ["Fixed here"]}).status_code == 302
    refused = admin_client.post(url, {**second, "prompt": ["Other words?"]})
    assert CLASHED in refused.content.decode()
    assert Question.objects.get(pk=question.pk).explanation == "Fixed here"


def test_saving_the_same_page_twice_in_a_row_is_no_clash(admin_client):
    quiz = make_quiz(make_question(), title="Original")
    url = f"/admin/quizzes/quiz/{quiz.pk}/change/"
    first = _form(admin_client, url, "quiz_form")
    assert admin_client.post(url, {**first, "title": ["One"]}).status_code == 302
    assert (
        admin_client.post(
            url, {**_form(admin_client, url, "quiz_form"), "title": ["Two"]}
        ).status_code
        == 302
    )
    assert Quiz.objects.get(pk=quiz.pk).title == "Two"


def test_a_refused_stale_save_says_one_thing_at_the_top(admin_client):
    """Django's "Please correct the error below." stood over a form with nothing below to
    correct; the refusal alone says what happened, and the title still says Error. With a
    field's own error too, Django's note stays (there is something below)."""
    quiz = make_quiz(make_question(), title="Original", pass_mark=70)
    url = f"/admin/quizzes/quiz/{quiz.pk}/change/"
    first, second = _form(admin_client, url, "quiz_form"), _form(admin_client, url, "quiz_form")
    assert admin_client.post(url, {**first, "pass_mark": ["90"]}).status_code == 302

    soup = BeautifulSoup(admin_client.post(url, second).content.decode(), "html.parser")
    notes = [note.get_text(" ", strip=True) for note in soup.select(".errornote")]
    assert len(notes) == 1 and CLASHED in notes[0]
    assert "Please correct" not in soup.get_text()
    assert soup.title.get_text().startswith("Error:")

    both = admin_client.post(url, {**second, "pass_mark": ["not a number"]}).content.decode()
    assert "Please correct the error" in both and CLASHED in both
