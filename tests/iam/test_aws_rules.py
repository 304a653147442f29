"""AWS's built-in rules: one table, each rule shown as its own step, with words and cases."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlparse

import pytest

from srm_trainer.iam import evaluate
from srm_trainer.iam.aws_rules import RULES
from srm_trainer.iam.cli import explain
from srm_trainer.iam.words import REASONS, STEP_TITLES, reason_words

CASES = json.loads((Path(__file__).parent / "cases" / "aws_rules.json").read_text(encoding="utf-8"))


def _rule_step(decision):
    first = decision.steps[0]
    return first if first.name == "aws_rule" else None


def test_rule_ids_and_codes_are_unique_and_documented():
    assert len({r.id for r in RULES}) == len(RULES)
    assert len({r.code for r in RULES}) == len(RULES)
    for rule in RULES:
        assert urlparse(rule.doc).netloc == "docs.aws.amazon.com", rule.id
        assert rule.actions and all(":" in a for a in rule.actions), rule.id


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_rule_has_words_that_use_its_data(rule):
    assert rule.code in REASONS
    sentence = reason_words(
        rule.code, {"rule": rule.id, "action": "svc:Act", "resource": "arn:aws:x:::thing"}
    )
    assert rule.code not in sentence  # a sentence, not the fallback that echoes the code


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_rule_decides_at_least_one_case(rule):
    deciding = [c for c in CASES if c.get("aws_rule") == rule.id]
    assert deciding, f"no case in aws_rules.json is decided by {rule.id}"
    for case in deciding:
        decision = evaluate(case)
        step = _rule_step(decision)
        assert step is not None, case["name"]
        assert step.reasons[0].code == rule.code
        assert step.reasons[0].data["rule"] == rule.id


def test_cases_that_fall_outside_a_rule_show_no_rule_step():
    outside = [c for c in CASES if "aws_rule" not in c]
    assert len(outside) >= len(RULES)
    for case in outside:
        assert _rule_step(evaluate(case)) is None, case["name"]


def test_the_rule_step_comes_first_and_the_policy_steps_are_not_reached():
    case = next(c for c in CASES if c.get("aws_rule") == "sts-get-caller-identity")
    decision = evaluate(case)
    assert decision.decision == "Allow"
    assert decision.decisive == ()
    assert [s.name for s in decision.steps][:2] == ["aws_rule", "explicit_deny"]
    assert decision.steps[0].outcome == "allow" and decision.steps[0].reached
    assert not any(s.reached for s in decision.steps[1:])
    # what the policies would have said is still there: the Deny statement matched
    assert decision.steps[1].outcome == "deny"


def test_a_deny_rule_is_an_explicit_deny_whatever_the_policies_allow():
    case = next(c for c in CASES if c.get("aws_rule") == "aws-managed-policy-immutable")
    decision = evaluate(case)
    assert decision.decision == "ExplicitDeny"
    assert decision.steps[0].outcome == "deny"
    assert decision.to_dict()["steps"][0]["reasons"][0]["data"]["rule"] == rule_id(case)


def rule_id(case: dict) -> str:
    return case["aws_rule"]


def test_the_cli_shows_the_rule_step_in_words():
    case = next(c for c in CASES if c.get("aws_rule") == "kms-aws-alias-reserved")
    text = explain("alias", evaluate(case))
    assert f"{STEP_TITLES['aws_rule']}: Denied here" in text
    assert "alias/aws/" in text and "aws_rule_aws_kms_alias" not in text
