"""Cases in the shared format: the accepted forms, and errors that name the field."""

from __future__ import annotations

import copy
import json

import pytest

from srm_trainer.iam import CaseError, PolicyError, evaluate, parse_case
from srm_trainer.iam.case import Case

ALICE = "arn:aws:iam::111122223333:user/alice"
ALLOW_GET = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
}


def _case(**overrides) -> dict:
    case = {
        "name": "a case",
        "request": {
            "principal": ALICE,
            "action": "s3:GetObject",
            "resource": "arn:aws:s3:::reports/q1.csv",
            "context": {},
        },
        "identity_policies": [copy.deepcopy(ALLOW_GET)],
    }
    case.update(overrides)
    return case


def _error(source) -> CaseError:
    with pytest.raises(CaseError) as info:
        parse_case(source)
    return info.value


def test_it_parses_a_dict_json_text_and_passes_a_parsed_case_through():
    parsed = parse_case(_case())
    assert isinstance(parsed, Case)
    assert parse_case(json.dumps(_case())).request.action == "s3:GetObject"
    assert parse_case(parsed) is parsed


def test_a_case_error_is_a_policy_error():
    assert issubclass(CaseError, PolicyError)


def test_it_says_request_action_is_required():
    case = _case()
    del case["request"]["action"]
    err = _error(case)
    assert err.path == "request.action"
    assert "request.action is required" in err.message


def test_it_requires_a_request():
    case = _case()
    del case["request"]
    assert _error(case).path == "request"


@pytest.mark.parametrize("action", ["GetObject", "*", ":x"])
def test_it_rejects_an_action_without_a_service(action):
    case = _case()
    case["request"]["action"] = action
    assert _error(case).path == "request.action"


@pytest.mark.parametrize("action", ["s3:*Object", "s3:Get*", "iam:?etUser"])
def test_it_rejects_a_wildcard_in_the_action_a_caller_sends(action):
    """FORMAT.md: `request.action` is the action "as the caller sends it", and a caller sends
    one action by name; taken literally, `s3:*Object` was an implicit deny that no real request
    could ever get (only a policy's own `s3:*Object` matched it)."""
    case = _case()
    case["request"]["action"] = action
    error = _error(case)
    assert error.path == "request.action" and "no wildcard" in error.message


def test_it_rejects_a_resource_that_is_not_an_arn():
    case = _case()
    case["request"]["resource"] = "reports/q1.csv"
    assert _error(case).path == "request.resource"


def test_it_rejects_an_unreadable_principal():
    case = _case()
    case["request"]["principal"] = "alice"
    err = _error(case)
    assert (err.code, err.path) == ("invalid_principal", "request.principal")


def test_it_names_the_policy_and_the_element_of_a_bad_policy():
    bad = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Permit", "Action": "*", "Resource": "*"}],
    }
    err = _error(_case(identity_policies=[ALLOW_GET, bad]))
    assert err.code == "invalid_effect"
    assert err.path == "identity_policies[1].Statement[0].Effect"
    assert str(err).startswith("identity_policies[1].Statement[0].Effect: ")


def test_a_policy_given_as_text_keeps_line_and_column_inside_that_text():
    text = (
        '{\n "Version": "2012-10-17",\n "Statement": [\n'
        '  {"Effect": "Allow", "Action": "s3:*", "Resourse": "*"}\n ]\n}'
    )
    err = _error(_case(identity_policies=[{"name": "Typo", "document": text}]))
    assert err.code == "unknown_element"
    assert err.path == "identity_policies[0].Statement[0].Resourse"
    assert err.line == 4


def test_a_named_policy_keeps_its_name():
    parsed = parse_case(_case(identity_policies=[{"name": "ReadReports", "document": ALLOW_GET}]))
    assert parsed.identity_policies[0].name == "ReadReports"


def test_a_named_policy_has_only_name_and_document():
    err = _error(_case(identity_policies=[{"name": "X", "document": ALLOW_GET, "arn": "x"}]))
    assert err.path == "identity_policies[0]"


def test_policies_get_the_kind_of_their_field():
    case = _case(
        resource_policy={
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}
            ],
        },
        permissions_boundary=ALLOW_GET,
        session_policy=ALLOW_GET,
        scp_levels=[[ALLOW_GET], [ALLOW_GET, ALLOW_GET]],
        rcp_levels=[[]],
    )
    parsed = parse_case(case)
    assert parsed.resource_policy.kind == "resource"
    assert parsed.permissions_boundary.kind == "boundary"
    assert parsed.session_policy.kind == "session"
    assert [len(level) for level in parsed.scp_levels] == [1, 2]
    assert parsed.scp_levels[1][1].kind == "scp"
    assert parsed.rcp_levels == ((),)


def test_a_principal_in_an_identity_policy_is_reported_with_its_field():
    bad = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}],
    }
    err = _error(_case(session_policy=bad))
    assert (err.code, err.path) == (
        "principal_not_allowed",
        "session_policy.Statement[0].Principal",
    )


def test_a_resource_policy_without_principal_is_reported_with_its_field():
    err = _error(_case(resource_policy=ALLOW_GET))
    assert (err.code, err.path) == ("missing_principal", "resource_policy.Statement[0]")


def test_scp_levels_must_be_a_list_of_lists():
    err = _error(_case(scp_levels=[ALLOW_GET]))
    assert err.path == "scp_levels"


def test_a_bad_scp_names_its_level_and_position():
    bad = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow"}]}
    err = _error(_case(scp_levels=[[ALLOW_GET], [ALLOW_GET, bad]]))
    assert err.path == "scp_levels[1][1].Statement[0]"


def test_it_rejects_an_unknown_expectation():
    assert _error(_case(expect="Deny")).path == "expect"


def test_it_names_the_context_key_with_a_bad_value():
    case = _case()
    case["request"]["context"] = {"aws:SourceIp": {"nested": 1}}
    err = _error(case)
    assert (err.code, err.path) == ("invalid_context", "request.context.aws:SourceIp")


def test_invalid_case_json_has_a_line_and_column():
    err = _error('{"request": {\n  "principal": }')
    assert err.code == "invalid_json"
    assert err.line == 2


def test_resource_account_defaults_to_the_account_in_the_arn():
    case = _case()
    case["request"]["resource"] = "arn:aws:dynamodb:eu-west-1:444455556666:table/t"
    request = parse_case(case).request
    assert (request.resource_account, request.resource_account_source) == ("444455556666", "arn")


def test_an_s3_resource_without_resource_account_is_in_the_callers_account():
    request = parse_case(_case()).request
    assert (request.resource_account, request.resource_account_source) == ("111122223333", "caller")


def test_a_given_resource_account_wins():
    case = _case()
    case["request"]["resource_account"] = "444455556666"
    request = parse_case(case).request
    assert (request.resource_account, request.resource_account_source) == ("444455556666", "given")


@pytest.mark.parametrize("account", ["4444", "４４４４５５５５６６６６", "44445555666６"])
def test_resource_account_must_be_twelve_ascii_digits(account):
    case = _case()
    case["request"]["resource_account"] = account
    assert _error(case).path == "request.resource_account"


def test_an_arn_whose_account_is_other_digits_names_no_account():
    """`arn:aws:s3:::` has no account; nor has an ARN whose account field is twelve digits of
    another script: the resource is then the caller's account's, as for an S3 object."""
    case = _case()
    case["request"]["resource"] = "arn:aws:dynamodb:us-east-1:４４４４５５５５６６６６:table/t"
    request = parse_case(case).request
    assert (request.resource_account, request.resource_account_source) == ("111122223333", "caller")


def test_unknown_case_fields_such_as_notes_are_ignored():
    assert evaluate(_case(note="why this case exists", expect="Allow")).decision == "Allow"


def test_missing_policy_fields_mean_none():
    parsed = parse_case(
        {"request": {"principal": ALICE, "action": "s3:GetObject", "resource": "*"}}
    )
    assert parsed.identity_policies == ()
    assert parsed.resource_policy is None and parsed.scp_levels == ()
    assert len(parsed.request.context) == 0


# request.federated_by: the IAM user who created a federated user session (GetFederationToken).
CAROL = "arn:aws:sts::111122223333:federated-user/Carol"
BROKER = "arn:aws:iam::111122223333:user/broker"


def _federated(federated_by, principal=CAROL) -> dict:
    case = _case()
    case["request"].update(principal=principal, federated_by=federated_by)
    return case


def test_federated_by_is_read_onto_the_federated_caller():
    caller = parse_case(_federated(BROKER)).request.caller
    assert (caller.kind, caller.text, caller.federated_by) == ("federated_user", CAROL, BROKER)
    assert parse_case(_federated(None)).request.caller.federated_by is None


def test_federated_by_takes_a_user_with_a_path():
    user = "arn:aws:iam::111122223333:user/brokers/broker"
    assert parse_case(_federated(user)).request.caller.federated_by == user


@pytest.mark.parametrize(
    ("principal", "said"),
    [
        (ALICE, "an IAM user"),
        ("arn:aws:sts::111122223333:assumed-role/Dev/alice", "a role session"),
        ("111122223333", "the root user"),
        ("*", "anonymous"),
    ],
)
def test_federated_by_needs_a_federated_user_principal(principal, said):
    err = _error(_federated(BROKER, principal))
    assert err.path == "request.federated_by"
    assert "only with a federated user principal" in err.message
    assert f"the principal here is {said}" in err.message


@pytest.mark.parametrize(
    "value",
    [
        "arn:aws:iam::111122223333:role/Broker",
        "arn:aws:sts::111122223333:federated-user/Carol",
        "arn:aws:iam::111122223333:user/",
        "broker",
        "arn:aws:iam::1111:user/broker",
    ],
)
def test_federated_by_must_be_an_iam_user_arn(value):
    err = _error(_federated(value))
    assert err.path == "request.federated_by"
    assert "must be an IAM user's ARN (arn:aws:iam::ACCOUNT:user/NAME)" in err.message
    assert repr(value) in err.message


@pytest.mark.parametrize("value", ["", 7, ["arn:aws:iam::111122223333:user/broker"]])
def test_federated_by_must_be_a_non_empty_string(value):
    err = _error(_federated(value))
    assert (err.path, err.message) == (
        "request.federated_by",
        "request.federated_by must be a non-empty string",
    )


def test_federated_by_must_be_in_the_federated_users_account():
    err = _error(_federated("arn:aws:iam::444455556666:user/broker"))
    assert err.path == "request.federated_by"
    assert "own account 111122223333" in err.message and "not 444455556666" in err.message


def test_the_same_principal_with_and_without_federated_by_are_different_callers():
    with_user = parse_case(_federated(BROKER)).request.caller
    without = parse_case(_federated(None)).request.caller
    assert with_user.federated_by == BROKER and without.federated_by is None
    # the memo of callers by their text keeps the plain one
    assert parse_case(_federated(None)).request.caller.federated_by is None
