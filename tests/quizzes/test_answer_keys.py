"""A question left unanswered shows its right answer on the result page (every kind, through
`Kind.key`)."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from quizzes import kinds
from quizzes.grading import answer_key, grade
from tests.quizzes.builders import make_question, make_quiz, page_text, start_through_page

pytestmark = pytest.mark.django_db


# What the result page must say of each kind's right answer, for the builders' question. A kind
# missing here fails `test_every_kind_shows_its_right_answer_unanswered`: write its line.
def _choice_texts(q):
    return [c["text"] for c in q.data["choices"] if c["correct"]]


def _policy_words(q):
    from srm_trainer.iam import evaluate
    from srm_trainer.iam.words import DECISIONS

    return [DECISIONS[evaluate(q.scenario.case).decision]]


def _flow_words(q):
    return [answer_key(q)["key_words"]]


def _waf_words(q):
    key = answer_key(q)
    return [f"Rule {key['key']}" if key["key"] != "Default_Action" else "the default action"]


EXPECTED = {
    "single": _choice_texts,
    "multiple": _choice_texts,
    "true_false": lambda q: ["True" if q.data["answer"] else "False"],
    "ordering": lambda q: [" ".join(i["text"] for i in q.data["items"])],
    "categorize": lambda q: [f"{i['text']} → {i['category']}" for i in q.data["items"]],
    "policy_decision": _policy_words,
    "least_privilege": lambda q: [
        "There is no single right policy",
        *[f"{r['action']} on {r['resource']} Allowed" for r in q.data["challenge"]["must_allow"]],
        *[f"{r['action']} on {r['resource']} Denied" for r in q.data["challenge"]["must_deny"]],
    ],
    "flow_decision": _flow_words,
    "waf_rule": _waf_words,
    "flow_fix": lambda q: ["There is no single right set of rules", "Works", "Blocked"],
    "route_findings": lambda q: [
        "There is no single right pattern",
        "An EC2 instance looks up cryptocurrency-mining domains",
        "BitcoinTool.B!DNS , severity 8) Sent",
        "PortProbeUnprotectedPort , severity 2) Not sent",
        "A pattern that does it",
        '"resourceType": ["Instance"]',
    ],
}


def within(key, feedback) -> bool:
    """Every value of `key` is in `feedback` as grading gives it (mappings may hold more)."""
    if isinstance(key, dict):
        return isinstance(feedback, dict) and all(
            k in feedback and within(v, feedback[k]) for k, v in key.items()
        )
    if isinstance(key, list):
        return (
            isinstance(feedback, list)
            and len(key) == len(feedback)
            and all(within(a, b) for a, b in zip(key, feedback, strict=True))
        )
    return key == feedback


@pytest.mark.parametrize("kind", list(kinds.KINDS))
def test_every_kind_gives_the_key_grading_uses(kind):
    """The key shown unanswered is the grader's own: what an answer is marked against."""
    question = make_question(kind)
    key = kinds.KINDS[kind].key(question)
    assert key and json.loads(json.dumps(key)) == key  # JSON-ready, like stored feedback
    if kind == "route_findings":  # what the grader wants of each sample, met by the model
        rows = grade(question, {"pattern": question.data["model"]}).feedback["rows"]
        assert within(key["expected"], rows)
    elif "expected" in key:  # no single right answer: what the grader wants of each request
        attempt = (
            {"policy": question.data["challenge"]["start_policy"]}
            if kind == "least_privilege"
            else {"rules": question.data["reference"]}
        )
        requests = grade(question, attempt).feedback["requests"]
        assert within(key["expected"], requests)
    else:
        assert within(key, grade(question, {}).feedback)


@pytest.mark.parametrize("kind", list(kinds.KINDS))
def test_every_kind_shows_its_right_answer_unanswered(learner_client, kind):
    question = make_question(kind, explanation="Why it is so.")
    attempt = start_through_page(learner_client, make_quiz(question))
    learner_client.post(reverse("quizzes:submit", args=[attempt.pk]))
    text = page_text(learner_client.get(reverse("quizzes:result", args=[attempt.pk])))
    assert kind in EXPECTED, f"say what the result page shows as {kind}'s right answer"
    block = text.rsplit("Question 1", 1)[1]  # its card, after the links at the top
    assert block.startswith(" Not answered ")  # its badge, in words
    assert "You did not answer this question." in block
    assert "The right answer" in block  # said in words, not by colour alone
    for words in EXPECTED[kind](question):
        assert words in block
    assert "Why it is so." in block


def test_a_skipped_choice_question_names_only_the_right_choice(learner_client):
    question = make_question("single")
    attempt = start_through_page(learner_client, make_quiz(question))
    learner_client.post(reverse("quizzes:submit", args=[attempt.pk]))
    text = page_text(learner_client.get(reverse("quizzes:result", args=[attempt.pk])))
    assert "Your answer Not answered The right answer Turn on MFA" in text
    assert "Share it" not in text and "Watch out for" not in text


def test_an_answered_question_keeps_its_feedback(learner_client):
    question = make_question("true_false")
    attempt = start_through_page(learner_client, make_quiz(question))
    learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk, 1]), {"action": "save", "answer": "false"}
    )
    learner_client.post(reverse("quizzes:submit", args=[attempt.pk]))
    text = page_text(learner_client.get(reverse("quizzes:result", args=[attempt.pk])))
    assert "Not right. Your answer False The right answer True" in text
    assert "did not answer" not in text


def test_a_question_broken_since_has_no_key_and_no_error():
    """No key is worked out for a question that cannot be graded (the page then gives its
    explanation alone, as before), rather than an engine error on the result page."""
    question = make_question("policy_decision")
    assert answer_key(question)["key"]
    question.scenario.case = {"not": "a case"}
    assert answer_key(question) is None
