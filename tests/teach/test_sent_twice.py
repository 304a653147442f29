"""A form that creates something, sent twice: a double click on its button, or Back and the
page sent again. Each send made one more quiz, question or cohort; the page's token
(srm_trainer/once.py) lets the first save write and tells any later one it was done."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cohorts.models import Cohort
from quizzes.models import Question, Quiz
from tests.teach.formdata import form_fields
from tests.teach.test_views_questions import form_data

pytestmark = pytest.mark.django_db


def _page(client, url, form_class):
    return form_fields(client.get(url, follow=True).content.decode(), form_class)


def test_a_new_quiz_is_created_once_from_one_page(teacher):
    url = reverse("teach:quiz-create")
    fields = {**_page(teacher, url, "teach-form"), "title": "Sent twice", "pass_mark": "70"}
    assert fields["once"]
    first = teacher.post(url, fields)
    second = teacher.post(url, fields, follow=True)
    assert first.status_code == 302
    assert Quiz.objects.filter(title="Sent twice").count() == 1
    assert "created already" in second.content.decode()
    # Another page is another quiz, even with the same title.
    teacher.post(url, {**_page(teacher, url, "teach-form"), "title": "Sent twice"})
    assert Quiz.objects.filter(title="Sent twice").count() == 2


def test_a_new_question_is_saved_once_from_one_page(teacher, owned):
    quiz, _ = owned
    url = reverse("teach:question-create", args=[quiz.pk, "true_false"])
    token = _page(teacher, url, "question-editor")["once"]
    data = form_data(extra={"answer": "true"}, prompt="Is the guest OS yours?", once=token)
    assert teacher.post(url, data).status_code == 302
    second = teacher.post(url, data, follow=True)
    assert Question.objects.filter(prompt="Is the guest OS yours?").count() == 1
    assert quiz.entries.count() == 2
    assert "saved already" in second.content.decode()


def test_a_refused_save_does_not_use_up_the_page(teacher, owned):
    """The token is claimed by the save that writes, not by one refused for a problem."""
    quiz, _ = owned
    url = reverse("teach:question-create", args=[quiz.pk, "true_false"])
    token = _page(teacher, url, "question-editor")["once"]
    data = form_data(extra={"answer": "true"}, prompt="Mine?", once=token)
    assert teacher.post(url, {**data, "explanation": ""}).status_code == 200
    assert teacher.post(url, data).status_code == 302
    assert Question.objects.filter(prompt="Mine?").count() == 1


def test_a_new_cohort_is_created_once_from_one_page(teacher):
    url = reverse("teach_cohorts:list")
    fields = {**_page(teacher, url, "teach-form"), "name": "Spring class"}
    teacher.post(url, fields)
    second = teacher.post(url, fields, follow=True)
    assert Cohort.objects.filter(name="Spring class").count() == 1
    assert "created already" in second.content.decode()


# --- Back after saving a new question, in a browser that does not keep the page -------------


def _new_question_page(teacher, quiz):
    """Open "New: true or false" as a link does: the page is drawn at an address that carries
    its token. Returns (address, what its form posts as drawn)."""
    url = reverse("teach:question-create", args=[quiz.pk, "true_false"])
    opened = teacher.get(url)
    assert opened.status_code == 302 and "?once=" in opened["Location"]
    address = opened["Location"]
    fields = _page(teacher, address, "question-editor")
    assert fields["once"] and address.endswith("once=" + fields["once"])
    return address, fields


def _typed(fields: dict, **changes) -> dict:
    return {
        **fields,
        "prompt": "Is the guest OS yours?",
        "explanation": "The customer runs the guest.",
        "k-answer": "true",
        "action": "save",
        **changes,
    }


def test_back_after_saving_opens_the_question_made_not_a_second_new_page(teacher, owned):
    """Back, in a browser that keeps no copy of the page (no back/forward cache), asks for the
    new question's page again and fills in what was typed: a new page with a new token made
    a second question when saved. Its address now names the page, so Back opens the question
    it made, and saving there changes that question."""
    quiz, _ = owned
    address, fields = _new_question_page(teacher, quiz)
    assert teacher.post(address, _typed(fields)).status_code == 302
    made = Question.objects.get(prompt="Is the guest OS yours?")
    back = teacher.get(address)  # Back: the same address asked for again
    edit = reverse("teach:question-edit", args=[made.pk]) + f"?quiz={quiz.pk}"
    assert back.status_code == 302 and back["Location"] == edit
    page = teacher.get(edit).content.decode()
    assert "You saved this question already" in page
    again = _page(teacher, edit, "question-editor")
    assert again["prompt"] == "Is the guest OS yours?" and not again["once"]
    teacher.post(edit, {**again, "explanation": "Yours: you run it.", "action": "save"})
    assert Question.objects.filter(prompt="Is the guest OS yours?").count() == 1
    made.refresh_from_db()
    assert made.explanation == "Yours: you run it."
    assert quiz.entries.count() == 2  # the quiz's first question and this one


def test_a_kept_page_sent_again_with_changes_opens_the_question_it_made(teacher, owned):
    """A browser that keeps the page brings back the page itself (its token) on Back: sent
    again unchanged it is a double send (see above); sent with changes, the question it made
    is opened with those changes, not saved yet, so they are neither lost nor a second
    question; saving them there changes that question."""
    quiz, _ = owned
    address, fields = _new_question_page(teacher, quiz)
    teacher.post(address, _typed(fields))
    made = Question.objects.get(prompt="Is the guest OS yours?")
    changed = teacher.post(address, _typed(fields, explanation="Changed after Back."))
    assert changed.status_code == 200
    page = changed.content.decode()
    assert "This page saved its question already" in page
    assert "Changed after Back." in page
    edit = reverse("teach:question-edit", args=[made.pk]) + f"?quiz={quiz.pk}"
    sent = form_fields(page, "question-editor")
    assert sent["explanation"] == "Changed after Back." and not sent["once"]
    assert f'action="{edit}"'.replace("&", "&amp;") in page  # it saves the question made
    made.refresh_from_db()
    assert made.explanation == "The customer runs the guest."  # not saved yet
    assert teacher.post(edit, sent).status_code == 302
    made.refresh_from_db()
    assert made.explanation == "Changed after Back."
    assert Question.objects.filter(prompt="Is the guest OS yours?").count() == 1


def test_a_new_pages_address_opens_only_its_authors_question(teacher, owned, other_instructor):
    """Another instructor given the address (or a token typed by hand) gets a new page of
    their own, never the question it made."""
    from tests.teach.conftest import client_for

    quiz, _ = owned
    address, fields = _new_question_page(teacher, quiz)
    teacher.post(address, _typed(fields))
    typed = teacher.get(address.replace(fields["once"], "short"))
    assert typed.status_code == 302 and "?once=" in typed["Location"]
    assert "short" not in typed["Location"]
    quiz.owner = other_instructor  # so that they may add questions to it
    quiz.save()
    theirs = client_for(other_instructor).get(address)
    assert theirs.status_code == 302 and "/edit/" not in theirs["Location"]
    assert "once=" in theirs["Location"] and fields["once"] not in theirs["Location"]


# --- Back after creating a quiz or a cohort, in a browser that does not keep the page -------


def _opened(client, url, form_class):
    """Open a create page as its links do: it is drawn at an address carrying its token.
    Returns (address, what its form posts as drawn)."""
    opened = client.get(url)
    assert opened.status_code == 302 and "once=" in opened["Location"]
    address = opened["Location"]
    fields = form_fields(client.get(address).content.decode(), form_class)
    assert fields["once"] and address.endswith("once=" + fields["once"])
    return address, fields


def test_back_after_creating_a_quiz_opens_its_settings_not_a_second_new_page(teacher):
    """Back (no back/forward cache) asked for the new quiz's page again, the browser filled it
    in, and "Create the quiz" made a second quiz. The address names the page: Back opens the
    quiz it made, and saving there changes that quiz."""
    address, fields = _opened(teacher, reverse("teach:quiz-create"), "teach-form")
    typed = {**fields, "title": "Shared basics", "pass_mark": "70"}
    assert teacher.post(address, typed).status_code == 302
    made = Quiz.objects.get(title="Shared basics")
    back = teacher.get(address)
    settings = reverse("teach:quiz-edit", args=[made.pk])
    assert back.status_code == 302 and back["Location"] == settings
    page = teacher.get(settings).content.decode()
    assert "You created this quiz already" in page
    again = form_fields(page, "teach-form")
    assert again["title"] == "Shared basics" and "once" not in again
    teacher.post(settings, {**again, "description": "Who patches what."})
    made.refresh_from_db()
    assert made.description == "Who patches what."
    assert Quiz.objects.filter(title="Shared basics").count() == 1


def test_a_kept_new_quiz_page_sent_again_with_changes_opens_the_quiz_it_made(teacher):
    address, fields = _opened(teacher, reverse("teach:quiz-create"), "teach-form")
    teacher.post(address, {**fields, "title": "Shared basics", "pass_mark": "70"})
    made = Quiz.objects.get(title="Shared basics")
    changed = teacher.post(address, {**fields, "title": "Shared basics, again", "pass_mark": "80"})
    assert changed.status_code == 200
    page = changed.content.decode()
    assert "This page created its quiz already" in page
    settings = reverse("teach:quiz-edit", args=[made.pk])
    assert f'action="{settings}"' in page  # saved from the quiz's own settings page
    sent = form_fields(page, "teach-form")
    assert sent["title"] == "Shared basics, again" and sent["pass_mark"] == "80"
    made.refresh_from_db()
    assert made.title == "Shared basics" and made.pass_mark == 70  # not saved yet
    assert teacher.post(settings, sent).status_code == 302
    made.refresh_from_db()
    assert made.title == "Shared basics, again" and made.pass_mark == 80
    assert Quiz.objects.count() == 1


def test_a_new_quiz_pages_address_opens_only_its_authors_quiz(teacher, other_instructor):
    from tests.teach.conftest import client_for

    address, fields = _opened(teacher, reverse("teach:quiz-create"), "teach-form")
    teacher.post(address, {**fields, "title": "Mine", "pass_mark": "70"})
    theirs = client_for(other_instructor).get(address)
    assert theirs.status_code == 302 and "/edit/" not in theirs["Location"]
    assert fields["once"] not in theirs["Location"]
    Quiz.objects.filter(title="Mine").delete()  # deleted since: Back gives a new page
    gone = teacher.get(address)
    assert gone.status_code == 302 and fields["once"] not in gone["Location"]


def test_back_after_creating_a_cohort_shows_the_list_and_sending_again_opens_it(teacher):
    """The cohort form lives on the list. Back (no back/forward cache) asked for the list
    again, the browser filled the name in, and Create was refused as a name taken (or, with
    the name changed, made a second cohort). The list's address names its form: Back shows the
    list with the cohort made, and the same form sent again opens that cohort, saying so."""
    address, fields = _opened(teacher, reverse("teach_cohorts:list"), "teach-form")
    typed = {**fields, "name": "Spring class"}
    assert teacher.post(address, typed).status_code == 302
    made = Cohort.objects.get(name="Spring class")
    back = teacher.get(address)
    assert back.status_code == 200
    page = back.content.decode()
    assert "You created “Spring class” from this page already" in page
    assert reverse("teach_cohorts:gradebook", args=[made.pk]) in page  # listed
    assert form_fields(page, "teach-form")["once"] == fields["once"]
    again = teacher.post(address, typed)
    people = reverse("teach_cohorts:people", args=[made.pk])
    assert again.status_code == 302 and again["Location"] == people
    assert "That cohort was created already" in teacher.get(people).content.decode()
    assert "You already have a cohort called" not in teacher.get(people).content.decode()
    assert Cohort.objects.count() == 1


def test_the_cohort_form_sent_again_with_another_name_keeps_it_and_makes_nothing(teacher):
    """A second cohort is not made from a form that made one; the name sent is not lost
    either: a fresh form holds it, one Create away."""
    address, fields = _opened(teacher, reverse("teach_cohorts:list"), "teach-form")
    teacher.post(address, {**fields, "name": "Spring class"})
    renamed = teacher.post(address, {**fields, "name": "Spring class B"})
    assert Cohort.objects.count() == 1
    assert renamed.status_code == 302 and fields["once"] not in renamed["Location"]
    page = teacher.get(renamed["Location"]).content.decode()
    assert "This form created “Spring class” already" in page
    fresh = form_fields(page, "teach-form")
    assert fresh["name"] == "Spring class B" and fresh["once"] != fields["once"]
    assert teacher.post(renamed["Location"], fresh).status_code == 302
    assert sorted(Cohort.objects.values_list("name", flat=True)) == [
        "Spring class",
        "Spring class B",
    ]


def test_duplicate_pressed_twice_makes_one_copy(teacher, owned):
    """ "Duplicate" is a button alone, so a double click sent it twice and made two copies. Its
    form carries a token too: the second press opens the copy the first made."""
    quiz, _ = owned
    page = teacher.get(reverse("teach:quiz", args=[quiz.pk])).content.decode()
    duplicate = reverse("teach:quiz-duplicate", args=[quiz.pk])
    token = re.search(rf'action="{duplicate}".*?name="once" value="([^"]+)"', page, re.S)
    assert token, "the Duplicate form carries a token"
    first = teacher.post(duplicate, {"once": token[1]})
    second = teacher.post(duplicate, {"once": token[1]})
    assert Quiz.objects.count() == 2  # the quiz and one copy
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]  # the copy made
    assert "duplicated already" in teacher.get(second["Location"]).content.decode()
    again = teacher.get(reverse("teach:quiz", args=[quiz.pk])).content.decode()
    fresh = re.search(rf'action="{duplicate}".*?name="once" value="([^"]+)"', again, re.S)
    teacher.post(duplicate, {"once": fresh[1]})  # a new press on a new page: another copy
    assert Quiz.objects.count() == 3


@pytest.mark.parametrize("token", ["a\x00b", "   ", '{"x": [1, 2]}', "é" * 20])
def test_a_token_no_page_carries_is_as_none(teacher, owned, token):
    """A posted token is whatever the client sent, and it became a cache key as sent: a NUL is
    an error on PostgreSQL's database cache (a 500), spaces and control characters a warning
    from every cache. One `new_token` could not make is treated as no token at all."""
    quiz, _ = owned
    duplicate = reverse("teach:quiz-duplicate", args=[quiz.pk])
    assert teacher.post(duplicate, {"once": token}).status_code == 302
    assert teacher.post(duplicate, {"once": token}).status_code == 302
    assert Quiz.objects.count() == 3  # no token: each press a copy, as a script's post without one


def test_a_copy_pressed_twice_with_a_token_no_page_carries_makes_two(teacher, owned):
    """The same for "Copy to edit", which claims the page's token with the question's key."""
    quiz, question = owned
    copy = reverse("teach:quiz-question-copy", args=[quiz.pk, question.pk])
    assert teacher.post(copy, {"once": "a\x00b"}).status_code == 302
    assert teacher.post(copy, {"once": "a\x00b"}).status_code == 302
    assert Question.objects.count() == 3
    token = "a-page-token-123"  # one a page carries: the second press opens the first copy
    first, second = teacher.post(copy, {"once": token}), teacher.post(copy, {"once": token})
    assert second["Location"] == first["Location"] and Question.objects.count() == 4
