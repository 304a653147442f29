"""Loading lessons/content/: idempotent, all or nothing, and never touching progress."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from curriculum.loader import load_curriculum
from curriculum.readers import CurriculumError, read_curriculum
from lessons.models import Lesson, LessonProgress, Module, Responsibility, Scenario
from tests.content import READ_REPORTS_SCENARIO, TWO_SOURCES, write

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A small but complete curriculum: two modules, three lessons, SRM, compliance, a scenario."""
    write(
        tmp_path,
        "modules.yaml",
        """
        - slug: basics
          title: Basics
          summary: The first module.
        - slug: iam
          title: IAM
          summary: Identities.
    """,
    )
    write(
        tmp_path,
        "basics/01-first.md",
        f"""
        ---
        title: First lesson
        {TWO_SOURCES}
        summary: Where it starts.
        minutes: 6
        ---
        ## Why it matters
        Words.
    """,
    )
    write(
        tmp_path,
        "basics/02-second.md",
        f"""
        ---
        title: Second lesson
        {TWO_SOURCES}
        minutes: 7
        ---
        ## More
        More words.
    """,
    )
    write(
        tmp_path,
        "iam/01-policies.md",
        f"""
        ---
        title: Policies
        {TWO_SOURCES}
        ---
        ## Grammar
        JSON.
    """,
    )
    write(
        tmp_path,
        "srm.yaml",
        """
        layers:
          - slug: data
            name: Customer data
          - slug: guest-os
            name: Guest operating system
        services:
          - slug: ec2
            name: Amazon EC2
            model: IaaS
            responsibilities:
              data: {owner: customer, reason: Your data.}
              guest-os: {owner: customer, reason: You patch it.}
    """,
    )
    write(
        tmp_path,
        "compliance.yaml",
        """
        artifact_sections:
          - slug: agreements
            name: Agreements
        programs:
          - slug: hipaa
            name: HIPAA
            kind: law
            summary: US health data.
            aws_provides: [A BAA.]
            artifact: {section: agreements, item: BAA}
            customer_keeps: [Your application.]
    """,
    )
    write(tmp_path, "scenarios/iam.yaml", READ_REPORTS_SCENARIO)
    return tmp_path


def load(root: Path):
    return load_curriculum(read_curriculum(root))


def test_it_creates_everything_from_the_files(content):
    report = load(content)
    assert report.total("created") == 2 + 3 + 2 + 1 + 2 + 1 + 1 + 1
    assert list(Lesson.objects.in_reading_order().values_list("module__slug", "slug")) == [
        ("basics", "first"),
        ("basics", "second"),
        ("iam", "policies"),
    ]
    first = Lesson.objects.get(slug="first")
    assert (first.title, first.minutes, first.order) == ("First lesson", 6, 1)
    assert Lesson.objects.get(slug="policies").minutes == 5  # the default reading time
    assert (
        Responsibility.objects.get(service__slug="ec2", layer__slug="guest-os").owner == "customer"
    )
    assert list(
        Scenario.objects.get(slug="read-reports").lessons.values_list("slug", flat=True)
    ) == ["policies"]


def test_a_second_load_changes_nothing(content):
    load(content)
    report = load(content)
    assert report.total("created") == 0
    assert report.total("updated") == 0
    assert report.total("unchanged") == 13


def test_an_edited_file_updates_only_that_row(content):
    load(content)
    path = content / "basics/02-second.md"
    path.write_text(path.read_text().replace("More words.", "Better words."))
    report = load(content)
    assert report.counts["lessons"]["updated"] == 1
    assert report.total("updated") == 1
    assert "Better words." in Lesson.objects.get(slug="second").body


def test_reloading_keeps_learner_progress(content, learner):
    load(content)
    lesson = Lesson.objects.get(slug="first")
    LessonProgress.objects.create(user=learner, lesson=lesson, completed_at="2026-01-01T00:00:00Z")
    path = content / "basics/01-first.md"
    path.write_text(path.read_text().replace("Words.", "New words."))
    load(content)
    assert LessonProgress.objects.filter(user=learner, lesson__slug="first").exists()


def test_a_broken_file_aborts_the_whole_load_and_changes_nothing(content):
    load(content)
    (content / "basics/01-first.md").write_text(
        "---\ntitle: First lesson\nminutes: soon\n---\n## Hi\n"
    )
    write(content, "basics/03-third.md", f"---\ntitle: Third\n{TWO_SOURCES}\n---\n## New\n")
    with pytest.raises(CommandError) as excinfo:
        call_command("load_curriculum", path=content)
    assert "basics/01-first.md:2" in str(excinfo.value)
    assert "minutes" in str(excinfo.value)
    assert not Lesson.objects.filter(slug="third").exists()
    assert Lesson.objects.get(slug="first").minutes == 6


@pytest.mark.parametrize(
    ("file", "text", "where", "words"),
    [
        ("modules.yaml", "- slug: basics\n  title: [unclosed\n", "modules.yaml:", "invalid YAML"),
        ("modules.yaml", "- slug: Not A Slug\n  title: X\n", "modules.yaml:1", "lowercase words"),
        ("modules.yaml", "- slug: srm\n  title: X\n", "modules.yaml:1", "taken by a page"),
        ("basics/01-first.md", "no front matter\n", "basics/01-first.md:1", "front matter"),
        ("basics/01-first.md", "---\ntitle: T\n---\n\n", "basics/01-first.md:4", "no body"),
        (
            "basics/01-first.md",
            "---\ntitle: T\ncolour: red\n---\nx\n",
            "basics/01-first.md:2",
            "unknown field 'colour'",
        ),
        ("basics/1st.md", "---\ntitle: T\n---\nx\n", "basics/1st.md", "NN-slug.md"),
        (
            "scenarios/iam.yaml",
            "- slug: s\n  title: T\n  situation: S\n  lessons: [iam/nope]\n  case: {}\n",
            "scenarios/iam.yaml:1",
            "unknown lesson 'iam/nope'",
        ),
        (  # rendered when it is saved: the same limits as the admin's
            "basics/01-first.md",
            "---\ntitle: T\n---\n" + "Words. " * 14_286 + "\n",
            "basics/01-first.md:4",
            "the body is 100,001 characters long; at most 100,000 are taken",
        ),
        (
            "scenarios/iam.yaml",
            "- slug: s\n  title: T\n  situation: " + "S" * 5001 + "\n  case: {}\n",
            "scenarios/iam.yaml:1",
            "'situation' is 5,001 characters long; at most 5,000 are taken",
        ),
        (  # a hidden character is named, not escaped as a Python repr would ('\\xad')
            "basics/01-first.md",
            "---\ntitle: T\nlevel: advanced\u00ad\n---\nx\n",
            "basics/01-first.md:3",
            "not 'advanced[U+00AD]'",
        ),
    ],
)
def test_errors_name_the_file_and_line(content, file, text, where, words):
    write(content, file, text)
    with pytest.raises(CurriculumError) as excinfo:
        read_curriculum(content)
    # Among the problems named (a file with several has them all), each with its place.
    assert any(line.startswith(where) and words in line for line in excinfo.value.lines())


def test_a_service_must_give_every_layer_an_owner(content):
    lines = (content / "srm.yaml").read_text().splitlines(keepends=True)
    (content / "srm.yaml").write_text(
        "".join(line for line in lines if "You patch it." not in line)
    )
    with pytest.raises(CurriculumError, match="no owner given for layer 'guest-os'"):
        read_curriculum(content)


def test_an_owner_must_be_aws_customer_or_shared(content):
    srm = (
        (content / "srm.yaml")
        .read_text()
        .replace("owner: customer, reason: You patch", "owner: amazon, reason: You patch")
    )
    (content / "srm.yaml").write_text(srm)
    with pytest.raises(CurriculumError, match="owner must be one of"):
        read_curriculum(content)


def test_a_scenario_whose_expectation_the_engine_contradicts_is_refused(content):
    path = content / "scenarios/iam.yaml"
    path.write_text(path.read_text().replace("expect: Allow", "expect: ExplicitDeny"))
    with pytest.raises(CurriculumError, match="expects ExplicitDeny but the engine decides Allow"):
        read_curriculum(content)


def test_a_scenario_with_an_invalid_case_is_refused(content):
    path = content / "scenarios/iam.yaml"
    path.write_text(path.read_text().replace("Effect: Allow", "Effect: Perhaps"))
    with pytest.raises(CurriculumError, match="invalid case"):
        read_curriculum(content)


def test_the_command_reports_what_it_did(content, capsys):
    call_command("load_curriculum", path=content)
    call_command("load_curriculum", path=content)
    out = capsys.readouterr().out
    assert "0 created, 0 updated, 13 unchanged" in out


def test_content_created_only_in_the_admin_survives_a_reload(content):
    load(content)
    extra = Module.objects.create(slug="extra", title="Admin-only module", order=99)
    load(content)
    assert Module.objects.filter(pk=extra.pk).exists()


# The shipped curriculum loads: tests/curriculum/test_shipped_load.py, with one load of the whole
# course shared by the tests that look at what it left.


# --- Sources and levels ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("front_matter", "line", "words"),
    [
        ("title: T\n", 2, "'sources' is missing"),
        (
            "title: T\nsources:\n  - {title: One, url: 'https://docs.aws.amazon.com/one.html'}\n",
            3,
            "at least 2 sources",
        ),
        (
            "title: T\nsources:\n  - {title: One, url: 'https://docs.aws.amazon.com/one.html'}\n"
            "  - {title: Two, url: 'http://docs.aws.amazon.com/two.html'}\n",
            5,
            "url must be an https address",
        ),
        (
            "title: T\nsources:\n  - {title: One, url: 'https://docs.aws.amazon.com/one.html'}\n"
            "  - {url: 'https://docs.aws.amazon.com/two.html'}\n",
            5,
            "needs a 'title'",
        ),
        (
            "title: T\nsources:\n  - {title: One, url: 'https://docs.aws.amazon.com/one.html'}\n"
            "  - {title: Again, url: 'https://docs.aws.amazon.com/one.html'}\n",
            3,
            "same url twice",
        ),
        ("title: T\nsources: see the docs\n", 3, "must be a list"),
        (f"title: T\nlevel: expert\n{TWO_SOURCES}\n", 3, "'level' must be one of"),
    ],
)
def test_a_lesson_without_two_good_sources_is_refused_with_its_line(
    content, front_matter, line, words
):
    write(content, "basics/03-third.md", f"---\n{front_matter}---\n## Body\nWords.\n")
    with pytest.raises(CurriculumError) as excinfo:
        read_curriculum(content)
    assert str(excinfo.value).startswith(f"basics/03-third.md:{line}:"), str(excinfo.value)
    assert words in str(excinfo.value)


def test_the_command_refuses_a_lesson_without_sources_and_changes_nothing(content):
    load(content)
    write(content, "basics/03-third.md", "---\ntitle: Third\n---\n## New\n")
    with pytest.raises(CommandError, match=r"basics/03-third\.md:2: .*'sources' is missing"):
        call_command("load_curriculum", path=content)
    assert not Lesson.objects.filter(slug="third").exists()


def test_levels_and_sources_are_loaded(content):
    write(
        content,
        "basics/03-third.md",
        "---\ntitle: Third\nlevel: advanced\nsources:\n"
        "  - {title: The first page, url: 'https://docs.aws.amazon.com/a.html'}\n"
        "  - {title: The second page, url: 'https://aws.amazon.com/b/'}\n---\n## New\n",
    )
    load(content)
    third = Lesson.objects.get(slug="third")
    assert third.level == "advanced"
    assert third.sources == [
        {"title": "The first page", "url": "https://docs.aws.amazon.com/a.html"},
        {"title": "The second page", "url": "https://aws.amazon.com/b/"},
    ]
    assert Lesson.objects.get(slug="first").level == "foundational"  # the default


def test_a_scenario_rule_is_loaded_and_a_bad_one_refused(content):
    path = content / "scenarios/iam.yaml"
    text = path.read_text().replace(
        "  case:\n",
        "  rule: {title: Policy evaluation logic, url: 'https://docs.aws.amazon.com/e.html'}\n"
        "  case:\n",
    )
    path.write_text(text)
    load(content)
    assert Scenario.objects.get().rule == {
        "title": "Policy evaluation logic",
        "url": "https://docs.aws.amazon.com/e.html",
    }
    path.write_text(text.replace("https://docs.aws.amazon.com/e.html", "javascript:alert(1)"))
    with pytest.raises(CurriculumError, match=r"scenarios/iam\.yaml:\d+: .*https address"):
        read_curriculum(content)


# --- a module's hands-on pieces (`hands_on:`, lessons/hands_on.py) -----------------------------

HANDS_ON_MODULES = """
    - slug: basics
      title: Basics
      summary: The first module.
      hands_on: [srm-explorer, policy-sandbox]
    - slug: iam
      title: IAM
      hands_on: {pieces}
"""


def test_a_module_names_its_hands_on_pieces_and_a_reload_keeps_them(content):
    write(content, "modules.yaml", HANDS_ON_MODULES.format(pieces="[network-lab]"))
    load(content)
    assert Module.objects.get(slug="basics").hands_on == ["srm-explorer", "policy-sandbox"]
    assert Module.objects.get(slug="iam").hands_on == ["network-lab"]
    assert load(content).counts["modules"]["unchanged"] == 2
    # Taken out of the file, the module offers none again.
    write(content, "modules.yaml", HANDS_ON_MODULES.format(pieces="[]"))
    assert load(content).counts["modules"]["updated"] == 1
    assert Module.objects.get(slug="iam").hands_on == []


def test_a_module_without_hands_on_has_none(content):
    load(content)  # the fixture's modules name no pieces
    assert list(Module.objects.values_list("hands_on", flat=True)) == [[], []]


@pytest.mark.parametrize(
    ("pieces", "words"),
    [
        (
            "[network-lab, netlab]",
            "lists 'netlab', which is not a hands-on piece (the known ones: srm-explorer, "
            "policy-sandbox,",
        ),
        ("[waf-lab, waf-lab]", "lists 'waf-lab' twice"),
        ("network-lab", "must be a list of hands-on piece slugs"),
        ("[{slug: waf-lab}]", "item 1 must be a piece's slug, not a mapping"),
    ],
)
def test_a_hands_on_list_the_registry_does_not_know_is_refused_at_its_line(content, pieces, words):
    write(content, "modules.yaml", HANDS_ON_MODULES.format(pieces=pieces))
    with pytest.raises(CurriculumError) as excinfo:
        read_curriculum(content)
    assert str(excinfo.value).startswith("modules.yaml:7: module #2: 'hands_on' "), str(
        excinfo.value
    )
    assert words in str(excinfo.value)


def test_the_command_refuses_an_unknown_piece_and_changes_nothing(content):
    load(content)
    write(content, "modules.yaml", HANDS_ON_MODULES.format(pieces="[netlab]"))
    with pytest.raises(
        CommandError, match=r"modules\.yaml:7: module #2: 'hands_on' lists 'netlab'"
    ):
        call_command("load_curriculum", path=content)
    assert Module.objects.get(slug="basics").hands_on == []  # the first module's list not loaded
