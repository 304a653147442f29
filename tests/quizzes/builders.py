"""Builders for quiz tests: questions of every type with sensible defaults, quizzes, attempts."""

from __future__ import annotations

import html
import json
import re
from itertools import count

from django.db import connection
from django.urls import reverse

from curriculum.quiz_readers import text_id
from lessons.models import Source
from quizzes.attempts import attempt_start
from quizzes.models import Attempt, Question, Quiz, QuizQuestion
from tests.conftest import make_lesson, make_scenario, scenery

_n = count(1)

ALICE = "arn:aws:iam::111122223333:user/alice"
CHALLENGE = {
    "principal": ALICE,
    "start_policy": json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
        },
        indent=2,
    ),
    "must_allow": [{"action": "s3:GetObject", "resource": "arn:aws:s3:::reports/q1.csv"}],
    "must_deny": [{"action": "s3:DeleteObject", "resource": "arn:aws:s3:::reports/q1.csv"}],
    "scope": ["arn:aws:s3:::reports", "arn:aws:s3:::reports/*"],
}


def web_network(*, ephemeral: bool = False, ssh_world: bool = True) -> dict:
    """A public web server behind a custom network ACL `edge` (which forgets the reply's
    ephemeral ports unless `ephemeral`) and a security group `sg-web`."""
    outbound = [
        {"rule": 100, "protocol": "tcp", "ports": "80", "cidr": "0.0.0.0/0", "action": "allow"}
    ]
    if ephemeral:
        outbound.append(
            {
                "rule": 110,
                "protocol": "tcp",
                "ports": "1024-65535",
                "cidr": "0.0.0.0/0",
                "action": "allow",
            }
        )
    inbound = [{"protocol": "tcp", "ports": 80, "source": "0.0.0.0/0"}]
    if ssh_world:
        inbound.append({"protocol": "tcp", "ports": 22, "source": "0.0.0.0/0"})
    return {
        "vpc": {"cidr": "10.0.0.0/16"},
        "subnets": [
            {"name": "public", "cidr": "10.0.1.0/24", "route_to_internet_gateway": True, "network_acl": "edge"}
        ],
        "network_acls": [
            {
                "name": "edge",
                "inbound": [
                    {"rule": 100, "protocol": "tcp", "ports": "80", "cidr": "0.0.0.0/0", "action": "allow"},
                    {"rule": 110, "protocol": "tcp", "ports": "22", "cidr": "0.0.0.0/0", "action": "allow"},
                ],
                "outbound": outbound,
            }
        ],
        "security_groups": [{"name": "sg-web", "inbound": inbound}],
        "instances": [
            {"name": "web", "subnet": "public", "private_ip": "10.0.1.10", "public_ip": "54.0.0.10",
             "security_groups": ["sg-web"]}
        ],
    }  # fmt: skip


HTTP_FLOW = {"source": "internet", "destination": "web", "protocol": "tcp", "port": 80}
SSH_FLOW = {"source": "198.51.100.7", "destination": "web", "protocol": "tcp", "port": 22}
WAF_CASE = {
    "resource": "ALB",
    "web_acl": {
        "Name": "shop",
        "DefaultAction": {"Allow": {}},
        "Rules": [
            {"Name": "watch-admin", "Priority": 0, "Action": {"Count": {}},
             "Statement": {"ByteMatchStatement": {"SearchString": "/admin", "FieldToMatch": {"UriPath": {}},
                           "PositionalConstraint": "STARTS_WITH",
                           "TextTransformations": [{"Priority": 0, "Type": "NONE"}]}}},
            {"Name": "rate", "Priority": 1, "Action": {"Block": {}},
             "Statement": {"RateBasedStatement": {"Limit": 100, "EvaluationWindowSec": 300}}},
        ],
    },
    "requests": [{"ip": "203.0.113.66", "uri": "/admin", "time": 0, "repeat": 150, "every": 1}],
}  # fmt: skip


def policy(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, indent=2)


def allow(action, resource) -> dict:
    return {"Effect": "Allow", "Action": action, "Resource": resource}


def choices(*spec: tuple[str, bool]) -> list[dict]:
    return [{"id": text_id(text), "text": text, "correct": ok, "feedback": ""} for text, ok in spec]


def default_data(kind: str) -> dict:
    if kind == "single":
        return {
            "choices": choices(("Turn on MFA", True), ("Share it", False), ("Use it daily", False))
        }
    if kind == "multiple":
        return {"choices": choices(("A", True), ("B", True), ("C", False), ("D", False))}
    if kind == "true_false":
        return {"answer": True}
    if kind == "ordering":
        return {
            "items": [{"id": text_id(t), "text": t} for t in ("First", "Second", "Third", "Fourth")]
        }
    if kind == "categorize":
        return {
            "categories": ["AWS", "Customer"],
            "items": [
                {"id": text_id(t), "text": t, "category": c}
                for t, c in (
                    ("Hypervisor", "AWS"),
                    ("Guest OS", "Customer"),
                    ("Your data", "Customer"),
                )
            ],
        }
    if kind == "least_privilege":
        return {"challenge": json.loads(json.dumps(CHALLENGE))}
    if kind == "flow_decision":
        return {"case": {"network": web_network(), "flow": dict(HTTP_FLOW)}, "ask_hop": True}
    if kind == "waf_rule":
        return {"case": json.loads(json.dumps(WAF_CASE)), "ask_index": 120}
    if kind == "flow_fix":
        fixed = web_network(ephemeral=True, ssh_world=False)
        return {
            "challenge": {
                "network": web_network(),
                "must_allow": [dict(HTTP_FLOW)],
                "must_block": [dict(SSH_FLOW)],
            },
            "reference": json.dumps({k: fixed[k] for k in ("network_acls", "security_groups")}),
        }
    if kind == "route_findings":
        return json.loads(json.dumps(ROUTE_DATA))
    return {}


# A route-the-findings question: three GuardDuty samples, the High one about an instance wanted.
ROUTE_MODEL = (
    '{"source": ["aws.guardduty"], "detail": {"severity": [{"numeric": [">=", 7]}], '
    '"resource": {"resourceType": ["Instance"]}}}'
)
ROUTE_DATA = {
    "samples": ["ec2-bitcoin-dns", "ec2-port-probe", "iam-credential-exfiltration"],
    "want": ["ec2-bitcoin-dns"],
    "model": ROUTE_MODEL,
}


@scenery
def make_question(kind: str = "single", **fields) -> Question:
    n = next(_n)
    fields.setdefault("slug", f"question-{n}")
    fields.setdefault("category", "iam")
    fields.setdefault("prompt", f"Prompt {n}?")
    fields.setdefault("explanation", f"Because of reason {n}.")
    fields.setdefault("misconceptions", ["thinks-something"])
    fields.setdefault("data", default_data(kind))
    if "lesson" not in fields:
        fields["lesson"] = make_lesson()
    if kind == "policy_decision" and "scenario" not in fields:
        fields["scenario"] = make_scenario()
    return Question.objects.create(type=kind, **fields)


@scenery
def make_quiz(*questions: Question, **fields) -> Quiz:
    n = next(_n)
    fields.setdefault("slug", f"quiz-{n}")
    fields.setdefault("title", f"Quiz {n}")
    quiz = Quiz.objects.create(**fields)
    for order, question in enumerate(questions, start=1):
        QuizQuestion.objects.create(quiz=quiz, question=question, order=order)
    return quiz


# An instructor's sort-into-categories question: its items as the editor's tests type them.
PLACED = (("The hypervisor", "AWS"), ("The guest OS", "Customer"), ("Your own data", "Customer"))


def make_authored_categorize(owner, *, published: bool = False) -> tuple[Quiz, Question]:
    """A categorize question `owner` wrote (items `PLACED`, ids c0, c1, c2, in the categories
    AWS and Customer; bank "mine", no lesson) and a quiz of theirs holding it, as the
    editor's tests open it."""
    items = [{"id": f"c{n}", "text": t, "category": c} for n, (t, c) in enumerate(PLACED)]
    question = make_question(
        "categorize",
        owner=owner,
        source=Source.AUTHORED,
        lesson=None,
        category="mine",
        data={"categories": ["AWS", "Customer"], "items": items},
    )
    quiz = make_quiz(question, owner=owner, source=Source.AUTHORED, published=published)
    return quiz, question


def make_attempt(quiz: Quiz, user=None, session_key: str = ""):
    return attempt_start(quiz=quiz, user=user, session_key=session_key)


def right_response(question: Question) -> dict:
    """The full-marks response for a builder-made question (not policy types)."""
    data = question.data
    if question.type == "single":
        c = next(c for c in data["choices"] if c["correct"])
        return {"choice": c["id"], "text": c["text"]}
    if question.type == "multiple":
        chosen = [c for c in data["choices"] if c["correct"]]
        return {"choices": [c["id"] for c in chosen], "texts": [c["text"] for c in chosen]}
    if question.type == "true_false":
        return {"answer": data["answer"]}
    if question.type == "ordering":
        return {
            "order": [i["id"] for i in data["items"]],
            "texts": [i["text"] for i in data["items"]],
        }
    if question.type == "categorize":
        return {"placed": {i["id"]: i["category"] for i in data["items"]}, "texts": {}}
    raise ValueError(question.type)


def wrong_response(question: Question) -> dict:
    data = question.data
    if question.type == "single":
        c = next(c for c in data["choices"] if not c["correct"])
        return {"choice": c["id"], "text": c["text"]}
    if question.type == "true_false":
        return {"answer": not data["answer"]}
    raise ValueError(question.type)


# An answer's columns as the database holds them (JSON and datetimes as stored text, not as
# the ORM reads them back): what a prepared write must store exactly as the ORM's does.
_STORED_ANSWER = (
    "SELECT attempt_id, question_id, CAST(response AS TEXT), score, correct,"
    " CAST(feedback AS TEXT), CAST(saved_at AS TEXT), CAST(graded_at AS TEXT), tries,"
    " certainty, credit FROM quizzes_answer WHERE id = %s"
)


def stored_answer(pk: int) -> tuple:
    """The answer row `pk` as stored: attempt, question, then every value (_STORED_ANSWER)."""
    with connection.cursor() as cursor:
        cursor.execute(_STORED_ANSWER, [pk])
        return cursor.fetchone()


def start_through_page(client, quiz) -> Attempt:
    """The attempt `client`'s learner starts by pressing Start on the quiz's page."""
    assert client.post(reverse("quizzes:start", args=[quiz.slug])).status_code == 302
    return Attempt.objects.latest("pk")


def page_text(response) -> str:
    """The page's words, tags dropped and spaces folded (what a reader reads)."""
    words = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(html.unescape(words).split())
