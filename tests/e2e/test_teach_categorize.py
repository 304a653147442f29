"""The sort-into-categories editor in a browser: an item's category box suggests the
categories typed above the rows, and the suggestions follow the list as it is typed (no save
or row button first, static/js/category-options.js); an item put in "aws" is saved in the
category's own spelling, "AWS"."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from srm_trainer.accounts.roles import set_instructor
from tests.conftest import give_mfa
from tests.e2e.journeys import make_user, sign_in_with_code
from tests.quizzes.builders import make_authored_categorize

pytestmark = pytest.mark.e2e


def test_item_category_boxes_suggest_the_categories_as_typed(page):
    ines = make_user("ines")
    set_instructor(user=ines, instructor=True)
    secret = give_mfa(ines)
    quiz, question = make_authored_categorize(ines)
    page.goto("/")
    sign_in_with_code(page, "ines", secret)
    page.goto(reverse("teach:question-edit", args=[question.pk]) + f"?quiz={quiz.pk}")

    box = page.get_by_label("Category of item 1")
    expect(box).to_have_attribute("list", "item-categories")
    options = page.locator("#item-categories option")
    expect(options).to_have_count(2)
    assert options.evaluate_all("os => os.map(o => o.value)") == ["AWS", "Customer"]

    # A category typed into the list is offered at once, each line once, trimmed.
    categories = page.get_by_label("Categories, one per line")
    categories.fill("AWS\nCustomer\n  Shared \nAWS")
    expect(options).to_have_count(3)
    assert options.evaluate_all("os => os.map(o => o.value)") == ["AWS", "Customer", "Shared"]

    # "aws" differs from "AWS" in capitals only: saved as the category spells it.
    categories.fill("AWS\nCustomer")
    box.fill("aws")
    page.get_by_role("button", name="Save the question").last.click()
    expect(page.get_by_text("Question saved.")).to_be_visible()
    question.refresh_from_db()
    assert [i["category"] for i in question.items()] == ["AWS", "Customer", "Customer"]
