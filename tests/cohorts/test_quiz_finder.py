"""The assignment form's quiz, typed with suggestions (`quizzes.finder`, teach_cohorts:quiz-find)
where it was a menu of every quiz the instructor may assign (1,000 options at 100×). The rule of
which quizzes may be assigned is unchanged: the instructor's own published quizzes and the
curriculum's, not yet assigned to the cohort. Nothing outside it is suggested, nor taken when
its address or id is typed; a refused quiz is said beside the field and the rest of the form
comes back as sent; the page costs the same with 100 times the quizzes."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from cohorts import services
from cohorts.models import Assignment
from lessons.models import Source
from quizzes import finder
from quizzes.models import Quiz
from tests.cohorts.conftest import client_for
from tests.conftest import make_lesson, page_queries
from tests.quizzes.builders import make_question, make_quiz
from tests.teach.formdata import form_fields

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def _new(cohort) -> str:
    return reverse("teach_cohorts:assignment-create", args=[cohort.pk])


def _find(cohort) -> str:
    return reverse("teach_cohorts:quiz-find", args=[cohort.pk])


def _suggested(html: str) -> list[str]:
    """The addresses the page's (or fragment's) <datalist> of quizzes offers."""
    listed = re.search(r'<datalist id="quiz-options">(.*?)</datalist>', html, re.S)
    return re.findall(r'<option value="([^"]+)">', listed[1] if listed else html)


def _field_error(html: str) -> str:
    """The quiz field's message, as drawn beside it."""
    found = re.search(r'id="id_quiz_error"[^>]*>(.*?)</div>', html, re.S)
    return re.sub(r"<[^>]+>", "", found[1]) if found else ""


@pytest.fixture
def quizzes(owner, other_instructor, quiz):
    """Each kind of quiz the rule tells apart, by what it is."""
    quiz.published = True
    quiz.save()
    return {
        "mine": quiz,  # "Root user basics", the owner's, published
        "curriculum": make_quiz(make_question(), title="Root account review", slug="root-review",
                                source=Source.FILE, published=True),
        "my draft": make_quiz(make_question(), owner=owner, title="Root draft", slug="root-draft",
                              published=False),
        "otto's": make_quiz(make_question(), owner=other_instructor, title="Root of otto",
                            slug="root-otto", published=True),
        "curriculum draft": make_quiz(make_question(), title="Root unpublished",
                                      slug="root-unpublished", source=Source.FILE, published=False),
    }  # fmt: skip


def test_only_quizzes_the_instructor_may_assign_are_suggested(cohort, owner, quizzes):
    services.assignment_create(
        cohort=cohort,
        quiz=make_quiz(make_question(), owner=owner, title="Root assigned", published=True),
        by=owner,
    )
    client = client_for(owner)
    allowed = [quizzes["curriculum"].slug, quizzes["mine"].slug]  # by title
    assert _suggested(client.get(_new(cohort)).content.decode()) == allowed
    fragment = client.get(_find(cohort), {"quiz": "root"}, **HTMX).content.decode()
    assert _suggested(fragment) == allowed
    assert f'<option value="{quizzes["mine"].slug}">Root user basics · yours</option>' in fragment
    assert '<option value="root-review">Root account review · curriculum</option>' in fragment
    assert '<span id="quiz-status" hx-swap-oob="innerHTML">2 quizzes match “root”.' in fragment
    narrowed = client.get(_find(cohort), {"quiz": "review ROOT"}).content.decode()
    assert _suggested(narrowed) == ["root-review"]
    none = client.get(_find(cohort), {"quiz": "otto"}).content.decode()
    assert _suggested(none) == [] and "No quiz you may assign here matches “otto”." in none


@pytest.mark.parametrize("kind", ["my draft", "otto's", "curriculum draft"])
@pytest.mark.parametrize("by", ["slug", "pk", "title"])
def test_a_quiz_outside_the_rule_is_refused_when_typed_and_the_rest_is_kept(
    cohort, owner, quizzes, kind, by
):
    lesson = make_lesson(title="Root user")
    typed = str(getattr(quizzes[kind], by))
    sent = {"quiz": typed, "lessons": [lesson.pk], "due_at": "2031-06-01T09:00"}
    page = client_for(owner).post(_new(cohort), sent)
    assert page.status_code == 200
    text = page.content.decode()
    if kind == "my draft":  # their own: named, and what to do said
        said = html.unescape(_field_error(text))
        assert f"“{quizzes[kind].title}” is not published" in said and "Publish it" in said
    else:  # another's draft or the curriculum's: nothing more told about it
        assert f"“{typed}” is not a quiz you may assign to this cohort." in _field_error(text)
    fields = form_fields(text, "teach-form")
    assert fields["quiz"] == typed and fields["due_at"] == "2031-06-01T09:00"
    assert fields["lessons"] == str(lesson.pk)  # still ticked
    assert not Assignment.objects.exists()


def test_an_unknown_quiz_is_refused_and_what_it_matches_is_suggested(cohort, owner, quizzes):
    client = client_for(owner)
    for junk in ("basics", "9" * 40, "-1", "x" * 300, "%_"):
        page = client.post(_new(cohort), {"quiz": junk, "opens_at": "2031-05-01T09:00"})
        text = page.content.decode()
        assert page.status_code == 200 and "is not a quiz you may assign" in _field_error(text)
        assert form_fields(text, "teach-form")["opens_at"] == "2031-05-01T09:00"
    # "basics" is a word of a title, not a whole one: the page suggests what it matches
    text = client.post(_new(cohort), {"quiz": "basics"}).content.decode()
    assert _suggested(text) == [quizzes["mine"].slug]
    empty = client.post(_new(cohort), {"quiz": "  "}).content.decode()
    assert "Type the quiz to assign: its title or its address." in _field_error(empty)
    assert not Assignment.objects.exists()


@pytest.mark.parametrize("by", ["slug", "title", "pk"])
def test_a_quiz_is_assigned_by_its_address_its_whole_title_or_its_id(cohort, owner, quizzes, by):
    """Without JavaScript the instructor types it (the browser still suggests from the page's
    list); a page drawn before, or a script, may send its id."""
    curriculum = quizzes["curriculum"]
    typed = {"slug": "root-review", "title": " root ACCOUNT review ", "pk": str(curriculum.pk)}
    page = client_for(owner).post(_new(cohort), {"quiz": typed[by]})
    assert page.status_code == 302
    assert Assignment.objects.get(cohort=cohort).quiz == curriculum


def test_two_quizzes_with_one_title_are_told_apart_by_their_address(cohort, owner, quizzes):
    mine = quizzes["mine"]
    twin = make_quiz(make_question(), owner=owner, title=mine.title, published=True)
    client = client_for(owner)
    text = client.post(_new(cohort), {"quiz": mine.title}).content.decode()
    assert "Two quizzes you may assign are titled “Root user basics”." in _field_error(text)
    assert set(_suggested(text)) == {mine.slug, twin.slug}
    assert not Assignment.objects.exists()
    assert client.post(_new(cohort), {"quiz": twin.slug}).status_code == 302
    assert Assignment.objects.get().quiz == twin


def test_a_quiz_already_assigned_is_named_when_typed_again(cohort, owner, quizzes):
    services.assignment_create(cohort=cohort, quiz=quizzes["curriculum"], by=owner)
    page = client_for(owner).post(_new(cohort), {"quiz": "root-review"})
    assert "“Root account review” is already assigned to this cohort" in _field_error(
        page.content.decode()
    )
    assert "root-review" not in _suggested(client_for(owner).get(_new(cohort)).content.decode())


def test_find_lessons_without_javascript_keeps_the_quiz_typed(cohort, owner, quizzes):
    """The lesson picker's "Find" sends the form back: the quiz typed stays, unjudged."""
    make_lesson(title="Root user")
    page = client_for(owner).post(
        _new(cohort), {"quiz": "root", "lesson_q": "root", "find_lessons": "1"}
    )
    text = page.content.decode()
    assert page.status_code == 200 and _field_error(text) == ""
    assert form_fields(text, "teach-form")["quiz"] == "root"
    assert _suggested(text) == ["root-review", quizzes["mine"].slug]
    assert not Assignment.objects.exists()


def test_editing_an_assignment_keeps_its_quiz(cohort, owner, quizzes):
    """The quiz of an assignment is fixed: its page names it, and a quiz sent with the form
    (a crafted post) changes nothing but what the form edits."""
    assignment = services.assignment_create(cohort=cohort, quiz=quizzes["mine"], by=owner)
    url = reverse("teach_cohorts:assignment", args=[cohort.pk, assignment.pk])
    client = client_for(owner)
    page = client.get(url).content.decode()
    assert "<h1>Root user basics</h1>" in page and "Assignment in Spring class" in page
    assert 'name="quiz"' not in page and "quiz-options" not in page
    saved = client.post(url, {"quiz": "root-review", "due_at": "2031-06-01T09:00"})
    assert saved.status_code == 302
    assignment.refresh_from_db()
    assert assignment.quiz == quizzes["mine"] and assignment.due_at is not None


def test_the_finder_is_for_those_teaching_the_cohort(cohort, learner, other_instructor, quizzes):
    assert client_for(learner).get(_find(cohort), {"quiz": "root"}).status_code == 403
    assert client_for(other_instructor).get(_find(cohort), {"quiz": "root"}).status_code == 404


def test_too_many_searches_are_refused_in_the_status_line(cohort, owner, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "search": "2/60"}
    client = client_for(owner)
    for _ in range(2):
        assert client.get(_find(cohort), {"quiz": "x"}, **HTMX).status_code == 200
    refused = client.get(_find(cohort), {"quiz": "x"}, **HTMX)
    assert refused.status_code == 429 and "Retry-After" in refused
    text = refused.content.decode()
    assert '<span id="quiz-status" hx-swap-oob="innerHTML">That was a lot of searches' in text
    assert "<option" not in text and "<html" not in text


def _grow_quizzes(owner, times: int) -> None:
    """`times` over: 5 published quizzes of the owner's and 5 of the curriculum's, and drafts
    and another's quizzes that are not offered."""
    Quiz.objects.bulk_create(
        Quiz(slug=f"grown-{n}", title=f"Grown quiz {n}", published=n % 4 != 3,
             owner=owner if n % 2 else None, source=Source.AUTHORED if n % 2 else Source.FILE)
        for n in range(Quiz.objects.count(), 13 * times)
    )  # fmt: skip


def test_the_new_assignment_form_costs_the_same_with_100_times_the_quizzes(cohort, owner, quiz):
    """The menu drew every quiz the instructor may assign (98 KB of options at 100×)."""
    client = client_for(owner)
    pages = [_new(cohort), f"{_find(cohort)}?quiz=grown"]

    def costs() -> list[tuple[int, int, int]]:
        out = []
        for url in pages:
            queries, html = page_queries(client, url, warm=True)
            out.append((queries, len(_suggested(html)), len(html)))
        return out

    _grow_quizzes(quiz.owner, 1)
    small = costs()
    _grow_quizzes(quiz.owner, 100)  # 1,300 quizzes, about 1,000 the owner may assign
    big = costs()
    assert [q for q, _, _ in big] == [q for q, _, _ in small]
    assert [n for _, n, _ in big] == [finder.MATCHES, finder.MATCHES]
    assert big[0][2] < small[0][2] + 3_000, (small[0][2], big[0][2])  # 30 options, not 1,000
    assert (
        "The first 30 quizzes matching “grown”; type more to narrow."
        in client.get(pages[1]).content.decode()
    )
