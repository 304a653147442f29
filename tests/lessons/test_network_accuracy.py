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


# --- AWS Network Firewall (content round, 2026-12-05) -----------------------------------------

NFW = "denial-of-service/network-firewall"


def _nfw_paragraph(start: str) -> str:
    """The paragraph, list item or box line of the lesson that begins with `start`."""
    return next(line for line in LESSONS[NFW].body.split("\n") if line.lstrip().startswith(start))


def test_a_domain_list_is_taught_to_read_the_host_header_and_the_tls_server_name():
    """Network Firewall Developer Guide, "Stateful domain list rule groups", and API Reference,
    "RulesSourceList": HTTP_HOST for HTTP, TLS_SNI for HTTPS; with Allow, traffic of those
    protocols to names not on the list is denied; a leading dot covers every subdomain."""
    item = _nfw_paragraph("2. **Domain lists**")
    assert "`Host` header" in item and "TLS handshake" in item and "(the SNI)" in item
    assert "any domain not on the list is denied" in item and "leading dot" in item
    term = next(t for t in CURRICULUM.glossary if t.slug == "domain-list")
    assert "`Host` header" in term.definition and "TLS handshake" in term.definition
    asked = next(
        q
        for q in shipped_quizzes(check_cases=False).questions
        if q.slug == "dos-nfw-outbound-domains"
    )
    assert "server name in the TLS handshake" in asked.explanation


def test_a_firewall_endpoint_is_taught_to_filter_only_what_the_routes_send_it():
    """Network Firewall Developer Guide, "Firewall components" (an endpoint protects any subnet
    but its own) and "VPC route table configuration" (the customer subnet's route to the
    endpoint, the internet gateway's route back through it, the firewall subnet's route to the
    internet gateway: both directions)."""
    body = LESSONS[NFW].body
    assert "**except the one it sits in**" in body and "in **both** directions" in body
    rows = [line for line in body.split("\n") if line.startswith("| The ")]
    assert [r.split("|")[3].strip() for r in rows] == [
        "The firewall endpoint",
        "The internet gateway",
        "The firewall endpoint",
    ]
    assert "edge association" in rows[2]


def test_the_newer_firewall_policy_kind_is_named_and_its_engines_told_apart():
    """Network Firewall Developer Guide, "AWS Network Firewall firewall policy versions": a
    firewall uses a Classic or a Next Generation policy; Next Generation is recommended for new
    firewalls, its firewall engine drops by default and its IPS engine passes by default. The
    stateless/stateful split the lesson teaches is the Classic policy's."""
    para = _nfw_paragraph("AWS now offers two kinds of firewall policy")
    assert "**Classic**" in para and "**Next Generation**" in para
    assert "recommends for new firewalls" in para
    assert "drops whatever you do not explicitly allow" in para
    assert "passes whatever matches no rule" in para
    assert "A firewall uses one kind or the other" in para


def test_firewall_manager_is_taught_to_apply_network_firewall_across_the_organization():
    """AWS Firewall Manager API Reference, "PutPolicy": a Network Firewall policy type applies
    Network Firewall protection to the organization's VPCs, and policies are applied to
    accounts added to the organization later."""
    para = _nfw_paragraph("**AWS Firewall Manager**")
    assert "**Network Firewall**" in para and "accounts that join the organization later" in para
    term = next(t for t in CURRICULUM.glossary if t.slug == "aws-firewall-manager")
    assert "Network" in term.definition and "join later" in term.definition


def test_the_network_firewall_lesson_says_the_labs_do_not_model_it():
    """The network and WAF labs trace security groups, network ACLs and web ACLs only; a
    learner sent there from the Network Firewall lesson must not look for the firewall."""
    line = next(ln for ln in LESSONS[NFW].body.split("\n") if "/lab/network/" in ln)
    assert "Neither models Network Firewall" in line


def test_the_next_generation_note_does_not_claim_the_whole_lesson_holds_for_both_kinds():
    """Network Firewall Developer Guide, "Rule groups for Classic Network Firewall" (stateless
    and stateful rule groups) and API Reference, "FirewallPolicyV2" (a firewall section and an
    IPS section of rule groups); "Allowing inspected traffic with a domain list" (domain list
    firewall rule groups in a Next Generation policy). The note said the lesson's ideas held
    for both kinds of policy, stateless rule groups included (fact check, 2026-12-05)."""
    para = _nfw_paragraph("AWS now offers two kinds of firewall policy")
    assert "hold for both" not in para
    assert "This lesson describes the Classic policy" in para
    assert "a firewall section and an IPS section" in para


def test_a_central_firewalls_domain_list_is_taught_to_need_home_net_widened():
    """Network Firewall API Reference, "RulesSourceList": by default, domain list inspection
    only includes traffic from the VPC where the firewall is deployed; to inspect other
    addresses, set the HOME_NET rule variable to include them. The lesson sent learners to a
    central inspection VPC without it (fact check, 2026-12-05)."""
    para = _nfw_paragraph("An organization with many VPCs")
    assert (
        "`HOME_NET`" in para
        and "only inspects traffic that starts in the firewall's own VPC" in para
    )
    source = (
        "https://docs.aws.amazon.com/network-firewall/latest/APIReference/API_RulesSourceList.html"
    )
    assert source in [url for _, url in LESSONS[NFW].sources]


def test_waf_is_not_taught_to_sit_on_any_load_balancer():
    """AWS WAF Developer Guide, "Resources that you can protect with AWS WAF": Application Load
    Balancers, not Network Load Balancers. The lesson's opening said "a load balancer"."""
    para = _nfw_paragraph("The tea shop's web servers now sit behind")
    assert "arriving at CloudFront, an Application Load Balancer" in para


# --- Currency check 2026-12.


def test_the_srt_support_plan_rule_is_dated_by_the_plans_aws_is_retiring():
    """AWS WAF/Shield Developer Guide, "Managed DDoS event response with Shield Response Team
    (SRT) support" (and the DDoS API's AssociateDRTRole and EnableProactiveEngagement) still
    require the Business or Enterprise Support plan; AWS ends the Business plan on 1 January
    2027 (AWS Support notices, as compliance-and-artifact/best-practice-reviews says). The
    lesson and glossary stated the old plan names as if they would stay."""
    body = LESSONS["denial-of-service/shield-and-waf"].body
    srt = next(line for line in body.split("\n") if line.startswith("- **The Shield Response Team"))
    assert "Business or Enterprise Support plan" in srt and "1 January 2027" in srt
    assert "/learn/compliance-and-artifact/best-practice-reviews/" in srt
    term = next(t for t in CURRICULUM.glossary if t.slug == "shield-response-team")
    assert "1 January 2027" in term.definition


def test_shield_network_security_director_is_named_as_posture_findings_not_mitigation():
    """AWS WAF/Shield Developer Guide, "Key concepts in network security director" (public
    preview): it discovers compute, networking and security resources (EC2, ALBs, CloudFront,
    subnets, security groups, network ACLs, web ACLs) and reports missing or misconfigured
    network protections as findings with severities and remediation steps."""
    body = LESSONS["denial-of-service/shield-and-waf"].body
    note = next(p for p in re.split(r"\n\s*\n", body) if "network security director" in p)
    assert "preview" in note and "not DDoS mitigation" in note and "severity" in note
    assert "changes nothing itself" in note
