"""The four points the question-by-question review of 2026-12-06 left open, settled against
AWS's documentation (docs/content-review-2026-11.md, "fourth part"): what AWS says about a
HIPAA certification, what `aws:RequestedRegion` holds for a call to STS's global endpoint,
length clues in multiple-answer questions, and `comp-where-to-look`'s audit question."""

from __future__ import annotations

import pytest

from quizzes.kinds.base import small_edit
from tests.curriculum.shipped_quizzes import shipped_quizzes
from tests.lessons.test_item_quality import stands_out
from tests.shipped import shipped_curriculum

CURRICULUM = shipped_curriculum()
LESSONS = {f"{le.module}/{le.slug}": le for le in CURRICULUM.lessons}
GLOSSARY = {t.slug: t for t in CURRICULUM.glossary}
PROGRAMS = {p.slug: p for p in CURRICULUM.programs}
SCENARIOS = {sc.slug: sc for sc in CURRICULUM.scenarios}
QUESTIONS = {q.slug: q for q in shipped_quizzes(check_cases=False).questions}

HIPAA_PAGE = "https://aws.amazon.com/compliance/hipaa-compliance/"


def _flat(text: str) -> str:
    return " ".join(text.split())


def _keys(slug: str) -> list[str]:
    return [c["text"] for c in QUESTIONS[slug].data["choices"] if c["correct"]]


HIPAA_KEY_BEFORE = (
    "HIPAA has no certification; AWS offers a BAA and eligible services, and the start-up must"
    " show its own use complies"
)


def test_hipaa_is_taught_to_have_no_certification_for_a_cloud_provider_as_aws_says():
    """AWS Compliance, "HIPAA Compliance" (FAQ "Is AWS HIPAA certified?"): there is no HIPAA
    certification for a cloud service provider such as AWS; AWS aligns its HIPAA risk
    management with FedRAMP and NIST 800-53. HHS says it does not endorse or recognise private
    organizations' "certifications" for the Security Rule. The course said "there is no HIPAA
    certification at all", which no page states: private firms do sell one, unrecognised. The
    key is a small edit of its old text, so saved answers keep their choice."""
    body = _flat(LESSONS["compliance-and-artifact/compliance-basics"].body)
    assert "there is no HIPAA certification at all" not in body
    assert "HIPAA has no certification for cloud providers" in body
    sources = [url for _, url in LESSONS["compliance-and-artifact/compliance-basics"].sources]
    assert HIPAA_PAGE in sources
    (key,) = _keys("comp-hipaa-what-aws-offers")
    assert key.startswith("HIPAA has no certification for a cloud provider;")
    assert small_edit(HIPAA_KEY_BEFORE, key)
    explanation = _flat(QUESTIONS["comp-hipaa-what-aws-offers"].explanation)
    assert "no certification a cloud provider can hold" in explanation
    assert "HHS, which enforces HIPAA, does not recognise" in explanation
    hipaa = GLOSSARY["hipaa"]
    assert "There is no HIPAA certification:" not in hipaa.definition
    assert "no certification for a cloud provider" in _flat(hipaa.definition)
    assert hipaa.source_url == HIPAA_PAGE
    keeps = PROGRAMS["hipaa"].customer_keeps
    assert not any(line.startswith("There is no HIPAA certification;") for line in keeps)
    assert any("no certification for a cloud provider such as AWS" in line for line in keeps)


def test_the_region_scp_exempts_sts_because_its_global_endpoint_says_us_east_1():
    """IAM User Guide, "AWS STS Regions and endpoints" (AWS STS global endpoint changes): a
    request to the global endpoint has `us-east-1` as its `aws:RequestedRegion` whichever
    Region served it. The lesson, the capstone and the scenario gave as the reason for
    exempting `sts:*` that *some* global-endpoint calls are still handled in us-east-1, which
    implies that the others, served in an approved Region, would pass the SCP; none would."""
    body = _flat(LESSONS["organizations/service-control-policies"].body)
    assert "since AWS changed that endpoint in 2025 some still are" not in body
    assert "carries `us-east-1` as its `aws:RequestedRegion` whichever Region serves it" in body
    assert "every role assumption through the global endpoint would be denied" in body
    capstone = _flat(LESSONS["capstone/capstone"].body)
    assert "are still handled in `us-east-1`" not in capstone
    assert "carries `us-east-1` as its `aws:RequestedRegion`, whichever Region serves it" in (
        capstone
    )
    situation = _flat(SCENARIOS["scp-deny-outside-approved-regions"].situation)
    assert "still handled in `us-east-1`" not in situation
    assert "carry `us-east-1` as their `aws:RequestedRegion`" in situation
    urls = [url for _, url in LESSONS["organizations/service-control-policies"].sources]
    assert (
        "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_region-endpoints.html"
        in urls
    )


# The keys (and one distractor each) reworded so that no group of keys is set off by length
# (tests/lessons/test_item_quality.py); each new text is a small edit, so the choice keeps
# its id and the answers that chose it stay selected.
REWORDED = [
    (
        "srm-of-the-cloud-examples",
        "Keeping one customer's virtual machine isolated from another's on the same host"
        " (the hypervisor)",
        "Keeping one customer's virtual machine isolated from another's on the same host",
    ),
    (
        "srm-rds-still-yours",
        "Deciding who can reach the database over the network (security groups, the publicly"
        " accessible setting)",
        "Deciding who can reach the database over the network (security groups, public access)",
    ),
    (
        "srm-rds-still-yours",
        "Replacing failed disks in the underlying servers",
        "Replacing failed disks in the underlying servers of the instance",
    ),
    (
        "det-backup-out-of-reach",
        "A copy of each backup in a vault of a separate backup account in the organization",
        "A copy of each backup in a vault of a separate backup account",
    ),
    (
        "det-backup-out-of-reach",
        "A vault locked with AWS Backup Vault Lock in compliance mode, once its grace time has"
        " passed",
        "A vault locked with Vault Lock in compliance mode, past its grace time",
    ),
    (
        "enc-mrk-shared-properties",
        "The key material, including older versions after a rotation",
        "The key material, including older versions",
    ),
    (
        "enc-verify-offline",
        "The partner can verify offline with the public key you downloaded with `GetPublicKey`"
        " and gave them",
        "The partner can verify offline with the public key you downloaded with `GetPublicKey`",
    ),
    (
        "enc-verify-offline",
        "The partner must call `kms:Verify`, so you must give them an IAM role",
        "The partner must call `kms:Verify`, so you must give them an IAM role in your account",
    ),
]


@pytest.mark.parametrize(("slug", "before", "after"), REWORDED, ids=[r[0] for r in REWORDED])
def test_a_multiple_answer_question_no_longer_gives_keys_away_and_keeps_its_choices(
    slug, before, after
):
    question = QUESTIONS[slug]
    texts = {c["text"]: c["correct"] for c in question.data["choices"]}
    assert before not in texts
    assert after in texts
    assert small_edit(before, after)
    assert not stands_out(question)


WHERE_TO_LOOK_BEFORE = (
    "How do we audit a company whose servers sit in data centres we can never visit?"
)


def test_the_where_to_look_question_sends_only_training_to_the_compliance_center():
    """AWS Artifact User Guide, "What is AWS Artifact?": its reports are submitted to auditors
    and regulators to show the security of the AWS infrastructure; AWS Compliance, "Shared
    Responsibility Model": physical and environmental controls are inherited, reviewed in the
    third-party attestations in Artifact, while the Cloud Audit Academy (the auditor learning
    path) gives audit teams cloud-specific training. "How do we audit a company whose data
    centres we can never visit?" had two defensible answers, Artifact's reports among them; the
    item now asks for the training, which only the Customer Compliance Center answers. The
    key and the type are unchanged; the item is a new one, so earlier answers keep the text
    they sorted."""
    question = QUESTIONS["comp-where-to-look"]
    assert question.type == "categorize"
    items = {item["text"]: item["category"] for item in question.data["items"]}
    assert WHERE_TO_LOOK_BEFORE not in items
    asked = "Where can our auditors get training in how to audit a workload that runs on AWS?"
    assert items[asked] == "Customer Compliance Center"
    assert not small_edit(WHERE_TO_LOOK_BEFORE, asked)
    assert list(items.values()).count("Customer Compliance Center") == 1
    explanation = _flat(question.explanation)
    assert "assurance about data centres it can never visit" in explanation
    assert "Cloud Audit Academy" in explanation
