"""The quiz settings form edits tries, the penalty per extra try and certainty-based marking,
and refuses settings that contradict each other with a message on the field."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from tests.teach.test_views_quizzes import SETTINGS

# response.context is read by the tests marked with `template_context` (tests/conftest.py)
pytestmark = pytest.mark.django_db


def _edit(teacher, quiz, **change):
    return teacher.post(reverse("teach:quiz-edit", args=[quiz.pk]), {**SETTINGS, **change})


def test_tries_penalty_and_certainty_are_saved_and_shown(teacher, owned):
    quiz, _ = owned
    response = _edit(
        teacher, quiz, feedback="immediate", tries="3", try_penalty="25", certainty="on"
    )
    assert response.status_code == 302
    quiz.refresh_from_db()
    assert (quiz.tries, quiz.try_penalty, quiz.certainty) == (3, 25, True)
    page = teacher.get(reverse("teach:quiz", args=[quiz.pk])).content.decode()
    assert "<dt>Tries per question</dt><dd>3, 25% off per extra try</dd>" in page
    form = teacher.get(reverse("teach:quiz-edit", args=[quiz.pk])).content.decode()
    assert 'name="tries" value="3"' in form and 'name="certainty"' in form


def test_left_empty_they_are_one_try_without_penalty(teacher, owned):
    quiz, _ = owned
    assert _edit(teacher, quiz, tries="", try_penalty="").status_code == 302
    quiz.refresh_from_db()
    assert (quiz.tries, quiz.try_penalty, quiz.certainty) == (1, 0, False)


@pytest.mark.usefixtures("template_context")
@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"feedback": "end", "tries": "2"}, "tries", "feedback after each question"),
        (
            {"feedback": "immediate", "tries": "1", "try_penalty": "10"},
            "try_penalty",
            "more than one try",
        ),
        ({"feedback": "immediate", "tries": "2", "try_penalty": "150"}, "try_penalty", "0-100"),
        ({"feedback": "immediate", "tries": "11"}, "tries", "from 1 to 10"),
    ],
)
def test_contradictions_are_refused_on_their_field(teacher, owned, change, field, words):
    quiz, _ = owned
    response = _edit(teacher, quiz, **change)
    assert response.status_code == 200
    assert words in " ".join(response.context["form"].errors[field])
    assert words in response.content.decode()
    quiz.refresh_from_db()
    assert (quiz.tries, quiz.try_penalty) == (1, 0)


def _summary(response) -> str:
    page = html.unescape(response.content.decode())
    found = re.search(
        r'<div class="form-error" role="alert"[^>]*id="problems".*?</div>', page, re.S
    )
    assert found, "no summary"
    return " ".join(re.sub(r"<[^>]+>", " ", found.group(0)).split())


@pytest.mark.usefixtures("template_context")
@pytest.mark.parametrize(
    ("change", "on_tries", "on_penalty"),
    [
        ({"feedback": "immediate", "tries": "11", "try_penalty": "150"}, "from 1 to 10", "0-100"),
        ({"feedback": "end", "tries": "2", "try_penalty": "150"}, "feedback after each", "0-100"),
    ],
)
def test_a_problem_of_each_setting_is_said_by_one_save(
    teacher, owned, change, on_tries, on_penalty
):
    """Two independent mistakes: the penalty's was held back until the tries' was fixed."""
    quiz, _ = owned
    response = _edit(teacher, quiz, **change)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert on_tries in " ".join(errors["tries"])
    assert on_penalty in " ".join(errors["try_penalty"])
    summary = _summary(response)
    assert f"Tries per question: {errors['tries'][0]}" in summary
    assert f"Penalty per extra try (percent): {errors['try_penalty'][0]}" in summary
    quiz.refresh_from_db()
    assert (quiz.tries, quiz.try_penalty) == (1, 0)


def test_the_preview_asks_for_certainty_and_says_what_it_would_score(teacher, instructor):
    from lessons.models import Source
    from quizzes.models import Answer
    from tests.quizzes.builders import make_question, make_quiz

    question = make_question(
        "policy_decision", owner=instructor, source=Source.AUTHORED, lesson=None
    )
    quiz = make_quiz(question, owner=instructor, source=Source.AUTHORED, certainty=True)
    page = teacher.get(reverse("teach:quiz-preview", args=[quiz.pk])).content.decode()
    assert "How sure are you?" in page and '<label for="certainty-3">' in page
    check = reverse("teach:quiz-preview-check", args=[quiz.pk, 1])
    missing = teacher.post(check, {"decision": "Allow"}).content.decode()
    assert "Say how sure you are" in missing
    body = teacher.post(check, {"decision": "ImplicitDeny", "certainty": "3"}).content.decode()
    assert "would score −6 on the certainty scale" in body
    assert Answer.objects.count() == 0


def test_a_preview_check_moves_focus_to_its_verdict_as_a_learners_does(teacher, instructor):
    """Swapped in with the question, the feedback's own live region was often not announced:
    as in quizzes/take.html, focus goes to it (htmx's autofocus), and it is read."""
    from bs4 import BeautifulSoup

    from lessons.models import Source
    from tests.quizzes.builders import make_question, make_quiz

    question = make_question(
        "policy_decision", owner=instructor, source=Source.AUTHORED, lesson=None
    )
    quiz = make_quiz(question, owner=instructor, source=Source.AUTHORED)
    check = reverse("teach:quiz-preview-check", args=[quiz.pk, 1])
    live = teacher.post(check, {"decision": "Allow"}, headers={"HX-Request": "true"})
    region = BeautifulSoup(live.content, "html.parser").select_one(".feedback-region")
    assert region.has_attr("autofocus") and region["tabindex"] == "-1"
    assert region.get_text(strip=True)
    plain = teacher.post(check, {"decision": "Allow"})  # a whole page: nothing to focus from
    region = BeautifulSoup(plain.content, "html.parser").select_one(".feedback-region")
    assert not region.has_attr("autofocus")


def test_the_module_menu_names_its_empty_choice(teacher):
    """A new quiz's Module menu opened on Django's "---------", which said nothing of what no
    module means."""
    page = teacher.get(reverse("teach:quiz-create"), follow=True).content.decode()
    select = page.split('name="module"', 1)[1].split("</select>", 1)[0]
    first = re.search(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)
    assert first.groups() == ("", "None: a mixed review")
