"""The examples in docs/question-format.md are real: each imports (in a preview) as written.
(The examples of each kind are on the teachers' page: tests/teach/test_import_help.py.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from teach.transfer import importer

pytestmark = pytest.mark.django_db
DOC = (Path(__file__).resolve().parents[2] / "docs" / "question-format.md").read_text("utf-8")


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC, re.S)


def test_the_full_file_example_imports(instructor):
    files = [b for b in _blocks("json") if '"format"' in b]
    assert files
    for text in files:
        assert importer.preview(text, "json", owner=instructor).questions


def test_the_gift_example_imports(instructor):
    (text,) = [b for b in _blocks("text") if "$CATEGORY" in b]
    plan = importer.preview(text, "gift", owner=instructor)
    assert [q.type for q in plan.questions] == ["single", "multiple", "true_false"]
    assert {q.category for q in plan.questions} == {"iam-basics"}
