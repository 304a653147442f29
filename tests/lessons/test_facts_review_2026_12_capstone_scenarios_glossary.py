"""What the glossary says of the encryption, denial-of-service, detection and compliance
modules agrees with AWS's current documentation on the points a claim-by-claim check of the
capstone, the scenarios and those modules' glossary terms found stated too narrowly
(2026-12-07, after the lessons' own fact checks)."""

from __future__ import annotations

from tests.shipped import shipped_curriculum

CURRICULUM = shipped_curriculum()
TERMS = {t.slug: t for t in CURRICULUM.glossary}
ENCRYPTION_SDK_CONCEPTS = (
    "https://docs.aws.amazon.com/encryption-sdk/latest/developer-guide/concepts.html"
)


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_the_ddos_simulation_term_names_the_edge_optimized_api_gateway_target():
    """AWS's "DDoS Simulation Testing Policy" (aws.amazon.com/security/ddos-simulation-testing):
    the target must be a Protected Resource in a Shield Advanced account **or** an API Gateway
    edge-optimized endpoint in an account subscribed to Shield Advanced. The glossary allowed
    only "a resource protected by Shield Advanced", which the lesson's own table contradicts."""
    definition = _flat(TERMS["ddos-simulation-test"].definition)
    assert "against a resource protected by Shield Advanced, within" not in definition
    assert "edge-optimized API Gateway endpoint" in definition
    assert "subscribed to Shield Advanced" in definition


def test_the_encryption_sdk_is_not_defined_as_taking_its_data_keys_from_kms():
    """AWS Encryption SDK Developer Guide, "Concepts" and "Raw AES keyrings": the SDK makes a
    unique data key for each message and wraps it under the wrapping keys you specify, which
    may be AWS KMS keys or keys you provide yourself; it needs AWS only when KMS keys are used
    (its FAQ). The glossary said its data keys come from AWS KMS."""
    term = TERMS["aws-encryption-sdk"]
    definition = _flat(term.definition)
    assert "with data keys from AWS KMS" not in definition
    assert "keys you supply yourself" in definition
    assert "does not need KMS" in definition
    assert term.source_url == ENCRYPTION_SDK_CONCEPTS


def test_gdpr_is_said_to_reach_as_far_as_its_article_3_and_no_further():
    """GDPR Article 3 (territorial scope): organisations established in the EU, and those
    outside it that offer goods or services to people in the EU or monitor their behaviour
    there. The glossary and the compliance lesson's table said it applied to "anyone processing
    personal data of people in the EU", which is wider than the law."""
    lesson = next(lesson for lesson in CURRICULUM.lessons if lesson.slug == "compliance-basics")
    for text in (_flat(TERMS["gdpr"].definition), _flat(lesson.body)):
        assert "nyone processing personal data of people in the EU" not in text
        assert "established in the EU" in text
        assert "offer goods or services to people in the EU" in text


def test_the_root_user_scenario_says_what_can_still_limit_root():
    """IAM User Guide, "Policy evaluation logic" and "Root user best practices": no
    identity-based policy limits the root user, but SCPs (in a member account) and an explicit
    Deny in a resource-based policy still apply to it; the sandbox models the root user (its
    identity step says so). The scenario said IAM policies are not evaluated for root at all,
    and that the sandbox cannot model it."""
    scenario = next(s for s in CURRICULUM.scenarios if s.slug == "everyday-admin-not-root")
    situation = _flat(scenario.situation)
    assert "IAM policies are not evaluated for it" not in situation
    assert "cannot model the root user" not in situation
    assert "no identity-based policy can limit" in situation
    assert "SCP" in situation
