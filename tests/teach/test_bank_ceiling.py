"""A teacher's questions fill at most `bank.MAX_OWN_BANKS` banks (categories): every page that
lists banks lists each one, staff's dashboard every teacher's, and a category is typed freely,
so an hour of imports made 50,000 of them (the dashboard 4.8 s of CPU and 14 MB). The editor
and an import refuse a question a bank past it, saying so where the category is; nothing is
saved (docs/limits.md, "A teacher's questions fill a bounded number of banks")."""

from __future__ import annotations

import html

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from lessons.models import Source
from quizzes.models import Question, Tag
from teach.bank import MAX_OWN_BANKS, MAX_OWN_MISCONCEPTIONS, MAX_OWN_TAGS, bank_summaries
from teach.transfer import importer
from teach.transfer.drafts import TransferError
from tests.quizzes.builders import make_question
from tests.teach.test_import_bounds import _bank, _single
from tests.teach.test_views_questions import KINDS, form_data

pytestmark = pytest.mark.django_db


def _fill_banks(owner, count: int, *, first: int = 0) -> None:
    Question.objects.bulk_create(
        Question(slug=f"filled-{n}", type="true_false", category=f"bank-{n}", owner=owner,
                 source=Source.AUTHORED, prompt="True?", explanation="Because.",
                 data={"answer": True})
        for n in range(first, first + count)
    )  # fmt: skip


def _new_single(teacher, quiz, category: str, **more):
    rows, extra = KINDS["single"]
    url = reverse("teach:question-create", args=[quiz.pk, "single"])
    page = teacher.get(url, follow=True)
    token = BeautifulSoup(page.content, "html.parser").find("input", {"name": "once"})["value"]
    return teacher.post(
        page.redirect_chain[-1][0] if page.redirect_chain else url,
        form_data(rows, extra, category=category, once=token, **more),
    )


def test_a_new_question_in_a_bank_past_the_ceiling_is_refused_at_its_category(
    teacher, owned, instructor
):
    quiz, _ = owned  # its question fills the bank "mine"
    _fill_banks(instructor, MAX_OWN_BANKS - 1)
    before = Question.objects.count()
    response = _new_single(teacher, quiz, "one-more-bank")
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    said = html.unescape(soup.get_text(" "))
    assert f"Your questions fill {MAX_OWN_BANKS} banks (categories) already" in said
    box = soup.find(attrs={"name": "category"})
    assert box["value"] == "one-more-bank" and box.get("aria-invalid") == "true"
    assert Question.objects.count() == before  # nothing saved
    assert len(bank_summaries(instructor)) <= MAX_OWN_BANKS + 8  # the course's own 8 at most
    # A bank already filled takes it.
    assert _new_single(teacher, quiz, "bank-7").status_code == 302
    assert Question.objects.count() == before + 1


def test_a_question_may_move_to_a_new_bank_when_it_leaves_its_own_empty(teacher, owned, instructor):
    _, question = owned  # alone in "mine"
    _fill_banks(instructor, MAX_OWN_BANKS - 1)
    rows, extra = KINDS["single"]
    url = reverse("teach:question-edit", args=[question.pk])
    assert teacher.post(url, form_data(rows, extra, category="renamed")).status_code == 302
    question.refresh_from_db()
    assert question.category == "renamed"


def test_an_import_opening_banks_past_the_ceiling_is_refused_whole(instructor):
    _fill_banks(instructor, MAX_OWN_BANKS - 2)
    text = _bank([_single(n, category=f"file-bank-{n}") for n in range(3)])
    before = Question.objects.count()
    with pytest.raises(TransferError) as refused:
        importer.run(text, "json", owner=instructor)
    assert "into 3 banks (categories) your questions are not in" in str(refused.value)
    assert f"at most {MAX_OWN_BANKS}" in str(refused.value)
    assert Question.objects.count() == before
    # Two new banks fit, and a file into banks already filled always does.
    importer.run(_bank([_single(n, category=f"file-bank-{n}") for n in range(2)]), "json",
                 owner=instructor)  # fmt: skip
    importer.run(_bank([_single(n + 10, category="bank-3") for n in range(50)]), "json",
                 owner=instructor)  # fmt: skip
    assert Question.objects.count() == before + 52


def test_archived_questions_and_the_course_fill_no_bank_of_a_teachers(instructor):
    make_question("single", category="iam")  # the course's
    _fill_banks(instructor, MAX_OWN_BANKS)
    Question.objects.filter(category="bank-0").update(archived=True)
    importer.run(_bank([_single(1, category="new-one")]), "json", owner=instructor)
    assert Question.objects.filter(category="new-one").exists()


# --- bank tags ---------------------------------------------------------------------------


def _tag_filled(owner, count: int) -> None:
    """One of `owner`'s questions carrying `count` tags (written directly, past the editor's 20
    a question: the ceiling counts the teacher's tags, however they are spread)."""
    question = make_question("true_false", owner=owner, source=Source.AUTHORED, category="mine")
    tags = Tag.objects.bulk_create(Tag(slug=f"tag-{n}") for n in range(count))
    Question.tags.through.objects.bulk_create(
        Question.tags.through(question=question, tag=tag) for tag in tags
    )


def test_a_question_tagged_past_the_ceiling_is_refused_at_its_new_tags(teacher, owned, instructor):
    quiz, _ = owned
    _tag_filled(instructor, MAX_OWN_TAGS - 1)
    before = Question.objects.count()
    response = _new_single(teacher, quiz, "mine", new_tags="one-more, and-another")
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    said = html.unescape(soup.get_text(" "))
    assert f"Your questions carry {MAX_OWN_TAGS - 1} bank tags already, and 2 of these" in said
    assert soup.find(attrs={"name": "new_tags"}).get("aria-invalid") == "true"
    assert Question.objects.count() == before
    # One more fits, and tags already carried always do.
    assert _new_single(teacher, quiz, "mine", new_tags="one-more, tag-3").status_code == 302
    assert Question.objects.count() == before + 1
    # At the ceiling, one new tag is said in the singular.
    again = _new_single(teacher, quiz, "mine", new_tags="yet-another")
    said = html.unescape(BeautifulSoup(again.content, "html.parser").get_text(" "))
    assert f"carry {MAX_OWN_TAGS} bank tags already, and 1 of these is new" in said


def test_an_import_tagging_past_the_ceiling_is_refused_whole(instructor):
    _tag_filled(instructor, MAX_OWN_TAGS - 1)
    text = _bank([_single(1, tags=["file-tag-a", "file-tag-b"])])
    before = Question.objects.count()
    with pytest.raises(TransferError) as refused:
        importer.run(text, "json", owner=instructor)
    assert f"at most {MAX_OWN_TAGS} different tags" in str(refused.value)
    assert Question.objects.count() == before
    importer.run(_bank([_single(2, tags=["file-tag-a", "tag-7"])]), "json", owner=instructor)
    assert Question.objects.count() == before + 1


# --- misconception tags ------------------------------------------------------------------


def _misconceptions_filled(owner, count: int) -> None:
    """`owner`'s questions carrying `count` misconception tags of their own, 20 a question (the
    editor's most), one of them archived: the ceiling counts what the editor offers."""
    Question.objects.bulk_create(
        Question(slug=f"thought-{n}", type="true_false", category="mine", owner=owner,
                 source=Source.AUTHORED, prompt="True?", explanation="Because.",
                 data={"answer": True}, archived=n == 0,
                 misconceptions=[f"thinks-{k}" for k in range(n * 20, min(count, n * 20 + 20))])
        for n in range(-(-count // 20))
    )  # fmt: skip


def test_a_question_past_the_misconception_ceiling_is_refused_at_its_new_misconceptions(
    teacher, owned, instructor
):
    quiz, question = owned
    Question.objects.filter(pk=question.pk).update(misconceptions=[])
    _misconceptions_filled(instructor, MAX_OWN_MISCONCEPTIONS - 1)
    make_question(
        "true_false", slug="course-one", source=Source.FILE, misconceptions=["thinks-course"]
    )
    before = Question.objects.count()
    response = _new_single(
        teacher, quiz, "mine", misconceptions="", new_misconceptions="thinks-more, thinks-also"
    )
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    said = html.unescape(soup.get_text(" "))
    assert (
        f"Your questions carry {MAX_OWN_MISCONCEPTIONS - 1} misconception tags of your own "
        "already (the course's are not counted), and 2 of these are new" in said
    )
    box = soup.find(attrs={"name": "new_misconceptions"})
    assert box.get("aria-invalid") == "true" and "thinks-more" in box.get("value", box.text)
    assert Question.objects.count() == before  # nothing saved
    # One more fits; tags already carried and the course's always do.
    more = "thinks-more, thinks-3, thinks-course"
    saved = _new_single(teacher, quiz, "mine", misconceptions="", new_misconceptions=more)
    assert saved.status_code == 302
    assert Question.objects.count() == before + 1
    refused = _new_single(
        teacher, quiz, "mine", misconceptions="", new_misconceptions="thinks-yet-another"
    )
    assert "and 1 of these is new" in html.unescape(refused.content.decode())


def test_a_question_may_swap_a_misconception_only_it_carries(teacher, owned, instructor):
    """At the ceiling, a question dropping a tag no other question carries may take a new one
    in its place: the count is what the teacher's questions carry once it is saved."""
    quiz, question = owned
    _misconceptions_filled(instructor, MAX_OWN_MISCONCEPTIONS - 1)
    Question.objects.filter(pk=question.pk).update(misconceptions=["thinks-only-here"])
    rows, extra = KINDS["single"]
    url = reverse("teach:question-edit", args=[question.pk])
    swapped = form_data(rows, extra, category="mine", misconceptions="",
                        new_misconceptions="thinks-instead")  # fmt: skip
    assert teacher.post(url, swapped).status_code == 302
    question.refresh_from_db()
    assert question.misconceptions == ["thinks-instead"]


def test_an_import_past_the_misconception_ceiling_is_refused_whole(instructor):
    _misconceptions_filled(instructor, MAX_OWN_MISCONCEPTIONS - 1)
    text = _bank([_single(1, misconceptions=["thinks-file-a", "thinks-file-b"])])
    before = Question.objects.count()
    with pytest.raises(TransferError) as refused:
        importer.run(text, "json", owner=instructor)
    assert f"carry at most {MAX_OWN_MISCONCEPTIONS} of their own" in str(refused.value)
    assert Question.objects.count() == before
    importer.run(_bank([_single(2, misconceptions=["thinks-file-a", "thinks-7"])]), "json",
                 owner=instructor)  # fmt: skip
    assert Question.objects.count() == before + 1
