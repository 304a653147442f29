"""A lesson with glossary terms, a `::: check` question and a scenario to predict: the glossary
links the prose, and the checks are drawn in their places, untouched by the linker."""

from __future__ import annotations

import re

import pytest

from glossary.models import GlossaryTerm
from tests.conftest import make_lesson, make_module, make_scenario
from tests.quizzes.builders import make_question

pytestmark = pytest.mark.django_db


def test_terms_are_linked_and_the_checks_still_drawn(client):
    lesson = make_lesson(
        make_module(slug="iam"),
        slug="limits",
        body=(
            "## Limits\n\nA permissions boundary caps a role.\n\n"
            "::: check boundary-question\n:::\n\nAfter the check, more words.\n"
        ),
    )
    make_question(
        slug="boundary-question", lesson=lesson, prompt="What does a permissions boundary grant?"
    )
    make_scenario(lesson, slug="boundary-scenario")
    GlossaryTerm.objects.create(
        slug="permissions-boundary", term="permissions boundary", definition="The most a role gets."
    )

    html = client.get(lesson.get_absolute_url()).content.decode()
    body = html[html.index('<h2 id="limits"') :]
    links = re.findall(r'<a class="glossary-term" href="([^"]+)"', body)
    assert links == ["/learn/glossary/#term-permissions-boundary"]  # first use in the prose only
    assert body.index("glossary-term") < body.index("check-boundary-question")
    assert 'id="check-boundary-question"' in body  # the marker became the check
    assert "What does a permissions boundary grant?" in body
    assert 'class="check-slot"' not in body
    assert body.index("check-boundary-question") < body.index("After the check, more words.")
    assert 'id="scenario-boundary-scenario"' in html
