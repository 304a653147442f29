"""Property tests for the effective-permissions summary and the policy diff (`/api/iam/summary`,
`/api/iam/diff`): whatever body a caller sends, they answer with their result or a PolicyError
(the API turns it into a 400), never another exception (a 500); and what they answer holds
for the policies they were given."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from srm_trainer.iam import PolicyError, catalog
from srm_trainer.iam.diff import Diff, diff, diff_request
from srm_trainer.iam.summary import POLICY_FIELDS, Summary, summarize
from tests.depth import examples
from tests.iam.test_parser_properties import json_ish

# A few small services keep each summary cheap (a whole service is decided per example).
SERVICES = ["sqs", "sns", "kms", "s3", "S3", "bogus", "*", ""]
ACTIONS = [
    "sqs:SendMessage",
    "sqs:*",
    "sns:Publish",
    "sns:Get*",
    "kms:Decrypt",
    "kms:*Key*",
    "s3:GetObject",
    "s3:List*",
    "bogus:Do",
    "*",
    "s3",
    "",
]
RESOURCES = ["*", "arn:aws:sqs:us-east-1:111122223333:q", "arn:aws:s3:::b/*", "arn:", "x"]
CONDITIONS = [
    {"Bool": {"aws:SecureTransport": "true"}},
    {"StringEquals": {"aws:username": ["ada", "bob"]}},
    {"NumericLessThan": {"s3:max-keys": "10"}},
    {"StringEquals": {"aws:username": ["ada", None]}},
    {"Nope": {"k": "v"}},
]

one_or_list = lambda values: st.one_of(  # noqa: E731 - a strategy helper used inline below
    st.sampled_from(values), st.lists(st.sampled_from(values), min_size=1, max_size=3)
)
valid_statement = st.builds(
    lambda effect, element, actions, resource, extra: {
        "Effect": effect,
        element: actions,
        "Resource": resource,
        **extra,
    },
    st.sampled_from(["Allow", "Allow", "Deny"]),
    st.sampled_from(["Action", "Action", "Action", "NotAction"]),
    one_or_list(ACTIONS[:-2]),
    one_or_list(RESOURCES[:3]),
    st.fixed_dictionaries({}, optional={"Condition": st.sampled_from(CONDITIONS[:3])}),
)
valid_policy = st.builds(
    lambda sts, version: {"Version": version, "Statement": sts},
    st.one_of(st.lists(valid_statement, min_size=1, max_size=3), valid_statement),
    st.sampled_from(["2012-10-17", "2012-10-17", "2008-10-17"]),
)
# Anything a caller might put where a value belongs (scalars first: Hypothesis leans towards
# the containers of `json_ish`).
wrong = st.one_of(
    st.sampled_from([5, 0, -1.5, True, False, None, "x", ""]),
    st.sampled_from([[], {}, [[]], [None], {"": 1}]),
    st.sampled_from(ACTIONS + RESOURCES + CONDITIONS),
    json_ish,
)


def _broken(obj: dict, key: str, value: object, drop: bool) -> dict:
    """`obj` with one element replaced by `value`, or dropped."""
    out = dict(obj)
    if drop:
        out.pop(key, None)
    else:
        out[key] = value
    return out


def _half_valid(valid: st.SearchStrategy, keys: list[str]) -> st.SearchStrategy:
    """Valid values, and as often one with a single element broken: the summary gets past
    the parser often enough to reach its own code, and meets every kind of broken element."""
    broken = st.builds(_broken, valid, st.sampled_from(keys), wrong, st.booleans())
    return st.one_of(valid, broken)


policy = st.one_of(
    valid_policy,
    st.builds(
        lambda doc, statement: {**doc, "Statement": [statement]},
        valid_policy,
        _half_valid(
            valid_statement, ["Effect", "Action", "NotAction", "Resource", "Condition", "Sid"]
        ),
    ),
    _half_valid(valid_policy, ["Version", "Statement", "Id"]),
)
policy_or_text = st.one_of(
    policy,
    st.builds(json.dumps, policy),
    st.builds(lambda doc, name: {"name": name, "document": doc}, policy, wrong),
)
levels = st.lists(st.lists(policy_or_text, min_size=1, max_size=2), min_size=1, max_size=2)
a_request = st.fixed_dictionaries(
    {},
    optional={
        "principal": st.sampled_from(
            ["arn:aws:iam::111122223333:user/a", "arn:aws:sts::111122223333:assumed-role/r/s"]
        ),
        "resource_account": st.sampled_from(["111122223333", "444455556666"]),
        "context": st.just({"aws:SecureTransport": "true", "aws:username": "ada"}),
        "action": st.just("s3:GetObject"),
    },
)
CASE_PARTS = {
    "identity_policies": st.lists(policy_or_text, min_size=1, max_size=2),
    "permissions_boundary": policy_or_text,
    "session_policy": policy_or_text,
    "scp_levels": levels,
    "rcp_levels": levels,
    "resource_policy": policy_or_text,
    "request": _half_valid(a_request, ["principal", "resource_account", "context"]),
    "services": st.lists(st.sampled_from(SERVICES), max_size=3),
}
valid_case = st.fixed_dictionaries(
    {"identity_policies": CASE_PARTS["identity_policies"]},
    optional={k: v for k, v in CASE_PARTS.items() if k != "identity_policies"},
)
# The engine's policy fields and the two the summary reads itself: each broken in turn below.
CASE_FIELDS = [*POLICY_FIELDS, "request", "services"]


def test_the_cases_made_here_hold_every_field_the_summary_reads():
    """A policy field added to the engine (`summary.POLICY_FIELDS`) is made here too, or this
    says so, rather than the properties below never trying it."""
    assert sorted(CASE_PARTS) == sorted(CASE_FIELDS)


policy_set = st.one_of(
    _half_valid(valid_case, CASE_FIELDS),
    # the two fields the summary reads itself, beside the case's parser
    st.builds(_broken, valid_case, st.sampled_from(["request", "services"]), wrong, st.just(False)),
    policy_or_text,
    json_ish,
)
# What a caller may send: a set as an object, as its JSON text, or text cut short.
body = st.one_of(
    policy_set,
    policy_set,
    st.builds(json.dumps, policy_set),
    st.builds(lambda s: json.dumps(s)[:-1], policy_set),
)

COMMON = settings(
    max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@COMMON
@given(source=body)
def test_summarising_any_body_gives_a_summary_or_a_policy_error(source):
    try:
        summary = summarize(source, max_actions=2_000)
    except PolicyError:
        return
    assert isinstance(summary, Summary)
    json.dumps(summary.to_dict(max_listed=50))  # what the API answers


@COMMON
@given(
    request=st.one_of(
        st.fixed_dictionaries(
            {},
            optional={
                "old": body,
                "new": body,
                "services": st.one_of(st.lists(st.sampled_from(SERVICES), max_size=2), json_ish),
            },
        ),
        json_ish,
    ),
    as_text=st.booleans(),
)
def test_diffing_any_body_gives_a_diff_or_a_policy_error(request, as_text):
    try:
        result = diff_request(json.dumps(request) if as_text else request, max_actions=2_000)
    except PolicyError:
        return
    assert isinstance(result, Diff)
    json.dumps(result.to_dict(max_listed=50))


# --- what the answers say -----------------------------------------------------------------------

# Concrete actions of a few services, as the catalogue spells them (read on first use: every
# test process imports this module).
catalogue_action = st.deferred(
    lambda: st.sampled_from([a for p in ("sqs", "sns", "kms") for a in catalog.actions(p)])
)
catalogue_statement = st.builds(
    lambda effect, actions, resource: {"Effect": effect, "Action": actions, "Resource": resource},
    st.sampled_from(["Allow", "Deny"]),
    st.lists(
        st.one_of(catalogue_action, st.sampled_from(["sqs:*", "sns:Get*", "kms:*Key*"])),
        min_size=1,
        max_size=4,
    ),
    st.sampled_from(RESOURCES[:3]),
)
valid_set = st.builds(
    lambda identity, boundary: {
        "identity_policies": [{"Version": "2012-10-17", "Statement": sts} for sts in identity],
        **(
            {"permissions_boundary": {"Version": "2012-10-17", "Statement": boundary}}
            if boundary
            else {}
        ),
    },
    st.lists(st.lists(catalogue_statement, min_size=1, max_size=3), min_size=1, max_size=2),
    st.one_of(st.none(), st.lists(catalogue_statement, min_size=1, max_size=2)),
)


@COMMON
@given(policies=valid_set, as_text=st.booleans())
def test_a_policy_set_compared_with_itself_gains_and_loses_nothing(policies, as_text):
    """Access Analyzer's "check no new access" of an unchanged policy must pass."""
    new = json.dumps(policies) if as_text else policies
    result = diff(policies, new, services=["sqs", "sns", "kms"])
    assert (result.gained, result.lost, result.no_new_access) == ((), (), True)


@COMMON
@given(
    allowed=st.lists(catalogue_action, min_size=1, max_size=5, unique=True),
    deny=st.lists(st.booleans(), min_size=5, max_size=5),
)
def test_a_summary_lists_every_action_an_allow_names_and_a_deny_takes_it_away(allowed, deny):
    """Allowed on Resource `*` without conditions is full access (IAM's policy summary reads it
    the same way); an unconditional Deny of the same action on `*` leaves none."""
    denied = [action for action, no in zip(allowed, deny, strict=False) if no]
    statements = [{"Effect": "Allow", "Action": allowed, "Resource": "*"}]
    if denied:
        statements.append({"Effect": "Deny", "Action": denied, "Resource": "*"})
    summary = summarize({"Version": "2012-10-17", "Statement": statements})
    by_action = summary.by_action
    for action in allowed:
        assert by_action[action].access == ("none" if action in denied else "full"), action
