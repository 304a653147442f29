"""Grading of every question type, partial credit included; policy keys come from the engine."""

from __future__ import annotations

import pytest

from quizzes.explain import NO_STATEMENT, case_statements
from quizzes.grading import grade
from tests.quizzes.builders import (
    ALICE,
    allow,
    make_question,
    policy,
    right_response,
    wrong_response,
)

pytestmark = pytest.mark.django_db


def ids(question, *texts):
    by_text = {c["text"]: c["id"] for c in question.choices() or question.items()}
    return [by_text[t] for t in texts]


def test_single_choice_scores_one_or_zero_and_shows_the_chosen_feedback():
    q = make_question("single")
    q.data["choices"][1]["feedback"] = "Never share credentials."
    assert grade(q, right_response(q)).score == 1.0
    wrong = grade(q, wrong_response(q))
    assert (wrong.score, wrong.correct) == (0.0, False)
    assert wrong.feedback["key_texts"] == ["Turn on MFA"]
    assert wrong.feedback["chosen_feedback"] == "Never share credentials."


def test_an_unknown_choice_scores_zero():
    q = make_question("single")
    assert grade(q, {"choice": "nope"}).score == 0.0


@pytest.mark.parametrize(
    ("chosen", "score"),
    [
        (("A", "B"), 1.0),  # 4 right judgements
        (("A",), 0.5),  # 3 right, 1 wrong: (3 - 1) / 4
        (("A", "C"), 0.0),  # 2 right, 2 wrong
        (("C", "D"), 0.0),  # 0 right, 4 wrong: never below zero
        (("A", "B", "C"), 0.5),
        ((), 0.0),
    ],
)
def test_multiple_select_gives_partial_credit_per_judgement(chosen, score):
    q = make_question("multiple")
    result = grade(q, {"choices": ids(q, *chosen)})
    assert result.score == pytest.approx(score)
    assert result.correct == (score == 1.0)
    assert [j["ok"] for j in result.feedback["judgements"]] == [
        ("A" in chosen),
        ("B" in chosen),
        ("C" not in chosen),
        ("D" not in chosen),
    ]


def test_true_false():
    q = make_question("true_false", data={"answer": False})
    assert grade(q, {"answer": False}).correct
    assert not grade(q, {"answer": True}).correct
    assert grade(q, {"answer": True}).feedback == {"key": False}


def test_ordering_scores_the_share_of_items_in_their_place():
    q = make_question("ordering")
    assert grade(q, {"order": ids(q, "First", "Second", "Third", "Fourth")}).score == 1.0
    swapped = grade(q, {"order": ids(q, "Second", "First", "Third", "Fourth")})
    assert swapped.score == 0.5
    assert not swapped.correct
    assert [p["ok"] for p in swapped.feedback["positions"]] == [False, False, True, True]
    assert grade(q, {"order": []}).score == 0.0


def test_categorize_scores_the_share_of_items_in_the_right_category():
    q = make_question("categorize")
    hyper, guest, data = ids(q, "Hypervisor", "Guest OS", "Your data")
    result = grade(q, {"placed": {hyper: "Customer", guest: "Customer", data: "Customer"}})
    assert result.score == pytest.approx(2 / 3)
    assert [r["ok"] for r in result.feedback["items"]] == [False, True, True]
    assert grade(q, {"placed": {hyper: "AWS", guest: "Customer", data: "Customer"}}).correct


def test_the_policy_decision_key_follows_the_engine_not_a_stored_answer():
    q = make_question("policy_decision")
    assert grade(q, {"decision": "Allow"}).correct
    # Change the stored case: the same answer is now wrong, with no key stored anywhere.
    case = q.scenario.case
    case["identity_policies"].append(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}],
        }
    )
    case["expect"] = "Allow"  # a stale expectation must not matter either
    q.scenario.save()
    result = grade(q, {"decision": "Allow"})
    assert not result.correct
    assert result.feedback["key"] == "ExplicitDeny"
    assert grade(q, {"decision": "ExplicitDeny"}).correct


def test_policy_decision_feedback_explains_the_steps_in_words():
    q = make_question("policy_decision")
    fb = grade(q, {"decision": "ImplicitDeny"}).feedback
    assert fb["decisive"][0]["label"].startswith("Identity-based policy 1, statement 1")
    assert any(step["title"] == "Identity-based policies" for step in fb["steps"])


def test_asking_for_the_statement_splits_the_score():
    q = make_question("policy_decision", ask_statement=True)
    keys = [key for key, _ in case_statements(q.scenario.case)]
    assert keys == ["identity::0:0"]
    assert grade(q, {"decision": "Allow", "statement": "identity::0:0"}).score == 1.0
    half = grade(q, {"decision": "Allow", "statement": NO_STATEMENT})
    assert (half.score, half.correct, half.feedback["statement_right"]) == (0.5, False, False)
    assert grade(q, {"decision": "ImplicitDeny", "statement": "identity::0:0"}).score == 0.5


def test_an_implicit_deny_is_decided_by_no_statement():
    from tests.conftest import make_scenario

    scenario = make_scenario(
        case={
            "request": {
                "principal": ALICE,
                "action": "s3:PutObject",
                "resource": "arn:aws:s3:::reports/x",
            },
            "identity_policies": [policy(allow("s3:GetObject", "*"))],
        }
    )
    q = make_question("policy_decision", scenario=scenario, ask_statement=True)
    assert grade(q, {"decision": "ImplicitDeny", "statement": NO_STATEMENT}).correct


def test_least_privilege_full_marks_for_exactly_what_is_needed():
    q = make_question("least_privilege")
    result = grade(q, {"policy": policy(allow("s3:GetObject", "arn:aws:s3:::reports/q1.csv"))})
    assert (result.score, result.correct) == (1.0, True)
    assert result.feedback["counterexample"] is None


def test_least_privilege_invalid_json_scores_zero_with_line_and_column():
    q = make_question("least_privilege")
    result = grade(q, {"policy": '{"Version": "2012-10-17",\n  "Statement": [}'})
    assert result.score == 0.0
    assert (result.feedback["line"], result.feedback["column"]) == (2, 17)
    assert result.feedback["error"].startswith("Line 2, column 17: Expected a value here")


def test_feedback_names_an_aws_rule_step_in_words():
    from quizzes.explain import explain_decision
    from srm_trainer.iam import evaluate

    decision = evaluate(
        {
            "request": {
                "principal": "arn:aws:iam::111122223333:user/alice",
                "action": "iam:DeletePolicy",
                "resource": "arn:aws:iam::aws:policy/ReadOnlyAccess",
            },
            "identity_policies": [
                {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
                }
            ],
        }
    )
    fb = explain_decision(decision)
    assert fb["decision"] == "ExplicitDeny"
    assert [s["title"] for s in fb["steps"]] == ["AWS rule"]  # later steps were not reached
    assert "AWS managed policy" in fb["steps"][0]["why"]


@pytest.mark.parametrize(
    ("principal", "action", "resource", "identity", "decision"),
    [
        # IAM guide, policy-eval-denyallow: the root user has full access without any policy
        (
            f"arn:aws:iam::{ALICE.split(':')[4]}:root",
            "s3:GetObject",
            "arn:aws:s3:::reports/x",
            [],
            "Allow",
        ),
        # STS API reference, GetCallerIdentity: no permission needed, even against a Deny
        (
            ALICE,
            "sts:GetCallerIdentity",
            "*",
            [{"Effect": "Deny", "Action": "*", "Resource": "*"}],
            "Allow",
        ),
    ],
)
def test_no_statement_is_right_and_fairly_worded_when_no_policy_decided(
    principal, action, resource, identity, decision
):
    """The "no statement" choice is the key for an Allow that no statement gave (an AWS rule,
    the root user), so its label must not say an Allow is missing."""
    from quizzes.explain import NO_STATEMENT_LABEL
    from tests.conftest import make_scenario

    request = {"principal": principal, "action": action, "resource": resource}
    scenario = make_scenario(
        case={"request": request, "identity_policies": [policy(*identity)] if identity else []}
    )
    q = make_question("policy_decision", scenario=scenario, ask_statement=True)
    result = grade(q, {"decision": decision, "statement": NO_STATEMENT})
    assert result.correct and result.feedback["decisive"] == []
    assert "AWS rule or the root user" in NO_STATEMENT_LABEL
