"""The final exam's file: `draws` rules load, reload unchanged, and bad rules are refused with
the file, the line and what is wrong. The shipped exam draws 40 questions, five per module."""

from __future__ import annotations

import pytest

from curriculum.quiz_readers import read_quizzes
from curriculum.readers import CurriculumError, read_curriculum
from quizzes.models import Quiz
from tests.content import write
from tests.curriculum.test_loader_quizzes import content, load  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db

EXAM = """
    quiz:
      slug: final-exam
      title: Final exam
      pass_mark: 72
      attempts_allowed: 3
      time_limit: 60
      feedback: end
      draws:
        - {module: basics, count: 2}
        - {module: iam, count: 3}
"""


def test_an_exam_with_draw_rules_loads_and_reloads_unchanged(content):  # noqa: F811
    write(content, "quizzes/final-exam.yaml", EXAM)
    load(content)
    quiz = Quiz.objects.get(slug="final-exam")
    assert quiz.draw_rules == [{"module": "basics", "count": 2}, {"module": "iam", "count": 3}]
    assert (quiz.pass_mark, quiz.attempts_allowed, quiz.time_limit) == (72, 3, 60)
    report = load(content)
    assert report.counts["quizzes"]["unchanged"] == 4


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        ("{module: iam, count: 3}", "{module: networking, count: 3}", "draws rule 2: unknown module 'networking'"),
        ("{module: iam, count: 3}", "{module: iam, category: iam, count: 3}", "draws rule 2: needs exactly one of 'module' or 'category'"),
        ("{module: iam, count: 3}", "{module: iam}", "draws rule 2: 'count' is required"),
        ("{module: iam, count: 3}", "{module: iam, count: 0}", "draws rule 2: 'count' must be at least 1"),
        ("{module: iam, count: 3}", "{module: iam, count: -1}", "'count' must be a whole number"),
        ("{module: iam, count: 3}", "{module: iam, count: 3, weight: 2}", "unknown field 'weight'"),
        ("{module: iam, count: 3}", "{module: basics, count: 3}", "module 'basics' already has a rule"),
        ("{module: iam, count: 3}", "{module: iam, count: 9}", "draws rule 2 asks for 9 questions of module 'iam', which has 4"),
        ("{module: iam, count: 3}", "{category: nope, count: 1}", "asks for 1 questions of category 'nope', which has 0"),
        ("      draws:\n", "      draw: {category: srm, count: 1}\n      draws:\n", "use either 'draw' (one category) or 'draws' (rules), not both"),
        ("      draws:\n        - {module: basics, count: 2}\n        - {module: iam, count: 3}\n", "      draws: []\n", "'draws' must be a non-empty list"),
    ],
)  # fmt: skip
def test_bad_draw_rules_are_refused_with_file_and_line(content, old, new, words):  # noqa: F811
    text = EXAM.replace(old, new)
    assert text != EXAM
    write(content, "quizzes/final-exam.yaml", text)
    with pytest.raises(CurriculumError) as caught:
        read_quizzes(content, read_curriculum(content))
    assert words in caught.value.message
    assert caught.value.file == "quizzes/final-exam.yaml" and caught.value.line


# The shipped exam draws 40 questions, five per module: tests/curriculum/test_shipped_load.py.
