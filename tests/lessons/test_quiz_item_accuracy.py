"""Questions whose key or scenario changed in the item-writing review of 2026-12-05 (the
organizations, compliance, DoS, KMS, detection and capstone quizzes) still say what the AWS
documentation says: a true/false statement turned true must be true, and a scenario must be
one AWS lets happen."""

from __future__ import annotations

from tests.curriculum.shipped_quizzes import shipped_quizzes

QUESTIONS = {q.slug: q for q in shipped_quizzes(check_cases=False).questions}


def _choices(slug: str) -> dict[str, bool]:
    return {c["text"]: c["correct"] for c in QUESTIONS[slug].data["choices"]}


def _said(slug: str) -> str:
    return " ".join(QUESTIONS[slug].prompt.split())


def test_the_fullawsaccess_question_describes_a_detach_aws_allows():
    """Organizations API Reference, "DetachPolicy": every root, OU and account must keep at
    least one SCP, so a replacement is attached before `FullAWSAccess` can be removed. The
    question had the engineer detach it with nothing else attached, which AWS refuses, so a
    learner who knew that had no right answer."""
    prompt = _said("org-detach-fullawsaccess")
    assert "attaches an SCP to the Prod OU" in prompt
    assert prompt.index("attaches an SCP") < prompt.index("detaches `FullAWSAccess`")
    asked = _choices("org-detach-fullawsaccess")
    # a deny-only SCP allows nothing: the tempting "only that action is blocked" is wrong
    assert (
        asked["Only `cloudtrail:StopLogging` is blocked; everything else works as before"] is False
    )
    assert [t for t, ok in asked.items() if ok] == [
        "Nearly every request in them is now denied, because no SCP at that level allows it"
    ]


def test_the_statements_turned_true_are_the_documented_rules():
    """Each was a false statement of a rule and now states the rule itself, so the course's
    true/false items are no longer nearly all false. Sources: SCPs grant nothing (Organizations
    User Guide, "Service control policies"); DynamoDB Developer Guide, "Encryption at rest
    usage notes" (enabled on all table data and cannot be disabled); KMS Developer Guide,
    "Create a KMS key" (key usage cannot be changed after creation); Inspector's CIS scan
    configuration has one schedule, one-time, daily, weekly or monthly (CloudFormation
    `AWS::InspectorV2::CisScanConfiguration Schedule`); GuardDuty's foundational sources need
    no agent (GuardDuty User Guide); Artifact is free; WAF rules are the customer's."""
    said = {
        "org-scp-only-limits": "still cannot use DynamoDB",
        "enc-dynamodb-encrypted-by-default": "you cannot turn that off",
        "enc-key-usage-set-at-creation": "cannot be changed",
        "det-cis-scan-schedule": "only on a schedule you set",
        "det-guardduty-no-agent-needed": "needs no agent",
        "art-artifact-no-charge": "at no charge",
        "dos-waf-rules-are-yours": "is your responsibility",
    }
    for slug, phrase in said.items():
        question = QUESTIONS[slug]
        assert question.data["answer"] is True, slug
        assert phrase in _said(slug), slug
        # the feedback agrees with the key it follows
        assert question.explanation.startswith("True."), slug


def test_the_lesson_and_glossary_never_teach_a_detach_aws_refuses():
    """Organizations API Reference, "DetachPolicy": a level's last SCP cannot be detached. So
    "detaching FullAWSAccess without a replacement" cannot happen; what blocks everything is
    detaching it where the SCPs left only deny, as the question above now has it."""
    from pathlib import Path

    import yaml

    content = Path(__file__).resolve().parents[2] / "lessons" / "content"
    lesson = (content / "organizations" / "02-service-control-policies.md").read_text()
    glossary = yaml.safe_load((content / "glossary.yaml").read_text())
    term = next(t for t in glossary if t["slug"] == "fullawsaccess")
    for text in (lesson, term["definition"]):
        flat = " ".join(text.split())
        assert "without a replacement" not in flat
    assert "at least one SCP" in " ".join(term["definition"].split())
    assert "while no other SCP there allows anything blocks everything below" in " ".join(
        lesson.split()
    )


def test_the_waf_placement_question_keys_only_a_resource_waf_attaches_to():
    """AWS WAF Developer Guide, "Resources that you can protect with AWS WAF": CloudFront,
    Application Load Balancers, API Gateway REST APIs, AppSync, Cognito user pools and a few
    more; Network Load Balancers, instances and security groups take no web ACL. The recall list
    it replaced became a choice to make in front of a Network Load Balancer."""
    asked = _choices("dos-waf-behind-nlb")
    (key,) = [t for t, ok in asked.items() if ok]
    assert "Application Load Balancer" in key and "CloudFront" in key
    assert (
        asked["Associate the web ACL with the Network Load Balancer that receives the traffic"]
        is False
    )
    assert asked["Associate the web ACL with the instances' security group"] is False
    assert "dos-waf-targets" not in QUESTIONS
