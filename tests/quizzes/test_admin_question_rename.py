"""A question written in the admin, renamed there, is renamed where lessons ask it: each
lesson's `::: check` line names the new slug, learners' recorded answers to the check go with
it, and a lesson page opened before the rename still answers (`QuestionAdmin.carry_rename`,
`quizzes/renames.py`). The save said "changed successfully" and changed nothing else: the
lessons' checks showed learners nothing, each lesson's next save was refused for its line
("names no question"), and the recorded answers stayed under a slug no lesson asked."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.contrib.admin.models import LogEntry
from django.test import Client

from lessons import knowledge_checks
from lessons.markdown import with_check_renamed
from lessons.models import KnowledgeCheck, Lesson
from quizzes.models import Question
from tests.conftest import make_lesson, make_module, sign_in
from tests.quizzes.builders import make_question
from tests.quizzes.test_admin_edited_elsewhere import _form

pytestmark = pytest.mark.django_db

BODY = (
    "Read this about `asked-q`.\n\n::: check asked-q\n:::\n\n"
    "```text\n::: check asked-q\n```\n\n::: check asked-q-2\n:::\n"
)


@pytest.fixture
def asked():
    """A question two lessons ask (one a draft), with a learner's answer to it in one."""
    question = make_question("single", slug="asked-q")
    make_question("single", slug="asked-q-2")
    module = make_module(slug="mod")
    make_lesson(module, slug="first", title="First lesson", body=BODY)
    make_lesson(module, slug="draft", title="Draft lesson", body=BODY, published=False)
    make_lesson(module, slug="other", title="Other lesson", body="About asked-q, in words.")
    return question


def _answer(client: Client, slug: str, question: Question):
    right = next(c["id"] for c in question.data["choices"] if c["correct"])
    return client.post(f"/learn/mod/first/check/{slug}/", {"choice": right})


def _rename(client: Client, question: Question, slug: str):
    url = f"/admin/quizzes/question/{question.pk}/change/"
    sent = {**_form(client, url, "question_form"), "slug": [slug]}
    return client.post(url, sent, follow=True)


def test_renaming_a_question_renames_it_in_the_lessons_that_ask_it(admin_client, learner, asked):
    client = Client()  # the learner's, beside the admin's
    sign_in(client, learner)
    assert _answer(client, "asked-q", asked).status_code == 200
    page = _rename(admin_client, asked, "renamed-q")
    assert page.redirect_chain[-1][0] == "/admin/quizzes/question/"

    first, draft, other = (Lesson.objects.get(slug=s) for s in ("first", "draft", "other"))
    # Only the lines that ask it: the code block, the prose and the other slug stay as typed.
    assert first.body == draft.body == BODY.replace("check asked-q\n:::", "check renamed-q\n:::")
    assert other.body == "About asked-q, in words."

    said = BeautifulSoup(page.content, "html.parser").select("ul.messagelist li.success")[0]
    assert " ".join(said.get_text().split()) == (
        "Renamed from “asked-q” to “renamed-q”: the ::: check line of these 2 lessons now"
        " names it: First lesson, Draft lesson; 1 learner’s answer to it in lessons went with it."
    )
    links = {a["href"] for a in said.find_all("a")}
    assert links == {f"/admin/lessons/lesson/{lesson.pk}/change/" for lesson in (first, draft)}
    history = LogEntry.objects.get(object_id=str(first.pk), content_type__model="lesson")
    assert "the question renamed from asked-q" in history.get_change_message()

    # The learner's answer is the check's, and a page opened before the rename still answers.
    assert set(knowledge_checks.answered_in(learner, first)) == {("question", "renamed-q")}
    assert _answer(client, "asked-q", asked).status_code == 200
    assert KnowledgeCheck.objects.get(user=learner).tries == 2  # the first answer kept

    # The lesson saves as it is: its line names a question (it was refused, "names no question").
    url = f"/admin/lessons/lesson/{first.pk}/change/"
    assert admin_client.post(url, _form(admin_client, url, "lesson_form")).status_code == 302


def test_a_rename_no_lesson_asks_says_only_that_it_was_changed(admin_client, asked):
    quiet = Question.objects.get(slug="asked-q-2")
    Lesson.objects.update(body="Nothing asked.")
    page = _rename(admin_client, quiet, "quiet-q").content.decode()
    assert "Renamed from" not in page
    assert Question.objects.filter(slug="quiet-q").exists()


def test_the_slug_says_what_a_rename_carries_with_it(admin_client, asked):
    page = admin_client.get(f"/admin/quizzes/question/{asked.pk}/change/").content.decode()
    assert (
        "Renamed here, each lesson’s <code>::: check</code> line that asks it is changed to the"
        " new slug" in page
    )


def test_a_check_line_is_renamed_as_the_page_reads_it():
    text = (
        "About old-q.\r\n\r\n::: check old-q\r\n:::\r\n\n> :::: check  old-q\n> ::::\n\n"
        "- item\n\n  ::: check old-q\n  :::\n\n::: check old-q-2\n:::\n\n    ::: check old-q\n"
    )
    assert with_check_renamed(text, "old-q", "new-q") == (
        "About old-q.\r\n\r\n::: check new-q\r\n:::\r\n\n> :::: check  new-q\n> ::::\n\n"
        "- item\n\n  ::: check new-q\n  :::\n\n::: check old-q-2\n:::\n\n    ::: check old-q\n"
    )
