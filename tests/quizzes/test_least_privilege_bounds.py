"""Grading a least-privilege answer costs a bounded amount of work (issue 8, item 1), and an
answer too broad to check is never scored as if it were checked."""

from __future__ import annotations

import json

import pytest

from quizzes.least_privilege import check_policy
from srm_trainer.iam import PolicyError
from srm_trainer.iam.budget import Budget
from tests.quizzes.builders import CHALLENGE


def _policy(*actions: str, resource: str = "*") -> str:
    statement = {"Effect": "Allow", "Action": list(actions), "Resource": resource}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def test_a_right_answer_is_right_within_the_default_budget():
    result = check_policy(CHALLENGE, _policy("s3:GetObject", resource="arn:aws:s3:::reports/*"))
    assert result.correct and result.complete and not result.unchecked


def test_an_answer_too_broad_to_probe_scores_nothing_and_says_why():
    # a tiny budget stands in for an answer that grants more than the grader can probe (an
    # object action beyond the task's, which must be probed on the scope's objects)
    result = check_policy(
        CHALLENGE,
        _policy("s3:GetObject", "s3:GetObjectTagging", resource="arn:aws:s3:::reports/*"),
        budget=Budget(20),
    )
    assert result.unchecked and not result.correct and result.score == 0.0
    assert result.to_dict()["unchecked"] is True


def test_once_the_overgrants_reach_the_scale_a_short_budget_keeps_the_score_exact():
    broad = _policy("s3:*")
    full = check_policy(CHALLENGE, broad, budget=Budget(10**9))
    short = check_policy(CHALLENGE, broad, budget=Budget(2_500))
    assert full.score == short.score == 0.0
    assert not short.unchecked and not short.complete
    assert 0 < len(short.overgrants) < len(full.overgrants)
    # the riskiest over-grants are probed first, so the one shown is the same
    assert short.counterexample() == full.counterexample()


def _tagged_challenge(requests: int) -> dict:
    """The challenge's requests each carry a 50-value key: every value a learner's condition
    lists is compared with every one of them, in every request."""
    tags = {"aws:TagKeys": [f"tag-{i}" for i in range(50)]}
    allow = {"action": "s3:GetObject", "resource": "arn:aws:s3:::reports/q1.csv", "context": tags}
    deny = {"action": "s3:DeleteObject", "resource": "arn:aws:s3:::reports/q1.csv", "context": tags}
    return {**CHALLENGE, "must_allow": [allow] * requests, "must_deny": [deny] * requests}


def _conditioned(values: int) -> str:
    condition = {"ForAnyValue:StringLike": {"aws:TagKeys": [f"x{i}*" for i in range(values)]}}
    statement = {
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::reports/*",
        "Condition": condition,
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]}, indent=2)


def test_conditions_too_costly_to_check_are_refused_at_their_line_not_evaluated():
    """1,000 ArnLike patterns against 40 requests' 50-value keys cost 7 s of CPU for one
    answer: an answer whose conditions would compare more than 100,000 values over the task's
    requests is refused like a mistake in the policy, pointing at the condition."""
    challenge = _tagged_challenge(20)
    with pytest.raises(PolicyError) as caught:
        check_policy(challenge, _conditioned(101))
    assert caught.value.code == "too_costly"
    assert caught.value.path.endswith("Condition.ForAnyValue:StringLike.aws:TagKeys")
    assert caught.value.line == 4  # the statement that holds it
    assert "would compare 202,000 times; an answer may take at most 100,000" in str(caught.value)
    graded = check_policy(challenge, _conditioned(40))  # 80,000 comparisons: graded
    assert [r.decision for r in graded.requests[:1]] == ["ImplicitDeny"]
