"""The policy editor's server side: completion data, findings it can place, and its CSP nonce."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from srm_trainer.iam.catalog import GLOBAL_CONDITION_KEYS
from srm_trainer.iam.conditions import parse_operator
from srm_trainer.sandbox.vocabulary import MAX_ACTIONS, condition_keys_for
from tests.sandbox.test_views_sandbox import live

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def keys(client, *actions: str) -> list[str]:
    response = client.get("/sandbox/condition-keys/", {"action": list(actions)})
    assert response.status_code == 200
    return response.json()["keys"]


def test_condition_keys_are_the_actions_own_first_then_the_global_ones(client):
    found = keys(client, "s3:GetObject")
    assert found[0].startswith("s3:")
    assert "aws:SourceIp" in found and "aws:PrincipalOrgID" in found
    assert found.index("aws:SourceIp") > max(i for i, k in enumerate(found) if k.startswith("s3:"))
    assert not any(k.startswith("dynamodb:") for k in found)


def test_condition_keys_follow_each_listed_action_and_a_wildcard_covers_its_service(client):
    both = keys(client, "s3:GetObject", "dynamodb:GetItem")
    assert any(k.startswith("s3:") for k in both) and any(k.startswith("dynamodb:") for k in both)
    wildcard = keys(client, "s3:Get*")
    assert set(keys(client, "s3:GetObject")) <= set(wildcard)


def test_unknown_or_malformed_actions_give_only_the_global_keys(client):
    only_global = keys(client)
    assert only_global == list(GLOBAL_CONDITION_KEYS)
    for junk in ("s3:NoSuchThing", "nosuchservice:Get", "*", "s*:Get", "", ":", "x" * 10_000):
        assert keys(client, junk) == only_global, junk


def test_only_the_first_actions_are_looked_at_however_many_are_sent():
    many = ["iam:PassRole"] * MAX_ACTIONS + ["dynamodb:GetItem"]
    assert not any(k.startswith("dynamodb:") for k in condition_keys_for(many))
    assert any(k.startswith("dynamodb:") for k in condition_keys_for(many[-2:]))


def test_every_operator_offered_is_one_the_engine_accepts(client):
    response = client.get("/sandbox/condition-operators/")
    operators = response.json()["operators"]
    assert {"StringEquals", "StringLikeIfExists", "ForAnyValue:StringLike", "Null"} <= set(
        operators
    )
    assert "NullIfExists" not in operators
    assert all(parse_operator(op) is not None for op in operators)
    assert len(operators) == len(set(operators))


@pytest.mark.parametrize("url", ["/sandbox/condition-keys/", "/sandbox/condition-operators/"])
def test_the_completion_endpoints_are_read_only(client, url):
    assert client.post(url).status_code == 405


def test_findings_carry_their_line_and_column_for_the_editor_to_mark(client):
    policy = '{\n  "Version": "2012-10-17",\n  "Statement": [{"Effect": "Allow",\n    "Action": "s3:GetObjekt", "Resource": "*"}]\n}'
    body = live(client, **{"identity-0-text": policy}).content.decode()
    notes = body[body.index('id="notes-identity-0"') :]
    marked = re.search(r'data-line="(\d+)" data-column="(\d+)" data-severity="(\w+)"', notes)
    assert marked, notes[:500]
    assert marked[1] == "4"
    assert policy.split("\n")[3][int(marked[2]) - 1 :].startswith('"s3:GetObjekt"')


def marks(client, text: str):
    response = client.post("/sandbox/findings/", {"policy": text})
    assert response.status_code == 200
    return response.json()["findings"]


def test_a_policy_typed_elsewhere_gets_its_findings_with_their_place(client):
    policy = '{\n  "Version": "2012-10-17",\n  "Statement": [{"Effect": "Allow",\n    "Action": "s3:GetObjekt", "Resource": "*"}]\n}'
    found = marks(client, policy)
    assert found, "a made-up action is a finding"
    first = found[0]
    assert first["line"] == 4
    assert policy.split("\n")[3][first["column"] - 1 :].startswith('"s3:GetObjekt"')
    assert "s3:GetObject" in first["message"]  # the "did you mean"


def test_a_short_arn_with_a_wildcard_is_warned_about_with_the_likely_fix(client):
    """A learner who writes arn:aws:s3:reports/* (two colons missing) sees why the request is
    implicitly denied, not only the deny: a warning on the line, with the ARN they meant."""
    policy = (
        '{\n  "Version": "2012-10-17",\n  "Statement": [{"Effect": "Allow",\n'
        '    "Action": "s3:GetObject", "Resource": "arn:aws:s3:reports/*"}]\n}'
    )
    body = live(client, **{"identity-0-text": policy}).content.decode()
    notes = body[body.index('id="notes-identity-0"') :]
    assert "Did you mean &#x27;arn:aws:s3:::reports/*&#x27;?" in notes and "six" in notes
    assert re.search(r'data-line="4" data-column="\d+" data-severity="warning"', notes)


def test_broken_json_is_one_error_at_the_place_it_breaks(client):
    (error,) = marks(client, '{\n  "Version": "2012-10-17",\n  "Statement": [,]\n}')
    assert (error["severity"], error["line"]) == ("error", 3)


def test_an_oversized_policy_is_refused_with_a_message_and_get_is_not_allowed(client):
    response = client.post("/sandbox/findings/", {"policy": " " * 20_001})
    assert response.status_code == 400
    assert response.json() == {
        "findings": [],
        "message": "The policy is 20,001 characters long, too long to check for findings "
        "(at most 20,000 characters): shorten it to see them.",
    }
    assert client.get("/sandbox/findings/").status_code == 405


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ('{"policy": "{}"}', "application/json"),
        ('{"policy": ', "application/json"),  # not even JSON
        ("policy={}", "text/plain"),
    ],
)
def test_a_body_that_is_not_a_form_is_refused_with_a_message(client, body, content_type):
    """The editor posts a form; anything else was read as an empty policy, and answered with
    an "Invalid JSON" finding the text never had."""
    response = client.post("/sandbox/findings/", body, content_type=content_type)
    assert response.status_code == 415
    assert response.json() == {
        "findings": [],
        "message": f"Send the policy as the form field “policy”, not as {content_type}: "
        "no findings were checked.",
    }


@pytest.mark.parametrize("data", [{}, {"policy": ""}, {"policy": " \n "}])
def test_nothing_typed_has_nothing_to_mark(client, data):
    assert marks(client, data.get("policy", "")) == []
    assert client.post("/sandbox/findings/", data).json() == {"findings": []}


def test_findings_share_the_sandboxs_rate_limit(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sandbox": "2/60"}
    for _ in range(2):
        marks(client, "{}")
    response = client.post("/sandbox/findings/", {"policy": "{}"})
    assert response.status_code == 429
    wait = int(response["Retry-After"])
    assert wait > 0 and response.json()["retry_after"] == wait
    assert response.json()["message"] == (  # shown by the editor, which checks again then
        "That was a lot of checks in a short time: findings come back in "
        f"{wait} second{'s' if wait != 1 else ''}."
    )


def test_the_sandbox_page_upgrades_its_policy_textareas(client):
    body = client.get("/sandbox/").content.decode()
    textarea = re.search(r"<textarea[^>]*identity-0[^>]*>", body)[0]
    assert "data-policy-editor" in textarea
    assert 'data-policy-findings="notes-identity-0"' in textarea
    assert "js/policy-editor.bundle" in body


def test_a_page_with_the_editor_gets_a_style_nonce_and_no_other_page_does(client):
    first = client.get("/sandbox/")
    nonce = re.search(r'data-style-nonce="([^"]+)"', first.content.decode())[1]
    csp = first["Content-Security-Policy"]
    assert f"style-src 'self' 'nonce-{nonce}'" in csp
    assert "script-src 'self';" in csp and "unsafe-inline" not in csp
    again = client.get("/sandbox/")
    assert nonce not in again["Content-Security-Policy"]
    assert "nonce-" not in client.get("/").headers["Content-Security-Policy"]
