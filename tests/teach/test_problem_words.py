"""One check, two audiences: each problem a kind finds is one `Problem` that says it in the
content file's words (`message`: the loader, the admin, an import, which name the file's keys)
and as a sentence for a teacher (`in_words()`: the question editor, which shows rows and
boxes). Both come from the object `Question.clean()` raises, so neither can drift from the
check that made it."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from quizzes.kinds import Problem
from quizzes.kinds.base import as_sentence
from quizzes.models import Question


def choice(text: str, correct: bool = False) -> dict:
    return {"id": text or "blank", "text": text, "correct": correct, "feedback": ""}


CASES = [
    (
        "single",
        {"choices": [choice("A", True), choice("B"), choice("")]},
        "choice #3: 'text' must be non-empty text",
        "Choice 3 needs some text.",
    ),
    (
        "single",
        {"choices": [choice("A", True)]},
        "'choices' must be a list of 2 to 6 choices",
        "Give 2 to 6 choices.",
    ),
    (
        "single",
        {"choices": [choice(t) for t in "ABCDEFG"]},
        "'choices' must be a list of 2 to 6 choices",
        "Give 2 to 6 choices: there are 7.",
    ),
    (
        "single",
        {"choices": [choice("A"), choice("B")]},
        "a single-choice question has exactly one correct choice, not 0",
        "Mark the correct choice.",
    ),
    (
        "single",
        {"choices": [choice("A", True), choice("B", True)]},
        "a single-choice question has exactly one correct choice, not 2",
        "Mark only one choice as correct: 2 are marked.",
    ),
    (
        "multiple",
        {"choices": [choice("A"), choice("B")]},
        "a multiple-select question needs at least one correct choice",
        "Mark at least one choice as correct.",
    ),
    (
        "multiple",
        {"choices": [choice("A", True), choice("B", True)]},
        "a multiple-select question needs at least one wrong choice: with every choice "
        "correct, choosing them all earns full marks",
        "Leave at least one choice wrong: with every choice marked correct, choosing them all "
        "gets full marks.",
    ),
    (
        "ordering",
        {"items": [{"id": "a", "text": "Sign in"}, {"id": "b", "text": "Sign in"}]},
        "the item 'Sign in' appears twice",
        "Item 2 repeats “Sign in”: give each item its own text.",
    ),
    (
        "true_false",
        {"answer": None},
        "'answer' must be true or false",
        "Say whether the statement is true or false.",
    ),
    (
        "categorize",
        {"categories": ["AWS"], "items": []},
        "'categories' must be a list of at least 2 names",
        "Give at least 2 categories, one per line.",
    ),
]


@pytest.mark.parametrize("kind,data,file_words,teacher_words", CASES)
def test_the_file_and_the_editor_say_one_problem_each_their_way(
    kind, data, file_words, teacher_words
):
    question = Question(type=kind, slug="q", prompt="P", explanation="E", data=data)
    with pytest.raises(ValidationError) as info:
        question.clean()
    [error] = info.value.error_dict["data"]
    assert error.messages == [file_words]  # what the admin and the loader say
    assert error.problem.message == file_words
    assert error.problem.in_words() == teacher_words  # what the question editor says


def test_the_editor_numbers_the_row_the_page_shows():
    problem = Problem(
        "choice #2: 'text' must be non-empty text",
        ("choices", 1, "text"),
        plain="Choice {n} needs some text.",
    )
    assert problem.in_words() == "Choice 2 needs some text."
    assert problem.in_words(3) == "Choice 3 needs some text."  # a blank row before it


@pytest.mark.parametrize(
    "message,sentence",
    [
        ("choice #4: 'feedback' must be text", "Choice #4: 'feedback' must be text."),
        ("cannot be checked (KeyError)", "Cannot be checked (KeyError)."),
        ("Already a sentence.", "Already a sentence."),
        ("", ""),
    ],
)
def test_a_check_without_a_plain_sentence_is_still_said_as_a_sentence(message, sentence):
    assert as_sentence(message) == sentence
    assert Problem(message).in_words() == sentence
