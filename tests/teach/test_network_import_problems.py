"""An imported network question the engine refuses names every problem, each at its own line."""

from __future__ import annotations

import json

import pytest

from quizzes.models import Question
from teach.transfer import importer, json_format
from teach.transfer.drafts import TransferError
from tests.quizzes.builders import make_question

pytestmark = pytest.mark.django_db


def test_an_import_names_each_problem_at_the_line_of_its_key(instructor):
    question = make_question("flow_decision", owner=instructor, lesson=None)
    document = json.loads(json_format.export_bank([question], "b"))
    nacl = document["questions"][0]["data"]["case"]["network"]["network_acls"][0]
    nacl["inbound"][0]["action"] = "permit"
    nacl["outbound"][0]["cidr"] = "everywhere"
    Question.objects.all().delete()
    text = json_format.dump(document)
    with pytest.raises(TransferError) as caught:
        importer.run(text, "json", owner=instructor)
    errors = caught.value.errors
    assert [e.message.split(": ", 2)[-1] for e in errors] == [
        "Network ACL edge, inbound rule 100, action: must be one of allow, deny, not 'permit'",
        "Network ACL edge, outbound rule 100, CIDR: 'everywhere' is not a CIDR block such as "
        "10.0.0.0/16",
    ]
    lines = text.splitlines()
    assert '"action": "permit"' in lines[errors[0].line - 1]
    assert '"cidr": "everywhere"' in lines[errors[1].line - 1]


def test_an_import_of_many_costly_bursts_is_refused_before_the_engine_runs(instructor):
    """Each question may hold a burst of 5,000 rule evaluations, but a file repeating one is
    refused whole (150 of the lab's largest bursts made a preview cost 9 s of CPU, and its
    confirm as much again): it says so at the question that went over, nothing is written."""
    question = make_question("waf_rule", owner=instructor, lesson=None)
    document = json.loads(json_format.export_bank([question], "b"))
    first = document["questions"][0]
    rules = len(first["data"]["case"]["web_acl"]["Rules"])
    first["data"]["case"]["requests"] = [{"ip": "192.0.2.1", "repeat": 5_000 // rules}]
    first["data"].pop("ask_index", None)
    document["questions"] = [{**first, "slug": f"burst-{n}"} for n in range(21)]
    Question.objects.all().delete()
    text = json_format.dump(document)
    with pytest.raises(TransferError) as caught:
        importer.preview(text, "json", owner=instructor)
    [error] = caught.value.errors
    assert "more than 100,000 rule evaluations in all" in error.message
    assert error.line is not None
    assert not Question.objects.exists()
    document["questions"] = document["questions"][:20]  # twenty fit
    plan = importer.preview(json_format.dump(document), "json", owner=instructor)
    assert len(plan.questions) == 20


def _policy_question_document(instructor, case: dict) -> dict:
    question = make_question("policy_decision", owner=instructor, lesson=None)
    document = json.loads(json_format.export_bank([question], "b"))
    document["questions"][0]["scenario"] = {
        **document["questions"][0]["scenario"],
        "slug": "large-case",
        "case": case,
    }
    Question.objects.all().delete()
    return document


def _arn_condition_case(patterns: int, statements: int = 1) -> dict:
    """A case that decides ImplicitDeny after comparing every pattern with every value."""
    condition = {
        "ForAnyValue:ArnLike": {"aws:SourceArn": [f"arn:*:*:*:{i}:*" for i in range(patterns)]}
    }
    statement = {
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Resource": "*",
        "Condition": condition,
    }
    return {
        "expect": "ImplicitDeny",
        "request": {
            "principal": "arn:aws:iam::111122223333:user/alice",
            "action": "s3:GetObject",
            "resource": "arn:aws:s3:::b/k",
            "context": {"aws:SourceArn": [f"arn:a:b:c:d:{i}" for i in range(50)]},
        },
        "identity_policies": [{"Version": "2012-10-17", "Statement": [statement] * statements}],
    }


@pytest.mark.parametrize(
    ("case", "words"),
    [
        (_arn_condition_case(4000), "characters of JSON; a scenario takes at most 65,536"),
        (
            _arn_condition_case(1, statements=201),
            "hold 201 statements; a scenario takes at most 200",
        ),
        (
            _arn_condition_case(201),
            "would compare 10,050 policy values with the request's; a scenario takes at most "
            "10,000",
        ),
    ],
)
def test_a_scenario_larger_than_the_sandbox_opens_is_refused_before_it_is_evaluated(
    instructor, case, words
):
    """Every answer to a policy question and every quiz page showing it evaluates its
    scenario: an imported 244 KB case cost 20 s of CPU each time. A scenario must fit what
    the sandbox opens (64 KB, 200 statements) and compare at most 10,000 condition values
    with the request's (here 50 a key); one that fits is imported."""
    text = json_format.dump(_policy_question_document(instructor, case))
    with pytest.raises(TransferError) as caught:
        importer.preview(text, "json", owner=instructor)
    errors = caught.value.errors
    assert errors and all(
        "scenario 'large-case'" in e.message and words in e.message for e in errors
    )
    fits = _policy_question_document(instructor, _arn_condition_case(200))
    assert len(importer.preview(json_format.dump(fits), "json", owner=instructor).questions) == 1
