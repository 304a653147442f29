"""The module menu of the teaching forms is kept per content version: read once, and changed
the moment a module or lesson is saved or deleted. (The lesson is typed, with suggestions:
tests/teach/test_lesson_field.py.)"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lessons.models import Lesson, Module
from tests.conftest import make_lesson, make_module
from tests.teach.conftest import client_for

# Committed rows: outside a transaction is where the menus are kept.
pytestmark = pytest.mark.django_db(transaction=True)


def menu(page: str, name: str) -> list[tuple[str, str]]:
    select = page.split(f'<select name="{name}"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)


def menus(client, url: str) -> list:
    return menu(client.get(url).content.decode(), "module")


def as_the_orm_says() -> list:
    return [("", "---------")] + [
        (str(m.pk), str(m)) for m in Module.objects.order_by("order", "slug")
    ]


def test_the_menus_are_read_once_and_follow_every_change(instructor, owned):
    quiz, question = owned
    client = client_for(instructor)
    url = reverse("teach:question-edit", args=[question.pk])
    first = make_module(title="First", order=1)
    make_lesson(first, slug="intro", order=1)
    assert menus(client, url) == as_the_orm_says()
    expected = as_the_orm_says()
    with CaptureQueriesContext(connection) as ctx:
        assert menus(client, url) == expected
    read = " ".join(q["sql"] for q in ctx.captured_queries)
    assert 'FROM "lessons_module"' not in read  # no read of the modules alone
    # A module renamed, one put before it, a lesson added, renamed and deleted: each is seen
    # on the very next page.
    first.title = "First, renamed"
    first.save()
    assert menus(client, url) == as_the_orm_says()
    second = make_module(title="Second", order=0)
    assert menus(client, url)[1] == (str(second.pk), "Second")
    later = make_lesson(second, slug="later", order=5)
    assert menus(client, url) == as_the_orm_says()
    later.delete()
    assert menus(client, url) == as_the_orm_says()
    second.delete()
    assert menus(client, url) == as_the_orm_says()


def test_each_form_draws_and_checks_its_own_menu_fields_and_the_shared_queryset_stays_unread():
    """A form's menu fields are its own copies (their menus drawn from them) while the
    queryset that checks a chosen row is shared between the copies: so it must never be
    read into a cache, or every later form would check against those rows."""
    from teach.forms import QuestionForm

    module = make_module(title="Shared")
    lesson = make_lesson(module)
    first = QuestionForm(data={"lesson": str(lesson.pk), "module": str(module.pk)})
    second = QuestionForm(initial={})
    for name in ("module",):
        mine, theirs = first.fields[name], second.fields[name]
        assert mine is not theirs and mine.widget is not theirs.widget
        assert mine.widget.choices.field is mine and theirs.widget.choices.field is theirs
    assert ">Shared</option>" in str(second["module"])
    first.is_valid()
    assert (first.cleaned_data["module"], first.cleaned_data["lesson"]) == (module, lesson)
    for name in ("module",):
        assert QuestionForm.base_fields[name].queryset._result_cache is None
        assert first.fields[name].queryset._result_cache is None
    Module.objects.filter(pk=module.pk).delete()  # gone: the next form refuses it
    again = QuestionForm(data={"module": str(module.pk)})
    assert not again.is_valid() and "module" in again.errors


@pytest.mark.parametrize("name", ["module"])
def test_a_chosen_menu_row_is_the_row_djangos_field_finds_for_any_value(name):
    """The menus' fields read a posted key with SQL compiled once: the row (a lesson with its
    module read along, as the menu's queryset selects it) and the refusals are Django's."""
    from django import forms
    from django.core.exceptions import ValidationError

    from teach.forms import QuestionForm

    lesson = make_lesson(make_module(title="Chosen"))
    ours = QuestionForm().fields[name]
    django = forms.ModelChoiceField(queryset=ours.queryset)
    key = str(lesson.pk if name == "lesson" else lesson.module_id)

    def found(field, value):
        try:
            row = field.to_python(value)
        except ValidationError as exc:
            return ("refused", exc.messages)
        if row is None:
            return None
        columns = {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}
        if name == "lesson":
            assert Lesson.module.is_cached(row)
            module = row.module
            columns["module"] = {
                f.attname: getattr(module, f.attname) for f in module._meta.concrete_fields
            }
        return (type(row), columns, row._state.adding, row._state.db)

    for value in (key, f"0{key}", f" {key}", "٣", "abc", "9" * 18, "9" * 25, "0", "-1", "", None):
        assert found(ours, value) == found(django, value), value
