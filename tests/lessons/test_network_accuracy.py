"""What the network lessons, glossary and quiz say agrees with the AWS documentation on the points
a learner was found to be taught wrongly or not at all (QA of the network part, 2026-12-04)."""

from __future__ import annotations

import re

from tests.curriculum.shipped_quizzes import shipped_quizzes
from tests.shipped import shipped_curriculum

CURRICULUM = shipped_curriculum()
LESSONS = {f"{le.module}/{le.slug}": le for le in CURRICULUM.lessons}


def _chunks() -> list[tuple[str, str]]:
    """(where, text) for every paragraph of every lesson, glossary definition and quiz text."""
    out = []
    for key, lesson in LESSONS.items():
        out += [(key, para) for para in re.split(r"\n\s*\n", lesson.body)]
    out += [(f"glossary {t.slug}", t.definition) for t in CURRICULUM.glossary]
    for q in shipped_quizzes(check_cases=False).questions:
        out += [(f"question {q.slug}", q.prompt), (f"question {q.slug}", q.explanation)]
    return out


def test_the_60_second_idle_timeout_is_given_only_to_the_load_balancers_that_have_it():
    """60 s is the default of Application and Classic Load Balancers; a Network Load Balancer's
    TCP idle timeout is 350 s (ELB guides: "Configure the idle connection timeout for your
    Classic Load Balancer", "Update the TCP idle timeout for your Network Load Balancer")."""
    said = [
        where
        for where, text in _chunks()
        if "60 seconds" in text
        and "idle" in text.lower()
        and not re.search(r"Application( or Classic)? Load Balancer|Classic Load Balancer", text)
    ]
    assert said == []


def test_the_idle_timeout_term_and_the_lesson_give_the_network_load_balancers_own_default():
    idle = next(t for t in CURRICULUM.glossary if t.slug == "idle-timeout")
    assert "350 seconds" in idle.definition and "Network Load Balancer" in idle.definition
    body = LESSONS["denial-of-service/network-defences"].body
    para = next(p for p in re.split(r"\n\s*\n", body) if "two connections" in p)
    # the two-connection defence against slow clients is the ALB's; an NLB passes them through
    assert "Application Load Balancer" in para
    assert "Network Load Balancer does not" in para and "350 seconds" in para


def test_the_shield_and_waf_lesson_teaches_how_a_web_acl_decides():
    """Its quiz asks which rule acts after a Count rule and after an Allow rule (questions
    dos-waf-count-does-not-stop and dos-waf-allow-first-wins); the lesson must teach it, as the
    AWS WAF Developer Guide's "How AWS WAF handles rule and rule group actions" does."""
    body = LESSONS["denial-of-service/shield-and-waf"].body
    for phrase in (
        "lowest number first",
        "terminating actions",
        "non-terminating",
        "labels",
        "default action",
        "matched only Count rules",
        "WCUs",
        "5,000",
    ):
        assert phrase in body, phrase


def test_a_waf_question_names_a_waf_misconception_not_a_network_acl_one():
    """After a wrong answer the learner reads "Watch out for: …" with the question's tags: a
    question on a web ACL's rule order once warned about "deny always wins in NACLs"."""
    wrong = {
        q.slug: tags
        for q in shipped_quizzes(check_cases=False).questions
        if q.type == "waf_rule"
        and (tags := [t for t in q.misconceptions if "nacl" in t or "attack-layers" in t])
    }
    assert wrong == {}


def test_the_network_lessons_say_a_security_group_change_leaves_tracked_connections_open():
    """EC2 User Guide, "Amazon EC2 security group connection tracking": changing a rule does
    not interrupt connections it tracks; a network ACL stops them at once. The GuardDuty lesson's
    isolation group, and the network ACL lesson's incident advice, depend on it."""
    nacl = LESSONS["denial-of-service/security-groups-and-network-acls"].body
    assert "does not cut a connection it is already tracking" in nacl
    guardduty = LESSONS["detection/amazon-guardduty"].body
    para = next(p for p in re.split(r"\n\s*\n", guardduty) if "isolation group" in p)
    assert "time out" in para and "network ACL" in para


def test_shield_cost_protection_credits_are_taught_to_offset_only_shield_advanced_charges():
    """AWS WAF, Firewall Manager and Shield Advanced Developer Guide, "Requesting a credit in
    AWS Shield Advanced": credits are worked out from the attack's extra charges but can be
    applied only to Shield Advanced usage. The lesson and glossary said "credits for the extra
    charges", which reads as a refund of the CloudFront or load balancer bill."""
    refund = "https://docs.aws.amazon.com/waf/latest/developerguide/request-refund.html"
    lesson = LESSONS["denial-of-service/shield-and-waf"]
    bullet = next(line for line in lesson.body.split("\n") if "**Cost protection**" in line)
    assert "only to your Shield Advanced charges" in bullet
    assert "protected before the attack began" in bullet and "Block mode" in bullet
    assert refund in [url for _, url in lesson.sources]
    term = next(t for t in CURRICULUM.glossary if t.slug == "cost-protection")
    assert "only to Shield Advanced charges" in " ".join(term.definition.split())
    assert term.source_url == refund


def test_shield_advanced_is_subscribed_per_account_and_paid_once_per_organization():
    """AWS Shield Advanced API Reference, "CreateSubscription": it activates Shield Advanced for
    one account, and a member account's subscription is billed to the organization's payer. "One
    subscription fee covers the accounts" let a learner think subscribing once covers them all."""
    lesson = LESSONS["denial-of-service/shield-and-waf"]
    para = next(p for p in re.split(r"\n\s*\n", lesson.body) if "is a paid subscription" in p)
    assert "each account subscribes on its own" in para and "one subscription fee" in para
    asked = next(
        q
        for q in shipped_quizzes(check_cases=False).questions
        if q.slug == "dos-shield-advanced-adds"
    )
    assert "Each account subscribes on its own" in asked.explanation
