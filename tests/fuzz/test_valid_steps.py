"""How the page fuzzer sends a form validly to reach the page only a POST shows
(tests/fuzz/crafted_inputs.py, `valid_steps`; `make fuzz` sends them, tests/fuzz/
test_crafted_pages.py). Without these, a step that stopped being valid (a select left at
"Choose…", an admin action sent on no row) would reach nothing and pass."""

from __future__ import annotations

from tests.crawler import parse
from tests.fuzz.crafted_inputs import RECIPES, form_kind, valid_steps


def _steps(html: str, url: str = "/teach/import/"):
    return [step for _, step in valid_steps(url, parse(html))]


def test_each_button_is_pressed_once_with_a_select_given_its_first_real_option():
    steps = _steps(
        "<form method=post><input type=hidden name=once value=abc>"
        "<select name=to><option value=''>Choose</option><option value=4>otto</option>"
        "<option value=5>ada</option></select>"
        "<button name=action value=preview formaction='?x=1'>Preview</button>"
        "<button name=action value=save>Save</button></form>",
        url="/admin/auth/user/3/hand-over/",
    )
    assert [(s.url, s.data) for s in steps] == [
        (
            "/admin/auth/user/3/hand-over/?x=1",
            (("once", "abc"), ("to", "4"), ("action", "preview")),
        ),
        ("/admin/auth/user/3/hand-over/", (("once", "abc"), ("to", "4"), ("action", "save"))),
    ]


def test_a_forms_recipe_gives_the_values_the_page_does_not_hold():
    (step,) = _steps(
        "<form method=post><textarea name=text></textarea>"
        "<select name=format><option>auto</option><option>gift</option></select></form>"
    )
    assert dict(step.data) == RECIPES["teach:import"]


def test_an_admin_list_sends_each_action_on_its_first_row():
    steps = _steps(
        "<form method=post><select name=action><option value=''>---</option>"
        "<option value=delete_selected>Delete</option><option value=make_verified>Verify"
        "</option></select><input type=checkbox name=_selected_action value=9>"
        "<input type=checkbox name=_selected_action value=10>"
        "<button name=index value=0>Go</button></form>",
        url="/admin/account/emailaddress/",
    )
    assert [dict(s.data) for s in steps] == [
        {"index": "0", "action": "delete_selected", "_selected_action": "9"},
        {"index": "0", "action": "make_verified", "_selected_action": "9"},
    ]


def test_rows_of_a_form_are_one_kind_whatever_their_numbers():
    """An editor with one more row, or the same form on another question, is not fuzzed
    again: only a form with other fields is a page of its own."""
    one, two, other = parse(
        "<form method=post action=/teach/questions/1/edit/><input name=rows-0-text></form>"
        "<form method=post action=/teach/questions/2/edit/><input name=rows-0-text>"
        "<input name=rows-1-text></form>"
        "<form method=post action=/teach/questions/2/edit/><input name=token></form>"
    ).forms
    assert form_kind(one.action, one) == form_kind(two.action, two)
    assert form_kind(one.action, one) != form_kind(other.action, other)
