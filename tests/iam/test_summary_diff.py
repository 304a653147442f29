"""The effective-permissions summary and the policy diff, decided by the engine."""

from __future__ import annotations

import pytest

from srm_trainer.iam import CaseError, catalog
from srm_trainer.iam.diff import diff, diff_request
from srm_trainer.iam.summary import summarize


def policy(*statements: dict) -> dict:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action, resource="*", **extra) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action, resource="*", **extra) -> dict:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


# Read-only S3, written the way AWS's managed policy is (Get/List/Describe on everything).
S3_READ_ONLY = policy(allow(["s3:Get*", "s3:List*", "s3:Describe*"]))

LEVELS = [
    # (policy set, service, {level: expected access})
    pytest.param(
        {"identity_policies": [S3_READ_ONLY]},
        "s3",
        {"List": "full", "Write": "none", "Permissions management": "none", "Tagging": "none"},
        id="s3-read-only",
    ),
    pytest.param(
        {"identity_policies": [policy(allow("s3:*"))]},
        "s3",
        {level: "full" for level in ("List", "Read", "Write", "Permissions management")},
        id="s3-full",
    ),
    pytest.param(
        {
            "identity_policies": [policy(allow("s3:*"))],
            "permissions_boundary": policy(allow(["s3:Get*", "s3:List*"])),
        },
        "s3",
        {"List": "full", "Write": "none", "Tagging": "none"},
        id="boundary-caps-s3-star",
    ),
    pytest.param(
        {
            "identity_policies": [policy(allow("s3:*"))],
            "scp_levels": [[policy(allow("*"))], [policy(allow("s3:List*"))]],
        },
        "s3",
        {"List": "full", "Read": "none", "Write": "none"},
        id="scp-level-caps",
    ),
    pytest.param(
        {"identity_policies": [policy(allow("s3:*", "arn:aws:s3:::reports/*"))]},
        "s3",
        {"Write": "partial"},
        id="resource-limited-is-partial",
    ),
    pytest.param(
        {"identity_policies": [policy(allow("s3:*"), deny("s3:Put*"))]},
        "s3",
        {"List": "full"},
        id="unconditional-deny",
    ),
]


@pytest.mark.parametrize(("policies", "service", "expected"), LEVELS)
def test_levels(policies, service, expected):
    summary = summarize(policies)
    levels = {lv.level: lv.access for lv in summary.service(service).levels}
    for level, access in expected.items():
        assert levels[level] == access, level


def test_read_only_counts_every_read_action_the_patterns_cover():
    s3 = summarize(S3_READ_ONLY).service("s3")
    read = next(lv for lv in s3.levels if lv.level == "Read")
    read_actions = [a for a in catalog.actions("s3") if catalog.access_level(a) == "Read"]
    covered = [a for a in read_actions if a.split(":")[1].startswith(("Get", "List", "Describe"))]
    assert read.full == len(covered)
    assert read.total == len(read_actions)
    assert read.access == ("full" if len(covered) == len(read_actions) else "partial")


def test_resource_limit_is_named():
    summary = summarize(policy(allow("s3:PutObject", "arn:aws:s3:::uploads/*")))
    put = summary.by_action["s3:PutObject"]
    assert put.access == "partial"
    assert put.resources == ("arn:aws:s3:::uploads/*",)
    assert summary.by_action["s3:DeleteObject"].access == "none"


def test_condition_limit_is_named():
    cond = {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    summary = summarize(policy(allow("s3:GetObject", Condition=cond)))
    get = summary.by_action["s3:GetObject"]
    assert get.access == "partial"
    assert any("aws:MultiFactorAuthPresent" in c for c in get.conditions)


def test_conditional_deny_makes_full_partial():
    cond = {"StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}}
    summary = summarize(policy(allow("s3:*"), deny("s3:DeleteObject", Condition=cond)))
    assert summary.by_action["s3:GetObject"].access == "full"
    delete = summary.by_action["s3:DeleteObject"]
    assert delete.access == "partial"
    assert delete.denied and any("aws:RequestedRegion" in c for c in delete.conditions)


def test_boundary_without_the_action_blocks_a_resource_limited_allow():
    summary = summarize(
        {
            "identity_policies": [policy(allow("s3:PutObject", "arn:aws:s3:::b/*"))],
            "permissions_boundary": policy(allow("s3:Get*")),
        }
    )
    assert summary.by_action["s3:PutObject"].access == "none"


def test_only_named_services_and_the_cap():
    both = policy(allow(["s3:Get*", "sqs:SendMessage"]))
    summary = summarize(both)
    assert [s.prefix for s in summary.services] == ["s3", "sqs"]
    capped = summarize(both, max_actions=len(catalog.actions("s3")))
    assert [s.prefix for s in capped.services] == ["s3"]
    assert capped.skipped == ("sqs",)


def test_star_needs_services_named():
    with pytest.raises(CaseError) as exc:
        summarize(policy(allow("*")))
    assert exc.value.path == "services"
    admin = summarize(policy(allow("*")), services=["sqs"])
    assert admin.every_service
    assert all(lv.access == "full" for lv in admin.service("sqs").levels)


def test_diff_new_put_object():
    old = policy(allow(["s3:GetObject", "s3:ListBucket"], "arn:aws:s3:::b/*"))
    new = policy(allow(["s3:GetObject", "s3:ListBucket", "s3:PutObject"], "arn:aws:s3:::b/*"))
    result = diff(old, new)
    assert [c.action for c in result.gained] == ["s3:PutObject"]
    assert result.gained[0].level == "Write"
    assert result.gained[0].to_dict()["resources"] == ["arn:aws:s3:::b/*"]
    assert not result.lost and not result.no_new_access
    back = diff(new, old)
    assert [c.action for c in back.lost] == ["s3:PutObject"] and back.no_new_access


def test_diff_widened_resource_is_new_access():
    old = policy(allow("s3:GetObject", "arn:aws:s3:::b/public/*"))
    new = policy(allow("s3:GetObject", "arn:aws:s3:::b/*"))
    assert [c.action for c in diff(old, new).gained] == ["s3:GetObject"]
    assert diff(old, old).no_new_access


def test_diff_request_errors_name_the_side():
    with pytest.raises(CaseError) as exc:
        diff_request({"old": policy(allow("s3:GetObject"))})
    assert exc.value.path == "new"
    with pytest.raises(CaseError) as exc:
        diff_request('{"old": {}, ')
    assert exc.value.line == 1


def test_conditional_deny_without_an_allow_is_none():
    cond = {"StringNotEquals": {"aws:RequestedRegion": "eu-west-1"}}
    summary = summarize(policy(allow("s3:GetObject"), deny("s3:DeleteObject", Condition=cond)))
    assert summary.by_action["s3:DeleteObject"].access == "none"


@pytest.mark.parametrize("max_listed", [None, 0, 1, 40, 100_000])
def test_a_listing_cut_short_lists_the_first_allowed_actions_and_counts_the_rest(max_listed):
    # Past the room, the allowed actions are only counted (no ActionAccess is made for them):
    # the listing must be the one cut from every allowed action of each service, read whole.
    mixed = {
        "identity_policies": [
            policy(
                allow(["s3:Get*", "ec2:Describe*", "iam:*"]),
                deny("s3:GetObject"),
                allow("kms:*", "arn:aws:kms:*:*:key/*"),
            )
        ],
        "services": ["s3", "ec2", "iam", "kms", "sqs"],
    }
    fresh = summarize(mixed)
    assert all(svc._actions is None for svc in fresh.services)  # none made yet
    body = fresh.to_dict(max_listed=max_listed)
    whole = summarize(mixed)
    room = max_listed
    for svc, said in zip(whole.services, body["services"], strict=True):
        allowed = svc.allowed  # every action of the service, made
        listed = allowed if room is None else allowed[: max(room, 0)]
        assert said["allowed"] == [a.to_dict() for a in listed]
        assert said.get("allowed_more", 0) == len(allowed) - len(listed)
        if room is not None:
            room -= len(listed)
    assert sum(len(svc.allowed) for svc in whole.services) > 40  # 40 runs out inside one


def test_an_account_wide_resource_summarises_every_service(monkeypatch):
    """A Resource whose service field is a wildcard is tried against every service's ARN
    formats; a few such entries stay within the work cap: nothing is skipped, and the answer
    is the one an unlimited cap gives."""
    from srm_trainer.iam import summary as summary_module

    wide = policy(allow("*", ["arn:aws:*:*:111122223333:*", "arn:aws:*:*:*:*"]))
    summary = summarize(wide, services=["*"])
    assert summary.skipped == ()
    monkeypatch.setattr(summary_module, "MAX_FITS", 10**9)
    assert summarize(wide, services=["*"]).to_dict() == summary.to_dict()


@pytest.mark.parametrize(
    "entry",
    [
        "arn:aws:*:*:*:" + "*a" * 900 + "b",  # 1.8 KB: 0.4 ms a format, 0.8 s in all
        "arn:aws:*:*:*:" + "*a" * 100 + "b",  # 214 characters, 100 wildcards
    ],
)
def test_a_long_or_wildcard_heavy_account_wide_resource_counts_as_many_fits(entry):
    """Trying an entry against a format steps through its positions for each of the format's:
    one entry of 900 `*a` cost 0.8 s of CPU over every service, ten of them (18 KB) 3 s, when
    each pair counted one unit of `MAX_FITS`. Now such an entry counts as many (`fit_units`)
    and the services past the cap are skipped and named, as for many entries (one entry of
    100 wildcards, 0.1 s before, now stays within ~75 ms)."""
    from srm_trainer.iam.summary import fit_units

    assert fit_units("arn:aws:*:*:*:x*") == 1
    summary = summarize(policy(allow("*", [entry])), services=["*"])
    assert summary.skipped
    assert {s.prefix for s in summary.services}.isdisjoint(summary.skipped)
    assert len(summary.services) + len(summary.skipped) == len(catalog.services())


def test_many_account_wide_resources_skip_services_rather_than_run_for_seconds():
    """A thousand `arn:aws:*:*:*:<n>*` entries over every service once took 25 s of CPU in a
    diff (each entry against ~2,000 ARN formats): past `MAX_FITS` the services are skipped
    whole and named, never half-counted; the services already done keep their verdicts."""
    many = [f"arn:aws:*:*:*:{i}*" for i in range(1000)]
    summary = summarize(policy(allow("*", many)), services=["*"])
    assert summary.skipped
    assert {s.prefix for s in summary.services}.isdisjoint(summary.skipped)
    assert len(summary.services) + len(summary.skipped) == len(catalog.services())
    changes = diff(
        {"identity_policies": [policy(allow(["s3:Get*"]))]},
        {"identity_policies": [policy(allow("*", many))]},
        services=["*"],
    )
    assert changes.skipped
