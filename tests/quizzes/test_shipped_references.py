"""The reference solutions of the shipped least-privilege questions (`reference:` in
lessons/content/quizzes/*.yaml): each gets full marks from the grader, as the teaching editor
demands before it saves a challenge; each is minimal, nothing in it that the task does not
need; and a learner never sees one, before answering or after (the explanation says the
solution in words, and the feedback shows the decisions any right answer gets)."""

from __future__ import annotations

import json
import re
from copy import deepcopy

import pytest
from django.urls import reverse

from quizzes.forms import AnswerForm
from quizzes.grading import grade
from quizzes.kinds.least_privilege import reference_problems
from quizzes.least_privilege import check_policy
from quizzes.models import Attempt, Question
from srm_trainer.iam import PolicyError
from tests.curriculum.shipped_quizzes import shipped_quizzes
from tests.quizzes.builders import make_question, make_quiz

SHIPPED = [q for q in shipped_quizzes(check_cases=False).questions if q.type == "least_privilege"]
BY_SLUG = pytest.mark.parametrize("shipped", SHIPPED, ids=lambda q: q.slug)


def _solves(challenge: dict, policy: dict) -> bool:
    try:
        return check_policy(challenge, json.dumps(policy)).correct
    except PolicyError:  # nothing left to parse (no statement): solves nothing
        return False


def _without_each_part(policy: dict):
    """The policy with one part taken out: each statement, each action of a list, each
    condition block; (what was taken, the smaller policy)."""
    statements = policy["Statement"]
    for n, statement in enumerate(statements):
        yield f"statement {n + 1}", {**policy, "Statement": statements[:n] + statements[n + 1 :]}
        actions = statement.get("Action")
        if isinstance(actions, list):
            for action in actions:
                smaller = deepcopy(policy)
                smaller["Statement"][n]["Action"].remove(action)
                yield action, smaller
        for operator in statement.get("Condition") or {}:
            smaller = deepcopy(policy)
            del smaller["Statement"][n]["Condition"][operator]
            if not smaller["Statement"][n]["Condition"]:
                del smaller["Statement"][n]["Condition"]
            yield f"the {operator} condition", smaller


def test_every_shipped_least_privilege_question_is_here():
    """The parametrized tests run on each: none is quietly left out."""
    assert len(SHIPPED) >= 8
    assert {"iam-lp-ec2-mfa", "iam-lp-own-access-keys", "cap-lp-shop-app-role"} <= {
        q.slug for q in SHIPPED
    }


@BY_SLUG
def test_each_reference_gets_full_marks_as_the_editor_demands(shipped):
    challenge, reference = shipped.data["challenge"], shipped.data.get("reference")
    assert isinstance(reference, str) and reference.strip()
    result = check_policy(challenge, reference)
    assert (result.correct, result.score, result.overgrants, result.unchecked) == (
        True, 1.0, (), False
    )  # fmt: skip
    assert reference_problems(challenge, reference) == []  # the check the editor runs on save
    # A learner who writes it gets full marks through the answer form.
    question = Question(type="least_privilege", data=shipped.data)
    form = AnswerForm(question, question.layout_ids(), {"policy": reference})
    assert form.is_valid(), form.errors
    marked = grade(question, form.response())
    assert (marked.correct, marked.score) == (True, 1.0)


@BY_SLUG
def test_each_reference_is_minimal_every_part_of_it_is_needed(shipped):
    challenge = shipped.data["challenge"]
    policy = json.loads(shipped.data["reference"])
    assert policy["Version"] == "2012-10-17"  # `${aws:username}` needs it; we always write it
    for taken, smaller in _without_each_part(policy):
        assert not _solves(challenge, smaller), f"without {taken} it still solves the challenge"


@BY_SLUG
def test_no_reference_is_the_starting_policy(shipped):
    """Learners repair the starting policy: the reference is a different one."""
    start = shipped.data["challenge"].get("start_policy") or ""
    if start.strip():
        assert json.loads(start) != json.loads(shipped.data["reference"])


@pytest.mark.django_db
@BY_SLUG
def test_a_learner_never_sees_the_reference(shipped, learner_client):
    """Nothing of it before answering, in the feedback of a wrong answer, or on the result:
    its statement ids (ours, named nowhere else) are looked for on each page."""
    sids = re.findall(r'"Sid": "([^"]+)"', shipped.data["reference"])
    assert sids and not any(sid in shipped.prompt + shipped.explanation for sid in sids)
    question = make_question(
        "least_privilege", prompt=shipped.prompt, explanation=shipped.explanation,
        data=deepcopy(shipped.data),
    )  # fmt: skip
    quiz = make_quiz(question, feedback="immediate")
    assert learner_client.post(reverse("quizzes:start", args=[quiz.slug])).status_code == 302
    attempt = Attempt.objects.latest("pk")
    pages = {"question": learner_client.get(attempt.get_absolute_url())}
    wrong = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
        }
    )
    pages["feedback"] = learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk, 1]),
        {"action": "check", "policy": wrong},
        follow=True,
    )
    learner_client.post(reverse("quizzes:submit", args=[attempt.pk]))
    pages["result"] = learner_client.get(reverse("quizzes:result", args=[attempt.pk]))
    for name, page in pages.items():
        body = page.content.decode()
        assert page.status_code == 200
        assert not [sid for sid in sids if sid in body], name
        # After answering: the engine's decisions and the explanation, and still not it.
        assert ("Each request, as the engine decides it" in body) is (name != "question")
