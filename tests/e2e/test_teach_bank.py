"""An instructor in a browser: the header's Teaching link by keyboard, the question bank's live
search, and a question reused in their quiz from the bank."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lessons.models import Source
from quizzes.models import Question
from srm_trainer.accounts.roles import set_instructor
from tests.conftest import give_mfa
from tests.e2e.journeys import make_user, next_page_with_htmx, settled, sign_in_with_code
from tests.quizzes.builders import make_quiz

pytestmark = pytest.mark.e2e


def test_an_instructor_finds_a_question_in_the_bank_and_adds_it_to_a_quiz(page):
    ines = make_user("ines")
    set_instructor(user=ines, instructor=True)
    secret = give_mfa(ines)
    make_quiz(owner=ines, source=Source.AUTHORED, published=False, title="Week one")

    page.goto("/")
    sign_in_with_code(page, "ines", secret)

    teaching = page.get_by_role("banner").get_by_role("link", name="Teaching")
    teaching.focus()
    teaching.press("Enter")
    expect(page.get_by_role("heading", name="Your quizzes and questions")).to_be_visible()
    expect(page.get_by_role("banner").get_by_role("link", name="Teaching")).to_have_attribute(
        "aria-current", "page"
    )

    page.get_by_role("link", name="Search the question bank").click()
    page.wait_for_url(re.compile(r"/teach/questions/"))  # and its load: htmx has set the page up
    count = page.locator("#bank-count")
    expect(count).to_contain_text("question")
    count.evaluate("region => { region.markedBeforeTheUpdate = true; }")
    page.get_by_label("Search", exact=True).fill("root user")
    expect(count).to_contain_text("match")  # htmx swapped the results as the teacher typed
    # ... into the status region that was there: one swapped in whole is often not announced
    assert count.evaluate("region => region.markedBeforeTheUpdate === true")
    rows = page.locator("#bank-results tbody tr")
    found = rows.count()
    assert found >= 1
    # Each row's question has both words in its prompt or slug (the row shows only the first
    # 90 characters of the prompt, which may end before them).
    for slug in page.locator("#bank-results tbody .question-slug").all_inner_texts():
        question = Question.objects.get(slug=slug.split("·")[0].strip())  # "slug · owner"
        searched = f"{question.prompt} {question.slug}".lower()
        assert "root" in searched and "user" in searched, question.slug

    page.get_by_label("Add questions to").select_option(label="Week one")
    settled(page)
    add = page.get_by_role("button", name=re.compile(r"^Add .* to Week one$")).first
    add.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("Question added to “Week one”")
    expect(page.get_by_label("Search", exact=True)).to_have_value("root user")  # filters kept
    expect(page.get_by_text("In this quiz").first).to_be_visible()


def test_on_a_phone_each_bank_question_is_a_card_with_its_add_button_in_sight(phone):
    """At 390 px the bank's eight columns scrolled sideways inside their box, the "Add" button
    450 px to the right of the screen: a teacher adding questions on a phone scrolled each row
    across to find it. Each question is a card now, its details labelled, its button under it."""
    ines = make_user("ines")
    set_instructor(user=ines, instructor=True)
    secret = give_mfa(ines)
    quiz = make_quiz(owner=ines, source=Source.AUTHORED, published=False, title="Week one")

    phone.goto("/")
    sign_in_with_code(phone, "ines", secret)
    phone.goto(f"/teach/questions/?into={quiz.pk}")
    width = phone.viewport_size["width"]
    rows = phone.locator("#bank-results tbody tr")
    assert rows.count() > 1
    for row in (rows.nth(0), rows.nth(1)):
        add = row.get_by_role("button", name=re.compile(r"^Add .* to Week one$"))
        box = add.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, box
        kind = row.locator("td").first
        cell = kind.bounding_box()
        assert cell is not None and cell["x"] + cell["width"] <= width, cell
        label = kind.evaluate("e => getComputedStyle(e, '::before').content")
        assert "Kind" in label, label
    scroller = phone.locator("#bank-results .table-scroll")
    assert scroller.evaluate("e => e.scrollWidth <= e.clientWidth"), "the table still scrolls"


def test_after_adding_from_the_bank_the_keyboard_carries_on_from_that_question(page):
    """The bank's "Add" posts the page and comes back to it, filters kept: it came back at the
    top, focus on the page's start, so adding a third question by keyboard meant tabbing
    through the header and the nine filters again. It comes back at the question just added,
    and Tab goes on from there."""
    ines = make_user("ines")
    set_instructor(user=ines, instructor=True)
    secret = give_mfa(ines)
    make_quiz(owner=ines, source=Source.AUTHORED, published=False, title="Week one")
    page.goto("/")
    sign_in_with_code(page, "ines", secret)
    page.goto("/teach/questions/")
    page.get_by_label("Add questions to").select_option(label="Week one")
    settled(page)
    rows = page.locator("#bank-results tbody tr")
    added = rows.nth(3)
    added.get_by_role("button", name=re.compile(r"^Add .* to Week one$")).press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("Question added to “Week one”")
    expect(added).to_contain_text("In this quiz")
    expect(added).to_be_in_viewport()
    page.keyboard.press("Tab")
    after = page.evaluate(
        """() => { const row = document.querySelectorAll('#bank-results tbody tr')[3];
                   const at = document.activeElement;
                   return row.contains(at) || !!(row.compareDocumentPosition(at) & 4); }"""
    )
    assert after, "Tab went back to the start of the page"


def test_paging_the_bank_swaps_the_results_in_with_the_filters_kept(page):
    """The bank's pager (templates/_pager.html) fetches a page with htmx, the filters kept:
    the results change without a reload, the address is pushed, and the count line ("… page
    2 of 4.", announced as it changes) takes focus above the new results (static/js/pager.js):
    focus used to fall to the page's body, and Tab went on from the footer."""
    ines = make_user("ines")
    set_instructor(user=ines, instructor=True)
    secret = give_mfa(ines)
    page.goto("/")
    sign_in_with_code(page, "ines", secret)
    page.goto("/teach/questions/?kind=single")
    page.wait_for_load_state()  # htmx has set the page up
    count = page.locator("#bank-count")
    expect(count).to_contain_text(re.compile(r"questions match; page 1 of \d+\."))
    next_page_with_htmx(
        page,
        count=count,
        pager="Pages of questions",
        url=re.compile(r"/teach/questions/\?kind=single&page=2$"),
        rows=page.locator("#bank-results tbody .question-slug"),
    )
    kinds = set(page.locator('#bank-results td[data-label="Kind"]').all_inner_texts())
    assert kinds == {"Single choice"}, kinds  # the filter kept
    expect(page.get_by_label("Kind")).to_have_value("single")

    pager = page.get_by_role("navigation", name="Pages of questions")  # swapped in anew
    pager.get_by_role("link", name="Page 1", exact=True).click()
    expect(page).to_have_url(re.compile(r"/teach/questions/\?kind=single&page=1$"))
    expect(count).to_contain_text("page 1 of")
    page.go_back()
    expect(page).to_have_url(re.compile(r"/teach/questions/\?kind=single&page=2$"))
    expect(count).to_contain_text("page 2 of")
