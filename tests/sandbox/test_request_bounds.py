"""Every request's work is bounded (issue 8, item 1): statement counts are capped before any
work is done, and the result panel lists only what a person reads, counting the rest."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache

from srm_trainer.sandbox.live import MAX_MISSING_KEYS, MAX_STATEMENT_ROWS
from srm_trainer.sandbox.state import MAX_STATEMENTS, statement_count

pytestmark = pytest.mark.django_db

ALICE = "arn:aws:iam::111122223333:user/alice"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def _policy(statements: list[dict]) -> dict:
    return {"Version": "2012-10-17", "Statement": statements}


def _skip(i: int) -> dict:
    return {"Sid": f"S{i}", "Effect": "Allow", "Action": "ec2:StartInstances", "Resource": "*"}


def _form(*policies: dict) -> dict[str, str]:
    form = {
        "principal": ALICE,
        "action": "s3:GetObject",
        "resource": "arn:aws:s3:::reports/q1.csv",
        "resource_account": "111122223333",
    }
    for i, policy in enumerate(policies):
        form[f"identity-{i}-text"] = json.dumps(policy)
    return form


def test_statements_are_counted_across_texts_documents_and_wrappers():
    text = json.dumps(_policy([_skip(1), _skip(2)]))
    single = {"Version": "2012-10-17", "Statement": _skip(3)}
    wrapped = {"name": "Named", "document": _policy([_skip(4)])}
    assert statement_count([text, single, wrapped, "not json", ""]) == 4


def test_the_api_refuses_more_statements_than_it_evaluates(client):
    half = MAX_STATEMENTS // 2 + 1
    case = {
        "request": {"principal": ALICE, "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k"},
        "identity_policies": [_policy([_skip(i) for i in range(half)])] * 2,
    }
    response = client.post("/api/iam/evaluate", json.dumps(case), content_type="application/json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "too_many_statements"
    assert f"{half * 2}" in error["message"] and str(MAX_STATEMENTS) in error["message"]


def test_the_sandbox_refuses_more_statements_and_says_how_many(client):
    too_many = _policy([_skip(i) for i in range(MAX_STATEMENTS + 1)])
    response = client.post("/sandbox/", _form(too_many), headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert f"{MAX_STATEMENTS + 1:,} statements" in response.content.decode()


def test_policies_the_engine_already_parsed_are_counted_alike(client):
    """A live update sends every editor again: the ones parsed by the update before are counted
    from the engine's parse, named or not, a Statement object as one, and still refused past the
    limit together with a policy that is new."""
    named = _policy([_skip(i) for i in range(MAX_STATEMENTS - 2)])
    single = {"Version": "2012-10-17", "Statement": _skip(0)}
    form = {**_form(named, single), "identity-0-name": "Named"}
    assert client.post("/sandbox/", form, headers={"HX-Request": "true"}).status_code == 200
    one_more = {**form, "boundary": json.dumps(_policy([_skip(1)]))}  # 198 + 1 + 1: at the limit
    assert client.post("/sandbox/", one_more, headers={"HX-Request": "true"}).status_code == 200
    two_more = {**form, "boundary": json.dumps(_policy([_skip(1), _skip(2)]))}
    response = client.post("/sandbox/", two_more, headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert f"{MAX_STATEMENTS + 1:,} statements" in response.content.decode()


def test_a_long_policy_lists_its_first_statements_and_counts_the_rest(client):
    statements = [_skip(i) for i in range(MAX_STATEMENT_ROWS + 15)]
    statements.append({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"})
    response = client.post("/sandbox/", _form(_policy(statements)), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Decision: Allowed" in body
    assert "and 15 more statements, not listed here" in body
    # the statement that decided it is named even though it comes after the listed ones
    assert f"statement {MAX_STATEMENT_ROWS + 16}" in body


def test_many_missing_keys_offer_a_few_buttons_and_count_the_rest(client):
    condition = {"StringEquals": {f"aws:PrincipalTag/k{i}": "x" for i in range(30)}}
    statement = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
    policy = _policy([{**statement, "Condition": condition}])
    body = client.post("/sandbox/", _form(policy), headers={"HX-Request": "true"}).content.decode()
    assert body.count('value="add-context:') == MAX_MISSING_KEYS
    assert f"and {30 - MAX_MISSING_KEYS} more" in body
