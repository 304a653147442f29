"""What the Organizations, denial-of-service and IAM lessons, glossary and quizzes say agrees
with the AWS documentation on the points a fact-by-fact audit found wrong, incomplete or out
of date (audit of the three modules, 2026-12-06)."""

from __future__ import annotations

import re

from tests.curriculum.shipped_quizzes import shipped_quizzes
from tests.shipped import shipped_curriculum

CURRICULUM = shipped_curriculum()
LESSONS = {f"{le.module}/{le.slug}": le for le in CURRICULUM.lessons}
GLOSSARY = {t.slug: t for t in CURRICULUM.glossary}
QUESTIONS = {q.slug: q for q in shipped_quizzes(check_cases=False).questions}


def _line(lesson: str, start: str) -> str:
    return next(line for line in LESSONS[lesson].body.split("\n") if line.startswith(start))


def test_the_privileged_root_tasks_include_auditing_the_root_credentials():
    """AWS STS API Reference, "AssumeRoot" (TaskPolicyArn): five AWS managed task policies,
    IAMAuditRootUserCredentials, IAMCreateRootUserPassword, IAMDeleteRootUserCredentials,
    S3UnlockBucketPolicy and SQSUnlockQueuePolicy. The lesson gave a closed list of the jobs a
    session can do that left out the audit one."""
    tasks = _line("iam/root-user", "- **Run privileged root")
    assert "five AWS managed task policies" in tasks
    assert re.search(r"reviewing which root credentials", tasks)


def test_member_accounts_are_not_taught_as_unable_ever_to_manage_organization_policies():
    """AWS Organizations User Guide, "Delegated administrator for AWS Organizations": the
    management account can delegate policy management (create, attach, detach policies) to
    member accounts with a resource-based delegation policy. Two feedback lines said a member
    account cannot attach organization policies at all."""
    question = QUESTIONS["org-management-account-role"]
    feedback = " ".join(c.get("feedback", "") for c in question.data["choices"])
    assert "cannot attach organization policies" not in feedback
    assert feedback.count("delegate") >= 2
    right = [c["text"] for c in question.data["choices"] if c["correct"]]
    assert right == ["The management account"]
    assert "Organizations policies" in GLOSSARY["delegated-administrator"].definition


def test_acls_are_named_as_the_policy_type_that_also_grants_across_accounts():
    """IAM User Guide, "Policies and permissions in AWS Identity and Access Management"
    (policy types): ACLs are the one non-JSON type, and grant permissions to principals in
    other accounts only; VPC endpoint policies only limit. The lesson said flatly that only
    identity-based and resource-based policies can grant."""
    body = LESSONS["iam/policy-evaluation"].body
    para = next(p for p in re.split(r"\n\s*\n", body) if "**Access control lists (ACLs)**" in p)
    para = " ".join(para.split())
    assert "can grant, but only to principals in other accounts" in para
    assert "**VPC endpoint policies** only limit" in para
    urls = [url for _, url in LESSONS["iam/policy-evaluation"].sources]
    assert "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html" in urls
    assert "Of these six" in QUESTIONS["iam-grant-or-limit"].explanation


def test_the_sts_global_endpoint_is_not_taught_as_always_us_east_1():
    """IAM User Guide, "AWS STS Regions and endpoints" (AWS STS global endpoint changes), and
    the AWS Security Blog post announcing them: since 2025, calls to sts.amazonaws.com from
    Regions enabled by default are served in that Region; only calls from opt-in Regions or
    from outside AWS still go to us-east-1. The SCP lesson and its sandbox scenario said every
    global endpoint call counts as us-east-1. (Where a call is *served* is this test's point;
    the same page says the call's `aws:RequestedRegion` is us-east-1 wherever it is served,
    which is why the SCP exempts `sts:*`: tests/lessons/test_open_points_quiz_audit.py.)"""
    body = " ".join(LESSONS["organizations/service-control-policies"].body.split())
    assert "global endpoint counts as a `us-east-1` request" not in body
    assert "calls from Regions enabled by default are served in the caller's own Region" in body
    urls = [url for _, url in LESSONS["organizations/service-control-policies"].sources]
    assert (
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_region-endpoints.html"
        in urls
    )
    scenario = next(
        sc for sc in CURRICULUM.scenarios if sc.slug == "scp-deny-outside-approved-regions"
    )
    capstone = " ".join(LESSONS["capstone/capstone"].body.split())
    assert "global endpoint count as `us-east-1`" not in capstone
    situation = " ".join(scenario.situation.split())
    assert "global endpoint counts as" not in situation
