"""The question editor's lesson: typed as its address (module/lesson) with at most
`finder.MATCHES` suggestions, not a menu of every lesson (2,700 options at 100×). The edit
page shows the lesson it has, a typed one is saved, a refused form keeps what was typed, a
wrong address is said beside the field, a draft is never suggested nor taken (unless it is
the question's own already), and the page costs the same queries at 1× and 100×."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from lessons import finder
from lessons.models import Lesson
from tests.conftest import make_lesson, make_module, page_queries
from tests.teach.formdata import form_fields

pytestmark = pytest.mark.django_db
FIND = reverse("teach:lesson-find")


def _edit(question) -> str:
    return reverse("teach:question-edit", args=[question.pk])


def _lesson_input(page: str) -> str:
    return re.search(r'<input type="text" name="lesson"[^>]*>', page)[0]


def _options(page: str) -> list[str]:
    datalist = re.search(r'<datalist id="lesson-options">(.*?)</datalist>', page, re.S)
    return re.findall(r'<option value="([^"]*)"', datalist[1] if datalist else page)


def test_the_edit_page_shows_the_lesson_it_has_with_suggestions(teacher, owned):
    _, question = owned
    lesson = make_lesson(make_module(slug="iam", title="Identity"), slug="roles", title="Roles")
    question.lesson = lesson
    question.save()
    page = teacher.get(_edit(question)).content.decode()
    assert '<select name="lesson"' not in page
    field = _lesson_input(page)
    assert 'value="iam/roles"' in field and 'list="lesson-options"' in field
    assert 'hx-get="/teach/lessons/find/"' in field
    assert _options(page) == ["iam/roles"]
    assert '<p id="lesson-status" class="visually-hidden" role="status">' in page


def test_a_typed_address_is_saved_and_a_refused_form_keeps_it(teacher, owned):
    _, question = owned
    lesson = make_lesson(make_module(slug="net"), slug="vpc")
    data = form_fields(teacher.get(_edit(question)).content.decode())
    refused = teacher.post(_edit(question), {**data, "lesson": " net/vpc ", "prompt": ""})
    assert refused.status_code == 200
    assert 'value=" net/vpc "' in _lesson_input(refused.content.decode())  # as typed
    saved = teacher.post(_edit(question), {**data, "lesson": "net/vpc"})
    assert saved.status_code == 302
    question.refresh_from_db()
    assert question.lesson == lesson


@pytest.mark.parametrize("typed", ["nowhere/nothing", "a/b/c", "x" * 300, "٣", "9" * 40])
def test_a_wrong_address_is_said_beside_the_field_not_a_500(teacher, owned, typed):
    _, question = owned
    data = form_fields(teacher.get(_edit(question)).content.decode())
    page = teacher.post(_edit(question), {**data, "lesson": typed})
    assert page.status_code == 200
    text = html.unescape(page.content.decode())
    assert "is not the address of a published lesson. Type it as module/lesson" in text
    question.refresh_from_db()
    assert question.lesson is None


def test_a_draft_lesson_is_not_suggested_nor_taken_unless_it_is_the_questions_own(teacher, owned):
    _, question = owned
    draft = make_lesson(make_module(slug="mod"), slug="secret-draft", published=False)
    found = teacher.get(FIND, {"for": "question", "lesson": "secret"}).content.decode()
    assert _options(found) == [] and "secret-draft" not in found
    data = form_fields(teacher.get(_edit(question)).content.decode())
    for sent in ("mod/secret-draft", str(draft.pk)):
        page = teacher.post(_edit(question), {**data, "lesson": sent})
        assert "is not the address of a published lesson" in html.unescape(page.content.decode())
    question.lesson = draft  # linked while it was published
    question.save()
    data = form_fields(teacher.get(_edit(question)).content.decode())
    assert data["lesson"] == "mod/secret-draft"
    assert teacher.post(_edit(question), data).status_code == 302  # saved, kept


def test_suggestions_follow_what_is_typed(teacher):
    storage = make_module(slug="storage", title="Storage")
    bucket = make_lesson(storage, slug="bucket-policies", title="Bucket policies")
    make_lesson(storage, slug="keys", title="Encryption keys")
    found = teacher.get(FIND, {"for": "question", "lesson": "bucket"}).content.decode()
    assert _options(found) == [str(bucket)]
    assert ">Bucket policies&nbsp;·&nbsp;Storage</option>" in found
    assert '<span id="lesson-status" hx-swap-oob="innerHTML">1 lesson matches' in found
    # an address typed whole finds its lesson
    assert _options(
        teacher.get(FIND, {"for": "question", "lesson": "storage/keys"}).content.decode()
    ) == ["storage/keys"]


def test_the_question_editor_costs_the_same_with_100_times_the_lessons(teacher, owned):
    _, question = owned
    modules = [make_module() for _ in range(3)]
    lessons = [make_lesson(modules[n % 3]) for n in range(6)]
    question.lesson = lessons[1]
    question.save()
    urls = [_edit(question), f"{FIND}?for=question&lesson=lesson"]
    small = [page_queries(teacher, url, warm=True)[0] for url in urls]
    Lesson.objects.bulk_create(
        Lesson(module_id=lesson.module_id, slug=f"{lesson.slug}-c{k}", title=f"{lesson.title} ({k})",
               order=lesson.order + 1000 * k, body=lesson.body)
        for k in range(1, 100)
        for lesson in lessons
    )  # fmt: skip
    big = [page_queries(teacher, url, warm=True) for url in urls]
    assert [count for count, _ in big] == small
    assert len(_options(big[1][1])) == finder.MATCHES
    assert len(_options(big[0][1])) <= finder.MATCHES


def test_a_lessons_whole_title_is_taken_in_any_case_and_a_shared_one_is_said(teacher, owned):
    """The field says to type words of the title: typed whole (no suggestion picked, or no
    JavaScript to suggest), the title was refused as "not the address of a published lesson"."""
    _, question = owned
    storage = make_module(slug="storage", title="Storage")
    lesson = make_lesson(storage, slug="bucket-policies", title="Bucket policies / ACLs")
    data = form_fields(teacher.get(_edit(question)).content.decode())
    saved = teacher.post(_edit(question), {**data, "lesson": " bucket POLICIES / acls "})
    assert saved.status_code == 302
    question.refresh_from_db()
    assert question.lesson == lesson
    make_lesson(make_module(slug="archive"), slug="old-buckets", title="Bucket policies / ACLs")
    data = form_fields(teacher.get(_edit(question)).content.decode())
    page = teacher.post(_edit(question), {**data, "lesson": "Bucket policies / ACLs"})
    assert page.status_code == 200
    said = html.unescape(page.content.decode())
    assert "More than one lesson is called “Bucket policies / ACLs”" in said
    assert "storage/bucket-policies" in said and "archive/old-buckets" in said
    draft = make_lesson(storage, slug="draft", title="Secret draft", published=False)
    page = teacher.post(_edit(question), {**data, "lesson": "secret draft"})
    assert "is not the address of a published lesson" in html.unescape(page.content.decode())
    question.refresh_from_db()
    assert question.lesson == lesson and question.lesson != draft
