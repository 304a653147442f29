"""Quiz behaviours and question levels in the content files: read, checked with the model's
own rules (a contradiction is refused at its line), loaded, and reloaded without conflicts."""

from __future__ import annotations

import pytest

from curriculum.quiz_readers import read_quizzes
from curriculum.readers import CurriculumError, read_curriculum
from quizzes.models import Question, Quiz
from tests.content import write
from tests.curriculum.test_loader_quizzes import IAM_QUIZ, content, load  # noqa: F401

pytestmark = pytest.mark.django_db

BEHAVIOUR = IAM_QUIZ.replace(
    "      feedback: immediate\n",
    "      feedback: immediate\n      tries: 3\n      try_penalty: 25\n      certainty: true\n",
)


def test_a_file_quiz_loads_its_tries_penalty_and_certainty(content):  # noqa: F811
    write(content, "quizzes/iam-quiz.yaml", BEHAVIOUR)
    load(content)
    quiz = Quiz.objects.get(slug="iam-quiz")
    assert (quiz.tries, quiz.try_penalty, quiz.certainty) == (3, 25, True)
    assert load(content).conflicts == []  # a reload changes nothing
    write(content, "quizzes/iam-quiz.yaml", IAM_QUIZ)
    report = load(content)
    quiz.refresh_from_db()
    assert (quiz.tries, quiz.try_penalty, quiz.certainty) == (1, 0, False)
    assert report.conflicts == []


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ("feedback: end\n      tries: 3", "feedback after each question"),
        ("feedback: immediate\n      try_penalty: 20", "more than one try"),
        ("feedback: immediate\n      tries: 30", "'tries' is from 1 to 10"),
    ],
)
def test_contradicting_settings_in_a_file_are_refused_at_the_quiz(content, change, words):  # noqa: F811
    write(content, "quizzes/iam-quiz.yaml", IAM_QUIZ.replace("feedback: immediate", change))
    with pytest.raises(CurriculumError, match=words) as caught:
        read_quizzes(content, read_curriculum(content))
    assert "quizzes/iam-quiz.yaml:" in str(caught.value)


def test_a_question_level_is_read_and_defaults_to_its_lessons(content):  # noqa: F811
    text = IAM_QUIZ.replace(
        "        misconceptions: [thinks-root-is-for-daily-work]\n",
        "        misconceptions: [thinks-root-is-for-daily-work]\n        level: advanced\n",
    )
    write(content, "quizzes/iam-quiz.yaml", text)
    load(content)
    marked = Question.objects.get(slug="root-user-mfa")
    plain = Question.objects.select_related("lesson").get(slug="groups-are-principals")
    assert marked.level == "advanced" and marked.effective_level == "advanced"
    assert plain.level == "" and plain.effective_level == plain.lesson.level
    assert set(Question.objects.at_level("advanced").values_list("slug", flat=True)) == {
        "root-user-mfa"
    } | set(Question.objects.filter(lesson__level="advanced").values_list("slug", flat=True))
    assert load(content).conflicts == []


def test_a_question_without_a_level_keeps_the_fingerprint_it_had(content):  # noqa: F811
    load(content)
    before = dict(Question.objects.values_list("slug", "file_fingerprint"))
    load(content)
    assert dict(Question.objects.values_list("slug", "file_fingerprint")) == before


def test_an_unknown_level_is_refused_at_the_question(content):  # noqa: F811
    text = IAM_QUIZ.replace(
        "        misconceptions: [thinks-root-is-for-daily-work]\n",
        "        misconceptions: [thinks-root-is-for-daily-work]\n        level: expert\n",
    )
    write(content, "quizzes/iam-quiz.yaml", text)
    with pytest.raises(CurriculumError, match="'level' must be one of") as caught:
        read_quizzes(content, read_curriculum(content))
    assert "question 'root-user-mfa'" in str(caught.value)


LEVELLED = IAM_QUIZ.replace(
    "        misconceptions: [thinks-root-is-for-daily-work]\n",
    "        misconceptions: [thinks-root-is-for-daily-work]\n        level: advanced\n",
)


def test_a_level_added_to_a_loaded_question_is_an_update_not_an_admin_edit(content):  # noqa: F811
    """A course update that gives an existing question a level (as the shipped course did to
    org-pd-rcp-outside) loads it: the row was fingerprinted before it had a level, and was
    reported as 'edited in the admin' and kept back on every load."""
    load(content)
    write(content, "quizzes/iam-quiz.yaml", LEVELLED.replace("Turn on MFA", "Turn on MFA now"))
    report = load(content)
    question = Question.objects.get(slug="root-user-mfa")
    assert report.conflicts == []
    assert question.level == "advanced" and "Turn on MFA now" in str(question.data)
    assert load(content).conflicts == []


def test_an_admin_edit_is_still_kept_when_the_file_adds_a_level(content):  # noqa: F811
    load(content)
    question = Question.objects.get(slug="root-user-mfa")
    question.prompt = "Edited in the admin?"
    question.save()
    write(content, "quizzes/iam-quiz.yaml", LEVELLED)
    report = load(content)
    assert [c for c in report.conflicts if "'root-user-mfa' was edited in the admin" in c]
    question.refresh_from_db()
    assert (question.prompt, question.level) == ("Edited in the admin?", "")


def test_behaviours_added_to_a_loaded_quiz_are_an_update_not_an_admin_edit(content):  # noqa: F811
    load(content)
    write(content, "quizzes/iam-quiz.yaml", BEHAVIOUR)
    report = load(content)
    quiz = Quiz.objects.get(slug="iam-quiz")
    assert report.conflicts == []
    assert (quiz.tries, quiz.try_penalty, quiz.certainty) == (3, 25, True)
