"""`POST /api/iam/summary` and `POST /api/iam/diff`: policy sets in, access levels out."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache

from srm_trainer.sandbox.state import MAX_POLICY_CHARS

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def post(client, url, body):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(url, data, content_type="application/json")


def policy(*statements):
    return {"Version": "2012-10-17", "Statement": list(statements)}


READ_S3 = policy({"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"})
PUT_S3 = policy({"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::up/*"})


def levels(body, service):
    svc = next(s for s in body["services"] if s["service"] == service)
    return {lv["level"]: lv["access"] for lv in svc["levels"]}


def test_summary_of_a_read_only_role(client):
    response = post(client, "/api/iam/summary", {"identity_policies": [READ_S3]})
    assert response.status_code == 200
    got = levels(response.json(), "s3")
    assert got["List"] == "full" and got["Write"] == "none"


def test_summary_accepts_one_policy_and_names_partial_resources(client):
    body = post(client, "/api/iam/summary", PUT_S3).json()
    assert levels(body, "s3")["Write"] == "partial"
    svc = body["services"][0]
    put = next(a for a in svc["allowed"] if a["action"] == "s3:PutObject")
    assert put["resources"] == ["arn:aws:s3:::up/*"]


def test_summary_of_star_asks_for_services(client):
    star = policy({"Effect": "Allow", "Action": "*", "Resource": "*"})
    response = post(client, "/api/iam/summary", star)
    assert response.status_code == 400
    assert response.json()["error"]["path"] == "services"
    ok = post(client, "/api/iam/summary", {"identity_policies": [star], "services": ["sqs"]})
    assert ok.status_code == 200 and ok.json()["every_service"] is True


def test_summary_bad_json_gives_line_and_column(client):
    response = post(client, "/api/iam/summary", '{\n  "identity_policies": [,]\n}')
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["line"] == 2 and error["column"] > 1


def test_diff_names_the_side_whose_policy_text_is_not_json(client):
    """A side sent as JSON text is read as such: its line and column are in that text, so the
    path names the side (it said "", the body, whose line 1 is elsewhere)."""
    body = {"old": READ_S3, "new": '{\n  "Statement": [,]\n}'}
    response = post(client, "/api/iam/diff", body)
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["path"], error["line"]) == ("invalid_json", "new", 2)


def test_diff_names_the_new_write(client):
    both = policy(
        {"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"},
        {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::up/*"},
    )
    body = post(client, "/api/iam/diff", {"old": READ_S3, "new": both}).json()
    assert body["no_new_access"] is False
    assert [g["action"] for g in body["gained"]] == ["s3:PutObject"]
    assert body["gained"][0]["level"] == "Write"
    assert body["lost"] == []
    # Why, as a summary's allowed action says it: the new policy's second statement grants it.
    assert body["gained"][0]["grants"] == "new"
    assert [(b["policy_kind"], b["statement_index"]) for b in body["gained"][0]["by"]] == [
        ("identity", 1)
    ]
    back = post(client, "/api/iam/diff", {"old": both, "new": READ_S3}).json()
    assert back["lost"][0]["grants"] == "old"
    assert [b["statement_index"] for b in back["lost"][0]["by"]] == [1]


def test_diff_missing_side_and_oversized_policy(client):
    response = post(client, "/api/iam/diff", {"old": READ_S3})
    assert response.status_code == 400 and response.json()["error"]["path"] == "new"
    huge = policy(
        {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::" + "x" * MAX_POLICY_CHARS,
        }
    )
    response = post(client, "/api/iam/diff", {"old": READ_S3, "new": huge})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "policy_too_large"
    assert response.json()["error"]["path"].startswith("new.")


def test_get_is_refused(client):
    assert client.get("/api/iam/summary").status_code == 405
    assert client.get("/api/iam/diff").status_code == 405


def test_summary_reads_a_whole_policy_set_and_explains(client):
    """Several identity policies, a session policy and two SCP levels; the answer says which
    statements allow and which step stops."""
    body = post(
        client,
        "/api/iam/summary",
        {
            "identity_policies": [READ_S3, PUT_S3],
            "session_policy": policy({"Effect": "Allow", "Action": "s3:*", "Resource": "*"}),
            "scp_levels": [
                [policy({"Effect": "Allow", "Action": "*", "Resource": "*"})],
                [policy({"Effect": "Allow", "Action": ["s3:Get*", "s3:Put*"], "Resource": "*"})],
            ],
            "services": ["s3"],
        },
    ).json()
    assert levels(body, "s3")["List"] == "none"  # the second SCP level allows no List
    allowed = {a["action"]: a for a in body["services"][0]["allowed"]}
    put = allowed["s3:PutObject"]
    assert put["access"] == "partial"
    assert [r["policy_index"] for r in put["by"] if r["policy_kind"] == "identity"] == [1]
    assert "s3:ListBucket" not in allowed


def test_summary_of_every_service_leaves_a_resource_policy_out(client):
    grant = policy(
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111122223333:role/summary"},
            "Action": "s3:*",
            "Resource": "*",
        }
    )
    body = post(
        client,
        "/api/iam/summary",
        {"identity_policies": [READ_S3], "resource_policy": grant, "services": ["*"]},
    ).json()
    assert body["ignored"] == ["resource_policy"]
    assert len(body["services"]) > 400 and not body["skipped_services"]
    assert levels(body, "s3")["Write"] == "none"  # the bucket policy's grant is not counted
    assert levels(body, "ec2")["Read"] == "none"


def test_every_service_lists_a_thousand_actions_and_counts_the_rest(client):
    admin = policy({"Effect": "Allow", "Action": "*", "Resource": "*"})
    body = post(client, "/api/iam/summary", {"identity_policies": [admin], "services": ["*"]})
    services = body.json()["services"]
    listed = sum(len(s["allowed"]) for s in services)
    more = sum(s.get("allowed_more", 0) for s in services)
    assert listed == 1_000 and listed + more > 20_000
    by_service = {s["service"]: s for s in services}
    assert all(lv["access"] == "full" for lv in by_service["s3"]["levels"])
    # AWS's own rule, even under `*`: a role session cannot ask for a session token.
    assert levels({"services": services}, "sts")["Read"] == "partial"
    gained = post(client, "/api/iam/diff", {"old": READ_S3, "new": admin, "services": ["*"]})
    assert len(gained.json()["gained"]) == 1_000 and gained.json()["gained_more"] > 19_000


def _conditional_everything(tag: str) -> dict:
    """An Allow on every action under a condition of as many values as 19,800 characters hold:
    each allowed action's entry repeats them all."""
    values: list[str] = []
    length = 2  # json.dumps(values), counted as it grows: "[]", each value and ", " between
    while length < 19_000:
        value = f"{tag}{len(values)}"
        length += len(json.dumps(value)) + (2 if values else 0)
        values.append(value)
    condition = {"ForAnyValue:StringLike": {"aws:PrincipalTag/team": values}}
    return policy({"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": condition})


@pytest.mark.parametrize(
    ("url", "body", "more"),
    [
        (
            "/api/iam/summary",
            {"identity_policies": [_conditional_everything(t) for t in "abc"], "services": ["*"]},
            "allowed_more",
        ),
        (
            "/api/iam/diff",
            {
                "old": {"identity_policies": [READ_S3]},
                "new": {"identity_policies": [_conditional_everything(t) for t in "abc"]},
                "services": ["*"],
            },
            "gained_more",
        ),
    ],
)
def test_an_answer_lists_what_fits_in_its_size_and_counts_the_rest(client, url, body, more):
    """Three such policies (58 KB) made each answer 45 MB of JSON for 1,000 listed actions
    (~0.6 s to make, held in memory whole); now about 2 MB, the rest counted."""
    from srm_trainer.iam.summary import MAX_LISTED_CHARS

    response = post(client, url, body)
    assert response.status_code == 200
    assert len(response.content) < MAX_LISTED_CHARS * 1.2
    data = response.json()
    if more == "allowed_more":
        listed = sum(len(s["allowed"]) for s in data["services"])
        counted = sum(s.get("allowed_more", 0) for s in data["services"])
    else:
        listed, counted = len(data["gained"]), data.get("gained_more", 0)
    assert 0 < listed < 1_000 and counted > 19_000


def test_ordinary_answers_list_a_thousand_actions_as_before(client):
    everything = policy({"Effect": "Allow", "Action": "*", "Resource": "*"})
    data = post(
        client, "/api/iam/summary", {"identity_policies": [everything], "services": ["*"]}
    ).json()
    assert sum(len(s["allowed"]) for s in data["services"]) == 1_000


@pytest.mark.parametrize("request_value", [True, 5])
def test_summary_with_a_request_that_is_not_an_object_is_answered_not_a_500(client, request_value):
    """The summary reads only `request.resource_account` (and the principal): a `request` of
    another type once raised TypeError ('in' on a bool) and the endpoint answered 500."""
    body = {"identity_policies": [READ_S3], "request": request_value}
    response = post(client, "/api/iam/summary", body)
    assert response.status_code == 200
    assert levels(response.json(), "s3")["List"] == "full"
