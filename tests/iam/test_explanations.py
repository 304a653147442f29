"""The decision's reasons: decisive statements, per-statement reason codes, and the steps."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from srm_trainer.iam import Decision, evaluate
from srm_trainer.iam.words import decision_why, reason_words

ACCT = "111122223333"
ALICE = f"arn:aws:iam::{ACCT}:user/alice"
STEP_ORDER = [
    "explicit_deny",
    "rcp",
    "scp",
    "resource_policy",
    "identity",
    "boundary",
    "session_policy",
]


def _case(*statements, **extra) -> dict:
    case = {
        "request": {
            "principal": ALICE,
            "action": "s3:GetObject",
            "resource": "arn:aws:s3:::reports/q1.csv",
            "context": {"aws:SecureTransport": "true"},
        },
        "identity_policies": [{"Version": "2012-10-17", "Statement": list(statements)}],
    }
    case.update(extra)
    return case


def _allow(**extra) -> dict:
    st = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}
    st.update(extra)
    return {k: v for k, v in st.items() if v is not None}


def _reasons(decision: Decision, kind: str = "identity", policy: int = 0) -> list[list[str]]:
    for p in decision.explanations:
        if p.kind == kind and p.index == policy:
            return [[r.code for r in s.reasons] for s in p.statements]
    raise AssertionError(f"no {kind} policy {policy}")


def test_steps_follow_awss_order():
    decision = evaluate(_case(_allow()))
    assert [s.name for s in decision.steps] == STEP_ORDER


def test_an_explicit_deny_names_its_statement_policy_and_line():
    text = (
        '{"Version": "2012-10-17", "Statement": [\n'
        '  {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},\n'
        '  {"Sid": "NoReports", "Effect": "Deny", "Action": "s3:Get*",\n'
        '   "Resource": "arn:aws:s3:::reports/*"}]}'
    )
    case = _case(_allow())
    case["identity_policies"].append({"name": "Guardrail", "document": text})
    decision = evaluate(case)
    assert decision.decision == "ExplicitDeny"
    (ref,) = decision.decisive
    assert (ref.policy_kind, ref.policy_index, ref.policy_name) == ("identity", 1, "Guardrail")
    assert (ref.statement_index, ref.sid, ref.effect, ref.line) == (1, "NoReports", "Deny", 3)
    assert decision.step("explicit_deny").outcome == "deny"
    assert not decision.step("identity").reached


def test_an_allow_names_the_statements_that_granted_it():
    decision = evaluate(_case(_allow(Sid="Read")))
    assert decision.decision == "Allow"
    assert [r.sid for r in decision.decisive] == ["Read"]
    assert decision.step("identity").outcome == "allow"


def test_every_statement_says_why_it_did_not_apply():
    decision = evaluate(
        _case(
            _allow(Action="s3:PutObject"),
            _allow(Action=None, NotAction="s3:Get*"),
            _allow(Resource="arn:aws:s3:::payroll/*"),
            _allow(Resource=None, NotResource="arn:aws:s3:::reports/*"),
            _allow(Condition={"StringEquals": {"aws:username": "alice"}}),
            _allow(Condition={"Bool": {"aws:SecureTransport": "false"}}),
            _allow(Resource="arn:aws:s3:::reports/${aws:username}/*"),
            _allow(),
        )
    )
    assert _reasons(decision) == [
        ["action_not_matched"],
        ["notaction_matched"],
        ["resource_not_matched"],
        ["notresource_matched"],
        ["condition_key_missing"],
        ["condition_value_mismatch"],
        ["policy_variable_no_value"],
        [],
    ]
    applied = [s.applies for s in decision.explanations[0].statements]
    assert applied == [False] * 7 + [True]


def test_reason_data_carries_the_values_involved():
    decision = evaluate(
        _case(
            _allow(Action="s3:PutObject"),
            _allow(Condition={"Bool": {"aws:SecureTransport": "false"}}),
        )
    )
    action, condition = (s.reasons[0] for s in decision.explanations[0].statements)
    assert action.data == {"action": "s3:GetObject", "patterns": ["s3:PutObject"]}
    assert condition.data["key"] == "aws:SecureTransport"
    assert condition.data["operator"] == "Bool"
    assert condition.data["actual"] == ["true"]


def test_principal_reasons_in_a_resource_policy():
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111122223333:user/bob"},
                "Action": "s3:GetObject",
                "Resource": "*",
            },
            {
                "Effect": "Deny",
                "NotPrincipal": {"AWS": [ALICE, "arn:aws:iam::111122223333:root"]},
                "Action": "s3:GetObject",
                "Resource": "*",
            },
        ],
    }
    decision = evaluate(_case(resource_policy=policy))
    assert _reasons(decision, "resource") == [["principal_not_matched"], ["notprincipal_matched"]]
    first = decision.explanations[0].statements[0].reasons[0]
    assert first.data["principal"] == ALICE


def test_no_allow_anywhere_is_reported_at_the_identity_step():
    decision = evaluate(_case(_allow(Action="s3:PutObject")))
    assert decision.decision == "ImplicitDeny"
    step = decision.step("identity")
    assert step.outcome == "implicit_deny"
    assert [r.code for r in step.reasons] == ["no_identity_or_resource_allow"]
    assert decision.decisive == ()


def test_a_missing_allow_at_an_scp_level_names_the_level():
    full = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    }
    ec2 = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}],
    }
    decision = evaluate(_case(_allow(), scp_levels=[[full], [ec2]]))
    assert decision.decision == "ImplicitDeny"
    step = decision.step("scp")
    assert step.outcome == "implicit_deny"
    assert [(r.code, r.data) for r in step.reasons] == [("no_allow_at_scp_level", {"level": 1})]
    levels = [(p.kind, p.level, p.result) for p in decision.explanations if p.kind == "scp"]
    assert levels == [("scp", 0, "allow"), ("scp", 1, "no_match")]


def test_an_allowed_request_lists_the_scp_allows_with_their_level():
    full = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    }
    decision = evaluate(_case(_allow(), scp_levels=[[full], [full]]))
    assert decision.decision == "Allow"
    assert sorted((r.policy_kind, r.level) for r in decision.decisive) == [
        ("identity", None),
        ("scp", 0),
        ("scp", 1),
    ]


def test_a_same_account_grant_to_the_caller_is_decisive_not_the_grant_to_its_account():
    # The account's statement only delegates to IAM policies, and alice has none: the
    # statement naming her decided (fidelity round six, the key policy cases).
    bucket = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Account",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCT}:root"},
                "Action": "s3:*",
                "Resource": "*",
            },
            {
                "Sid": "Alice",
                "Effect": "Allow",
                "Principal": {"AWS": ALICE},
                "Action": "s3:GetObject",
                "Resource": "*",
            },
        ],
    }
    case = _case(resource_policy=bucket)
    case["identity_policies"] = []
    case["request"]["resource_account"] = ACCT
    decision = evaluate(case)
    assert decision.decision == "Allow"
    assert [r.sid for r in decision.decisive] == ["Alice"]
    # Across accounts the grant to the account is the resource side that allows.
    case["request"]["principal"] = "arn:aws:iam::444455556666:user/bob"
    case["identity_policies"] = [{"Version": "2012-10-17", "Statement": [_allow(Resource="*")]}]
    bucket["Statement"][0]["Principal"] = {"AWS": "444455556666"}
    decision = evaluate(case)
    assert decision.decision == "Allow"
    assert sorted(r.sid or "" for r in decision.decisive) == ["", "Account"]


def test_the_boundary_and_session_steps_name_their_missing_allow():
    ec2 = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}],
    }
    by_boundary = evaluate(_case(_allow(), permissions_boundary=ec2))
    assert by_boundary.step("boundary").reasons[0].code == "no_allow_in_boundary"
    case = _case(_allow(), session_policy=ec2)
    case["request"]["principal"] = f"arn:aws:sts::{ACCT}:assumed-role/dev/s"
    by_session = evaluate(case)
    assert by_session.decision == "ImplicitDeny"
    assert by_session.step("session_policy").reasons[0].code == "no_allow_in_session_policy"


def test_cross_account_without_a_resource_grant_says_both_are_needed():
    case = _case(_allow())
    case["request"]["resource_account"] = "444455556666"
    decision = evaluate(case)
    assert decision.decision == "ImplicitDeny"
    step = decision.step("resource_policy")
    assert step.outcome == "implicit_deny"
    assert step.reasons[0].code == "cross_account_needs_both"
    assert step.reasons[0].data["resource_account"] == "444455556666"


def test_a_kms_key_policy_must_allow_explicitly():
    case = _case({"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"})
    case["request"].update(
        action="kms:Decrypt", resource=f"arn:aws:kms:eu-west-1:{ACCT}:key/1234abcd-12ab"
    )
    case["resource_policy"] = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCT}:user/bob"},
                "Action": "kms:*",
                "Resource": "*",
            }
        ],
    }
    decision = evaluate(case)
    assert decision.decision == "ImplicitDeny"
    assert decision.step("resource_policy").reasons[0].code == "resource_policy_must_allow"
    case["resource_policy"]["Statement"][0]["Principal"] = {"AWS": f"arn:aws:iam::{ACCT}:root"}
    assert evaluate(case).decision == "Allow"


def test_a_role_trust_policy_must_allow_explicitly():
    case = _case({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"})
    case["request"].update(action="sts:AssumeRole", resource=f"arn:aws:iam::{ACCT}:role/admin")
    assert evaluate(case).decision == "ImplicitDeny"
    case["resource_policy"] = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": ACCT}, "Action": "sts:AssumeRole"}],
    }
    assert evaluate(case).decision == "Allow"


def test_steps_after_the_decision_are_marked_unreached():
    full = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}],
    }
    decision = evaluate(_case(_allow(), scp_levels=[[full]]))
    reached = {s.name: s.reached for s in decision.steps}
    assert reached == {
        "explicit_deny": True,
        "rcp": True,
        "scp": True,
        "resource_policy": False,
        "identity": False,
        "boundary": False,
        "session_policy": False,
    }
    assert decision.step("rcp").outcome == "not_applicable"


def test_an_identity_allow_still_checks_the_boundary_and_session_boxes():
    """AWS's flowchart (policy-eval-denyallow) goes on from an identity-based Allow to the
    permissions boundary and session policy boxes; with neither in force they let the request
    through. They were marked "not reached", which taught that an identity Allow skips them."""
    decision = evaluate(_case(_allow()))
    assert decision.decision == "Allow"
    steps = {s.name: s for s in decision.steps}
    assert steps["identity"].outcome == "allow"
    for name, code in (
        ("boundary", "no_permissions_boundary"),
        ("session_policy", "no_session_policy"),
    ):
        assert steps[name].reached, name
        assert steps[name].outcome == "not_applicable"
        assert [r.code for r in steps[name].reasons] == [code]
    assert decision_why(decision).step == "Identity-based policies"


def test_boxes_after_a_deny_stay_not_reached():
    deny = {"Effect": "Deny", "Action": "*", "Resource": "*"}
    decision = evaluate(_case(_allow(), deny))
    assert not any(s.reached for s in decision.steps if s.name in ("boundary", "session_policy"))


def test_policies_that_do_not_apply_to_the_caller_say_so():
    case = _case(_allow())
    case["request"]["principal"] = "*"
    decision = evaluate(case)
    (identity,) = decision.explanations
    assert identity.result == "not_applicable"
    assert identity.reason.code == "identity_policies_not_applicable"


def test_no_org_policies_reads_as_no_organization_or_its_management_account():
    # SCPs do not affect the management account's principals, nor RCPs its resources
    # (Organizations guide, orgs_manage_policies_rcps): both steps must say so.
    steps = {s.name: s for s in evaluate(_case(_allow())).steps}
    for name in ("scp", "rcp"):
        (reason,) = steps[name].reasons
        assert "management account" in reason_words(reason.code, reason.data)


def test_to_dict_is_json_ready_and_has_the_four_parts():
    case = _case(_allow(Condition={"Bool": {"aws:SecureTransport": "false"}}), _allow(Sid="ok"))
    out = evaluate(case).to_dict()
    assert set(out) == {"decision", "decisive", "steps", "explanations"}
    again = json.loads(json.dumps(out))
    assert again["decisive"][0]["sid"] == "ok"
    assert again["steps"][0] == {
        "name": "explicit_deny",
        "outcome": "continue",
        "reached": True,
        "reasons": [],
    }
    statement = again["explanations"][0]["statements"][0]
    assert statement["applies"] is False
    assert statement["reasons"][0]["code"] == "condition_value_mismatch"


def test_importing_the_package_loads_no_catalogue_and_no_django():
    code = (
        "import sys, srm_trainer.iam as iam\n"
        "assert 'srm_trainer.iam.catalog' not in sys.modules\n"
        "assert 'srm_trainer.iam.findings' not in sys.modules\n"
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules)\n"
        "assert callable(iam.lint) and iam.catalog.__name__ == 'srm_trainer.iam.catalog'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)  # noqa: S603


def test_a_bucket_policy_set_aside_for_its_owners_root_user_says_so_beside_its_deny():
    # S3 API reference, PutBucketPolicy: the owner's root user can always replace the bucket
    # policy. The policy's own verdict is still "deny"; the explanation must say why it did
    # not count, not leave a Deny standing beside an Allow.
    bucket_policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": ["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"],
            }
        ],
    }

    def explained(action: str):
        decision = evaluate(
            {
                "request": {
                    "principal": f"arn:aws:iam::{ACCT}:root",
                    "action": action,
                    "resource": "arn:aws:s3:::reports",
                    "resource_account": ACCT,
                },
                "identity_policies": [],
                "resource_policy": bucket_policy,
            }
        )
        (policy,) = [p for p in decision.explanations if p.kind == "resource"]
        return decision, policy

    decision, policy = explained("s3:PutBucketPolicy")
    assert decision.decision == "Allow"
    assert policy.result == "deny"
    assert policy.reason is not None
    assert policy.reason.code == "bucket_owner_root_keeps_policy_access"
    assert "does not apply" in reason_words(policy.reason.code, policy.reason.data)

    decision, policy = explained("s3:GetBucketAcl")  # not one of the three: the Deny stands
    assert decision.decision == "ExplicitDeny"
    assert policy.reason is None


def test_a_direction_control_in_a_sid_or_name_is_shown_not_obeyed():
    """A Sid or policy name holding U+202E (right-to-left override) reversed every word drawn
    after it ("( Read wollA :1 enil ,( stropeR"): labels show such characters as escapes."""
    from srm_trainer.iam.decision import StatementRef
    from srm_trainer.iam.words import statement_label

    ref = StatementRef("identity", 0, "Mine\u2067x", None, 1, "Read\u202eReports", "Allow", 3)
    label = statement_label(ref)
    assert not set(label) & {"\u202e", "\u2067"}
    assert "Read\\u202eReports" in label and "Mine\\u2067x" in label


def test_a_grant_to_the_user_who_federated_is_explained_step_by_step():
    """Like a grant to a role ARN: the resource step passes on, the identity step is not
    needed, the boundary and the session policy decide, and the words name the user."""
    carol = f"arn:aws:sts::{ACCT}:federated-user/Carol"
    broker = f"arn:aws:iam::{ACCT}:user/broker"
    bucket_policy = {
        "Version": "2012-10-17",
        "Statement": [_allow(Principal={"AWS": broker})],
    }
    case = _case(
        {"Effect": "Allow", "Action": "sts:GetFederationToken", "Resource": "*"},
        resource_policy=bucket_policy,
        session_policy={"Version": "2012-10-17", "Statement": [_allow()]},
    )
    case["request"].update(principal=carol, federated_by=broker, resource_account=ACCT)
    decision = evaluate(case)
    assert decision.decision == "Allow"
    steps = {s.name: s for s in decision.steps}
    assert [s.name for s in decision.steps] == STEP_ORDER
    assert steps["resource_policy"].outcome == "continue"
    assert steps["identity"].outcome == "not_applicable"
    assert steps["session_policy"].outcome == "allow"
    (reason,) = steps["resource_policy"].reasons
    assert reason.code == "resource_policy_grants_federating_user"
    words = reason_words(reason.code, reason.data)
    assert broker in words and "created this federated user session" in words
    assert "boundary and the session policy still limit it" in words
    # the bucket policy's statement and the session policy's decided; broker's own did not
    assert {ref.policy_kind for ref in decision.decisive} == {"resource", "session"}

    del case["session_policy"]
    denied = evaluate(case)
    assert denied.decision == "ImplicitDeny"
    assert denied.deciding_step().name == "session_policy"
    assert [r.code for r in denied.deciding_step().reasons] == [
        "federated_user_without_session_policy"
    ]


# Why a condition's values did not match, in words that do not contradict themselves: the plain
# "wants X but the request has Y" read "wants us-east-1 ... has us-east-1" for a negated
# operator, "wants true ... has a" for Null true on a present key, and "wants a ... has a" for a
# plain operator on a key sent as a list (IAM guide, condition operators and "Single-valued vs.
# multivalued context keys").
CONDITION_WORDS = [
    pytest.param(
        {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}},
        {"aws:RequestedRegion": "us-east-1"},
        "the condition StringNotEquals on aws:RequestedRegion excludes us-east-1, eu-west-1, "
        "and the request has us-east-1",
        id="negated",
    ),
    pytest.param(
        {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        {"aws:SourceIp": "203.0.113.7"},
        "the condition NotIpAddress on aws:SourceIp excludes 203.0.113.0/24, "
        "and the request has 203.0.113.7",
        id="negated-ip",
    ),
    pytest.param(
        {"Null": {"aws:TokenIssueTime": "true"}},
        {"aws:TokenIssueTime": "2026-12-01T00:00:00Z"},
        "the condition Null on aws:TokenIssueTime holds only when the request lacks the key, "
        "and the request has it (2026-12-01T00:00:00Z)",
        id="null-true-present",
    ),
    pytest.param(
        {"StringEquals": {"aws:TagKeys": "team"}},
        {"aws:TagKeys": ["team"]},
        "the condition StringEquals on aws:TagKeys compares one value, but the request sends "
        "aws:TagKeys as a list (team); a key sent as a list needs ForAnyValue: or "
        "ForAllValues:, so the condition does not hold",
        id="plain-operator-on-a-list",
    ),
    pytest.param(
        {"ForAllValues:StringEquals": {"aws:TagKeys": ["team", "project"]}},
        {"aws:TagKeys": ["team", "owner", "cost"]},
        "the condition ForAllValues:StringEquals on aws:TagKeys must hold for every value in "
        "the request (against team, project), and it does not for owner, cost",
        id="for-all-values",
    ),
    pytest.param(
        {"ForAnyValue:StringEquals": {"aws:TagKeys": "team"}},
        {"aws:TagKeys": ["owner", "cost"]},
        "the condition ForAnyValue:StringEquals on aws:TagKeys must hold for at least one value "
        "in the request (against team), and it holds for none of owner, cost",
        id="for-any-value",
    ),
    pytest.param(
        {"ForAllValues:StringNotLike": {"aws:TagKeys": "temp-*"}},
        {"aws:TagKeys": ["team", "temp-a"]},
        "the condition ForAllValues:StringNotLike on aws:TagKeys needs every value in the "
        "request to match none of temp-*, and temp-a matches one",
        id="for-all-values-negated",
    ),
    pytest.param(
        {"ForAnyValue:StringNotEquals": {"aws:TagKeys": ["team", "owner"]}},
        {"aws:TagKeys": ["team", "owner"]},
        "the condition ForAnyValue:StringNotEquals on aws:TagKeys needs a value in the request "
        "that matches none of team, owner, and every one (team, owner) matches one",
        id="for-any-value-negated",
    ),
    pytest.param(
        {"ForAnyValue:StringEquals": {"aws:TagKeys": ""}},
        {"aws:TagKeys": [""]},
        "the request sends only empty strings for aws:TagKeys (1 in all), which "
        "ForAnyValue:StringEquals reads as no value at all, so none can match",
        id="null-data-set",
    ),
    pytest.param(
        {"NumericLessThan": {"s3:max-keys": "10"}},
        {"s3:max-keys": "ten"},
        "the condition NumericLessThan on s3:max-keys cannot read the request's value ten as a "
        "Numeric value, so it does not hold",
        id="request-value-unreadable",
    ),
    pytest.param(
        {"NumericNotEquals": {"s3:max-keys": "ten"}},
        {"s3:max-keys": "5"},
        "the condition NumericNotEquals on s3:max-keys cannot read the policy's value ten as a "
        "Numeric value, so it never holds",
        id="policy-value-unreadable",
    ),
    pytest.param(
        {"StringEquals": {"s3:prefix": "home/${aws:username}/"}},
        {"s3:prefix": "home/alice/"},
        "the condition StringEquals on s3:prefix uses a policy variable (home/${aws:username}/) "
        "that has no value in this request, so nothing matches it",
        id="variable-without-value",
    ),
    pytest.param(
        {"StringEquals": {"s3:prefix": "${aws:PrincipalTag/team}/"}},
        {"s3:prefix": "blue/", "aws:PrincipalTag/team": ["blue"]},
        "the condition StringEquals on s3:prefix uses a policy variable "
        "(${aws:PrincipalTag/team}/), and the request sends aws:PrincipalTag/team as a list, "
        "which cannot stand in for a variable, so nothing matches it",
        id="variable-of-a-key-sent-as-a-list",
    ),
    pytest.param(
        {"StringEquals": {"s3:prefix": "home/"}},
        {"s3:prefix": "public/"},
        "the condition StringEquals on s3:prefix wants home/ but the request has public/",
        id="plain",
    ),
]


@pytest.mark.parametrize(("condition", "context", "sentence"), CONDITION_WORDS)
def test_a_failed_condition_says_why_its_values_did_not_match(condition, context, sentence):
    case = _case(_allow(Condition=condition))
    case["request"]["context"] = context
    decision = evaluate(case)
    assert decision.decision == "ImplicitDeny"
    (statement,) = decision.explanations[0].statements
    (reason,) = statement.reasons
    assert reason.code == "condition_value_mismatch"
    assert reason_words(reason.code, reason.data) == sentence
    # the reason keeps the values it always carried for the API and other readers
    assert {"operator", "key", "expected", "actual"} <= set(reason.data)
    json.dumps(decision.to_dict())


def test_a_resource_variable_whose_key_is_sent_as_a_list_says_so():
    """A multivalued key cannot be a policy variable (IAM guide, "Single-valued vs. multivalued
    context keys"): the request has the key, so "the request has no value for it" would mislead."""
    case = _case(_allow(Resource="arn:aws:s3:::reports/${aws:PrincipalTag/team}/*"))
    case["request"]["resource"] = "arn:aws:s3:::reports/blue/q1.csv"
    case["request"]["context"] = {"aws:PrincipalTag/team": ["blue"]}
    decision = evaluate(case)
    assert decision.decision == "ImplicitDeny"
    (reason,) = decision.explanations[0].statements[0].reasons
    assert reason.code == "policy_variable_no_value"
    assert reason_words(reason.code, reason.data) == (
        "the Resource uses arn:aws:s3:::reports/${aws:PrincipalTag/team}/*, and the request "
        "sends aws:PrincipalTag/team as a list, which cannot stand in for a policy variable, "
        "so it matches nothing"
    )
    del case["request"]["context"]
    (reason,) = evaluate(case).explanations[0].statements[0].reasons
    assert reason_words(reason.code, reason.data) == (
        "the Resource uses arn:aws:s3:::reports/${aws:PrincipalTag/team}/* and the request has "
        "no value for it, so it matches nothing"
    )


def _rcp_step_words(action: str, resource: str) -> list[str]:
    case = _case({"Effect": "Allow", "Action": "*", "Resource": "*"})
    case["request"].update(action=action, resource=resource)
    # every action of the request's service: an RCP cannot say "*" alone (RCP syntax page)
    deny_all = {"Effect": "Deny", "Principal": "*", "Action": f"{action.split(':')[0]}:*"}
    deny_all["Resource"] = "*"
    case["rcp_levels"] = [[{"Version": "2012-10-17", "Statement": [deny_all]}]]
    decision = evaluate(case)
    step = decision.step("rcp")
    assert step.outcome == "not_applicable"
    (rcp,) = (p for p in decision.explanations if p.kind == "rcp")
    # the RCP's own line in the statement list says the same as its step
    assert [r.code for r in step.reasons] == [rcp.reason.code]
    return [reason_words(r.code, r.data) for r in step.reasons]


def test_an_rcp_on_kms_retire_grant_says_the_action_is_exempt_not_its_service():
    """KMS supports RCPs, but no RCP governs kms:RetireGrant, even with a wildcard Action (KMS
    guide, "Resource control policies in AWS KMS"): the words used to list KMS among the
    governed services and then say "and not kms:RetireGrant"."""
    assert _rcp_step_words("kms:RetireGrant", f"arn:aws:kms:us-east-1:{ACCT}:key/1234abcd") == [
        "no resource control policy governs kms:RetireGrant, even one whose Action matches it: "
        "AWS leaves it out of what RCPs control, though its service supports them"
    ]


def test_an_rcp_on_a_service_off_the_list_says_the_service_does_not_support_them():
    """Organizations guide, "Resource control policies": RCPs apply to the actions of the
    services on AWS's list (62 of them: "a few more" beyond five undersold it)."""
    assert _rcp_step_words("ec2:RunInstances", "*") == [
        "resource control policies govern only the actions of the services that support them "
        "(S3, STS, KMS, SQS, Secrets Manager and the others on AWS's list), and not "
        "ec2:RunInstances"
    ]


def _bucket_policy(**principal) -> dict:
    statement = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}
    return {"Version": "2012-10-17", "Statement": [{**statement, **principal}]}


def test_a_grant_to_everyone_does_not_claim_to_name_the_caller():
    """A same-account grant to "*" reaches the caller like a grant naming it (policy-eval-denyallow,
    our reading for "*"), but the policy does not name the caller: the words used to say it did."""
    case = _case()
    case["identity_policies"] = []
    for principal in (
        {"Principal": "*"},
        {"NotPrincipal": {"AWS": f"arn:aws:iam::{ACCT}:user/bob"}},
    ):
        case["resource_policy"] = _bucket_policy(**principal)
        decision = evaluate(case)
        assert decision.decision == "Allow"
        (reason,) = decision.step("resource_policy").reasons
        assert reason_words(reason.code, reason.data) == (
            'the resource-based policy grants everyone ("*", or all but those a NotPrincipal '
            f"lists), which reaches {ALICE} as a grant naming it would; that is enough within "
            "one account"
        )
    case["resource_policy"] = _bucket_policy(Principal={"AWS": ALICE})
    (reason,) = evaluate(case).step("resource_policy").reasons
    assert reason_words(reason.code, reason.data) == (
        "the resource-based policy names the caller directly, which is enough within one account"
    )


def test_notprincipal_that_names_the_callers_account_says_so():
    """An Allow with NotPrincipal leaves out every caller it names through its user, role,
    session or account (reference_policies_elements_notprincipal): here only the account is
    listed, so "the caller ... is named" alone was not what the policy says."""
    case = _case()
    case["identity_policies"] = []
    case["resource_policy"] = _bucket_policy(NotPrincipal={"AWS": ACCT})
    decision = evaluate(case)
    assert decision.decision == "ImplicitDeny"
    (statement,) = next(p for p in decision.explanations if p.kind == "resource").statements
    (reason,) = statement.reasons
    assert reason_words(reason.code, reason.data) == (
        f"NotPrincipal ({ACCT}) names the caller {ALICE}, its role or its account, so the "
        "statement leaves the caller out"
    )


def test_a_notprincipal_deny_beaten_by_the_boundary_says_why_it_applied():
    """A Deny with NotPrincipal applies to a principal with a permissions boundary whatever
    NotPrincipal lists (reference_policies_elements_notprincipal, key points). The step said only
    "a Deny statement matched", beside a Deny whose NotPrincipal lists the caller."""
    listed = {"AWS": [ALICE, f"arn:aws:iam::{ACCT}:root"]}
    case = _case()
    case["resource_policy"] = _bucket_policy(Principal={"AWS": ALICE})
    case["resource_policy"]["Statement"].append(
        {"Effect": "Deny", "NotPrincipal": listed, "Action": "s3:*", "Resource": "*"}
    )
    case["permissions_boundary"] = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    }
    decision = evaluate(case)
    assert decision.decision == "ExplicitDeny"
    words = [reason_words(r.code, r.data) for r in decision.step("explicit_deny").reasons]
    assert words[1:] == [
        "a Deny with NotPrincipal applies to every principal that has a permissions boundary, "
        "even one its NotPrincipal lists, as this caller is"
    ]
    # without the boundary the caller is exempt; a NotPrincipal that does not list the caller
    # denies it with or without a boundary, and the step needs no second reason then
    del case["permissions_boundary"]
    assert evaluate(case).decision == "Allow"
    case["resource_policy"]["Statement"][1]["NotPrincipal"] = {
        "AWS": f"arn:aws:iam::{ACCT}:user/bob"
    }
    case["permissions_boundary"] = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    }
    decision = evaluate(case)
    assert decision.decision == "ExplicitDeny"
    assert [r.code for r in decision.step("explicit_deny").reasons] == ["explicit_deny"]


def test_a_boundary_or_session_policy_the_caller_cannot_have_is_called_not_applicable():
    """The root user has no permissions boundary and no session; an IAM user signing with its
    own keys has no session (access_policies#policies_session). Given in a case, the steps said
    "the caller has no permissions boundary" beside the boundary the learner wrote."""
    any_s3 = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
    }
    case = _case(_allow())
    case["permissions_boundary"] = any_s3
    case["session_policy"] = any_s3
    case["request"]["principal"] = f"arn:aws:iam::{ACCT}:root"
    case["identity_policies"] = []
    decision = evaluate(case)
    assert decision.decision == "Allow"
    said = {
        name: [reason_words(r.code, r.data) for r in decision.step(name).reasons]
        for name in ("boundary", "session_policy")
    }
    assert said == {
        "boundary": [
            "permissions boundaries do not apply to the root user: they are set on IAM users "
            "and roles"
        ],
        "session_policy": [
            "session policies do not apply to the root user: they limit only role sessions and "
            "federated user sessions"
        ],
    }
    case["request"]["principal"] = ALICE
    case["identity_policies"] = [{"Version": "2012-10-17", "Statement": [_allow()]}]
    step = evaluate(case).step("session_policy")
    assert [reason_words(r.code, r.data) for r in step.reasons] == [
        "session policies do not apply to an IAM user: they limit only role sessions and "
        "federated user sessions"
    ]


def test_an_unreached_identity_step_after_a_same_account_grant_does_not_deny_the_grant():
    # The resource-based policy's grant to alice allowed it; the identity step, not reached,
    # said "no identity-based or resource-based policy allows the request".
    bucket_policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": ALICE}, "Action": "s3:GetObject",
                       "Resource": "arn:aws:s3:::reports/*"}],
    }  # fmt: skip
    decision = evaluate({**_case(), "identity_policies": [], "resource_policy": bucket_policy})
    assert decision.decision == "Allow"
    identity = next(s for s in decision.steps if s.name == "identity")
    assert not identity.reached
    said = " ".join(reason_words(r.code, r.data) for r in identity.reasons)
    assert "resource-based policy allows" not in said
    assert "no identity-based policy allows" in said
