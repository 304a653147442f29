"""What the IAM and Organizations lessons, glossary, quizzes and sandbox scenarios say agrees
with the AWS documentation on the points a learner was found to be taught wrongly, out of date
or out of context (QA of the IAM and Organizations part, 2026-12-04)."""

from __future__ import annotations

import copy
import json
import re

from quizzes.misconception_words import words
from srm_trainer.iam import evaluate
from tests.curriculum.shipped_quizzes import shipped_quizzes
from tests.shipped import shipped_curriculum

CURRICULUM = shipped_curriculum()
LESSONS = {f"{le.module}/{le.slug}": le for le in CURRICULUM.lessons}
GLOSSARY = {t.slug: t for t in CURRICULUM.glossary}
SCENARIOS = {sc.slug: sc for sc in CURRICULUM.scenarios}
ROOT_MFA_PAGE = "https://docs.aws.amazon.com/IAM/latest/UserGuide/enable-mfa-for-root.html"


def _questions():
    return {q.slug: q for q in shipped_quizzes(check_cases=False).questions}


def test_root_user_mfa_is_taught_as_required_not_only_recommended():
    """AWS requires MFA for the root user of standalone and management accounts (2024) and of
    member accounts (2025): IAM User Guide, "Multi-factor authentication for AWS account root
    user". The lessons said only "turn it on", as if it were still a recommendation."""
    root = LESSONS["iam/root-user"]
    assert ROOT_MFA_PAGE in [url for _, url in root.sources]
    step = next(p for p in root.body.split("\n") if "Turn on multi-factor" in p)
    assert "requires" in step and "member" in step and "management" in step
    assert "requires" in next(p for p in root.body.split("\n") if p.startswith("- Turn on MFA"))
    mfa = LESSONS["iam/mfa"]
    assert "requires" in next(p for p in mfa.body.split("\n\n") if "**root user** first" in p)
    assert "requires" in GLOSSARY["root-user"].definition


def test_the_root_only_table_says_an_organization_can_unlock_a_member_bucket_policy():
    """With centralized root access, the management account (or IAM's delegated administrator)
    deletes a member account's locked-out S3 bucket or SQS queue policy through a privileged
    root session (IAM User Guide, "Perform a privileged task on an AWS Organizations member
    account"), the page the lesson already names as a source."""
    row = next(
        line
        for line in LESSONS["iam/root-user"].body.split("\n")
        if line.startswith("| Edit or delete an S3 bucket policy")
    )
    assert "management account" in row and "privileged root session" in row


def test_a_wrong_answer_warns_about_the_error_it_makes_not_its_opposite():
    """After a wrong answer the learner reads "Watch out for: …" with the question's tags.
    Picking "the root user of a member account" as beyond an SCP's reach is not "thinking root
    can be limited by IAM", and answering that a group member's query is denied is not
    "thinking new users have permissions"; both tags warned about the opposite mistake."""
    questions = _questions()
    assert "thinks-root-can-be-limited-by-iam" not in questions["org-scp-exceptions"].misconceptions
    assert "thinks-scps-skip-member-root-users" in questions["org-scp-exceptions"].misconceptions
    member = questions["iam-pd-group-member"].misconceptions
    assert "thinks-new-users-have-permissions" not in member
    assert words("thinks-members-need-their-own-policy") == "thinking members need their own policy"
    # the upload is allowed: a learner who answers "denied" did not think SCPs grant
    allowed = questions["org-pd-allowed-every-level"].misconceptions
    assert "thinks-scps-grant-permissions" not in allowed


def test_no_scenario_leans_on_another_scenario():
    """A scenario is a sandbox preset opened on its own from a lesson's link, and lessons list
    different sets of them (the accounts-and-ous lesson showed "same action" after an S3
    upload): each situation and title says what it needs."""
    leaning = re.compile(r"\bsame\b|\bagain\b|\bas before\b|\bthe old\b|^Back at\b", re.I | re.M)
    said = [
        slug
        for slug, sc in SCENARIOS.items()
        if leaning.search(sc.situation) or leaning.search(sc.title)
    ]
    assert said == []


def test_a_lesson_link_to_a_preset_does_not_start_from_a_request_it_never_showed():
    """The accounts-and-ous and consolidated-billing lessons linked to "the same request from
    the management account" with no request before it. (A second link on the same line, after
    the first preset, may say "the same".)"""
    preset_link = re.compile(r"\[([^\]]*)\]\(/sandbox/\?preset=")
    said = [
        (key, texts[0])
        for key, lesson in LESSONS.items()
        for line in lesson.body.split("\n")
        if (texts := preset_link.findall(line)) and re.match(r"(?i)the same\b", texts[0])
    ]
    assert said == []


def test_the_region_scp_scenario_names_every_service_it_exempts():
    """The SCP exempts sts:* as the lesson explains (a call to STS's global endpoint carries
    us-east-1 as its requested Region), but the situation listed only the other five services."""
    names = {
        "cloudfront": "CloudFront",
        "iam": "IAM",
        "organizations": "Organizations",
        "route53": "Route 53",
        "sts": "STS",
        "support": "Support",
    }
    scenario = SCENARIOS["scp-deny-outside-approved-regions"]
    exempt = {
        action.split(":")[0]
        for level in scenario.case["scp_levels"]  # each level: a list of named policies
        for policy in level
        for statement in policy["document"]["Statement"]
        for action in statement.get("NotAction", [])
    }
    assert exempt == set(names)
    assert [names[p] for p in sorted(exempt) if names[p] not in scenario.situation] == []


def test_a_resource_policy_naming_the_role_leaves_the_boundary_and_session_policy_in_force():
    """IAM User Guide, "Policies and permissions" (session policies) and "Permissions
    boundaries": a grant to the role's or the user's ARN is still cut by the session policy
    (and a role's boundary); only a grant to the session itself is not. The lesson said naming
    "the IAM user" escaped steps 6 and 7, which is wrong for a federated user's session."""
    lesson = LESSONS["iam/policy-evaluation"]
    step = next(line for line in lesson.body.split("\n") if line.startswith("4. **Resource-based"))
    assert "names the *role*" in step and "still apply" in step
    assert "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html" in [
        url for _, url in lesson.sources
    ]


# --- Amazon Cognito (content round, 2026-12-05) -----------------------------------------------

COGNITO = "iam/cognito"


def _cognito_line(start: str) -> str:
    return next(ln for ln in LESSONS[COGNITO].body.split("\n") if ln.lstrip().startswith(start))


def test_the_cognito_sub_variable_keeps_each_app_user_in_their_own_folder():
    """IAM User Guide, "Amazon S3: Allows Amazon Cognito users to access objects in their
    bucket": `${cognito-identity.amazonaws.com:sub}` is the identity ID the identity pool gives
    the user, not the `sub` attribute in the user pool. The engine resolves it like any single
    valued key: Maya's own folder is allowed, another customer's is not."""
    scenario = SCENARIOS["cognito-identity-other-users-folder"]
    assert evaluate(scenario.case).decision == "ImplicitDeny"
    own = copy.deepcopy(scenario.case)
    maya = own["request"]["context"]["cognito-identity.amazonaws.com:sub"]
    own["request"]["resource"] = f"arn:aws:s3:::snapshot-photos/users/{maya}/passport.jpg"
    assert evaluate(own).decision == "Allow"
    note = _cognito_line("The `sub` in this variable")
    assert "identity ID from the **identity pool**" in note and "user pool" in note
    explained = _questions()["iam-pd-cognito-other-user"].explanation
    assert "not the `sub` attribute in the user pool" in explained


def test_identity_pool_roles_are_taught_to_trust_only_your_pool_and_the_right_kind_of_identity():
    """Amazon Cognito Developer Guide, "Role trust and permissions" and "Security best practices
    for Amazon Cognito identity pools": the trust policy names cognito-identity.amazonaws.com as
    a federated principal for sts:AssumeRoleWithWebIdentity, with `aud` (your identity pool) and
    `amr` (authenticated or unauthenticated) conditions; IAM requires at least one condition."""
    body = LESSONS[COGNITO].body
    trust = json.loads(re.search(r"```json\n(.*?)```", body, re.S).group(1))
    statement = trust["Statement"][0]
    assert statement["Principal"] == {"Federated": "cognito-identity.amazonaws.com"}
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity"
    assert "cognito-identity.amazonaws.com:aud" in statement["Condition"]["StringEquals"]
    amr = statement["Condition"]["ForAnyValue:StringLike"]["cognito-identity.amazonaws.com:amr"]
    assert amr == "authenticated"
    assert "IAM requires at least one condition in such a trust policy" in body


def test_user_pool_mfa_and_tokens_are_taught_as_cognito_documents_them():
    """Amazon Cognito Developer Guide, "Adding MFA to a user pool" (off, optional or required;
    SMS, email or TOTP; federated users are left to their identity provider) and "Understanding
    user pool JSON web tokens" (ID, access and refresh tokens)."""
    mfa = _cognito_line("A **user pool** keeps")
    assert "off, optional (each user may add a factor) or required" in mfa
    assert "text message, an email" in mfa and "authenticator app (TOTP)" in mfa
    assert "gets whatever checks that provider does" in mfa
    tokens = [ln for ln in LESSONS[COGNITO].body.split("\n") if ln.startswith("- an **")]
    tokens += [ln for ln in LESSONS[COGNITO].body.split("\n") if ln.startswith("- a **refresh")]
    assert len(tokens) == 3
    assert "ID, access and refresh tokens, not AWS credentials" in " ".join(
        GLOSSARY["user-pool"].definition.split()
    )


# --- Cognito fact check (factcheck-b, 2026-12-05) ---------------------------------------------

GUEST_SESSION_POLICY = (
    "https://docs.aws.amazon.com/aws-managed-policy/latest/reference/"
    "AmazonCognitoUnAuthedIdentitiesSessionPolicy.html"
)


def test_guest_credentials_are_taught_as_capped_by_cognito_in_the_enhanced_flow():
    """AWS managed policy reference, "AmazonCognitoUnAuthedIdentitiesSessionPolicy" (v3, edited
    2024-11-01): in the enhanced flow Cognito adds it as a session policy to guest credentials,
    so guests get the intersection of the unauthenticated role and a short list of services
    (Polly, Rekognition, Location, ...) without S3. Cognito Developer Guide, "Identity pools
    authentication flow": enhanced and basic flows. The guest question used to grant guests
    `s3:GetObject`, which the default flow would refuse whatever the role said."""
    body = LESSONS[COGNITO].body
    flows = next(p for p in body.split("\n\n") if "**enhanced flow**" in p)
    assert "**basic flow**" in flows and "S3 is not on it" in flows
    assert GUEST_SESSION_POLICY in [url for _, url in LESSONS[COGNITO].sources]
    guest = _questions()["iam-cognito-guest-role"]
    right = [c["text"] for c in guest.data["choices"] if c["correct"]]
    assert right == ["`rekognition:DetectLabels` and nothing else"]
    assert not any("s3:" in c["text"] for c in guest.data["choices"] if c["correct"])
    assert "enhanced flow" in guest.explanation
    assert "enhanced flow" in GLOSSARY["unauthenticated-role"].definition


def test_the_aud_condition_is_not_taught_as_the_only_thing_between_your_role_and_other_pools():
    """Cognito Developer Guide, "Security best practices for Amazon Cognito identity pools"
    and "IAM roles": `aud` ties a role to one identity pool; IAM requires at least one trust
    condition and STS requires both `aud` and `amr` for cross-account basic-flow requests, so
    "anyone else's identity pool could assume your role" overstated what a missing `aud` does."""
    body = LESSONS[COGNITO].body
    assert "someone else's* identity pool could assume" not in body
    assert "ties the role to *your* identity pool" in body


# --- Currency check 2026-12: what AWS changed in 2024-2026 that the IAM and Organizations
# lessons had only in passing or not at all.


def _paragraph(lesson: str, start: str) -> str:
    return next(p for p in LESSONS[lesson].body.split("\n\n") if p.startswith(start))


def test_centralized_root_access_is_taught_with_both_halves_and_its_limits():
    """IAM User Guide, "Perform a privileged task on an AWS Organizations member account", and
    the AssumeRoot API: the management account or IAM's delegated administrator deletes member
    root credentials or allows password recovery, and deletes a locked S3 bucket or SQS queue
    policy, through `sts:AssumeRoot` sessions of at most 900 seconds that root credentials cannot
    start. Knowledge Center "How do I set up centralized root access in IAM for member
    accounts?": deleting removes the password, access keys and signing certificates and
    deactivates MFA; new accounts have no root credentials. aws-samples
    service-control-policy-examples, "Prevent root credentials management in member accounts":
    a root-denying SCP exempts these sessions with a Null check on `aws:AssumedRoot`. Before, the
    lesson named the feature only in brackets, and never the member-account-only scope."""
    body = LESSONS["iam/root-user"].body
    assert "### Centralized root access in an organization" in body
    creds = next(line for line in body.split("\n") if line.startswith("- **Manage root cred"))
    for said in ("password, access keys and signing certificates", "MFA", "password recovery"):
        assert said in creds, said
    assert "start without root credentials" in creds
    tasks = next(line for line in body.split("\n") if line.startswith("- **Run privileged root"))
    for said in ("`sts:AssumeRoot`", "15 minutes", "S3 bucket policy or SQS queue policy"):
        assert said in tasks, said
    assert "cannot be made with root credentials" in tasks and "CloudTrail" in tasks
    scope = _paragraph("iam/root-user", "This covers member accounts only.")
    assert "management account's own root user" in scope and "`aws:AssumedRoot`" in scope
    urls = [url for _, url in LESSONS["iam/root-user"].sources]
    assert (
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-enable-root-access.html" in urls
    )
    term = GLOSSARY["centralized-root-access"]
    assert term.lesson == "iam/root-user" and "`sts:AssumeRoot`" in term.definition


def test_the_central_root_question_keeps_its_answer_on_the_privileged_session():
    """The only way past a bucket policy that denies every principal is the bucket owner's root
    user (S3 DeleteBucketPolicy); with centralized root access that is an AssumeRoot session
    started from the management or delegated administrator account. IAM roles in the member
    account, OrganizationAccountAccessRole among them, are denied like any principal."""
    question = _questions()["iam-central-root-access"]
    assert question.lesson == "iam/root-user"
    right = [c["text"] for c in question.data["choices"] if c["correct"]]
    assert len(right) == 1 and "`sts:AssumeRoot`" in right[0]
    wrong = [c for c in question.data["choices"] if not c["correct"]]
    assert all(c.get("feedback") for c in wrong)
    assert "15 minutes" in question.explanation and "CloudTrail" in question.explanation


def test_access_analyzer_is_taught_with_its_three_kinds_of_findings():
    """IAM User Guide, "IAM Access Analyzer findings" (external, internal and unused access) and
    "Create an IAM Access Analyzer unused access analyzer" (a tracking period you set; charged
    per IAM role and user analyzed per month). The lesson taught validation and generation only,
    though unused access findings (2023) and internal access findings (2025) are what a team
    now uses to find what to remove."""
    tools = _paragraph("iam/least-privilege", "- **IAM Access Analyzer policy validation**")
    findings = next(line for line in tools.split("\n") if "Access Analyzer findings" in line)
    for said in ("**External access**", "**Internal access**", "**Unused access**"):
        assert said in findings, said
    assert "tracking period" in findings and "charged per role and user" in findings
    assert "changes nothing by itself" in findings
    definition = GLOSSARY["iam-access-analyzer"].definition
    assert "internal access" in definition and "unused access" in definition
    urls = [url for _, url in LESSONS["iam/least-privilege"].sources]
    assert "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-findings.html" in urls


def test_declarative_policies_are_taught_as_configuration_not_permissions():
    """AWS Organizations User Guide, "Declarative policies" and "Declarative policy syntax and
    examples": a management policy (all features needed) that keeps an EC2-related setting
    (VPC Block Public Access, serial console, image and snapshot block public access, allowed
    images, instance metadata defaults) in force; account administrators cannot change it, it
    holds when the service adds APIs, and noncompliant actions fail with an optional custom
    message. The course named declarative policies among Control Tower's preventive controls
    without ever saying what one is."""
    para = _paragraph("organizations/service-control-policies", "SCPs and RCPs decide")
    for said in ("IMDSv2", "snapshots", "cannot change the setting", "APIs the service adds later"):
        assert said in para, said
    assert "custom error message" in para and "management policies" in para
    assert (
        "## Declarative policies: settings, not permissions"
        in LESSONS["organizations/service-control-policies"].body
    )
    term = GLOSSARY["declarative-policy"]
    assert term.lesson == "organizations/service-control-policies"
    assert "a configuration, not permissions" in term.definition and "fails" in term.definition
    question = _questions()["org-declarative-imdsv2"]
    right = [c["text"] for c in question.data["choices"] if c["correct"]]
    assert right == ["A declarative policy for EC2, attached to the organization root"]
    assert "sets no default" in question.explanation


def test_the_root_worked_example_does_not_give_identity_center_account_access_outside_an_organization():
    """IAM Identity Center User Guide, "Organization and account instances of IAM Identity
    Center": multi-account permissions and the access portal's sign-in to AWS accounts come
    only with an organization instance (in an organization's management account); an account
    instance serves applications only. Account Management API, StartPrimaryEmailUpdate: the
    management account changes a member account's email, never its own. The worked example had
    Maria sign in with an Identity Center permission set in an account "not in an
    organization" (the content check of 2026-12-07)."""
    body = LESSONS["iam/root-user"].body
    example = body.split("## Worked example", 1)[1].split("```", 1)[0]
    assert "AWSReservedSSO_" in example, "the example still shows a permission set's session"
    assert "not in an organization" not in example
    assert "management account of a small organization" in example
    assert "organization instance" in example and "account instance" in example
    row = next(line for line in body.split("\n") if line.startswith("| Change the account's email"))
    assert "management account" in row.split("|")[2].split(".")[0]
    urls = [url for _, url in LESSONS["iam/root-user"].sources]
    assert (
        "https://docs.aws.amazon.com/singlesignon/latest/userguide/identity-center-instances.html"
        in urls
    )
