"""The summary evaluates one action per group of actions the engine cannot tell apart
(`summary._signature`, `_uniform`): every verdict must equal evaluating that action on its own."""

from __future__ import annotations

import pytest

from srm_trainer.iam import catalog
from srm_trainer.iam.summary import _parsed, _verdict, summarize


def policy(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def st(effect: str, action, resource="*", **extra) -> dict:
    key = "NotAction" if extra.pop("negated", False) else "Action"
    return {"Effect": effect, key: action, "Resource": resource, **extra}


MFA = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
SETS = [
    pytest.param(
        {
            "identity_policies": [
                policy(st("Allow", ["s3:Get*", "s3:List*"])),
                policy(st("Allow", "s3:PutObject", "arn:aws:s3:::uploads/*", Condition=MFA)),
            ]
        },
        id="prefixes-and-a-conditional-exact",
    ),
    pytest.param(
        {
            "identity_policies": [policy(st("Allow", ["iam:*", "organizations:*"], negated=True))],
            "permissions_boundary": policy(st("Allow", "*"), st("Deny", "kms:Delete*")),
            "scp_levels": [[policy(st("Allow", "*"))], [policy(st("Allow", ["s3:*", "kms:*"]))]],
        },
        id="notaction-boundary-two-scp-levels",
    ),
    pytest.param(
        {
            "identity_policies": [
                policy(
                    st("Allow", "*"),
                    st("Deny", "iam:*Policy*", "arn:aws:iam::aws:policy/*"),
                    st("Allow", "*:Describe*", "arn:aws:kms:*:*:key/*"),
                )
            ],
            "session_policy": policy(st("Allow", ["iam:*", "sts:*", "kms:*", "sqs:?end*"])),
        },
        id="deny-wildcards-session",
    ),
    pytest.param(
        {
            "identity_policies": [
                policy(
                    st("Allow", ["kms:*", "kinesis:*"], "arn:aws:kms:*:*:key/*"),
                    st("Allow", "iam:*", "arn:aws:iam::aws:policy/*"),
                )
            ]
        },
        id="key-policy-and-aws-managed-policy-rules-on-probes",
    ),
]
SERVICES = ["s3", "iam", "kms", "kinesis", "sts", "sqs", "organizations"]


@pytest.mark.parametrize("policies", SETS)
def test_grouped_verdicts_equal_one_by_one(policies):
    summary = summarize(policies, services=SERVICES)
    parsed = _parsed(policies)
    assert summary.evaluated > 500
    for action, access in summary.by_action.items():
        alone, _ = _verdict(parsed, False, action, tuple(catalog.arn_formats(action)))
        assert access.verdict == alone, action


def test_groups_are_few_for_a_service_of_hundreds():
    """The point of grouping: EC2's ~780 actions under three statements need a handful of
    evaluations, not 780 (counted through the engine's entry point)."""
    from srm_trainer.iam import summary as module

    calls = []
    real = module.decide

    def counting(*args, **kwargs):
        calls.append(args[1])
        return real(*args, **kwargs)

    ec2 = policy(
        st("Allow", "ec2:Describe*"),
        st("Allow", "ec2:*", "arn:aws:ec2:*:*:instance/*", Condition=MFA),
        st("Deny", "ec2:TerminateInstances"),
    )
    module.decide = counting
    try:
        result = summarize(ec2, services=["ec2"])
    finally:
        module.decide = real
    assert result.evaluated > 700
    assert len(calls) < 10
    assert result.by_action["ec2:DescribeInstances"].access == "full"
    assert result.by_action["ec2:StartInstances"].access == "partial"
    assert result.by_action["ec2:TerminateInstances"].access == "none"


@pytest.mark.parametrize("policies", SETS)
def test_batch_answers_equal_evaluating_each_pair(policies):
    """Batch simulation shares one evaluation per signature and resource: every result, its
    steps and its (lazily rebuilt) explanation must equal evaluating that pair alone."""
    from srm_trainer.iam import catalog, evaluate
    from srm_trainer.iam.simulate import simulate

    actions = [
        *catalog.actions("s3")[:40],
        *catalog.actions("kms")[:10],
        "kinesis:StartStreamEncryption",
        "iam:DeletePolicy",
        "iam:GetPolicy",
        "sts:GetCallerIdentity",
        "sts:AssumeRole",
        "S3:getobject",  # the same action spelled otherwise: its own row, the same answer
    ]
    resources = [
        "*",
        "arn:aws:s3:::uploads/a",
        "arn:aws:kms:eu-west-1:111122223333:key/k1",
        "arn:aws:iam::aws:policy/ReadOnlyAccess",
        "arn:aws:iam::111122223333:role/ops",
    ]
    principal = "arn:aws:iam::111122223333:role/summary"
    request = {"principal": principal, "actions": actions, "resources": resources}
    results = simulate({**policies, "request": request})
    assert len(results) == len(actions) * len(resources)
    for r in results:
        alone = evaluate(
            {
                **policies,
                "request": {"principal": principal, "action": r.action, "resource": r.resource},
            }
        )
        assert r.decision.to_dict() == alone.to_dict(), (r.action, r.resource)


PAIRS = [(SETS[i].values[0], SETS[(i + 1) % len(SETS)].values[0]) for i in range(len(SETS))]


@pytest.mark.parametrize(("old", "new"), PAIRS)
def test_the_diff_lists_every_action_whose_verdicts_differ(old, new):
    """The diff compares each pair of shared verdicts once and reads actions only where a pair
    differs: its changes must be those of comparing every action's two verdicts one by one."""
    from srm_trainer.iam.diff import _wider, diff

    result = diff(old, new, services=SERVICES)
    before, after = result.old.by_action, result.new.by_action
    assert len(after) > 500 and before.keys() == after.keys()
    gained = [a for a in after if _wider(after[a].verdict, before[a].verdict)]
    lost = [a for a in after if _wider(before[a].verdict, after[a].verdict)]
    assert gained or lost
    assert [c.action for c in result.gained] == gained
    assert [c.action for c in result.lost] == lost
    for c in (*result.gained, *result.lost):
        assert c.old is before[c.action] and c.new is after[c.action]
