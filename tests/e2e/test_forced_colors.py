"""Forced colours (Windows' contrast themes, emulated): the browser paints every background in
the theme's one colour and drops box shadows, so a state drawn with those alone disappears. The
header's current page and a quiz's answered questions must still differ from the rest in what
the theme keeps: a border, an outline, an underline or the weight of the text."""

from __future__ import annotations

import pytest

from quizzes import attempts
from tests.e2e.conftest import DESKTOP, watched_page
from tests.e2e.journeys import make_user, sign_in
from tests.quizzes.builders import make_question, make_quiz, right_response

pytestmark = pytest.mark.e2e

# What forced colours leave of how an element is drawn (colours left out: the theme sets them).
KEPT = """els => els.map(e => {
    const s = getComputedStyle(e);
    return [s.boxShadow, s.borderBottomStyle, s.borderBottomWidth, s.borderTopWidth,
            s.outlineStyle, s.fontWeight, s.textDecorationLine, s.textDecorationThickness]
        .join(' ');
})"""


@pytest.fixture
def forced(browser, base_url, curriculum):
    yield from watched_page(browser, base_url=base_url, viewport=DESKTOP, forced_colors="active")


def test_the_current_page_and_answered_questions_show_in_forced_colours(forced):
    ada = make_user("ada")
    questions = [make_question("single") for _ in range(3)]
    attempt = attempts.attempt_start(quiz=make_quiz(*questions, title="Three"), user=ada)
    first = next(q for q in questions if q.pk == attempt.question_ids[0])
    attempts.answer_save(attempt=attempt, question=first, response=right_response(first))

    forced.goto("/")
    sign_in(forced, "ada")
    forced.goto(f"/quizzes/attempts/{attempt.pk}/?q=3")
    current = forced.locator(".site-nav a[aria-current='page']")
    assert current.inner_text() == "Quizzes"
    other = forced.locator(".site-nav a:not([aria-current])").first
    assert current.evaluate_all(KEPT) != other.evaluate_all(KEPT)

    answered, unanswered = forced.locator(".question-nav a").evaluate_all(KEPT)[:2]
    assert "(answered)" in forced.locator(".question-nav a").first.inner_text()
    assert answered != unanswered
