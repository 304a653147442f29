"""An author told why the engine refuses a network question's case is told where in words, as
the labs and a learner are (`srm_trainer.netlab.spoken.said`): "Line 23: case: Network ACL edge,
inbound rule 100, action: ...", "case: Web ACL, rule 2 ("rate"), Priority: ...", "challenge
must_block #1, port: ...", not the engine's paths (`network.network_acls[0].inbound[0].action`,
`web_acl.Rules[1].Priority`, `flow.port`), in each editor's summary, beside its box, in its live
check and in an import's list. The line each names is the one the path gives (`Problem.path`)."""

from __future__ import annotations

import html
import json
import re

import pytest

from quizzes.models import Question
from teach.transfer import json_format
from tests.quizzes.builders import default_data, make_question
from tests.teach.formdata import text
from tests.teach.test_network_editors import (
    HTMX,
    case_json,
    challenge,
    error_beside,
    fix_form,
    flow_case,
    flow_form,
    summary_of,
    waf_case,
    waf_form,
)

pytestmark = pytest.mark.django_db

# A path as the engine writes one (`network.security_groups[0]`, `flow.port`): none should show.
CODE = re.compile(r"\w\[\d+\]|\b(?:web_acl|ip_sets|network|flow|requests?)\.\w")


def line_of(typed: str, marker: str) -> int:
    return next(n for n, t in enumerate(typed.splitlines(), 1) if marker in t)


def bad_flow_case() -> dict:
    case = flow_case()
    network = case["network"]
    network["network_acls"][0]["inbound"][1]["action"] = "permit"  # rule 110
    network["security_groups"][0]["inbound"][1]["ports"] = "22-21"  # the group's 2nd rule
    case["flow"]["port"] = 70000
    return case


def flow_said(typed: str) -> list[str]:
    return [
        f"Line {line_of(typed, 'permit')}: case: Network ACL edge, inbound rule 110, action: "
        "must be one of allow, deny, not 'permit'.",
        f"Line {line_of(typed, '22-21')}: case: Security group sg-web, inbound rule 2, ports: "
        "the range starts after it ends (22-21).",
    ]


def test_the_flow_editor_says_each_problem_at_its_rule_number_and_groups_name(teacher, owned):
    quiz, _ = owned
    typed = case_json(bad_flow_case())
    url, data = flow_form(teacher, quiz, typed)
    response = teacher.post(url, data)
    summary, beside = summary_of(response), " ".join(error_beside(response, "k-case"))
    for words in flow_said(typed):
        assert words in summary and words in beside, summary
    assert not CODE.search(summary) and not CODE.search(beside), summary
    assert not Question.objects.filter(type="flow_decision").exists()


def test_the_flow_editors_live_check_says_them_the_same_way(teacher, owned):
    quiz, _ = owned
    typed = case_json(bad_flow_case())
    url, data = flow_form(teacher, quiz, typed)
    live = teacher.post(url, data | {"action": "check"}, **HTMX)  # the panel's inside alone
    panel = html.unescape(" ".join(re.sub(r"<[^>]+>", " ", text(live)).split()))
    assert panel.startswith("Not ready to save:"), panel
    for words in flow_said(typed):
        assert words in panel, panel
    assert not CODE.search(panel), panel


def test_a_flow_the_engine_refuses_is_said_by_its_own_name(teacher, owned):
    """The network reads, the flow does not: its field, not `flow.port`."""
    quiz, _ = owned
    typed = case_json(flow_case(flow={"source": "internet", "destination": "web",
                                      "protocol": "tcp", "port": 70000}))  # fmt: skip
    url, data = flow_form(teacher, quiz, typed)
    summary = summary_of(teacher.post(url, data))
    assert (
        f"Line {line_of(typed, '70000')}: case: Flow, port: must be between 0 and 65535, "
        "not 70000." in summary
    ), summary
    assert not CODE.search(summary), summary


def test_the_waf_editor_says_a_rule_by_its_place_from_one_and_its_name(teacher, owned):
    quiz, _ = owned
    case = waf_case()
    case["web_acl"]["Rules"][1]["Priority"] = -1
    case["requests"].append({"ip": "nope", "time": 200})
    typed = case_json(case)
    url, data = waf_form(teacher, quiz, typed)
    response = teacher.post(url, data)
    summary, beside = summary_of(response), " ".join(error_beside(response, "k-case"))
    wanted = [
        f'Line {line_of(typed, "-1")}: case: Web ACL, rule 2 ("rate"), Priority: must be '
        "between 0 and",
        f"Line {line_of(typed, 'nope')}: case: Request 2, ip: 'nope' is not an IP address.",
    ]
    for words in wanted:
        assert words in summary and words in beside, summary
    assert not CODE.search(summary) and not CODE.search(beside), summary


def test_a_missing_key_of_the_web_acl_is_said_as_what_it_needs(teacher, owned):
    quiz, _ = owned
    case = waf_case()
    del case["web_acl"]["DefaultAction"]
    url, data = waf_form(teacher, quiz, case)
    summary = summary_of(teacher.post(url, data))
    assert "case: Web ACL: needs a DefaultAction (Allow or Block)." in summary, summary
    assert not CODE.search(summary), summary


def test_the_flow_fix_editor_says_a_flow_by_its_list_and_number_and_the_network_by_names(
    teacher, owned
):
    quiz, _ = owned
    ch = challenge()
    ch["must_block"][0]["port"] = 99999
    typed = case_json(ch)
    url, data = fix_form(teacher, quiz, typed)
    beside = " ".join(error_beside(teacher.post(url, data), "k-challenge"))
    assert (
        f"Line {line_of(typed, '99999')}: challenge must_block #1, port: must be between 0 and "
        "65535, not 99999." in beside
    ), beside
    ch = challenge()
    ch["network"]["subnets"][0]["cidr"] = "10.9.1.0/24"
    typed = case_json(ch)
    url, data = fix_form(teacher, quiz, typed)
    beside = " ".join(error_beside(teacher.post(url, data), "k-challenge"))
    assert (
        f"Line {line_of(typed, '10.9.1.0/24')}: challenge: Subnet public, CIDR: 10.9.1.0/24 is "
        "not inside the VPC's 10.0.0.0/16." in beside
    ), beside
    assert not CODE.search(beside), beside


def test_a_refused_reference_solution_says_its_rules_by_number_and_name(teacher, owned):
    quiz, _ = owned
    reference = json.loads(default_data("flow_fix")["reference"])
    reference["network_acls"][0]["outbound"][1]["ports"] = "65535-1024"  # rule 110
    reference["security_groups"][0]["inbound"][0]["source"] = "sg-gone"
    url, data = fix_form(teacher, quiz, challenge(), json.dumps(reference, indent=2))
    beside = " ".join(error_beside(teacher.post(url, data), "k-reference"))
    for words in (
        "Reference solution: Network ACL edge, outbound rule 110, ports: the range starts after "
        "it ends (65535-1024).",
        "Reference solution: Security group sg-web, inbound rule 1, source: 'sg-gone' is neither "
        "a CIDR block nor a security group",
    ):
        assert words in beside, beside
    assert not CODE.search(beside), beside
    assert not Question.objects.filter(type="flow_fix").exists()


def test_an_imports_list_says_them_in_words_each_at_its_line(teacher, instructor):
    question = make_question(
        "flow_decision", owner=instructor, lesson=None, data={"case": bad_flow_case()}
    )
    document = json.loads(json_format.export_bank([question], "b"))
    Question.objects.filter(pk=question.pk).delete()
    typed = json_format.dump(document)
    response = teacher.post("/teach/import/", {"text": typed, "format": "json",
                                               "action": "preview"})  # fmt: skip
    listed = [
        html.unescape(re.sub(r"<[^>]+>", "", item))
        for item in re.findall(r"<li>(.*?)</li>", text(response).split("Nothing was imported")[1])
    ]
    slug = question.slug
    wanted = [
        (line_of(typed, "permit"), f"question '{slug}': case: Network ACL edge, inbound rule "
         "110, action: must be one of allow, deny, not 'permit'"),
        (line_of(typed, "22-21"), f"question '{slug}': case: Security group sg-web, inbound "
         "rule 2, ports: the range starts after it ends (22-21)"),
    ]  # fmt: skip
    assert len(listed) == len(wanted), listed
    for item, (line, words) in zip(listed, wanted, strict=True):
        assert re.fullmatch(rf"Line {line}, column \d+: {re.escape(words)}", item), item
    assert not any(CODE.search(item) for item in listed), listed
