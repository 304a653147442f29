"""Properties of `request.federated_by` over the differential generator's federated user cases
(identity policies, resource policies in and across accounts, boundaries, session policies,
SCP and RCP levels): the field changes nothing unless a policy names that user, and a grant to
the user who federated never allows more than the same grant to the session itself."""

from __future__ import annotations

import copy
import json
from functools import cache
from typing import Any

from srm_trainer.iam import evaluate
from tests.differential.generate import generate


@cache
def _federated_cases() -> tuple[str, ...]:
    """JSON texts, so each test gets fresh dicts to change."""
    found = []
    for seed in (1, 2, 16):
        for case in generate(3000, seed):
            if ":federated-user/" in case["request"]["principal"]:
                found.append(json.dumps(case))
    return tuple(found)


def _cases() -> list[dict[str, Any]]:
    return [json.loads(text) for text in _federated_cases()]


def _user(case: dict[str, Any], name: str) -> str:
    account = case["request"]["principal"].split(":")[4]
    return f"arn:aws:iam::{account}:user/{name}"


def _answer(case: dict[str, Any]) -> tuple:
    decision = evaluate(case)
    return decision.decision, [
        (s.name, s.outcome, [r.code for r in s.reasons]) for s in decision.steps
    ]


def test_the_generator_gives_enough_federated_cases_with_resource_policies():
    cases = _cases()
    assert len(cases) >= 300
    assert sum(1 for c in cases if c.get("resource_policy")) >= 100


def test_a_creator_no_policy_names_changes_no_decision_and_no_step():
    for case in _cases():
        with_creator = copy.deepcopy(case)
        with_creator["request"]["federated_by"] = _user(case, "nobody-names-me")
        assert _answer(with_creator) == _answer(case), case["name"]


def _with_grant(case: dict[str, Any], principal: str) -> dict[str, Any]:
    """The case with one more resource-policy statement allowing its request to `principal`
    (a resource policy of its own when it had none)."""
    out = copy.deepcopy(case)
    request = out["request"]
    grant = {
        "Effect": "Allow",
        "Principal": {"AWS": principal},
        "Action": request["action"],
        "Resource": request["resource"],
    }
    policy = out.get("resource_policy") or {"Version": "2012-10-17", "Statement": []}
    policy["Statement"] = [*policy["Statement"], grant]
    out["resource_policy"] = policy
    return out


def test_a_grant_to_the_user_who_federated_never_allows_more_than_one_to_the_session():
    """access_policies#policies_session: a grant naming the session is added after the session
    is made and is not limited by the session policy; a grant naming the user who federated is
    (and by the user's boundary). So wherever the user's grant allows, the session's does."""
    allowed = 0
    for case in _cases():
        broker = _user(case, "broker")
        through_user = _with_grant(case, broker)
        through_user["request"]["federated_by"] = broker
        to_session = _with_grant(case, case["request"]["principal"])
        if evaluate(through_user).decision == "Allow":
            assert evaluate(to_session).decision == "Allow", case["name"]
            allowed += 1
    assert allowed >= 20  # the property was put to the test


def test_without_a_session_policy_the_grant_to_the_user_adds_nothing():
    """GetFederationToken: a session made without a session policy has no permissions, and the
    grant to the user who federated is limited by the session policy (policy-eval-denyallow)."""
    checked = 0
    for case in _cases():
        if case.get("session_policy"):
            continue
        checked += 1
        broker = _user(case, "broker")
        through_user = _with_grant(case, broker)
        through_user["request"]["federated_by"] = broker
        assert evaluate(through_user).decision == evaluate(case).decision, case["name"]
    assert checked >= 100
