"""Predict first (issue 13): a shipped scenario never gives its outcome away before the
learner predicts it, and its explanation (shown after) opens with the engine's decision."""

from __future__ import annotations

import re

import pytest

from srm_trainer.iam import evaluate
from srm_trainer.iam.words import DECISION_NAMES
from tests.shipped import shipped_curriculum  # the content files, parsed once per process

SCENARIOS = shipped_curriculum().scenarios

# Words and phrases that state what happened to a request. Describing a policy ("her policy
# allows", "a statement that denies") is fine; saying how the request ends is not.
OUTCOME = re.compile(
    r"\b("
    r"allowed|denied|refused|permitted|blocked"
    r"|implicit(ly)?\s+den\w*|explicit(ly)?\s+den\w*"
    r"|(deny|allow)\s+(never\s+|does\s+not\s+|doesn't\s+)?appl(y|ies)"
    r"|goes\s+through|wins|fails\s+open|gets\s+in|lets\s+(\S+\s+){1,3}in"
    r"|falls\s+through|matches\s+nothing|is\s+covered"
    r")\b",
    re.IGNORECASE,
)
# An explanation opens with the outcome's one name, as the choices and the feedback say it.
OPENING = {code: re.compile(rf"^{name}\b") for code, name in DECISION_NAMES.items()}


def outcome_phrases(text: str) -> list[str]:
    return [m.group(0) for m in OUTCOME.finditer(text)]


def test_the_check_catches_a_stated_outcome():
    """The pattern is the test's teeth: sentences the old scenarios used are caught."""
    assert outcome_phrases("so the request falls through to the default: an implicit deny")
    assert outcome_phrases("her read of `reports/2026/q1.csv` is allowed.")
    assert outcome_phrases("An explicit Deny in any applicable policy wins over any Allow")
    assert outcome_phrases("Written with plain `Bool`, the RCP lets the anonymous reader in")
    assert not outcome_phrases("Her policy lets her list the `reports` bucket.")
    assert not outcome_phrases("A guard statement denies every action outside the office.")


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.slug)
def test_nothing_above_the_question_states_the_outcome(scenario):
    shown_before = f"{scenario.title}\n{scenario.situation}"
    assert outcome_phrases(shown_before) == []


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.slug)
def test_the_explanation_opens_with_the_engines_decision(scenario):
    decision = evaluate(scenario.case).decision
    assert OPENING[decision].match(scenario.explanation), scenario.explanation[:60]
