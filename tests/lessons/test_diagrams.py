"""The course's diagrams: every module has one, each is accessible, and the data-driven ones follow
their data (the SRM stack follows the explorer's rows, the evaluation flow the engine's decision)."""

from __future__ import annotations

import re

import pytest

from lessons.diagrams import (
    DECIDING,
    DIAGRAMS,
    deciding_index,
    deciding_step,
    policy_flow,
    policy_flow_html,
    render,
    srm_stack,
    wide_from,
)
from lessons.markdown import DIAGRAM_NAMES, insert_diagrams, render_markdown
from lessons.models import Responsibility
from quizzes.explain import explain_decision
from srm_trainer.iam import evaluate
from srm_trainer.iam.words import STEP_TITLES
from tests.shipped import shipped_curriculum  # the content files, parsed once per process

CURRICULUM = shipped_curriculum()
DIRECTIVE = re.compile(r"^::: diagram ([a-z-]+)\s*$", re.MULTILINE)


@pytest.fixture
def shipped(shipped_course, db):
    """The shipped course (loaded once for this module: `shipped_course` in tests/conftest.py)."""


def test_every_module_has_a_diagram():
    per_module: dict[str, set[str]] = {m.slug: set() for m in CURRICULUM.modules}
    for lesson in CURRICULUM.lessons:
        per_module[lesson.module].update(DIRECTIVE.findall(lesson.body))
    assert all(per_module.values()), [m for m, names in per_module.items() if not names]
    named = set().union(*per_module.values())
    assert named <= set(DIAGRAMS), named - set(DIAGRAMS)
    assert set(DIAGRAM_NAMES) == set(DIAGRAMS)


def _drawings(html: str) -> list[str]:
    """Each <svg> of a figure's HTML (its wide drawing, then its narrow one), whole."""
    return re.findall(r"<svg.*?</svg>", html, re.S)


@pytest.mark.parametrize("name", sorted(DIAGRAMS))
def test_each_diagram_is_accessible_and_has_no_inline_style_or_script(shipped, name):
    html = str(DIAGRAMS[name]().html())
    assert len(_drawings(html)) == 2
    for drawing in _drawings(html):  # whichever one the page's width shows is named
        svg = re.search(r"<svg[^>]*>", drawing).group(0)
        named_by = re.search(r'role="img".*aria-labelledby="([^"]+)"', svg).group(1).split()
        title = re.search(r"<title id=\"([^\"]+)\">([^<]+)</title>", drawing)
        desc = re.search(r"<desc id=\"([^\"]+)\">([^<]+)</desc>", drawing)
        assert title and len(title.group(2)) > 10 and desc and len(desc.group(2)) > 40
        assert named_by == [title.group(1), desc.group(1)]
    ids = re.findall(r' id="([^"]+)"', html)
    assert len(ids) == len(set(ids))  # one figure drawn twice uses no id twice
    alt = re.search(r'<details class="diagram-alt">.*?<li>(.+?)</li>', html, re.S)
    assert alt and len(alt.group(1)) > 10
    assert "style=" not in html and "<script" not in html.lower() and "font-face" not in html
    assert "<image" not in html and 'href="http' not in html


def _owners_in(html: str) -> list[str]:
    """The owners the SRM grid's cells show: the same, in the same order, in both drawings."""
    wide, narrow = (re.findall(r'class="d-owner d-owner-([a-z]+)"', d) for d in _drawings(html))
    assert narrow == wide
    return wide


def test_the_srm_diagram_shows_the_explorers_rows_and_follows_a_change(shipped):
    from lessons.explorers import srm_view

    html = str(srm_stack().html())
    expected = []
    views = {s: srm_view(service_slug=s, compare_slug=None) for s in ("ec2", "rds", "lambda", "s3")}
    layers = views["ec2"].rows
    for i in range(len(layers)):
        for s in ("ec2", "rds", "lambda", "s3"):
            cell = views[s].rows[i].cells[0]
            expected.append(cell.owner if cell else "none")
    assert _owners_in(html) == expected
    assert "Split" in html  # the explorer's word for "shared"
    assert len(set(expected)) == 3  # the line really moves across the four services

    row = Responsibility.objects.get(service__slug="s3", layer__slug="guest-os")
    before = row.owner
    row.owner = "customer" if before != "customer" else "aws"
    row.save()
    changed = _owners_in(str(srm_stack().html()))
    diffs = [i for i, (a, b) in enumerate(zip(expected, changed, strict=True)) if a != b]
    assert len(diffs) == 1 and changed[diffs[0]] == row.owner


ALICE = "arn:aws:iam::111122223333:user/alice"
ALLOW = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
DENY = {"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}


def _decide(statements):
    case = {
        "name": "c",
        "request": {
            "principal": ALICE,
            "action": "s3:GetObject",
            "resource": "arn:aws:s3:::reports/q1.csv",
            "context": {},
        },
        "identity_policies": [{"Version": "2012-10-17", "Statement": statements}],
    }
    return evaluate(case)


@pytest.mark.parametrize(
    ("statements", "step", "css"),
    [
        ([ALLOW], "identity", "allow"),
        ([ALLOW, DENY], "explicit_deny", "deny"),
        ([], "identity", "implicit_deny"),
    ],
)
def test_the_flow_highlights_the_step_that_decided(statements, step, css):
    decision = _decide(statements)
    for steps in (decision.to_dict()["steps"], explain_decision(decision)["steps"]):
        assert deciding_step(steps) == (step, css)
        index, *_ = deciding_index(steps)  # the sandbox's "decided at step N"
        assert steps[index]["name"] == step
    html = str(policy_flow(*deciding_step(decision.to_dict()["steps"])).html())
    for drawing in _drawings(html):
        highlighted = re.findall(r'class="d-step d-step-decided d-step-([a-z_]+)"', drawing)
        assert highlighted == [css]
        assert drawing.count("Decided here") == 1
    assert f"{STEP_TITLES[step]} (this step decided)" in html


def test_the_flow_lists_every_engine_step_in_order():
    html = str(policy_flow().html())
    for drawing in _drawings(html):
        positions = [drawing.index(f". {title}<") for title in STEP_TITLES.values()]
        assert positions == sorted(positions) and "AWS rule" in drawing
    assert "d-step-decided" not in html


@pytest.mark.parametrize("name", sorted(DIAGRAMS))
def test_each_diagram_reads_at_11_px_on_a_phone_and_in_a_lesson(shipped, name):
    """The narrow drawing is drawn at its own size (its width and height), no wider than a
    390 px phone's box (340 px; the evaluation flow's, in a quiz's result, 256 px): its
    13-unit text is 13 px there. The wide one is shown from a
    box width at which it is scaled to no less than 11/13, its smallest text to 11 px."""
    figure = DIAGRAMS[name]()
    html = str(figure.html())
    narrow = re.search(r"<svg[^>]*>", _drawings(html)[1]).group(0)
    assert "diagram-narrow" in narrow and figure.narrow is not None
    assert f'width="{figure.narrow.width}" height="{figure.narrow.height}"' in narrow
    assert figure.narrow.width <= (250 if name == "policy-flow" else 340)  # see _flow_narrow
    steps = wide_from(figure.width)
    assert f'class="diagram-scroll wide-from-{steps}"' in html
    assert figure.width * 11 / 13 <= steps * 16


def test_lesson_text_cannot_supply_svg_or_html():
    body = (
        '<svg onload="alert(1)"><script>x</script></svg>\n\n'
        '<div class="diagram-slot diagram-slot-srm-stack"></div>\n\n'
        "::: diagram no-such-diagram\n:::\n"
    )
    rendered = render_markdown(body).html
    assert "<svg" not in rendered and "<script" not in rendered and "<div" not in rendered
    assert "<svg" not in insert_diagrams(rendered)


def test_a_directive_becomes_the_diagram_in_the_lesson_page(shipped, client):
    body = client.get("/learn/iam/policy-evaluation/").content.decode()
    assert 'id="diagram-policy-flow"' in body and "<desc" in body
    assert "diagram-slot" not in body
    page = client.get("/learn/srm/").content.decode()
    assert 'id="diagram-srm-stack"' in page


def test_every_kept_flow_is_the_flow_drawn_afresh_and_its_keys_fit_the_bound():
    """`policy_flow_html` (a quiz's feedback on every answer) keeps each drawing per deciding
    step and outcome: every key the engine can give stays kept, each equal to a fresh one."""
    policy_flow_html.cache_clear()
    keys = [(None, None)] + [(step, outcome) for step in STEP_TITLES for outcome in DECIDING]
    for _ in range(2):
        for decided, outcome in keys:
            assert policy_flow_html(decided, outcome) == policy_flow(decided, outcome).html()
    info = policy_flow_html.cache_info()
    assert info.misses == len(keys) <= info.maxsize and info.hits == len(keys)


@pytest.mark.parametrize("name", sorted(DIAGRAMS))
def test_a_lesson_diagram_kept_is_the_diagram_drawn_afresh(shipped, name):
    assert render(name) == render(name) == DIAGRAMS[name]().html()
