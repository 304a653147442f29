"""What the shared responsibility, IAM and organizations modules say agrees with AWS's current
documentation on the points a claim-by-claim check against it found wrong or stated too
broadly (2026-12-07, after the detection, KMS, DoS and compliance pass of the same day)."""

from __future__ import annotations

from tests.shipped import shipped_curriculum

CURRICULUM = shipped_curriculum()
LESSONS = {f"{le.module}/{le.slug}": le for le in CURRICULUM.lessons}
PASSWORD_POLICY_API = "https://docs.aws.amazon.com/IAM/latest/APIReference/API_PasswordPolicy.html"


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_hard_expiry_is_not_taught_to_make_an_administrator_reset_every_expired_password():
    """IAM API Reference, "PasswordPolicy", `HardExpiry`: the setting stops an IAM user from
    choosing a new password in the AWS Management Console once theirs has expired, but a user
    with `iam:ChangePassword` and active access keys can still reset it through the CLI or
    API. The lesson said the policy can "require an administrator to reset an expired one",
    which a learner would read as a guarantee that only an administrator can."""
    lesson = LESSONS["iam/credential-hygiene"]
    body = _flat(lesson.body)
    assert "require an administrator to reset an expired one" not in body
    policy = body.split("### The account password policy", 1)[1].split("###", 1)[0]
    assert "in the console" in policy
    assert "`iam:ChangePassword`" in policy
    assert "CLI or API" in policy
    assert PASSWORD_POLICY_API in [url for _, url in lesson.sources]
