"""glossary.yaml is read, checked and loaded with the curriculum: a broken entry stops the
whole load with the file, the line and the term; a good one loads idempotently."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from curriculum.loader import load_curriculum
from curriculum.readers import CurriculumError, read_curriculum
from glossary.models import GlossaryTerm
from lessons.models import Lesson
from tests.content import TWO_SOURCES, write

pytestmark = pytest.mark.django_db

GOOD = """
    - slug: service-control-policy
      term: service control policy
      aliases: [SCP]
      definition: >
        The most that principals in member accounts can do.
        It grants nothing.
      lesson: organizations/scps
      related: [permissions-boundary]
      source: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html

    - slug: permissions-boundary
      term: permissions boundary
      definition: The most a user's or role's identity-based policies can grant.
      lesson: iam/policies
      related: [service-control-policy]
"""


@pytest.fixture
def content(tmp_path: Path) -> Path:
    write(
        tmp_path,
        "modules.yaml",
        """
        - slug: iam
          title: IAM
        - slug: organizations
          title: Organizations
        """,
    )
    for path, title in (("iam/01-policies.md", "Policies"), ("organizations/01-scps.md", "SCPs")):
        write(
            tmp_path,
            path,
            f"""
            ---
            title: {title}
            {TWO_SOURCES}
            ---
            ## Words
            An SCP and a permissions boundary.
            """,
        )
    write(tmp_path, "glossary.yaml", GOOD)
    return tmp_path


def refused(content: Path, text: str) -> str:
    write(content, "glossary.yaml", text)
    with pytest.raises(CurriculumError) as caught:
        read_curriculum(content)
    return str(caught.value)


def test_terms_load_with_their_lesson_and_a_second_load_changes_nothing(content):
    report = load_curriculum(read_curriculum(content))
    assert report.counts["glossary terms"]["created"] == 2
    scp = GlossaryTerm.objects.get(slug="service-control-policy")
    assert scp.lesson == Lesson.objects.get(slug="scps")
    assert scp.aliases == ["SCP"] and scp.related == ["permissions-boundary"]
    assert (
        scp.definition == "The most that principals in member accounts can do. It grants nothing."
    )
    again = load_curriculum(read_curriculum(content))
    assert again.counts["glossary terms"]["unchanged"] == 2
    assert again.counts["glossary terms"]["created"] == 0


def test_a_term_taken_out_of_the_file_is_removed_on_the_next_load(content):
    load_curriculum(read_curriculum(content))
    write(
        content,
        "glossary.yaml",
        GOOD.split("\n    - slug: permissions-boundary")[0].replace(
            "      related: [permissions-boundary]\n", ""
        ),
    )
    report = load_curriculum(read_curriculum(content))
    assert report.counts["glossary terms"]["removed"] == 1
    assert list(GlossaryTerm.objects.values_list("slug", flat=True)) == ["service-control-policy"]
    assert "1 removed" in " ".join(report.lines())


def test_an_unknown_lesson_is_refused_with_file_line_and_term(content):
    message = refused(content, GOOD.replace("lesson: iam/policies", "lesson: iam/polices"))
    assert message.startswith(
        "glossary.yaml:11: term 'permissions-boundary': unknown lesson 'iam/polices'"
    )


def test_an_unknown_related_term_is_refused(content):
    message = refused(
        content, GOOD.replace("related: [permissions-boundary]", "related: [boundary]")
    )
    assert message == (
        "glossary.yaml:1: term 'service-control-policy': unknown related term 'boundary' "
        "(use a term's slug)"
    )


def test_a_hidden_character_in_the_glossary_is_named_at_its_line(content):
    message = refused(
        content, GOOD.replace("related: [permissions-boundary]", "related: [boundary\u200b]")
    )
    assert message == (
        "glossary.yaml:1: term 'service-control-policy': unknown related term "
        "'boundary[U+200B]' (use a term's slug)"
    )


def test_a_name_two_terms_claim_is_refused_whatever_its_case(content):
    message = refused(
        content, GOOD.replace("term: permissions boundary", "term: Service Control Policy")
    )
    assert message == (
        "glossary.yaml:11: term 'permissions-boundary': the term 'Service Control Policy' is "
        "already used by term 'service-control-policy' (line 1)"
    )
    message = refused(
        content,
        GOOD.replace(
            "definition: The most a user's", "aliases: [scp]\n      definition: The most a user's"
        ),
    )
    assert "alias 'scp' is already used by term 'service-control-policy' (line 1)" in message


def test_other_mistakes_are_named(content):
    cases = {
        "related: [service-control-policy]\n": "related: [permissions-boundary]\n",
        "aliases: [SCP]": "aliases: [SCP, SCP]",
        "source: https://docs": "source: http://docs",
        "term: permissions boundary": "term: permissions <b>boundary</b>",
        "slug: permissions-boundary": "slug: Permissions Boundary",
        "      lesson: iam/policies": "      lesson: iam/policies\n      colour: red",
    }
    expected = [
        "related to itself",
        "'SCP' is listed twice",
        "'source' must be an https address",
        "holds '<', which a term's name may not",
        "'slug' must be lowercase words joined by hyphens",
        "unknown field 'colour'",
    ]
    for (old, new), words in zip(cases.items(), expected, strict=True):
        assert words in refused(content, GOOD.replace(old, new)), words


def test_a_long_definition_is_refused(content):
    message = refused(content, GOOD.replace("It grants nothing.", "It grants nothing. " * 40))
    assert "keep it to one to three sentences" in message


def test_the_command_loads_nothing_when_the_glossary_is_broken(content):
    write(content, "glossary.yaml", GOOD.replace("lesson: iam/policies", "lesson: nowhere/at-all"))
    with pytest.raises(CommandError, match="glossary.yaml:11: term 'permissions-boundary'"):
        call_command("load_curriculum", path=content)
    assert not Lesson.objects.exists() and not GlossaryTerm.objects.exists()


def test_no_module_may_take_the_glossary_pages_slug(content):
    write(content, "modules.yaml", "- slug: glossary\n  title: Words\n")
    with pytest.raises(CurriculumError, match="the slug 'glossary' is taken by a page"):
        read_curriculum(content)
