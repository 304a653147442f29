"""Staff pick an owner in the admin with its autocomplete field (select2), and every such field
is named for its field, for a screen reader and for axe: select2 names its combobox by the
choice alone, so an empty "Owner" was a combobox with no name and a chosen one said "sam"
(static/js/admin-autocomplete.js). The admin's pages link the site's icon: no /favicon.ico 404."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import give_mfa
from tests.e2e.accessibility import serious_violations
from tests.e2e.conftest import ConsoleErrors, watch
from tests.e2e.journeys import PASSWORD, make_user, sign_in_with_code
from tests.quizzes.builders import make_question, make_quiz

pytestmark = pytest.mark.e2e

COMBOBOX = ".select2-selection[role=combobox]"


def test_staff_pick_an_owner_in_fields_named_for_their_field(browser, base_url, transactional_db):
    from django.contrib.auth import get_user_model

    staff = get_user_model().objects.create_superuser("sam", "sam@example.org", PASSWORD)
    secret = give_mfa(staff)
    ines = make_user("ines")
    quiz = make_quiz(make_question(slug="alpha"), slug="wk")
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    errors = ConsoleErrors()  # none allowed: the admin's pages ask for no /favicon.ico
    watch(page, errors)
    page.goto("/")
    sign_in_with_code(page, "sam", secret)

    page.goto(f"/admin/quizzes/quiz/{quiz.pk}/change/")
    expect(page.locator('link[rel="icon"]')).to_have_attribute(
        "href", re.compile(r"/static/img/favicon(\.\w+)?\.svg$")
    )
    owner = page.locator(f".field-owner {COMBOBOX}")
    questions = page.locator(f"#entries-group {COMBOBOX}")
    expect(owner).to_have_accessible_name("Owner:")  # no one chosen yet
    expect(questions).to_have_accessible_name("Question alpha")  # a row: its column's header
    assert serious_violations(page) == []

    owner.click()
    search = page.locator(".select2-container--open .select2-search__field")
    expect(search).to_have_accessible_name("Owner:")
    assert serious_violations(page) == []  # open too (test_admin_autocomplete_list.py)
    search.fill("ine")
    page.get_by_role("option", name="ines").click()
    expect(owner).to_have_accessible_name(re.compile(r"^Owner:.* ines$"))

    page.get_by_role("button", name="Add another Question").click()
    expect(questions).to_have_count(2)
    expect(questions.nth(1)).to_have_accessible_name("Question")  # drawn when the row was added
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    quiz.refresh_from_db()
    assert quiz.owner == ines
    expect(owner).to_have_accessible_name(re.compile(r"^Owner:.* ines$"))
    assert serious_violations(page) == []

    page.goto("/admin/quizzes/question/add/")  # every autocomplete field, not only a quiz's
    expect(page.locator(f".field-scenario {COMBOBOX}")).to_have_accessible_name("Scenario:")
    expect(page.locator(f".field-owner {COMBOBOX}")).to_have_accessible_name("Owner:")
    # Its tag chooser (filter_horizontal): each filter box is named by the search icon in its
    # label, an image now (static/js/admin-filter-icons.js), not a span whose name ARIA forbids.
    for box, which in (("input", "available"), ("selected_input", "selected")):
        expect(page.locator(f"#id_tags_{box}")).to_have_accessible_name(
            f"Type into this box to filter down the list of {which} tags."
        )
    assert serious_violations(page) == []

    icon = page.request.get("/favicon.ico")  # asked for directly: the same icon, no 404
    assert icon.ok and icon.headers["content-type"].startswith("image/svg+xml")
    context.close()
    assert errors.unexpected() == []
