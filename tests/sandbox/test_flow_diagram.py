"""The sandbox's evaluation-flow diagram is drawn once per deciding step and outcome
(sandbox_extras._flow): each live update shows the step that decided it, as drawn afresh."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from lessons.diagrams import DECIDING, policy_flow
from srm_trainer.iam.words import STEP_TITLES
from srm_trainer.sandbox.templatetags import sandbox_extras
from tests.sandbox.test_views_sandbox import live

DENY_DELETE = '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]}'


def test_every_kept_drawing_is_the_drawing_made_afresh_and_the_keys_fit_the_bound():
    sandbox_extras._flow.cache_clear()
    keys = [(None, None)] + [(step, outcome) for step in STEP_TITLES for outcome in DECIDING]
    for _ in range(2):
        for decided, outcome in keys:
            kept = sandbox_extras.evaluation_flow(
                [{"name": decided, "outcome": outcome, "reached": True}] if decided else []
            )
            assert kept == policy_flow(decided, outcome).html()
    info = sandbox_extras._flow.cache_info()
    assert info.misses == len(keys) <= info.maxsize  # every key the engine can give stays kept
    assert info.hits == len(keys)


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
        assert re.findall(r'class="d-step d-step-decided d-step-([a-z_]+)"', figure) == [css]
