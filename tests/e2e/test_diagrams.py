"""The diagrams in a real browser: visible, axe-clean, never widening a phone's page, their text
drawn at 11 px or more (the wide drawing on a desktop, the narrow one on a phone)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.accessibility import serious_violations
from tests.e2e.journeys import no_horizontal_scroll
from tests.e2e.layout import layout_problems

pytestmark = pytest.mark.e2e

PAGES = {
    "srm-stack": "/learn/srm/",
    "srm-lesson": "/learn/shared-responsibility/the-line-moves/",
    "policy-flow": "/learn/iam/policy-evaluation/",
    "org-tree": "/learn/organizations/service-control-policies/",
    "compliance": "/learn/compliance-and-artifact/evidence-and-posture/",
    "ddos": "/learn/denial-of-service/network-defences/",
    "kms": "/learn/encryption-and-kms/aws-kms/",
    "detection": "/learn/detection/amazon-guardduty/",
    "capstone": "/learn/capstone/capstone/",
}
SHOWN = {"desktop": "diagram-wide", "phone": "diagram-narrow"}


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_every_diagram_page_shows_its_svg_and_passes_axe(page, phone, screenshots, size):
    tab = page if size == "desktop" else phone
    problems = []
    for name, url in PAGES.items():
        tab.goto(url)
        # one of the figure's two drawings is shown: on a phone the narrow one
        svg = tab.locator("figure.diagram").first.locator("svg[role=img]:visible")
        expect(svg).to_have_count(1)
        expect(svg).to_have_class(re.compile(SHOWN[size]))
        assert svg.bounding_box()["height"] > 100, url
        problems += [f"{url}: {v}" for v in serious_violations(tab)]
        problems += [f"{url}: {p}" for p in layout_problems(tab)]
        if size == "phone":
            no_horizontal_scroll(tab)
        tab.locator("figure.diagram").first.screenshot(
            path=screenshots / f"diagram-{name}-{size}.png"
        )
    assert not problems, "\n".join(problems)


def test_the_sandbox_highlights_the_step_that_decided(page):
    page.goto("/sandbox/?preset=role-trust-cross-account-assume")
    decided = page.locator("#diagram-policy-flow .d-step-decided:visible")
    assert decided.count() == 1
    assert "this step decided" in page.locator("#diagram-policy-flow details").text_content()
