"""Item-writing quality of the shipped choice questions, over every quiz file.

A learner who cannot answer a single-choice question can still score by picking the option
that is clearly longer than the rest: writers qualify the right answer carefully and leave
the distractors short. The review of 2026-12-05 measured it (docs/item-review-2026-12.md):
the key was the longest option in 62 of 76 single-choice questions, and at least a quarter
longer than every other option in 34. Being longest by a few characters is no clue (chance
alone makes the key longest in a quarter of four-option questions); a visible margin is.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from curriculum.quiz_readers import QuestionData
from tests.curriculum.shipped_quizzes import shipped_quizzes

# A key this much longer than the longest distractor stands out on the page.
MARGIN = 1.25


def stands_out(question: QuestionData, margin: float = MARGIN) -> bool:
    """Whether the key of a single-choice question is at least `margin` times as long as
    every other option."""
    choices = question.data["choices"]
    key = next(len(c["text"]) for c in choices if c["correct"])
    longest_other = max(len(c["text"]) for c in choices if not c["correct"])
    return key >= margin * longest_other


def allowed(count: int) -> int:
    """How many such keys a file may have: one in five, and always one (a key that must name
    a thing precisely is sometimes longer, and a small file should not fail for it)."""
    return max(1, count // 5)


def _single_choice_by_file() -> dict[str, list[QuestionData]]:
    found: dict[str, list[QuestionData]] = {}
    for question in shipped_quizzes(check_cases=False).questions:
        if question.type == "single":
            found.setdefault(Path(question.source).stem, []).append(question)
    return found


BY_FILE = _single_choice_by_file()


@pytest.mark.parametrize("quiz_file", sorted(BY_FILE))
def test_the_right_answer_is_not_given_away_by_its_length(quiz_file):
    questions = BY_FILE[quiz_file]
    clued = [q.slug for q in questions if stands_out(q)]
    assert len(clued) <= allowed(len(questions)), (
        f"{quiz_file}.yaml: in {len(clued)} of {len(questions)} single-choice questions the key "
        f"is at least {MARGIN}x as long as any other option: {clued}"
    )


# Past this, a key gives itself away whatever the rest of its file does: no allowance.
CEILING = 1.4


def test_no_key_is_far_longer_than_every_other_option():
    """The allowance above is per file: `dos-waf-behind-nlb`'s key, 2.1 times as long as any
    other option, passed it because the file's other keys were fine."""
    far = [
        q.slug for questions in BY_FILE.values() for q in questions if stands_out(q, margin=CEILING)
    ]
    assert far == [], f"keys at least {CEILING}x as long as any other option: {far}"


def test_every_wrong_option_says_why_it_is_wrong():
    """The feedback teaches: a learner who picked a tempting wrong option is told why it is
    wrong, not only why the key is right (both reviews of 2026-12-05 filled in every one)."""
    silent = [
        f"{question.slug}: {choice['text'][:40]!r}"
        for question in shipped_quizzes(check_cases=False).questions
        if question.type in ("single", "multiple")
        for choice in question.data["choices"]
        if not choice["correct"] and not str(choice.get("feedback") or "").strip()
    ]
    assert not silent, silent


def test_a_multiple_answer_question_has_two_wrong_options_at_least():
    """With one wrong option among five, ticking every box scores nearly full marks without
    knowing anything (two such questions were found in the review of 2026-12-05)."""
    thin = [
        question.slug
        for question in shipped_quizzes(check_cases=False).questions
        if question.type == "multiple"
        and sum(not choice["correct"] for choice in question.data["choices"]) < 2
    ]
    assert not thin, thin


def _question(key: str, *others: str) -> QuestionData:
    choices = [{"id": "k", "text": key, "correct": True}]
    choices += [{"id": f"d{i}", "text": t, "correct": False} for i, t in enumerate(others)]
    return QuestionData(
        slug="q", type="single", category="c", module="m", prompt="p", explanation="e",
        lesson="m/l", misconceptions=(), data={"choices": choices}, scenario="",
        ask_statement=False, source="x.yaml", line=1,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("key", "others", "clue"),
    [
        ("x" * 50, ["y" * 40, "z" * 30], True),  # exactly 1.25x the longest distractor
        ("x" * 49, ["y" * 40, "z" * 30], False),
        ("x" * 10, ["y" * 40], False),  # the key is the shortest
    ],
)
def test_a_clue_is_a_visible_margin_over_every_distractor(key, others, clue):
    assert stands_out(_question(key, *others)) is clue
