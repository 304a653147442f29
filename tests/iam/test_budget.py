"""Linting and catalogue searches are bounded per request (issue 8, item 1).

The index behind wildcard expansion must find exactly what a scan of the whole catalogue finds;
the work budget must stop a policy written to be expensive and say so in the findings; and the
same policy must get the same findings whether or not its answers were cached.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from srm_trainer.iam import catalog
from srm_trainer.iam.budget import Budget
from srm_trainer.iam.catalog import BudgetExhausted
from srm_trainer.iam.findings import lint, lint_case
from srm_trainer.iam.wildcard import wildcard_match
from tests.depth import examples


def _policy(*actions: str, resource: str = "*") -> str:
    statement = {"Effect": "Allow", "Action": list(actions), "Resource": resource}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def _scan(pattern: str) -> list[str]:
    """Every action the pattern matches, by brute force over the whole catalogue."""
    everything = [a for prefix in catalog.services() for a in catalog.actions(prefix)]
    return sorted(a for a in everything if wildcard_match(pattern, a, ignore_case=True))


@pytest.mark.parametrize(
    "pattern",
    [
        "s3:Get*",
        "S3:get*",
        "ec2:Describe*",
        "iam:*Policy*",
        "*:Get*",
        "s*:Put*",
        "*Object",
        "*:*x0*",
        "*:*ab*",
        "s3?:*",
        "kms:?ncrypt",
        "*:*object*acl",
        "s3:*",
        "dynamodb:*Item",
        "*:CreateKey",
        "no-such-service:*",
        "s3:Get*:x",
    ],
)
def test_the_index_finds_exactly_what_a_full_scan_finds(pattern):
    assert catalog.expand(pattern) == _scan(pattern)


_PIECES = ["s3", "ec2", "iam", "get", "put", "object", "list", "bucket", "desc", "ke", "o", "x9"]


@settings(max_examples=examples(60), deadline=None)
@given(st.lists(st.sampled_from([*_PIECES, "*", "?", ":"]), min_size=1, max_size=6))
def test_any_generated_pattern_expands_as_a_full_scan_does(parts):
    pattern = "".join(parts)
    assert catalog.expand(pattern) == _scan(pattern)


def test_expanding_within_services_keeps_only_theirs():
    found = catalog.expand("*:Get*", services={"s3", "kms"})
    assert found == [a for a in catalog.expand("*:Get*") if a.split(":")[0] in ("s3", "kms")]


def test_a_search_the_budget_cannot_pay_for_is_refused():
    budget = Budget(50)
    with pytest.raises(BudgetExhausted):
        catalog.expand("*:*e*", budget=budget)
    assert budget.exhausted
    assert catalog.expand("s3:GetObject", budget=Budget(5)) == ["s3:GetObject"]


def test_a_policy_written_to_be_expensive_gets_its_checks_cut_short_and_told():
    storm = _policy(*[f"*:*x{i}*" for i in range(1500)], *[f"ec2:Describez{i}" for i in range(50)])
    found = lint(storm, budget=Budget(2_000))
    codes = [f.code for f in found]
    assert "checks_incomplete" in codes
    incomplete = next(f for f in found if f.code == "checks_incomplete")
    assert incomplete.severity == "warning" and "decision is not affected" in incomplete.message


def test_an_ordinary_policy_is_checked_in_full():
    found = lint(_policy("s3:GetObject", "s3:ListBuckett", "s3:Get*"))
    codes = [f.code for f in found]
    assert "checks_incomplete" not in codes
    unknown = next(f for f in found if f.code == "unknown_action")
    assert "s3:ListBucket" in unknown.data["suggestions"]


def test_the_same_policy_gets_the_same_findings_cached_or_not():
    text = _policy(*[f"ec2:DescribeInstancez{i}" for i in range(40)])
    first = [f.to_dict() for f in lint(text, budget=Budget(3_000))]
    again = [f.to_dict() for f in lint(text, budget=Budget(3_000))]
    assert first == again


def test_a_request_shows_at_most_its_findings_and_counts_the_rest():
    text = _policy(*[f"nosuch{i}:Action" for i in range(300)])
    found = lint(text, budget=Budget(10**9, findings=40))
    truncated = [f for f in found if f.code == "findings_truncated"]
    assert len([f for f in found if f.code == "unknown_service"]) == 40
    assert truncated and truncated[0].data["omitted"] == 260


def test_every_policy_of_a_case_shares_one_budget():
    storm = _policy(*[f"*:*q{i}*" for i in range(400)])
    case = {
        "request": {
            "principal": "arn:aws:iam::111122223333:user/alice",
            "action": "s3:GetObject",
            "resource": "arn:aws:s3:::b/k",
        },
        "identity_policies": [storm, storm.replace("*q", "*z")],
    }
    budget = Budget(300)
    found = lint_case(case, budget=budget)
    assert budget.exhausted
    assert sum(f.code == "checks_incomplete" for f in found) >= 1
