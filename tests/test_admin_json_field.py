"""The admin's JSON fields (srm_trainer/admin_json_field.py): a paste nested thousands of levels
deep, invalid JSON, or a value no database stores is a field error that says what and where,
with the text kept as typed, never a 500; stored JSON is shown indented in a box as tall as it,
and a save without edits stores the same data."""

from __future__ import annotations

import html
import json
import re
from urllib.parse import urlencode

import pytest
from django.contrib import admin
from django.db import models
from django.test import RequestFactory

from srm_trainer.admin_json_field import MAX_DEPTH, AdminJSONField, JSONTextarea
from tests.conftest import FORM_CONTENT, make_lesson, make_scenario
from tests.quizzes.builders import CHALLENGE, make_question
from tests.teach.formdata import form_fields

DEEP = "[" * 3000 + "]" * 3000


def change_url(obj) -> str:
    return f"/admin/{obj._meta.app_label}/{obj._meta.model_name}/{obj.pk}/change/"


def as_shown(client, url: str) -> dict:
    """The change form's fields as a browser would send them back, untouched."""
    page = client.get(url)
    assert page.status_code == 200
    data = form_fields(page.content.decode(), form_class="")  # every form: the change form's
    data.pop("csrfmiddlewaretoken", None)  # and the logout form's token, which the client skips
    return data


def textarea(page: str, name: str) -> tuple[dict[str, str], str]:
    """The attributes and the text of the textarea `name` on `page`."""
    found = re.search(rf'<textarea name="{name}"([^>]*)>\n?(.*?)</textarea>', page, re.S)
    assert found, name
    attrs = dict(re.findall(r'([\w-]+)="([^"]*)"', found.group(1)))
    return attrs, html.unescape(found.group(2))


def errors(page: str) -> list[str]:
    return [
        html.unescape(e)
        for e in re.findall(r'<ul class="errorlist[^"]*"[^>]*><li>(.*?)</li>', page)
    ]


# --- through the admin's change pages ---------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("make", "field", "text"),
    [
        (make_question, "data", DEEP),
        (make_lesson, "sources", DEEP),
        (make_scenario, "case", '{"a": ' + DEEP + "}"),
    ],
    ids=["question-data", "lesson-sources", "scenario-case"],
)
def test_json_nested_thousands_deep_is_a_field_error_that_keeps_what_was_typed(
    admin_client, make, field, text
):
    obj = make()
    stored = getattr(obj, field)
    data = as_shown(admin_client, change_url(obj))
    data[field] = text
    data["title" if "title" in data else "prompt"] += " (edited)"  # another field's edit too
    response = admin_client.post(change_url(obj), data)
    assert response.status_code == 200  # the form again, not a 500 and not a redirect
    page = response.content.decode()
    assert re.search(
        rf"Line 1, column \d+: The JSON nests objects and lists more than {MAX_DEPTH} levels deep",
        " ".join(errors(page)),
    )
    assert textarea(page, field)[1] == text  # everything typed is still there
    assert "(edited)" in page
    obj.refresh_from_db()
    assert getattr(obj, field) == stored


@pytest.mark.django_db
def test_invalid_json_says_what_is_wrong_at_which_line_and_column(admin_client):
    question = make_question()
    data = as_shown(admin_client, change_url(question))
    typed = '{\n  "choices": [\n    {"id": "a", "text": "Yes"}\n    {"id": "b"}\n  ]\n}'
    data["data"] = typed
    page = admin_client.post(change_url(question), data).content.decode()
    said = "Line 4, column 5: A comma is probably missing at the end of line 3."
    assert said in errors(page)
    assert "Enter a valid JSON." not in page
    assert textarea(page, "data")[1] == typed  # as typed: line 4 is the line on screen


@pytest.mark.django_db
def test_a_key_written_twice_is_refused_at_its_second_place_and_nothing_is_saved(admin_client):
    """JSON's decoder keeps the last of two equal keys without a word: a second "choices"
    pasted below the first saved only the second, and the first's choices were gone. Refused
    as the question import and the question editor's boxes refuse it, what was typed kept."""
    question = make_question("single")
    stored = question.data
    data = as_shown(admin_client, change_url(question))
    typed = (
        '{\n  "choices": [{"id": "a", "text": "Yes", "correct": true}],\n'
        '  "choices": [{"id": "b", "text": "No", "correct": true}]\n}'
    )
    data["data"] = typed
    response = admin_client.post(change_url(question), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert errors(page) == ["Line 3, column 3: The key 'choices' appears twice in one object."]
    assert textarea(page, "data")[1] == typed
    question.refresh_from_db()
    assert question.data == stored


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ('["one", NaN]', "Line 1, column 9: NaN is not JSON (its numbers are finite): write a number or null."),
        ('["one",\n  1e400]', "Line 2, column 3: The number 1e400 is too large to read: the largest is about 1.8e308."),
        ('["a \\u0000 b"]', "Line 1, column 5: The JSON holds \\u0000, the NUL character, which the database cannot store."),
        ('["\\ud800"]', "Line 1, column 3: The JSON holds the escape \\ud800, half of a surrogate pair: it is not a Unicode character."),
    ],
)  # fmt: skip
def test_a_value_the_database_cannot_store_is_a_field_error_not_a_500(admin_client, typed, said):
    """NaN and 1e400 failed the database's JSON check, \\u0000 PostgreSQL's jsonb, and a lone
    surrogate the page's own UTF-8 encoding."""
    question = make_question(misconceptions=["kept"])
    data = as_shown(admin_client, change_url(question))
    data["misconceptions"] = typed
    response = admin_client.post(change_url(question), data)
    assert response.status_code == 200
    assert errors(response.content.decode()) == [said]
    question.refresh_from_db()
    assert question.misconceptions == ["kept"]


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["", "  \n", "null"])
def test_an_emptied_json_box_saves_the_fields_default_not_a_null_the_column_refuses(
    admin_client, typed
):
    question = make_question(misconceptions=["thinks-so"])
    scenario = make_scenario(rule={"title": "A rule", "url": "https://docs.aws.amazon.com/r"})
    for obj, field, default in ((question, "misconceptions", []), (scenario, "rule", {})):
        data = as_shown(admin_client, change_url(obj))
        data[field] = typed
        assert admin_client.post(change_url(obj), data).status_code == 302
        obj.refresh_from_db()
        assert getattr(obj, field) == default


@pytest.mark.django_db
def test_stored_json_is_shown_indented_in_a_monospace_box_as_tall_as_it(admin_client):
    question = make_question()
    page = admin_client.get(change_url(question)).content.decode()
    attrs, text = textarea(page, "data")
    assert text == json.dumps(question.data, indent=2, ensure_ascii=False)
    assert text.count("\n") > 10  # one line of 300 characters before
    assert "json-text" in attrs["class"].split()  # static/css/admin-json.css: monospace
    assert int(attrs["rows"]) == text.count("\n") + 2
    assert "css/admin-json.css" in page


@pytest.mark.django_db
def test_a_save_without_edits_stores_the_same_data(admin_client):
    """Including a policy kept as JSON text (to keep its line numbers): the same string, with
    its own line breaks, not data and not re-indented; booleans stay booleans; non-ASCII as is."""
    question = make_question("least_privilege")
    choices = make_question("single")  # its choices' "correct": true and false
    scenario = make_scenario()
    lesson = make_lesson(sources=[{"title": "Über S3", "url": "https://docs.aws.amazon.com/s3"}])
    for obj, fields in (
        (question, ("data", "misconceptions")),
        (choices, ("data",)),
        (scenario, ("case", "rule")),
        (lesson, ("sources",)),
    ):
        before = {f: getattr(obj, f) for f in fields}
        response = admin_client.post(change_url(obj), as_shown(admin_client, change_url(obj)))
        assert response.status_code == 302, errors(response.content.decode())
        obj.refresh_from_db()
        after = {f: getattr(obj, f) for f in fields}
        assert json.dumps(after, sort_keys=True) == json.dumps(before, sort_keys=True)
    start = question.data["challenge"]["start_policy"]
    assert isinstance(start, str) and start == CHALLENGE["start_policy"]


@pytest.mark.django_db
def test_a_ten_megabyte_paste_is_refused_before_it_is_read(admin_client):
    """Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) refuses the request (400) before any
    field reads it: no JSON parse of 10 MB, and nothing stored changes."""
    question = make_question()
    data = as_shown(admin_client, change_url(question))
    data["data"] = "[" * 10_000_000
    # The body the test client would make of `data` (a browser's too), with the 10 MB field's
    # escape written at once: urlencode quoted it one character at a time (~0.4 s of CPU).
    body = "&".join(
        "data=" + "%5B" * 10_000_000 if name == "data" else urlencode({name: value}, doseq=True)
        for name, value in data.items()
    )
    response = admin_client.post(change_url(question), body, content_type=FORM_CONTENT)
    assert response.status_code == 400
    stored = question.data
    question.refresh_from_db()
    assert question.data == stored


def _json_fields(form) -> list[tuple[str, object]]:
    model = form._meta.model
    fields = {f.name: f for f in model._meta.get_fields()}
    return [
        (f"{model.__name__}.{name}", field)
        for name, field in form.base_fields.items()
        if isinstance(fields.get(name), models.JSONField)
    ]


@pytest.mark.django_db
def test_every_admin_form_and_inline_uses_the_field_for_its_json_fields(admin_user):
    """So an admin added later gets it too (the admin's default for models.JSONField)."""
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    found = []
    for model_admin in admin.site._registry.values():
        forms = [model_admin.get_form(request)]
        forms += [
            inline.get_formset(request).form for inline in model_admin.get_inline_instances(request)
        ]
        for form in forms:
            found += _json_fields(form)
    assert found
    assert [name for name, field in found if not isinstance(field, AdminJSONField)] == []
    names = {name for name, _ in found}
    assert {
        "Question.data",
        "Question.misconceptions",
        "Lesson.sources",
        "Scenario.case",
        "Scenario.rule",
        "Quiz.draw_rules",
        "ComplianceProgram.aws_provides",
        "ReviewCard.card",
    } <= names


# --- the field itself ---------------------------------------------------------------------


def _error(field, text: str) -> str:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        field.clean(text)
    return " ".join(caught.value.messages)


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 3000, 200_000])
def test_nesting_beyond_the_limit_is_refused_where_it_goes_too_deep(depth):
    text = "{\n" + '"a": ' + "[" * (depth - 1) + "]" * (depth - 1) + "\n}"
    said = _error(AdminJSONField(), text)
    assert said == (
        f"Line 2, column {6 + MAX_DEPTH - 1}: The JSON nests objects and lists more than "
        f"{MAX_DEPTH} levels deep."
    )


def test_nesting_up_to_the_limit_is_read():
    text = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert AdminJSONField().clean(text) == json.loads(text)


def test_a_key_twice_is_refused_in_any_object_and_equal_keys_are_compared_as_read():
    """Placed at the second key, however deep; `"\\u0061"` is the key "a" written again."""
    field = AdminJSONField()
    assert _error(field, '[{"a": 1}, {"b": {"c": 1,\n "c": 2}}]') == (
        "Line 2, column 2: The key 'c' appears twice in one object."
    )
    assert _error(field, '{"a": 1, "\\u0061": 1}') == (
        "Line 1, column 10: The key 'a' appears twice in one object."
    )
    assert field.has_changed({"a": 1}, '{"a": 1, "a": 1}')  # refused, so never "unchanged"
    assert field.clean('[{"a": 1}, {"a": 2}]') == [{"a": 1}, {"a": 2}]  # two objects, each once


def test_an_escaped_backslash_before_u0000_is_text_not_the_nul_character():
    assert AdminJSONField().clean('["C:\\\\u0000"]') == ["C:\\u0000"]


def test_a_top_level_string_stays_a_string_through_a_round_trip():
    field = AdminJSONField()
    value = field.clean(field.prepare_value('{\n  "Version": 1\n}'))
    assert value == '{\n  "Version": 1\n}'
    assert not field.has_changed('{\n  "Version": 1\n}', field.prepare_value(value))


@pytest.mark.parametrize(
    "value",
    [{"b": [1, 2.5, True, None], "a": {"ü": "✓"}}, [], {}, 0, False, "text", [[[]]]],
)
def test_indented_text_reads_back_as_the_same_data(value):
    field = AdminJSONField(required=False)
    shown = field.prepare_value(value)
    assert shown == json.dumps(value, indent=2, ensure_ascii=False)
    assert json.dumps(field.clean(shown)) == json.dumps(value)
    assert not field.has_changed(value, shown)


def test_a_change_is_a_change_of_data_not_of_layout_or_key_order():
    field = AdminJSONField()
    assert not field.has_changed({"a": 1, "b": 2}, '{"b": 2,\n "a": 1}')
    assert field.has_changed({"a": 1}, '{"a": true}')
    assert field.has_changed({"a": 1}, '{"a": ')


def test_an_empty_box_is_the_default_and_a_required_field_without_one_says_so():
    assert AdminJSONField(required=False, initial=list).clean("") == []
    assert AdminJSONField(required=False, initial=dict).clean("null") == {}
    assert _error(AdminJSONField(), "") == "This field is required."
    assert _error(AdminJSONField(initial=dict), "{}") == "This field is required."


def test_text_sent_back_is_shown_exactly_as_typed():
    field = AdminJSONField()
    for typed in ('{"a":   1}', '{"a": ', DEEP):
        assert field.prepare_value(field.bound_data(typed, {"a": 1})) == typed


@pytest.mark.parametrize(("lines", "rows"), [(0, 4), (9, 11), (100, 40)])
def test_the_box_is_as_tall_as_its_text_within_bounds(lines, rows):
    rendered = JSONTextarea().render("data", "x\n" * lines)
    assert f'rows="{rows}"' in rendered
    assert 'spellcheck="false"' in rendered
