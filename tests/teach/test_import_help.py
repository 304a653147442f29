"""The teachers' page on import formats: every example on it imports through the real importer
(as written, or as a question of a bank), every kind of question has an example or is said to
be too long for one, and the page is linked from where teachers import and export."""

from __future__ import annotations

import html
import json
import re

import pytest
from django.urls import reverse

from quizzes import kinds
from teach import import_help
from teach.transfer import importer
from teach.transfer.gift import GIFT_KINDS

pytestmark = pytest.mark.django_db

TEXT = import_help.help_text()
# Network questions hold a whole network or web ACL: the page says to start from an export.
NO_EXAMPLE = {"flow_decision", "waf_rule", "flow_fix"}


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", TEXT, re.S)


def test_every_whole_file_example_imports_as_written(instructor):
    files = [b for b in _blocks("json") if '"format"' in b]
    assert len(files) == 2  # a bank, and a quiz with its settings
    for text in files:
        plan = importer.preview(text, "json", owner=instructor)
        assert plan.questions and not plan.warnings
    quiz = importer.preview(files[1], "json", owner=instructor).quiz
    assert quiz is not None and quiz.pass_mark == 80 and not quiz.published


def test_every_kind_has_an_example_that_imports_in_a_bank(instructor):
    questions = [json.loads(b) for b in _blocks("json") if '"format"' not in b]
    bank = {"format": "srm-trainer-questions", "version": 1, "kind": "bank", "questions": questions}
    plan = importer.preview(json.dumps(bank), "json", owner=instructor)
    assert not plan.warnings
    shown = [q.type for q in plan.questions]
    assert sorted(shown) == sorted(set(kinds.KINDS) - NO_EXAMPLE), "one example per kind"
    for value in NO_EXAMPLE:
        assert kinds.KINDS[value].label.split(" (")[0].lower() in TEXT.lower()


def test_the_gift_example_imports_one_question_of_each_kind_gift_holds(instructor):
    (text,) = _blocks("text")
    plan = importer.preview(text, "gift", owner=instructor)
    assert [q.type for q in plan.questions] == list(GIFT_KINDS)
    assert {q.category for q in plan.questions} == {"iam-basics"}
    assert not plan.warnings


def test_the_page_shows_the_words_and_every_kind_from_the_code(teacher):
    page = teacher.get(reverse("teach:import-help"))
    assert page.status_code == 200
    body = html.unescape(page.content.decode())
    assert "<h2" in body and "GIFT (Moodle)" in body and "<!--" not in body
    table = body.split('id="kinds"')[1].split("</table>")[0]
    for kind in kinds.KINDS.values():
        row = re.search(rf"<th scope=\"row\">{re.escape(kind.label)}</th>(.*?)</tr>", table)
        assert row is not None, kind.value
        assert f"<code>{kind.value}</code>" in row.group(1)
        assert ("Yes" in row.group(1)) == (kind.value in GIFT_KINDS)
    assert "docs/question-format.md" not in body


def test_the_import_page_links_to_it_by_the_import_and_the_export(teacher):
    url = reverse("teach:import-help")
    body = teacher.get(reverse("teach:import")).content.decode()
    assert body.count(f'href="{url}"') == 2  # by the import form and by the export
    assert "docs/question-format.md" not in body
