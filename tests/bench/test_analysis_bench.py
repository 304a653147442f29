"""Budgets of the many-request tools (issue 16, items 10-12): the effective-permissions summary,
the policy diff and batch simulation. Run with `make bench`; figures go to the one table.

CPU time (`time.process_time`), best of a few repeats: the machine is shared, and the least
disturbed run is the closest to the code's own cost.
"""

from __future__ import annotations

import time

import pytest

from srm_trainer.iam import catalog
from srm_trainer.iam.diff import diff
from srm_trainer.iam.simulate import simulate
from srm_trainer.iam.summary import summarize
from tests.bench import report

pytestmark = pytest.mark.bench

SERVICE_BUDGET_MS = 50.0  # "well under 100 ms" for any one service
REQUEST_BUDGET_MS = 100.0  # docs/limits.md, "Bounded work per request"
BATCH_BUDGET_PER_S = 10_000


def cpu_ms(fn, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best * 1000


def policy(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


MFA = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
# A developer role as accounts write them: several identity policies, a boundary, two SCP levels.
ROLE = {
    "identity_policies": [
        policy({"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"}),
        policy(
            {"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"},
            {
                "Effect": "Allow",
                "Action": "ec2:*",
                "Resource": "arn:aws:ec2:*:*:instance/*",
                "Condition": MFA,
            },
            {"Effect": "Deny", "Action": "ec2:TerminateInstances", "Resource": "*"},
        ),
        policy(
            {
                "Effect": "Allow",
                "Action": ["sagemaker:*", "glue:*", "connect:Describe*", "chime:List*"],
                "Resource": "arn:aws:*:*:111122223333:*",
            },
            {"Effect": "Allow", "NotAction": ["iam:*", "organizations:*"], "Resource": "*"},
        ),
    ],
    "permissions_boundary": policy(
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": "iam:*", "Resource": "*"},
    ),
    "scp_levels": [
        [policy({"Effect": "Allow", "Action": "*", "Resource": "*"})],
        [
            policy(
                {"Effect": "Allow", "Action": "*", "Resource": "*"},
                {
                    "Effect": "Deny",
                    "Action": "*",
                    "Resource": "*",
                    "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["eu-west-1"]}},
                },
            )
        ],
    ],
}
ADMIN = policy({"Effect": "Allow", "Action": "*", "Resource": "*"})
LARGEST = ("ec2", "sagemaker", "connect", "chime", "glue")


def test_one_service_well_under_100_ms():
    worst = 0.0
    for service in LARGEST:
        ms = cpu_ms(lambda s=service: summarize(ROLE, services=[s]))
        report.record(
            "engine",
            f"summary of {service} ({len(catalog.actions(service))} actions), role of 3 policies",
            ms,
            "ms",
            note=f"CPU; budget {SERVICE_BUDGET_MS:.0f} ms",
        )
        worst = max(worst, ms)
    assert worst <= SERVICE_BUDGET_MS


@pytest.mark.parametrize(
    ("what", "policies"),
    [("AdministratorAccess", ADMIN), ("the role above", ROLE)],
)
def test_whole_account_within_the_request_budget(what, policies):
    result = summarize(policies, services=["*"])
    assert not result.skipped and result.evaluated > 20_000
    ms = cpu_ms(lambda: summarize(policies, services=["*"]))
    report.record(
        "engine",
        f"summary of every service ({result.evaluated:,} actions), {what}",
        ms,
        "ms",
        note=f"CPU; budget {REQUEST_BUDGET_MS:.0f} ms",
    )
    assert ms <= REQUEST_BUDGET_MS


def _split_every_action() -> dict:
    """200 statements, each naming two EC2 actions on four resources under a condition: every
    action its own group, each decision explaining 200 statements."""
    names = catalog.actions("ec2")
    return policy(
        *(
            {
                "Effect": "Allow",
                "Action": names[i : i + 2],
                "Resource": [f"arn:aws:ec2:*:*:{kind}/{i}*" for kind in ("a", "b", "c", "d")],
                "Condition": {"StringEquals": {"aws:ResourceTag/t": str(i)}},
            }
            for i in range(0, 400, 2)
        )
    )


def _wildcard_storm() -> dict:
    return policy(
        *(
            {"Effect": "Allow", "Action": f"*:*{c}{v}*", "Resource": f"arn:aws:s3:::{c}{v}/*"}
            for c in "abcdefghij"
            for v in "aeiou"
        )
    )


def test_worst_inputs_stay_within_the_request_budget():
    """Policies built to defeat the grouping meet the work caps: the services beyond them are
    reported as skipped, and the answer still comes within one request's budget."""
    split, storm = _split_every_action(), _wildcard_storm()
    cases = {
        "summary, 200 statements splitting every EC2 action": lambda: summarize(
            split, services=["ec2"]
        ),
        "summary, 50 wildcard statements over every service": lambda: summarize(
            storm, services=["*"]
        ),
        "diff of the two above over every service": lambda: diff(split, storm, services=["*"]),
    }
    worst = 0.0
    for what, fn in cases.items():
        ms = cpu_ms(fn, repeat=3)
        report.record("engine", what, ms, "ms", note=f"CPU; budget {REQUEST_BUDGET_MS:.0f} ms")
        worst = max(worst, ms)
    assert worst <= REQUEST_BUDGET_MS


def test_diff_of_one_service():
    old = ROLE
    new = {**ROLE, "identity_policies": [*ROLE["identity_policies"], ADMIN]}
    ms = cpu_ms(lambda: diff(old, new, services=["ec2", "s3", "iam"]))
    report.record("engine", "diff: role + AdministratorAccess, ec2+s3+iam", ms, "ms", note="CPU")
    assert diff(old, new, services=["iam"]).gained == ()  # the boundary still denies iam:*
    assert ms <= REQUEST_BUDGET_MS


def test_batch_simulation_rate():
    """A typical batch: 40 actions (the 'which of these 40 are denied?' question) × 2 resources
    against the role above."""
    actions = [a for a in catalog.actions("s3")][:30] + catalog.actions("ec2")[:10]
    case = {
        **ROLE,
        "request": {
            "principal": "arn:aws:iam::111122223333:role/Developer",
            "actions": actions,
            "resources": [
                "arn:aws:s3:::reports/q1.csv",
                "arn:aws:ec2:eu-west-1:111122223333:instance/i-1",
            ],
            "context": {"aws:RequestedRegion": "eu-west-1"},
        },
    }
    pairs = len(simulate(case))
    assert pairs == 80
    ms = cpu_ms(lambda: simulate(case), repeat=10)
    rate = pairs / (ms / 1000)
    report.record(
        "engine",
        "batch simulation, 40 actions × 2 resources, role of 3 policies",
        rate,
        "evals/s",
        note=f"CPU, one core; budget ≥ {BATCH_BUDGET_PER_S:,}",
    )
    assert rate >= BATCH_BUDGET_PER_S


def test_batch_rate_when_every_action_is_its_own_group():
    """The grouping's worst case: each of 40 actions named by its own statement, so every pair
    is evaluated (no two actions share an answer)."""
    actions = catalog.actions("s3")[:40]
    own = policy(
        *(
            {"Effect": "Allow", "Action": a, "Resource": f"arn:aws:s3:::b{i}/*"}
            for i, a in enumerate(actions)
        )
    )
    case = {
        "identity_policies": [own],
        "permissions_boundary": ROLE["permissions_boundary"],
        "request": {
            "principal": "arn:aws:iam::111122223333:role/Developer",
            "actions": actions,
            "resources": ["arn:aws:s3:::b1/q1.csv", "arn:aws:s3:::b2/q2.csv"],
        },
    }
    ms = cpu_ms(lambda: simulate(case), repeat=10)
    rate = 80 / (ms / 1000)
    report.record(
        "engine",
        "batch simulation, 40 actions each its own group × 2 resources",
        rate,
        "evals/s",
        note=f"CPU, one core; budget ≥ {BATCH_BUDGET_PER_S:,}",
    )
    assert rate >= BATCH_BUDGET_PER_S


@pytest.mark.django_db
def test_pages_and_api_of_every_service_within_the_request_budget(client):
    """Through Django (test client, CPU time of the whole request): the sandbox's summary page
    and the API asked for every service, the page's batch of 40 actions."""
    import json

    from django.core.cache import cache

    admin = json.dumps(ADMIN)
    calls = {
        "sandbox page: summary of every service": lambda: client.post(
            "/sandbox/summary/", {"identity-0-text": admin, "services": "*"}, HTTP_HX_REQUEST="true"
        ),
        "API: summary of every service": lambda: client.post(
            "/api/iam/summary",
            json.dumps({"identity_policies": [ADMIN], "services": ["*"]}),
            content_type="application/json",
        ),
        "sandbox page: batch of 40 actions": lambda: client.post(
            "/sandbox/batch/",
            {
                "identity-0-text": admin,
                "actions": "\n".join(catalog.actions("s3")[:40]),
                "resources": "arn:aws:s3:::b/k",
            },
            HTTP_HX_REQUEST="true",
        ),
    }
    worst = 0.0
    for what, call in calls.items():
        cache.clear()  # the rate limits live in the cache
        assert call().status_code == 200
        ms = cpu_ms(lambda c=call: (cache.clear(), c()), repeat=3)
        report.record("sandbox", what, ms, "ms", note=f"CPU; budget {REQUEST_BUDGET_MS:.0f} ms")
        worst = max(worst, ms)
    assert worst <= REQUEST_BUDGET_MS
