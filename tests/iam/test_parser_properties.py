"""Property tests: whatever a learner types, the parser and the evaluator answer with a
PolicyError (never another exception), and text errors point at a line."""

from __future__ import annotations

import contextlib
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from srm_trainer.iam import PolicyError, evaluate, parse_policy
from srm_trainer.iam.findings import lint
from srm_trainer.iam.parser import _load_placed, scan_positions
from tests.depth import examples

KINDS = ["identity", "resource", "boundary", "session", "scp", "rcp"]
KEYS = [
    "Version",
    "Statement",
    "Sid",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Principal",
    "NotPrincipal",
    "Condition",
    "AWS",
    "Service",
    "StringEquals",
    "aws:username",
    "Id",
]
VALUES = [
    "2012-10-17",
    "2008-10-17",
    "Allow",
    "Deny",
    "*",
    "s3:GetObject",
    "s3:*",
    "arn:aws:s3:::b/*",
    "${aws:username}",
    "",
    "true",
    "arn:aws:iam::111122223333:root",
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(VALUES),
    st.text(max_size=8),
)
json_ish = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(
            st.one_of(st.sampled_from(KEYS), st.text(max_size=6)), children, max_size=5
        ),
    ),
    max_leaves=25,
)
policy_ish = st.fixed_dictionaries(
    {"Version": st.sampled_from(VALUES[:2] + ["x"])},
    optional={
        "Statement": st.one_of(
            json_ish,
            st.lists(st.dictionaries(st.sampled_from(KEYS), json_ish, max_size=6), max_size=3),
        )
    },
)

COMMON = settings(
    max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@COMMON
@given(document=st.one_of(json_ish, policy_ish), kind=st.sampled_from(KINDS))
def test_parsing_any_json_raises_only_policy_errors(document, kind):
    with contextlib.suppress(PolicyError):
        parse_policy(document if isinstance(document, dict) else {"Statement": document}, kind=kind)


# An ARN at every stage of being typed, with odd service and resource parts.
arn_fragments = st.builds(
    lambda parts, n: ":".join(parts[:n]),
    st.tuples(
        st.just("arn"),
        st.sampled_from(["aws", "", "*", "amazon"]),
        st.sampled_from(["s3", "S3", "", "*", "dynamodb", "nosuch", "${x}"]),
        st.sampled_from(["", "*", "us-east-1"]),
        st.sampled_from(["", "*", "111122223333"]),
        st.sampled_from(["", "*", "b/*", "table/t"]),
    ),
    st.integers(1, 6),
)
linted_statement = st.fixed_dictionaries(
    {
        "Effect": st.sampled_from(["Allow", "Deny"]),
        "Action": st.sampled_from(["s3:GetObject", "s3:*", "*", "dynamodb:GetItem"]),
        "Resource": st.one_of(arn_fragments, st.lists(arn_fragments, max_size=3)),
    }
)


@COMMON
@given(
    document=st.one_of(
        json_ish,
        policy_ish,
        st.builds(
            lambda sts: {"Version": "2012-10-17", "Statement": sts},
            st.lists(linted_statement, min_size=1, max_size=3),
        ),
    ),
    kind=st.sampled_from(KINDS),
)
def test_linting_any_json_gives_findings_never_an_exception(document, kind):
    """lint() backs the sandbox's live findings and every API answer: a crash there is a 500."""
    findings = lint(document, kind=kind)
    assert all(f.severity in {"error", "warning", "suggestion"} for f in findings)


@COMMON
@given(
    text=st.one_of(st.text(max_size=60), st.builds(lambda d: json.dumps(d)[:-1], policy_ish)),
    kind=st.sampled_from(KINDS),
)
def test_parsing_any_text_raises_only_policy_errors_that_point_at_a_line(text, kind):
    try:
        parse_policy(text, kind=kind)
    except PolicyError as exc:
        if exc.code == "invalid_json":
            assert exc.line is not None and exc.column is not None


@COMMON
@given(
    case=st.dictionaries(
        st.sampled_from(
            [
                "request",
                "identity_policies",
                "resource_policy",
                "permissions_boundary",
                "session_policy",
                "scp_levels",
                "rcp_levels",
                "expect",
            ]
        ),
        json_ish,
        max_size=5,
    ),
    policy=policy_ish,
)
def test_evaluating_any_case_raises_only_policy_errors(case, policy):
    case.setdefault(
        "request",
        {
            "principal": "arn:aws:iam::111122223333:user/a",
            "action": "s3:GetObject",
            "resource": "arn:aws:s3:::b/k",
            "context": {},
        },
    )
    case.setdefault("identity_policies", [policy])
    try:
        result = evaluate(case)
    except PolicyError:
        return
    assert result.decision in ("Allow", "ExplicitDeny", "ImplicitDeny")


# Texts of policy-like documents laid out in the ways people and tools write them: one line,
# indented, tabs, CRLF, white space before colons, a duplicated top-level key.
layouts = st.sampled_from(
    [
        lambda d: json.dumps(d),
        lambda d: json.dumps(d, indent=2),
        lambda d: json.dumps(d, indent="\t").replace("\n", "\r\n"),
        lambda d: json.dumps(d, separators=(" , ", " : "), ensure_ascii=False),
        lambda d: "\n " + json.dumps(d, indent=1) + " \n",
        lambda d: json.dumps(d)[:-1] + ', "Statement": ' + json.dumps(d.get("Statement")) + "}",
    ]
)


@COMMON
@given(document=policy_ish, layout=layouts, kind=st.sampled_from(KINDS))
def test_reading_text_once_places_statements_as_the_full_scan_does(document, layout, kind):
    """The one-pass reading of a policy's text (`_load_placed`) must decode exactly what
    `json.loads` does and note each statement where `scan_positions` finds it: a statement's
    line and column come from it whenever the policy is valid."""
    text = layout(document)
    placed = _load_placed(text)
    assert placed is not None
    obj, positions = placed
    assert obj == json.loads(text) and list(obj) == list(json.loads(text))
    full = scan_positions(text)
    for path, offset in positions.values.items():
        assert full.values[path] == offset
        assert positions.line_col(offset) == full.line_col(offset)
    try:
        policy = parse_policy(text, kind=kind)
    except PolicyError:
        return
    for statement in policy.statements:
        assert (statement.line, statement.column) == full.locate(statement.path)
