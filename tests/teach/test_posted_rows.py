"""A row action re-draws the rows as posted: read from the post without building each row's
form, they are what those forms would show (`BoundField.value()`), whatever was sent."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from teach import editors  # first: it imports the engine-backed editors' modules
from teach.challenge_editor import ROW_FIELDS, RequestRows
from teach.editors import MAX_ROWS, RowFocus, focus_after, posted_values

POSTS = [
    "rows-TOTAL_FORMS=2&rows-0-text=A&rows-0-correct=on&rows-1-text=B&rows-1-feedback=why",
    "rows-TOTAL_FORMS=5&rows-0-text=only+one",  # rows the post does not hold
    f"rows-TOTAL_FORMS={MAX_ROWS * 4}&rows-3-text=far",  # past the most a list takes
    "rows-TOTAL_FORMS=3&rows-0-correct=false&rows-1-correct=TRUE&rows-2-correct=",
    "rows-TOTAL_FORMS=2&rows-0-correct=0&rows-1-correct=off&rows-1-category=AWS",
    "rows-TOTAL_FORMS=1&rows-0-text=%3Cb%3Ex%3C%2Fb%3E+%26+%C3%BC&rows-0-id=made-up",
    "rows-TOTAL_FORMS=1&rows-0-text=first&rows-0-text=second&rows-0-correct=on&rows-0-correct=",
    "rows-TOTAL_FORMS=0",
    "rows-TOTAL_FORMS=-2",
    "rows-TOTAL_FORMS=x&rows-0-text=A",
    "rows-0-text=A",  # no management form
]


def _as_forms_show_them(formset, names) -> list[dict]:
    return [{name: form[name].value() for name in names} for form in formset.forms]


@pytest.mark.parametrize("post", POSTS)
@pytest.mark.parametrize(
    "row_form", [editors.ChoiceRow, editors.ItemRow, editors.CategorizedItemRow]
)
def test_posted_rows_are_what_the_rows_forms_show(row_form, post):
    names = tuple(row_form.base_fields)
    data = QueryDict(post + "&rows-INITIAL_FORMS=0")
    formset = editors._formset(row_form)(data, prefix="rows")
    if not formset.management_form.is_valid():
        return  # the editor reads no rows then (`Editor.posted_rows`)
    assert posted_values(formset, names) == _as_forms_show_them(formset, names)


@pytest.mark.parametrize("post", POSTS)
def test_posted_requests_are_what_the_request_forms_show(post):
    data = QueryDict(post.replace("rows-", "allow-").replace("-text=", "-action="))
    data = data.copy()
    data.update({"allow-INITIAL_FORMS": "0", "allow-1-context": '{"a": 1}'})
    formset = RequestRows(data, prefix="allow")
    if not formset.management_form.is_valid():
        return
    assert posted_values(formset, ROW_FIELDS) == _as_forms_show_them(formset, ROW_FIELDS)


@pytest.mark.parametrize(
    ("action", "rows", "focus"),
    [
        ("add", 5, RowFocus(4, "text")),  # the new row, ready to type into
        ("down-0", 4, RowFocus(1, "down")),  # the same button, on the row it moved
        ("up-2", 4, RowFocus(1, "up")),
        ("up-1", 4, RowFocus(0, "down")),  # at the top "Move up" is disabled: the other one
        ("down-2", 4, RowFocus(3, "up")),
        ("remove-1", 3, RowFocus(1, "text")),  # the row that took its place
        ("remove-3", 3, RowFocus(2, "text")),  # the last one removed: the new last
        ("remove-0", 0, RowFocus(-1, "text")),  # none left: the "Add" button
        ("save", 4, None),
        ("up-x", 4, None),
    ],
)
def test_a_row_button_leaves_focus_on_the_row_it_changed(action, rows, focus):
    assert focus_after(action, rows) == focus
