"""What the shared responsibility, compliance, encryption and detection lessons, glossary and
quizzes say agrees with the AWS documentation on the points a learner was found to be taught
wrongly, out of date or not at all (QA of the data and detection part, 2026-12-04)."""

from __future__ import annotations

import re

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
