"""What the detection, KMS, DoS, compliance and organizations modules say agrees with AWS's
current documentation on the points a claim-by-claim check against it found wrong or stated too
narrowly (2026-12-07, after the November review)."""

from __future__ import annotations

from tests.curriculum.shipped_quizzes import shipped_quizzes
from tests.shipped import shipped_curriculum

CURRICULUM = shipped_curriculum()
LESSONS = {f"{le.module}/{le.slug}": le for le in CURRICULUM.lessons}
TERMS = {t.slug: t for t in CURRICULUM.glossary}
QUESTIONS = {q.slug: q for q in shipped_quizzes(check_cases=False).questions}
FINDING_TYPES = "https://docs.aws.amazon.com/inspector/latest/user/findings-types.html"


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_the_inspector_score_is_taught_for_every_package_finding_not_only_ec2():
    """Amazon Inspector User Guide, "Amazon Inspector finding types": package vulnerability
    findings, which Inspector makes for EC2 instances, ECR images and Lambda functions, carry
    the Inspector score. The lesson, the glossary and a quiz explanation said Inspector
    calculates it for EC2 findings; on EC2 it is adjusted for network reachability, but a
    learner looking at an image or function finding would have been told it has none."""
    lesson = LESSONS["detection/amazon-inspector"]
    body = _flat(lesson.body)
    assert "For EC2 findings Inspector also calculates" not in body
    assert "Lambda function, also carries an **Inspector score**" in body
    assert FINDING_TYPES in [url for _, url in lesson.sources]

    term = TERMS["inspector-score"]
    assert "for an EC2 finding" not in term.definition
    assert "container image or a Lambda function" in _flat(term.definition)
    assert term.source_url == FINDING_TYPES

    explanation = _flat(QUESTIONS["det-inspector-score"].explanation)
    assert "For EC2 findings Inspector calculates" not in explanation
    assert "Every package vulnerability finding carries an Inspector score" in explanation
