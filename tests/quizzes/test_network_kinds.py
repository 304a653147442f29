"""The network-lab question kinds (issue 14 item 7): keyed by the netlab engine, validated the
same way in the loader and the model, explained hop by hop, and never a 500 on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.urls import reverse

from curriculum.quiz_readers import read_quizzes
from curriculum.readers import CurriculumError, read_curriculum
from quizzes.grading import grade
from quizzes.models import Answer
from srm_trainer.netlab import evaluate_waf_case
from tests.content import TWO_SOURCES, write
from tests.curriculum.shipped_quizzes import shipped_quizzes
from tests.quizzes.builders import (
    HTTP_FLOW,
    make_question,
    make_quiz,
    start_through_page,
    web_network,
)

pytestmark = pytest.mark.django_db


# --- flow_decision -------------------------------------------------------------------------


def test_the_key_follows_the_network_not_a_stored_answer():
    forgets = make_question("flow_decision")
    fixed = make_question(
        "flow_decision",
        data={"case": {"network": web_network(ephemeral=True), "flow": dict(HTTP_FLOW)}},
    )
    assert grade(forgets, {"verdict": "reply_blocked", "hop": "network_acl:edge"}).correct
    assert grade(fixed, {"verdict": "allowed"}).correct
    assert not grade(fixed, {"verdict": "reply_blocked"}).correct


def test_a_wrong_verdict_gets_the_engines_trace_in_words():
    q = make_question("flow_decision")
    result = grade(q, {"verdict": "allowed", "hop": "nothing"})
    assert result.score == 0.0
    fb = result.feedback
    assert fb["key"] == "reply_blocked" and fb["rule"] == "*"
    assert fb["hop_label"] == "The network ACL edge"
    reply_hops = [h for h in fb["hops"] if h["leg"] == "reply"]
    assert reply_hops[-1]["verdict"] == "deny" and reply_hops[-1]["detail"]


def test_a_flow_refused_by_an_instance_s_two_groups_can_be_answered_right():
    """Security groups add up across every group on the interface (VPC User Guide: security
    groups), so a flow none of them allows is refused by the set, which the engine names
    "sg-web, sg-admin". The choices offered each group alone: no choice was the key, and a
    learner who named where the flow stops got half marks at best."""
    network = web_network()
    network["security_groups"][0]["inbound"] = [{"protocol": "tcp", "ports": 80,
                                                 "source": "0.0.0.0/0"}]  # fmt: skip
    network["security_groups"].append(
        {
            "name": "sg-admin",
            "inbound": [{"protocol": "tcp", "ports": 22, "source": "192.0.2.0/24"}],
        }
    )
    network["instances"][0]["security_groups"] = ["sg-web", "sg-admin"]
    flow = {"source": "internet", "destination": "web", "protocol": "tcp", "port": 22}
    q = make_question("flow_decision", data={"case": {"network": network, "flow": flow},
                                             "ask_hop": True})  # fmt: skip
    choices = dict(q.kind.hop_choices(q))
    key = "security_group:sg-web, sg-admin"
    assert choices[key] == "The security groups sg-web, sg-admin"
    result = grade(q, {"verdict": "request_blocked", "hop": key})
    assert (result.score, result.correct) == (1.0, True)
    assert result.feedback["hop_label"] == "The security groups sg-web, sg-admin"


def test_the_right_verdict_at_the_wrong_layer_is_half_marks():
    q = make_question("flow_decision")
    result = grade(q, {"verdict": "reply_blocked", "hop": "security_group:sg-web"})
    assert (result.score, result.correct, result.feedback["hop_right"]) == (0.5, False, False)


def test_an_expect_the_engine_contradicts_is_refused():
    q = make_question("flow_decision")
    q.data["case"]["expect"] = {"request": "allowed", "reply": "allowed"}
    [problem] = q.problems()
    assert (
        "case: your expected answer says the reply gets back, but the network blocks it: network "
        "ACL edge (outbound, the final * rule) on the reply. Correct the expected answer"
        in problem.message
    )


@pytest.mark.parametrize(
    "expect, said",
    [
        # A key the check does not know was passed over: the author believed the key checked.
        (
            {"reachable": True},
            'your expected answer holds "reachable", which it cannot say: it '
            "takes request, reply or blocked_at",
        ),
        # A refusal expected of a case the engine evaluates was passed over too.
        (
            {"error": "bad_cidr"},
            "your expected answer says the engine refuses this case "
            '("bad_cidr"), but the engine reads it without a problem',
        ),
    ],
)
def test_an_expect_key_the_check_cannot_use_is_refused_not_ignored(expect, said):
    q = make_question("flow_decision")
    q.data["case"]["expect"] = expect
    [problem] = q.problems()
    assert said in problem.message
    assert problem.path == ("case", "expect", next(iter(expect)))


@pytest.mark.parametrize(
    "expect, said",
    [
        # Without "action" beside it, a "rule" (or labels, status) was never compared.
        (
            {"rule": "rate"},
            "The request: your expected answer says it is decided by rule 2 "
            '("rate"), but the web ACL allows it (no rule matched)',
        ),
        ({"verdict": "Block"}, 'your expected answer holds "verdict", which it cannot say'),
    ],
)
def test_a_waf_expect_is_checked_whatever_keys_it_gives(expect, said):
    from tests.quizzes.builders import WAF_CASE

    case = json.loads(json.dumps(WAF_CASE))
    case["requests"] = [{"ip": "203.0.113.66", "uri": "/shop"}]
    case["expect"] = expect
    q = make_question("waf_rule", data={"case": case})
    assert evaluate_waf_case(case).decisions[-1].rule == "Default_Action"
    [problem] = q.problems()
    assert said in problem.message


def test_a_case_the_engine_cannot_parse_is_refused_with_its_path():
    q = make_question("flow_decision")
    q.data["case"]["network"]["subnets"][0]["cidr"] = "10.9.0.0/24"  # outside the VPC
    [problem] = q.problems()
    assert problem.path[:4] == ("case", "network", "subnets", 0)


# --- where a problem points: as deep as the check knows ------------------------------------


def _set(*path, value):
    """A change to a question's data: put `value` at `path` (the last step's key or index)."""

    def change(data: dict) -> None:
        *parents, last = path
        node = data
        for step in parents:
            node = node[step]
        node[last] = value

    return change


def _drop(*path):
    def change(data: dict) -> None:
        *parents, last = path
        node = data
        for step in parents:
            node = node[step]
        del node[last]

    return change


def _both(*changes):
    def change(data: dict) -> None:
        for one in changes:
            one(data)

    return change


# The builders' questions: the flow's reply is blocked by network ACL `edge`; the WAF burst is
# 150 requests, the last ones blocked by the rate rule; the flow-fix starts broken.
PROBLEM_PATHS = [
    ("flow_decision", _set("case", "colour", value="blue"), ("case", "colour"), "unknown field"),
    (  # a key that holds a dot is one step, not two (the engine quotes it: network["sub.nets"])
        "flow_decision",
        _set("case", "network", "sub.nets", value=[]),
        ("case", "network", "sub.nets"),
        'case: Network: ["sub.nets"] is not one of its fields (it takes instances,',
    ),
    (
        "flow_decision",
        _set("case", "expect", value={"request": "allowed", "reply": "allowed"}),
        ("case", "expect", "reply"),
        "your expected answer says the reply gets back, but the network blocks it",
    ),
    (
        "flow_decision",
        _set("case", "expect", value={"blocked_at": {"layer": "network_acl", "resource": "x"}}),
        ("case", "expect", "blocked_at", "resource"),
        "your expected answer says it is blocked at network ACL x, but it is blocked at network "
        "ACL edge (outbound, the final * rule) on the reply",
    ),
    (
        "flow_decision",
        _set("case", "expect", value={"blocked_at": "edge"}),
        ("case", "expect", "blocked_at"),
        'your expected answer says it is blocked at "edge": name the place as an object',
    ),
    (
        "flow_decision",
        _set("case", "expect", value="allowed"),
        ("case", "expect"),
        "your expected answer (“expect”) must be an object",
    ),
    (
        "flow_decision",
        _set("case", "network", "subnets", 0, "cidr", value="10.9.0.0/24"),
        ("case", "network", "subnets", 0, "cidr"),
        "case: Subnet public, CIDR: 10.9.0.0/24 is not inside the VPC",
    ),
    (
        "flow_decision",
        _set("case", "flow", "port", value="http"),
        ("case", "flow", "port"),
        "case: Flow, port: must be a whole number",
    ),
    ("waf_rule", _set("case", "colour", value="blue"), ("case", "colour"), "unknown field"),
    (
        "waf_rule",
        _set("case", "web_acl", "Rules", 0, "Statement", value={"Byte.Match[0]": {}}),
        ("case", "web_acl", "Rules", 0, "Statement", "Byte.Match[0]"),
        'case: Web ACL, rule 1 ("watch-admin"), Statement, Byte.Match[0]: this lab does not',
    ),
    (
        "waf_rule",
        _set("case", "expect", value={"action": "Block", "rule": "watch-admin"}),
        ("case", "expect", "rule"),
        'Request 150 of 150: your expected answer says it is blocked by rule 1 ("watch-admin"), '
        'but the web ACL blocks it by rule 2 ("rate")',
    ),
    (
        "waf_rule",
        _set(
            "case", "expect", value={"requests": [{"index": 0}, {"index": 149, "action": "Allow"}]}
        ),
        ("case", "expect", "requests", 1, "action"),
        "Request 150 of 150: your expected answer says it is allowed, but the web ACL blocks it "
        'by rule 2 ("rate")',
    ),
    (
        "waf_rule",
        _set("case", "expect", value={"requests": [{"index": 150, "action": "Allow"}]}),
        ("case", "expect", "requests", 0, "index"),
        "your expected answer is about the request at index 150, but the case has 150 requests "
        "(indexes 0 to 149)",
    ),
    (
        "waf_rule",
        _set("case", "expect", value={"requests": [{"index": "last"}]}),
        ("case", "expect", "requests", 0, "index"),
        'your expected answer names a request by "last": give its index, a whole number counted '
        "from 0",
    ),
    (
        "waf_rule",
        _set("case", "expect", value={"action": "Block", "labels": ["seen", "admin"]}),
        ("case", "expect", "labels", 0),
        'Request 150 of 150: your expected answer says it carries the label "seen", but it does '
        "not (it has none)",
    ),
    (
        "waf_rule",
        _set("case", "expect", value={"counts": {"Block": 7, "Allow": 100}}),
        ("case", "expect", "counts", "Block"),
        "your expected answer says 7 of the 150 requests are blocked, but 50 are",
    ),
    (
        "waf_rule",
        _set("case", "expect", value={"counts": 150}),
        ("case", "expect", "counts"),
        "your expected answer's “counts” must be an object of actions and numbers",
    ),
    (
        "waf_rule",
        _both(_drop("case", "requests"), _set("case", "request", value={"ip": "nope"})),
        ("case", "request", "ip"),
        "case: Request, ip: 'nope' is not an IP address",
    ),
    (
        "waf_rule",
        _set("case", "resource", value="NLB"),
        ("case", "resource"),
        "cannot protect this resource",
    ),
    (
        "waf_rule",
        _both(_drop("case", "resource"), _set("case", "web_acl", "Scope", value="CLOUDFRONT")),
        ("case", "web_acl", "Scope"),
        "cannot protect this resource",
    ),
    (  # both written: it is the pair that disagrees, so the case as a whole
        "waf_rule",
        _set("case", "web_acl", "Scope", value="CLOUDFRONT"),
        ("case",),
        "cannot protect this resource",
    ),
    (
        "flow_fix",
        _set("challenge", "colour", value="blue"),
        ("challenge", "colour"),
        "unknown field",
    ),
    (
        "flow_fix",
        _set("challenge", "must_block", value="ssh"),
        ("challenge", "must_block"),
        "'must_block' must be a list of 1 to 12 flows",
    ),
    (  # a missing key has no place of its own
        "flow_fix",
        _drop("challenge", "must_block"),
        ("challenge",),
        "'must_block' must be a list of 1 to 12 flows",
    ),
    (
        "flow_fix",
        _set("challenge", "must_block", 0, "port", value="ssh"),
        ("challenge", "must_block", 0, "port"),
        "challenge must_block #1, port: must be a whole number",
    ),
    (
        "flow_fix",
        _set("challenge", "must_allow", 0, "colour", value="blue"),
        ("challenge", "must_allow", 0, "colour"),
        "challenge must_allow #1: colour is not one of its fields",
    ),
    (
        "flow_fix",
        _set("challenge", "network", "subnets", 0, "cidr", value="10.9.0.0/24"),
        ("challenge", "network", "subnets", 0, "cidr"),
        "challenge: Subnet public, CIDR: 10.9.0.0/24 is not inside the VPC",
    ),
    (
        "flow_fix",
        _set("challenge", "network", value=web_network(ephemeral=True, ssh_world=False)),
        ("challenge", "network"),
        "the starting network already passes every flow",
    ),
]


@pytest.mark.parametrize(
    ("kind", "change", "path", "words"),
    PROBLEM_PATHS,
    ids=[f"{kind}-{words}" for kind, _, _, words in PROBLEM_PATHS],
)
def test_a_problem_points_at_the_field_it_is_about(kind, change, path, words):
    q = make_question(kind)
    change(q.data)
    [problem] = q.problems()
    assert words in problem.message
    assert problem.path == path


# --- waf_rule -------------------------------------------------------------------------------


def test_the_rate_rule_acts_only_once_the_count_passes_the_limit():
    q = make_question("waf_rule")
    assert grade(q, {"rule": "rate"}).correct  # request 121 of 150 from one address
    q.data["ask_index"] = 50
    result = grade(q, {"rule": "rate"})
    assert not result.correct
    assert result.feedback["key"] == "Default_Action" and result.feedback["action"] == "Allow"
    # the Count rule matched but did not end the evaluation: the feedback says so
    assert [(m["rule"], m["terminating"]) for m in result.feedback["matches"]] == [
        ("watch-admin", False)
    ]


def test_an_ask_index_past_the_last_request_is_refused():
    q = make_question("waf_rule")
    q.data["ask_index"] = 150
    assert "'ask_index' must be a request's index, 0 to 149" in q.problems()[0].message


def test_an_ask_index_in_a_case_of_one_request_is_told_there_is_one():
    """The editor's words for a case of one request said "give a number from 1 to 1"."""
    q = make_question("waf_rule")
    q.data["case"]["requests"] = [{"ip": "203.0.113.66", "uri": "/admin"}]
    q.data["ask_index"] = 1
    [problem] = q.problems()
    assert problem.in_words() == (
        "There is no request 2 in the case: it holds one request, so give 1, or leave it "
        "blank for the last request."
    )
    assert "'ask_index' must be a request's index, 0 to 0" in problem.message


def test_a_burst_the_lab_takes_is_too_costly_for_a_question_and_says_where():
    """A quiz's pages work out every question's key at once (its detail page, an attempt's
    result): a question gets a twentieth of the lab's rule evaluations, so 60 of the lab's
    largest bursts no longer make one page cost 4-7 s of CPU. The lab itself still takes it."""
    q = make_question("waf_rule")
    acl = q.data["case"]["web_acl"]
    acl["Rules"].append({**acl["Rules"][0], "Name": "again", "Priority": 99})
    rules = len(acl["Rules"])
    q.data["case"]["requests"] = [{"ip": "192.0.2.1", "repeat": 5000, "every": 0.01}]
    q.data.pop("ask_index")
    [problem] = q.problems()
    assert problem.path == ("case", "requests")
    assert problem.message.endswith(
        f"5,000 requests × {rules} rules is more than the 5,000 rule evaluations a quiz "
        "question takes; send fewer requests or use fewer rules"
    )
    assert len(evaluate_waf_case(q.data["case"]).decisions) == 5000
    q.data["case"]["requests"][0]["repeat"] = 5_000 // rules
    assert q.problems() == []
    assert grade(q, {"rule": "rate"}).feedback["total"] == 5_000 // rules


def test_statements_reading_a_question_s_bodies_are_each_counted():
    """A question's inspection budget counted each body once whatever number of statements
    read it: 199 CONTAINS_WORD statements over six 16 KB bodies passed, and every page that
    works out the question's key (an import's preview too) paid 3.9 s of CPU for it."""
    q = make_question("waf_rule")
    words = [
        {"ByteMatchStatement": {
            "SearchString": "a" * (i % 50 + 1), "PositionalConstraint": "CONTAINS_WORD",
            "FieldToMatch": {"Body": {"OversizeHandling": "CONTINUE"}},
            "TextTransformations": [{"Priority": 0, "Type": "NONE"}]}}
        for i in range(199)
    ]  # fmt: skip
    q.data["case"]["resource"] = "CLOUDFRONT"
    q.data["case"]["web_acl"]["Rules"][0]["Statement"] = {"OrStatement": {"Statements": words}}
    q.data["case"]["requests"] = [
        {"ip": "192.0.2.1", "uri": f"/{i}", "body": "a" * 16_000} for i in range(6)
    ]
    q.data.pop("ask_index")
    [problem] = q.problems()
    assert problem.path == ("case", "requests")
    assert "once for each statement and pattern that inspects them" in problem.message
    assert "a quiz question reads at most 0.2 MB" in problem.message


def test_a_web_acl_on_a_network_load_balancer_is_refused():
    q = make_question("waf_rule")
    q.data["case"]["resource"] = "NLB"
    assert "cannot protect this resource" in q.problems()[0].message


# --- flow_fix -------------------------------------------------------------------------------


def test_the_start_rules_fail_with_a_counterexample_and_the_reference_passes():
    q = make_question("flow_fix")
    start_rules = json.dumps(
        {k: q.data["challenge"]["network"][k] for k in ("network_acls", "security_groups")}
    )
    result = grade(q, {"rules": start_rules})
    assert not result.correct
    ce = result.feedback["counterexample"]
    assert ce["want"] == "allowed" and "reply is blocked" in ce["got"]
    assert any(h["verdict"] == "deny" for h in ce["hops"])
    assert grade(q, {"rules": q.data["reference"]}).correct


def test_a_reference_that_does_not_solve_it_is_refused():
    q = make_question("flow_fix")
    fixed = web_network(ephemeral=True, ssh_world=True)  # SSH still open
    q.data["reference"] = json.dumps({k: fixed[k] for k in ("network_acls", "security_groups")})
    [problem] = q.problems()
    assert problem.path == ("reference",)
    assert "should be blocked" in problem.message


def test_a_json_syntax_error_in_the_rules_is_said_in_plain_words():
    """Python's "Expecting value" alone said nothing of what a value may be: the learner gets
    the words of every JSON box (`json_mistakes.syntax_words`), with the place and the likely
    mistake."""
    q = make_question("flow_fix")
    error = grade(q, {"rules": '{"network_acls": }'}).feedback["error"]
    assert error.startswith("Line 1, column 18: Expected a value here: a string in double quotes")
    assert "Expecting value" not in error
    twice = grade(q, {"rules": '{"network_acls": [1,,2]}'}).feedback["error"]
    assert "Two commas in a row: remove one of them on line 1." in twice


def test_rules_that_cannot_be_used_score_zero_and_say_why():
    q = make_question("flow_fix")
    assert "Line 1, column 2" in grade(q, {"rules": "{x"}).feedback["error"]
    assert "cannot be edited here" in grade(q, {"rules": '{"instances": []}'}).feedback["error"]
    too_big = json.dumps({"network_acls": [], "security_groups": [], "pad": "x" * 30_000})
    assert "at most 20,000" in grade(q, {"rules": too_big}).feedback["error"]
    # "Your rules" is plural: the message reads right whatever names the field.
    deep = grade(q, {"rules": "[" * 5000}).feedback["error"]
    assert deep == "Your rules: the JSON nests too deeply or holds a number too long to read"


# --- through the pages: garbage never gives a 500 ------------------------------------------


@pytest.mark.parametrize(
    "kind, post",
    [
        ("flow_decision", {"verdict": "maybe", "hop": "<script>"}),
        ("flow_decision", {}),
        ("waf_rule", {"rule": "no-such-rule"}),
        ("flow_fix", {"rules": '{"network_acls": [{"name": 7}]}'}),
        ("flow_fix", {"rules": "[" * 5000}),
        ("flow_fix", {"rules": "x" * 25_000}),
    ],
)
def test_garbage_answers_are_refused_with_a_message_not_a_500(learner_client, kind, post):
    quiz = make_quiz(make_question(kind))
    attempt = start_through_page(learner_client, quiz)
    response = learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk, 1]), {"action": "check", **post}
    )
    assert response.status_code == 200
    assert 'class="field-error"' in response.content.decode()
    assert not Answer.objects.filter(attempt=attempt, graded_at__isnull=False).exists()


@pytest.mark.parametrize("kind", ["flow_decision", "waf_rule", "flow_fix"])
def test_a_wrong_answer_on_the_page_shows_the_engines_explanation(learner_client, kind):
    q = make_question(kind)
    attempt = start_through_page(learner_client, make_quiz(q))
    page = learner_client.get(attempt.get_absolute_url()).content.decode()
    assert "The right answer" not in page and "How the engine" not in page
    start_rules = {k: web_network()[k] for k in ("network_acls", "security_groups")}
    wrong = {
        "flow_decision": {"verdict": "allowed", "hop": "nothing"},
        "waf_rule": {"rule": "watch-admin"},
        "flow_fix": {"rules": json.dumps(start_rules)},
    }[kind]
    response = learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk, 1]),
        {"action": "check", **wrong},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Not right." in body and q.explanation in body
    assert ("How the engine" in body) or ("Counterexample" in body)


# --- the loader refuses bad content with a line ---------------------------------------------

BAD_FLOW = """\
quiz:
  slug: q
  title: Q
  module: denial-of-service
questions:
  - slug: bad-flow
    type: flow_decision
    prompt: Does it work?
    explanation: It does not.
    lesson: denial-of-service/sg
    case:
      network:
        vpc: {cidr: 10.0.0.0/16}
        subnets:
          - {name: public, cidr: 10.0.1.0/24, route_to_internet_gateway: true}
        instances:
          - {name: web, subnet: public, private_ip: 10.0.1.10, public_ip: 54.0.0.10}
      flow: {source: internet, destination: web, protocol: tcp, port: 80}
      expect: {request: allowed}
"""


def test_the_loader_refuses_an_expect_the_engine_contradicts_with_its_line(tmp_path: Path):
    write(tmp_path, "modules.yaml", "- slug: denial-of-service\n  title: DoS\n")
    write(
        tmp_path,
        "denial-of-service/01-sg.md",
        "---\ntitle: SG\n" + TWO_SOURCES + "\n---\n## A\nB.\n",
    )
    write(tmp_path, "quizzes/q.yaml", BAD_FLOW)
    with pytest.raises(CurriculumError) as info:
        read_quizzes(tmp_path, read_curriculum(tmp_path))
    assert "your expected answer says the request arrives, but the network blocks it" in str(
        info.value
    ), info.value
    assert info.value.line == 19  # the expect line


def test_the_shipped_denial_of_service_quiz_has_fifteen_engine_graded_questions():
    content = shipped_quizzes(check_cases=True)  # the loader checks each one by the engine
    dos = next(q for q in content.quizzes if q.slug == "denial-of-service-quiz")
    types = {q.slug: q.type for q in content.questions}
    engine = [s for s in dos.questions if types[s] in ("flow_decision", "waf_rule", "flow_fix")]
    assert len(engine) >= 15
    assert {types[s] for s in engine} == {"flow_decision", "waf_rule", "flow_fix"}


def test_ask_hop_must_be_true_or_false():
    q = make_question("flow_decision")
    q.data["ask_hop"] = "yes"
    assert q.problems()[0].message == "'ask_hop' must be true or false"


def test_the_feedback_names_a_rule_once_and_the_network_acl_as_typed():
    """The hop's label names the resource; its rule follows without repeating it ("sg-web
    inbound rule 1" was shown as "(rule sg-web inbound rule 1)"), and the blocking network
    ACL `edge` keeps its lower-case name (the detail, which starts with it, was capitalised)."""
    from django.template.loader import render_to_string

    network = web_network(ephemeral=True)
    network["network_acls"][0]["inbound"].insert(
        0, {"rule": 90, "protocol": "all", "cidr": "203.0.113.0/24", "action": "deny"}
    )
    blocked = make_question(
        "flow_decision", data={"case": {"network": network, "flow": dict(HTTP_FLOW)}}
    )
    fb = grade(blocked, {"verdict": "allowed"}).feedback
    html = render_to_string(
        "quizzes/kinds/flow_decision.html#feedback", {"fb": fb, "question": blocked, "response": {}}
    )
    assert "Blocked at: The network ACL edge (rule 90): edge inbound rule 90: deny" in html
    assert "Edge inbound" not in html

    allowed = make_question(
        "flow_decision",
        data={"case": {"network": web_network(ephemeral=True), "flow": dict(HTTP_FLOW)}},
    )
    fb = grade(allowed, {"verdict": "reply_blocked"}).feedback
    html = " ".join(render_to_string("quizzes/kinds/_hops.html", {"hops": fb["hops"]}).split())
    assert "The security group sg-web (inbound)</strong> lets it through (rule 1)" in html
    assert "(rule sg-web" not in html
    assert "(route 0.0.0.0/0 → internet gateway)" in html


def test_a_start_too_long_for_a_learners_answer_is_refused_where_it_is_written():
    """A learner's rules hold at most 20,000 characters: a network whose own rules, as the
    learner is given them, are longer could never be answered, not even by sending them back."""
    q = make_question("flow_fix")
    network = q.data["challenge"]["network"]
    deny = [
        {"rule": n, "protocol": "tcp", "ports": "8000-8080", "cidr": f"198.51.{n}.0/24",
         "action": "deny"}
        for n in range(1, 39)
    ]  # fmt: skip
    for direction in ("inbound", "outbound"):
        network["network_acls"][0][direction] = deny + network["network_acls"][0][direction]
    network["network_acls"].append({**network["network_acls"][0], "name": "spare"})
    [problem] = q.problems()
    assert problem.path == ("challenge", "network")
    assert "at most 20,000" in problem.message and "learners start from" in problem.message


def test_rules_too_long_to_check_say_so_in_the_pages_words(learner_client):
    quiz = make_quiz(make_question("flow_fix"))
    attempt = start_through_page(learner_client, quiz)
    response = learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk, 1]), {"action": "check", "rules": "x" * 25_000}
    )
    page = response.content.decode()
    assert "Your rules are 25,000 characters; at most 20,000 can be checked." in page
    assert "Ensure this value" not in page


def test_the_right_answer_names_where_when_nothing_blocks_the_flow(learner_client):
    """Asked where a flow is blocked, a learner who named a layer for a flow that works is
    told the right "where" too (nothing), not only the verdict."""
    q = make_question(
        "flow_decision",
        data={
            "case": {"network": web_network(ephemeral=True), "flow": dict(HTTP_FLOW)},
            "ask_hop": True,
        },
    )
    attempt = start_through_page(learner_client, make_quiz(q))
    response = learner_client.post(
        reverse("quizzes:answer", args=[attempt.pk, 1]),
        {"action": "check", "verdict": "request_blocked", "hop": "network_acl:edge"},
        headers={"HX-Request": "true"},
    )
    right = response.content.decode().split("The right answer", 1)[1]
    assert "Where: Nothing blocks it" in right.split("How the engine", 1)[0]


def test_rules_that_let_nothing_through_score_zero_not_the_share_of_blocked_flows():
    """Blocking everything passes every must-block flow by doing nothing: it scored the share
    of must-block flows (here 2 of 3). Scored as route-the-findings scores a pattern that sends
    nothing: the wanted flows that get through, out of every flow wanted or let through."""
    q = make_question("flow_fix")
    q.data["challenge"]["must_block"].append(
        {"source": "198.51.100.7", "destination": "web", "protocol": "tcp", "port": 3389}
    )
    shut = web_network()
    shut["network_acls"][0]["inbound"] = []
    result = grade(
        q, {"rules": json.dumps({k: shut[k] for k in ("network_acls", "security_groups")})}
    )
    assert [r["ok"] for r in result.feedback["requests"]] == [False, True, True]
    assert (result.score, result.correct) == (0.0, False)
