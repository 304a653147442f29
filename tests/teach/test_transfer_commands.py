"""`import_questions` and `export_quiz`: the same all-or-nothing import as /teach/, from a shell;
errors exit non-zero with the line and reason, and write nothing."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from lessons.models import Source
from quizzes.models import Question, Quiz
from tests.quizzes.builders import make_question, make_quiz

pytestmark = pytest.mark.django_db


def _export(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("export_quiz", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_export_then_import_makes_the_same_quiz_again(instructor, tmp_path):
    question = make_question("single", owner=instructor, lesson=None, slug="root-mfa")
    quiz = make_quiz(question, owner=instructor, source=Source.AUTHORED, slug="basics")
    path = tmp_path / "basics.json"
    call_command("export_quiz", "basics", "--format", "json", "--output", str(path))
    quiz.delete()
    question.delete()

    out = io.StringIO()
    call_command("import_questions", str(path), "--format", "json", "--owner", "ines", stdout=out)

    assert "Imported 1 question(s) into quiz 'basics'" in out.getvalue()
    assert _export("basics", "--format", "json")[0] == path.read_text(encoding="utf-8")
    assert Quiz.objects.get().owner == instructor


def test_gift_export_names_what_it_leaves_out(instructor):
    kept = make_question("true_false", owner=instructor, lesson=None, slug="tf")
    dropped = make_question("ordering", owner=instructor, lesson=None, slug="steps")
    make_quiz(kept, dropped, slug="mixed")
    text, err = _export("mixed", "--format", "gift")
    assert "::tf::" in text and "::steps::" not in text
    assert "Left out (GIFT has no such kind): steps" in err


def test_gift_export_of_a_quiz_gift_cannot_hold_refuses(instructor):
    make_quiz(make_question("ordering", lesson=None), slug="orders")
    with pytest.raises(CommandError, match="Nothing to write"):
        _export("orders", "--format", "gift")


def test_import_into_a_quiz_adds_the_questions(instructor, owned, tmp_path):
    quiz, _ = owned
    path = tmp_path / "bank.gift"
    path.write_text("::new-one:: Is S3 private by default? {T####It is.}\n", encoding="utf-8")
    call_command(
        "import_questions",
        str(path),
        "--format",
        "gift",
        "--owner",
        "ines",
        "--quiz",
        quiz.slug,
        stdout=io.StringIO(),
    )
    assert quiz.entries.order_by("order").last().question.slug == "new-one"


def test_a_bad_file_exits_with_its_line_and_writes_nothing(instructor, tmp_path):
    path = tmp_path / "bad.json"
    document = {
        "format": "srm-trainer-questions",
        "version": 1,
        "kind": "bank",
        "questions": [
            {
                "slug": "ok",
                "type": "true_false",
                "prompt": "P",
                "explanation": "E",
                "category": "c",
                "data": {"answer": True},
            },
            {
                "slug": "bad",
                "type": "true_false",
                "prompt": "P",
                "explanation": "E",
                "category": "c",
                "data": {"answer": "maybe"},
            },
        ],
    }
    text = json.dumps(document, indent=2)
    path.write_text(text, encoding="utf-8")
    # The bad question's "answer" key itself.
    line = next(n for n, t in enumerate(text.splitlines(), start=1) if '"maybe"' in t)
    column = text.splitlines()[line - 1].index('"answer"') + 1
    with pytest.raises(CommandError) as caught:
        call_command("import_questions", str(path), "--format", "json", "--owner", "ines")
    message = str(caught.value)
    assert "Nothing was imported" in message
    assert (
        f"{path}: Line {line}, column {column}: question 'bad': 'answer' must be true or false"
        in message
    )
    assert Question.objects.count() == 0


@pytest.mark.parametrize(
    ("args", "reason"),
    [
        (["--owner", "nobody"], "no user 'nobody'"),
        (["--owner", "ines", "--quiz", "missing"], "no quiz 'missing'"),
    ],
)
def test_the_owner_and_quiz_must_exist(instructor, tmp_path, args, reason):
    path = tmp_path / "x.gift"
    path.write_text("::a:: A? {T####E}\n", encoding="utf-8")
    with pytest.raises(CommandError, match=reason):
        call_command("import_questions", str(path), "--format", "gift", *args)


def test_a_learner_cannot_own_imported_questions(learner, tmp_path):
    path = tmp_path / "x.gift"
    path.write_text("::a:: A? {T####E}\n", encoding="utf-8")
    with pytest.raises(CommandError, match="not an instructor"):
        call_command("import_questions", str(path), "--format", "gift", "--owner", learner.username)
    assert Question.objects.count() == 0


def test_a_file_that_is_not_utf8_is_refused(instructor, tmp_path):
    path = tmp_path / "latin1.gift"
    path.write_bytes("::a:: Caf\u00e9? {T####E}\n".encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("import_questions", str(path), "--format", "gift", "--owner", "ines")
