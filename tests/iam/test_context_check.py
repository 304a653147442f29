"""Request-context values AWS would never send for their key (`context_check`).

Each row names the AWS documentation rule it checks: what a key of that type carries (the IAM
User Guide's condition-operator and global-key pages) decides what is flagged. The consequence
each warning states is checked against the engine itself, so the words cannot drift from what
the evaluation does.
"""

from __future__ import annotations

import json

import pytest

from srm_trainer.iam import catalog, evaluate
from srm_trainer.iam.budget import Budget
from srm_trainer.iam.context import MAX_CONTEXT_VALUES
from srm_trainer.iam.context_check import LIST_ON_SINGLE, NOT_THE_CALLERS, WRONG_TYPE, check_context
from srm_trainer.iam.findings import lint_case
from srm_trainer.sandbox.state import SandboxState, aws_context_for

OPERATORS = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html"
GLOBAL_KEYS = (
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html"
)
MULTIVALUED = "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html"

# (doc rule, key, value, expected type words or None for no warning)
ROWS = [
    # IP address operators: "an IPv4 or IPv6 address"; the request carries the address it came from.
    (f"{OPERATORS}#Conditions_IPAddress", "aws:SourceIp", "not-an-ip", "an IP address"),
    (f"{OPERATORS}#Conditions_IPAddress", "aws:SourceIp", "203.0.113.0/24", "an IP address"),
    (f"{OPERATORS}#Conditions_IPAddress", "aws:SourceIp", "", "an IP address"),
    (f"{OPERATORS}#Conditions_IPAddress", "aws:SourceIp", "203.0.113.10", None),
    (f"{OPERATORS}#Conditions_IPAddress", "aws:SourceIp", "2001:db8::1", None),
    (f"{OPERATORS}#Conditions_IPAddress", "aws:VpcSourceIp", "10.0.0.300", "an IP address"),
    # Date operators: "W3C implementations of the ISO 8601 date formats or in epoch (UNIX) time".
    (f"{OPERATORS}#Conditions_Date", "aws:CurrentTime", "yesterday", "a date and time"),
    (f"{OPERATORS}#Conditions_Date", "aws:CurrentTime", "2026-13-01T00:00:00Z", "a date and time"),
    (f"{OPERATORS}#Conditions_Date", "aws:CurrentTime", "2026-12-04T12:00:00Z", None),
    (f"{OPERATORS}#Conditions_Date", "aws:CurrentTime", "2026-12-04", None),
    (f"{OPERATORS}#Conditions_Date", "aws:TokenIssueTime", "1796385600", None),
    # aws:EpochTime takes Date and Numeric operators (global keys page): either form fits.
    (f"{GLOBAL_KEYS}#condition-keys-epochtime", "aws:EpochTime", "1796385600", None),
    (
        f"{GLOBAL_KEYS}#condition-keys-epochtime",
        "aws:EpochTime",
        "soon",
        "a date and time or a number",
    ),
    # Boolean operators compare with "true" or "false".
    (f"{OPERATORS}#Conditions_Boolean", "aws:MultiFactorAuthPresent", "yes", "true or false"),
    (f"{OPERATORS}#Conditions_Boolean", "aws:MultiFactorAuthPresent", "false", None),
    (f"{OPERATORS}#Conditions_Boolean", "aws:SecureTransport", "1", "true or false"),
    # Numeric operators compare integers and decimals.
    (f"{OPERATORS}#Conditions_Numeric", "aws:MultiFactorAuthAge", "ten", "a number"),
    (f"{OPERATORS}#Conditions_Numeric", "aws:MultiFactorAuthAge", "3600", None),
    (f"{OPERATORS}#Conditions_Numeric", "s3:max-keys", "lots", "a number"),  # a service key
    # ARN operators check "each of the six colon-delimited components of the ARN".
    (f"{OPERATORS}#Conditions_ARN", "aws:PrincipalArn", "bob", "an ARN"),
    (f"{OPERATORS}#Conditions_ARN", "aws:PrincipalArn", "a:b:c:d:e:f", "an ARN"),
    (f"{OPERATORS}#Conditions_ARN", "aws:PrincipalArn", "arn:aws:iam::111122223333:user/bob", None),
    # String keys take any text; keys no catalogue defines are not ours to judge.
    (f"{GLOBAL_KEYS}#condition-keys-username", "aws:username", "203.0.113.0/24", None),
    (f"{GLOBAL_KEYS}#condition-keys-resourcetag", "aws:ResourceTag/team", "", None),
    (f"{GLOBAL_KEYS}", "myapp:SourceIp", "not-an-ip", None),
]


@pytest.mark.parametrize(("doc", "key", "value", "expected"), ROWS)
def test_a_value_is_flagged_only_when_aws_would_not_send_it(doc, key, value, expected):
    found = check_context({key: value})
    if expected is None:
        assert found == [], f"{doc}: {found}"
        return
    assert len(found) == 1, doc
    finding = found[0]
    assert (finding.code, finding.severity) == (WRONG_TYPE, "warning")
    assert finding.path == f"request.context.{key}"
    assert finding.data["key"] == key and finding.data["values"] == [value]
    assert finding.data["expected_words"] == expected
    assert finding.message.startswith(f"{key} is ")
    assert f"AWS sends {expected}" in finding.message or "the one address" in finding.message


def test_the_words_name_the_key_the_value_the_type_and_an_example():
    """The brief's examples, one sentence each a learner can act on."""
    messages = {f.data["key"]: f.message for f in check_context(BAD)}
    assert messages["aws:SourceIp"] == (
        "aws:SourceIp is “not-an-ip”, which is not an IP address: AWS sends an IP address for "
        "this key, such as 203.0.113.10. Here neither IpAddress nor NotIpAddress conditions "
        "match it."
    )
    assert "2026-12-04T12:00:00Z, or 1796385600 in epoch seconds" in messages["aws:CurrentTime"]
    assert "matches neither true nor false" in messages["aws:MultiFactorAuthPresent"]
    assert "NumericNotEquals included" in messages["aws:MultiFactorAuthAge"]
    assert "ArnNotEquals and ArnNotLike included" in messages["aws:PrincipalArn"]
    cidr = check_context({"aws:SourceIp": "203.0.113.0/24"})[0].message
    assert "a range of addresses: AWS sends the one address the request came from" in cidr
    empty = check_context({"aws:SourceIp": ""})[0].message
    assert empty.startswith("aws:SourceIp is empty: AWS sends an IP address")


def test_a_long_value_is_cut_in_the_words_but_kept_whole_in_the_data():
    value = "x" * 500
    finding = check_context({"aws:SourceIp": value})[0]
    assert "x" * 59 + "…" in finding.message and "x" * 61 not in finding.message
    assert finding.data["values"] == [value]


BAD = {
    "aws:SourceIp": "not-an-ip",
    "aws:CurrentTime": "yesterday",
    "aws:MultiFactorAuthPresent": "yes",
    "aws:MultiFactorAuthAge": "ten",
    "aws:PrincipalArn": "bob",
}

# A policy per type whose positive and negated conditions each allow on their own.
CONDITIONS = {
    "aws:SourceIp": [
        {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}},
        {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        {"NotIpAddressIfExists": {"aws:SourceIp": "203.0.113.0/24"}},
    ],
    "aws:CurrentTime": [
        {"DateGreaterThan": {"aws:CurrentTime": "2000-01-01T00:00:00Z"}},
        {"DateNotEquals": {"aws:CurrentTime": "2000-01-01T00:00:00Z"}},
    ],
    "aws:MultiFactorAuthPresent": [
        {"Bool": {"aws:MultiFactorAuthPresent": "true"}},
        {"Bool": {"aws:MultiFactorAuthPresent": "false"}},
    ],
    "aws:MultiFactorAuthAge": [
        {"NumericLessThan": {"aws:MultiFactorAuthAge": "99999"}},
        {"NumericNotEquals": {"aws:MultiFactorAuthAge": "1"}},
    ],
    "aws:PrincipalArn": [
        {"ArnLike": {"aws:PrincipalArn": "*"}},
        {"ArnNotEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:user/carol"}},
        {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:user/carol"}},
    ],
}


def decide(context: dict, condition: dict) -> str:
    statement = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    return evaluate(
        {
            "request": {
                "principal": "arn:aws:iam::111122223333:user/alice",
                "action": "s3:GetObject",
                "resource": "arn:aws:s3:::reports/q1.csv",
                "resource_account": "111122223333",
                "context": context,
            },
            "identity_policies": [
                {"Version": "2012-10-17", "Statement": [{**statement, "Condition": condition}]}
            ],
        }
    ).decision


@pytest.mark.parametrize("key", sorted(CONDITIONS))
def test_what_the_warning_says_of_conditions_is_what_the_engine_does(key):
    """ "Neither IpAddress nor NotIpAddress conditions match it": each condition, positive or
    negated, allows with a good value and not with the flagged one. AWS documents no outcome
    for such values (it never sends them); the engine's is pinned by tests/iam/cases
    (fidelity_round_four, differential: a negated operator on a malformed value is false)."""
    good = {
        "aws:SourceIp": "198.51.100.7",
        "aws:CurrentTime": "2026-12-04T12:00:00Z",
        "aws:MultiFactorAuthPresent": None,  # true and false each match one of the two
        "aws:MultiFactorAuthAge": "300",
        "aws:PrincipalArn": "arn:aws:iam::111122223333:user/alice",
    }[key]
    for condition in CONDITIONS[key]:
        if good is not None:
            assert decide({key: good}, condition) == "Allow", condition
        assert decide({key: BAD[key]}, condition) == "ImplicitDeny", condition
    if good is None:
        assert decide({key: "true"}, CONDITIONS[key][0]) == "Allow"
        assert decide({key: "false"}, CONDITIONS[key][1]) == "Allow"


def test_a_list_on_a_single_valued_global_key_is_flagged_and_fails_plain_operators():
    """The global keys page lists aws:SourceIp as single-valued; the multivalued-keys page
    reserves ForAnyValue:/ForAllValues: for multivalued ones."""
    (finding,) = check_context({"aws:SourceIp": ["203.0.113.10", "198.51.100.7"]})
    assert finding.code == LIST_ON_SINGLE, MULTIVALUED
    assert finding.message.startswith(
        "aws:SourceIp is a list, but AWS sends one value for this key (an IP address)."
    )
    listed = {"aws:SourceIp": ["203.0.113.10"]}
    assert decide(listed, {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}) == "ImplicitDeny"
    assert decide(listed, {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}}) == "ImplicitDeny"
    assert decide(listed, {"ForAnyValue:IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}) == "Allow"
    (empty,) = check_context({"aws:SourceIp": []})
    assert "an empty list, which counts as a missing key" in empty.message


def test_lists_on_multivalued_keys_are_read_element_by_element():
    assert check_context({"aws:TagKeys": ["team", "env"]}) == []
    assert check_context({"aws:CalledVia": []}) == []
    key = next(k for k, types in catalog._load().key_types.items() if types == ("ArrayOfBool",))
    (finding,) = check_context({key: ["true", "maybe", "nope", "false", "x", "y", "z"]})
    assert finding.code == WRONG_TYPE
    assert finding.data["values"] == ["maybe", "nope", "x", "y", "z"]
    assert "holds “maybe”, “nope”, “x” and 2 more, not true or false" in finding.message


def test_a_service_key_given_a_list_is_not_called_single_valued():
    """The Service Authorization Reference types cognito-identity.amazonaws.com:amr as String,
    yet AWS's own trust policies test it with ForAnyValue: (id_roles_create_for-idp_oidc): a
    service key's single-valued type is not trusted enough to warn about a list."""
    amr = {"cognito-identity.amazonaws.com:amr": ["authenticated"]}
    assert check_context(amr) == []


def test_what_the_sandbox_prefills_draws_no_warning():
    assert check_context(dict(aws_context_for(SandboxState()))) == []


def test_values_of_any_json_type_are_read_as_the_engine_reads_them():
    assert check_context({"aws:MultiFactorAuthPresent": True, "aws:MultiFactorAuthAge": 30}) == []
    assert check_context({"aws:MultiFactorAuthAge": 1.5}) == []
    assert check_context({"AWS:SOURCEIP": "x"})[0].data["key"] == "AWS:SOURCEIP"


def test_a_context_the_engine_refuses_is_left_to_the_engine():
    assert check_context({"aws:SourceIp": {"nested": 1}}) == []
    assert check_context("not a mapping") == []  # type: ignore[arg-type]
    assert check_context(None) == []


def test_lint_case_reports_them_after_the_policies_findings():
    case = {
        "request": {"principal": "*", "action": "s3:GetObject", "resource": "*", "context": BAD},
        "identity_policies": [{"Statement": [{"Effect": "Allow", "Action": "s3:GetObjekt"}]}],
    }
    found = lint_case(case)
    paths = [f.path for f in found if f.code == WRONG_TYPE]
    assert paths == [f"request.context.{key}" for key in BAD]
    assert found.index(next(f for f in found if f.code == WRONG_TYPE)) > 0


def test_the_findings_budget_is_spent_and_respected():
    budget = Budget(findings=2)
    assert len(check_context(BAD, budget=budget)) == 2
    assert budget.findings == 0


def test_the_check_is_linear_one_look_up_per_key(monkeypatch):
    """Bounded cost: one catalogue look-up per key and one read per value, whatever the size."""
    calls = []
    real = catalog.condition_key_type
    monkeypatch.setattr(catalog, "condition_key_type", lambda key: calls.append(key) or real(key))
    context = {f"aws:PrincipalTag/k{i}": "v" for i in range(2_000)}
    context["aws:TagKeys"] = [f"k{i}" for i in range(MAX_CONTEXT_VALUES)]
    context["aws:SourceIp"] = "not-an-ip"
    assert [f.data["key"] for f in check_context(context)] == ["aws:SourceIp"]
    assert len(calls) == len(context)


def test_the_cli_lints_a_cases_context_as_a_warning(tmp_path, capsys):
    from srm_trainer.iam.cli import EXIT_OK, main

    path = tmp_path / "case.json"
    path.write_text(
        json.dumps(
            {
                "request": {
                    "principal": "arn:aws:iam::111122223333:user/alice",
                    "action": "s3:GetObject",
                    "resource": "arn:aws:s3:::reports/q1.csv",
                    "context": {"aws:SourceIp": "not-an-ip"},
                },
                "identity_policies": [],
            }
        )
    )
    assert main(["lint", str(path)]) == EXIT_OK  # a warning: the lint does not fail
    out = capsys.readouterr().out
    assert out.startswith(
        "request.context.aws:SourceIp warning context_value_wrong_type: aws:SourceIp is"
    )


# (doc rule, caller, key, value, what AWS sends or None for no warning). AWS sets the principal
# keys from the caller; for a role session aws:PrincipalArn is the role's ARN, not the session's.
DANA = "arn:aws:iam::111122223333:user/dana"
SESSION = "arn:aws:sts::111122223333:assumed-role/Auditor/dana"
CALLER_ROWS = [
    (f"{GLOBAL_KEYS}#condition-keys-username", DANA, "aws:username", "alice", "dana"),
    (f"{GLOBAL_KEYS}#condition-keys-username", DANA, "aws:username", "dana", None),
    (
        f"{GLOBAL_KEYS}#condition-keys-principalarn",
        DANA,
        "aws:PrincipalArn",
        "arn:aws:iam::111122223333:user/alice",
        DANA,
    ),
    (
        f"{GLOBAL_KEYS}#condition-keys-principalarn",
        SESSION,
        "aws:PrincipalArn",
        SESSION,
        "arn:aws:iam::111122223333:role/Auditor",
    ),
    (
        f"{GLOBAL_KEYS}#condition-keys-principalarn",
        SESSION,
        "aws:PrincipalArn",
        "arn:aws:iam::111122223333:role/Auditor",
        None,
    ),
    (
        f"{GLOBAL_KEYS}#condition-keys-principaltype",
        SESSION,
        "aws:PrincipalType",
        "User",
        "AssumedRole",
    ),
    (
        f"{GLOBAL_KEYS}#condition-keys-principalaccount",
        DANA,
        "aws:PrincipalAccount",
        "444455556666",
        "111122223333",
    ),
    # A key the caller's ARN does not decide (a user's unique id, AWS's to assign): never named.
    (f"{GLOBAL_KEYS}#condition-keys-userid", DANA, "aws:userid", "AIDAEXAMPLE", None),
]


@pytest.mark.parametrize(("doc", "caller", "key", "value", "sends"), CALLER_ROWS)
def test_a_principal_key_is_flagged_when_it_is_not_the_callers(doc, caller, key, value, sends):
    case = {"request": {"principal": caller, "action": "s3:GetObject", "resource": "*"}}
    case["request"]["context"] = {key: value}
    found = [f for f in lint_case(case) if f.code == NOT_THE_CALLERS]
    if sends is None:
        assert found == [], doc
        return
    (finding,) = found
    assert finding.path == f"request.context.{key}"
    assert finding.message == (
        f"{key} is “{value}”, but the caller is {caller}, for whom AWS sends “{sends}”. Here "
        f"conditions and policy variables on {key} read “{value}”: correct it, or remove the row."
    ), doc


def test_a_stale_username_decides_as_the_warning_says():
    """What the warning says is what the engine does: a `${aws:username}` policy variable reads
    the context's value, so Dana's request is judged as Alice's."""
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::home/${aws:username}/*",
            }
        ],
    }
    request = {
        "principal": DANA,
        "action": "s3:GetObject",
        "resource": "arn:aws:s3:::home/alice/notes.txt",
        "resource_account": "111122223333",
        "context": {"aws:username": "alice"},
    }
    case = {"request": request, "identity_policies": [json.dumps(policy)]}
    assert evaluate(case).decision == "Allow"  # Alice's folder, for Dana: the stale key decides
    assert [f.code for f in lint_case(case) if f.code in (NOT_THE_CALLERS,)] == [NOT_THE_CALLERS]
