"""The network questions' editors in a browser: a flow question opens with its case, the key
and the question as learners see it follow what is typed (the page's status region says the
key), a case that does not parse is said at its line and column in the panel, and a refused
save keeps what was typed and describes the box by its error; no axe violation, no sideways
scroll on a phone."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from lessons.models import Source
from srm_trainer.accounts.roles import set_instructor
from tests.conftest import give_mfa
from tests.e2e.accessibility import assert_accessible
from tests.e2e.journeys import make_user, no_horizontal_scroll, sign_in_with_code
from tests.quizzes.builders import make_question, make_quiz, web_network

pytestmark = pytest.mark.e2e


@pytest.fixture
def edit(page, phone):
    """Ines's flow question (the web server whose network ACL forgets the reply's ports), in
    her quiz; she is signed in on the desktop and her phone. Returns its edit address."""
    ines = make_user("ines")
    set_instructor(user=ines, instructor=True)
    secret = give_mfa(ines)
    question = make_question("flow_decision", owner=ines, source=Source.AUTHORED, lesson=None)
    quiz = make_quiz(question, owner=ines, source=Source.AUTHORED, published=False)
    page.goto("/")
    sign_in_with_code(page, "ines", secret)
    phone.context.add_cookies(page.context.cookies())
    return reverse("teach:question-edit", args=[question.pk]) + f"?quiz={quiz.pk}"


def test_the_key_follows_the_case_and_a_refusal_is_said_where_it_is(edit, page, phone):
    phone.goto(edit)
    no_horizontal_scroll(phone)
    assert_accessible(phone)

    page.goto(edit)
    box = page.get_by_role("textbox", name="The case (JSON)")
    assert json.loads(box.input_value())["flow"]["port"] == 80
    key = page.locator(".key-decision")
    expect(key).to_have_text("The request arrives, but the reply is blocked")
    expect(page.get_by_role("combobox", name="Where is it blocked?")).to_be_disabled()
    assert_accessible(page)

    # The reply's ports opened: the key changes as the author types, and the status says so.
    case = json.loads(box.input_value())
    case["network"] = web_network(ephemeral=True)
    box.fill(json.dumps(case, indent=2))
    expect(key).to_have_text(re.compile("^It works"))
    expect(page.locator("[aria-live]").first).to_contain_text("The key: It works")

    # Broken JSON: the panel says where, nothing is lost, and a save is refused beside the box.
    broken = box.input_value().replace('"port": 80', '"port": 80,', 1)
    box.fill(broken)
    expect(page.locator("#net-check")).to_contain_text("Not ready to save")
    expect(page.locator("#net-check")).to_contain_text("JSON takes no comma after the last item")
    # The box is marked with the live check's words, as the labs mark theirs, and unmarked
    # once it reads again.
    expect(box).to_have_attribute("aria-invalid", "true")
    described = (box.get_attribute("aria-describedby") or "").split()
    assert "check-error-1" in described and "id_k-case_helptext" in described, described
    assert re.search(
        r"The case \(JSON\), line \d+, column \d+: JSON takes no comma after the last item",
        page.locator("#check-error-1").inner_text(),
    )
    box.fill(broken.replace('"port": 80,', '"port": 80', 1))
    expect(key).to_have_text(re.compile("^It works"))
    expect(box).not_to_have_attribute("aria-invalid", "true")
    assert "check-error-1" not in (box.get_attribute("aria-describedby") or "")
    box.fill(broken)
    expect(box).to_have_attribute("aria-invalid", "true")
    page.get_by_role("button", name="Save the question").click()
    box = page.get_by_role("textbox", name="The case (JSON)")
    expect(box).to_have_value(broken)
    expect(box).to_have_attribute("aria-invalid", "true")
    described = box.get_attribute("aria-describedby") or ""
    said = " ".join(page.locator(f"#{i}").inner_text() for i in described.split())
    assert re.search(r"Line \d+, column \d+: JSON takes no comma after the last item", said), said
    assert_accessible(page)


def test_a_new_question_starts_from_a_worked_example_and_saves_by_keyboard(edit, page, phone):
    """From "New: flow decision" to a saved question without knowing the format: the box
    holds an example with its key shown, the lab that writes cases is linked, and the author
    writes the prompt and explanation and saves without a mouse."""
    quiz = edit.rpartition("?quiz=")[2]
    new = reverse("teach:question-create", args=[int(quiz), "flow_decision"])
    phone.goto(new)
    no_horizontal_scroll(phone)
    assert_accessible(phone)

    page.goto(new)
    box = page.get_by_role("textbox", name="The case (JSON)")
    assert json.loads(box.input_value())["flow"]["port"] == 443
    expect(page.locator(".key-decision")).to_have_text(
        "The request arrives, but the reply is blocked"
    )
    expect(page.get_by_role("link", name="network lab")).to_have_attribute("href", "/lab/network/")
    assert_accessible(page)

    page.get_by_role("textbox", name="Prompt (Markdown)").focus()
    page.keyboard.type("Does HTTPS from the internet reach web?")
    page.keyboard.press("Tab")
    page.keyboard.type("The network ACL has no outbound rule for the reply's ephemeral ports.")
    save = page.get_by_role("button", name="Save the question")
    for _ in range(40):
        if save.evaluate("b => b === document.activeElement"):
            break
        page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator(".messages, [role=status]").first).to_contain_text("saved")


def test_the_reference_solutions_table_fits_its_card_on_a_phone(edit, phone):
    """Its four columns ran past the card's edge at 390 px ("Passes" cut off): each flow is
    a card there, each value named as its column."""
    quiz = edit.rpartition("?quiz=")[2]
    phone.goto(reverse("teach:question-create", args=[int(quiz), "flow_fix"]))
    table = phone.locator("#net-check table.check-requests")
    expect(table).to_contain_text("Yes")
    overhang = table.evaluate(
        "t => t.getBoundingClientRect().right - t.closest('.card').getBoundingClientRect().right"
    )
    assert overhang <= 0, overhang
    assert_accessible(phone)


def test_the_check_button_by_keyboard_keeps_focus_and_says_the_verdict(edit, page):
    """Without JavaScript the button posts the whole page; with it, it checked by reloading
    the page too, and focus went back to the page's start. Now it swaps the check alone."""
    page.goto(edit)
    box = page.get_by_role("textbox", name="The case (JSON)")
    box.fill(box.input_value().replace('"port": 80', '"port": 80,', 1))
    expect(page.locator("#net-check")).to_contain_text("JSON takes no comma after the last item")
    page.evaluate("() => { document.getElementById('net-check').textContent = ''; }")
    button = page.get_by_role("button", name="Check the case and show the question")
    address = page.url
    button.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#net-check")).to_contain_text("JSON takes no comma after the last item")
    expect(button).to_be_focused()
    assert page.url == address  # not a new page
    expect(page.locator("[aria-live]").first).to_contain_text("Not ready to save")
