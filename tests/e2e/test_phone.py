"""Phone width (390 px): nothing scrolls sideways, the header is compact, the sandbox's decision
stays in sight while typing, the SRM comparison shows both services, and the authenticator app's
secret can be read and copied whole."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from lessons.models import Lesson
from tests.e2e.accessibility import assert_accessible
from tests.e2e.journeys import (
    ATTEMPT,
    IDENTITY_EDITOR,
    PASSWORD,
    make_user,
    no_horizontal_scroll,
    sign_in,
    sign_up,
    words_broken,
)

pytestmark = pytest.mark.e2e


def pages():
    lesson = Lesson.objects.in_reading_order().first()
    return [
        "/",
        lesson.get_absolute_url(),
        "/sandbox/",
        "/sandbox/?preset=role-trust-cross-account-assume",
        "/learn/srm/?service=ec2&compare=rds",
        "/learn/srm/?service=" + "a-very-long-unknown-service-name" * 8,
        "/learn/compliance/",
        "/labs/",
        "/quizzes/",
        lesson.module.get_absolute_url(),
        "/learn/glossary/",
        "/search/?q=bucket+policy",
        "/lab/network/",
        "/lab/waf/",
        "/lab/findings/",
        "/security/",
        "/accounts/login/",
        "/accounts/signup/",
    ]


# The header's menu: how far it scrolls sideways, and its links drawn past the window's edges.
MENU_CUT = """() => {
    const nav = document.querySelector('.site-nav');
    const cut = [...nav.querySelectorAll('a')]
        .filter(a => a.checkVisibility({visibilityProperty: true}))
        .filter(a => { const b = a.getBoundingClientRect(); return b.left < 0 || b.right > innerWidth; })
        .map(a => a.textContent.trim());
    return {scrolls: nav.scrollWidth - nav.clientWidth, cut};
}"""


def test_no_page_scrolls_sideways_on_a_phone(phone):
    """Nor does its header's menu: it scrolled sideways, "Compliance" and the links after it cut
    off at the screen's edge on every page."""
    for url in pages():
        phone.goto(url)
        no_horizontal_scroll(phone)
        menu = phone.evaluate(MENU_CUT)
        assert menu == {"scrolls": 0, "cut": []}, (url, menu)


def test_the_header_is_compact_on_a_phone(phone):
    """Brand and account one row, then Search and a visitor's seven links in three rows."""
    phone.goto("/")
    height = phone.locator(".site-header").bounding_box()["height"]
    assert height <= 165, f"header is {height} px tall"


def test_signed_in_at_360_px_every_header_control_is_a_24_px_target(narrow_phone):
    """At 360 px the account's "Account" link and "Sign out" button were 23 px tall, with the
    cut-short username and each other closer than 24 px: axe's target-size failed on every
    page a signed-in learner saw. Each is at least 24 px a side now, and the page passes axe."""
    narrow_phone.goto("/")
    sign_up(narrow_phone, "a-learner-with-a-long-name")
    header = narrow_phone.get_by_role("banner")
    account = header.get_by_role("link", name="Account, signed in as a-learner-with-a-long-name")
    controls = [
        account,
        header.get_by_role("button", name="Sign out"),
        header.get_by_role("button", name="Dark theme"),
    ]
    for control in controls:
        box = control.bounding_box()
        assert box["width"] >= 24 and box["height"] >= 24, (control, box)
    # Brand and account share the first row (the menu's links wrap in the rows under it).
    brand = narrow_phone.locator(".brand").bounding_box()
    for control in controls:
        box = control.bounding_box()
        middles = (box["y"] + box["height"] / 2, brand["y"] + brand["height"] / 2)
        assert abs(middles[0] - middles[1]) < 12, (control, box, brand)
    # The username is the link's visible text, cut short with room for several letters (beside
    # "Account" it was cut to its first one).
    assert account.locator(".account-name").bounding_box()["width"] >= 60
    assert_accessible(narrow_phone)


@pytest.mark.parametrize("width", [420, 520, 600, 639])
def test_between_phone_and_desktop_the_menu_starts_the_second_row(page, width):
    """Up to 40rem the header is two rows: brand and account, then Search and the menu. From
    about 480 px there was room left in the first row, and the menu shrank into its end."""
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/")
    brand = page.locator(".brand").bounding_box()
    menu = page.get_by_role("navigation", name="Main").bounding_box()
    search = page.locator(".site-search").bounding_box()
    assert menu["y"] >= brand["y"] + brand["height"], (brand, menu)
    assert search["y"] >= brand["y"] + brand["height"], (brand, search)
    assert menu["width"] >= width * 0.6, menu


def test_the_sandbox_decision_stays_in_sight_while_typing_on_a_phone(phone):
    phone.goto("/sandbox/?preset=role-trust-cross-account-assume")
    editor = phone.locator(IDENTITY_EDITOR).first
    editor.scroll_into_view_if_needed()
    editor.click()
    bar = phone.locator("#decision-bar")
    expect(bar).to_be_visible()
    expect(bar).to_be_in_viewport()
    before = bar.inner_text()
    editor.fill(
        '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}'
    )
    expect(bar).not_to_have_text(before)
    expect(bar).to_contain_text("Explicit deny")
    expect(bar).to_be_in_viewport()


def test_the_srm_comparison_shows_both_services_on_a_phone(phone):
    phone.goto("/learn/srm/?service=ec2&compare=rds")
    second = phone.get_by_role("columnheader", name=re.compile("Amazon RDS"))
    expect(second).to_be_attached()
    fits = phone.locator(".table-scroll").evaluate("el => el.scrollWidth <= el.clientWidth")
    assert fits, "the comparison table scrolls sideways: its second column is off-screen"
    no_horizontal_scroll(phone)


@pytest.mark.parametrize("width", [320, 390, 768])
def test_no_word_in_the_explorers_breaks_without_a_hyphen(phone, width):
    """At 390 px the SRM comparison was three columns about 90 px wide: "Applications" broke
    into "Applicatio" and "ns" (no hyphen: `hyphens: auto` needs a dictionary the browser may
    not have). On a phone each layer is a card now, its cells under it at full width."""
    phone.set_viewport_size({"width": width, "height": 844})
    for url in [
        "/learn/srm/",
        "/learn/srm/?service=ec2&compare=s3",
        "/learn/srm/?service=lambda&compare=rds",
        "/learn/compliance/",
    ]:
        phone.goto(url)
        assert words_broken(phone, "main table") == [], (url, width)
        no_horizontal_scroll(phone)


def test_a_compared_cell_on_a_phone_says_whose_it_is(phone):
    """The column headings sit above the first card only: each compared cell names its
    service, and the table is still read as a table (its cells under their columns)."""
    phone.goto("/learn/srm/?service=ec2&compare=s3")
    row = phone.get_by_role("row", name=re.compile("^Customer data"))
    cells = row.get_by_role("cell")
    expect(cells).to_have_count(2)
    labels = cells.evaluate_all("cells => cells.map(c => getComputedStyle(c, '::before').content)")
    assert labels == ['"Amazon EC2"', '"Amazon S3"']
    first, second = (cells.nth(i).bounding_box() for i in range(2))
    assert second["y"] >= first["y"] + first["height"] - 1, "the cells are side by side"
    assert_accessible(phone)
    # One service alone: no label on each cell (the heading above says which service).
    phone.goto("/learn/srm/?service=ec2")
    content = phone.locator(".srm-table td").first.evaluate(
        "c => getComputedStyle(c, '::before').content"
    )
    assert content in ("none", "normal")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("size", ["phone", "narrow_phone"])
def test_the_authenticator_secret_is_whole_and_copyable_on_a_phone(
    request, curriculum, size, scheme
):
    """Beside the QR code, the secret (typed into an app that cannot scan) was a disabled
    one-line field: at 390 px its last letters were cut off, and it could not be selected.
    It wraps inside its box now, every letter in sight, and selects for copying.
    (`curriculum` named here, not only through the page fixture asked for by name: pytest-django
    makes the test database only for the tests that name their need of it, so run alone this
    test had none.)"""
    page = request.getfixturevalue(size)
    page.emulate_media(color_scheme=scheme)
    page.goto("/")
    sign_up(page, "keeper")
    page.goto("/accounts/2fa/totp/activate/")
    if "reauthenticate" in page.url:  # "Confirm it's you", as allauth asks before 2FA changes
        page.get_by_label(re.compile(r"^Password$")).fill(PASSWORD)
        page.get_by_label(re.compile(r"^Password$")).press("Enter")
    secret = page.get_by_label("Authenticator secret")
    expect(secret).to_have_value(re.compile(r"^[A-Z2-7]{32}$"))
    value = secret.input_value()
    cut = secret.evaluate("e => [e.scrollWidth - e.clientWidth, e.scrollHeight - e.clientHeight]")
    assert cut[0] <= 0 and cut[1] <= 1, f"the secret is cut off by {cut} px"
    box, field = secret.bounding_box(), page.locator(".field", has=secret).bounding_box()
    assert box["x"] >= field["x"] and box["x"] + box["width"] <= field["x"] + field["width"]
    secret.focus()
    page.keyboard.press("Control+A")
    selected = secret.evaluate("e => e.value.slice(e.selectionStart, e.selectionEnd)")
    assert selected == value
    no_horizontal_scroll(page)
    assert_accessible(page)


def test_a_policy_answers_requests_table_fits_a_phone_card(phone):
    """A least-privilege answer's feedback lists each request with what was wanted and what the
    engine decided. At 390 px its four columns were squeezed inside the card: words broke
    mid-letter ("Allowe d", "wante d") and the table ran past the card's edge. On a phone each
    request is now a block of its own, its cells labelled, all inside the card."""
    from quizzes.models import Question
    from tests.e2e.journeys import policy_editor
    from tests.quizzes.builders import make_quiz

    question = Question.objects.filter(type="least_privilege").order_by("pk").first()
    make_quiz(question, slug="phone-table", title="Phone table", feedback="immediate")
    phone.goto("/quizzes/phone-table/")
    phone.get_by_role("button", name="Start the quiz").click()
    phone.wait_for_url(ATTEMPT)  # and its load: htmx has set the page up (journeys.py)
    policy_editor(phone, "Your policy (JSON)").fill(
        '{"Version": "2012-10-17", "Statement": '
        '[{"Effect": "Allow", "Action": "*", "Resource": "*"}]}'
    )
    phone.get_by_role("button", name="Check answer").click()
    table = phone.locator("table.requests")
    expect(table).to_be_visible()
    card = phone.locator(".question-panel").bounding_box()
    box = table.bounding_box()
    assert box["x"] + box["width"] <= card["x"] + card["width"], (box, card)
    for cell in table.locator("tbody td:nth-child(3)").all():
        # "Engine": the decision's words, whole words on each line (one word per line is
        # what a squeezed column gave)
        assert cell.bounding_box()["width"] >= 200, cell.bounding_box()
    expect(table.locator("tbody td[data-label='Wanted']").first).to_be_visible()
    no_horizontal_scroll(phone)


def test_the_final_exams_score_by_module_fits_a_phone(phone):
    """The final exam's result has a table of the score in each module with the lessons to
    revisit. Its four columns were wider than a 390 px screen (437 px): the page scrolled
    sideways and the links to revisit were cut at the edge. On a phone each module is now a
    block of its own, its cells labelled."""
    from quizzes import attempts
    from quizzes.models import Quiz
    from tests.e2e.journeys import make_user, sign_in

    user = make_user("exam-on-a-phone")
    exam = Quiz.objects.get(slug="final-exam")
    attempt = attempts.attempt_start(quiz=exam, user=user)
    attempts.attempt_submit(attempt=attempt, gated=False)
    phone.goto("/")
    sign_in(phone, "exam-on-a-phone")
    phone.goto(f"/quizzes/attempts/{attempt.pk}/result/")
    table = phone.locator("table.by-module-table")
    expect(table).to_be_visible()
    no_horizontal_scroll(phone)
    box = table.bounding_box()
    assert box["x"] + box["width"] <= 390, box
    expect(table.locator("td[data-label='Score']").first).to_be_visible()


def test_a_long_e_mail_address_wraps_on_the_e_mail_page(phone):
    """An address may be 254 characters, and the list of addresses (a radio button and its
    label side by side) was as wide as the longest: 2,416 px at 390 for one of 250."""
    from allauth.account.models import EmailAddress

    user = make_user("lovelace")
    address = "a" * 60 + "." + "b" * 60 + "@" + "c" * 60 + "." + "d" * 60 + ".com"
    EmailAddress.objects.create(user=user, email=address, primary=True, verified=False)
    phone.goto("/")
    sign_in(phone, "lovelace")
    phone.goto("/accounts/email/")
    expect(phone.locator("main")).to_contain_text(address)
    no_horizontal_scroll(phone)


def test_a_quiz_title_of_one_long_word_breaks_in_its_card_on_the_quiz_list(phone):
    """The quiz list's cards sit in one grid column, which took the width of a title's longest
    word: one ARN in a title (an instructor's quiz) pushed every card past the screen's edge."""
    from tests.quizzes.builders import make_question, make_quiz

    title = "Week 1: arn:aws:iam::111122223333:role/ServiceRoleForAccessAnalyzerPolicyValidation"
    make_quiz(make_question("true_false"), slug="one-long-word", title=title)
    phone.goto("/quizzes/")
    expect(phone.get_by_role("link", name=title)).to_be_visible()
    no_horizontal_scroll(phone)


def _summary_actions(page):
    """A two-question quiz opened on its summary: the submit button's box and "Back to the
    questions"' words' line, after checking the link is not broken over two lines."""
    from quizzes.models import Question
    from tests.quizzes.builders import make_quiz

    make_quiz(*Question.objects.filter(type="single").order_by("slug")[:2], slug="two-to-sum")
    page.goto("/quizzes/two-to-sum/")
    page.get_by_role("button", name="Start the quiz").click()
    page.wait_for_url(ATTEMPT)  # and its load: htmx has set the page up (journeys.py)
    page.get_by_role("link", name="Review and submit").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("before you submit")
    # The link's words as drawn, one box a line (a flex item's own box is one box, as tall
    # as the row, however its words wrap).
    lines = page.get_by_role("link", name="Back to the questions").evaluate(
        """a => { const words = document.createRange(); words.selectNodeContents(a);
        return [...words.getClientRects()].map(r => ({x: r.x, y: r.y, height: r.height})); }"""
    )
    assert len({line["y"] for line in lines}) == 1, f'"Back to the questions" is broken: {lines}'
    no_horizontal_scroll(page)
    button = page.get_by_role("button", name="Submit and see your result")
    return button.bounding_box(), lines[0]


def test_back_to_the_questions_goes_whole_below_submit_on_a_phone(phone):
    """On the summary before submitting, "Back to the questions" followed the submit button as
    inline text: at 390 px it broke in two, "Back to" beside the button and "the questions" on
    the next line. The button and the link are a row of actions now (`.form-actions`): where
    the link does not fit beside the button it goes whole below it, at the same left edge."""
    button, link = _summary_actions(phone)
    assert link["y"] >= button["y"] + button["height"], (button, link)
    assert abs(link["x"] - button["x"]) <= 1, (button, link)


def test_back_to_the_questions_sits_beside_submit_on_a_desktop(page):
    """As above, on a desktop: one line, beside the button, on its text's line (the row's items
    align on their baseline; stretched, a link sat at the top of the row, above that line)."""
    button, link = _summary_actions(page)
    assert link["x"] >= button["x"] + button["width"], (button, link)
    middle = button["y"] + button["height"] / 2
    assert abs(link["y"] + link["height"] / 2 - middle) <= 4, ("not on its text line", button, link)


def _box(page, selector):
    return page.locator(selector).first.bounding_box()


@pytest.mark.parametrize("size", ["phone", "page"])
def test_checkboxes_and_radios_are_20_px_with_a_24_px_target(request, size):
    """The browser drew them 13 px: the network lab's "routes to an internet gateway" boxes
    (a lone target in a table cell, its label hidden) and "Keep me signed in" were hard to hit.
    Each box is 18-20 px now, and 24 px around it (box and margin, or box and label) is its own."""
    page = request.getfixturevalue(size)
    cases = [
        ("/lab/network/", "input[type=checkbox][name$='-igw']", None),
        ("/accounts/login/", "input[name=remember]", ".field-checkbox"),
        (
            Lesson.objects.in_reading_order().first().get_absolute_url(),
            ".choice input[type=radio]",
            ".choice",
        ),
    ]
    for url, box, around in cases:
        page.goto(url)
        b = _box(page, box)
        assert b is not None, f"{box} missing on {url}"
        assert 18 <= b["width"] <= 20.5 and 18 <= b["height"] <= 20.5, f"{box} on {url} is {b}"
        margins = page.locator(box).first.evaluate(
            "e => { const s = getComputedStyle(e); return [s.marginTop, s.marginBottom, s.marginLeft, s.marginRight].map(parseFloat) }"
        )
        if around is None:  # a lone box: its margins keep 24 px clear
            assert (
                b["height"] + margins[0] + margins[1] >= 24
                and b["width"] + margins[2] + margins[3] >= 24
            )
        else:  # box and label together
            a = _box(page, around)
            assert a["height"] >= 24 and a["width"] >= 24, f"{around} on {url} is {a}"


@pytest.mark.parametrize("size", ["phone", "page"])
def test_the_footer_link_is_a_24_px_target(request, size):
    page = request.getfixturevalue(size)
    page.goto("/")
    box = page.get_by_role("link", name="How this app is secured").bounding_box()
    assert box["height"] >= 24, f"the footer link is {box['height']} px tall"


@pytest.mark.parametrize("lab", ["/lab/network/", "/lab/waf/", "/lab/findings/"])
def test_a_labs_main_button_is_spaced_from_the_card_under_it(phone, lab):
    """Test pattern sat 0 px above its result, Send 8 px above the card under it; every lab
    leaves a card's gap (16-24 px) under its main buttons."""
    phone.goto(lab)
    gap = phone.locator("form .actions").first.evaluate(
        "e => { let n = e.nextElementSibling || e.closest('form').nextElementSibling;"
        " while (n && !n.getBoundingClientRect().height) n = n.nextElementSibling;"
        " return n.getBoundingClientRect().top - e.getBoundingClientRect().bottom }"
    )
    assert 16 <= gap <= 24, f"{lab}: {gap} px between its buttons and the next card"


# Each breadcrumb: whether it starts a new line, and how far its own text starts from its edge.
BREADCRUMBS = """() => [...document.querySelectorAll('.breadcrumbs li')].map((li, i, all) => {
    const text = document.createTreeWalker(li, NodeFilter.SHOW_TEXT).nextNode();
    const range = document.createRange();
    range.setStart(text, 0);
    range.setEnd(text, 1);
    const first = range.getClientRects()[0], box = li.getBoundingClientRect();
    return {what: li.textContent.trim(), indent: first.left - box.left,
            newLine: i > 0 && box.top >= all[i - 1].getBoundingClientRect().bottom - 1};
})"""


def test_a_wrapped_breadcrumb_line_never_starts_with_a_separator(phone):
    """At 390 px a lesson's breadcrumbs wrap, and the next item's "›" led the new line; it ends
    the item before it now, so every item starts with its own words, on a new line too."""
    wrapped = 0
    for lesson in Lesson.objects.in_reading_order()[:12]:
        phone.goto(lesson.get_absolute_url())
        for crumb in phone.evaluate(BREADCRUMBS):
            assert crumb["indent"] < 2, crumb
            wrapped += crumb["newLine"]
        no_horizontal_scroll(phone)
    assert wrapped, "no breadcrumb wrapped: checks nothing"


def test_the_sandbox_s_legends_keep_to_one_line_on_a_phone(phone):
    """A legend drawn on its box's top rule that wraps has the rule running through its second
    line: the identity policies' legend took three lines at 390 px, its note in brackets
    among them. Each legend of the sandbox's one-request page keeps to one line."""
    phone.goto("/sandbox/")
    legends = phone.evaluate(
        """() => [...document.querySelectorAll('legend')].filter(l => l.offsetParent).map(l => ({
            text: l.textContent.trim(), tall: l.getBoundingClientRect().height,
            line: parseFloat(getComputedStyle(l).lineHeight)}))"""
    )
    assert any(legend["text"] == "Identity-based policies" for legend in legends), legends
    for legend in legends:
        assert legend["tall"] <= legend["line"] * 1.5, legend
