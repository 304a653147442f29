"""`POST /api/iam/simulate`: a batch case in, one result per action × resource pair out."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache

from srm_trainer.sandbox.api import MAX_SIMULATION_PAIRS

pytestmark = pytest.mark.django_db

ALICE = "arn:aws:iam::111122223333:user/alice"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def post(client, body):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post("/api/iam/simulate", data, content_type="application/json")


def batch(actions, resources):
    return {
        "request": {"principal": ALICE, "actions": actions, "resources": resources},
        "identity_policies": [
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "s3:GetObject",
                        "Resource": "arn:aws:s3:::reports/*",
                    }
                ],
            }
        ],
    }


def test_results_cover_every_pair_in_order(client):
    response = post(
        client,
        batch(["s3:GetObject", "s3:PutObject"], ["arn:aws:s3:::reports/a", "arn:aws:s3:::x/b"]),
    )
    assert response.status_code == 200
    results = response.json()["results"]
    assert [(r["action"], r["resource"], r["decision"]) for r in results] == [
        ("s3:GetObject", "arn:aws:s3:::reports/a", "Allow"),
        ("s3:GetObject", "arn:aws:s3:::x/b", "ImplicitDeny"),
        ("s3:PutObject", "arn:aws:s3:::reports/a", "ImplicitDeny"),
        ("s3:PutObject", "arn:aws:s3:::x/b", "ImplicitDeny"),
    ]
    assert results[0]["decisive"][0]["effect"] == "Allow"


def test_errors_are_json_like_the_evaluate_endpoint(client):
    bad = post(client, '{"request": ')
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_json"
    assert bad.json()["error"]["line"] == 1
    missing = post(client, batch([], ["*"]))
    assert missing.status_code == 400 and missing.json()["error"]["path"] == "request.actions"
    too_many = post(client, batch(["s3:*"], [f"arn:aws:s3:::b/{i}" for i in range(100)]))
    assert too_many.status_code == 400
    assert too_many.json()["error"]["code"] == "too_many_pairs"
    assert f"{MAX_SIMULATION_PAIRS:,}" in too_many.json()["error"]["message"]
    assert client.get("/api/iam/simulate").status_code == 405
