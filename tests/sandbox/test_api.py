"""POST /api/iam/evaluate: the engine over HTTP, with JSON errors."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache

pytestmark = pytest.mark.django_db

CASE = {
    "request": {
        "principal": "arn:aws:iam::111122223333:user/alice",
        "action": "s3:DeleteObject",
        "resource": "arn:aws:s3:::reports/q1.csv",
        "resource_account": "111122223333",
    },
    "identity_policies": [
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
                {"Sid": "NoDeletes", "Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"},
            ],
        }
    ],
}


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def post(client, body, **kwargs):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post("/api/iam/evaluate", data, content_type="application/json", **kwargs)


def test_it_returns_the_decision_and_its_reasons(client):
    response = post(client, CASE)
    assert response.status_code == 200
    data = response.json()
    assert set(data) == {"decision", "decisive", "steps", "explanations", "findings"}
    assert data["decision"] == "ExplicitDeny"
    assert data["decisive"][0]["sid"] == "NoDeletes"
    assert [s["name"] for s in data["steps"]][0] == "explicit_deny"
    assert any(f["code"] for f in data["findings"])  # s3:* on * is worth a warning


def test_invalid_json_names_the_line_and_column(client):
    response = post(client, '{\n  "request": {,}\n}')
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_json"
    assert (error["line"], error["column"]) == (2, 15)


@pytest.mark.parametrize(
    "endpoint", ["/api/iam/evaluate", "/api/iam/simulate", "/api/iam/summary", "/api/iam/diff"]
)
def test_a_key_written_twice_in_the_body_is_refused_at_the_repeat(client, endpoint):
    """JSON readers keep one of the two values without a word (this API kept the last): the
    caller cannot have meant both, so the body is refused, placed like invalid JSON."""
    body = (
        '{"request": {"action": "s3:GetObject"},\n'
        ' "identity_policies": [{"Version": "2012-10-17", "Statement": [{"Effect": "Deny",\n'
        '   "Action": "s3:*", "Resource": "*", "Effect": "Allow"}]}]}'
    )
    response = client.post(endpoint, body, content_type="application/json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "duplicate_key"
    assert (error["line"], error["column"]) == (3, 39)
    assert error["path"] == "identity_policies[0].Statement[0].Effect"
    assert '"Effect" twice in one object (first at line 2, column 65)' in error["message"]


def test_a_policy_sent_as_text_with_a_key_twice_is_evaluated_with_a_warning(client):
    """A policy given as JSON text is read as the sandbox reads it: the last value is used,
    and the findings say where the key is written twice, in that text's lines."""
    text = (
        '{"Version": "2012-10-17", "Statement": [{\n'
        '  "Effect": "Allow", "Action": "s3:DeleteObject", "Resource": "*",\n'
        '  "Effect": "Deny"}]}'
    )
    response = post(client, {**CASE, "identity_policies": [text]})
    assert response.status_code == 200
    data = response.json()
    assert data["decision"] == "ExplicitDeny"
    (found,) = [f for f in data["findings"] if f["code"] == "duplicate_key"]
    assert found["severity"] == "warning"
    assert found["path"] == "identity_policies[0].Statement[0].Effect"
    assert (found["line"], found["column"], found["data"]["first_line"]) == (3, 3, 2)
    assert found["lesson"] == "/learn/iam/policies/"


def test_an_invalid_case_names_the_field(client):
    bad = json.loads(json.dumps(CASE))
    bad["identity_policies"][0]["Statement"][1]["Effect"] = "Perhaps"
    response = post(client, bad)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["path"].startswith("identity_policies[0].Statement[1]")
    assert "Effect" in error["path"] or "Effect" in error["message"]


def test_a_case_without_a_request_is_refused(client):
    response = post(client, {"identity_policies": []})
    assert response.status_code == 400
    assert "request" in response.json()["error"]["path"] + response.json()["error"]["message"]


def test_a_body_that_is_not_an_object_is_refused(client):
    assert post(client, "[1, 2]").status_code == 400


def test_wrong_method(client):
    assert client.get("/api/iam/evaluate").status_code == 405


def test_a_body_over_64_kb_is_refused(client):
    response = post(client, json.dumps({**CASE, "name": "x" * 70_000}))
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "body_too_large"


def test_deep_nesting_is_refused_not_crashed(client):
    response = post(client, "[" * 5000 + "]" * 5000)
    assert response.status_code == 400


def test_it_is_rate_limited_with_retry_after(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api": "2/60"}
    assert post(client, CASE).status_code == 200
    assert post(client, CASE).status_code == 200
    response = post(client, CASE)
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert int(response["Retry-After"]) >= 1


def test_it_needs_no_login_and_no_csrf_token(client):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert post(strict, CASE).status_code == 200


def test_a_policy_over_20000_characters_is_refused_naming_it(client):
    big = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": f"S{i}",
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::bucket-{i:05d}/*",
            }
            for i in range(400)
        ],
    }
    case = {
        **CASE,
        "identity_policies": [CASE["identity_policies"][0], {"name": "Big", "document": big}],
    }
    response = post(client, case)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "policy_too_large"
    assert error["path"] == "identity_policies[1]"


FEDERATED = {
    "request": {
        "principal": "arn:aws:sts::111122223333:federated-user/Carol",
        "federated_by": "arn:aws:iam::111122223333:user/broker",
        "action": "s3:GetObject",
        "resource": "arn:aws:s3:::reports/q1.csv",
        "resource_account": "111122223333",
    },
    "resource_policy": {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::111122223333:user/broker"},
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::reports/*",
            }
        ],
    },
    "session_policy": {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
    },
}


def test_it_takes_the_iam_user_who_created_a_federated_session(client):
    data = post(client, FEDERATED).json()
    assert data["decision"] == "Allow"
    resource_step = next(s for s in data["steps"] if s["name"] == "resource_policy")
    assert resource_step["reasons"][0]["code"] == "resource_policy_grants_federating_user"
    without_session_policy = {k: v for k, v in FEDERATED.items() if k != "session_policy"}
    assert post(client, without_session_policy).json()["decision"] == "ImplicitDeny"


def test_federated_by_beside_another_principal_is_refused_naming_the_field(client):
    body = {
        **FEDERATED,
        "request": {**FEDERATED["request"], "principal": CASE["request"]["principal"]},
    }
    response = post(client, body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["path"]) == ("invalid_case", "request.federated_by")
    assert "only with a federated user principal" in error["message"]


def test_simulate_takes_federated_by_for_every_pair(client):
    request = {k: v for k, v in FEDERATED["request"].items() if k not in ("action", "resource")}
    body = {
        **FEDERATED,
        "request": {
            **request,
            "actions": ["s3:GetObject", "s3:PutObject"],
            "resources": ["arn:aws:s3:::reports/q1.csv"],
        },
    }
    response = client.post("/api/iam/simulate", json.dumps(body), content_type="application/json")
    assert response.status_code == 200
    decisions = [r["decision"] for r in response.json()["results"]]
    assert decisions == ["Allow", "ImplicitDeny"]


def test_a_context_key_of_more_values_than_aws_sends_is_refused_naming_it(client):
    """Each value of a multivalued key meets each value a condition lists for it: 1,600 of
    each (57 KB) cost 1.4 s of CPU per anonymous request. A key holds at most 50 values
    (AWS's tags on a resource); 50 are evaluated as before."""
    case = json.loads(json.dumps(CASE))
    statement = case["identity_policies"][0]["Statement"][0]
    statement["Condition"] = {"ForAnyValue:StringLike": {"aws:TagKeys": ["team-*"]}}
    case["request"]["action"] = "s3:GetObject"
    case["request"]["context"] = {"aws:TagKeys": [f"k{i}" for i in range(51)]}
    for path in ("/api/iam/evaluate", "/api/iam/simulate"):
        body = case if path.endswith("evaluate") else _as_batch(case)
        response = client.post(path, json.dumps(body), content_type="application/json")
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["code"] == "invalid_context"
        assert error["path"] == "request.context.aws:TagKeys"
        assert "'aws:TagKeys' has 51 values; a condition key takes at most 50" in error["message"]
    case["request"]["context"]["aws:TagKeys"] = [f"k{i}" for i in range(49)] + ["team-a"]
    response = post(client, case)
    assert response.status_code == 200
    assert response.json()["decision"] == "Allow"


def _as_batch(case: dict) -> dict:
    request = {k: v for k, v in case["request"].items() if k not in ("action", "resource")}
    request |= {"actions": [case["request"]["action"]], "resources": [case["request"]["resource"]]}
    return {**case, "request": request}


def test_a_resource_cut_short_to_arn_aws_is_evaluated_with_a_finding_not_a_500(client):
    """Half-typed "arn:aws" crashed the linter (IndexError) and the endpoint answered 500."""
    case = json.loads(json.dumps(CASE))
    case["identity_policies"][0]["Statement"][0]["Resource"] = "arn:aws"
    response = post(client, case)
    assert response.status_code == 200
    data = response.json()
    assert data["decision"] == "ExplicitDeny"
    found = [f for f in data["findings"] if f["code"] == "malformed_arn"]
    assert found and found[0]["path"] == "identity_policies[0].Statement[0].Resource"
