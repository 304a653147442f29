"""A teacher holding more banks or tags than a ceiling lets them make (from before it, or
given by staff) costs every page that lists them a bounded amount: each list draws at most
`teach.shown`'s many, says when there are more, and reaches them (the dashboard's lists a page
at a time, each entry a link the bank's menus take). And the doors that went past a ceiling
unchecked refuse: restoring a question into a bank past it, a copy of a question, the admin's
question form and its "Put back in use" (docs/limits.md, "Past a ceiling")."""

from __future__ import annotations

import html
import json
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from lessons.models import Source
from quizzes.models import Question, Quiz, QuizQuestion, Tag
from teach import bank, services, shown
from teach.services import TeachError

pytestmark = pytest.mark.django_db


def _banks(owner, count: int, *, first: int = 0, misconceptions: bool = False) -> list[Question]:
    """`count` questions of `owner`'s, each in a bank of its own (`bank-<n>`), bank-0 edited
    longest ago; written directly, as before the ceiling."""
    now = timezone.now()
    made = Question.objects.bulk_create(
        Question(slug=f"past-{n}", type="true_false", category=f"bank-{n}", owner=owner,
                 source=Source.AUTHORED, prompt="True?", explanation="Because.",
                 data={"answer": True}, updated_at=now - timedelta(minutes=count - n),
                 misconceptions=[f"thinks-{n}"] if misconceptions else [])
        for n in range(first, first + count)
    )  # fmt: skip
    bank.own_questions_changed(owner.pk)
    return made


def _tags(questions: list[Question], count: int) -> None:
    """`count` bank tags, each on one question (tag-<n> on the n-th, round the list)."""
    tags = Tag.objects.bulk_create(Tag(slug=f"tag-{n:05}") for n in range(count))
    links = Question.tags.through
    links.objects.bulk_create(
        links(question_id=questions[n % len(questions)].pk, tag_id=tag.pk)
        for n, tag in enumerate(tags)
    )


def _soup(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def _said(soup: BeautifulSoup) -> str:
    return " ".join(html.unescape(soup.get_text(" ")).split())


def test_the_dashboard_lists_banks_and_tags_a_page_at_a_time(teacher, instructor):
    extra = 7
    made = _banks(instructor, shown.BANKS_SHOWN + extra)
    _tags(made, shown.TAGS_SHOWN + extra)
    soup = _soup(teacher.get(reverse("teach:dashboard")))
    banks = soup.select("section[aria-labelledby=banks-title] tbody tr")
    assert len(banks) == shown.BANKS_SHOWN
    total = shown.BANKS_SHOWN + extra
    assert f"Banks 1 to {shown.BANKS_SHOWN} of {total}, by name" in _said(soup)
    assert len(soup.select(".tag-cloud a.tag")) == shown.TAGS_SHOWN
    more = soup.find("a", string="More banks")
    assert "banks=2" in more["href"]
    dashboard = reverse("teach:dashboard")
    soup = _soup(teacher.get(dashboard + more["href"]))
    assert len(soup.select("section[aria-labelledby=banks-title] tbody tr")) == extra
    assert soup.find("a", string="Previous banks") is not None
    soup = _soup(teacher.get(dashboard + soup.find("a", string="More tags")["href"]))
    assert len(soup.select(".tag-cloud a.tag")) == extra


def test_the_import_page_lists_the_banks_to_export_a_page_at_a_time(teacher, instructor):
    _banks(instructor, shown.BANKS_SHOWN + 3)
    soup = _soup(teacher.get(reverse("teach:import")))
    rows = soup.select("section[aria-labelledby=export-title] tbody tr")
    assert len(rows) == shown.BANKS_SHOWN
    more = soup.find("a", string="More banks")["href"]
    soup = _soup(teacher.get(reverse("teach:import") + more))
    assert len(soup.select("section[aria-labelledby=export-title] tbody tr")) == 3


def test_the_banks_menus_list_the_latest_and_take_any_bank_named(teacher, instructor):
    made = _banks(instructor, shown.BANKS_SHOWN + 20)
    _tags(made, shown.TAGS_SHOWN + 20)
    soup = _soup(teacher.get(reverse("teach:bank")))
    options = [o["value"] for o in soup.select("select[name=category] option") if o["value"]]
    assert len(options) == shown.BANKS_SHOWN
    assert "bank-0" not in options  # edited longest ago
    assert f"bank-{shown.BANKS_SHOWN + 19}" in options
    assert "20 more are on your teaching dashboard" in _said(soup)
    tags = [o["value"] for o in soup.select("select[name=tag] option") if o["value"]]
    assert len(tags) == shown.TAGS_SHOWN
    # A bank the menu leaves out, as the dashboard's link names it: offered, chosen, applied.
    soup = _soup(teacher.get(reverse("teach:bank"), {"category": "bank-0", "tag": "tag-00000"}))
    assert soup.select_one("select[name=category] option[selected]")["value"] == "bank-0"
    assert soup.select_one("select[name=tag] option[selected]")["value"] == "tag-00000"
    assert "no question you may use" not in _said(soup)
    assert [a.get_text() for a in soup.select("td[data-label=Bank] a")] == ["bank-0"]


def test_the_editors_offer_the_most_used_tags_and_the_latest_banks(teacher, instructor):
    made = _banks(instructor, 600, misconceptions=True)
    _tags(made, 600)
    question = made[0]  # its own tags, each used once, sort after every other
    question.misconceptions = ["zz-thinks-own"]
    question.save()
    question.tags.set([Tag.objects.create(slug="zz-own")])
    soup = _soup(teacher.get(reverse("teach:question-edit", args=[question.pk])))
    tags = soup.select("input[name=tags]")
    assert len(tags) == shown.TAGS_SHOWN + 1  # the most used, and the question's own
    assert any(box.get("checked") is not None and box["value"] == "zz-own" for box in tags)
    misconceptions = soup.select("input[name=misconceptions]")
    assert len(misconceptions) == shown.MISCONCEPTIONS_SHOWN + 1
    assert "zz-thinks-own" in {box["value"] for box in misconceptions}
    said = _said(soup)
    assert f"The {shown.TAGS_SHOWN} used most are offered" in said
    suggested = soup.select("datalist#known-categories option")
    assert len(suggested) == shown.BANKS_SHOWN  # the latest (the question's own, just saved)
    assert "suggests the 150 banks edited most recently" in said, said[:3000]
    # A save refused (no prompt) draws the editor again, saying the same.
    form = {
        box["name"]: box.get("value", "")
        for box in soup.select("form input[name], form textarea[name]")
        if box.get("type") not in ("checkbox", "radio", "submit")
    }
    form |= {"prompt": "", "answer": "true", "action": "save"}
    soup = _soup(teacher.post(reverse("teach:question-edit", args=[question.pk]), form))
    said = _said(soup)
    assert f"The {shown.TAGS_SHOWN} used most are offered" in said
    assert "suggests the 150 banks edited most recently" in said
    quiz = Quiz.objects.create(slug="q", title="Q", owner=instructor, source=Source.AUTHORED)
    soup = _soup(teacher.get(reverse("teach:quiz-edit", args=[quiz.pk])))
    assert len(soup.select("datalist#known-categories option")) == shown.BANKS_SHOWN


def test_a_question_is_not_restored_into_a_bank_past_its_owners_ceiling(teacher, instructor):
    made = _banks(instructor, bank.MAX_OWN_BANKS)
    Question.objects.filter(pk=made[0].pk).update(archived=True)
    _banks(instructor, 1, first=bank.MAX_OWN_BANKS)  # fills the bank it left
    url = reverse("teach:question-archive", args=[made[0].pk])
    response = teacher.post(url, {"archived": "false"}, follow=True)
    assert "Not restored: its bank “bank-0”" in _said(_soup(response))
    assert Question.objects.get(pk=made[0].pk).archived
    # Into a bank in use, it is restored.
    Question.objects.filter(pk=made[0].pk).update(category="bank-1")
    teacher.post(url, {"archived": "false"})
    assert not Question.objects.get(pk=made[0].pk).archived


def test_a_copy_past_the_owners_bank_or_tag_ceiling_is_refused(instructor):
    _banks(instructor, bank.MAX_OWN_BANKS)
    course = Question.objects.create(
        slug="course-q", type="true_false", category="course-bank", source=Source.FILE,
        prompt="True?", explanation="Because.", data={"answer": True},
    )  # fmt: skip
    quiz = Quiz.objects.create(slug="q", title="Q", owner=instructor, source=Source.AUTHORED)
    QuizQuestion.objects.create(quiz=quiz, question=course, order=1)
    before = Question.objects.count()
    with pytest.raises(TeachError) as refused:
        services.quiz_copy_question(quiz=quiz, question=course, owner=instructor)
    assert "in the bank “course-bank”, which none of your questions is in" in str(refused.value)
    # Into a bank of theirs, the copy's new tags are held to theirs.
    Question.objects.filter(pk=course.pk).update(category="bank-1")
    course.refresh_from_db()
    carried = _banks(instructor, bank.MAX_OWN_TAGS, first=1000)
    Question.objects.filter(pk__in=[q.pk for q in carried]).update(category="bank-1")
    _tags(carried, bank.MAX_OWN_TAGS)
    course.tags.add(Tag.objects.create(slug="course-tag"))
    with pytest.raises(TeachError) as refused:
        services.quiz_copy_question(quiz=quiz, question=course, owner=instructor)
    assert "with its tags: nothing was copied" in str(refused.value)
    assert Question.objects.count() == before + bank.MAX_OWN_TAGS


def _admin_form(question: Question, **changes) -> dict:
    form = {
        "slug": question.slug, "type": question.type, "category": question.category,
        "module": "", "prompt": question.prompt, "explanation": question.explanation,
        "lesson": "", "misconceptions": json.dumps(question.misconceptions),
        "data": json.dumps(question.data), "scenario": "", "level": "",
        "owner": question.owner_id,
    }  # fmt: skip
    form.update(changes)
    return form


def test_the_admin_holds_a_teachers_question_to_their_ceilings(admin_client, instructor):
    made = _banks(instructor, bank.MAX_OWN_BANKS + 1)
    question = made[0]
    url = reverse("admin:quizzes_question_change", args=[question.pk])
    response = admin_client.post(url, _admin_form(question, category="bank-1"))
    assert response.status_code == 302  # a bank in use: saved (its own, bank-0, left empty)
    question.refresh_from_db()
    response = admin_client.post(url, _admin_form(question, category="one-more"))
    assert response.status_code == 200
    said = _said(BeautifulSoup(response.content, "html.parser"))
    assert f"ines's questions fill {bank.MAX_OWN_BANKS} banks (categories) already" in said
    assert Question.objects.get(pk=question.pk).category == "bank-1"
    # "Put back in use" of a question whose bank would be one too many.
    [archived] = _banks(instructor, 1, first=500)
    Question.objects.filter(pk=archived.pk).update(archived=True)
    response = admin_client.post(
        reverse("admin:quizzes_question_changelist"),
        {"action": "restore_selected", "_selected_action": [archived.pk]},
        follow=True,
    )
    assert "Nothing was put back in use" in _said(BeautifulSoup(response.content, "html.parser"))
    assert Question.objects.get(pk=archived.pk).archived
