"""Linking terms in lesson HTML: first use only, never in code, headings, links or boxes'
titles, acronyms by their case, plurals and wrapped lines found."""

from __future__ import annotations

import re

from glossary.matching import Matcher, Term, is_case_sensitive, variants
from lessons.markdown import render_markdown

TERMS = [
    Term("service-control-policy", ("service control policy", "SCP"), lesson_id=7),
    Term("permissions-boundary", ("permissions boundary",)),
    Term("iam", ("IAM",)),
    Term("iam-role", ("IAM role",)),
    Term("denial-of-service", ("denial-of-service attack", "DoS")),
]


def href(slug: str) -> str:
    return f"/learn/glossary/#term-{slug}"


def linked(markdown: str, **kwargs) -> str:
    return Matcher.build(TERMS).link(render_markdown(markdown).html, href=href, **kwargs)


def links(html: str) -> list[tuple[str, str]]:
    return re.findall(
        r'<a class="glossary-term" href="/learn/glossary/#term-([a-z-]+)">(.*?)</a>', html, re.S
    )


def test_only_the_first_use_of_a_term_is_linked():
    html = linked("An SCP limits accounts. Another SCP, and a service control policy.")
    assert links(html) == [("service-control-policy", "SCP")]
    assert html.count("SCP") == 2  # the text itself is kept


def test_each_term_is_linked_once_in_reading_order():
    html = linked("A permissions boundary and an SCP.\n\nThen IAM, and an IAM role.")
    assert links(html) == [
        ("permissions-boundary", "permissions boundary"),
        ("service-control-policy", "SCP"),
        ("iam", "IAM"),
        ("iam-role", "IAM role"),
    ]


def test_code_headings_links_and_box_titles_are_never_linked():
    markdown = (
        "## What an SCP is\n\n"
        "Write `SCP` in code, or [an SCP](/learn/x/) as a link.\n\n"
        '```json\n{"SCP": 1}\n```\n\n'
        "::: note\nThe box's own title is not a term.\n:::\n\n"
        "Finally an SCP in prose."
    )
    html = linked(markdown)
    assert links(html) == [("service-control-policy", "SCP")]
    assert html.index('class="glossary-term"') > html.index("Finally")
    assert "<h2" in html and ">an SCP</a>" in html


def test_text_inside_emphasis_and_tables_is_linked():
    html = linked("| a | b |\n| --- | --- |\n| one **SCP** | IAM |\n")
    assert links(html) == [("service-control-policy", "SCP"), ("iam", "IAM")]


def test_acronyms_keep_their_case_and_other_terms_ignore_it():
    html = linked("The scp tool; iam; dos. Permissions Boundary at a sentence start.")
    assert links(html) == [("permissions-boundary", "Permissions Boundary")]


def test_plurals_and_terms_wrapped_over_two_lines_are_found():
    html = linked("Two SCPs and two permissions\nboundaries.")
    assert links(html) == [
        ("service-control-policy", "SCPs"),
        ("permissions-boundary", "permissions\nboundaries"),
    ]


def test_a_longer_term_wins_over_the_term_it_starts_with():
    assert links(linked("Each IAM role, then IAM."))[0] == ("iam-role", "IAM role")


def test_a_term_inside_a_longer_word_or_a_hyphenated_name_is_not_matched():
    assert links(linked("IAMx? SCPlike SCP-based DoSing non-IAM")) == []


def test_terms_to_skip_are_left_as_text():
    html = linked("An SCP and IAM.", skip={"service-control-policy"})
    assert links(html) == [("iam", "IAM")]


def test_a_quoted_attribute_holding_a_bracket_does_not_confuse_the_tags():
    html = '<p><a href="/x" title="a > SCP">SCP</a> then SCP</p>'
    out = Matcher.build(TERMS).link(html, href=href)
    assert links(out) == [("service-control-policy", "SCP")]
    assert out.startswith('<p><a href="/x" title="a > SCP">SCP</a> then <a class="glossary-term"')


def test_the_lesson_that_teaches_a_term_is_known_to_the_matcher():
    assert Matcher.build(TERMS).taught_in == {7: frozenset({"service-control-policy"})}


def test_an_empty_glossary_leaves_the_html_alone():
    html = render_markdown("An SCP.").html
    assert Matcher.build([]).link(html, href=href) == html


def test_case_rule_and_plural_forms():
    assert [is_case_sensitive(f) for f in ("IAM", "DoS", "GuardDuty", "Region", "guest OS")] == [
        True,
        True,
        True,
        False,
        True,
    ]
    assert variants("permissions boundary") == {"permissions boundary", "permissions boundaries"}
    assert variants("SCP") == {"SCP", "SCPs"}
    assert variants("Savings Plans") == {"Savings Plans"}
