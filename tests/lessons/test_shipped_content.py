"""The shipped curriculum teaches the whole syllabus, and its links lead somewhere real."""

from __future__ import annotations

import re
from functools import cache

import pytest

from lessons.markdown import render_markdown
from netlab.findings import PRESETS as FINDINGS_PRESETS
from netlab.presets import PRESETS as FLOW_PRESETS
from netlab.waf_presets import PRESETS as WAF_PRESETS
from tests.curriculum.shipped_quizzes import shipped_quizzes
from tests.shipped import shipped_curriculum  # the content files, parsed once per process

CURRICULUM = shipped_curriculum()
LESSON_PATHS = {f"{le.module}/{le.slug}" for le in CURRICULUM.lessons}
SCENARIOS = {sc.slug for sc in CURRICULUM.scenarios}
NETLAB_PRESETS = {
    "/lab/network/": set(FLOW_PRESETS),
    "/lab/waf/": set(WAF_PRESETS),
    "/lab/findings/": set(FINDINGS_PRESETS),
}
SERVICES = {s.slug for s in CURRICULUM.services}
MODULES = {m.slug for m in CURRICULUM.modules}

# One or more phrases per syllabus point (../shared/CURRICULUM.md); each must appear in a lesson.
SYLLABUS = {
    "security of the cloud": ["security of the cloud"],
    "security in the cloud": ["security in the cloud"],
    "the line moves with the service": ["guest operating system", "Amazon RDS", "AWS Lambda"],
    "shared and inherited controls": ["inherited control", "patch management", "awareness"],
    "root user": ["root user", "access keys"],
    "IAM users and federation": ["IAM Identity Center", "federation"],
    "policy grammar": ["NotAction", "NotResource", "Principal", "Condition", "2012-10-17"],
    "least privilege": ["least privilege", "s3:ListBucket", "s3:listObject"],
    "groups": ["groups cannot contain", "not a principal"],
    "roles": ["trust policy", "sts:AssumeRole", "instance profile"],
    "MFA": ["aws:MultiFactorAuthPresent", "FIDO"],
    "policy evaluation": ["explicit deny", "implicit deny", "permissions boundar", "session polic"],
    "organizations": ["organizational unit", "management account", "service control polic"],
    "resource control policies": ["resource control polic"],
    "consolidated billing": ["consolidated billing", "volume"],
    "compliance": ["GDPR", "HIPAA", "PCI DSS", "SOC", "ISO"],
    "AWS Artifact": ["Artifact Agreements", "Artifact Reports", "Customer Compliance Center"],
    "denial of service": ["DDoS", "botnet", "reflection", "Slowloris", "amplification"],
    "defences": [
        "security group",
        "Elastic Load Balancing",
        "Shield Standard",
        "Shield Advanced",
        "AWS WAF",
        "rate-based",
    ],
    "network controls in a VPC": ["network ACL", "stateless", "stateful", "ephemeral port"],
    "evidence and posture": ["AWS Config", "conformance pack", "Security Hub", "Audit Manager"],
    "encryption": ["at rest", "in transit", "TLS"],
    "KMS": ["AWS KMS", "key polic", "schedule deletion", "disable"],
    "Inspector": ["Amazon Inspector", "CVE"],
    "GuardDuty": ["GuardDuty", "VPC Flow Logs", "EventBridge"],
}


# access: the sandbox's many-request tools, linked from the IAM lessons.
SANDBOX_TOOLS = ("/sandbox/batch/", "/sandbox/summary/", "/sandbox/compare/")


def all_text() -> str:
    return "\n".join(le.body for le in CURRICULUM.lessons).lower()


@pytest.mark.parametrize("topic", sorted(SYLLABUS))
def test_every_syllabus_topic_is_taught(topic):
    text = all_text()
    missing = [phrase for phrase in SYLLABUS[topic] if phrase.lower() not in text]
    assert missing == [], f"{topic}: no lesson mentions {missing}"


def test_the_curriculum_has_every_module_and_enough_lessons():
    assert len(CURRICULUM.modules) >= 7
    assert len(CURRICULUM.lessons) >= 20
    assert {le.module for le in CURRICULUM.lessons} == MODULES


@pytest.mark.parametrize("lesson", CURRICULUM.lessons, ids=lambda le: f"{le.module}/{le.slug}")
def test_a_lesson_reads_as_the_syllabus_asks(lesson):
    words = len(re.findall(r"\w+", lesson.body))
    assert 500 <= words <= 1800, f"{words} words"
    assert "::: key-points" in lesson.body
    assert render_markdown(lesson.body).headings, "a lesson has sections"
    # CURRICULUM.md, "How a lesson reads": "Key points" (3-5 bullets)
    box = lesson.body.split("::: key-points\n", 1)[1].split("\n:::", 1)[0]
    bullets = [line for line in box.splitlines() if line.startswith("- ")]
    assert 3 <= len(bullets) <= 5, f"{len(bullets)} key points"


@pytest.mark.parametrize("lesson", CURRICULUM.lessons, ids=lambda le: f"{le.module}/{le.slug}")
def test_links_inside_a_lesson_lead_somewhere_real(lesson):
    for target in re.findall(r"\]\((/[^)\s]*)\)", lesson.body):
        path, _, query = target.partition("?")
        path = path.split("#", 1)[0]
        if path.startswith("/learn/") and path not in ("/learn/srm/", "/learn/compliance/"):
            parts = path.strip("/").split("/")
            if len(parts) == 3:
                assert f"{parts[1]}/{parts[2]}" in LESSON_PATHS, target
            else:
                assert parts[1] in MODULES, target
        elif path == "/sandbox/" and query.startswith("preset="):
            assert query.split("=", 1)[1].split("&", 1)[0] in SCENARIOS, target
        elif path in NETLAB_PRESETS and query.startswith("preset="):
            assert query.split("=", 1)[1].split("&", 1)[0] in NETLAB_PRESETS[path], target
        elif path == "/learn/srm/" and query:
            for pair in query.split("&"):
                assert pair.split("=", 1)[1] in SERVICES, target
        else:
            assert path in (
                "/learn/srm/",
                "/learn/compliance/",
                "/sandbox/",
                "/quizzes/",
                "/",
                *SANDBOX_TOOLS,
            ), target


def test_the_network_lessons_link_into_the_labs_with_presets():
    """Issue 14 item 8: as IAM lessons open sandbox presets, network lessons open lab presets."""
    bodies = {le.slug: le.body for le in CURRICULUM.lessons if le.module == "denial-of-service"}
    assert "/lab/network/?preset=" in bodies["security-groups-and-network-acls"]
    assert "/lab/network/?preset=" in bodies["network-defences"]
    assert "/lab/waf/?preset=" in bodies["shield-and-waf"]


def test_the_detection_lessons_link_into_the_findings_lab():
    """Content review T12: module 7 had no hands-on piece beside its prose."""
    bodies = {le.slug: le.body for le in CURRICULUM.lessons if le.module == "detection"}
    assert "/lab/findings/?preset=" in bodies["amazon-guardduty"]
    assert "/lab/findings/?preset=" in bodies["amazon-inspector"]


def test_there_are_enough_presets_for_the_sandbox():
    assert len(SCENARIOS) >= 12


# --- Sources, rules and levels (issue 12) ------------------------------------------------

AWS_HOSTS = ("docs.aws.amazon.com", "aws.amazon.com")


def _aws_page(url: str) -> bool:
    from urllib.parse import urlsplit

    return urlsplit(url).scheme == "https" and urlsplit(url).netloc in AWS_HOSTS


@pytest.mark.parametrize("lesson", CURRICULUM.lessons, ids=lambda le: f"{le.module}/{le.slug}")
def test_every_lesson_names_at_least_two_aws_documentation_pages(lesson):
    urls = [url for _, url in lesson.sources]
    assert len(set(urls)) >= 2
    assert all(_aws_page(url) for url in urls), urls


@pytest.mark.parametrize("scenario", CURRICULUM.scenarios, ids=lambda sc: sc.slug)
def test_every_scenario_names_the_documentation_rule_it_illustrates(scenario):
    assert scenario.rule is not None
    title, url = scenario.rule
    assert title and _aws_page(url)


def test_the_advanced_lessons_are_marked_advanced():
    levels = {f"{le.module}/{le.slug}": le.level for le in CURRICULUM.lessons}
    assert levels["iam/policy-evaluation"] == "advanced"
    assert levels["iam/conditions-and-variables"] == "advanced"
    assert levels["iam/root-user"] == "foundational"
    assert {"foundational", "associate", "advanced"} <= set(levels.values())


def test_the_rcp_part_of_the_scp_lesson_is_marked_advanced():
    lesson = next(le for le in CURRICULUM.lessons if le.slug == "service-control-policies")
    html = render_markdown(lesson.body).html
    box = html[html.index('class="box box-advanced"') :]
    assert "resource control policy" in box[: box.index("</div>")]
    assert "DenyS3OutsideOrg" in box[: box.index("</div>")]


# --- Every module quiz covers every lesson of its module (issue 12 item 15) ---------------


@cache  # read once for all the lessons below: each read parses every quiz file (~25 ms)
def _module_quiz_coverage() -> dict[str, frozenset[str]]:
    """module slug -> the lessons (module/slug) its own quiz's questions teach, published or not."""
    content = shipped_quizzes(check_cases=False)  # read against CURRICULUM
    lesson_of = {q.slug: q.lesson for q in content.questions}
    covered: dict[str, set[str]] = {}
    for quiz in content.quizzes:
        if quiz.module and not quiz.draw_count:
            covered.setdefault(quiz.module, set()).update(lesson_of[s] for s in quiz.questions)
    return {module: frozenset(lessons) for module, lessons in covered.items()}


@pytest.mark.parametrize(
    "lesson",
    [le for le in CURRICULUM.lessons if le.published],
    ids=lambda le: f"{le.module}/{le.slug}",
)
def test_the_module_quiz_asks_about_every_lesson_of_its_module(lesson):
    covered = _module_quiz_coverage().get(lesson.module, frozenset())
    assert f"{lesson.module}/{lesson.slug}" in covered, f"no {lesson.module} quiz question"


def test_keys_hashes_and_signatures_are_taught_with_their_kms_operations():
    """Issue 12 item 12: the encryption module teaches more than encrypt and decrypt."""
    body = next(le.body for le in CURRICULUM.lessons if le.slug == "keys-hashes-and-signatures")
    for phrase in ("SHA-256", "GenerateMac", "VerifyMac", "SIGN_VERIFY", "GetPublicKey", "DIGEST"):
        assert phrase in body, phrase
    assert "::: diagram digital-signature" in body


def test_no_question_names_an_address_with_its_host_left_out():
    """A prompt that "opens `http://` on the shop's web server" reads as if the address were
    lost: a scheme is always followed by a host."""
    bare = re.compile(r"\bhttps?://(?![\w.-])")
    content = shipped_quizzes(check_cases=False)
    assert [q.slug for q in content.questions if bare.search(q.prompt)] == []


def test_no_question_leans_on_another_question():
    """Quizzes shuffle their questions and exams draw from banks, so "the same rule as above"
    may come first or alone: every prompt restates what it needs."""
    leaning = re.compile(
        r"^\s*(?:In the )?Same\b|\b(?:as|question|response|one) above\b"
        r"|\bthe same (?:script|network|request|job)\b|\bnow uses\b",
        re.IGNORECASE,
    )
    content = shipped_quizzes(check_cases=False)
    assert [q.slug for q in content.questions if leaning.search(q.prompt)] == []
