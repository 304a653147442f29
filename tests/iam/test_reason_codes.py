"""Reason codes are a closed set: every one has words and a topic (the website links topics to
lessons: tests/lessons/test_engine_topics.py), and the engine emits no other."""

from __future__ import annotations

import re
from pathlib import Path

import srm_trainer.iam as iam
from srm_trainer.iam.aws_rules import RULES
from srm_trainer.iam.reasons import ReasonCode, Topic
from srm_trainer.iam.words import REASONS, reason_topic, reason_words

ENGINE = Path(iam.__file__).parent
# Codes the evaluator passes through variables rather than literally (statement skips and
# condition failures; see evaluate._analyse and conditions.KEY_MISSING/VALUE_MISMATCH).
INDIRECT = {
    "action_not_matched",
    "notaction_matched",
    "resource_not_matched",
    "notresource_matched",
    "policy_variable_no_value",
    "principal_not_matched",
    "notprincipal_matched",
    "condition_key_missing",
    "condition_value_mismatch",
    "scp_not_applicable_to_caller",
}


def _emitted() -> set[str]:
    codes = set(INDIRECT) | {rule.code for rule in RULES}
    for path in ENGINE.glob("*.py"):
        codes.update(re.findall(r'Reason\(\s*"([a-z_]+)"', path.read_text()))
        codes.update(re.findall(r"ReasonCode\.([A-Z_]+)", path.read_text().lower().upper()) and ())
    return codes


def test_the_enum_and_the_words_table_hold_the_same_codes():
    assert {c.value for c in ReasonCode} == set(REASONS)


def test_every_code_the_engine_emits_is_in_the_enum():
    assert _emitted() - {c.value for c in ReasonCode} == set()


class _AnyValue(dict):
    """Every field a template asks for has a value: checks the words, not the data."""

    def __missing__(self, key: str) -> str:
        return f"<{key}>"


def test_every_code_has_a_sentence_and_a_topic():
    for code in ReasonCode:
        templates, topic = REASONS[code]
        assert templates, code
        sentence = reason_words(
            code, {}, render=lambda template, **values: template.format_map(_AnyValue(values))
        )
        assert sentence and code.value not in sentence, code
        assert isinstance(topic, Topic) and reason_topic(code) == topic, code


def test_the_engine_holds_no_lesson_addresses():
    for path in ENGINE.glob("*.py"):
        assert "/learn/" not in path.read_text(), path.name


def test_codes_are_plain_strings_in_json():
    assert ReasonCode.EXPLICIT_DENY == "explicit_deny"
    assert isinstance(ReasonCode.EXPLICIT_DENY, str)
