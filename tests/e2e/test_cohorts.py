"""Issue 10 in a browser: an instructor creates a cohort and assigns a quiz, a learner joins
with the code and finds the work on their home page; axe-core on each page type."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from cohorts import services
from quizzes import attempts
from quizzes.models import Quiz
from srm_trainer.accounts.roles import set_instructor
from tests.conftest import give_mfa
from tests.e2e.accessibility import assert_accessible
from tests.e2e.journeys import (
    fill_sign_in,
    make_user,
    no_horizontal_scroll,
    settled,
    sign_in,
    sign_in_with_code,
    sign_up,
)

pytestmark = pytest.mark.e2e


def test_instructor_creates_a_cohort_and_a_learner_joins_by_code_and_sees_the_work(
    page, browser, base_url
):
    teacher = make_user("ines")
    set_instructor(user=teacher, instructor=True)
    secret = give_mfa(teacher)
    page.goto("/")
    sign_in_with_code(page, "ines", secret)

    page.goto("/teach/")
    page.get_by_role("link", name="Cohorts", exact=True).first.press("Enter")
    page.get_by_label("Name").fill("Spring class")
    page.get_by_role("button", name="Create the cohort").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Spring class")
    code = page.locator(".join-code").inner_text()
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    assert_accessible(page)

    page.get_by_role("link", name="Spring class").press("Enter")
    page.get_by_role("link", name="Assign a quiz").first.press("Enter")
    # The quiz is typed: its suggestions follow the words (htmx), and one is taken by address.
    page.wait_for_load_state()  # htmx set up (a deferred script) before typing
    quiz = page.get_by_label("Quiz")
    quiz.press_sequentially("iam")
    expect(page.locator("#quiz-status")).to_have_text(re.compile(r"match(es)? “iam”"))
    suggestion = page.locator("#quiz-options option").first
    address = suggestion.get_attribute("value")
    title = (suggestion.text_content() or "").rsplit(" · ", 1)[0]
    assert address and "iam" in address
    quiz.fill(address)
    readings = _tick_two_lessons_by_keyboard(page)
    page.get_by_label("Due").fill("2030-06-01T17:00")
    assert_accessible(page)
    page.get_by_role("button", name="Assign", exact=True).press("Enter")
    expect(page.get_by_role("status")).to_contain_text("assigned to Spring class")
    assert_accessible(page)

    other = browser.new_context(base_url=base_url)
    try:
        learner = other.new_page()
        learner.goto("/")
        sign_up(learner, "lovelace")
        learner.get_by_role("link", name="Join a cohort").press("Enter")
        learner.get_by_label("Join code").fill(code.lower())
        learner.get_by_label("Join code").press("Enter")
        expect(learner.get_by_role("status")).to_contain_text("You joined “Spring class”")
        joined = learner.get_by_role("region", name="Cohorts you are in")
        expect(joined.get_by_role("listitem")).to_contain_text("Spring class")
        assert_accessible(learner)
        learner.get_by_role("link", name="home page").press("Enter")
        work = learner.get_by_role("region", name="Your assigned work")
        expect(work.get_by_role("link", name=title)).to_be_visible()
        expect(work).to_contain_text("Not started")
        expect(work).to_contain_text("Due 1 Jun 2030")
        for reading in readings:
            expect(work.get_by_role("link", name=reading, exact=True)).to_be_visible()
        settled(learner)
        assert_accessible(learner)
    finally:
        other.close()

    page.reload()
    expect(page.get_by_role("row", name=re.compile("lovelace"))).to_contain_text("Not started")


def _tick_two_lessons_by_keyboard(page) -> list[str]:
    """From the quiz menu, with the keyboard only: to the lesson search, type a word, the
    matches follow (said in the status line); past "Find" to the first two matches, tick them
    with Space. A second search replaces the matches, and the two ticked stay, in "Chosen".
    Returns the two lessons' titles."""
    page.wait_for_load_state()  # htmx set up (a deferred script) before typing
    page.get_by_label("Quiz").focus()
    page.keyboard.press("Tab")
    search = page.get_by_label("Find lessons")
    expect(search).to_be_focused()
    page.keyboard.type("iam")
    status = page.locator("#lessons-status")
    expect(status).to_contain_text("match")
    expect(status).to_contain_text("“iam”")
    found = page.locator("[data-lesson-found]").get_by_role("checkbox")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Find", exact=True)).to_be_focused()
    for n in range(2):
        page.keyboard.press("Tab")
        expect(found.nth(n)).to_be_focused()
        page.keyboard.press("Space")
        expect(found.nth(n)).to_be_checked()
    titles = [
        found.nth(n).evaluate("b => b.labels[0].firstChild.textContent.trim()") for n in range(2)
    ]
    search.fill("encryption")
    expect(status).to_contain_text("“encryption”")
    chosen = page.get_by_role("list", name="Chosen")
    expect(chosen.get_by_role("checkbox", checked=True)).to_have_count(2)
    for title in titles:
        expect(chosen).to_contain_text(title)
    expect(page.locator("[data-lesson-none]")).to_be_hidden()
    return titles


def _spring_class():
    """ines (an instructor with an authenticator; its secret) teaches "Spring class", which has
    the first published quiz assigned and lovelace as a learner."""
    teacher = make_user("ines")
    set_instructor(user=teacher, instructor=True)
    secret = give_mfa(teacher)
    cohort = services.cohort_create(owner=teacher, name="Spring class")
    quiz = Quiz.objects.filter(published=True).order_by("order").first()
    services.assignment_create(cohort=cohort, quiz=quiz, by=teacher)
    learner = make_user("lovelace")
    services.cohort_join(cohort=cohort, user=learner)
    return secret, cohort, quiz, learner


def test_the_gradebook_a_learner_and_an_attempt_read_well(page, screenshots):
    """The instructor's read-only pages with real data in them, through axe-core."""
    secret, cohort, quiz, learner = _spring_class()
    attempt = attempts.attempt_start(quiz=quiz, user=learner)
    attempts.attempt_submit(attempt=attempt)

    page.goto("/")
    sign_in_with_code(page, "ines", secret)
    page.goto(f"/teach/cohorts/{cohort.pk}/")
    expect(page.get_by_role("row", name=re.compile("lovelace"))).to_contain_text("0%")
    page.screenshot(path=screenshots / "cohort-gradebook.png", full_page=True)
    assert_accessible(page)
    page.get_by_role("link", name="lovelace").press("Enter")
    assert_accessible(page)
    page.get_by_role("link", name="Attempt 1").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("lovelace's attempt")
    page.screenshot(path=screenshots / "cohort-attempt.png", full_page=True)
    assert_accessible(page)


def test_the_join_code_is_never_broken_across_lines_on_a_phone(phone):
    """At 390 px the code came after "Learners join with the code" with too little room left,
    and the line broke at its dash ("33G3-" / "NPCH"): one code read as two halves. It is one
    unbroken run on the cohort's page and its people page."""
    teacher = make_user("ines")
    set_instructor(user=teacher, instructor=True)
    secret = give_mfa(teacher)
    cohort = services.cohort_create(owner=teacher, name="Spring class")
    phone.goto("/")
    sign_in_with_code(phone, "ines", secret)
    for path in (f"/teach/cohorts/{cohort.pk}/", f"/teach/cohorts/{cohort.pk}/people/"):
        phone.goto(path)
        code = phone.locator(".join-code")
        expect(code).to_have_text(cohort.code_display)
        assert code.evaluate("e => e.getClientRects().length") == 1, path


def test_a_long_cohort_name_never_makes_a_phone_page_scroll_sideways(phone):
    """A cohort's name may be 120 characters. In the lists (a grid) and the breadcrumbs (a flex
    row) one long word set the page's width: 1,772 px at 390, for the instructor's list and
    for every learner of the class on "Your cohorts". It wraps instead."""
    teacher = make_user("ines")
    set_instructor(user=teacher, instructor=True)
    secret = give_mfa(teacher)
    cohort = services.cohort_create(owner=teacher, name="Spring-" + "W" * 113)
    services.cohort_join(cohort=cohort, user=make_user("lovelace"))
    phone.goto("/")
    sign_in_with_code(phone, "ines", secret)
    for path in (
        "/teach/cohorts/",
        f"/teach/cohorts/{cohort.pk}/",
        f"/teach/cohorts/{cohort.pk}/people/",
    ):
        phone.goto(path)
        no_horizontal_scroll(phone)
    phone.get_by_role("button", name="Sign out").click()
    phone.goto("/")
    sign_in(phone, "lovelace")
    phone.goto("/cohorts/")
    expect(phone.get_by_text("Spring-WWW", exact=False).first).to_be_visible()
    no_horizontal_scroll(phone)


def test_an_instructor_archives_a_finished_class_and_restores_it_by_keyboard(
    page, browser, base_url
):
    """Archive from the people page (asked first), the Archived section, the read-only
    gradebook, the learner's Past cohorts and the refused join link, each through axe-core."""
    secret, cohort, quiz, learner = _spring_class()

    page.goto("/")
    sign_in_with_code(page, "ines", secret)
    page.goto(f"/teach/cohorts/{cohort.pk}/people/")
    page.get_by_role("link", name="Archive the cohort…").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Archive the cohort")
    assert_accessible(page)
    page.get_by_role("button", name="Archive the cohort").press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("archived")
    archived = page.get_by_role("region", name="Archived cohorts")
    expect(archived.get_by_role("listitem")).to_contain_text("Spring class")
    expect(page.get_by_role("region", name="Cohorts you teach")).not_to_contain_text("Spring")
    assert_accessible(page)
    archived.get_by_role("link", name="Spring class").press("Enter")
    expect(page.get_by_text("this class has ended")).to_be_visible()
    expect(page.get_by_role("link", name="Assign a quiz")).to_have_count(0)
    assert_accessible(page)

    other = browser.new_context(base_url=base_url)
    try:
        learner_page = other.new_page()
        learner_page.goto(cohort.join_path())  # signed out: sign in first, as before
        expect(learner_page.get_by_role("heading", level=1)).to_have_text("Sign in")
        expect(learner_page.get_by_text("to join the cohort")).to_have_count(0)  # admits no one
        fill_sign_in(learner_page, "lovelace")
        expect(learner_page.get_by_role("heading", level=1)).to_contain_text("has ended")
        assert_accessible(learner_page)
        learner_page.goto("/cohorts/")
        past = learner_page.get_by_role("region", name="Past cohorts")
        expect(past.get_by_role("listitem")).to_contain_text("Spring class")
        assert_accessible(learner_page)
    finally:
        other.close()

    page.get_by_role("button", name="Restore the cohort").press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("restored")
    expect(page.get_by_role("link", name="Assign a quiz")).to_be_visible()


def test_a_learner_leaves_a_class_that_has_ended_on_a_phone_by_keyboard(phone):
    """An archived cohort, under "Past cohorts", has the same "Leave…" link as a current one;
    its question says the class has ended and cannot be joined again while archived."""
    _secret, cohort, _quiz, _learner = _spring_class()
    services.cohort_archive(cohort=cohort)
    phone.goto("/accounts/login/")
    fill_sign_in(phone, "lovelace")
    phone.goto("/cohorts/")
    past = phone.get_by_role("region", name="Past cohorts")
    past.get_by_role("link", name="Leave Spring class").press("Enter")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Leave “Spring class”?")
    expect(phone.get_by_role("status")).to_contain_text("This class has ended")
    no_horizontal_scroll(phone)
    assert_accessible(phone)
    phone.get_by_role("button", name="Leave the cohort").press("Enter")
    expect(phone.get_by_role("status").first).to_contain_text("You left “Spring class”.")
    expect(phone.get_by_role("region", name="Past cohorts")).to_have_count(0)
    assert_accessible(phone)


def test_the_gradebook_and_statistics_read_as_cards_on_a_phone(page, phone):
    """At 390 px the gradebook and the statistics tables scrolled sideways, a learner's scores
    off screen beside their name. Each row is now a card, each value under its column's name;
    nothing is wider than the screen, so the boxes are no Tab stop. On a desktop: tables."""
    secret, cohort, quiz, learner = _spring_class()
    attempt = attempts.attempt_start(quiz=quiz, user=learner)
    attempts.attempt_submit(attempt=attempt)
    cohort.assignments.update(due_at=datetime(2031, 6, 1, 12, 0, tzinfo=UTC))
    page.goto("/")
    sign_in_with_code(page, "ines", secret)
    phone.context.add_cookies(page.context.cookies())
    gradebook = f"/teach/cohorts/{cohort.pk}/"
    statistics = f"/teach/cohorts/{cohort.pk}/quizzes/{quiz.pk}/statistics/"

    phone.goto(gradebook)
    table = phone.locator("table.gradebook")
    cell = table.locator(f"td[data-label^='{quiz.title}']")
    expect(cell).to_contain_text("Submitted")
    before = cell.evaluate("e => getComputedStyle(e, '::before').content")
    # the quiz and when it is due, as its column's heading says on a desktop
    assert quiz.title in before and "due 1 Jun" in before, before
    # The headings are still there for a screen reader's table commands, drawn in 1 px.
    assert table.locator("thead").bounding_box()["height"] <= 1
    for found in (cell, table.get_by_role("link", name="lovelace")):
        box = found.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    no_horizontal_scroll(phone)
    expect(phone.locator(".table-scroll")).not_to_have_attribute("tabindex", "0")
    assert_accessible(phone)

    phone.goto(statistics)
    questions = phone.locator("table.stats-table").first
    facility = questions.locator("td[data-label='Facility']").first
    expect(facility).to_be_visible()
    box = facility.bounding_box()
    assert box["x"] + box["width"] <= 390, box
    no_horizontal_scroll(phone)
    for box in phone.locator(".table-scroll").all():
        assert box.evaluate("e => e.scrollWidth <= e.clientWidth"), box.get_attribute("aria-label")
    assert_accessible(phone)

    page.goto(gradebook)
    expect(page.get_by_role("columnheader", name="Learner")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("lovelace"))).to_contain_text("0%")


def test_a_long_quiz_title_is_three_lines_in_its_column_and_whole_on_hover_or_focus(page, phone):
    """Each column's heading held its quiz's whole title: a long one made the header ten lines
    tall and the table wider. It is cut to three lines; the link to the assignment holds it
    whole (its name), and hovering or focusing it shows it whole over its column. On a phone
    the headings are clipped out (cards): a header link the keyboard reaches is shown."""
    secret, cohort, quiz, _learner = _spring_class()
    long = (
        "Identity and Access Management: policies, roles, permission boundaries, session "
        "policies and the evaluation logic in depth"
    )
    Quiz.objects.filter(pk=quiz.pk).update(title=long)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/")
    sign_in_with_code(page, "ines", secret)
    page.goto(f"/teach/cohorts/{cohort.pk}/")
    link = page.locator("table.gradebook thead").get_by_role("link", name=long)
    line = float(link.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)"))
    assert link.bounding_box()["height"] <= 3 * line + 1
    whole = page.locator("table.gradebook .gradebook-full")
    expect(whole).to_be_hidden()
    link.hover()
    expect(whole).to_be_visible()
    expect(whole).to_have_text(long)
    assert whole.bounding_box()["height"] > 3 * line  # all of it, not three lines
    page.mouse.move(0, 0)
    expect(whole).to_be_hidden()
    link.focus()
    expect(whole).to_be_visible()

    phone.context.add_cookies(page.context.cookies())
    phone.goto(f"/teach/cohorts/{cohort.pk}/")
    head = phone.locator("table.gradebook thead")
    assert head.bounding_box()["height"] <= 1
    head.get_by_role("link", name=long).focus()
    box = head.get_by_role("link", name=long).bounding_box()
    assert box["height"] > 1 and box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    no_horizontal_scroll(phone)


def test_an_instructor_ends_a_term_and_starts_the_next_by_keyboard(page):
    """The term over: a removal refused for work done (closing offered), the class archived,
    the next term started from it (a bad number of days said beside its box, focused), an
    assignment nobody started removed, and the new class handed to a co-instructor; each
    question through axe-core."""
    secret, cohort, quiz, learner = _spring_class()
    attempts.attempt_submit(attempt=attempts.attempt_start(quiz=quiz, user=learner))
    colm = make_user("colm")
    set_instructor(user=colm, instructor=True)
    cohort.co_instructors.add(colm)
    services.cohort_archive(cohort=cohort)

    page.goto("/")
    sign_in_with_code(page, "ines", secret)
    page.goto(f"/teach/cohorts/{cohort.pk}/")
    page.get_by_role("link", name="Start the next term from this cohort").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Start the next term from Spring class"
    )
    assert_accessible(page)
    page.get_by_label("Name of the new cohort").fill("Autumn class")
    days = page.get_by_label("Move every date by (days, optional)")
    days.fill("-7")
    days.press("Enter")
    expect(days).to_be_focused()
    expect(days).to_have_accessible_description(re.compile("dates only move later"))
    days.fill("")
    page.get_by_role("button", name="Create the new cohort").press("Enter")
    expect(page.get_by_role("status").first).to_contain_text(
        "Cohort “Autumn class” created: 1 assignment copied without dates"
    )
    expect(page.get_by_role("heading", level=1)).to_have_text("Autumn class")
    assert_accessible(page)

    page.get_by_role("list").get_by_role("link", name=quiz.title).first.press("Enter")
    page.get_by_role("link", name="Remove the assignment…").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Remove “")
    assert_accessible(page)
    page.get_by_role("button", name="Remove the assignment").press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("is no longer assigned")

    page.get_by_role("link", name="Learners and instructors").press("Enter")
    page.get_by_role("link", name=re.compile(r"^Make owner\s*colm")).press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Make colm the owner of Autumn class?"
    )
    assert_accessible(page)
    page.get_by_role("button", name="Make colm the owner").press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("colm now owns “Autumn class”")

    # last term's class, restored: its result counts, so its assignment cannot be removed
    services.cohort_restore(cohort=cohort)
    assignment = cohort.assignments.get()
    page.goto(f"/teach/cohorts/{cohort.pk}/assignments/{assignment.pk}/remove/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("cannot be removed")
    assert_accessible(page)


def test_an_instructor_sorts_the_gradebook_by_keyboard_and_on_a_phone(page, phone):
    """The sortable headings are links a keyboard follows (no script needed); aria-sort moves
    to the heading the rows follow, the order stays in the address through a reload, and the
    "Best score" link, focused, is not hidden under its title's whole copy. On a phone, where
    the headings are clipped out, a form gives the same orders (tests/cohorts/test_sorting.py)."""
    secret, cohort, quiz, learner = _spring_class()
    attempt = attempts.attempt_start(quiz=quiz, user=learner)
    attempts.attempt_submit(attempt=attempt)
    services.cohort_join(cohort=cohort, user=make_user("babbage"))
    Quiz.objects.filter(pk=quiz.pk).update(title="A long title " * 8)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/")
    sign_in_with_code(page, "ines", secret)
    page.goto(f"/teach/cohorts/{cohort.pk}/")
    rows = page.locator("table.gradebook tbody th")
    expect(rows).to_have_text(["babbage", "lovelace"])
    head = page.locator("table.gradebook thead")
    expect(head.locator("th[aria-sort]")).to_have_count(1)
    handed = head.get_by_role("link", name="Handed in")
    handed.focus()
    handed.press("Enter")
    expect(page).to_have_url(re.compile(r"\?sort=progress#gradebook-title$"))
    expect(rows).to_have_text(["babbage", "lovelace"])  # fewest handed in first
    head.get_by_role("link", name="Handed in").press("Enter")
    expect(page).to_have_url(re.compile(r"\?sort=progress&order=desc#gradebook-title$"))
    expect(rows).to_have_text(["lovelace", "babbage"])
    expect(head.locator("th[aria-sort]")).to_have_attribute("aria-sort", "descending")
    expect(head.locator("th[aria-sort]")).to_contain_text("Handed in")
    page.reload()
    expect(rows).to_have_text(["lovelace", "babbage"])
    best = head.get_by_role("link", name="Best score")
    expect(best).to_have_accessible_description(re.compile("best score on this quiz, lowest"))
    best.focus()
    expect(page.locator("table.gradebook .gradebook-full")).to_be_hidden()
    assert best.evaluate("e => getComputedStyle(e).outlineStyle") != "none"
    assert_accessible(page)

    phone.context.add_cookies(page.context.cookies())
    phone.goto(f"/teach/cohorts/{cohort.pk}/")
    form = phone.locator("form.gradebook-sort-form")
    expect(form).to_be_visible()
    form.get_by_label("Sort the learners").select_option(label="by assignments handed in")
    form.get_by_label("Direction").select_option("desc")
    form.get_by_role("button", name="Sort").press("Enter")
    expect(phone.locator("table.gradebook tbody th")).to_have_text(["lovelace", "babbage"])
    expect(phone.locator(".gradebook-order")).to_contain_text("Sorted by assignments handed in")
    no_horizontal_scroll(phone)
    assert_accessible(phone)


def test_the_join_link_is_copied_by_a_button_shown_only_with_javascript(phone, browser, base_url):
    """On a phone the join link is cut off in its box: "Copy link" copies it whole and the
    status region says so. Without JavaScript the button would do nothing, and is not shown
    (the stylesheet's `.button` display overrode `hidden`)."""
    teacher = make_user("ines")
    set_instructor(user=teacher, instructor=True)
    secret = give_mfa(teacher)
    cohort = services.cohort_create(owner=teacher, name="Spring class")
    phone.context.grant_permissions(["clipboard-read", "clipboard-write"])
    phone.goto("/")
    sign_in_with_code(phone, "ines", secret)
    phone.goto(f"/teach/cohorts/{cohort.pk}/people/")
    button = phone.get_by_role("button", name="Copy link")
    button.press("Enter")
    expect(phone.locator("#live-status")).to_have_text("Link copied.")
    copied = phone.evaluate("navigator.clipboard.readText()")
    assert copied.endswith(cohort.join_path())
    no_horizontal_scroll(phone)

    state = phone.context.storage_state()
    plain = browser.new_context(base_url=base_url, java_script_enabled=False, storage_state=state)
    try:
        page = plain.new_page()
        page.goto(f"/teach/cohorts/{cohort.pk}/people/")
        expect(page.get_by_label("Join link")).to_be_visible()
        expect(page.locator("[data-copy]")).to_be_hidden()
    finally:
        plain.close()
