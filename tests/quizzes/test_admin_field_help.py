"""A question's admin page says what its JSON and scenario fields hold (`question_field_help`
in quizzes/admin.py): "Type-specific content." was all it said of `data`, nothing of the
misconceptions or the scenario, and a policy decision's `{}` read like a question left empty."""

from __future__ import annotations

import html
import re

import pytest

from tests.quizzes.builders import make_question

pytestmark = pytest.mark.django_db


def _help(page: str, field: str) -> str:
    """The help text the admin draws under `field` (its `<div class="help" id=...>`)."""
    found = re.search(
        rf'<div class="help"[^>]*id="id_{field}_helptext"[^>]*>(.*?)</div>', page, re.S
    )
    assert found, field
    return html.unescape(found.group(1))


def test_a_questions_fields_say_their_format_and_link_an_example_of_each_kind(
    client, everyday_admin
):
    question = make_question("policy_decision")
    page = client.get(f"/admin/quizzes/question/{question.pk}/change/").content.decode()

    data = _help(page, "data")
    link = re.search(r'<a href="([^"]+)">the import formats page</a>', data)
    assert link and link.group(1) == "/teach/import/help/#each-kind-of-question"
    assert "A policy decision keeps nothing here, <code>{}</code>" in data
    assert "what the IAM engine decides for its scenario’s case" in data
    assert "A flow or WAF question keeps its network or web ACL case here" in data
    assert "<code>model</code> pattern as JSON text" in data  # route the findings
    assert 'as in <code>["thinks-aws-patches-guest-os"]</code>' in _help(page, "misconceptions")
    assert "Policy decision only: the IAM case whose decision is the answer" in _help(
        page, "scenario"
    )

    # The page linked opens for an everyday admin, at the examples it names.
    examples = client.get("/teach/import/help/")
    assert examples.status_code == 200
    assert 'id="each-kind-of-question"' in examples.content.decode()
