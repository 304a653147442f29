"""A teaching form too large for its door (srm_trainer/too_large.py), said before it is sent
(static/js/form-size.js): the server refuses it unread with its 400 page, after which only the
browser has the typing; here the page says how large the form is and which field is the
largest, beside its buttons and in a status region, sends nothing and keeps every field. The
form at its door's limit, to the byte, is still sent. The import page says a file over its
limit as it is chosen, in the server's words."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from lessons.models import Source
from srm_trainer.accounts.roles import set_instructor
from srm_trainer.too_large import body_limit
from tests.conftest import give_mfa
from tests.e2e.accessibility import assert_accessible, serious_violations
from tests.e2e.journeys import make_user, sign_in_with_code
from tests.e2e.test_too_large import PASTE
from tests.quizzes.builders import make_quiz

pytestmark = pytest.mark.e2e


@pytest.fixture
def ines(page):
    user = make_user("ines")
    set_instructor(user=user, instructor=True)
    secret = give_mfa(user)
    page.goto("/")
    sign_in_with_code(page, "ines", secret)
    return user


MIXED = "Line é ł <b>\n😀 *-._~!'()\r\n"


def urlencoded(text: str) -> int:
    """The bytes a browser sends `text` as in a urlencoded form: letters, digits, `*-._` as
    themselves, a space as `+`, every other UTF-8 byte as `%XX`, a line break as CR LF."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")
    plain = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789*-._ ")
    return sum(1 if c in plain else 3 * len(c.encode()) for c in text)


class Sent:
    """The form posts to `pattern`, each answered with 204 (the page stays as it is): their
    bodies' sizes."""

    def __init__(self, page, pattern: str) -> None:
        self.sizes: list[int] = []

        def answer(route):
            if route.request.method == "POST":
                self.sizes.append(len(route.request.post_data_buffer or b""))
                route.fulfill(status=204)
            else:
                route.continue_()

        page.route(pattern, answer)
        self.page = page

    def count(self, expected: int) -> None:
        """Wait for the posts answered to be `expected` (up to 5 s; a post held back is never
        sent, so a short wait then shows it was not)."""
        for _ in range(100 if expected > len(self.sizes) else 6):
            if len(self.sizes) == expected:
                break
            self.page.wait_for_timeout(50)
        assert len(self.sizes) == expected, self.sizes


def test_the_question_editor_says_a_paste_too_large_before_sending_and_keeps_it(page, ines):
    quiz = make_quiz(owner=ines, source=Source.AUTHORED, published=False, title="Mine")
    page.goto(reverse("teach:question-create", args=[quiz.pk, "single"]))
    url = page.url
    limit = body_limit("teach:question-create")
    sent = Sent(page, re.compile(r".*/questions/new/single/.*"))
    save = page.get_by_role("button", name="Save the question")
    prompt, explanation = page.get_by_label("Prompt"), page.get_by_label("Explanation", exact=False)
    prompt.fill("Which of these is yours to patch?")
    explanation.fill("a")
    save.click()
    sent.count(1)
    # At the limit to the byte: sent; one byte more: not. The text mixes what a browser escapes
    # (a new line goes as CR LF, `%0D%0A`; é two bytes; an emoji four) with what it does not.
    mixed = MIXED * 10_000  # 700 KB sent
    pad = limit - sent.sizes[0] + 1 - urlencoded(mixed)  # the "a" it replaces, and the pad
    status = page.locator("[data-size-status]")
    explanation.evaluate(PASTE, mixed + "a" * (pad + 1))
    save.click()
    expect(status).to_contain_text("more than the 945 KB this page can send at once")
    sent.count(1)
    explanation.evaluate(PASTE, mixed + "a" * pad)
    expect(status).to_be_empty()  # the line follows the typing once it has spoken
    save.click()
    sent.count(2)
    assert sent.sizes[1] == limit

    typed = "<" * (limit // 3 + 5_000)  # each `%3C` when sent
    explanation.evaluate(PASTE, typed)
    save.click()
    expect(status).to_contain_text(
        re.compile(
            r"^This form is [\d,]+ KB, more than the 945 KB this page can send at once, so it "
            r"was not sent; everything you typed is still here\. The largest part is "
            r"“Explanation[^”]*” \([\d,]+ KB\): shorten it and try again\.$"
        )
    )
    expect(status).to_have_attribute("role", "status")
    assert len(sent.sizes) == 2 and page.url == url  # nothing sent, the page as it was
    assert explanation.input_value() == typed
    assert prompt.input_value() == "Which of these is yours to patch?"
    assert_accessible(page)
    status.get_by_role("link").click()  # the largest field, to shorten
    expect(explanation).to_be_focused()

    # A row's button posts the whole page too: it is held back the same way.
    page.get_by_role("button", name="Add a choice").click()
    sent.count(2)
    explanation.evaluate(PASTE, "Shorter now.")
    expect(status).to_be_empty()
    page.get_by_role("button", name="Add a choice").click()
    sent.count(3)


def test_the_import_page_says_a_file_too_large_as_it_is_chosen_and_sends_nothing(page, ines):
    from teach.transfer_views import MAX_UPLOAD_BYTES

    quiz = make_quiz(owner=ines, source=Source.AUTHORED, published=False, title="Bank target")
    page.goto(reverse("teach:import"))
    sent = Sent(page, re.compile(r".*/teach/import/$"))
    page.get_by_label("Add the questions to a quiz").select_option(str(quiz.pk))
    page.get_by_label("Format").select_option("gift")
    status = page.locator("[data-size-status]")
    chooser = page.get_by_label("A file")
    size = MAX_UPLOAD_BYTES + 300 * 1024
    chooser.set_input_files({"name": "bank.gift", "mimeType": "text/plain", "buffer": b"x" * size})
    words = (
        f"The file is {size // 1024} KB; one import reads at most {MAX_UPLOAD_BYTES // 1024} "
        "KB. Split it into several files."
    )
    expect(status).to_have_text(words)
    expect(chooser).to_have_attribute("aria-invalid", "true")
    page.get_by_role("button", name="Preview the import").click()
    sent.count(0)
    expect(status).to_have_text(words)
    assert chooser.evaluate("(input) => input.files.length") == 1  # still chosen
    expect(page.get_by_label("Format")).to_have_value("gift")
    expect(page.get_by_label("Add the questions to a quiz")).to_have_value(str(quiz.pk))
    assert_accessible(page)

    # A text pasted past the page's whole limit (1.51 MB): the same words as the editors'.
    chooser.set_input_files([])
    expect(status).to_be_empty()
    typed = "x" * (body_limit("teach:import") + 10)
    page.get_by_label("Or paste the text").evaluate(PASTE, typed)
    page.get_by_role("button", name="Preview the import").click()
    expect(status).to_contain_text("more than the 1.51 MB this page can send at once")
    expect(status).to_contain_text("The largest part is “Or paste the text”")
    sent.count(0)
    assert page.get_by_label("Or paste the text").input_value() == typed


def test_an_admin_lesson_save_over_its_limit_is_held_back_with_the_text_kept(staff_page):
    """The admin's content pages (2.5 MB for staff) got the 400 page, and Back refills their
    boxes but not a row added with "Add another": the save is held back before it is sent, the
    lesson's body and an added row as typed."""
    from tests.conftest import make_lesson

    page, _sam = staff_page("desktop")
    lesson = make_lesson(title="Held back")
    page.goto(reverse("admin:lessons_lesson_change", args=[lesson.pk]))
    sent = Sent(page, re.compile(rf".*/admin/lessons/lesson/{lesson.pk}/change/$"))
    page.get_by_role("link", name=re.compile("Add another", re.I)).click()  # a row Back loses
    added = page.locator("select[name$='-scenario'], input[name$='-scenario']").last
    rows = page.locator("input[name$='-TOTAL_FORMS']").first.input_value()
    body = page.get_by_label("Body:")
    typed = "<" * (body_limit("admin:lessons_lesson_change") // 3 + 1_000)
    body.evaluate(PASTE, typed)
    page.get_by_role("button", name="Save and continue editing").click()
    status = page.locator("[data-size-status]")
    expect(status).to_contain_text(
        re.compile(
            r"^This form is [\d.]+ MB, more than the 2\.5 MB this page can send at once, so it "
            r"was not sent; everything you typed is still here\. The largest part is “Body” "
            r"\([\d.]+ MB\): shorten it and try again\.$"
        )
    )
    expect(status).to_have_attribute("role", "status")
    sent.count(0)
    assert body.input_value() == typed
    assert page.locator("input[name$='-TOTAL_FORMS']").first.input_value() == rows
    expect(added).to_be_attached()
    assert serious_violations(page) == []  # the breadcrumbs too (static/css/admin-focus.css)
    status.get_by_role("link").click()  # the largest field, to shorten
    expect(body).to_be_focused()
    body.evaluate(PASTE, "A body that fits.")
    expect(status).to_be_empty()
    page.get_by_role("button", name="Save and continue editing").click()
    sent.count(1)
