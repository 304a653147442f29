"""The sandbox's evaluation-flow diagram is drawn once per deciding step and outcome
(lessons.diagrams.policy_flow_html, shared with the quizzes' feedback): each live update shows
the step that decided it, as drawn afresh."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from lessons.diagrams import DECIDING, policy_flow, policy_flow_html
from srm_trainer.iam.words import STEP_TITLES
from srm_trainer.sandbox.templatetags import sandbox_extras
from tests.sandbox.test_views_sandbox import live

DENY_DELETE = '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]}'


def test_the_sandbox_draws_the_kept_drawing_of_the_step_that_decided():
    keys = [(None, None)] + [(step, outcome) for step in STEP_TITLES for outcome in DECIDING]
    for decided, outcome in keys:
        drawn = sandbox_extras.evaluation_flow(
            [{"name": decided, "outcome": outcome, "reached": True}] if decided else []
        )
        assert drawn == policy_flow(decided, outcome).html()
        assert drawn is policy_flow_html(decided, outcome)  # the kept one, not drawn again


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "css"),
    [
        ({}, "allow"),
        ({"identity-1-text": DENY_DELETE}, "deny"),
        ({"action": "s3:PutObject"}, "implicit_deny"),
    ],
)
def test_each_live_update_highlights_the_step_that_decided_it(client, overrides, css):
    cache.clear()  # the rate limits
    for _ in range(2):  # drawn, then from the kept drawing
        body = live(client, **overrides).content.decode()
        figure = body[body.index('id="diagram-policy-flow"') :]
        figure = figure[: figure.index("</figure>")]
        drawings = figure.split("<svg")[1:]  # wide and narrow: each highlights the step
        assert len(drawings) == 2
        for svg in drawings:
            assert re.findall(r'class="d-step d-step-decided d-step-([a-z_]+)"', svg) == [css]
