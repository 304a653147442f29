"""A lesson body's `::: check SLUG` and `::: diagram NAME` name something that exists: the
admin refuses a body naming an unknown question or diagram (at the body, naming it), as the
loader does (tests/curriculum/test_lesson_checks.py), and progress counts only the checks a lesson page
shows (old rows saved before the check included)."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import AnonymousUser

from certificates.progress import course_progress
from lessons import knowledge_checks
from lessons.markdown import MAX_CHECKS_PER_LESSON
from lessons.models import Lesson
from tests.conftest import make_lesson, make_module
from tests.quizzes.builders import make_question

pytestmark = pytest.mark.django_db


def _form(lesson: Lesson) -> dict:
    """The lesson's admin form as saved (no scenario rows)."""
    return {
        "module": lesson.module_id,
        "title": lesson.title,
        "slug": lesson.slug,
        "summary": lesson.summary,
        "body": lesson.body,
        "order": lesson.order,
        "level": lesson.level,
        "minutes": lesson.minutes,
        "published": "on",
        "sources": json.dumps(lesson.sources),
        "Scenario_lessons-TOTAL_FORMS": "0",
        "Scenario_lessons-INITIAL_FORMS": "0",
        "Scenario_lessons-MIN_NUM_FORMS": "0",
        "Scenario_lessons-MAX_NUM_FORMS": "1000",
    }


def _post(client, lesson: Lesson, **changes):
    return client.post(f"/admin/lessons/lesson/{lesson.pk}/change/", {**_form(lesson), **changes})


def _post_body(client, lesson: Lesson, body: str):
    return _post(client, lesson, body=body)


def _body_errors(response) -> str:
    """The error list shown at the body field."""
    page = response.content.decode()
    found = page.split('id="id_body_error"', 1)
    assert len(found) == 2, "no error at the body field"
    return found[1].split("</ul>", 1)[0]


def test_the_admin_refuses_a_check_naming_no_question_and_an_unknown_diagram(admin_client):
    make_question(slug="groups-are-principals")
    archived = make_question(slug="old-one", archived=True)
    lesson = make_lesson()
    body = (
        "## Part\n\nWords.\n\n"
        "::: check groups-are-principal\n:::\n\n"
        "::: diagram srm-stak\n:::\n\n"
        f"::: check {archived.slug}\n:::\n"
    )
    response = _post_body(admin_client, lesson, body)
    assert response.status_code == 200
    errors = _body_errors(response)
    assert (
        "Line 5: &#x27;::: check groups-are-principal&#x27; names no question "
        "(did you mean &#x27;groups-are-principals&#x27;?)." in errors
    )
    assert "Line 8: &#x27;::: diagram srm-stak&#x27; names no diagram" in errors
    assert "srm-stack" in errors
    assert "Line 11: &#x27;::: check old-one&#x27; names an archived question" in errors
    assert 'aria-invalid="true"' in response.content.decode().split('name="body"')[1][:300]
    assert "groups-are-principal\n" in response.content.decode()  # what was typed is kept
    lesson.refresh_from_db()
    assert "::: check" not in lesson.body  # nothing saved

    fixed = "## Part\n\n::: check groups-are-principals\n:::\n\n::: diagram srm-stack\n:::\n"
    assert _post_body(admin_client, lesson, fixed).status_code == 302
    lesson.refresh_from_db()
    assert lesson.body.replace("\r\n", "\n") == fixed.strip()  # the form strips the end


def test_the_admin_refuses_a_question_checked_twice_in_one_lesson(admin_client):
    """As the loader does: drawn twice, the two copies shared their ids (a label chose the
    first copy's answer, answering the second replaced the first) and the lesson offered one
    check more than a learner could ever answer."""
    make_question(slug="root-mfa")
    lesson = make_lesson(body="## Part\n\nWords.\n")
    body = "## Part\n\n::: check root-mfa\n:::\n\nMore words.\n\n::: check root-mfa\n:::\n"
    response = _post_body(admin_client, lesson, body)
    assert response.status_code == 200
    assert "Line 8: the check &#x27;root-mfa&#x27; is already in this lesson." in _body_errors(
        response
    )
    lesson.refresh_from_db()
    assert "::: check" not in lesson.body


def test_the_admin_refuses_a_fourth_check_as_the_loader_does(admin_client):
    """The loader refuses a lesson of more than three checks (the module quiz has the rest);
    the admin saved one, and the lesson asked a check more than the course allows."""
    for n in range(1, 5):
        make_question(slug=f"q-{n}")
    lesson = make_lesson(body="## Part\n\nWords.\n")
    body = "## Part\n\n" + "".join(f"::: check q-{n}\n:::\n\n" for n in range(1, 5))
    response = _post_body(admin_client, lesson, body)
    assert response.status_code == 200
    said = _body_errors(response)
    assert (
        f"Line 12: a lesson holds at most {MAX_CHECKS_PER_LESSON} checks (the module quiz has "
        "the rest)." in said
    )
    assert said.count("<li>") == 1  # at the first one too many, not at each
    lesson.refresh_from_db()
    assert "::: check" not in lesson.body
    three = "## Part\n\n" + "".join(f"::: check q-{n}\n:::\n\n" for n in range(1, 4))
    assert _post_body(admin_client, lesson, three).status_code == 302


def test_the_admin_refuses_a_box_left_open_at_the_line_that_opens_it(admin_client):
    """A box without its closing ':::' swallowed the rest of the lesson into a note, saved
    without a word; the loader refuses it in a file too (`body_problems`)."""
    lesson = make_lesson()
    body = "## Part\n\n::: note\nA note.\n\n## Next part\n\nMore words.\n"
    response = _post_body(admin_client, lesson, body)
    assert response.status_code == 200
    errors = _body_errors(response)
    assert "Line 3: the box &#x27;::: note&#x27; is not closed by a line &#x27;:::&#x27;" in errors
    assert "More words." in response.content.decode()  # what was typed is kept
    lesson.refresh_from_db()
    assert "::: note" not in lesson.body

    closed = body.replace("A note.\n", "A note.\n:::\n")
    assert _post_body(admin_client, lesson, closed).status_code == 302


def test_progress_counts_only_checks_whose_question_a_lesson_shows(learner):
    """Rows saved before the admin checked (a phantom slug, a question archived since, a
    broken one) offer nothing on the page, so progress does not count them."""
    module = make_module()
    make_question(slug="real-one")
    make_question(slug="real-two")
    make_question(slug="gone-now", archived=True)
    broken = make_question(slug="broken-one")
    type(broken).objects.filter(pk=broken.pk).update(data={"choices": []})
    body = "".join(
        f"::: check {slug}\n:::\n\n"
        for slug in ("real-one", "phantom", "real-two", "gone-now", "broken-one")
    )
    lesson = make_lesson(module, body=body)
    knowledge_checks.record(
        user=learner,
        lesson=lesson,
        kind="question",
        ref="real-one",
        response={},
        score=1.0,
        correct=True,
    )
    assert knowledge_checks.offered_by_lesson([lesson.pk]) == {lesson.pk: 2}
    checks = course_progress(learner).for_module(module.pk).checks
    assert (checks.done, checks.total) == (1, 2)

    # A question made (or archived) later changes the count: it is not kept from before.
    make_question(slug="phantom")
    assert course_progress(AnonymousUser(), {}).for_module(module.pk).checks.total == 3


def test_the_lesson_list_still_edits_the_order_of_a_lesson_whose_old_body_names_no_question(
    admin_client,
):
    """The list edits order and published only: a body saved before the check (a phantom
    check) neither stops that edit nor is reported where the list cannot show it."""
    lesson = make_lesson(body="::: check phantom\n:::\n")
    response = admin_client.post(
        f"/admin/lessons/lesson/?module__id__exact={lesson.module_id}",
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000",
            "form-0-id": str(lesson.pk),
            "form-0-order": "42",
            "form-0-published": "on",
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    lesson.refresh_from_db()
    assert lesson.order == 42
