"""The admin's words: an inline's button names its rows as the inline does ("Add another
question"), a module's delete page counts "rendered bodies", and the role actions say what
they did in proper English, as a success."""

from __future__ import annotations

import html

import pytest
from django.contrib.messages import SUCCESS, WARNING, get_messages

from lessons.models import RenderedBody
from tests.conftest import make_lesson, make_module, make_scenario
from tests.quizzes.builders import make_question, make_quiz

pytestmark = pytest.mark.django_db


def _page(client, url: str) -> str:
    return html.unescape(client.get(url).content.decode())


@pytest.mark.parametrize(
    "where, says",
    [
        ("quiz", '"addText": "Add another question"'),
        ("lesson", '"addText": "Add another scenario shown in this lesson"'),
        ("module", '"addText": "Add another lesson"'),
    ],
)
def test_an_inlines_add_button_names_its_rows_in_lower_case(admin_client, where, says):
    lesson = make_lesson()
    row = {"quiz": make_quiz(make_question()), "lesson": lesson, "module": lesson.module}[where]
    page = _page(admin_client, f"/admin/{row._meta.app_label}/{where}/{row.pk}/change/")
    assert says in page
    assert "Add another Q" not in page and "Add another S" not in page


def test_a_modules_delete_page_counts_rendered_bodies(admin_client):
    module = make_module()
    lesson = make_lesson(module)
    RenderedBody.objects.create(lesson=lesson, source="x", html="<p>x</p>")
    page = _page(admin_client, f"/admin/lessons/module/{module.pk}/delete/")
    assert "Rendered bodies: 1" in page
    assert "Rendered body: its page as last drawn (made again from the body when needed)" in page


def test_a_renamed_lessons_delete_page_names_its_old_addresses_in_plain_english(admin_client):
    """Django's plural was "Earlier addresss", each named "iam/old-roles -> 12"."""
    from lessons.addresses import record_module_move, record_move

    module = make_module(slug="iam")
    lesson = make_lesson(module, slug="roles")
    record_move(lesson, module_slug="iam", lesson_slug="old-roles")
    page = _page(admin_client, f"/admin/lessons/lesson/{lesson.pk}/delete/")
    assert "Earlier addresses: 1" in page
    assert "Earlier address: /learn/iam/old-roles/" in page
    record_module_move(module, module_slug="identity")
    page = _page(admin_client, f"/admin/lessons/module/{module.pk}/delete/")
    assert "Earlier module slug: /learn/identity/" in page
    assert " -> " not in page


def test_a_delete_page_names_many_to_many_rows_by_what_they_join(admin_client):
    """Django listed them as "Scenario-lesson relationship: Scenario_lessons object (12)"."""
    lesson = make_lesson(make_module(slug="iam"), slug="roles")
    make_scenario(lesson, title="Alice reads a report")
    question = make_question(slug="tagged")
    question.tags.create(slug="exam-prep")

    page = _page(admin_client, f"/admin/lessons/lesson/{lesson.pk}/delete/")
    assert "Scenario-lesson relationship: “Alice reads a report” – “iam/roles”" in page
    page += _page(admin_client, f"/admin/quizzes/question/{question.pk}/delete/")
    assert "Question-tag relationship: “tagged” – “exam-prep”" in page
    assert "object (" not in page


@pytest.mark.parametrize("count", [1, 3])
def test_the_role_actions_say_what_they_did_as_a_success(admin_client, django_user_model, count):
    users = [
        django_user_model.objects.create_user(f"learner-{n}", password="a-long-passphrase-3")
        for n in range(count)
    ]
    said = []
    for action in ("make_instructor", "remove_instructor"):
        response = admin_client.post(
            "/admin/auth/user/",
            {"action": action, "_selected_action": [u.pk for u in users]},
            follow=True,
        )
        said += [(m.level, m.message) for m in get_messages(response.wsgi_request)]
    if count == 1:
        words = ["1 user is now an instructor.", "1 user is no longer an instructor."]
    else:
        words = ["3 users are now instructors.", "3 users are no longer instructors."]
    assert said == [(SUCCESS, words[0]), (SUCCESS, words[1])]


def test_a_role_action_says_which_staff_accounts_it_left_alone(
    client, everyday_admin, staff, django_user_model
):
    """An everyday admin changes no staff account: a staff account selected with a learner is
    named as left as it was, and why. Alone, it was "0 users are now instructors." in green."""
    learner = django_user_model.objects.create_user("lena", password="a-long-passphrase-3")
    response = client.post(
        "/admin/auth/user/",
        {"action": "make_instructor", "_selected_action": [staff.pk, learner.pk]},
        follow=True,
    )
    said = [(m.level, m.message) for m in get_messages(response.wsgi_request)]
    left = (
        "Left as it was: admin, a staff account. Only a superuser changes a staff account's roles."
    )
    assert said == [(SUCCESS, "1 user is now an instructor."), (WARNING, left)]
    response = client.post(
        "/admin/auth/user/",
        {"action": "remove_instructor", "_selected_action": [staff.pk]},
        follow=True,
    )
    assert [(m.level, m.message) for m in get_messages(response.wsgi_request)] == [(WARNING, left)]


def test_the_typed_quiz_filters_heading_reads_as_djangos_other_filters(admin_client):
    """The attempt list's quiz filter draws its own heading (templates/admin/quizzes/attempt/
    quiz_filter.html). Written "<summary>By quiz</summary>", it read "↓By quiz": Django's
    stylesheet puts the arrow before the summary's text, and its own filters' text begins with
    a space. Every heading in the panel is now " By <title> " as Django writes it."""
    import re

    page = admin_client.get("/admin/quizzes/attempt/").content.decode()
    panel = re.search(r'<nav id="changelist-filter".*?</nav>', page, re.S)[0]
    headings = [
        re.sub(r"\s+", " ", s) for s in re.findall(r"<summary>(.*?)</summary>", panel, re.S)
    ]
    assert headings[0] == " By quiz " and " By passed " in headings  # Django's own, for one
    assert all(re.fullmatch(r" By \w+ ", heading) for heading in headings), headings


@pytest.mark.parametrize(
    "url, make, fields",
    [
        ("/admin/lessons/module/add/", make_module, {"title": "Again", "order": "9"}),
        (
            "/admin/quizzes/question/add/",
            make_question,
            {"type": "true_false", "category": "iam", "prompt": "P?", "explanation": "E."},
        ),
    ],
    ids=["module", "question"],
)
def test_a_slug_another_row_has_is_refused_in_words_at_the_field(
    client, everyday_admin, url, make, fields
):
    """Django said "Module with this Slug already exists.": the field's name in capitals."""
    taken = make(slug="taken")
    data = {"slug": "taken", "data": '{"answer": true}', "misconceptions": "[]", **fields}
    page = html.unescape(client.post(url, data).content.decode())
    said = f"Another {taken._meta.verbose_name} has this slug already."
    assert f'<ul class="errorlist" id="id_slug_error"><li>{said}</li></ul>' in page
    assert "with this Slug" not in page


def test_a_lessons_body_says_what_it_may_hold_where_it_is_typed(admin_client):
    """The page said only "See lessons/content/README.md for conventions.": a file of the
    repository an admin may never have seen, and the only place the markers were named."""
    from lessons.markdown import DIAGRAM_NAMES

    page = _page(admin_client, f"/admin/lessons/lesson/{make_lesson().pk}/change/")
    help_text = page[page.index('<div class="description">') :]
    help_text = help_text[: help_text.index("</div>")]
    for marker in ("::: key-points", "::: note", "::: advanced", "::: check question-slug"):
        assert f"<code>{marker}</code>" in help_text
    assert all(f"<code>{name}</code>" in help_text for name in DIAGRAM_NAMES)
    assert "README" not in help_text
