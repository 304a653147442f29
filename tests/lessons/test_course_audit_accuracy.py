"""What the lessons say agrees with the AWS documentation, and each claim names a page a learner
can open (outside reviewer's audit of the course, 2026-12-07)."""

from __future__ import annotations

from tests.shipped import shipped_curriculum

CURRICULUM = shipped_curriculum()
LESSONS = {f"{le.module}/{le.slug}": le for le in CURRICULUM.lessons}


def test_the_kms_tls_requirement_cites_the_page_that_states_it():
    """KMS Developer Guide, "Infrastructure security in AWS Key Management Service": AWS KMS
    requires TLS 1.2 (and recommends TLS 1.3). The lesson said so without listing any page
    that does; a learner checking the claim now finds it among the Sources."""
    lesson = LESSONS["encryption-and-kms/encryption-basics"]
    assert "AWS KMS requires TLS 1.2 or later" in lesson.body
    page = "https://docs.aws.amazon.com/kms/latest/developerguide/infrastructure-security.html"
    assert page in [url for _, url in lesson.sources]
