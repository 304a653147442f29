"""Item-writing quality of the shipped choice questions, over every quiz file.

A learner who cannot answer a single-choice question can still score by picking the option
that is clearly longer than the rest: writers qualify the right answer carefully and leave
the distractors short. The review of 2026-12-05 measured it (docs/item-review-2026-12.md):
the key was the longest option in 62 of 76 single-choice questions, and at least a quarter
longer than every other option in 34. Being longest by a few characters is no clue (chance
alone makes the key longest in a quarter of four-option questions); a visible margin is.

A multiple-answer question gives the same clue when the options a learner would tick for
their length alone are right answers. Each option is marked on its own (docs/quizzes.md:
right minus wrong over the options), so one long key ticked on sight is a mark earned
without knowing anything, even when the other keys are short.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from curriculum.quiz_readers import QuestionData
from tests.curriculum.shipped_quizzes import shipped_quizzes

# A key this much longer than the longest distractor stands out on the page.
MARGIN = 1.25


def stands_out(question: QuestionData, margin: float = MARGIN) -> bool:
    """Whether the longest options, down to a drop of `margin` times in length, are all keys:
    some of them set off from every other option by a visible margin. For a single-choice
    question that is its key, at least `margin` times as long as every other option.

    For a multiple-answer question this is the group a test-wise learner ticks. The two
    obvious summaries each miss a clue the review of 2026-12-06 found: the mean of the keys
    against the mean of the distractors gave `srm-of-the-cloud-examples` 1.08, since its two
    short keys hid the one 1.41 times as long as any wrong option; the shortest key against
    the longest distractor flagged no question at all, not even `srm-rds-still-yours`, whose
    longest key was 1.81 times the longest distractor. And neither asks what a learner sees.
    A long key beside a distractor about as long is no clue (the learner cannot tell them
    apart), and this rule leaves it alone."""
    lengths = sorted(
        ((len(c["text"]), bool(c["correct"])) for c in question.data["choices"]), reverse=True
    )
    for (longer, right), (shorter, _) in zip(lengths, lengths[1:], strict=False):
        if not right:
            return False
        if longer >= margin * shorter:
            return True
    return False


def allowed(count: int) -> int:
    """How many such keys a file may have: one in five, and always one (a key that must name
    a thing precisely is sometimes longer, and a small file should not fail for it)."""
    return max(1, count // 5)


KINDS = {"single": "single-choice", "multiple": "multiple-answer"}


def _by_file(kind: str) -> dict[str, list[QuestionData]]:
    found: dict[str, list[QuestionData]] = {}
    for question in shipped_quizzes(check_cases=False).questions:
        if question.type == kind:
            found.setdefault(Path(question.source).stem, []).append(question)
    return found


BY_KIND = {kind: _by_file(kind) for kind in KINDS}


@pytest.mark.parametrize(
    ("kind", "quiz_file"), [(kind, name) for kind in KINDS for name in sorted(BY_KIND[kind])]
)
def test_the_right_answer_is_not_given_away_by_its_length(kind, quiz_file):
    """Each kind has its own allowance: a file's multiple-answer questions do not use up, or
    add to, what its single-choice questions may have."""
    questions = BY_KIND[kind][quiz_file]
    clued = [q.slug for q in questions if stands_out(q)]
    assert len(clued) <= allowed(len(questions)), (
        f"{quiz_file}.yaml: in {len(clued)} of {len(questions)} {KINDS[kind]} questions keys "
        f"stand at least {MARGIN}x as long as every other option: {clued}"
    )


# Past this, a key gives itself away whatever the rest of its file does: no allowance.
CEILING = 1.4


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_no_key_is_far_longer_than_every_other_option(kind):
    """The allowance above is per file: `dos-waf-behind-nlb`'s key, 2.1 times as long as any
    other option, passed it because the file's other keys were fine."""
    far = [
        q.slug
        for questions in BY_KIND[kind].values()
        for q in questions
        if stands_out(q, margin=CEILING)
    ]
    assert far == [], f"{KINDS[kind]} keys at least {CEILING}x as long as any other option: {far}"


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


def _question(key: str, *others: str, keys: tuple[str, ...] = ()) -> QuestionData:
    """A question with `key` (and for a multiple-answer one, `keys` too) right, `others`
    wrong."""
    choices = [{"id": f"k{i}", "text": t, "correct": True} for i, t in enumerate((key, *keys))]
    choices += [{"id": f"d{i}", "text": t, "correct": False} for i, t in enumerate(others)]
    return QuestionData(
        slug="q", type="multiple" if keys else "single", category="c", module="m", prompt="p",
        explanation="e", lesson="m/l", misconceptions=(), data={"choices": choices},
        scenario="", ask_statement=False, source="x.yaml", line=1,
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


@pytest.mark.parametrize(
    ("keys", "others", "clue"),
    [
        # srm-rds-still-yours before 2026-12-06: its one long key stood out (103 against 71)
        ((103, 71, 53), (57, 48), True),
        # srm-of-the-cloud-examples before: 96 against 68, though the keys' mean was no clue
        ((96, 66, 53), (68, 65), True),
        # det-backup-out-of-reach before: two keys set off together (81 against 57)
        ((92, 81, 28), (57, 50, 49), True),
        # a long key beside a distractor as long: the learner cannot tell them apart
        ((100, 40, 30), (95, 35), False),
        # the longest option is wrong: ticking by length costs a mark
        ((60, 50), (90, 40), False),
        # keys a little longer throughout, as chance makes them
        ((70, 66, 60), (64, 58), False),
    ],
)
def test_a_multiple_answer_clue_is_keys_set_off_by_length(keys, others, clue):
    first, *rest = ("x" * n for n in keys)
    question = _question(first, *("y" * n for n in others), keys=tuple(rest))
    assert stands_out(question) is clue
