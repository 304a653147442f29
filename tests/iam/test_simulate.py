"""Batch simulation: actions × resources in one run, each pair decided like a single case."""

from __future__ import annotations

import json

import pytest

from srm_trainer.iam import CaseError, evaluate
from srm_trainer.iam.cli import main
from srm_trainer.iam.simulate import simulate

ALICE = "arn:aws:iam::111122223333:user/alice"
REPORT = "arn:aws:s3:::reports/q1.csv"
OTHER = "arn:aws:s3:::other/x.csv"
POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "Read",
            "Effect": "Allow",
            "Action": "s3:Get*",
            "Resource": "arn:aws:s3:::reports/*",
        },
        {"Sid": "NoAcl", "Effect": "Deny", "Action": "s3:GetObjectAcl", "Resource": "*"},
    ],
}


def batch(**request) -> dict:
    base = {"principal": ALICE, "resource_account": "111122223333"}
    return {"request": {**base, **request}, "identity_policies": [POLICY]}


def test_every_pair_matches_the_single_request_answer():
    case = batch(
        actions=["s3:GetObject", "s3:GetObjectAcl", "s3:PutObject"], resources=[REPORT, OTHER]
    )
    results = simulate(case)
    assert [(r.action, r.resource) for r in results] == [
        (a, res)
        for a in ("s3:GetObject", "s3:GetObjectAcl", "s3:PutObject")
        for res in (REPORT, OTHER)
    ]
    for r in results:
        single = {
            "request": {
                "principal": ALICE,
                "action": r.action,
                "resource": r.resource,
                "resource_account": "111122223333",
            },
            "identity_policies": [POLICY],
        }
        assert r.decision.decision == evaluate(single).decision, (r.action, r.resource)
    first = results[0].to_dict()
    assert first["decision"] == "Allow" and first["decisive"][0]["sid"] == "Read"
    assert results[2].to_dict()["decision"] == "ExplicitDeny"


def test_wildcard_actions_are_expanded_with_the_catalogue_in_a_stable_order():
    results = simulate(batch(actions=["s3:GetObjectAc*"], resources=[REPORT]))
    actions = [r.action for r in results]
    assert "s3:GetObjectAcl" in actions and actions == sorted(actions)
    assert all(a.startswith("s3:GetObjectAc") for a in actions)


def test_the_resource_account_follows_each_resource_arn():
    case = {
        "request": {
            "principal": ALICE,
            "actions": ["sqs:SendMessage"],
            "resources": [
                "arn:aws:sqs:eu-west-1:111122223333:q",
                "arn:aws:sqs:eu-west-1:444455556666:q",
            ],
        },
        "identity_policies": [
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}],
            }
        ],
    }
    same, cross = simulate(case)
    assert same.decision.decision == "Allow"
    assert cross.decision.decision == "ImplicitDeny"  # no queue policy in the other account


@pytest.mark.parametrize(
    ("request_", "path"),
    [
        ({"actions": []}, "request.actions"),
        ({"actions": ["s3"]}, "request.actions[0]"),
        ({"actions": ["s3:Nothing*Like*This"]}, "request.actions[0]"),
        ({"actions": ["s3:GetObject"], "resources": ["bucket"]}, "request.resources[0]"),
        ({"actions": ["s3:*"], "resources": [REPORT] * 400}, "request"),
    ],
)
def test_bad_batches_name_the_field(request_, path):
    with pytest.raises(CaseError) as caught:
        simulate(batch(**request_))
    assert caught.value.path == path


def test_the_cli_prints_one_line_per_pair_and_filters(tmp_path, capsys):
    file = tmp_path / "batch.json"
    file.write_text(
        json.dumps(batch(actions=["s3:GetObject", "s3:GetObjectAcl"], resources=[REPORT]))
    )
    assert main(["simulate", str(file)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("Allow") and "statement 1 “Read”" in lines[0]
    assert main(["simulate", str(file), "--decision", "ExplicitDeny", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [r["action"] for r in out["results"]] == ["s3:GetObjectAcl"]


def test_a_condition_is_decided_once_per_batch_not_once_per_request(monkeypatch):
    """A clause's verdict depends on the clause and the request context alone, and a batch
    shares one context: 1,600 ArnLike patterns against a 50-value key (46 ms) were compared
    again for each of 500 resources (~23 s of CPU for one anonymous request). Each pair's
    answer is still its own request's."""
    from srm_trainer.iam.conditions import ConditionClause

    decided = []
    real = ConditionClause._evaluate
    monkeypatch.setattr(
        ConditionClause, "_evaluate", lambda self, *a: decided.append(self.key) or real(self, *a)
    )
    tags = [f"team-{i}" for i in range(50)]
    statement = {
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::r1*",
        "Condition": {"ForAnyValue:StringLike": {"aws:TagKeys": ["team-4?"]}},
    }
    case = {
        "request": {
            "principal": "arn:aws:iam::111122223333:user/alice",
            "resource_account": "111122223333",
            "actions": ["s3:GetObject"],
            "resources": [f"arn:aws:s3:::r{i}" for i in range(200)],
            "context": {"aws:TagKeys": tags},
        },
        "identity_policies": [{"Version": "2012-10-17", "Statement": [statement]}],
    }
    results = simulate(case)
    assert decided == ["aws:TagKeys"]
    allowed = {r.resource for r in results if r.decision.decision == "Allow"}
    assert allowed == {f"arn:aws:s3:::r{i}" for i in range(200) if str(i).startswith("1")}
