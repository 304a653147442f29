"""The shipped glossary covers the course: enough terms, in every module, each pointing at a
lesson that exists and at related terms that exist, and each found where the course uses it."""

from __future__ import annotations

from collections import Counter

import pytest

from glossary.matching import Matcher, Term
from tests.shipped import shipped_curriculum  # the content files, parsed once per process

CURRICULUM = shipped_curriculum()
GLOSSARY = CURRICULUM.glossary
LESSONS = {f"{le.module}/{le.slug}": le for le in CURRICULUM.lessons}
SLUGS = {term.slug for term in GLOSSARY}

# Terms a lesson teaches without writing the term's words in running text, so the check that
# a term appears in its own lesson cannot see them: a table's row label ("Inline"), a bold
# word split from the rest of the term ("**identity** in IAM"), or the lesson's title.
TAUGHT_WITHOUT_THE_WORDS = {
    "iam-identity": "**identity** in IAM",
    "iam-policy": "A **policy** is a JSON document",
    "customer-managed-policy": "the row 'Customer managed' of the policy kinds table",
    "inline-policy": "the row 'Inline' of the policy kinds table",
    "policy-evaluation-logic": "the lesson's title, 'Policy evaluation logic'",
}


def found_in(term, text: str) -> bool:
    matcher = Matcher.build([Term(term.slug, (term.term, *term.aliases))])
    return next(matcher.occurrences(text), None) is not None


def test_there_are_enough_terms_and_every_module_teaches_some():
    assert len(GLOSSARY) >= 90
    per_module = Counter(term.lesson.split("/")[0] for term in GLOSSARY)
    teaching = {m.slug for m in CURRICULUM.modules} - {"capstone"}
    assert {module: per_module[module] >= 5 for module in teaching} == dict.fromkeys(teaching, True)


def test_every_term_points_at_a_real_lesson_and_real_related_terms():
    assert [t.slug for t in GLOSSARY if t.lesson not in LESSONS] == []
    assert [(t.slug, r) for t in GLOSSARY for r in t.related if r not in SLUGS] == []


@pytest.mark.parametrize("term", GLOSSARY, ids=lambda term: term.slug)
def test_every_term_appears_in_the_lesson_that_teaches_it(term):
    body = LESSONS[term.lesson].body
    if term.slug in TAUGHT_WITHOUT_THE_WORDS:
        assert not found_in(term, body), "found after all: take it off TAUGHT_WITHOUT_THE_WORDS"
    else:
        assert found_in(term, body)


@pytest.mark.parametrize(
    ("words", "slug"),
    [
        ("ARN", "arn"),
        ("principal", "principal"),
        ("SCP", "service-control-policy"),
        ("RCP", "resource-control-policy"),
        ("permissions boundary", "permissions-boundary"),
        ("session policy", "session-policy"),
        ("NotAction", "notaction"),
        ("envelope encryption", "envelope-encryption"),
        ("CMK", "customer-managed-key"),
        ("AWS managed key", "aws-managed-key"),
        ("Shield Advanced", "aws-shield-advanced"),
        ("WAF rate-based rule", "rate-based-rule"),
        ("GuardDuty finding", "guardduty-finding"),
        ("Inspector finding", "inspector-finding"),
        ("attestation", "attestation"),
        ("AWS Artifact agreement", "artifact-agreements"),
    ],
)
def test_the_terms_the_course_is_built_on_are_there(words, slug):
    matcher = Matcher.build(Term(t.slug, (t.term, *t.aliases)) for t in GLOSSARY)
    assert [found for _, found in matcher.occurrences(f"Here: {words}.")] == [slug]


def test_every_definition_is_short_and_ends_a_sentence():
    assert [t.slug for t in GLOSSARY if not t.definition.endswith((".", ")"))] == []
    assert max(len(t.definition) for t in GLOSSARY) <= 400


# Pages found cited in place of a user guide's (checked against the AWS documentation): the
# address reads like the GuardDuty User Guide's, but the page is the API Reference's welcome.
NOT_THE_PAGE_MEANT = {
    "https://docs.aws.amazon.com/guardduty/latest/ug/guardduty_api_ref.html": (
        "the GuardDuty API Reference's welcome page: cite ug/what-is-guardduty.html"
    ),
}


def test_no_term_or_lesson_cites_a_page_known_to_be_the_wrong_one():
    cited = {term.source_url: f"glossary {term.slug}" for term in GLOSSARY}
    cited |= {url: f"lesson {key}" for key, le in LESSONS.items() for _title, url in le.sources}
    assert {
        where: NOT_THE_PAGE_MEANT[url] for url, where in cited.items() if url in NOT_THE_PAGE_MEANT
    } == {}


def test_the_guardduty_terms_cite_the_user_guide_pages_that_explain_them():
    sources = {term.slug: term.source_url for term in GLOSSARY}
    guide = "https://docs.aws.amazon.com/guardduty/latest/ug/"
    assert sources["amazon-guardduty"] == guide + "what-is-guardduty.html"
    assert sources["guardduty-finding"] == guide + "guardduty_finding-format.html"
