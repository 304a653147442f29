"""Linting and catalogue searches are bounded per request (issue 8, item 1).

The index behind wildcard expansion must find exactly what a scan of the whole catalogue finds;
the work budget must stop a policy written to be expensive and say so in the findings; and the
same policy must get the same findings whether or not its answers were cached.
"""

from __future__ import annotations

import functools
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from srm_trainer.iam import catalog
from srm_trainer.iam.budget import Budget
from srm_trainer.iam.catalog import BudgetExhausted
from srm_trainer.iam.findings import lint, lint_case
from srm_trainer.iam.wildcard import compile_pattern, wildcard_match
from tests.depth import examples


def _policy(*actions: str, resource: str = "*") -> str:
    statement = {"Effect": "Allow", "Action": list(actions), "Resource": resource}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


@functools.cache
def _every_action() -> tuple[str, ...]:
    """The whole catalogue as `service:Action` names (the same list for every scan)."""
    return tuple(a for prefix in catalog.services() for a in catalog.actions(prefix))


def _scan(pattern: str) -> list[str]:
    """Every action the pattern matches, by brute force over the whole catalogue.

    `wildcard_match(pattern, a, ignore_case=True)` is this compiled pattern's `match(a)`: compiled
    once here instead of looked up in the pattern cache for each of the ~20,000 names."""
    return sorted(filter(compile_pattern(pattern, ignore_case=True).match, _every_action()))


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


@settings(max_examples=examples(300), deadline=None)
@given(
    st.text(alphabet="ab*?:.", max_size=8),
    st.text(alphabet="ab:.", max_size=10),
)
def test_the_compiled_matcher_agrees_with_the_wildcard_matcher(pattern, name):
    # Many candidates are matched by a regular expression in C; it must say what the
    # linear-time matcher says, for any pattern (`.` is literal text, not "any character").
    assert bool(catalog._name_regex(pattern).fullmatch(name)) == wildcard_match(pattern, name)


def test_a_wildcard_storm_pattern_matches_in_linear_time():
    # `*a*a*…*b` backtracks exponentially in a naive regex; the atomic groups stop that.
    regex = catalog._name_regex("*a" * 40 + "*b")
    assert regex.fullmatch("a" * 70) is None
    assert regex.fullmatch("a" * 70 + "b") is not None


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


def test_findings_past_the_limit_spend_no_budget_on_suggestions():
    """A finding that is only counted gets no did-you-mean search: the budget goes to checks
    whose result someone sees. Two shown of 40 unknown services spend little of it."""
    text = _policy(*[f"nosuch{i}:Action" for i in range(40)])
    few, every = Budget(10**9, findings=2), Budget(10**9, findings=40)
    lint(text, budget=few)
    lint(text, budget=every)
    per_search = (10**9 - every.left) / 40
    assert 10**9 - few.left < 5 * per_search


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


def _broad_writes(count: int) -> str:
    """The bench's worst sandbox update: every statement a new all-service wildcard."""
    statements = [
        {"Effect": "Allow", "Action": [f"*:Put*{i}", "*:*e*", "*:Create*"], "Resource": "*"}
        for i in range(count)
    ]
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def _forget_catalogue_answers() -> None:
    catalog._expansions.clear()
    catalog._levels.clear()


def test_a_huge_wildcard_policy_is_told_where_its_checks_stopped():
    found = lint(_broad_writes(200), limit=10**6)
    incomplete = [f for f in found if f.code == "checks_incomplete"]
    assert len(incomplete) == 1
    stopped = incomplete[0].data["stopped_at"]
    assert 0 < stopped < 200 and incomplete[0].data["statements"] == 200
    assert f"stopped early, at statement {stopped + 1} of 200" in incomplete[0].message
    # the statements before it were checked: their broad grants are reported, and none after
    granted = [
        int(f.path.split("[")[1].split("]")[0])
        for f in found
        if f.code == "allow_write_all_resources"
    ]
    assert granted and max(granted) <= stopped


def test_the_same_wildcards_cost_the_same_whether_an_earlier_request_expanded_them():
    # A memo keeps expansions between requests; a request must still pay for its patterns,
    # or its findings would depend on what the process did before.
    text = _broad_writes(60)
    _forget_catalogue_answers()
    cold_budget = Budget()
    cold = [f.to_dict() for f in lint(text, budget=cold_budget, limit=10**6)]
    warm_budget = Budget()
    warm = [f.to_dict() for f in lint(text, budget=warm_budget, limit=10**6)]
    assert warm == cold
    assert warm_budget.left == cold_budget.left


def test_a_pattern_repeated_in_one_request_is_paid_for_once():
    once = Budget(10**9)
    catalog.expand("*:*e*", budget=once)
    first = 10**9 - once.left
    catalog.expand("*:*e*", budget=once)
    assert 10**9 - once.left == first + 1
    assert first > 1_000  # the whole catalogue was matched: not a lookup's price


def test_an_ordinary_policy_gets_every_finding_within_the_default_budget():
    text = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": ["s3:Get*", "s3:Put*", "*:Describe*"],
                    "Resource": "*",
                },
                {"Effect": "Allow", "Action": ["ec2:*", "iam:Pass*"], "Resource": "*"},
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
            ],
        }
    )
    _forget_catalogue_answers()
    budget = Budget()
    codes = [f.code for f in lint(text, budget=budget)]
    assert not budget.exhausted and "checks_incomplete" not in codes
    assert codes.count("allow_write_all_resources") == 2 and "redundant_statement" in codes


def test_work_on_a_fresh_frame_chunk_gets_its_arguments_and_gives_its_answer():
    from srm_trainer.iam.budget import on_fresh_frame_chunk

    def inner(x: int, *, y: int) -> int:
        # nested calls go straight through, and exceptions come out as they are
        assert on_fresh_frame_chunk(lambda: x) == x
        if y < 0:
            raise ValueError("negative")
        return x + y

    assert on_fresh_frame_chunk(inner, 2, y=3) == 5
    with pytest.raises(ValueError, match="negative"):
        on_fresh_frame_chunk(inner, 2, y=-1)
    assert on_fresh_frame_chunk(inner, 4, y=0) == 4  # usable again after an exception
