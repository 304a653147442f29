"""The loader names every problem of the content files in one run, not only the first: each
with its file and line (and the field it is about), in the order found, at most 20 and then how
many more, and still loads nothing; what refers to something refused is not refused for that
too (one mistake, one message)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from curriculum.quiz_readers import read_quizzes
from curriculum.readers import MAX_PROBLEMS, CurriculumError, Problems, read_curriculum
from lessons.models import Lesson
from quizzes.models import Question, Quiz
from tests.content import TWO_SOURCES, write
from tests.curriculum import test_loader_quizzes as quiz_files

pytestmark = pytest.mark.django_db

content = quiz_files.content  # two modules, two lessons, a scenario, three quiz files


def line_of(path: Path, text: str) -> int:
    return next(n for n, row in enumerate(path.read_text().splitlines(), 1) if text in row)


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def read_all(root: Path) -> CurriculumError:
    """What the command reads, every problem collected: lessons first, then quizzes."""
    found = Problems()
    read_quizzes(root, read_curriculum(root, problems=found), problems=found)
    assert found, "no problem found"
    return found.error()


def test_every_problem_of_every_file_is_named_at_once_in_order(content):
    lesson = write(
        content,
        "basics/02-second.md",
        f"---\ntitle: Second\nminutes: soon\n{TWO_SOURCES}\n---\n## Hi\n\n"
        "::: diagram nowhere\n:::\n",
    )
    quiz = content / "quizzes/iam-quiz.yaml"
    replace(quiz, "pass_mark: 60", "pass_mark: 160")
    replace(quiz, "lesson: iam/policies", "lesson: iam/polices")  # the first question's
    replace(quiz, "answer: false", "answer: maybe")
    error = read_all(content)
    assert [(p.file, p.line) for p in error.problems] == [
        ("basics/02-second.md", 2),
        ("basics/02-second.md", line_of(lesson, "::: diagram nowhere")),
        ("quizzes/iam-quiz.yaml", line_of(quiz, "slug: iam-quiz")),
        ("quizzes/iam-quiz.yaml", line_of(quiz, "- slug: root-user-mfa")),
        ("quizzes/iam-quiz.yaml", line_of(quiz, "answer: maybe")),
    ]
    # Each in the words it has when it is the only one (the admin's and the editors' words).
    messages = [p.message for p in error.problems]
    assert messages[0] == "front matter: 'minutes' must be a whole number, not 'soon'"
    assert "nowhere" in messages[1]
    assert messages[2] == "quiz 'iam-quiz': 'pass_mark' is a percent (0-100), not 160"
    assert messages[3] == (
        "question 'root-user-mfa': unknown lesson 'iam/polices' "
        "(write it as module-slug/lesson-slug)"
    )
    assert messages[4].startswith("question 'groups-are-principals': ")
    # The error is the first problem, as it was when only the first was reported.
    assert str(error) == f"basics/02-second.md:2: {messages[0]}"
    assert error.total == 5 and error.more == 0
    assert error.lines() == [f"{p.file}:{p.line}: {p.message}" for p in error.problems]


def test_the_command_lists_them_all_and_loads_nothing(content):
    call_command("load_curriculum", path=content)
    replace(content / "basics/01-first.md", "title: First", "title: First\ncolour: red")
    replace(content / "quizzes/srm-quiz.yaml", "feedback: end", "feedback: later")
    write(content, "iam/02-new.md", f"---\ntitle: New\n{TWO_SOURCES}\n---\n## New\n")
    with pytest.raises(CommandError) as caught:
        call_command("load_curriculum", path=content)
    said = str(caught.value)
    quiz_line = line_of(content / "quizzes/srm-quiz.yaml", "slug: srm-quiz")
    assert said.startswith("Nothing was loaded: 2 problems (in the order found):\n")
    assert said.splitlines()[1:] == [
        "  basics/01-first.md:2: front matter: unknown field 'colour' (expected one of: title, "
        "summary, minutes, published, level, sources, formerly)",
        f"  quizzes/srm-quiz.yaml:{quiz_line}: quiz 'srm-quiz': 'feedback' must be immediate "
        "or end, not 'later'",
    ]
    assert not Lesson.objects.filter(slug="new").exists()  # nothing half-loaded


def test_one_problem_is_said_as_before(content):
    replace(content / "quizzes/srm-quiz.yaml", "feedback: end", "feedback: later")
    with pytest.raises(CommandError) as caught:
        call_command("load_curriculum", path=content)
    assert str(caught.value) == (
        "Nothing was loaded. quizzes/srm-quiz.yaml:2: quiz 'srm-quiz': 'feedback' must be "
        "immediate or end, not 'later'"
    )


def test_the_problems_named_are_capped_and_the_rest_counted(content):
    bad = "".join(
        f"  - {{slug: bad-{n}, type: true_false, prompt: P, explanation: E, "
        f"lesson: basics/first, answer: perhaps}}\n"
        for n in range(MAX_PROBLEMS + 5)
    )
    write(
        content,
        "quizzes/zz-many.yaml",
        f"quiz: {{slug: many, title: Many, module: basics}}\nquestions:\n{bad}",
    )
    with pytest.raises(CommandError) as caught:
        call_command("load_curriculum", path=content)
    lines = str(caught.value).splitlines()
    assert lines[0] == "Nothing was loaded: 25 problems (the first 20, in the order found):"
    assert [line.split(":")[1] for line in lines[1:21]] == [str(n) for n in range(3, 23)]
    assert lines[21:] == ["  ... and 5 more."]
    assert not Quiz.objects.exists()


def test_a_question_with_several_problems_names_each(content):
    quiz = content / "quizzes/iam-quiz.yaml"
    replace(quiz, "correct: true}", "correct: false}")  # no correct choice
    replace(quiz, "type: single", "type: single\n    level: expert")
    error = read_all(content)
    question = line_of(quiz, "- slug: root-user-mfa")
    assert [(p.line, p.message) for p in error.problems] == [
        (question, "question 'root-user-mfa': 'level' must be one of foundational, associate, "
                   "advanced, not 'expert'"),
        (question, "question 'root-user-mfa': a single-choice question has exactly one correct "
                   "choice, not 0"),
    ]  # fmt: skip


def test_what_refers_to_something_refused_is_not_refused_for_that_too(content):
    # A lesson file refused: a question naming that lesson is not "unknown lesson" as well.
    write(content, "iam/01-policies.md", "---\ntitle: Policies\n---\n## Grammar\nJSON.\n")
    # A scenario refused: the question asking about it is not checked against it.
    replace(content / "scenarios/iam.yaml", "expect: Allow", "expect: Perhaps")
    error = read_all(content)
    assert [(p.file, p.message.split(":")[0]) for p in error.problems] == [
        ("iam/01-policies.md", "front matter"),
        ("scenarios/iam.yaml", "scenario 'read-reports'"),
    ]


def test_a_quiz_file_that_cannot_be_read_still_lets_the_others_be_checked(content):
    write(content, "quizzes/aa-broken.yaml", "quiz: [unclosed\n")
    replace(content / "quizzes/srm-quiz.yaml", "lesson: basics/first", "lesson: basics/1st")
    error = read_all(content)
    assert [p.file for p in error.problems] == ["quizzes/aa-broken.yaml", "quizzes/srm-quiz.yaml"]
    assert "invalid YAML" in error.problems[0].message


def test_glossary_problems_are_all_named(content):
    write(
        content,
        "glossary.yaml",
        """
        - {slug: one, term: One, definition: D, lesson: basics/nope, related: [two, ghost]}
        - {slug: two, term: one, definition: D, lesson: basics/first}
        - {slug: three, term: Three, definition: D, lesson: basics/first, source: http://x}
    """,
    )
    error = read_all(content)
    assert [(p.line, p.message) for p in error.problems] == [
        (1, "term 'one': unknown lesson 'basics/nope' (write it as module-slug/lesson-slug)"),
        (3, "term 'three': 'source' must be an https address, not 'http://x'"),
        (2, "term 'two': the term 'one' is already used by term 'one' (line 1)"),
        (1, "term 'one': unknown related term 'ghost' (use a term's slug)"),
    ]


def test_a_valid_course_still_loads_after_the_problems_are_fixed(content):
    path = content / "quizzes/srm-quiz.yaml"
    replace(path, "feedback: end", "feedback: later")
    with pytest.raises(CommandError):
        call_command("load_curriculum", path=content)
    replace(path, "feedback: later", "feedback: end")
    call_command("load_curriculum", path=content)
    assert Quiz.objects.get(slug="srm-quiz").feedback == "end"
    assert Lesson.objects.filter(slug="first").exists()


def test_every_problem_of_a_questions_formerly_is_named_at_its_line(content):
    iam, srm = content / "quizzes/iam-quiz.yaml", content / "quizzes/srm-quiz.yaml"
    replace(iam, "type: single", "formerly: [Root MFA]\n    type: single")
    replace(iam, "type: true_false", "formerly: srm-order\n    type: true_false")
    replace(iam, "type: least_privilege", "formerly: old-one\n    type: least_privilege")
    replace(srm, "type: multiple", "formerly: old-one\n    type: multiple")
    write(
        content,
        "basics/02-second.md",
        f"---\ntitle: Second\n{TWO_SOURCES}\n---\n## Hi\n\n::: check groups-are-principals\n:::\n",
    )
    replace(iam, "- slug: groups-are-principals", "- slug: groups-never-principals")
    replace(iam, "formerly: srm-order", "formerly: [srm-order, groups-are-principals]")
    error = read_all(content)
    assert [(p.file, p.line, p.message) for p in error.problems] == [
        ("quizzes/iam-quiz.yaml", line_of(iam, "formerly: [Root MFA]"),
         "question 'root-user-mfa': 'formerly' names 'Root MFA': write a slug, as in "
         "'root-user-mfa'"),
        ("quizzes/iam-quiz.yaml", line_of(iam, "formerly: [srm-order"),
         "question 'groups-never-principals': 'formerly' names 'srm-order', still a question "
         f"in the files (quizzes/srm-quiz.yaml:{line_of(srm, '- slug: srm-order')}): a renamed "
         "question's old slug is in no file"),
        ("quizzes/srm-quiz.yaml", line_of(srm, "formerly: old-one"),
         "question 'srm-multi': 'formerly' names 'old-one', which quizzes/iam-quiz.yaml:"
         f"{line_of(iam, '- slug: fix-alice')} names too: one question cannot become two"),
        ("basics/02-second.md", 7,
         "lesson basics/second: '::: check groups-are-principals' names a question renamed to "
         "'groups-never-principals' (its 'formerly'): write '::: check groups-never-principals'"),
    ]  # fmt: skip


def test_the_databases_refusals_of_question_renames_are_named_together(content):
    """What only the database can tell (an old slug it lacks while a question of the module
    would be retired, two old slugs it holds) is found before anything is loaded, each at its
    file's `formerly:` line, in one run."""
    call_command("load_curriculum", path=content)
    iam, srm = content / "quizzes/iam-quiz.yaml", content / "quizzes/srm-quiz.yaml"
    replace(iam, "- slug: root-user-mfa", "- slug: root-mfa\n    formerly: root-user-mfaa")
    replace(srm, "- slug: srm-multi", "- slug: srm-many\n    formerly: [srm-multi, srm-order]")
    text = srm.read_text()
    start, end = text.index("  - slug: srm-order"), text.index("  - slug: srm-categorize")
    srm.write_text(text[:start] + text[end:])
    with pytest.raises(CommandError) as caught:
        call_command("load_curriculum", path=content)
    assert str(caught.value).splitlines() == [
        "Nothing was loaded: 2 problems (in the order found):",
        f"  quizzes/iam-quiz.yaml:{line_of(iam, 'formerly: root-user-mfaa')}: question "
        "'root-mfa': 'formerly' names 'root-user-mfaa', which the database has no question at; "
        "this load would retire 'root-user-mfa': is that the old slug?",
        f"  quizzes/srm-quiz.yaml:{line_of(srm, 'formerly: [srm-multi')}: question 'srm-many': "
        "'formerly' names 'srm-multi' and 'srm-order', both questions in the database: only "
        "one can become this one",
    ]
    assert not Question.objects.filter(slug__in=["root-mfa", "srm-many"]).exists()
    assert not Question.objects.filter(archived=True).exists()  # nothing half-loaded


NEW_QUESTION = """\
  - slug: srm-guards
    formerly: srm-data-centre
    type: true_false
    prompt: AWS guards its data centres.
    explanation: True. Security of the cloud.
    lesson: basics/first
    answer: true
"""


def test_an_old_slug_the_database_lacks_is_no_refusal_beside_another_modules_retirement(
    content,
):
    """A database that never had the old slug (it skipped the release that brought the
    question) loads it as new; a question retiring in another module's quiz is not taken for
    the one it meant."""
    call_command("load_curriculum", path=content)
    iam, srm = content / "quizzes/iam-quiz.yaml", content / "quizzes/srm-quiz.yaml"
    replace(srm, "  - slug: srm-multi", NEW_QUESTION + "  - slug: srm-multi")
    text = iam.read_text()
    start, end = text.index("  - slug: groups-are-principals"), text.index("  - slug: read-rep")
    iam.write_text(text[:start] + text[end:])
    call_command("load_curriculum", path=content)
    assert Question.objects.get(slug="groups-are-principals").archived
    assert Question.objects.filter(slug="srm-guards").exists()
