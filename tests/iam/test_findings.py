"""The policy linter: each finding fires on the mistake it names, and stays quiet otherwise."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from srm_trainer.iam.findings import SIZE_LIMITS, Finding, lint, lint_case, policy_size
from srm_trainer.iam.reasons import Topic


def policy(*statements, version="2012-10-17"):
    doc = {"Statement": list(statements)}
    if version is not None:
        doc = {"Version": version, **doc}
    return doc


def allow(action, resource="arn:aws:s3:::reports/*", **extra):
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def codes(findings):
    return [f.code for f in findings]


def only(findings, code):
    found = [f for f in findings if f.code == code]
    assert len(found) == 1, codes(findings)
    return found[0]


CLEAN = policy(allow("s3:GetObject"), allow("s3:ListBucket", "arn:aws:s3:::reports"))


def test_a_least_privilege_policy_has_no_findings():
    assert lint(CLEAN) == []
    assert lint(json.dumps(CLEAN, indent=2)) == []


def test_findings_are_frozen_and_serialisable():
    f = only(lint(policy(allow("s3:GetObjekt"))), "unknown_action")
    assert isinstance(f, Finding)
    with pytest.raises(AttributeError):
        f.code = "other"  # type: ignore[misc]
    d = f.to_dict()
    assert set(d) == {"code", "severity", "message", "path", "line", "column", "data", "topic"}
    json.dumps(d)


# --- errors ------------------------------------------------------------------------------


def test_invalid_json_is_one_error_with_its_position():
    found = lint('{\n  "Version": "2012-10-17",\n  "Statement": [\n}')
    assert len(found) == 1
    f = found[0]
    assert f.code == "invalid_json" and f.severity == "error"
    assert f.line == 4 and f.column is not None


def test_grammar_error_becomes_a_finding_with_its_path():
    text = json.dumps(policy({"Effect": "Permit", "Action": "s3:GetObject", "Resource": "*"}))
    (f,) = lint(text)
    assert f.code == "invalid_effect"
    assert f.severity == "error"
    assert f.path == "Statement[0].Effect"
    assert f.line == 1 and f.column is not None


def test_unknown_action_suggests_the_real_one():
    f = only(lint(policy(allow(["s3:GetObject", "s3:GetObjekt"]))), "unknown_action")
    assert f.severity == "error"
    assert f.path == "Statement[0].Action[1]"
    assert f.data["action"] == "s3:GetObjekt"
    assert f.data["suggestions"][0] == "s3:GetObject"
    assert "s3:GetObject" in f.message
    assert f.topic == "policies"


def test_made_up_list_action_suggests_real_list_actions():
    f = only(lint(policy(allow("s3:listObject"))), "unknown_action")
    assert f.data["suggestions"]
    assert all(s.startswith("s3:List") for s in f.data["suggestions"])


def test_action_case_does_not_matter():
    assert lint(policy(allow("S3:getobject"))) == []


def test_unknown_service():
    f = only(lint(policy(allow("s4:GetObject"))), "unknown_service")
    assert f.data["service"] == "s4"
    assert f.data["suggestions"][0] == "s3:GetObject"
    assert "unknown_action" not in codes(lint(policy(allow("s4:GetObject"))))


def test_wildcard_that_matches_nothing():
    f = only(lint(policy(allow("s3:Fetch*"))), "action_matches_nothing")
    assert f.data["action"] == "s3:Fetch*"
    assert "action_matches_nothing" not in codes(lint(policy(allow("s3:Get*"))))
    assert "action_matches_nothing" not in codes(lint(policy(allow("*"))))


def test_unknown_action_in_not_action_is_reported_too():
    doc = policy({"Effect": "Deny", "NotAction": "iam:CreateUsr", "Resource": "*"})
    f = only(lint(doc), "unknown_action")
    assert f.path == "Statement[0].NotAction"


@pytest.mark.parametrize(
    ("resource", "problem"),
    [
        ("arn:aws:s3:my-bucket", "too_few_segments"),
        ("arn:amazon:s3:::my-bucket", "unknown_partition"),
        ("arn:aws::us-east-1:111122223333:thing", "empty_service"),
        ("arn:aws:s3:::", "empty_resource"),
    ],
)
def test_malformed_arn(resource, problem):
    f = only(lint(policy(allow("s3:GetObject", resource))), "malformed_arn")
    assert f.severity == "error"
    assert f.data == {"resource": resource, "problem": problem}
    assert f.path == "Statement[0].Resource"


@pytest.mark.parametrize("resource", ["arn:", "arn:aws", "arn:aws:"])
def test_an_arn_cut_short_before_its_service_is_a_finding_not_a_crash(resource):
    """What a learner has typed half-way ("arn:aws") once crashed the linter with an IndexError
    (the short-ARN fix lower-cased a service part that was not there), and with it the
    sandbox's live findings and /api/iam/lint."""
    f = only(lint(policy(allow("s3:GetObject", resource))), "malformed_arn")
    assert f.path == "Statement[0].Resource"
    f = only(
        lint_case({"identity_policies": [policy(allow("s3:GetObject", resource))]}), "malformed_arn"
    )
    assert f.path == "identity_policies[0].Statement[0].Resource"


@pytest.mark.parametrize("source", [True, 5, None, [[]], [{}], ["a"]])
def test_a_decoded_value_that_is_not_an_object_is_one_invalid_policy_finding(source):
    """lint() takes decoded JSON: any value that is not an object is the parser's error, as
    text is, never a TypeError/ValueError from turning it into a dict."""
    findings = lint(source)
    assert codes(findings) == ["invalid_policy"]
    assert findings[0].severity == "error"


@pytest.mark.parametrize(
    ("resource", "fix"),
    [
        ("arn:aws:s3:my-bucket", "Did you mean 'arn:aws:s3:::my-bucket'?"),
        ("arn:aws:s3::my-bucket", "Did you mean 'arn:aws:s3:::my-bucket'?"),
        ("arn:aws:dynamodb:table/orders", "Did you mean 'arn:aws:dynamodb:*:*:table/orders'? Or"),
        ("arn:aws:S3:my-bucket", "Did you mean 'arn:aws:s3:::my-bucket'?"),  # prefix lowercase
    ],
)
def test_a_short_arn_without_a_wildcard_is_offered_its_likely_fix(resource, fix):
    """The same fix `short_arn` offers a short pattern with a wildcard: its Region and account
    filled as its service's ARNs have them (IAM Resource element: an ARN's six parts)."""
    f = only(lint(policy(allow("s3:GetObject", resource))), "malformed_arn")
    assert f.message.startswith(f"{resource!r} is not a well-formed ARN: an ARN has six parts")
    assert fix in f.message


@pytest.mark.parametrize(
    ("resource", "completed"),
    [
        ("arn:aws:sqs", "arn:aws:sqs:*:*:*"),
        ("arn:aws:sqs:us-east-1", "arn:aws:sqs:us-east-1:*:*"),
        ("arn:aws:iam::123456789012", "arn:aws:iam::123456789012:*"),
    ],
)
def test_an_incomplete_arn_in_an_identity_policy_is_read_completed_and_said(resource, completed):
    """IAM guide, reference-arns: in an identity-based policy AWS completes an ARN of fewer
    than six fields with `*`, so `arn:aws:sqs` grants every queue: a warning saying how AWS
    reads it, not the "malformed" error a resource-based policy's gets (it matches nothing
    there)."""
    doc = policy(allow("sqs:SendMessage", resource))
    for kind in ("identity", "boundary"):
        f = only(lint(doc, kind=kind), "incomplete_arn")
        assert f.severity == "warning"
        assert f.data == {"resource": resource, "completed": completed}
        assert repr(completed) in f.message
        assert "malformed_arn" not in codes(lint(doc, kind=kind))
    resource_doc = policy({**allow("sqs:SendMessage", resource), "Principal": "*"})
    assert "incomplete_arn" not in codes(lint(resource_doc, kind="resource"))
    assert "malformed_arn" in codes(lint(resource_doc, kind="resource"))


def test_an_incomplete_arn_whose_region_is_a_resource_name_stays_malformed():
    """`arn:aws:s3:my-bucket` completes to `arn:aws:s3:my-bucket:*:*`, where `my-bucket` is the
    Region: it matches no bucket, so the error and its likely fix stay."""
    f = only(lint(policy(allow("s3:GetObject", "arn:aws:s3:my-bucket"))), "malformed_arn")
    assert "arn:aws:s3:::my-bucket" in f.message


def test_a_short_arn_of_an_unknown_service_is_offered_no_guess():
    f = only(lint(policy(allow("s3:GetObject", "arn:aws:nosuchservice:thing"))), "malformed_arn")
    assert "Did you mean" not in f.message


@pytest.mark.parametrize(
    "resource",
    [
        "arn:aws:s3:::my-bucket",
        "arn:aws:iam::111122223333:user/alice",
        "arn:aws-cn:s3:::bucket/*",
        "arn:aws:s3:*",  # the wildcard stands for the rest
        "arn:*:s3:::bucket",
        "arn:aws:s3:::home/${aws:username}/*",
    ],
)
def test_well_formed_arns_pass(resource):
    assert "malformed_arn" not in codes(lint(policy(allow("s3:GetObject", resource))))


@pytest.mark.parametrize(
    ("resource", "service"),
    [("arn:aws:*:::my-bucket/*", "*"), ("arn:aws:s3*:::my-bucket", "s3*"), ("arn:aws:*", "*")],
)
def test_a_wildcard_in_the_service_part_is_warned_about(resource, service):
    # IAM guide, Resource element: a wildcard may not stand in the service segment of an ARN.
    f = only(lint(policy(allow("s3:GetObject", resource))), "wildcard_service")
    assert f.severity == "warning"
    assert f.data == {"resource": resource, "service": service}
    assert f.path == "Statement[0].Resource"


@pytest.mark.parametrize(
    "resource", ["*", "arn:*", "arn:aws:s3:*", "arn:*:s3:::bucket", "arn:aws:s3:::b*/*"]
)
def test_wildcards_outside_the_service_part_are_not_warned_about(resource):
    assert "wildcard_service" not in codes(lint(policy(allow("s3:GetObject", resource))))


@pytest.mark.parametrize(
    ("resource", "kind"),
    [
        ("arn:aws:iam::123456789012:u*er/alice", "u*er"),
        ("arn:aws:iam::123456789012:u*", "u*"),  # the guide's own example
        ("arn:aws:iam::123456789012:*/alice", "*"),  # the whole type a wildcard is one too
        ("arn:aws:iam::123456789012:use?/alice", "use?"),
        ("arn:aws:iam::123456789012:user*", "user*"),
        ("arn:aws:iam::*:ro*/admin/*", "ro*"),
    ],
)
def test_a_wildcard_in_an_iam_arns_resource_type_is_warned_about(resource, kind):
    """IAM guide, ARNs ("Paths in ARNs") and identifiers ("IAM ARNs"): a wildcard may not
    stand in the part of an IAM ARN that names the resource type, such as `user` (the guide's
    example: `arn:aws:iam::123456789012:u*`); all users is `user/*`. The guide does not say
    what AWS then does, so the engine matches the glob and the warning says so, on the entry."""
    doc = policy(allow("iam:GetUser", ["arn:aws:iam::123456789012:user/bob", resource]))
    f = only(lint(doc), "wildcard_resource_type")
    assert f.severity == "warning"
    assert f.data == {"resource": resource, "resource_type": kind}
    assert f.path == "Statement[0].Resource[1]"
    assert f.message.startswith(
        f"{resource!r} has a wildcard in its resource-type part ({kind!r}): the IAM guide does "
        "not allow one"
    )
    assert "matched as written" in f.message and "'user/*'" in f.message


def test_a_wildcard_resource_type_is_warned_about_in_not_resource_and_in_a_case():
    deny = {"Effect": "Deny", "Action": "iam:*", "NotResource": "arn:aws:iam::123456789012:*/x"}
    f = only(lint(policy(deny)), "wildcard_resource_type")
    assert f.path == "Statement[0].NotResource"
    case = {"identity_policies": [policy(allow("iam:GetUser", "arn:aws:iam::123456789012:u*"))]}
    f = only(lint_case(case), "wildcard_resource_type")
    assert f.path == "identity_policies[0].Statement[0].Resource"


@pytest.mark.parametrize(
    "resource",
    [
        "arn:aws:iam::123456789012:user/*",  # the wildcard after the type, as the guide says
        "arn:aws:iam::123456789012:user/division_abc/*/alice",
        "arn:aws:iam::123456789012:user/app_?",
        "arn:aws:iam::*:role/x",  # in the account part
        "arn:aws:iam::123456789012:*",  # every IAM resource: what arn:aws:iam::123456789012 is
        "arn:aws:iam::*:*",
        "arn:aws:iam::123456789012:user/${aws:username}",
        "arn:aws:s3:::*-bucket",  # another service: an S3 bucket ARN has no resource type
        "arn:aws:sqs:*:123456789012:*-queue",
        "arn:aws:iam::*",  # fewer than six parts: the trailing * takes the rest
    ],
)
def test_iam_arns_with_their_type_written_out_and_other_services_are_not_warned_about(resource):
    assert "wildcard_resource_type" not in codes(lint(policy(allow("iam:GetUser", resource))))


def test_size_limit_of_a_managed_policy_ignores_white_space():
    statements = [allow("s3:GetObject", f"arn:aws:s3:::bucket-{i:04d}/*") for i in range(120)]
    doc = policy(*statements)
    size = policy_size(doc)
    assert size > SIZE_LIMITS["managed"]
    f = only(lint(doc), "policy_too_large")
    assert f.severity == "error"
    assert f.data["size"] == size and f.data["limit"] == 6_144
    # pretty-printing adds white space, not size
    assert policy_size(json.dumps(doc, indent=4)) == size
    small = policy(*statements[:10])
    padded = json.dumps(small, indent=40)
    assert len(padded) > SIZE_LIMITS["managed"]
    assert "policy_too_large" not in codes(lint(padded))


def test_size_limit_override_for_inline_policies():
    doc = policy(*[allow("s3:GetObject", f"arn:aws:s3:::bucket-{i:04d}/*") for i in range(40)])
    assert SIZE_LIMITS["inline_user"] < policy_size(doc) < SIZE_LIMITS["managed"]
    assert "policy_too_large" not in codes(lint(doc))
    f = only(lint(doc, limit=SIZE_LIMITS["inline_user"]), "policy_too_large")
    assert f.data["limit"] == 2_048


def test_size_limit_depends_on_the_kind():
    statements = [
        {"Effect": "Deny", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::b-{i:04d}/*"}
        for i in range(40)
    ]
    doc = policy(*statements)
    assert 2_048 < policy_size(doc) < 5_120
    assert "policy_too_large" in codes(lint(doc, kind="session"))
    assert "policy_too_large" not in codes(lint(doc, kind="scp"))
    assert "policy_too_large" not in codes(lint(doc, kind="identity"))


def test_duplicate_and_invalid_sids():
    doc = policy(
        allow("s3:GetObject", Sid="Read"),
        allow("s3:ListBucket", "arn:aws:s3:::reports", Sid="Read"),
    )
    f = only(lint(doc), "duplicate_sid")
    assert f.path == "Statement[1].Sid"
    bad = policy(allow("s3:GetObject", Sid="read reports"))
    assert only(lint(bad), "invalid_sid").data == {"sid": "read reports"}
    # resource-based policies (S3 bucket policies) accept spaces in Sid
    bucket = policy(allow("s3:GetObject", Sid="read reports", Principal={"AWS": "111122223333"}))
    assert "invalid_sid" not in codes(lint(bucket, kind="resource"))


# --- warnings ----------------------------------------------------------------------------


def test_write_actions_on_every_resource():
    f = only(lint(policy(allow("s3:*", "*"))), "allow_write_all_resources")
    assert f.severity == "warning"
    assert f.data["levels"] == ["Write", "Permissions management"]
    assert "s3:PutObject" in f.data["actions"] or f.data["count"] > 20
    assert f.topic == "least-privilege"
    f = only(lint(policy(allow("iam:AttachUserPolicy", "*"))), "allow_write_all_resources")
    assert f.data["levels"] == ["Permissions management"]


@pytest.mark.parametrize(
    "doc",
    [
        policy(allow("s3:Get*", "*")),  # Read only
        policy(allow("s3:PutObject", "arn:aws:s3:::reports/*")),  # scoped
        policy({"Effect": "Deny", "Action": "s3:*", "Resource": "*"}),  # a Deny grants nothing
        policy(allow("ec2:Describe*", "*")),  # List/Read
    ],
)
def test_write_on_every_resource_quiet_when_not_broad(doc):
    assert "allow_write_all_resources" not in codes(lint(doc))


def test_write_on_every_resource_not_reported_for_guardrails():
    # FullAWSAccess in an SCP and an allow-all boundary only set a ceiling
    doc = policy(allow("*", "*"))
    assert "allow_write_all_resources" in codes(lint(doc))
    assert "allow_write_all_resources" not in codes(lint(doc, kind="scp"))
    assert "allow_write_all_resources" not in codes(lint(doc, kind="boundary"))


def test_not_action_with_allow():
    doc = policy({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})
    f = only(lint(doc), "allow_with_not_action")
    assert f.path == "Statement[0].NotAction"
    deny = policy({"Effect": "Deny", "NotAction": "iam:*", "Resource": "*"})
    assert "allow_with_not_action" not in codes(lint(deny))


def test_not_resource_with_allow():
    doc = policy({"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::x/*"})
    only(lint(doc), "allow_with_not_resource")
    deny = policy({"Effect": "Deny", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::x/*"})
    assert "allow_with_not_resource" not in codes(lint(deny))


def bucket_policy(principal, **extra):
    return policy(
        {
            "Effect": "Allow",
            "Principal": principal,
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::reports/*",
            **extra,
        }
    )


@pytest.mark.parametrize("principal", ["*", {"AWS": "*"}])
def test_public_principal_without_condition(principal):
    f = only(lint(bucket_policy(principal), kind="resource"), "public_access")
    assert f.severity == "warning"
    assert f.path == "Statement[0].Principal"


def test_public_principal_quiet_with_a_condition_or_a_named_account():
    conditioned = bucket_policy(
        "*", Condition={"StringEquals": {"aws:PrincipalOrgID": "o-abc123def4"}}
    )
    assert "public_access" not in codes(lint(conditioned, kind="resource"))
    named = bucket_policy({"AWS": "arn:aws:iam::111122223333:root"})
    assert "public_access" not in codes(lint(named, kind="resource"))


def test_not_principal_with_allow():
    doc = policy(
        {
            "Effect": "Allow",
            "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:user/bob"},
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::reports/*",
        }
    )
    only(lint(doc, kind="resource"), "allow_with_not_principal")


def test_missing_version():
    f = only(lint(policy(allow("s3:GetObject"), version=None)), "missing_version")
    assert f.severity == "warning"
    assert "missing_version" not in codes(lint(CLEAN))


def test_variables_need_version_2012():
    home = allow("s3:GetObject", "arn:aws:s3:::home/${aws:username}/*")
    found = lint(policy(home, version="2008-10-17"))
    f = only(found, "variables_need_version_2012")
    assert f.data == {"version": "2008-10-17"}
    assert "missing_version" not in codes(found)
    # no Version at all: both
    assert {"missing_version", "variables_need_version_2012"} <= set(
        codes(lint(policy(home, version=None)))
    )
    assert lint(policy(home)) == []
    # an old Version without variables is only a missing-feature, not this warning
    assert "variables_need_version_2012" not in codes(
        lint(policy(allow("s3:GetObject"), version="2008-10-17"))
    )


def test_redundant_statement():
    doc = policy(
        allow("s3:GetObject"),
        allow("s3:Get*"),
    )
    f = only(lint(doc), "redundant_statement")
    assert f.path == "Statement[0]"
    assert f.data == {"statement": 0, "covered_by": 1}


def test_a_question_mark_pattern_does_not_cover_a_star_pattern():
    doc = policy(allow("s3:GetObjec?"), allow("s3:GetObjec*"))
    f = only(lint(doc), "redundant_statement")
    assert f.path == "Statement[0]"  # covered by the `*`; the `*` is not covered by the `?`


def test_exact_duplicate_reports_only_the_later_copy():
    doc = policy(allow("s3:GetObject"), allow("s3:GetObject"))
    f = only(lint(doc), "redundant_statement")
    assert f.path == "Statement[1]"


@pytest.mark.parametrize(
    "doc",
    [
        # different resources
        policy(allow("s3:GetObject", "arn:aws:s3:::a/*"), allow("s3:Get*", "arn:aws:s3:::b/*")),
        # different effects
        policy(allow("s3:GetObject"), {**allow("s3:Get*"), "Effect": "Deny"}),
        # a condition narrows the wider statement
        policy(
            allow("s3:GetObject"),
            allow("s3:Get*", Condition={"Bool": {"aws:SecureTransport": "true"}}),
        ),
    ],
)
def test_redundant_statement_quiet_when_not_covered(doc):
    assert "redundant_statement" not in codes(lint(doc))


# --- positions and cases -----------------------------------------------------------------


def test_findings_point_at_the_element_in_text():
    text = """{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow",
     "Action": ["s3:GetObject",
                "s3:GetObjekt"],
     "Resource": "arn:aws:s3:::reports/*"}
  ]
}"""
    f = only(lint(text), "unknown_action")
    assert (f.line, f.column) == (6, 17)


def test_object_input_has_no_positions():
    f = only(lint(policy(allow("s3:GetObjekt"))), "unknown_action")
    assert f.line is None and f.column is None


def test_lint_case_prefixes_each_policy_with_its_field():
    bad = policy(allow("s3:GetObjekt"))
    case = {
        "request": {
            "principal": "arn:aws:iam::111122223333:user/alice",
            "action": "s3:GetObject",
            "resource": "arn:aws:s3:::reports/a",
        },
        "identity_policies": [CLEAN, {"name": "Named", "document": json.dumps(bad)}],
        "resource_policy": bucket_policy("*"),
        "permissions_boundary": None,
        "scp_levels": [[policy(allow("*", "*"))], [CLEAN, bad]],
        "rcp_levels": [],
    }
    found = lint_case(case)
    paths = {(f.code, f.path) for f in found}
    assert ("unknown_action", "identity_policies[1].Statement[0].Action") in paths
    assert ("public_access", "resource_policy.Statement[0].Principal") in paths
    assert ("unknown_action", "scp_levels[1][1].Statement[0].Action") in paths
    # the SCP's allow-all is a guardrail, not a grant
    assert not any(f.path.startswith("scp_levels[0]") for f in found)
    # the named policy was text: its finding has a position inside that text
    named = next(f for f in found if f.path.startswith("identity_policies[1]"))
    assert named.line == 1


def test_lint_case_reports_a_broken_policy_and_goes_on():
    case = {
        "identity_policies": ['{"Version": "2012-10-17", "Statement": [', CLEAN],
        "session_policy": policy(allow("s3:GetObjekt")),
    }
    found = lint_case(case)
    assert ("invalid_json", "identity_policies[0]") in {(f.code, f.path) for f in found}
    assert "unknown_action" in codes(found)


# --- conditions --------------------------------------------------------------------------


def conditioned(operator, key, value, effect="Allow"):
    return policy(
        {
            "Effect": effect,
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::reports/*",
            "Condition": {operator: {key: value}},
        }
    )


@pytest.mark.parametrize(
    ("operator", "key", "value", "severity"),
    [
        ("NumericLessThan", "aws:SourceIp", "10", "error"),
        ("IpAddress", "aws:username", "203.0.113.0/24", "error"),
        ("DateGreaterThan", "aws:username", "2026-01-01T00:00:00Z", "error"),
        ("Bool", "aws:CurrentTime", "true", "error"),
        ("NumericLessThanIfExists", "aws:SecureTransport", "1", "error"),
        # text comparison of a typed key can work, but is not what the key is for
        ("StringEquals", "aws:SecureTransport", "true", "warning"),
        ("ArnLike", "aws:PrincipalOrgID", "o-*", "warning"),
    ],
)
def test_operator_of_the_wrong_type(operator, key, value, severity):
    f = only(lint(conditioned(operator, key, value)), "condition_type_mismatch")
    assert f.severity == severity
    assert f.data["operator"] == operator and f.data["key"] == key
    assert f.path == f"Statement[0].Condition.{operator}.{key}"
    assert f.topic == "conditions-and-variables"


@pytest.mark.parametrize(
    ("operator", "key", "sentence"),
    [
        ("NumericLessThan", "aws:SourceIp", "Use an IpAddress or NotIpAddress operator."),
        ("Bool", "aws:PrincipalArn", "Use an Arn operator."),
        ("IpAddress", "aws:CurrentTime", "Use a Date operator."),
    ],
)
def test_the_wrong_type_names_the_operator_to_use_in_plain_english(operator, key, sentence):
    f = only(lint(conditioned(operator, key, "x")), "condition_type_mismatch")
    assert f.message.endswith(sentence)


@pytest.mark.parametrize(
    ("operator", "key", "value"),
    [
        ("IpAddress", "aws:SourceIp", "203.0.113.0/24"),
        ("NotIpAddress", "AWS:SOURCEIP", "2001:db8::/32"),
        ("DateLessThan", "aws:CurrentTime", "2026-12-31T23:59:59Z"),
        ("NumericLessThan", "aws:EpochTime", "1800000000"),
        ("DateLessThan", "aws:EpochTime", "1800000000"),
        ("NumericLessThan", "aws:MultiFactorAuthAge", "3600"),
        ("BoolIfExists", "aws:MultiFactorAuthPresent", "true"),
        ("StringEquals", "aws:PrincipalArn", "arn:aws:iam::111122223333:role/admin"),
        ("ArnLike", "aws:SourceArn", "arn:aws:sns:*:111122223333:*"),
        ("StringEquals", "aws:ResourceTag/team", "blue"),
        ("StringLike", "s3:prefix", "home/*"),
        ("NumericLessThanEquals", "s3:max-keys", "10"),
        ("Null", "aws:SourceIp", "true"),
        ("StringEquals", "myapp:UnknownKey", "x"),  # unknown service key: nothing to check
    ],
)
def test_operator_of_the_right_type(operator, key, value):
    found = lint(conditioned(operator, key, value))
    assert found == [], codes(found)


@pytest.mark.parametrize(
    ("operator", "key", "value", "expected"),
    [
        ("NumericLessThan", "aws:MultiFactorAuthAge", "an hour", "Numeric"),
        ("IpAddress", "aws:SourceIp", "300.1.2.3", "IPAddress"),
        ("DateGreaterThan", "aws:CurrentTime", "yesterday", "Date"),
        ("Bool", "aws:SecureTransport", "yes", "Bool"),
        ("Null", "aws:SourceIp", "maybe", "Bool"),
    ],
)
def test_malformed_condition_value(operator, key, value, expected):
    f = only(lint(conditioned(operator, key, value)), "malformed_condition_value")
    assert f.severity == "error"
    assert f.data["values"] == [value] and f.data["expected"] == expected


def test_a_variable_is_not_a_malformed_value():
    doc = conditioned("StringEquals", "aws:PrincipalTag/team", "${aws:ResourceTag/team}")
    assert lint(doc) == []


def test_unknown_global_condition_key():
    f = only(
        lint(conditioned("IpAddress", "aws:SourceIpAddress", "10.0.0.0/8")),
        "unknown_global_condition_key",
    )
    assert f.severity == "warning"
    assert f.data["suggestions"][0] == "aws:SourceIp"
    f = only(
        lint(conditioned("StringEquals", "aws:PrincipalTags/team", "x")),
        "unknown_global_condition_key",
    )
    assert f.data["suggestions"][0] == "aws:PrincipalTag/"


def test_set_operator_on_a_single_valued_key():
    f = only(
        lint(conditioned("ForAllValues:StringEquals", "aws:username", "alice")),
        "set_operator_on_single_valued_key",
    )
    assert f.data["set_operator"] == "ForAllValues"
    assert lint(conditioned("ForAllValues:StringEquals", "aws:TagKeys", ["team"])) == []


def test_plain_operator_on_a_multivalued_key():
    only(
        lint(conditioned("StringEquals", "aws:TagKeys", "team")),
        "multivalued_key_needs_set_operator",
    )
    assert lint(conditioned("ForAnyValue:StringEquals", "aws:TagKeys", "team")) == []


def test_mfa_deny_that_misses_access_keys():
    doc = conditioned("Bool", "aws:MultiFactorAuthPresent", "false", effect="Deny")
    f = only(lint(doc), "mfa_deny_misses_missing_key")
    assert f.topic == "mfa"
    fixed = conditioned("BoolIfExists", "aws:MultiFactorAuthPresent", "false", effect="Deny")
    assert lint(fixed) == []
    allow_mfa = conditioned("Bool", "aws:MultiFactorAuthPresent", "true")
    assert lint(allow_mfa) == []


# --- actions and the resources they act on -------------------------------------------------


@pytest.mark.parametrize(
    ("action", "resource"),
    [
        ("s3:ListBucket", "arn:aws:s3:::reports/*"),  # a bucket action on objects
        ("s3:GetObject", "arn:aws:s3:::reports"),  # an object action on the bucket
        ("s3:GetObject", "arn:aws:s3:eu-west-1::reports/*"),  # S3 ARNs have no region
        ("dynamodb:GetItem", "arn:aws:dynamodb:eu-west-1:111122223333:table/t/index/*"),
    ],
)
def test_action_that_cannot_act_on_any_listed_resource(action, resource):
    f = only(lint(policy(allow(action, resource))), "action_resource_mismatch")
    assert f.severity == "warning"
    assert f.data["action"] == action
    assert f.data["arn_formats"]
    assert f.path == "Statement[0].Resource"


@pytest.mark.parametrize(
    ("action", "resource"),
    [
        ("s3:ListBucket", "arn:aws:s3:::reports"),
        ("s3:GetObject", "arn:aws:s3:::reports*"),  # could be an object of `reports-2026`
        ("s3:GetObject", "arn:aws:s3:::home/${aws:username}/*"),
        ("iam:GetUser", "arn:aws:iam::111122223333:user/division/alice"),  # paths have `/`
        ("secretsmanager:GetSecretValue", "arn:aws:secretsmanager:*:*:secret:prod/db/*"),
        ("logs:PutLogEvents", "arn:aws:logs:*:*:log-group:/app/x:*"),
        ("dynamodb:Query", "arn:aws:dynamodb:eu-west-1:111122223333:table/t/index/*"),
        ("s3:GetObject", "*"),
        ("s3:Get*", "arn:aws:s3:::reports"),  # a pattern: some of its actions fit
    ],
)
def test_action_and_resource_that_fit(action, resource):
    found = codes(lint(policy(allow(action, resource))))
    assert "action_resource_mismatch" not in found
    assert "action_needs_all_resources" not in found


def test_a_mismatch_names_each_resource_type_the_action_acts_on_with_its_arn():
    """The message lists the action's resource types with their ARN formats (every one, not
    the first format alone, which for s3:GetObject was the access point's), without "a"
    before a type's name ("a accesspointobject")."""
    f = only(
        lint(policy(allow("s3:GetObject", "arn:aws:s3:::reports"))), "action_resource_mismatch"
    )
    assert f.message.startswith("s3:GetObject acts on the resource types accesspointobject (")
    assert " or object (arn:${Partition}:s3:::${BucketName}/${ObjectName})," in f.message
    assert " a accesspointobject" not in f.message
    one = only(
        lint(policy(allow("dynamodb:GetItem", "arn:aws:dynamodb:*:*:table/t/index/*"))),
        "action_resource_mismatch",
    )
    assert one.message.startswith("dynamodb:GetItem acts on one resource type, table (arn:")


def test_a_mismatch_of_an_action_with_many_resource_types_counts_the_rest():
    f = only(lint(policy(allow("ec2:CreateTags", "arn:aws:s3:::x"))), "action_resource_mismatch")
    others = len(f.data["resource_types"]) - 4
    assert others > 0 and f.message.count("(arn:") == 4
    assert f" or {others} other types, and none" in f.message


def test_a_full_arn_with_its_service_in_capitals_says_so_not_that_no_type_fits():
    """Access Analyzer's "Invalid ARN service case": `arn:aws:S3:::reports/*` is well formed
    but matches nothing, as IAM matches ARN parts case-sensitively; its warning says why and
    gives the lowercase fix, and no resource-type warning hides the cause."""
    found = lint(policy(allow("s3:GetObject", "arn:aws:S3:::reports/*")))
    assert codes(found) == ["arn_service_case"]
    f = only(found, "arn_service_case")
    assert f.data == {
        "resource": "arn:aws:S3:::reports/*",
        "service": "S3",
        "prefix": "s3",
        "suggestion": "arn:aws:s3:::reports/*",
    }
    assert f.message.endswith("Did you mean 'arn:aws:s3:::reports/*'?")
    assert "arn_service_case" not in codes(
        lint(policy(allow("s3:GetObject", "arn:aws:NoSuch:::x/*")))
    )


def test_action_that_only_takes_every_resource():
    doc = policy(allow("ec2:DescribeInstances", "arn:aws:ec2:*:111122223333:instance/*"))
    f = only(lint(doc), "action_needs_all_resources")
    assert f.data == {"action": "ec2:DescribeInstances"}
    assert lint(policy(allow("ec2:DescribeInstances", "*"))) == []


def adversarial_patterns() -> str:
    """Resource patterns whose wildcards a naive matcher would search exponentially."""
    resources = ["arn:aws:s3:::" + "*a" * 60 + f"/x/{i}" for i in range(40)]
    doc = policy(
        allow(
            ["s3:ListBucket", "s3:GetObject", "dynamodb:GetItem", "kms:Decrypt"],
            resources,
        )
    )
    return json.dumps(doc)


def test_resource_type_check_decides_adversarial_patterns():
    """Its time (bounded, never exponential) is checked by `make bench` (tests/bench/
    test_bounded_work_bench.py)."""
    found = lint(adversarial_patterns())
    mismatched = {f.data["action"] for f in found if f.code == "action_resource_mismatch"}
    assert "s3:GetObject" not in mismatched  # objects do fit `bucket/x/...`
    assert mismatched <= {"s3:ListBucket", "dynamodb:GetItem", "kms:Decrypt"}


def test_a_role_trust_policy_without_resource_is_not_an_allow_on_every_resource():
    """A trust policy has no Resource element by design: it applies to the role it sits on.
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html"""
    trust = (
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
        '"Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "sts:AssumeRole"}]}'
    )
    assert [
        f.code for f in lint(trust, kind="resource") if f.code == "allow_write_all_resources"
    ] == []


# --- short ARN patterns (cases in tests/iam/cases carrying `expect_warnings`) -------------

CASES_DIR = Path(__file__).resolve().parent / "cases"
WARNED_CASES = [
    pytest.param(case, id=f"{path.name}::{case['name']}")
    for path in sorted(CASES_DIR.glob("*.json"))
    for case in json.loads(path.read_text(encoding="utf-8"))
    if "expect_warnings" in case
]


def test_there_are_cases_with_expected_warnings():
    assert any(c.values[0]["expect_warnings"] for c in WARNED_CASES)
    assert any(not c.values[0]["expect_warnings"] for c in WARNED_CASES)


@pytest.mark.parametrize("case", WARNED_CASES)
def test_resource_warnings_of_a_case(case):
    """Rule (the case's `doc`, IAM Resource element / ARN format): an ARN has six
    colon-separated parts; a shorter pattern that no ARN of its service can match is warned
    about, a broad but well-formed one (`arn:aws:s3:*`, `arn:aws:s3:::*`, `*`) is not."""
    found = [f for f in lint_case(case) if f.path.endswith(".Resource")]
    assert [f.code for f in found if f.severity == "warning"] == case["expect_warnings"]
    assert not [f for f in found if f.severity == "error"]


# --- RCP syntax (cases in tests/iam/cases carrying `expect_error` or `expect_findings`) ------

RCP_CASES = [
    pytest.param(case, id=f"{path.name}::{case['name']}")
    for path in sorted(CASES_DIR.glob("*.json"))
    for case in json.loads(path.read_text(encoding="utf-8"))
    if "expect_findings" in case or "expect_error" in case
]


def test_there_are_cases_with_expected_rcp_findings():
    kinds = {
        ("expect_error" in c.values[0], bool(c.values[0].get("expect_findings"))) for c in RCP_CASES
    }
    assert {(True, False), (False, True), (False, False)} <= kinds


@pytest.mark.parametrize("case", RCP_CASES)
def test_the_findings_of_an_organization_policy_case(case):
    """Rule (the case's `doc`, AWS Organizations "RCP syntax"): a policy AWS Organizations
    would refuse is one error finding where the engine refuses the case, beside the policy it
    concerns, linked to the lesson on SCPs and RCPs; what the page leaves open is a warning
    beside a policy that is still evaluated, and a policy the page allows has no finding."""
    found = [f for f in lint_case(case) if f.path.startswith("rcp_levels")]
    if "expect_error" in case:
        (error,) = [f for f in found if f.severity == "error"]
        assert {"code": error.code, "path": error.path} == case["expect_error"]
        assert error.topic == Topic.SCPS and "RCP syntax" in error.message
    else:
        said = [{"code": f.code, "severity": f.severity, "path": f.path} for f in found]
        assert said == case["expect_findings"]


def test_an_rcp_finding_points_at_its_line_and_names_the_page():
    text = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"},
                {"Effect": "Deny", "Principal": "*", "NotAction": "s3:Get*", "Resource": "*"},
            ],
        },
        indent=2,
    )
    (f,) = lint(text, kind="rcp")
    assert (f.code, f.severity, f.path) == ("rcp_not_action", "error", "Statement[1].NotAction")
    assert (f.line, f.column) == (13, 7)  # at the key, as for Principal in an SCP
    assert 'AWS Organizations User Guide, "RCP syntax"' in f.message


def test_the_same_statements_are_not_rcp_findings_in_other_policies():
    """The RCP rules are the RCP's: a bucket policy may allow, name a principal and use
    NotAction, and an SCP may use "*" alone as its Action."""
    bucket = policy(
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
            "NotAction": "s3:Delete*",
            "Resource": "arn:aws:s3:::reports/*",
        }
    )
    assert not [f for f in lint(bucket, kind="resource") if f.severity == "error"]
    scp = policy({"Effect": "Deny", "Action": "*", "Resource": "*"})
    assert not [f for f in lint(scp, kind="scp") if f.code.startswith("rcp")]


def test_a_short_arn_warning_says_what_is_wrong_and_the_likely_fix():
    f = only(lint(policy(allow("s3:GetObject", "arn:aws:s3:reports/*"))), "short_arn")
    assert f.severity == "warning" and f.path == "Statement[0].Resource"
    assert f.data["suggestion"] == "arn:aws:s3:::reports/*" and f.data["parts"] == 4
    assert "six" in f.message and "Region" in f.message
    assert f.message.endswith("Did you mean 'arn:aws:s3:::reports/*'?")


@pytest.mark.parametrize(
    ("resource", "start", "fix"),
    [
        ("arn:aws:S3:reports/*", "'arn:aws:S3:reports/*' has 4", "arn:aws:s3:::reports/*"),
        ("arn:aws:S3:*", "'arn:aws:S3:*' matches no s3 resource: its", "arn:aws:s3:*"),
    ],
)
def test_a_short_arn_with_its_service_in_capitals_says_the_prefix_is_lowercase(
    resource, start, fix
):
    """Access Analyzer's "Invalid ARN service case": a resource ARN's service is its prefix,
    capitalisation included, and IAM matches ARN parts case-sensitively: `S3` matches no S3
    resource, so the warning says the prefix is lowercase and the fix writes it so."""
    f = only(lint(policy(allow("s3:GetObject", resource))), "short_arn")
    assert f.message.startswith(start)
    assert (
        "service prefix is written 'S3', where service prefixes are lowercase ('s3')" in f.message
    )
    assert f.data["suggestion"] == fix and f.data["prefix"] == "s3"
    assert f.message.endswith(f"Did you mean {fix!r}?")


@pytest.mark.parametrize(
    "resource",
    [
        "arn:aws:s3:us-east-*",  # could be an access point's Region: not shown impossible
        "arn:aws:nosuchservice:x/*",  # a service the catalogue does not know
        "arn:aws:s3:${aws:username}/*",  # a variable's colon is not a separator
        "arn:aws:*",  # wildcard_service speaks to this one
    ],
)
def test_short_patterns_that_might_match_are_not_warned_about(resource):
    assert "short_arn" not in codes(lint(policy(allow("s3:GetObject", resource))))


@pytest.mark.parametrize("case", ["text", [], 5, None])
def test_lint_case_of_something_that_is_not_a_case_finds_nothing(case):
    """Malformed cases are the evaluator's to refuse; the linter must not crash first."""
    assert lint_case(case) == []


def test_condition_keys_differing_only_in_case_are_an_error():
    """IAM Access Analyzer, "Error - Duplicate keys with different case"
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html):
    key names are case-insensitive, so IAM refuses the same key twice under one operator."""
    text = json.dumps(
        policy(
            allow(
                "s3:GetObject",
                Condition={
                    "StringEquals": {
                        "aws:PrincipalTag/team": "red",
                        "aws:principaltag/TEAM": "blue",
                    }
                },
            )
        ),
        indent=2,
    )
    f = only(lint(text), "duplicate_keys_with_different_case")
    assert f.severity == "error"
    assert f.path == "Statement[0].Condition.StringEquals.aws:principaltag/TEAM"
    # placed at the second key's value, as the other condition findings are
    line = text.splitlines()[f.line - 1]
    assert line.strip() == '"aws:principaltag/TEAM": "blue"'
    assert line[f.column - 1 :] == '"blue"'
    assert f.data["duplicate_of"] == "aws:PrincipalTag/team"


def test_the_same_key_under_two_operators_is_not_a_duplicate():
    doc = policy(
        allow(
            "s3:GetObject",
            Condition={
                "StringLike": {"aws:PrincipalTag/team": "r*"},
                "StringNotEquals": {"aws:principaltag/team": "rogue"},
            },
        )
    )
    assert "duplicate_keys_with_different_case" not in codes(lint(doc))


@pytest.mark.parametrize(
    ("principal", "path"),
    [
        ({"AWS": "arn:aws:iam::111122223333:role/app-*"}, "Statement[0].Principal.AWS"),
        (
            {"AWS": ["111122223333", "arn:aws:iam::*:root"]},
            "Statement[0].Principal.AWS[1]",
        ),
        ({"Service": "*.amazonaws.com"}, "Statement[0].Principal.Service"),
    ],
)
def test_a_wildcard_inside_a_principal_is_an_error(principal, path):
    """Principal element page (reference_policies_elements_principal.html): a wildcard cannot
    match part of a principal name or ARN. The decision already treats such a value as naming
    no one (fidelity_round_four, "a Principal ARN with a partial wildcard matches no role");
    the linter said nothing, so a learner saw a silent implicit deny."""
    doc = policy(
        {"Effect": "Allow", "Principal": principal, "Action": "s3:GetObject", "Resource": "*"}
    )
    f = only(lint(doc, kind="resource"), "wildcard_in_principal")
    assert f.severity == "error" and f.path == path


def test_principal_star_alone_is_not_a_wildcard_error():
    for principal in ("*", {"AWS": "*"}, {"AWS": ["*", "111122223333"]}):
        doc = policy(
            {"Effect": "Allow", "Principal": principal, "Action": "s3:GetObject", "Resource": "*"}
        )
        assert "wildcard_in_principal" not in codes(lint(doc, kind="resource"))


# --- a key written twice in one object ---------------------------------------------------------


def _in_statement(body: str) -> str:
    return '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {' + body + "}\n  ]\n}"


def _place(marked: str, mark: str) -> tuple[int, int]:
    """Line and column of `mark` in `marked` once every mark is taken out."""
    before = marked[: marked.index(mark)].replace("«", "").replace("»", "")
    return before.count("\n") + 1, len(before) - before.rfind("\n")


# Each policy marks where a key is first written («) and where it is written again (»), which
# is where the warning points. Rule: the grammar page (reference_policies_grammar.html) points
# to RFC 7159 for JSON, where an object's names SHOULD be unique and readers differ on a repeat;
# IAM accepts the policy and does not document which value it keeps.
REPEATED_KEYS = [
    pytest.param(
        "identity",
        _in_statement(
            '«"Effect": "Allow", "Action": "s3:GetObject",\n'
            '      "Resource": "arn:aws:s3:::reports/*", »"Effect": "Deny"'
        ),
        "Statement[0].Effect",
        "Effect",
        "policies",
        "in this statement",
        id="effect",
    ),
    pytest.param(
        "identity",
        _in_statement(
            '"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",\n'
            '      "Condition": {\n'
            '        «"StringEquals": {"aws:PrincipalTag/team": "finance"},\n'
            '        »"StringEquals": {"aws:RequestedRegion": "eu-west-1"}\n'
            "      }"
        ),
        "Statement[0].Condition.StringEquals",
        "StringEquals",
        "conditions-and-variables",
        "Write one StringEquals block holding the keys of both.",
        id="operator-block",
    ),
    pytest.param(
        "identity",
        _in_statement(
            '"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",\n'
            '      «"Condition": {"Bool": {"aws:SecureTransport": "true"}},\n'
            '      »"Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}'
        ),
        "Statement[0].Condition",
        "Condition",
        "conditions-and-variables",
        "Write one Condition holding the conditions of both.",
        id="condition-element",
    ),
    pytest.param(
        "identity",
        _in_statement(
            '"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",\n'
            '      "Condition": {"StringEquals": {«"aws:username": "ana", »"aws:username": "bo"}}'
        ),
        "Statement[0].Condition.StringEquals.aws:username",
        "aws:username",
        "conditions-and-variables",
        "first at column",  # on the same line: its column
        id="condition-key-same-line",
    ),
    pytest.param(
        "resource",
        _in_statement(
            '"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",\n'
            '      "Principal": {«"AWS": "111122223333",\n'
            '                    »"AWS": "arn:aws:iam::444455556666:root"}'
        ),
        "Statement[0].Principal.AWS",
        "AWS",
        "policies",
        "Keep one, with all its values in one list.",
        id="principal-type",
    ),
    pytest.param(
        "identity",
        '{\n  «"Version": "2008-10-17",\n  »"Version": "2012-10-17",\n'
        '  "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}\n}',
        "Version",
        "Version",
        "policies",
        "at the policy's top level",
        id="top-level",
    ),
    pytest.param(
        "identity",
        _in_statement(
            '"Effect": "Allow", «"Action": "s3:GetObject",\n'
            '      "Resource": "*", »"Act\\u0069on": "s3:*"'
        ),
        "Statement[0].Action",
        "Action",
        "policies",
        "Keep one, with the value you mean.",
        id="same-key-escaped",
    ),
]


@pytest.mark.parametrize(("kind", "marked", "path", "key", "topic", "words"), REPEATED_KEYS)
def test_a_key_written_twice_is_a_warning_at_the_repeat(kind, marked, path, key, topic, words):
    text = marked.replace("«", "").replace("»", "")
    line, column = _place(marked, "»")
    first_line, first_column = _place(marked, "«")
    f = only(lint(text, kind=kind), "duplicate_key")
    assert (f.severity, f.path, f.line, f.column) == ("warning", path, line, column)
    assert f.data == {"key": key, "first_line": first_line, "first_column": first_column}
    assert f.topic == topic
    assert f.message.startswith(f"{key!r} is written twice ")
    earlier = (
        f"first at column {first_column} of this line"
        if first_line == line
        else f"first on line {first_line}."
    )
    assert earlier in f.message
    assert "this sandbox uses the last" in f.message
    assert "AWS does not document which one it keeps" in f.message
    assert words in f.message


@pytest.mark.parametrize("effects", [("Allow", "Deny"), ("Deny", "Allow")])
def test_the_last_of_a_repeated_key_is_the_one_evaluated(effects):
    """What the warning says the sandbox does: the later Effect decides."""
    from srm_trainer.iam import evaluate

    first, last = effects
    text = _in_statement(
        f'"Effect": "{first}", "Action": "s3:GetObject", "Resource": "*", "Effect": "{last}"'
    )
    case = {
        "request": {
            "principal": "arn:aws:iam::111122223333:user/alice",
            "action": "s3:GetObject",
            "resource": "arn:aws:s3:::reports/q1.csv",
            "resource_account": "111122223333",
        },
        "identity_policies": [text],
    }
    assert evaluate(case).decision == ("ExplicitDeny" if last == "Deny" else "Allow")
    (f,) = [f for f in lint_case(case) if f.code == "duplicate_key"]
    assert f.path == "identity_policies[0].Statement[0].Effect" and f.line == 4


def test_a_key_written_three_times_is_two_warnings_naming_the_first():
    text = _in_statement(
        '"Effect": "Allow",\n "Action": "s3:GetObject",\n "Action": "s3:PutObject",\n'
        ' "Action": "s3:ListBucket", "Resource": "*"'
    )
    found = [f for f in lint(text) if f.code == "duplicate_key"]
    assert [(f.line, f.data["first_line"]) for f in found] == [(6, 5), (7, 5)]
    assert found[0].message.startswith("'Action' is written twice in this statement")
    assert found[1].message.startswith("'Action' is written three times in this statement")


@pytest.mark.parametrize(
    "text",
    [
        # the same keys in different objects
        json.dumps(CLEAN, indent=2),
        json.dumps(
            policy(
                allow(
                    "s3:GetObject",
                    Condition={
                        "StringEquals": {"aws:username": "ana"},
                        "StringNotEquals": {"aws:username": "bo"},
                    },
                )
            )
        ),
        # keys that differ in case are different JSON keys (condition keys: another finding)
        json.dumps(
            policy(
                allow(
                    "s3:GetObject",
                    Condition={"StringEquals": {"aws:username": "a", "AWS:username": "b"}},
                )
            )
        ),
    ],
    ids=["two-statements", "key-under-two-operators", "differing-in-case"],
)
def test_keys_written_once_per_object_are_no_repeat(text):
    assert "duplicate_key" not in codes(lint(text))


def test_only_the_repeated_object_is_reported_not_the_keys_both_copies_hold():
    """Two Condition elements each holding StringEquals: one repeat (Condition); the
    StringEquals of each are in different objects."""
    text = _in_statement(
        '"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",\n'
        '"Condition": {"StringEquals": {"aws:username": "a"}},\n'
        '"Condition": {"StringEquals": {"aws:username": "b"}}'
    )
    assert [f.path for f in lint(text) if f.code == "duplicate_key"] == ["Statement[0].Condition"]


def test_findings_after_a_repeat_point_at_the_value_that_is_used():
    text = _in_statement(
        '"Effect": "Allow",\n"Action": "s3:GetObject",\n"Action": "s3:GetObjekt",\n"Resource": "*"'
    )
    f = only(lint(text), "unknown_action")
    assert (f.path, f.line) == ("Statement[0].Action", 6)
