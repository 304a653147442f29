"""The glossary pages, and the links lesson pages get to it."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from glossary import terms
from glossary.documentation import documentation_label
from glossary.models import GlossaryTerm
from tests.conftest import give_mfa, make_lesson, make_module

pytestmark = pytest.mark.django_db


def make_term(slug: str, term: str, *, lesson=None, aliases=(), related=(), definition=None):
    return GlossaryTerm.objects.create(
        slug=slug,
        term=term,
        aliases=list(aliases),
        related=list(related),
        lesson=lesson,
        definition=definition or f"What {term} means, with `code`.",
    )


@pytest.fixture
def course():
    module = make_module(slug="organizations", title="Organizations")
    scps = make_lesson(module, slug="scps", title="Service control policies", order=1)
    boundary = make_lesson(
        module,
        slug="boundaries",
        title="Boundaries",
        order=2,
        body="## An SCP here\n\nA permissions boundary, then an SCP, and another SCP.\n",
    )
    draft = make_lesson(module, slug="draft", title="A draft", order=3, published=False)
    make_term(
        "service-control-policy",
        "service control policy",
        lesson=scps,
        aliases=["SCP"],
        related=["permissions-boundary"],
    )
    make_term("permissions-boundary", "permissions boundary", lesson=boundary)
    make_term("zone-security", "zone security", lesson=draft)
    make_term("aws-waf", "AWS WAF", lesson=scps, aliases=["WAF"])
    return {"scps": scps, "boundary": boundary, "draft": draft}


def test_the_glossary_lists_terms_a_to_z_with_anchors_lessons_and_related(client, course):
    body = client.get("/learn/glossary/").content.decode()
    names = re.findall(r'<dt id="term-([a-z-]+)"', body)
    assert names == ["aws-waf", "permissions-boundary", "service-control-policy", "zone-security"]
    entry = body[body.index('id="term-service-control-policy"') :]
    entry = entry[: entry.index("</dd>")]
    assert "What service control policy means, with <code>code</code>." in entry
    assert 'Taught in <a href="/learn/organizations/scps/">Service control policies</a>' in entry
    assert 'href="#term-permissions-boundary">permissions boundary</a>' in entry
    # an abbreviation is listed under its own letter too, pointing at the entry
    waf = body[body.index('<h2 id="letter-w">') :]
    assert waf.startswith('<h2 id="letter-w">W</h2>')
    assert '<dt class="glossary-xref">WAF</dt>' in waf and 'href="#term-aws-waf">AWS WAF</a>' in waf
    assert 'href="#letter-p">P</a>' in body and '<h2 id="letter-s">S</h2>' in body


def test_a_draft_lesson_is_not_offered_to_learners_but_is_to_staff(client, course, staff):
    entry = 'Taught in <a href="/learn/organizations/draft/">'
    assert entry not in client.get("/learn/glossary/").content.decode()
    client.force_login(staff)
    assert entry not in client.get("/learn/glossary/").content.decode()  # not without two-factor
    give_mfa(staff)
    assert entry in client.get("/learn/glossary/").content.decode()


def test_the_glossary_costs_the_same_queries_with_many_terms(client, course):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/learn/glossary/").status_code == 200
        return len(ctx.captured_queries)

    before = count()
    for n in range(40):
        make_term(f"term-{n}", f"Term {n}", lesson=course["scps"], related=["permissions-boundary"])
    assert count() == before
    assert before <= 3


def test_a_term_has_its_own_page(client, course):
    response = client.get("/learn/glossary/service-control-policy/")
    body = response.content.decode()
    assert response.status_code == 200
    assert '<h1 id="term-title">service control policy</h1>' in body
    assert 'href="/learn/glossary/permissions-boundary/">permissions boundary</a>' in body
    assert client.get("/learn/glossary/no-such-term/").status_code == 404


def test_an_empty_glossary_says_how_to_load_it(client, db):
    assert "load_curriculum" in client.get("/learn/glossary/").content.decode()


def glossary_links(html: str) -> list[str]:
    return re.findall(r'class="glossary-term" href="/learn/glossary/#term-([a-z-]+)">', html)


def test_a_lesson_links_the_first_use_of_each_term_taught_elsewhere(client, course):
    body = client.get("/learn/organizations/boundaries/").content.decode()
    # the SCP in the heading is left alone; the first SCP in the prose is linked, once; the
    # permissions boundary is taught in this very lesson, so it is not linked here
    assert glossary_links(body) == ["service-control-policy"]
    assert '<h2 id="an-scp-here">An SCP here</h2>' in body


def test_the_index_for_search_gives_plain_text_and_the_slug(course):
    """No address: the search makes the term page's per request (tests/search/test_addresses.py)."""
    entries = {entry.slug: entry for entry in terms.all_for_index()}
    scp = entries["service-control-policy"]
    assert scp.term == "service control policy"
    assert scp.aliases == ("SCP",)
    assert scp.definition == "What service control policy means, with code."
    assert set(entries) == {
        "service-control-policy",
        "permissions-boundary",
        "zone-security",
        "aws-waf",
    }


def test_inside_a_transaction_the_listing_shows_each_change_at_once(client, course):
    """Rows written inside a transaction may be rolled back, so nothing drawn from them is kept
    (versioned_cache, kept_fragments): each view draws the listing from the rows as they are."""
    assert ">service control policy<" in client.get("/learn/glossary/").content.decode()
    term = GlossaryTerm.objects.get(slug="service-control-policy")
    term.term = "renamed control policy"
    term.save()
    body = client.get("/learn/glossary/").content.decode()
    assert ">renamed control policy<" in body and ">service control policy<" not in body


@pytest.mark.parametrize(
    ("url", "label"),
    [
        (
            "https://docs.aws.amazon.com/guardduty/latest/ug/what-is-guardduty.html",
            "Amazon GuardDuty User Guide",
        ),
        (
            "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user.html",
            "AWS Identity and Access Management User Guide",
        ),
        (
            "https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html",
            "AWS Key Management Service Developer Guide",
        ),
        (
            "https://docs.aws.amazon.com/securityhub/1.0/APIReference/Welcome.html",
            "AWS Security Hub API Reference",
        ),
        (
            "https://docs.aws.amazon.com/elasticloadbalancing/",
            "Elastic Load Balancing documentation",
        ),
        (
            "https://docs.aws.amazon.com/whitepapers/latest/aws-best-practices-ddos-resiliency/x.html",
            "AWS whitepaper",
        ),
        (
            "https://docs.aws.amazon.com/database-encryption-sdk/latest/devguide/x.html",
            "AWS Database Encryption SDK Developer Guide",
        ),
        (
            "https://docs.aws.amazon.com/encryption-sdk/latest/developer-guide/concepts.html",
            "AWS Encryption SDK Developer Guide",
        ),
        (
            "https://docs.aws.amazon.com/controltower/latest/controlreference/preventive-controls.html",
            "AWS Control Tower Controls Reference Guide",
        ),
        (
            "https://docs.aws.amazon.com/wellarchitected/latest/framework/sec-design.html",
            "AWS Well-Architected Framework",
        ),
        (
            "https://docs.aws.amazon.com/wellarchitected/latest/userguide/intro.html",
            "AWS Well-Architected Tool User Guide",
        ),
        (
            "https://docs.aws.amazon.com/awssupport/latest/user/security-trusted-advisor.html",
            "AWS Support User Guide",
        ),
        ("https://aws.amazon.com/compliance/shared-responsibility-model/", "AWS Compliance"),
        ("https://docs.aws.amazon.com/some-new-service/latest/ug/x.html", "AWS documentation"),
        ("https://aws.amazon.com/blogs/security/x/", "AWS website"),
    ],
)
def test_a_cited_page_is_named_by_its_guide(url, label):
    assert documentation_label(url) == label


def test_every_shipped_source_gets_a_guides_name_not_a_fallback():
    from tests.shipped import shipped_curriculum

    fallbacks = {"AWS documentation", "AWS website"}
    named = {
        t.slug: documentation_label(t.source_url)
        for t in shipped_curriculum().glossary
        if t.source_url
    }
    assert {slug: label for slug, label in named.items() if label in fallbacks} == {}


def test_a_terms_page_names_its_source_and_keeps_its_address(client, course):
    term = GlossaryTerm.objects.get(slug="service-control-policy")
    term.source_url = (
        "https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html"
    )
    term.save()
    html = client.get(term.get_absolute_url()).content.decode()
    assert f'<a href="{term.source_url}" rel="noopener">AWS Organizations User Guide</a>' in html
    assert f'<span class="meta source-address">{term.source_url}</span>' in html
    assert f">{term.source_url}</a>" not in html  # the address is not the link's text


def test_a_glossary_too_long_for_one_page_is_cut_into_pages_its_links_naming_the_page(
    client, db, monkeypatch
):
    """A hundred times the shipped glossary was one page of 15 MB. Past `PAGE_SIZE` entries
    the A to Z is cut into pages; a letter, a related term or a lesson's link to a term on
    another page names that page."""
    from glossary import listing

    monkeypatch.setattr(listing, "PAGE_SIZE", 10)
    for n in range(25):  # "Alpha 00".."Alpha 12" then "Beta 13".."Beta 24": 25 entries
        word = "Alpha" if n < 13 else "Beta"
        make_term(f"t-{n:02}", f"{word} {n:02}", related=["t-24"] if n == 0 else [])
    first = client.get("/learn/glossary/").content.decode()
    assert first.count('class="glossary-term-name"') == 10
    assert 'href="#letter-a">A</a>' in first and 'href="?page=2#letter-b">B</a>' in first
    assert 'Related: <a href="?page=3#term-t-24">Beta 24</a>' in first
    assert 'href="?page=2" rel="next">More terms</a>' in first and "Page 1 of 3" in first
    # The site's pager numbers the pages: the last one is a link away.
    assert '<a href="?page=3"><span class="visually-hidden">Page </span>3</a>' in first
    last = client.get("/learn/glossary/?page=3").content.decode()
    assert last.count('class="glossary-term-name"') == 5 and '<h2 id="letter-b">B</h2>' in last
    assert 'id="term-t-24"' in last and "More terms" not in last
    assert 'id="term-t-24"' in client.get("/learn/glossary/?page=99").content.decode()  # last
    assert 'id="term-t-00"' in client.get("/learn/glossary/?page=x").content.decode()  # first
    lesson = make_lesson(body="The Beta 24 rule, and Alpha 00.")
    page = client.get(lesson.get_absolute_url()).content.decode()
    assert 'href="/learn/glossary/?page=3#term-t-24">Beta 24</a>' in page
    assert 'href="/learn/glossary/#term-t-00">Alpha 00</a>' in page
