"""An answer the engine cannot read is said once after a live check: the page's status region
says it (quizzes/take.html), so the message beside the box is no alert of its own, which a
screen reader would read out a second time as the swap lands."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.quizzes.builders import make_question, make_quiz, start_through_page

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("kind", "field"),
    [("route_findings", "pattern"), ("least_privilege", "policy"), ("flow_fix", "rules")],
)
def test_an_unreadable_answer_is_said_in_the_status_region_and_not_again_as_an_alert(
    learner_client, kind, field
):
    attempt = start_through_page(learner_client, make_quiz(make_question(kind)))
    page = learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk, 1]),
        {"action": "check", field: '{\n  "a": [1,]\n}'},
        headers={"HX-Request": "true"},
    ).content.decode()
    said = re.search(r'<p id="live-status" hx-swap-oob="innerHTML">(.*?)</p>', page, re.S)
    assert said and "Line 2" in said[1]
    beside = re.search(rf'<(p|div) class="field-error" id="{field}-error"([^>]*)>', page)
    assert beside, page  # still shown beside the box, which it describes
    assert 'role="alert"' not in beside[2]
    assert 'role="alert"' not in page.split('id="attempt-body"', 1)[1]
