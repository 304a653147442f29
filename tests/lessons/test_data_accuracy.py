"""What the shared responsibility, compliance, encryption and detection lessons, glossary and
quizzes say agrees with the AWS documentation on the points a learner was found to be taught
wrongly, out of date or not at all (QA of the data and detection part, 2026-12-04)."""

from __future__ import annotations

import copy
import json
import re

from srm_trainer.iam import evaluate
from tests.curriculum.shipped_quizzes import shipped_quizzes
from tests.shipped import shipped_curriculum

CURRICULUM = shipped_curriculum()
LESSONS = {f"{le.module}/{le.slug}": le for le in CURRICULUM.lessons}
GLOSSARY = {t.slug: t for t in CURRICULUM.glossary}
QUESTIONS = {q.slug: q for q in shipped_quizzes(check_cases=False).questions}


def _paragraphs(lesson: str) -> list[str]:
    return re.split(r"\n\s*\n", LESSONS[lesson].body)


def _chunks() -> list[tuple[str, str]]:
    """(where, text) for every paragraph of every lesson, glossary definition and quiz text."""
    out = []
    for key in LESSONS:
        out += [(key, para) for para in _paragraphs(key)]
    out += [(f"glossary {t.slug}", t.definition) for t in CURRICULUM.glossary]
    for q in QUESTIONS.values():
        out += [(f"question {q.slug}", q.prompt), (f"question {q.slug}", q.explanation)]
    return out


def test_the_inspector_lesson_counts_the_kinds_of_problem_it_then_lists():
    """It said "two kinds of problem" above a list of three (vulnerabilities, network
    reachability, CIS deviations)."""
    body = LESSONS["detection/amazon-inspector"].body
    said = re.search(r"looks for (\w+) kinds of problem:\n\n((?:- .*\n(?:  .*\n)*)+)", body)
    assert said, "the list of kinds is where it was"
    bullets = re.findall(r"^- ", said.group(2), re.MULTILINE)
    assert said.group(1) == {2: "two", 3: "three", 4: "four"}[len(bullets)]


def test_inspector_is_taught_to_scan_code_repositories_too():
    """Amazon Inspector User Guide, "Amazon Inspector Code Security": first-party code,
    dependencies and infrastructure as code in connected repositories."""
    assert "Code Security" in LESSONS["detection/amazon-inspector"].body
    assert "Code Security" in GLOSSARY["amazon-inspector"].definition


def test_the_guardduty_plans_table_has_malware_protection_for_backups():
    """GuardDuty User Guide, "GuardDuty Malware Protection for AWS Backup"."""
    rows = [p for p in _paragraphs("detection/amazon-guardduty") if p.startswith("| Protection")]
    assert len(rows) == 1
    assert "Malware Protection for AWS Backup" in rows[0]


def test_the_asymmetric_key_specs_include_ed25519_and_key_agreement_only_on_the_p_curves():
    """AWS KMS "Key spec reference": ECC_NIST_EDWARDS25519 signs and verifies only; only the
    NIST P-256/384/521 curves also offer KEY_AGREEMENT."""
    body = LESSONS["encryption-and-kms/keys-hashes-and-signatures"].body
    assert "`ECC_NIST_EDWARDS25519`" in body
    assert "for NIST elliptic curve keys" not in body
    assert "`KEY_AGREEMENT` for the three NIST P curves" in body


def test_s3_checksums_are_not_taught_as_only_sha1_and_sha256():
    """S3 checksums now include more algorithms (MD5, SHA-512, XXHash, ...); a closed list of
    "SHA-1 and SHA-256" is out of date. CRC64NVME is the one S3 adds when an upload has none
    (Amazon S3 User Guide, "Checking object integrity")."""
    closed = [w for w, text in _chunks() if re.search(r"SHA-1(?:/| and )SHA-256", text)]
    assert closed == []
    para = next(
        p
        for p in _paragraphs("encryption-and-kms/keys-hashes-and-signatures")
        if p.startswith("**Amazon S3** uses checksums")
    )
    assert "CRC64NVME" in para


def test_kms_rotation_is_taught_with_its_defaults_and_periods():
    """AWS KMS Developer Guide, "Rotate AWS KMS keys": off by default for customer managed
    keys, yearly once on or a period of 90 to 2,560 days, on demand too; AWS managed keys
    yearly; no automatic rotation for asymmetric, HMAC or imported-material keys."""
    body = LESSONS["encryption-and-kms/aws-kms"].body
    para = next(p for p in _paragraphs("encryption-and-kms/aws-kms") if "Key rotation" in p)
    for phrase in ("off until you turn it on", "90 and 2,560 days", "on demand", "imported"):
        assert phrase in para, phrase
    assert "every 90 to 2,560 days" in body  # the key-types table says it too
    term = GLOSSARY["key-rotation"]
    assert term.lesson == "encryption-and-kms/aws-kms" and "2,560" in term.definition
    assert "off by" in GLOSSARY["customer-managed-key"].definition
    asked = QUESTIONS["enc-rotation-off-by-default"]
    assert asked.lesson == "encryption-and-kms/aws-kms" and "2,560" in asked.explanation


def test_block_public_access_is_dated_april_2023_not_january():
    """Block Public Access on by default for new buckets came in April 2023; default SSE-S3
    in January 2023. The S3 glossary entry ran the two together."""
    assert "since April 2023 new buckets block public access" in GLOSSARY["amazon-s3"].definition


def test_soc_2_is_not_defined_by_awss_own_scope():
    """SOC 2 reports on the AICPA Trust Services Criteria, five of them; AWS's report covers
    four. The glossary defined SOC 2 itself by AWS's four."""
    definition = GLOSSARY["soc-report"].definition
    assert "Trust Services Criteria" in definition and "processing integrity" in definition


def test_security_hub_cspm_says_what_the_name_aws_security_hub_now_means():
    """Since 2025 "AWS Security Hub" names a newer service, and the posture service is AWS
    Security Hub CSPM (Security Hub CSPM API Reference)."""
    term = GLOSSARY["aws-security-hub"]
    assert term.term == "AWS Security Hub CSPM"
    assert "newer service" in term.definition


def test_a_wrong_answer_warns_about_a_misconception_that_question_can_reveal():
    """After a wrong answer the learner reads "Watch out for: …" with all the question's tags.
    These tags named a mistake none of the question's wrong answers makes."""
    unrelated = {
        # foundational sources vs optional plans: no choice is about agents
        "det-guardduty-sources": "thinks-guardduty-needs-agents",
        # who may accept an organization agreement: no choice mixes reports and agreements
        "comp-org-baa": "confuses-artifact-reports-and-agreements",
        # S3 and KMS permissions: every wrong choice under-asks, none thinks encryption stops reads
        "enc-two-gates": "thinks-encryption-at-rest-stops-authorized-reads",
    }
    wrong = {slug: tag for slug, tag in unrelated.items() if tag in QUESTIONS[slug].misconceptions}
    assert wrong == {}
    # CloudTrail and Config are two of the four categories to tell apart
    assert "confuses-cloudtrail-and-config" in QUESTIONS["comp-evidence-tools"].misconceptions


def test_a_kms_grant_is_explained_where_the_kms_lesson_first_names_it():
    """The lesson named grants as the third way to allow use of a key, and its separation-of-
    duties advice rests on `kms:CreateGrant`, without saying what a grant is (AWS KMS
    Developer Guide, "Grants in AWS KMS")."""
    para = next(p for p in _paragraphs("encryption-and-kms/aws-kms") if "exactly one" in p)
    assert "**KMS grant** (" in para
    assert GLOSSARY["kms-grant"].lesson == "encryption-and-kms/aws-kms"


# --- Keys across Regions and accounts (content review 2026-11, "Thin spots": KMS lacked
# multi-Region keys and cross-account use). AWS KMS Developer Guide: "Multi-Region keys in AWS
# KMS", "How multi-Region keys work", "Security considerations for multi-Region keys",
# "Delete multi-Region keys", "Allowing users in other accounts to use a KMS key".

MRK_LESSON = "encryption-and-kms/keys-across-regions-and-accounts"
SCENARIOS = {sc.slug: sc for sc in CURRICULUM.scenarios}


def _choices(slug: str) -> dict[str, bool]:
    return {c["text"]: c["correct"] for c in QUESTIONS[slug].data["choices"]}


def test_what_related_multi_region_keys_share_and_what_each_keeps():
    """Shared: key ID, key material, spec, usage, origin, automatic rotation. Independent:
    key policy, grants, aliases, tags, description, key state. The easy slip is to put the key
    policy (the console offers the primary's as a starting point) or the enabled state among
    the shared ones."""
    table = [p for p in _paragraphs(MRK_LESSON) if p.startswith("| Shared |")]
    assert len(table) == 1
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in table[0].splitlines()]
    shared = " ".join(row[0] for row in rows[2:])
    own = " ".join(row[1] for row in rows[2:])
    for prop in ("Key ID", "key material", "Key spec", "key usage", "Automatic rotation"):
        assert prop in shared, prop
    for prop in ("Key policy", "grants", "Aliases", "tags", "Enabled, disabled"):
        assert prop in own and prop not in shared, prop
    assert "never synchronizes policies" in LESSONS[MRK_LESSON].body
    assert "set on each key separately" in GLOSSARY["multi-region-key"].definition
    asked = _choices("enc-mrk-shared-properties")
    assert {text for text, right in asked.items() if right} == {
        "The key ID",
        "The key material, including older versions",
        "Whether automatic rotation is turned on",
    }


def test_disabling_a_primary_key_is_never_taught_to_disable_its_replicas():
    """The key state is an independent property: a replica keeps working while its primary is
    disabled, so an emergency switch-off means disabling every related key."""
    follows = re.compile(
        r"disabl\w* (?:the|a|its) primary[^.]*\bdisables? (?:all|every|its|the) (?:related|replica)",
        re.IGNORECASE,
    )
    assert follows.search("Disabling the primary key disables every replica, Region by Region.")
    assert [where for where, text in _chunks() if follows.search(text)] == []
    body = LESSONS[MRK_LESSON].body
    assert "Disabling a key disables only that key." in body
    assert "disable the primary and every replica" in body
    right = [text for text, ok in _choices("enc-mrk-disable-primary").items() if ok]
    assert len(right) == 1 and right[0].startswith("It works")


def test_a_primary_key_is_deleted_only_after_its_replicas():
    """ScheduleKeyDeletion on a primary with replicas: PendingReplicaDeletion, and the waiting
    period begins when the last replica is deleted."""
    para = next(p for p in _paragraphs(MRK_LESSON) if "Deleting the primary waits" in p)
    assert "starts when the last replica is deleted" in para
    assert "as final as deleting any key" in para


def test_multi_region_keys_are_not_taught_as_global_convertible_or_a_backup():
    """Not global (you choose each Region; AWS managed keys are always single-Region); the
    property is fixed at creation; replicas share the material, so they are no spare key; AWS
    advises one only when needed because it gives up Regional isolation."""
    body = LESSONS[MRK_LESSON].body
    assert "AWS managed keys are always single-Region keys" in body
    assert "cannot be converted" in body
    assert "not a second, independent key" in body
    assert "use one only when you need it" in body
    asked = _choices("enc-mrk-when-to-use")
    assert [text for text, ok in asked.items() if ok] == [
        "Items encrypted client-side in a DynamoDB global table must be decrypted in each "
        "Region without calling KMS in another Region"
    ]
    spare = "As a spare key to switch to if the primary's key policy turns out to let the wrong people in"
    assert asked[spare] is False


def test_a_key_in_another_account_needs_the_key_policy_and_the_callers_iam_policy():
    """Cross-account use: the key policy must allow the other account AND an IAM policy there
    must allow the principal. The scenarios show both halves, and the engine agrees: take the
    key policy's statement for the other account away and the shared key stops working."""
    both = SCENARIOS["kms-cross-account-both-allow"].case
    assert evaluate(both).decision == "Allow"
    key_only = SCENARIOS["kms-cross-account-key-policy-only"].case
    assert evaluate(key_only).decision == "ImplicitDeny" and key_only["identity_policies"] == []
    iam_only = copy.deepcopy(both)
    statements = iam_only["resource_policy"]["document"]["Statement"]
    statements[:] = [s for s in statements if s["Sid"] != "FinanceAccountMayDecrypt"]
    assert evaluate(iam_only).decision == "ImplicitDeny"
    body = LESSONS[MRK_LESSON].body
    assert "Neither is enough alone." in body
    assert "key ARN or the alias ARN" in body
    assert "kms:ScheduleKeyDeletion` gives it nothing" in body


def test_the_fix_for_a_replica_missing_from_the_iam_policy_is_the_replicas_arn():
    """Related multi-Region keys have one key ID but separate ARNs (the Region differs): the
    scenario's explanation says to list each Region's key ARN, and doing so is what works."""
    scenario = SCENARIOS["kms-replica-not-in-iam-policy"]
    case = copy.deepcopy(scenario.case)
    assert evaluate(case).decision == "ImplicitDeny"
    assert "each Region's key ARN" in scenario.explanation
    statement = case["identity_policies"][0]["document"]["Statement"][0]
    statement["Resource"] = [statement["Resource"], case["request"]["resource"]]
    assert evaluate(case).decision == "Allow"
    primary, replica = statement["Resource"]
    assert primary.split(":")[3] != replica.split(":")[3]  # the Region
    assert primary.rsplit("/", 1)[1] == replica.rsplit("/", 1)[1]  # one key ID


# --- Content check, 2026-12-05 (review of KMS, Inspector, GuardDuty, Shield, WAF, network
# filters, Organizations, Artifact and IAM against current AWS documentation).


def test_inspector_classic_is_taught_as_gone_not_as_closed_to_new_accounts():
    """Amazon Inspector Classic User Guide, "Amazon Inspector Classic end of support": after
    20 May 2026 no account can reach its console or resources. The note still said it "is no
    longer offered to new accounts", true only before that date, which reads as if accounts
    that had it could go on using it."""
    lesson = LESSONS["detection/amazon-inspector"]
    note = next(p for p in _paragraphs("detection/amazon-inspector") if "`inspector2`" in p)
    assert "no longer offered to new accounts" not in note
    assert "20 May 2026" in note and "no account can open its console" in note
    end_of_support = "https://docs.aws.amazon.com/inspector/v1/userguide/inspector-migration.html"
    assert end_of_support in [url for _, url in lesson.sources]


def test_the_kms_lesson_sends_learners_on_to_keys_across_regions_and_accounts():
    """Where the AWS KMS lesson says keys and their policies live in one Region of one account,
    it links to the lesson that shows how to go beyond both (multi-Region keys, cross-account
    use), rather than leaving learners to think the boundary is final."""
    para = next(
        p for p in _paragraphs("encryption-and-kms/aws-kms") if "one Region of one account" in p
    )
    assert f"(/learn/{MRK_LESSON}/)" in para


# --- Second pass over the November 2026 content review (docs/content-review-2026-11.md):
# points a first pass left open, each checked against the AWS page its test names.


def test_guardduty_is_placed_beside_security_hub_cspm_detective_and_macie():
    """The review found no Security Hub, Detective or Macie context in the detection module.
    GuardDuty User Guide, "Integrating with AWS Security Hub CSPM": GuardDuty can send its
    findings there. Amazon Detective documentation: it investigates findings from a behavior
    graph of CloudTrail, VPC Flow Logs and GuardDuty data. Amazon Macie API Reference,
    "Welcome": Macie discovers sensitive data in S3 and reports, for example, a bucket that
    becomes public. The section uses Security Hub CSPM's current name, not the 2025 one."""
    lesson = LESSONS["detection/amazon-guardduty"]
    section = lesson.body.split("## Its neighbours", 1)[1].split("\n## ", 1)[0]
    hub, detective, macie = (
        next(p for p in section.split("\n- ") if p.startswith(f"**{name}**"))
        for name in ("AWS Security Hub CSPM", "Amazon Detective", "Amazon Macie")
    )
    assert "GuardDuty can send its findings there" in hub
    assert "behavior graph" in detective and "GuardDuty findings" in detective
    assert "sensitive data" in macie and "S3" in macie
    integration = "https://docs.aws.amazon.com/guardduty/latest/ug/securityhub-integration.html"
    assert integration in [url for _, url in lesson.sources]
    assert {"amazon-detective", "amazon-macie"} <= set(GLOSSARY)


def test_the_kms_lesson_names_cloudhsm_key_stores_among_keys_kms_did_not_make_alone():
    """AWS KMS Developer Guide, "Custom key stores": a custom key store is backed by a key
    manager you own and manage, either an AWS CloudHSM cluster or an external key manager.
    The review asked for a CloudHSM contrast; the lesson's caveat to "key material never
    leaves the HSMs" names both kinds of custom key store, and imported material."""
    para = next(p for p in _paragraphs("encryption-and-kms/aws-kms") if "Three special kinds" in p)
    for kind in ("imported key material", "AWS CloudHSM key store", "external key store"):
        assert f"**{kind}**" in para
    assert "you own and run" in para
    custom = "https://docs.aws.amazon.com/kms/latest/developerguide/custom-key-store-overview.html"
    assert custom in [url for _, url in LESSONS["encryption-and-kms/aws-kms"].sources]
    assert GLOSSARY["aws-cloudhsm"].source_url == custom


def test_compliance_consequences_include_criminal_penalties_for_people():
    """The syllabus lists prison among the consequences and the review found it untaught.
    HIPAA's criminal penalties (HHS's summary of the Privacy Rule) reach a person who
    knowingly obtains or discloses health information: fines and imprisonment."""
    para = next(
        p
        for p in _paragraphs("compliance-and-artifact/compliance-basics")
        if p.startswith("Some laws also punish people")
    )
    assert "prison" in para and "knowingly" in para
    assert "criminal charges" in LESSONS["compliance-and-artifact/compliance-basics"].body


def test_soc_3_stays_a_public_report_not_an_artifact_download():
    """The review called SOC 3's missing Artifact entry a gap. AWS's SOC FAQ and the Knowledge
    Center article on downloading SOC reports both say SOC 1 and SOC 2 come from AWS Artifact
    and the SOC 3 report is public, as a whitepaper; the explorer must not send learners to
    Artifact for it."""
    soc3 = next(p for p in CURRICULUM.programs if p.slug == "soc-3")
    assert soc3.artifact_section == ""
    assert any("publicly available" in line for line in soc3.aws_provides)


def test_the_address_list_question_admits_a_network_acl_would_also_work():
    """The review called `dos-attack-to-defence` borderline: a network ACL deny (VPC User
    Guide, "Network ACLs": allow and deny rules) also keeps known addresses out. Now that
    network ACLs are taught, the explanation says so and why AWS WAF is the answer listed."""
    explanation = QUESTIONS["dos-attack-to-defence"].explanation
    assert "network ACL deny rule" in explanation and "AWS WAF is the answer here" in explanation


# --- Topics the review left open: credential hygiene, testing within AWS policy, data
# residency and the GDPR (content round of 2026-12-05) -------------------------------------


def test_the_password_policy_is_never_taught_to_reach_the_root_user_or_access_keys():
    """IAM User Guide, "Set an account password policy for IAM users": the policy does not
    apply to the root user's password or to IAM user access keys (an expired password leaves
    the keys working), and there is no lockout policy."""
    body = LESSONS["iam/credential-hygiene"].body
    assert "does not apply to the root user's password" in body.replace("**", "")
    assert "access keys keep working" in body
    assert "cannot **lock a user out**" in body
    assert "root user's password" in GLOSSARY["password-policy"].definition
    right = {text for text, ok in _choices("iam-password-policy-scope").items() if ok}
    assert "The root user's password" in right
    assert "The access keys of IAM users" in right
    claims = re.compile(r"password policy (?:also )?(?:applies|covers) (?:to )?the root", re.I)
    assert [where for where, text in _chunks() if claims.search(text)] == []


def test_an_access_key_is_rotated_through_the_second_slot_and_deactivated_before_deletion():
    """IAM User Guide, "Update access keys": create a second key while the first is active,
    update the applications, check the old key's last use, deactivate it, and only then
    delete it (a user has at most two keys)."""
    items = [
        i["text"] if isinstance(i, dict) else i
        for i in QUESTIONS["iam-access-key-rotation-steps"].data["items"]
    ]
    order = [
        next(n for n, item in enumerate(items) if word in item)
        for word in ("Create a second", "Configure", "last-used", "Deactivate", "Delete")
    ]
    assert order == sorted(order)
    assert "at most two access keys" in LESSONS["iam/credential-hygiene"].body


def test_the_credential_report_is_taught_with_its_root_row_and_four_hour_limit():
    """IAM User Guide, "Generate credential reports for your AWS account": every user with
    the state of passwords, access keys and MFA devices; at most once every four hours."""
    body = LESSONS["iam/credential-hygiene"].body
    assert "a row for the root user" in body and "once every four hours" in body
    assert "four hours" in GLOSSARY["credential-report"].definition


def test_parameter_store_is_not_taught_to_rotate_secrets_for_you():
    """AWS Systems Manager User Guide, "AWS Systems Manager Parameter Store": to implement
    password rotation lifecycles, use AWS Secrets Manager. A SecureString is encrypted with a
    KMS key; rotation on a schedule is Secrets Manager's."""
    asked = _choices("iam-secret-store-choice")
    assert [text for text, ok in asked.items() if ok] == [
        "In AWS Secrets Manager with rotation turned on, read at run time by the task's IAM role"
    ]
    rotates = re.compile(r"Parameter Store (?:can |will )?rotates?\b", re.I)
    assert [where for where, text in _chunks() if rotates.search(text)] == []
    assert "points to Secrets Manager" in GLOSSARY["parameter-store"].definition


def test_the_penetration_testing_policy_is_taught_with_what_it_prohibits():
    """AWS Customer Support Policy for Penetration Testing (aws.amazon.com/security/
    penetration-testing): listed services need no prior approval; DNS zone walking through
    Route 53 hosted zones, DoS/DDoS and simulated DoS/DDoS, and port, protocol and request
    flooding are prohibited; command and control testing needs approval."""
    lesson = LESSONS["denial-of-service/testing-your-defences"]
    body = lesson.body
    assert "**without prior approval**" in body
    for banned in ("DNS zone walking", "*simulated* DoS and DDoS", "request flooding"):
        assert banned in body, banned
    assert "**command and control (C2)** needs AWS's approval first" in body
    assert "https://aws.amazon.com/security/penetration-testing/" in [u for _, u in lesson.sources]
    wrong = {text for text, ok in _choices("dos-pentest-without-approval").items() if not ok}
    assert any("Flood its login page" in text for text in wrong)


def test_a_ddos_simulation_is_taught_with_the_policys_partner_target_and_limits():
    """AWS DDoS Simulation Testing Policy (aws.amazon.com/security/ddos-simulation-testing):
    a pre-approved APN Partner; a Shield Advanced Protected Resource (or an edge-optimized API
    Gateway endpoint) in an account you own; at most 20 Gbps, 50,000 requests per second,
    5 million packets per second for CloudFront and 50,000 for other resources; not from AWS
    resources."""
    body = LESSONS["denial-of-service/testing-your-defences"].body
    table = next(line for line in body.splitlines() if line.startswith("| How big"))
    for limit in (
        "20 gigabits per second",
        "50,000 requests per second",
        "5 million packets per second against a CloudFront distribution",
        "50,000 packets per second against any other resource",
    ):
        assert limit in table, limit
    assert "pre-approved" in body and "Protected Resource" in body and "edge-optimized" in body
    assert "Not from AWS resources" in body
    assert "Shield Advanced" in GLOSSARY["ddos-simulation-test"].definition


def test_the_region_commitment_and_gdpr_roles_are_taught_as_aws_states_them():
    """AWS Data Privacy FAQ: you choose the Regions; AWS will not move or replicate content
    outside them without your agreement. Navigating GDPR Compliance on AWS, "The Role of AWS
    Under the GDPR": for personal data in customer content AWS is a processor (or
    sub-processor), the customer a controller (or processor)."""
    body = LESSONS["compliance-and-artifact/compliance-basics"].body
    assert "AWS acts as a **processor**" in body and "You are the **controller**" in body
    asked = _choices("comp-gdpr-roles")
    assert [t for t, ok in asked.items() if ok] == [
        "The shop is the controller, deciding why and how the data is used; AWS is a processor,"
        " handling it on the shop's behalf"
    ]
    region = _choices("comp-data-in-second-region")
    assert [t for t, ok in region.items() if ok] == [
        "Something the company configured, such as S3 replication or a cross-Region backup,"
        " copied it there"
    ]
    aws_controls = re.compile(r"AWS (?:is|acts as) (?:the|a) (?:data )?controller", re.I)
    assert [where for where, text in _chunks() if aws_controls.search(text)] == []


def test_edge_caches_are_taught_as_a_residency_decision_of_the_customer():
    """CloudFront Developer Guide, "Choose the price class for a CloudFront distribution": even
    Price Class 100 serves from edge locations in North America as well as Europe; "Restrict the
    geographic distribution of your content": geographic restrictions stop viewers in chosen
    countries from fetching files, they say nothing about where copies are cached."""
    body = LESSONS["compliance-and-artifact/compliance-basics"].body
    assert "CloudFront keeps cached copies" in body and "North America" in body
    edge = _choices("comp-edge-copies-leave-region")
    assert [t for t, ok in edge.items() if ok] == [
        "CloudFront caches the records at edge locations, some outside the EU, so turning it on"
        " is a residency decision"
    ]
    geo = "Nothing, as long as CloudFront's geographic restrictions allow only viewers in EU countries"
    assert edge[geo] is False


# --- Ransomware protection and abuse reporting (content review 2026-11, the last open row):
# detection/recoverable-copies and detection/responding-and-recovering, each point checked
# against the AWS page its test names.

COPIES = "detection/recoverable-copies"
RESPONDING = "detection/responding-and-recovering"


def _sources(lesson: str) -> list[str]:
    return [url for _, url in LESSONS[lesson].sources]


def test_object_lock_modes_are_taught_with_who_can_still_remove_the_lock():
    """Amazon S3 User Guide, "Locking objects with Object Lock": governance mode yields to a user
    with `s3:BypassGovernanceRetention` who sends the bypass header; in compliance mode no user,
    the root user included, can delete the version, change the mode or shorten the period; a
    legal hold lasts until a user with `s3:PutObjectLegalHold` removes it. A lock protects one
    version: new versions and delete markers can still be added on top."""
    table = next(p for p in _paragraphs(COPIES) if p.startswith("| Protection |"))
    rows = {line.split("|")[1].strip(): line for line in table.splitlines()[2:]}
    assert "bypass permission" in rows["Governance mode"]
    assert "legal hold permission" in rows["Legal hold"]
    named = next(p for p in _paragraphs(COPIES) if p.startswith("The bypass permission is"))
    assert "`s3:BypassGovernanceRetention`" in named and "`s3:PutObjectLegalHold`" in named
    assert "bypass header" in named
    assert "not even the root user" in rows["Compliance mode"]
    assert "cannot be shortened" in rows["Compliance mode"]
    body = LESSONS[COPIES].body
    assert "A lock protects a **version**, not a name" in body and "delete marker on top" in body
    asked = _choices("det-object-lock-modes")
    assert [text for text, ok in asked.items() if ok] == ["A retention period in compliance mode"]
    assert asked["A retention period in governance mode"] is False


def test_object_lock_needs_versioning_and_can_be_turned_on_for_an_existing_bucket():
    """Amazon S3 User Guide, "Configuring S3 Object Lock": Object Lock needs S3 Versioning, can be
    turned on when a bucket is created or later on an existing bucket, and once on cannot be
    turned off nor versioning suspended. (An older version of the guide said new buckets only;
    the lesson must not repeat that.)"""
    body = LESSONS[COPIES].body
    assert "later on a versioned bucket" in body
    assert "cannot be turned off, nor can versioning be suspended" in body
    only_new = re.compile(
        r"Object Lock[^.]*only (?:on|for|when you create) (?:a )?new bucket", re.I
    )
    assert [where for where, text in _chunks() if only_new.search(text)] == []
    configure = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock-configure.html"
    assert configure in _sources(COPIES)


def test_versioning_can_only_be_suspended_once_on_and_delete_makes_a_marker():
    """Amazon S3 User Guide, "Retaining multiple versions of objects with S3 Versioning" and
    "Working with delete markers": off by default; a delete without a version ID adds a delete
    marker; a versioning-enabled bucket can be suspended but never returned to unversioned."""
    body = LESSONS[COPIES].body
    assert "Versioning is off until you turn it on" in body
    assert "can never go back to unversioned" in body and "**suspend**" in body
    assert "**delete marker**" in body
    assert "never removed" in GLOSSARY["s3-versioning"].definition


def test_mfa_delete_is_turned_on_by_the_root_user_through_the_cli_or_api():
    """Amazon S3 User Guide, "Configuring MFA delete": only the bucket owner (the root user) can
    turn it on, not in the console but with the AWS CLI or the API; it guards permanent version
    deletes and changes to the versioning state; it cannot be used with lifecycle
    configurations. "Deleting an object from an MFA delete-enabled bucket": then only the root
    user can permanently delete versions."""
    section = LESSONS[COPIES].body.split("### MFA delete", 1)[1].split("\n### ", 1)[0]
    assert "Only the bucket owner's **root user** can turn it on" in section
    assert "AWS CLI or the API, not the console" in section
    assert "Lifecycle configuration" in section
    assert "root user" in GLOSSARY["mfa-delete"].definition
    asked = _choices("det-mfa-delete-who")
    assert [t for t, ok in asked.items() if ok] == [
        "The account's root user turns it on with its MFA device, through the AWS CLI or the S3 API"
    ]
    iam_can = re.compile(
        r"IAM (?:user|administrator|role)s? (?:can|may) (?:turn on|enable) MFA delete"
    )
    assert [where for where, text in _chunks() if iam_can.search(text)] == []


def test_backup_vault_lock_modes_and_the_72_hour_grace_time():
    """AWS Backup Developer Guide, "AWS Backup Vault Lock" (and the Knowledge Center articles on
    configuring and deleting a vault lock): governance mode can be removed by users with the
    IAM permissions; compliance mode has a grace time of at least 72 hours, after which nobody,
    AWS included, can change or delete the lock; a lock stops recovery points being deleted and
    their retention changed."""
    body = LESSONS[COPIES].body
    item = next(
        line for line in body.splitlines() if line.startswith("- **AWS Backup Vault Lock**")
    )
    assert "grace time of at least 72 hours" in item and "not you and not AWS" in item
    assert "users with the right IAM permissions can still change or remove the lock" in item
    assert "72 hours" in GLOSSARY["backup-vault-lock"].definition
    asked = _choices("det-backup-out-of-reach")
    assert asked["A vault locked with Vault Lock in governance mode"] is False
    assert asked["A vault locked with Vault Lock in compliance mode, past its grace time"]
    assert asked["The durability of the storage that AWS Backup uses"] is False
    assert "https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html" in _sources(
        COPIES
    )


def test_a_vault_access_policy_is_not_taught_to_protect_snapshots_from_their_own_service():
    """AWS Backup Developer Guide, "Vault access policies": they control access to AWS Backup's
    APIs only; EBS and RDS snapshots can also be reached through those services' APIs, which
    IAM policies must cover."""
    assert "governs AWS Backup's own API only" in LESSONS[COPIES].body
    assert "not the source service's own snapshot API" in GLOSSARY["backup-vault"].definition


def test_logically_air_gapped_vaults_are_taught_as_the_current_guide_describes_them():
    """AWS Backup Developer Guide, "Logically air-gapped vault": compliance-mode Vault Lock built
    in; encrypted with an AWS owned key by default or optionally a customer managed key; can be
    shared with other accounts for restores; multi-party approval can recover access when the
    owning account is inaccessible. Earlier descriptions said AWS owned keys only."""
    item = next(
        line
        for line in LESSONS[COPIES].body.splitlines()
        if line.startswith("- A **logically air-gapped vault**")
    )
    for phrase in (
        "compliance mode built in",
        "by default with an AWS owned key",
        "customer managed key",
        "multi-party approval",
    ):
        assert phrase in item, phrase
    only_owned = re.compile(r"air-gapped[^.]*only (?:with )?an AWS owned key", re.I)
    assert [where for where, text in _chunks() if only_owned.search(text)] == []


def test_malware_protection_for_backup_is_taught_with_what_it_scans_and_how_it_reports():
    """GuardDuty User Guide, "GuardDuty Malware Protection for AWS Backup" and "How does Malware
    Protection for Backup work?": EBS snapshots, AMIs and recovery points of EBS, EC2 and S3;
    through a backup plan or on demand; full or incremental scans; usable without GuardDuty
    enabled, when results come through EventBridge and CloudWatch instead of findings."""
    para = next(p for p in _paragraphs(COPIES) if "**Malware Protection for AWS Backup**" in p)
    for phrase in (
        "EBS snapshots, AMIs and recovery points",
        "on demand",
        "incremental",
        "EventBridge and CloudWatch rather than as GuardDuty findings",
    ):
        assert phrase in para, phrase


def test_the_compromise_steps_follow_awss_knowledge_center_article():
    """AWS Knowledge Center, "What do I do if I notice unauthorized activity in my AWS account?":
    verify with the credential report, last accessed information, account activity and the
    bill; change the root and IAM passwords; rotate or delete access keys; delete IAM users and
    resources you did not create, in every Region; secure the root user with MFA."""
    section = LESSONS[RESPONDING].body.split("### Rotate and clean up", 1)[1].split("\n### ", 1)[0]
    for phrase in (
        "credential report",
        "change the root user's password",
        "two-key steps",
        "**every Region**",
        "root user has [MFA]",
    ):
        assert phrase in section, phrase
    kc = "https://aws.amazon.com/premiumsupport/knowledge-center/potential-account-compromise/"
    assert kc in _sources(RESPONDING)


def test_evidence_is_kept_before_anything_is_terminated():
    """AWS Security Incident Response User Guide (operations: containment comes with evidence
    kept for analysis) and the AWSSupport-ContainEC2Instance runbook (records the security
    groups, moves the instance into a containment group, can take AMI backups, can release
    it): the lesson isolates rather than terminates and snapshots volumes first."""
    body = LESSONS[RESPONDING].body
    assert "**Isolate, do not terminate.**" in body and "**Snapshot before you change.**" in body
    assert "`AWSSupport-ContainEC2Instance`" in body
    asked = _choices("det-abuse-notice-reply")
    assert asked["Terminate the instance and delete its volumes at once, then reply"] is False


def test_abuse_notices_go_to_the_security_contact_and_must_be_answered_in_time():
    """AWS Knowledge Center, "What do I do when I receive an abuse report from AWS about my
    resources?": notices go to the account's security contact, or the account email if none is
    set; reply to the notice saying how you stop the activity; without a reply within 24 hours
    AWS might block the resources or suspend the account; Trust & Safety gives no technical
    support. "How do I report abuse of AWS resources?": AWS Support can't assist with abuse
    reports."""
    section = (
        LESSONS[RESPONDING]
        .body.split("### When the notice is about you", 1)[1]
        .split("\n## ", 1)[0]
    )
    assert "security contact" in section and "account's email address if there is none" in section
    assert (
        "24 hours" in section and "block the resources involved or suspend the account" in section
    )
    assert "AWS Support cannot handle abuse reports" in LESSONS[RESPONDING].body
    asked = _choices("det-abuse-notice-reply")
    assert (
        asked["Open a technical support case and ask AWS Support to deal with the notice"] is False
    )
    to_support = re.compile(r"(?:report|send) (?:it|the abuse|abuse)[^.]* to AWS Support", re.I)
    assert [where for where, text in _chunks() if to_support.search(text)] == []


def test_an_abuse_report_carries_the_evidence_aws_asks_for():
    """AWS Knowledge Center, "How do I report abuse of AWS resources?": for network activity,
    logs showing the activity with source and target IP addresses, ports and timestamps; for
    email, the full headers; for content, the URL. (AWS's abuse reporting FAQ adds the time
    zone.)"""
    section = (
        LESSONS[RESPONDING]
        .body.split("### Reporting abuse that comes from AWS", 1)[1]
        .split("\n### ", 1)[0]
    )
    for phrase in (
        "source and target IP addresses",
        "time zone",
        "full message headers",
        "the URL",
    ):
        assert phrase in section, phrase
    right = {t for t, ok in _choices("det-report-abuse-evidence").items() if ok}
    assert len(right) == 3 and not any("private key" in t for t in right)
    assert "https://aws.amazon.com/premiumsupport/knowledge-center/report-aws-abuse/" in _sources(
        RESPONDING
    )


# --- Topics the review left open: AWS Control Tower, Trusted Advisor and the Well-Architected
# Security pillar (content round of 2026-12-05, second pass) ---------------------------------


def test_control_tower_controls_are_taught_with_the_mechanism_aws_names():
    """AWS Control Tower User Guide, "How controls work": preventive controls are implemented
    with SCPs and RCPs, detective controls with AWS Config rules, proactive controls with
    CloudFormation hooks. Controls Reference Guide, "Preventive controls": once enabled on an
    OU, a preventive control applies to all member accounts under it, enrolled or not;
    "Detective controls": those apply to enrolled accounts only."""
    body = LESSONS["organizations/control-tower"].body
    rows = {line.split("|")[1].strip(): line for line in body.splitlines() if line.startswith("| ")}
    assert "SCPs" in rows["Preventive"] and "AWS Config rules" in rows["Detective"]
    assert "CloudFormation hooks" in rows["Proactive"]
    assert "enrolled in Control Tower or not" in body
    assert "applies only to accounts enrolled" in body
    right = [t for t, ok in _choices("org-ct-preventive-is-scp").items() if ok]
    assert right == [
        "The root user of every member account anywhere below the Workloads OU, enrolled in"
        " Control Tower or not"
    ]
    covers_management = re.compile(
        r"(?:preventive control|guardrail)s? (?:also )?(?:appl(?:y|ies)|reach(?:es)?) (?:to )?"
        r"the management account",
        re.I,
    )
    assert [where for where, text in _chunks() if covers_management.search(text)] == []


def test_the_root_user_access_key_control_is_the_scp_aws_publishes():
    """Controls Reference Guide, "Strongly recommended controls with preventive behavior":
    Disallow Creation of Access Keys for the Root User is an SCP denying iam:CreateAccessKey
    when aws:PrincipalArn is ArnLike arn:aws:iam::*:root; strongly recommended, off by
    default."""
    body = LESSONS["organizations/control-tower"].body
    block = re.search(r"```json\n(.*?)```", body, re.S)
    assert block, "the lesson shows the control's policy"
    statement = json.loads(block.group(1))["Statement"][0]
    assert statement["Effect"] == "Deny" and statement["Action"] == "iam:CreateAccessKey"
    assert statement["Condition"] == {"ArnLike": {"aws:PrincipalArn": ["arn:aws:iam::*:root"]}}


def test_strongly_recommended_controls_are_not_taught_as_on_by_default():
    """Controls Reference Guide, "Strongly recommended controls" and "Elective controls": not
    enabled by default; "Mandatory controls": they cannot be deactivated."""
    body = LESSONS["organizations/control-tower"].body
    assert "They are **not enabled by default**" in body
    assert "and cannot be turned off" in body
    assert QUESTIONS["org-ct-guidance-default"].data["answer"] is False
    on_by_default = re.compile(
        r"(?:strongly recommended|elective) controls (?:are )?(?:enabled|on|active) by default",
        re.I,
    )
    assert [where for where, text in _chunks() if on_by_default.search(text)] == []


def test_the_landing_zone_is_taught_with_its_shared_accounts_and_the_version_4_change():
    """AWS Control Tower User Guide, "What are the shared accounts?": the log archive account
    stores logs of API activity and resource configurations from all accounts; the audit
    account gives security and compliance teams access to all accounts, programmatically
    through a role granted to Lambda functions. "Key changes" (landing zone 4.0): Control
    Tower no longer enforces or manages the Security OU; service integrations are optional."""
    body = LESSONS["organizations/control-tower"].body
    assert "logs of API activity and resource configuration from every account" in body
    assert "through a role granted to Lambda functions" in body
    assert "**landing zone version 4.0**" in body
    assert "no longer creates or manages the Security OU" in body
    assert "log archive account" in GLOSSARY["log-archive-account"].term


def test_trusted_advisor_checks_by_plan_are_taught_as_aws_states_them_now():
    """AWS Support User Guide, "Manage access for AWS Trusted Advisor": all accounts have a
    select set of core checks; Business, Enterprise On-Ramp or Enterprise Support get all
    checks. "Get started with the Trusted Advisor API": the API needs those plans, and its end
    of support notices say Developer, Business and Enterprise On-Ramp end on 1 January 2027
    (Business Support+ and Enterprise Support take over)."""
    body = LESSONS["compliance-and-artifact/best-practice-reviews"].body
    assert "**core checks**" in body and "**full set**" in body
    assert "1 January 2027" in body and "Business Support+" in body
    assert QUESTIONS["comp-ta-checks-by-plan"].data["answer"] is False
    all_free = re.compile(
        r"(?:all|every) (?:of )?(?:the )?(?:Trusted Advisor )?checks (?:are )?"
        r"(?:free|available to (?:all|every))",
        re.I,
    )
    assert [where for where, text in _chunks() if all_free.search(text)] == []


def test_trusted_advisor_is_taught_with_its_six_categories_and_security_hub_integration():
    """AWS Trusted Advisor (aws.amazon.com/premiumsupport/technology/trusted-advisor/): checks
    across cost optimization, performance, resilience, security, operational excellence and
    service limits. AWS Support User Guide, "Security" checks: with Security Hub enabled, its
    AWS Foundational Security Best Practices controls show in Trusted Advisor."""
    categories = (
        "cost optimization",
        "performance",
        "resilience",
        "security",
        "operational excellence",
        "service limits",
    )
    body = LESSONS["compliance-and-artifact/best-practice-reviews"].body
    para = next(
        p
        for p in _paragraphs("compliance-and-artifact/best-practice-reviews")
        if "Its checks fall into six categories" in p
    )
    for category in categories:
        assert f"**{category}**" in para, category
        assert category in GLOSSARY["aws-trusted-advisor"].definition, category
    assert "AWS Foundational Security Best Practices controls" in body


def test_the_security_pillar_is_taught_with_its_seven_principles_and_areas():
    """AWS Well-Architected Framework, Security pillar, "Design principles" (seven) and
    "Security" (best-practice areas: security foundations, identity and access management,
    detection, infrastructure protection, data protection, incident response, application
    security). AWS Audit Manager User Guide, "AWS Well-Architected Framework": six pillars."""
    body = LESSONS["compliance-and-artifact/best-practice-reviews"].body
    principles = re.findall(r"^\d\. \*\*([^*]+)\*\*", body, re.M)
    assert principles == [
        "Implement a strong identity foundation",
        "Maintain traceability",
        "Apply security at all layers",
        "Automate security best practices",
        "Protect data in transit and at rest",
        "Keep people away from data",
        "Prepare for security events",
    ]
    table = body.split("| Area | Where this course teaches it |", 1)[1].split("\n\n", 1)[0]
    areas = [row.split("|")[1].strip() for row in table.strip().splitlines()[1:]]
    assert areas == [
        "Security foundations",
        "Identity and access management",
        "Detection",
        "Infrastructure protection",
        "Data protection",
        "Incident response",
        "Application security",
    ]
    assert "six pillars" in GLOSSARY["well-architected-framework"].definition
    # The review question's explanation files each Security pillar finding under one of these
    # areas, and the others under pillars that are not security.
    review = QUESTIONS["comp-wa-review-findings"]
    explanation = " ".join(review.explanation.split())
    named = [a for a in areas if a.lower() in explanation]
    assert named == ["Identity and access management", "Detection", "Incident response"]
    security = [i for i in review.data["items"] if i["category"] == "Security pillar"]
    assert len(security) == len(named)
    for pillar in ("cost optimization", "operational excellence"):
        assert pillar in explanation


# --- Fact check of the ransomware and response lessons (factcheck-b, 2026-12-05) -----------


def test_object_lock_glossary_needs_both_protections_gone_before_a_delete():
    """Amazon S3 User Guide, "Locking objects with Object Lock": a version with both a retention
    period and a legal hold stays locked until both are gone; "until its retention period ends
    or its legal hold is removed" read as if either one ending were enough."""
    definition = " ".join(GLOSSARY["s3-object-lock"].definition.split())
    assert "while a retention period or a legal hold protects it" in definition
    assert "ends or its legal hold is removed" not in definition


def test_a_vault_access_policy_is_not_taught_to_stop_an_administrator():
    """AWS Backup Developer Guide, "Vault access policies", and the API reference for
    PutBackupVaultAccessPolicy: the policy is a resource-based policy that anyone allowed to
    set it can replace, so a deny in it does not hold against stolen administrator
    credentials the way Vault Lock in compliance mode does."""
    item = next(
        line
        for line in LESSONS[COPIES].body.splitlines()
        if line.startswith("- A **vault access policy**")
    )
    assert "can take the deny out again" in item


def test_the_response_phases_sit_between_preparation_and_a_post_incident_review():
    """AWS Security Incident Response User Guide: preparation, the operations phases (its
    "Conclusion" table: detection, analysis, containment, eradication, recovery) and
    post-incident activity. The lesson listed the five operations phases as the whole of a
    response."""
    body = LESSONS[RESPONDING].body
    intro = next(p for p in _paragraphs(RESPONDING) if p.startswith("AWS's incident response"))
    assert "preparation" in intro and "post-incident review" in intro
    table = next(p for p in _paragraphs(RESPONDING) if p.startswith("| Phase |"))
    phases = [line.split("|")[1].strip() for line in table.splitlines()[2:]]
    assert phases == ["Detection", "Analysis", "Containment", "Eradication", "Recovery"]
    assert "with preparation before it and a post-incident review after" in body


def test_an_abuse_report_asks_only_for_what_aws_lists():
    """AWS Knowledge Center, "How do I report abuse of AWS resources?": for network activity,
    logs with source and target IP addresses, ports and timestamps. It does not list protocols,
    which the lesson attributed to the article."""
    section = (
        LESSONS[RESPONDING]
        .body.split("### Reporting abuse that comes from AWS", 1)[1]
        .split("\n### ", 1)[0]
    )
    assert "the article asks for" in section
    assert "protocols" not in section


# --- Fact check of the Control Tower, best-practice review and Network Firewall lessons
# (2026-12-05, third pass): each test names the AWS page the correction was checked against.


def test_mandatory_controls_are_not_taught_as_always_applied_since_landing_zone_4():
    """Controls Reference Guide, "Control behavior and guidance" (page as of December 2026):
    mandatory controls are enforced depending on what is enabled in the environment, and from
    landing zone version 4.0 they are no longer applied by default. ("Mandatory controls" still
    says they cannot be deactivated, which the lesson keeps.) The lesson, its key points and
    the guidance question said mandatory controls were always applied."""
    body = LESSONS["organizations/control-tower"].body
    item = next(line for line in body.splitlines() if line.startswith("- **Mandatory**"))
    para = " ".join(body[body.index(item) : body.index("- **Strongly recommended**")].split())
    assert "version 4.0" in para and "no longer applied by default" in para
    explanation = " ".join(QUESTIONS["org-ct-guidance-default"].explanation.split())
    assert "version 4.0" in explanation
    always = re.compile(
        r"mandatory\**\s+controls?\s+(?:are|is)\s+(?:always|all)\s+(?:applied|on|enabled)"
        r"|only mandatory controls are (?:always )?(?:on|enabled|applied|active)",
        re.I,
    )
    assert [where for where, text in _chunks() if always.search(" ".join(text.split()))] == []
    behavior = (
        "https://docs.aws.amazon.com/controltower/latest/controlreference/control-behavior.html"
    )
    assert behavior in _sources("organizations/control-tower")


def test_preventive_controls_are_not_taught_as_scps_only():
    """Controls Reference Guide, "Control behavior and guidance": preventive controls are
    implemented with SCPs, RCPs and declarative policies; "Controls implemented with
    declarative policies" lists preventive controls such as CT.EC2.PV.7. The lesson's table,
    glossary and two questions named SCPs and RCPs only."""
    body = LESSONS["organizations/control-tower"].body
    row = next(line for line in body.splitlines() if line.startswith("| Preventive |"))
    assert "SCPs" in row and "RCPs" in row and "declarative policies" in row
    assert "declarative policies" in GLOSSARY["preventive-control"].definition
    for slug in ("org-ct-preventive-is-scp", "org-ct-control-behavior"):
        assert "declarative policies" in " ".join(QUESTIONS[slug].explanation.split()), slug
    scp_only = re.compile(r"preventive controls? (?:are|is) (?:an? )?SCPs?\b", re.I)
    said = [
        where
        for where, text in _chunks()
        if scp_only.search(" ".join(text.split()))
        and "declarative" not in text
        and "mostly" not in text
    ]
    assert said == []


def test_ssh_open_to_anywhere_is_found_by_trusted_advisors_own_check():
    """AWS Trusted Advisor check reference, "Security" checks: Security Groups - Specific Ports
    Unrestricted is red for port 22 open to 0.0.0.0/0; Security Hub CSPM results show in
    Trusted Advisor for the FSBP controls except those in Recover > Resilience. The worked
    example credited the SSH finding to a Security Hub CSPM control, as if Trusted Advisor
    could not see it alone, and the text said all FSBP controls show."""
    body = LESSONS["compliance-and-artifact/best-practice-reviews"].body
    row = next(
        line for line in body.splitlines() if line.startswith("| A security group allows SSH")
    )
    assert "Trusted Advisor's own security group check" in row and "port 22" in row
    assert "Security Hub" not in row
    assert "results of most of its AWS Foundational Security" in " ".join(body.split())
    checks = "https://docs.aws.amazon.com/awssupport/latest/user/security-checks.html"
    assert checks in _sources("compliance-and-artifact/best-practice-reviews")


def test_drift_is_not_taught_as_any_change_made_outside_control_tower():
    """AWS Control Tower User Guide, "Detect and resolve drift": drift is a change to the
    resources and configuration Control Tower set up, such as an edited or detached control
    SCP or a moved account. The lesson itself advises a separate SCP of your own, which is a
    change outside Control Tower and not drift; its key point said "any change"."""
    anything = re.compile(r"drift is any change", re.I)
    assert [where for where, text in _chunks() if anything.search(" ".join(text.split()))] == []
    body = " ".join(LESSONS["organizations/control-tower"].body.split())
    assert "drift is a change made outside Control Tower to what it set up" in body


# --- Currency check 2026-12: what AWS changed in 2024-2026 that the data, compliance and
# detection lessons did not yet say.


def test_sse_c_is_taught_as_blocked_by_default_for_new_buckets_since_april_2026():
    """Amazon S3 User Guide, "Blocking or unblocking SSE-C for a general purpose bucket":
    starting April 2026 S3 disables SSE-C for all new general purpose buckets, and for existing
    buckets in accounts with no SSE-C encrypted objects; uploads that specify it are refused
    (403) until the bucket allows it. The "defaults that changed" list stopped at April 2023."""
    changed = next(
        p
        for p in _paragraphs("shared-responsibility/the-line-moves")
        if p.startswith("**Defaults that changed.**")
    )
    assert "since April 2026" in changed and "(SSE-C)" in changed
    at_rest = next(
        p
        for p in _paragraphs("encryption-and-kms/encryption-basics")
        if "- **Amazon S3** has encrypted" in p
    )
    assert "since April 2026 S3 blocks it by default for new buckets" in at_rest
    assert "accounts that held no SSE-C objects" in at_rest
    assert "since April 2026" in GLOSSARY["amazon-s3"].definition
    page = "https://docs.aws.amazon.com/AmazonS3/latest/userguide/blocking-unblocking-s3-c-encryption-gpb.html"
    for lesson in ("shared-responsibility/the-line-moves", "encryption-and-kms/encryption-basics"):
        assert page in [url for _, url in LESSONS[lesson].sources], lesson


def test_the_auditor_policy_lists_report_versions_as_the_managed_policy_now_does():
    """AWS Artifact User Guide, "Document history" (15 December 2025): the example policies and
    `AWSArtifactReportsReadOnlyAccess` gained `artifact:ListReportVersions` for the new
    ListReportVersions API. The lesson's hand-written policy, said to grant "the same" access as
    the managed one, lacked it."""
    body = LESSONS["compliance-and-artifact/aws-artifact"].body
    policy = json.loads(re.search(r"```json\n(.*?)```", body, re.DOTALL).group(1))
    actions = policy["Statement"][0]["Action"]
    assert "artifact:ListReportVersions" in actions
    assert not any("Agreement" in a for a in actions)
    assert "added in December 2025" in body
    assert "a policy you wrote yourself keeps its old list" in body


def test_the_newer_security_hub_is_told_apart_from_security_hub_cspm_in_the_lesson():
    """AWS Security Hub User Guide, "Security Hub concepts": exposure findings built from signals
    (Security Hub CSPM control findings, AWS Config, other services such as Amazon Inspector)
    whose traits are misconfiguration, reachability, sensitive data and vulnerability. Only the
    glossary said the name had moved; a learner reading "Security Hub" in today's console found
    no word of it in the lesson."""
    note = next(
        p
        for p in _paragraphs("compliance-and-artifact/evidence-and-posture")
        if "**Two services, one name.**" in p
    )
    assert "**exposure findings**" in note and "Amazon Inspector" in note
    assert "still Security Hub CSPM's job" in note
    urls = [url for _, url in LESSONS["compliance-and-artifact/evidence-and-posture"].sources]
    assert (
        "https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-v2-concepts.html"
        in urls
    )


def _sources(lesson: str) -> list[str]:
    return [url for _, url in LESSONS[lesson].sources]


def test_a_symmetric_key_with_imported_material_is_taught_to_rotate_on_demand():
    """AWS KMS API Reference, "ImportKeyMaterial" and "RotateKeyOnDemand": a single-Region
    symmetric encryption key with imported material can take new key material and be rotated
    on demand; only automatic rotation is closed to it. The lesson named imported material
    only among the keys automatic rotation skips, and said nothing of the on-demand way."""
    para = next(p for p in _paragraphs("encryption-and-kms/aws-kms") if "Key rotation" in p)
    assert "keys with imported material" in para  # still no automatic rotation
    assert "imported material can still be rotated on demand" in para
    assert "import new key material" in para


def test_disabling_a_key_is_not_taught_to_cut_off_data_keys_already_decrypted():
    """AWS KMS Developer Guide, "Enable and disable keys": a disabled key is unusable right away,
    subject to eventual consistency, but resources encrypted with data keys it protects are
    not affected until the KMS key is used again. Amazon EFS User Guide, "Managing KMS keys
    for EFS file systems": a mounted file system keeps working for a period of time. The
    lesson said a disabled key stops working "at once" and that disabling leaves "no one" able
    to decrypt the orders."""
    body = LESSONS["encryption-and-kms/aws-kms"].body
    assert "stops working for all cryptographic operations at once" not in body
    assert "so that no one can decrypt the orders" not in body
    bullet = next(p for p in _paragraphs("encryption-and-kms/aws-kms") if "**Disable**" in p)
    assert "eventually consistent" in bullet
    assert "already decrypted" in bullet and "Amazon EFS" in bullet
    assert "https://docs.aws.amazon.com/kms/latest/developerguide/enabling-keys.html" in _sources(
        "encryption-and-kms/aws-kms"
    )


def test_inspector_is_taught_to_stop_rescanning_an_ecr_image_after_its_rescan_duration():
    """Amazon Inspector User Guide, "Configuring the Amazon ECR re-scan duration": an image is
    rescanned only while it was pushed or last in use within the duration; after that
    Inspector stops monitoring it and closes its findings. The default for new accounts is
    14 days (settings made before 16 May 2025 keep theirs). The lesson said Inspector "keeps
    scanning" every resource and rescans whenever a matching CVE is published."""
    para = next(
        p for p in _paragraphs("detection/amazon-inspector") if "**ECR re-scan duration**" in p
    )
    assert "14 days" in para and "May 2025" in para
    assert "stops monitoring the image and closes its findings" in para
    points = next(
        p for p in _paragraphs("detection/amazon-inspector") if p.startswith("::: key-points")
    )
    assert "re-scan duration" in points
    assert "re-scan duration" in GLOSSARY["amazon-ecr"].definition
    assert "ECR re-scan duration" in QUESTIONS["det-which-service"].explanation
    assert (
        "https://docs.aws.amazon.com/inspector/latest/user/"
        "scanning_resources_configure_duration_setting_ecr.html"
        in _sources("detection/amazon-inspector")
    )


def test_consolidated_billing_names_the_billing_transfer_to_another_organization():
    """AWS Organizations API Reference, "InviteOrganizationToTransferResponsibility" and
    "ResponsibilityTransfer"; Billing and Cost Management User Guide, "Withdrawing transfers":
    another organization's management account can invite an organization to let it manage
    and pay that organization's consolidated bill; either side can withdraw, and the transfer
    ends at the end of a month. "The management account pays" is no longer the only
    arrangement."""
    para = next(
        p for p in _paragraphs("organizations/consolidated-billing") if "**billing transfer**" in p
    )
    assert "another" in para and "organization" in para
    assert "Only the bill" in para and "no access" in para
    assert "It sends the invitation" in para  # the payer invites; the billed side accepts
    assert "end of a" in para and "month" in para
    assert (
        "https://docs.aws.amazon.com/organizations/latest/APIReference/"
        "API_InviteOrganizationToTransferResponsibility.html"
        in _sources("organizations/consolidated-billing")
    )


def test_acm_is_not_taught_to_serve_only_load_balancers_and_cloudfront():
    """AWS Certificate Manager User Guide, "Export an AWS Certificate Manager public
    certificate": public certificates created from 17 June 2025 can be exported with their
    private key (protected by a passphrase) for use on your own servers. The lesson and the
    glossary tied ACM's public certificates to load balancers and CloudFront alone."""
    body = LESSONS["encryption-and-kms/encryption-basics"].body
    assert "*exportable* public certificates" in body and "June 2025" in body
    assert "exportable public certificates" in GLOSSARY["aws-certificate-manager"].definition
    assert (
        "https://docs.aws.amazon.com/acm/latest/userguide/export-public-certificate.html"
        in _sources("encryption-and-kms/encryption-basics")
    )


# --- Accuracy audit 2026-12-06 (second pass): IAM, shared responsibility, compliance, capstone


def test_the_guardduty_worked_example_gives_the_discovery_finding_its_low_default():
    """GuardDuty User Guide, "GuardDuty IAM finding types": `Discovery:IAMUser/AnomalousBehavior`
    has a default severity of Low (`CredentialAccess:IAMUser/AnomalousBehavior` is the Medium
    one). The worked example's 10:02 row said "(Low or Medium)" for the Discovery finding."""
    row = next(
        line
        for line in LESSONS["detection/amazon-guardduty"].body.splitlines()
        if line.startswith("| 10:02 ")
    )
    assert "`Discovery:IAMUser/AnomalousBehavior`" in row
    assert "(Low" in row and "Medium" not in row


def test_audit_manager_is_taught_as_closed_to_new_customers():
    """AWS Audit Manager User Guide, "AWS Audit Manager availability change" (the banner on
    every Audit Manager page): the service no longer takes new customers; existing customers
    keep using it. AWS Config "Conformance Pack Sample Templates" has framework samples (PCI DSS
    among them) that, as AWS says, do not by themselves make you compliant. The course taught
    Audit Manager as the tool to turn on, with no word of the change."""
    lesson = "compliance-and-artifact/evidence-and-posture"
    note = next(p for p in _paragraphs(lesson) if "**Closed to new customers.**" in p)
    note = " ".join(note.split())
    assert "carry on" in note and "conformance pack" in note and "Security Hub CSPM" in note
    assert "do not by themselves make you compliant" in note
    points = next(p for p in _paragraphs(lesson) if p.startswith("::: key-points"))
    assert "closed to new customers" in points
    basics = LESSONS["compliance-and-artifact/compliance-basics"].body
    assert "AWS has closed it to new customers" in basics
    assert "Closed to new customers" in GLOSSARY["aws-audit-manager"].definition
    assert "closed to new customers" in QUESTIONS["comp-evidence-tools"].explanation
    assert (
        "https://docs.aws.amazon.com/audit-manager/latest/userguide/"
        "audit-manager-availability-change.html" in _sources(lesson)
    )
    assert GLOSSARY["aws-audit-manager"].source_url.endswith(
        "audit-manager-availability-change.html"
    )


def test_artifact_is_not_taught_to_hold_only_reports_about_aws():
    """AWS Artifact User Guide, "Document history": third-party reports (compliance reports of
    independent software vendors selling through AWS Marketplace) became generally available
    in January 2023. The lesson and glossary said Artifact holds AWS's own documents only."""
    para = next(
        p
        for p in _paragraphs("compliance-and-artifact/aws-artifact")
        if "**third-party reports**" in p
    )
    assert "AWS Marketplace" in para and "not AWS's" in para
    assert "third-party" in GLOSSARY["aws-artifact"].definition
    assert "https://docs.aws.amazon.com/artifact/latest/ug/doc-history.html" in _sources(
        "compliance-and-artifact/aws-artifact"
    )


def test_the_capstone_offers_centralized_root_access_for_its_member_accounts():
    """IAM User Guide, "Centralize root access for member accounts": the management account can
    delete member accounts' root credentials. The capstone asked for root MFA in all three
    accounts without saying that the two member accounts can lose their root credentials
    instead, which the root-user lesson teaches."""
    row = next(
        line
        for line in LESSONS["capstone/capstone"].body.splitlines()
        if line.startswith("| MFA on the root user")
    )
    assert "centralized root access" in row and "member accounts" in row


def test_access_analyzer_custom_policy_checks_are_taught_beside_validation():
    """IAM User Guide, "IAM Access Analyzer checks for validating policies" and the Access
    Analyzer API (`CheckNoNewAccess`, `CheckAccessNotGranted`, `CheckNoPublicAccess`): besides
    validation against the grammar and best practices, custom checks compare a policy with its
    earlier version, with a list of actions or resources, or for public access, and each check
    is charged. The lesson named validation and generation only."""
    lesson = "iam/least-privilege"
    bullet = next(
        line
        for line in LESSONS[lesson].body.splitlines()
        if line.startswith("- **IAM Access Analyzer custom policy checks**")
    )
    assert "previous version" in bullet and "list you name" in bullet and "public" in bullet
    assert "charged" in bullet
    assert (
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/"
        "access-analyzer-checks-validating-policies.html" in _sources(lesson)
    )


def test_the_srm_explorer_does_not_offer_sse_c_as_an_open_choice_on_s3():
    """Amazon S3 User Guide, "Blocking or unblocking SSE-C for a general purpose bucket": new
    buckets refuse SSE-C uploads by default since April 2026. The explorer's S3 row said you
    could simply choose "your own keys" instead of SSE-S3."""
    s3 = next(s for s in CURRICULUM.services if s.slug == "s3")
    owner, reason = s3.responsibilities["server-side-encryption"]
    assert owner == "shared"
    assert "your own keys instead" not in reason
    assert "(SSE-C) unless you allow them" in reason


# --- Facts left uncertain by earlier sessions, settled or reworded (2026-12-06, third pass)


def test_on_demand_rotation_is_taught_as_limited_without_a_number_the_docs_disagree_on():
    """AWS KMS Developer Guide, "Perform on-demand key rotation" (now 25 rotations per key)
    and AWS KMS API Reference, "RotateKeyOnDemand" (10 in its versions in the index): both
    say on-demand rotations per key are limited and the console shows how many remain; the
    API Reference leaves out multi-Region keys with imported material. The course says the
    limit without a figure, and names the single-Region case."""
    para = next(p for p in _paragraphs("encryption-and-kms/aws-kms") if "Key rotation" in p)
    assert "a limited number of times per key" in para
    assert "single-Region symmetric key with imported material" in para
    figures = re.compile(r"\b(?:10|25|ten|twenty-five) (?:times|on-demand rotations)\b", re.I)
    assert [where for where, text in _chunks() if figures.search(text)] == []
    assert (
        "https://docs.aws.amazon.com/kms/latest/developerguide/rotating-keys-on-demand.html"
        in _sources("encryption-and-kms/aws-kms")
    )


def test_the_continued_operations_letter_is_taught_as_aws_says_it():
    """AWS re:Post Knowledge Center, "When does AWS release new SOC reports, and how can I
    download the latest report using AWS Artifact?": AWS publishes a SOC Continued Operations
    Letter, in place of a bridge or gap letter, stating that AWS continues to maintain the
    controls and system environment audited and described in the latest SOC reports. The
    course said the letter "covers the time since the last period ended", which the page
    does not say."""
    where = "https://repost.aws/knowledge-center/download-artifact-soc-reports"
    body = " ".join(LESSONS["compliance-and-artifact/aws-artifact"].body.split())
    assert "in place of the bridge (or gap) letter" in body
    assert "continues to maintain the controls and system environment" in body
    term = GLOSSARY["continued-operations-letter"]
    assert "bridge" in term.definition and "for the months since" not in term.definition
    assert term.source_url == where
    soc1 = next(p for p in CURRICULUM.programs if p.slug == "soc-1")
    said = " ".join(soc1.aws_provides)
    assert "covers the time since the last period ended" not in said
    assert "still maintains the controls" in said


def test_audit_manager_is_given_no_end_of_support_date_aws_does_not_state():
    """AWS Audit Manager User Guide, "AWS Audit Manager availability change" (banner on every
    page): closed to new customers, existing customers continue as normal; the banner gives
    no date on which the service ends. The course must not make one up."""
    dated = re.compile(r"Audit Manager[^.]*\b(?:20\d\d|end of support|shut|retire)", re.I)
    assert [where for where, text in _chunks() if dated.search(text)] == []


def test_artifact_reports_are_not_said_to_be_watermarked():
    """AWS Artifact User Guide, "Downloading reports": some reports ask the reader to accept
    terms first; the AWS Artifact NDA those terms point to binds the reader to take reasonable
    measures against disclosure. Neither that guide, the NDA nor AWS Artifact's FAQ says a
    download is watermarked, which the lesson, the glossary and a quiz's feedback all claimed;
    the course now gives the documented reason to share reports carefully."""
    feedback = [
        (f"question {q.slug}", choice.get("feedback") or "")
        for q in QUESTIONS.values()
        for choice in q.data.get("choices", [])
    ]
    said = [where for where, text in _chunks() + feedback if re.search(r"watermark", text, re.I)]
    assert said == []
    lesson = " ".join(_paragraphs("compliance-and-artifact/aws-artifact"))
    assert "reasonable care that they are not disclosed" in lesson


def test_a_low_guardduty_finding_is_not_taught_as_something_blocked():
    """GuardDuty User Guide, "Severity levels of GuardDuty findings": Low (1.0-3.9) is
    attempted suspicious activity that did not compromise anything, such as a port scan or a
    failed intrusion attempt. The lesson said the activity "was blocked", which GuardDuty
    neither does nor says (it reports; a port scan is often not blocked at all)."""
    lesson = "detection/amazon-guardduty"
    row = next(line for line in LESSONS[lesson].body.splitlines() if line.startswith("| Low |"))
    assert "blocked" not in row
    assert "did not compromise" in row and "port scan" in row
    assert (
        "https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_findings-severity.html"
        in _sources(lesson)
    )


def test_guardduty_malware_scans_are_taught_with_their_on_demand_way():
    """GuardDuty User Guide, "On-demand malware scan in GuardDuty" (an EC2 instance named by its
    ARN, with or without GuardDuty-initiated scans turned on) and "On-demand S3 malware scan in
    GuardDuty" (objects that were in the bucket before protection). The plans table said the
    EC2 plan scans only instances that look compromised and the S3 plan only new uploads."""
    lesson = "detection/amazon-guardduty"
    rows = {
        line.split("|")[1].strip(): line
        for line in LESSONS[lesson].body.splitlines()
        if line.startswith("| Malware Protection for ")
    }
    assert "on demand" in rows["Malware Protection for EC2"]
    assert "on demand of objects already there" in rows["Malware Protection for S3"]
    assert (
        "https://docs.aws.amazon.com/guardduty/latest/ug/on-demand-malware-scan.html"
        in _sources(lesson)
    )


def test_block_public_access_is_defined_with_its_organization_level_too():
    """Amazon S3 User Guide, "Configuring block public access settings for your account": Block
    Public Access has settings for access points, buckets, accounts and organizations; an
    organization-level policy (an AWS Organizations S3 policy) overrides the account's settings,
    which the account can then no longer change. The glossary named only the account and the
    bucket (the content check of 2026-12-07)."""
    term = GLOSSARY["block-public-access"]
    definition = " ".join(term.definition.split())
    assert "organization" in definition and "S3 policy" in definition
    assert "access point" in definition
    assert "cannot change its own" in definition
    assert term.source_url == (
        "https://docs.aws.amazon.com/AmazonS3/latest/userguide/"
        "configuring-block-public-access-account.html"
    )


def test_the_blast_radius_explanation_names_the_block_public_access_an_account_cannot_undo():
    """Amazon S3 User Guide, "Configuring block public access settings for your account": an
    organization-level Block Public Access policy (an AWS Organizations S3 policy) overrides the
    account's settings, and `PutPublicAccessBlock` can then be refused. The explanation said
    `s3:*` can always switch Block Public Access off first (the content check of 2026-12-07)."""
    explanation = " ".join(QUESTIONS["cap-s3-star-blast-radius"].explanation.split())
    assert "s3:PutAccountPublicAccessBlock" in explanation
    assert "Organizations S3 policy" in explanation and "Northwind has none" in explanation
