"""A policy-decision question (and a lesson's scenario) shows the request it asks about, with
who created a federated user session when the case says: a grant to that user decides."""

from __future__ import annotations

from types import SimpleNamespace

from django.template.loader import render_to_string

BROKER = "arn:aws:iam::111122223333:user/broker"


def _case(**request) -> dict:
    return {
        "request": {
            "principal": "arn:aws:sts::111122223333:federated-user/Carol",
            "action": "s3:GetObject",
            "resource": "arn:aws:s3:::data/a.csv",
            **request,
        },
        "identity_policies": [],
    }


def test_the_question_shows_who_created_the_federated_session():
    html = render_to_string(
        "quizzes/_case.html",
        {"question": SimpleNamespace(scenario=SimpleNamespace(case=_case(federated_by=BROKER)))},
    )
    assert "<dt>Created by</dt>" in html and f"<code>{BROKER}</code>" in html
    plain = render_to_string(
        "quizzes/_case.html", {"question": SimpleNamespace(scenario=SimpleNamespace(case=_case()))}
    )
    assert "Created by" not in plain


def test_a_lesson_scenario_shows_it_too():
    scenario = SimpleNamespace(
        slug="s",
        title="A session",
        situation="",
        case=_case(federated_by=BROKER),
        prediction_check=None,
    )
    html = render_to_string("lessons/_scenario.html", {"scenario": scenario})
    assert "<dt>Created by</dt>" in html and BROKER in html
