"""What the IAM and denial-of-service quizzes say agrees with the AWS documentation on the
points a question-by-question review found ambiguous or incomplete (every prompt, choice,
feedback and key of both quizzes, 2026-12-06)."""

from __future__ import annotations

from tests.curriculum.shipped_quizzes import shipped_quizzes

QUESTIONS = {q.slug: q for q in shipped_quizzes(check_cases=False).questions}


def _choices(slug: str) -> list[dict]:
    return list(QUESTIONS[slug].data["choices"])


def test_the_nacl_rule_order_question_has_one_defensible_answer():
    """Amazon VPC User Guide, "Network ACL rules": rules are evaluated from the lowest number
    up, and the first rule that matches decides. The prompt asked "What happens?" and a
    distractor ("dropped only if the security group has no rule for port 443") was true of
    the whole path, so two answers could be defended. The prompt now asks what the network
    ACL does, and the distractor tests the most-specific-range misreading instead."""
    question = QUESTIONS["dos-nacl-rule-order"]
    assert "What does the network ACL do with it?" in question.prompt
    texts = [c["text"] for c in _choices("dos-nacl-rule-order")]
    assert not any("security group has no rule" in t for t in texts)
    assert any("more specific" in t for t in texts)
    right = [c["text"] for c in _choices("dos-nacl-rule-order") if c["correct"]]
    assert right == ["It is allowed: rule 100 matches first, and the network ACL stops looking"]
    assert "security group" in question.explanation


def test_the_principal_element_question_names_rcps_as_the_organizations_exception():
    """AWS Organizations User Guide, "RCP syntax": a resource control policy has a Principal
    element, like a resource-based policy, though it is attached to a root, OU or account; an
    SCP has none. The explanation said only resource-based policies carry one, which a
    learner who has met RCPs would find wrong."""
    question = QUESTIONS["iam-principal-element"]
    explanation = " ".join(question.explanation.split())
    assert "resource control policy" in explanation
    assert "also has a `Principal` element" in explanation
    assert "A service control policy never has one" in explanation
    right = [c["text"] for c in _choices("iam-principal-element") if c["correct"]]
    assert right == ["To a resource, such as a bucket, a KMS key or a role (its trust policy)"]


def test_the_slowloris_explanation_says_the_load_balancer_forwards_only_whole_requests():
    """AWS Best Practices for DDoS Resiliency, "Elastic Load Balancing (BP6)": an Application
    Load Balancer accepts only well-formed web requests. The explanation credited it only with
    closing idle connections, which a Slowloris client (one that sends a byte now and then)
    never is."""
    explanation = " ".join(QUESTIONS["dos-elb-slowloris"].explanation.split())
    assert "forwards only well-formed web requests" in explanation
    assert "never reaches your server" in explanation
