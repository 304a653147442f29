"""Network questions name every problem the engine finds, not only the first: to an author (the
kind's problems, each at the line of its own key in an imported file) and to a learner whose
rules it refuses (each in the answer's list, and all of them said in the status region)."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from quizzes.grading import grade
from tests.quizzes.builders import make_question, make_quiz, start_through_page, web_network

pytestmark = pytest.mark.django_db


def bad_rules() -> dict:
    """The flow-fix rules with three mistakes: two network ACL entries and a group's rule."""
    net = web_network()
    rules = {k: net[k] for k in ("network_acls", "security_groups")}
    rules["network_acls"][0]["inbound"][0]["ports"] = "80-70"
    rules["network_acls"][0]["outbound"][0]["cidr"] = "0.0.0.1/0"
    rules["security_groups"][0]["inbound"][1]["source"] = "sg-nowhere"
    return rules


# Each at its place said as a person would: an entry by its rule number, a group by its name.
THREE = [
    "Network ACL edge, inbound rule 100, ports: the range starts after it ends (80-70)",
    "Network ACL edge, outbound rule 100, CIDR: '0.0.0.1/0' has host bits set; AWS would "
    "store the block it lies in, 0.0.0.0/0 (4,294,967,296 addresses), not 0.0.0.1 alone: "
    "write 0.0.0.0/0 for the block, or 0.0.0.1/32 for the one address",
    "Security group sg-web, inbound rule 2, source: 'sg-nowhere' is neither a CIDR block nor a "
    "security group of this VPC (default, sg-web)",
]


def test_a_learner_sees_every_problem_of_their_rules_and_hears_them_all(learner_client):
    attempt = start_through_page(learner_client, make_quiz(make_question("flow_fix")))
    url = reverse("quizzes:answer", args=[attempt.pk, 1])
    post = {"action": "check", "rules": json.dumps(bad_rules())}
    page = learner_client.post(url, post).content.decode()
    error = re.search(r'<div class="field-error" id="(\w*rules-error)">(.*?)</div>',
                      page, re.S)  # fmt: skip
    assert error, page
    listed = [re.sub(r"&#x27;", "'", li) for li in re.findall(r"<li>(.*?)</li>", error[2])]
    assert listed == THREE
    # The textarea is described by the whole list, and marked.
    textarea = re.search(r"<textarea[^>]*name=\"rules\"[^>]*>", page)[0]
    assert 'aria-invalid="true"' in textarea and f'aria-describedby="{error[1]}"' in textarea
    # A live check says them all in the page's status region, one after another.
    live = learner_client.post(url, post, headers={"HX-Request": "true"}).content.decode()
    said = re.search(r'<p id="live-status" hx-swap-oob="innerHTML">(.*?)</p>', live, re.S)[1]
    assert said.replace("&#x27;", "'").endswith(" " + "; ".join(THREE))


def test_one_problem_is_still_one_message(learner_client):
    attempt = start_through_page(learner_client, make_quiz(make_question("flow_fix")))
    rules = bad_rules()
    rules["network_acls"][0]["outbound"][0]["cidr"] = "0.0.0.0/0"
    rules["security_groups"][0]["inbound"][1]["source"] = "0.0.0.0/0"
    page = learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk, 1]),
        {"action": "check", "rules": json.dumps(rules)},
    ).content.decode()
    assert re.search(r'<p class="field-error" id="\w*rules-error">', page)
    assert "<li>" not in page.split("rules-error", 1)[1].split("</textarea>", 1)[0]


def test_a_learners_json_that_does_not_read_stops_at_its_first_mistake(learner_client):
    attempt = start_through_page(learner_client, make_quiz(make_question("flow_fix")))
    page = learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk, 1]),
        {"action": "check", "rules": '{"network_acls": [\n  {"name": "edge",}, x'},
    ).content.decode()
    assert re.search(r'rules-error">Line 2, column 19: [^<]*</p>', page)


def test_a_capped_list_says_how_many_more():
    q = make_question("flow_fix")
    rules = bad_rules()
    rules["network_acls"][0]["inbound"] = [
        {"rule": n + 1, "protocol": "tcp", "ports": "1-99999", "cidr": "0.0.0.0/0",
         "action": "allow"} for n in range(25)
    ]  # fmt: skip
    feedback = grade(q, {"rules": json.dumps(rules)}).feedback
    assert feedback["error"].count("is not a port") == 20
    assert feedback["error"].endswith("; and 7 more problems, listed once these are fixed")


def test_an_author_is_told_every_problem_of_a_case_each_at_its_own_path():
    q = make_question("flow_decision")
    nacl = q.data["case"]["network"]["network_acls"][0]
    nacl["inbound"][0]["action"] = "permit"
    nacl["outbound"][0]["rule"] = 0
    q.data["case"]["network"]["security_groups"][0]["inbound"][0]["protocol"] = "gre"
    problems = q.problems()
    assert [p.path for p in problems] == [
        ("case", "network", "network_acls", 0, "inbound", 0, "action"),
        ("case", "network", "network_acls", 0, "outbound", 0, "rule"),
        ("case", "network", "security_groups", 0, "inbound", 0, "protocol"),
    ]
    assert problems[0].message == (
        "case: Network ACL edge, inbound rule 100, action: must be one of allow, deny, not 'permit'"
    )


def test_a_waf_author_is_told_every_bad_rule():
    q = make_question("waf_rule")
    rules = q.data["case"]["web_acl"]["Rules"]
    assert len(rules) >= 2
    rules[0]["Action"] = {"Deny": {}}
    rules[1]["Priority"] = -1
    assert [p.path[:5] for p in q.problems()] == [
        ("case", "web_acl", "Rules", 0, "Action"),
        ("case", "web_acl", "Rules", 1, "Priority"),
    ]


def test_a_reference_solution_with_several_problems_names_them_all():
    q = make_question("flow_fix")
    q.data["reference"] = json.dumps(bad_rules())
    assert [p.message for p in q.problems()] == [f"reference solution: {m}" for m in THREE]
