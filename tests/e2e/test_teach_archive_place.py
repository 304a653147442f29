"""Archive and Restore on a quiz's page come back at the question pressed, as "↑ Up", "↓ Down"
and "Take out" do: they came back at the page's top with the focus on its start, so a keyboard
tabbed through the header, the quiz's settings and every question before it again."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from lessons.models import Source
from srm_trainer.accounts.roles import set_instructor
from tests.conftest import give_mfa
from tests.e2e.journeys import make_user, sign_in_with_code
from tests.quizzes.builders import make_question, make_quiz

pytestmark = pytest.mark.e2e


def tab_goes_on_from(page, entry_id: str) -> bool:
    """Whether the element Tab reached is in the entry or after it in the page."""
    page.keyboard.press("Tab")
    return page.evaluate(
        """(id) => { const entry = document.getElementById(id);
                     const at = document.activeElement;
                     return entry.contains(at) || !!(entry.compareDocumentPosition(at) & 4); }""",
        entry_id,
    )


@pytest.mark.parametrize(
    "viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}]
)
def test_archive_and_restore_come_back_at_the_question_pressed(page, viewport):
    page.set_viewport_size(viewport)
    ines = make_user("ines")
    set_instructor(user=ines, instructor=True)
    secret = give_mfa(ines)
    questions = [
        make_question("single", owner=ines, source=Source.AUTHORED, prompt=f"Question {n}?")
        for n in range(1, 5)
    ]
    quiz = make_quiz(*questions, owner=ines, source=Source.AUTHORED, published=False)
    page.goto("/")
    sign_in_with_code(page, "ines", secret)
    page.goto(reverse("teach:quiz", args=[quiz.pk]))
    third = questions[2]
    entry = page.locator(f"#entry-{third.pk}")

    entry.get_by_role("button", name="Archive question 3").press("Enter")
    expect(page.get_by_text("Archived: no new attempt will include it.")).to_be_visible()
    expect(entry.get_by_text("Archived: not in new attempts")).to_be_in_viewport()
    assert page.url.endswith(f"#entry-{third.pk}")
    assert tab_goes_on_from(page, f"entry-{third.pk}"), "Tab went back to the page's start"

    entry.get_by_role("button", name="Restore question 3").press("Enter")
    expect(page.get_by_text("Restored: it is used again.")).to_be_visible()
    expect(entry.get_by_role("button", name="Archive question 3")).to_be_in_viewport()
    assert tab_goes_on_from(page, f"entry-{third.pk}"), "Tab went back to the page's start"
