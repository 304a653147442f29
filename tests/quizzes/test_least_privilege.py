"""The least-privilege grader: requests by the engine, then the over-permission count."""

from __future__ import annotations

import pytest

from quizzes.least_privilege import check_policy, granted_actions, probe_resource
from srm_trainer.iam import PolicyError
from tests.quizzes.builders import CHALLENGE, allow, policy


def test_the_exact_policy_passes_every_request_and_overgrants_nothing():
    result = check_policy(CHALLENGE, policy(allow("s3:GetObject", "arn:aws:s3:::reports/q1.csv")))
    assert [r.ok for r in result.requests] == [True, True]
    assert result.overgrants == ()
    assert result.correct


def test_an_extra_read_action_is_one_read_overgrant():
    result = check_policy(
        CHALLENGE, policy(allow(["s3:GetObject", "s3:GetObjectTagging"], "arn:aws:s3:::reports/*"))
    )
    assert result.request_score == 1.0
    assert [(o.action, o.resource) for o in result.overgrants] == [
        ("s3:GetObjectTagging", "arn:aws:s3:::reports/example")
    ]
    assert result.weighted_overgrants == 1
    assert result.score == pytest.approx(0.9)
    assert result.counterexample() == {
        "kind": "overgrant",
        "action": "s3:GetObjectTagging",
        "resource": "arn:aws:s3:::reports/example",
    }


def test_write_and_permission_actions_weigh_more():
    one_write = check_policy(
        CHALLENGE,
        policy(
            allow("s3:GetObject", "arn:aws:s3:::reports/q1.csv"),
            allow("s3:PutObject", "arn:aws:s3:::reports/*"),
        ),
    )
    assert [(o.action, o.access_level, o.weight) for o in one_write.overgrants] == [
        ("s3:PutObject", "Write", 2)
    ]
    assert one_write.score == pytest.approx(0.8)
    perms = check_policy(
        CHALLENGE,
        policy(
            allow("s3:GetObject", "arn:aws:s3:::reports/q1.csv"),
            allow("s3:PutBucketPolicy", "arn:aws:s3:::reports"),
        ),
    )
    assert perms.weighted_overgrants == 3
    assert perms.score == pytest.approx(0.7)


def test_a_wildcard_policy_fails_the_must_deny_and_scores_zero():
    result = check_policy(CHALLENGE, policy(allow("s3:*", "*")))
    assert result.request_score == 0.5
    assert result.weighted_overgrants >= 10
    assert result.score == 0.0
    assert result.counterexample() == {
        "kind": "should_deny",
        "action": "s3:DeleteObject",
        "resource": "arn:aws:s3:::reports/q1.csv",
    }


def test_a_missing_permission_is_the_counterexample():
    result = check_policy(CHALLENGE, policy(allow("s3:ListBucket", "arn:aws:s3:::reports")))
    assert result.request_score == 0.0  # it allows none of what the task needs
    assert result.counterexample()["kind"] == "should_allow"


def test_notaction_grants_every_other_action_of_the_services_involved():
    granted = granted_actions(
        policy({"Effect": "Allow", "NotAction": "s3:DeleteObject", "Resource": "*"}), {"s3"}
    )
    assert "s3:GetObject" in granted and "s3:PutBucketPolicy" in granted
    assert "s3:DeleteObject" not in granted
    assert not any(a.startswith("ec2:") for a in granted)


def test_a_deny_statement_removes_overgrants():
    result = check_policy(
        CHALLENGE,
        policy(
            allow("s3:GetObject", "arn:aws:s3:::reports/*"),
            {
                "Effect": "Deny",
                "Action": "s3:GetObject",
                "NotResource": "arn:aws:s3:::reports/q1.csv",
            },
        ),
    )
    assert result.correct


def test_a_must_allow_pattern_covers_its_probe():
    challenge = {
        **CHALLENGE,
        "must_allow": [{"action": "s3:GetObject", "resource": "arn:aws:s3:::reports/*"}],
    }
    assert check_policy(challenge, policy(allow("s3:GetObject", "arn:aws:s3:::reports/*"))).correct


def test_scope_wildcards_become_a_concrete_resource():
    assert probe_resource("arn:aws:s3:::reports/*") == "arn:aws:s3:::reports/example"


def test_invalid_json_raises_with_a_position():
    with pytest.raises(PolicyError) as excinfo:
        check_policy(CHALLENGE, '{"Version": "2012-10-17", "Statement": [')
    assert excinfo.value.line == 1


def test_request_context_reaches_the_engine_and_the_probes():
    mfa = {"aws:MultiFactorAuthPresent": "true"}
    challenge = {
        "principal": "arn:aws:iam::111122223333:user/ben",
        "must_allow": [
            {"action": "s3:GetObject", "resource": "arn:aws:s3:::reports/q1.csv", "context": mfa}
        ],
        "must_deny": [
            {"action": "s3:GetObject", "resource": "arn:aws:s3:::reports/q1.csv", "context": {}}
        ],
        "scope": ["arn:aws:s3:::reports/*"],
    }
    gated = {
        **allow(["s3:GetObject", "s3:GetObjectTagging"], "arn:aws:s3:::reports/*"),
        "Condition": {"Bool": mfa},
    }
    result = check_policy(challenge, policy(gated))
    assert result.request_score == 1.0
    # the extra action is found although it needs MFA: the probes run with the task's context
    assert [o.action for o in result.overgrants] == ["s3:GetObjectTagging"]
    ungated = check_policy(challenge, policy(allow("s3:GetObject", "arn:aws:s3:::reports/q1.csv")))
    assert ungated.request_score == 0.5


def test_granting_the_needed_action_on_the_whole_scoped_prefix_is_not_an_overgrant():
    """The task reads one report; `s3:GetObject` on `reports/*` is the expected least-privilege
    answer, so it must not be counted as over-permission (the over-grant check is about actions)."""
    challenge = {
        "principal": "arn:aws:iam::111122223333:user/alice",
        "resource_account": "111122223333",
        "must_allow": [{"action": "s3:GetObject", "resource": "arn:aws:s3:::reports/q1.csv"}],
        "must_deny": [{"action": "s3:PutObject", "resource": "arn:aws:s3:::reports/q1.csv"}],
        "scope": ["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"],
    }
    natural = (
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
        '"Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]}'
    )
    result = check_policy(challenge, natural)
    assert result.overgrants == ()
    too_much = natural.replace('"s3:GetObject"', '"s3:Get*"')
    assert {o.action for o in check_policy(challenge, too_much).overgrants} >= {"s3:GetObjectAcl"}


def test_a_bucket_action_is_not_an_overgrant_on_an_object():
    """`s3:Get*` on `reports/*` grants the object reads, but not s3:GetBucketPolicy: that acts
    on the bucket's ARN, which `reports/*` never matches (the sandbox's own finding says so).
    Counting it would tell the learner a false thing about their policy."""
    result = check_policy(CHALLENGE, policy(allow("s3:Get*", "arn:aws:s3:::reports/*")))
    found = {(o.action, o.resource) for o in result.overgrants}
    assert ("s3:GetObjectTagging", "arn:aws:s3:::reports/example") in found
    assert ("s3:GetBucketPolicy", "arn:aws:s3:::reports/example") not in found
    assert all(
        not o.action.startswith(("s3:GetBucket", "s3:GetAccelerate")) for o in result.overgrants
    )
    # a bucket action on the bucket itself still counts
    bucket = check_policy(
        CHALLENGE,
        policy(
            allow("s3:GetObject", "arn:aws:s3:::reports/q1.csv"),
            allow("s3:GetBucketPolicy", "arn:aws:s3:::reports"),
        ),
    )
    assert [(o.action, o.resource) for o in bucket.overgrants] == [
        ("s3:GetBucketPolicy", "arn:aws:s3:::reports")
    ]


def test_an_action_without_a_resource_type_is_granted_only_by_resource_star():
    """s3:ListAllMyBuckets acts on no particular resource: AWS authorises it against "*", so
    `reports/*` does not grant it, and `*` does (once, not once per scope entry)."""
    scoped = check_policy(CHALLENGE, policy(allow("s3:List*", "arn:aws:s3:::reports/*")))
    assert all(o.action != "s3:ListAllMyBuckets" for o in scoped.overgrants)
    star = check_policy(
        CHALLENGE,
        policy(
            allow("s3:GetObject", "arn:aws:s3:::reports/q1.csv"),
            allow("s3:ListAllMyBuckets", "*"),
        ),
    )
    assert [(o.action, o.resource) for o in star.overgrants] == [("s3:ListAllMyBuckets", "*")]


# A task of one read and three refusals: a policy that reads nothing still "refused" all three.
READ_ONE_REFUSE_THREE = {
    **CHALLENGE,
    "must_deny": [
        {"action": "s3:DeleteObject", "resource": "arn:aws:s3:::reports/q1.csv"},
        {"action": "s3:PutObject", "resource": "arn:aws:s3:::reports/q1.csv"},
        {"action": "s3:GetObject", "resource": "arn:aws:s3:::payroll/march.csv"},
    ],
}


def test_a_policy_that_allows_none_of_the_task_scores_zero():
    """A policy for another bucket refuses every must-deny request by doing nothing: it scored
    3 of 4 (75%, a quiz's pass mark near), for a policy that does none of the job. Scored as
    route-the-findings scores a pattern that sends nothing: 0."""
    result = check_policy(
        READ_ONE_REFUSE_THREE, policy(allow("s3:GetObject", "arn:aws:s3:::elsewhere/*"))
    )
    assert [r.ok for r in result.requests] == [False, True, True, True]
    assert result.overgrants == ()
    assert result.request_score == 0.0
    assert result.score == 0.0


def test_the_request_score_is_the_needed_requests_allowed_out_of_all_needed_or_wrongly_allowed():
    """|needed ∩ allowed| / |needed ∪ allowed|: half the job, nothing wrongly allowed, is a
    half; the job done and one must-deny allowed too is a half as well."""
    two_reads = {
        **READ_ONE_REFUSE_THREE,
        "must_allow": [
            {"action": "s3:GetObject", "resource": "arn:aws:s3:::reports/q1.csv"},
            {"action": "s3:GetObject", "resource": "arn:aws:s3:::reports/q2.csv"},
        ],
    }
    half_the_job = check_policy(
        two_reads, policy(allow("s3:GetObject", "arn:aws:s3:::reports/q1.csv"))
    )
    assert half_the_job.request_score == 0.5
    one_too_many = check_policy(
        CHALLENGE, policy(allow(["s3:GetObject", "s3:DeleteObject"], "arn:aws:s3:::reports/q1.csv"))
    )
    assert [r.ok for r in one_too_many.requests] == [True, False]
    assert one_too_many.request_score == 0.5


def test_a_challenge_without_a_scope_probes_the_resources_its_requests_name():
    """No `scope` used to mean nothing was probed: `"Action": "*", "Resource": "*"` passed a
    task with no must-deny request at full marks. The requests' own resources are probed."""
    challenge = {
        "principal": CHALLENGE["principal"],
        "must_allow": [{"action": "s3:GetObject", "resource": "arn:aws:s3:::reports/q1.csv"}],
    }
    everything = check_policy(challenge, policy(allow("*", "*")))
    assert not everything.correct
    assert everything.score == 0
    assert ("s3:DeleteObject", "arn:aws:s3:::reports/q1.csv") in {
        (o.action, o.resource) for o in everything.overgrants
    }
    exact = check_policy(challenge, policy(allow("s3:GetObject", "arn:aws:s3:::reports/q1.csv")))
    assert exact.correct and exact.overgrants == ()
