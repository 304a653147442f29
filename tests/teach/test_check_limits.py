"""The teaching area's engine checks are rate-limited (`teach_check`), as the learners' are:
the quiz preview's check and each editor's live check (policy, least privilege, network flow,
network fix, WAF, findings routing), and every editor's Markdown preview (each renders the prompt
and explanation, up to ~0.1 s). Over the limit the refusal is said where the verdict goes and in the page's
status region, a 429 with Retry-After; the form is not swapped, so what was typed stays."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.teach.test_engine_editors import ALLOW_ROWS, DENY_ROWS, challenge_form, policy_form
from tests.teach.test_network_editors import (
    challenge,
    fix_form,
    flow_case,
    flow_form,
    waf_case,
    waf_form,
)
from tests.teach.test_route_editor import route_form
from tests.teach.test_views_questions import KINDS, form_data
from tests.test_live_status import said_within

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def _preview(teacher, quiz) -> tuple[str, dict]:
    return reverse("teach:quiz-preview-check", args=[quiz.pk, 1]), {}


def _markdown(teacher, quiz) -> tuple[str, dict]:
    """A single-choice question's Markdown preview: no engine, only the Markdown."""
    rows, extra = KINDS["single"]
    url = reverse("teach:question-create", args=[quiz.pk, "single"])
    return url, form_data(rows, extra, action="preview")


# kind: (the form as the author left it, the part its live request swaps, where a refusal goes)
CHECKS: dict[str, tuple[Callable, str, str]] = {
    "quiz preview": (_preview, "attempt-body", "#answer-status"),
    "policy key": (lambda t, q: policy_form(t, q, action="engine"), "live", "#live-refusal"),
    "policy button": (
        lambda t, q: policy_form(t, q, op="fill-expect"),
        "pd-editor",
        "#live-refusal",
    ),
    "least privilege": (
        lambda t, q: challenge_form(t, q, ALLOW_ROWS, DENY_ROWS, action="check"),
        "lp-check",
        "#lp-check",
    ),
    "network flow": (
        lambda t, q: flow_form(t, q, flow_case(), action="check", **{"k-ask_hop": "on"}),
        "net-check",
        "#net-check",
    ),
    "network fix": (
        lambda t, q: fix_form(t, q, challenge(), action="check"),
        "net-check",
        "#net-check",
    ),
    "waf": (
        lambda t, q: waf_form(t, q, waf_case(), action="check", **{"k-ask_number": "121"}),
        "net-check",
        "#net-check",
    ),
    "findings routing": (
        lambda t, q: route_form(t, q, action="check"),
        "route-check",
        "#route-check",
    ),
    "markdown preview": (_markdown, "md-preview", "#md-preview"),
    "policy markdown preview": (
        lambda t, q: policy_form(t, q, action="preview"),
        "md-preview",
        "#md-preview",
    ),
}


def _htmx(target: str) -> dict[str, str]:
    return {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": target}


@pytest.mark.parametrize("kind", CHECKS)
def test_over_the_limit_a_check_is_refused_where_its_verdict_goes(teacher, owned, settings, kind):
    form, target, place = CHECKS[kind]
    url, data = form(teacher, owned[0])
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "teach_check": "1/60"}
    first = teacher.post(url, data, **_htmx(target))
    assert first.status_code == 200  # under the limit: the engine's verdict
    refused = teacher.post(url, data, **_htmx(target))
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    # Swapped into the refusal's place, never the form: what was typed stays on screen.
    assert refused["HX-Retarget"] == place and refused["HX-Reswap"] == "innerHTML"
    assert refused["X-Page-Stale"] == "1"
    said = said_within(refused)
    assert "a lot of checks in a short time" in said and "what you typed is kept" in said
    assert f"Try again in {refused['Retry-After']} second" in said
    assert 'name="' not in refused.content.decode()  # no form fields drawn over the typed ones


@pytest.mark.parametrize("kind", CHECKS)
def test_under_the_limit_checks_are_answered(teacher, owned, settings, kind):
    form, target, _ = CHECKS[kind]
    url, data = form(teacher, owned[0])
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "teach_check": "3/60"}
    for _ in range(3):
        response = teacher.post(url, data, **_htmx(target))
        assert response.status_code == 200
        assert "a lot of checks" not in response.content.decode()


def test_without_javascript_an_over_limit_check_gets_the_429_page(teacher, owned, settings):
    url, data = policy_form(teacher, owned[0], action="engine")
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "teach_check": "0/60"}
    response = teacher.post(url, data)
    assert response.status_code == 429 and response["Retry-After"]
    page = response.content.decode()
    assert "a lot of checks in a short time" in page
    assert "what you typed is still in the form" in page


def test_saves_are_not_counted(teacher, owned, settings):
    """Saves have their own limit (`teach_save`): an author at this one can still save."""
    url, data = policy_form(teacher, owned[0], action="engine")
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "teach_check": "0/60"}
    saved = teacher.post(url, data | {"action": "save"})
    assert saved.status_code == 302


def test_without_javascript_an_over_limit_markdown_preview_gets_the_429_page(
    teacher, owned, settings
):
    url, data = _markdown(teacher, owned[0])
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "teach_check": "0/60"}
    response = teacher.post(url, data)
    assert response.status_code == 429 and response["Retry-After"]
    assert "what you typed is still in the form" in response.content.decode()
