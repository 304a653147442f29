"""The summary's resource-type rule (AWS: each action's "Resource types" column in the service
authorization reference; an empty column means no resource-level permissions, so Resource must
be "*"): a statement grants or denies an action in the summary only when some Resource entry can
name a resource of a type the action acts on. The rule's table is data
(`summary_cases/resource_types.json`); the summaries below are what a learner sees."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from srm_trainer.iam.arnfit import can_match, fits
from srm_trainer.iam.diff import diff
from srm_trainer.iam.summary import not_granted_by_resource, summarize

DOC_RESOURCE_TYPES = (
    "https://docs.aws.amazon.com/service-authorization/latest/reference/"
    "reference_policies_actions-resources-contextkeys.html"
)
DOC_SERVICE_SUMMARY = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_understand-service-summary.html"
TABLE = json.loads((Path(__file__).parent / "summary_cases" / "resource_types.json").read_text())


@pytest.mark.parametrize("row", TABLE, ids=[row["name"] for row in TABLE])
def test_a_resource_pattern_can_name_a_resource_of_the_type(row):
    """Rule (DOC_RESOURCE_TYPES): a Resource entry applies to an action only through the ARN
    formats of the resource types the action lists."""
    if row["format"] is None:
        assert fits(row["pattern"], ()) is row["can_match"]
    else:
        assert can_match(row["pattern"], row["format"]) is row["can_match"]


def policy(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


GET_REPORTS = policy({"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::reports/*"})


def access(summary, *actions):
    return {a: summary.by_action[a].access for a in actions}


def test_an_object_pattern_grants_object_actions_only():
    """Rule (DOC_SERVICE_SUMMARY, DOC_RESOURCE_TYPES): `s3:Get*` on `reports/*` grants the
    object reads; bucket, access-point and account-level reads are not granted at all."""
    result = summarize(GET_REPORTS)
    assert access(
        result,
        "s3:GetObject",
        "s3:GetObjectTagging",
        "s3:GetBucketAcl",
        "s3:GetAccessPoint",
        "s3:GetAccountPublicAccessBlock",
    ) == {
        "s3:GetObject": "partial",
        "s3:GetObjectTagging": "partial",
        "s3:GetBucketAcl": "none",
        "s3:GetAccessPoint": "none",
        "s3:GetAccountPublicAccessBlock": "none",
    }
    acl = result.by_action["s3:GetBucketAcl"].verdict
    assert acl.unfit == ("arn:aws:s3:::reports/*",)
    assert acl.why[0].code == "resource_type_mismatch"
    count, names, patterns = not_granted_by_resource(result)
    assert "s3:GetBucketAcl" in names or count > len(names)
    assert patterns == ["arn:aws:s3:::reports/*"]


def test_a_bucket_wildcard_grants_bucket_and_object_actions():
    result = summarize(
        policy({"Effect": "Allow", "Action": "s3:Get*", "Resource": "arn:aws:s3:::*"})
    )
    assert access(result, "s3:GetObject", "s3:GetBucketAcl") == {
        "s3:GetObject": "partial",
        "s3:GetBucketAcl": "partial",
    }
    # No resource-level permissions: the whole of S3 names what they act on, as AWS's example
    # policies grant s3:ListAllMyBuckets with arn:aws:s3:::* (a bucket or object entry does not).
    assert access(result, "s3:GetAccountPublicAccessBlock") == {
        "s3:GetAccountPublicAccessBlock": "partial"
    }


def test_listing_every_bucket_needs_the_whole_of_s3_not_one_bucket():
    """Rule (DOC_RESOURCE_TYPES: s3:ListAllMyBuckets has no resource types; AWS's example
    policies grant it with arn:aws:s3:::*): the whole of S3 grants it, one bucket does not."""
    whole = summarize(
        policy({"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "arn:aws:s3:::*"})
    )
    assert whole.by_action["s3:ListAllMyBuckets"].access == "partial"
    one = summarize(
        policy(
            {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "arn:aws:s3:::photos"}
        )
    )
    assert one.by_action["s3:ListAllMyBuckets"].access == "none"
    assert one.by_action["s3:ListAllMyBuckets"].verdict.why[0].code == "resource_type_mismatch"


def test_a_list_of_both_shapes_names_each_action_its_own_resource():
    result = summarize(
        policy(
            {
                "Effect": "Allow",
                "Action": "s3:Get*",
                "Resource": ["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"],
            }
        )
    )
    assert result.by_action["s3:GetObject"].resources == ("arn:aws:s3:::reports/*",)
    assert result.by_action["s3:GetBucketAcl"].resources == ("arn:aws:s3:::reports",)


def test_star_still_grants_everything_fully():
    result = summarize(policy({"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}))
    assert set(access(result, "s3:GetObject", "s3:GetBucketAcl", "s3:GetAccessPoint").values()) == {
        "full"
    }


def test_a_deny_that_cannot_name_the_resource_does_not_limit_it():
    """Denies follow the same rule: a Deny on `reports/*` limits the object actions and leaves
    the bucket ones fully allowed."""
    result = summarize(
        policy(
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "s3:Get*", "Resource": "arn:aws:s3:::reports/*"},
        )
    )
    assert access(result, "s3:GetObject", "s3:GetBucketAcl") == {
        "s3:GetObject": "partial",
        "s3:GetBucketAcl": "full",
    }
    assert result.by_action["s3:GetObject"].resources == ("except arn:aws:s3:::reports/*",)


def test_notresource_is_left_to_the_engine():
    """NotResource applies to every resource it does not list, which includes resources of
    every type: the statement still counts (as before) for bucket and object actions."""
    result = summarize(
        policy({"Effect": "Allow", "Action": "s3:Get*", "NotResource": "arn:aws:s3:::secret/*"})
    )
    assert result.by_action["s3:GetBucketAcl"].access != "none"
    assert result.by_action["s3:GetObject"].access != "none"


def test_compare_lists_only_what_the_resource_can_grant():
    """The QA report: Compare listed `s3:GetBucketAcl` etc. as newly allowed on `reports/*`."""
    old = policy({"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::reports"})
    gained = {c.action for c in diff(old, GET_REPORTS).gained}
    assert "s3:GetObject" in gained
    assert not gained & {"s3:GetBucketAcl", "s3:GetAccessPoint", "s3:GetAccountPublicAccessBlock"}


SAMPLE_ENTRIES = sorted(
    {row["pattern"] for row in TABLE}
    | {
        "arn:aws:ec2:*:*:instance/*",
        "arn:aws:ec2:us-east-1:111122223333:*",
        "arn:aws:lambda:*:*:function:*",
        "arn:aws:iam::*:role/*",
        "arn:aws:*:*:111122223333:*",
        "arn:aws:dynamodb:*:*:table/reports*",
        "arn:aws:kms:*:*:key/*",
        "arn:aws:sqs:*:*:reports",
    }
)
SAMPLE_SERVICES = ("s3", "ec2", "iam", "lambda", "dynamodb", "kms", "sqs")


def _example_arns(fmt: str) -> list[str]:
    """Concrete ARNs of a format: each placeholder filled with plain values, and a path or key
    also with one holding `/`."""
    import re

    def fill(match: re.Match[str], deep: bool) -> str:
        name = match.group(1)
        plain = {"Partition": "aws", "Region": "us-east-1", "Account": "111122223333"}
        if name in plain:
            return plain[name]
        return "reports/q1.csv" if deep and re.search("Path|ObjectName|Key", name) else "reports"

    return sorted({re.sub(r"\$\{(\w+)\}", lambda m, d=d: fill(m, d), fmt) for d in (False, True)})


def test_the_rule_never_refuses_a_resource_the_engine_matches():
    """Soundness against the engine's own Resource matching (`arn.resource_matches`): for the
    catalogue's formats of several services, an entry that matches some concrete ARN of a
    format is said to fit that format."""
    from srm_trainer.iam import catalog
    from srm_trainer.iam.arn import resource_matches

    formats = {
        f for service in SAMPLE_SERVICES for row in catalog.levelled_formats(service) for f in row
    }
    checked = 0
    for fmt in sorted(formats):
        for arn in _example_arns(fmt):
            for entry in SAMPLE_ENTRIES:
                if "${aws:" in entry:
                    continue
                if resource_matches(entry, arn):
                    checked += 1
                    assert can_match(entry, fmt), (entry, fmt, arn)
    assert checked > 200
