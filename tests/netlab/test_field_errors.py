"""netlab/field_errors.py: an engine error, found by the engine itself on a changed preset,
becomes the lab form's field it is about, named as the page labels it, with a number's range."""

from __future__ import annotations

import copy
from collections.abc import Callable

import pytest

from netlab.field_errors import FieldProblem, form_field, same_row
from netlab.presets import PRESETS, STARTER
from netlab.waf_presets import PRESETS as WAF_PRESETS
from netlab.waf_presets import STARTER as WAF_STARTER
from srm_trainer.netlab import NetlabError, evaluate_waf_case, trace_case

WHOLE_PORT = "must be a whole number from 0 to 65535"
PORT_OR_RANGE = "must be a port from 0 to 65535, or a range such as 1024-65535"


def _refused(run: Callable[[dict], object], case: dict) -> NetlabError:
    try:
        run(case)
    except NetlabError as exc:
        return exc
    raise AssertionError("the engine took the case")


def network_problem(change: Callable[[dict], object], row_of=same_row) -> FieldProblem | None:
    """The field problem for the starter network case with `change` made to it."""
    case = copy.deepcopy(PRESETS[STARTER].case)
    change(case)
    exc = _refused(trace_case, case)
    return form_field(exc.path, exc.code, exc.message, case, row_of)


def waf_problem(change: Callable[[dict], object], row_of=same_row) -> FieldProblem | None:
    case = copy.deepcopy(WAF_PRESETS[WAF_STARTER].case)
    change(case)
    exc = _refused(evaluate_waf_case, case)
    return form_field(exc.path, exc.code, exc.message, case, row_of)


def flow(**values):
    return lambda case: case["flow"].update(values)


def nacl_rule(direction: str, index: int, **values):
    """Set fields of rule `index` of public-nacl (network ACL 0)."""
    return lambda case: case["network"]["network_acls"][0][direction][index].update(values)


def sg_rule(direction: str, index: int, **values):
    return lambda case: case["network"]["security_groups"][0][direction][index].update(values)


@pytest.mark.parametrize(
    ("change", "field_id", "words"),
    [
        (flow(port="-1"), "flow-port", f"Port: {WHOLE_PORT}"),
        (flow(port=70_000), "flow-port", f"Port: {WHOLE_PORT}"),
        (flow(port="9" * 5_000), "flow-port", f"Port: {WHOLE_PORT}"),
        (flow(port="22.5"), "flow-port", f"Port: {WHOLE_PORT}"),
        (flow(source_port=65_536), "flow-source_port", f"Client's port: {WHOLE_PORT}"),
        (
            flow(protocol="gre"),
            "flow-protocol",
            "Protocol: must be one of tcp, udp, icmp, not 'gre'",
        ),
        (
            flow(destination="web"),
            "flow-destination",
            "To: the source and the destination are the same",
        ),
        (
            nacl_rule("outbound", 1, rule=0),
            "nacl-0-outbound-1-rule",
            "Network ACL public-nacl, outbound rule row 2, Rule #: must be a whole number from 1 "
            "to 32766",
        ),
        (
            nacl_rule("inbound", 0, rule="-5"),
            "nacl-0-inbound-0-rule",
            "Network ACL public-nacl, inbound rule row 1, Rule #: must be a whole number from 1 "
            "to 32766",
        ),
        (
            nacl_rule("inbound", 1, rule=100),
            "nacl-0-inbound-1-rule",
            "Network ACL public-nacl, inbound rule row 2, Rule #: rule number 100 is used twice",
        ),
        (
            nacl_rule("outbound", 1, protocol="gre"),
            "nacl-0-outbound-1-protocol",
            "Network ACL public-nacl, outbound rule row 2, Protocol: must be tcp, udp, icmp or "
            "all (or 6, 17, 1, -1), not 'gre'",
        ),
        (
            nacl_rule("outbound", 1, ports="99999"),
            "nacl-0-outbound-1-ports",
            f"Network ACL public-nacl, outbound rule row 2, Ports: {PORT_OR_RANGE}",
        ),
        (
            nacl_rule("outbound", 1, ports="http"),
            "nacl-0-outbound-1-ports",
            f"Network ACL public-nacl, outbound rule row 2, Ports: {PORT_OR_RANGE}",
        ),
        (
            nacl_rule("outbound", 1, ports=[1024, 70_000]),
            "nacl-0-outbound-1-ports",
            f"Network ACL public-nacl, outbound rule row 2, Ports: {PORT_OR_RANGE}",
        ),
        (
            nacl_rule("outbound", 1, ports="2000-1000"),
            "nacl-0-outbound-1-ports",
            "Network ACL public-nacl, outbound rule row 2, Ports: the range starts after it ends "
            "(2000-1000)",
        ),
        (
            nacl_rule("inbound", 0, cidr="0.0.0.0/33"),
            "nacl-0-inbound-0-cidr",
            "Network ACL public-nacl, inbound rule row 1, Source: '0.0.0.0/33' is not a CIDR "
            "block such as 10.0.0.0/16",
        ),
        (
            nacl_rule("outbound", 0, cidr="10.0.2.1/24"),
            "nacl-0-outbound-0-cidr",
            "Network ACL public-nacl, outbound rule row 1, Destination: '10.0.2.1/24' has host "
            "bits set; AWS would store the block it lies in, 10.0.2.0/24 (256 addresses), not "
            "10.0.2.1 alone: write 10.0.2.0/24 for the block, or 10.0.2.1/32 for the one address",
        ),
        (
            nacl_rule("outbound", 0, action="maybe"),
            "nacl-0-outbound-0-action",
            "Network ACL public-nacl, outbound rule row 1, Allow / deny: must be one of allow, "
            "deny, not 'maybe'",
        ),
        (
            sg_rule("inbound", 1, source="sg-nope"),
            "sg-0-inbound-1-peer",
            "Security group sg-web, inbound rule row 2, Source: 'sg-nope' is neither a CIDR block "
            "nor a security group of this VPC (default, sg-admin, sg-db, sg-web)",
        ),
        (
            sg_rule("inbound", 1, source="::/0"),  # a CIDR block, IPv6: said so, not "neither"
            "sg-0-inbound-1-peer",
            "Security group sg-web, inbound rule row 2, Source: this lab models IPv4 only, "
            "not '::/0'",
        ),
        (
            sg_rule("inbound", 0, ports="65536"),
            "sg-0-inbound-0-ports",
            f"Security group sg-web, inbound rule row 1, Ports: {PORT_OR_RANGE}",
        ),
        (
            sg_rule("inbound", 0, protocol="tcpp"),
            "sg-0-inbound-0-protocol",
            "Security group sg-web, inbound rule row 1, Protocol: must be tcp, udp, icmp or all "
            "(or 6, 17, 1, -1), not 'tcpp'",
        ),
        (
            lambda case: case["network"]["subnets"][1].update(network_acl="nope"),
            "subnet-1-nacl",
            "Subnet private, Network ACL: no network ACL named 'nope'",
        ),
        (
            lambda case: case["network"]["subnets"][0].update(route_to_internet_gateway="yes"),
            "subnet-0-igw",
            "Subnet public, Route to an internet gateway: must be true or false",
        ),
        (
            lambda case: case["network"]["instances"][1].update(public_ip="10.0.1.99"),
            "inst-1-public_ip",
            "Instance admin, Public IP: 10.0.1.99 is a private address; a "
            "public IP is routable on the internet",
        ),
    ],
)
def test_a_network_lab_error_names_its_field_as_the_page_does(change, field_id, words):
    problem = network_problem(change)
    assert problem is not None
    assert (problem.id, str(problem)) == (field_id, words)
    assert "network." not in str(problem) and "flow." not in str(problem)


@pytest.mark.parametrize(
    "change",
    [
        lambda case: case["network"]["vpc"].update(cidr="10.0.0.0/33"),
        lambda case: case["network"]["subnets"][0].update(cidr="10.0.1.0/33"),
        lambda case: case["network"]["instances"][0].update(private_ip="10.0.9.10"),
        lambda case: case["network"]["instances"][0].update(name="web\u202eevil"),
        lambda case: case["network"]["network_acls"][0]["inbound"][0].update(sorce="x"),
        lambda case: case["flow"].update(target_source_port=-1),
    ],
    ids=["vpc", "subnet-cidr", "private-ip", "instance-name", "unknown-key", "no-such-field"],
)
def test_a_path_the_form_has_no_field_for_is_left_to_the_engines_message(change):
    """These are edited in the case's JSON (or not at all), where the engine's path, with the
    JSON's line and column, is the way to find them."""
    assert network_problem(change) is None


def test_a_rule_is_named_by_the_row_the_form_showed_it_in():
    """A live update leaves the form as sent, its emptied rows among the others: the rule the
    case holds second may stand in the form's fourth row."""
    rows = {("nacl-0-outbound", 1): 3}
    problem = network_problem(nacl_rule("outbound", 1, ports="99999"),
                              lambda table, index: rows.get((table, index)))  # fmt: skip
    assert problem is not None and problem.id == "nacl-0-outbound-3-ports"
    assert str(problem).startswith("Network ACL public-nacl, outbound rule row 4, Ports:")
    none = network_problem(nacl_rule("outbound", 0, ports="99999"), lambda table, index: None)
    assert none is None  # a rule the form did not send is no field of it


def test_a_name_that_cannot_be_shown_is_replaced_by_the_number():
    """The engine reads a network ACL's rules before its name: a name it would refuse is
    never repeated in the words about a rule."""

    def change(case):
        case["network"]["network_acls"][1]["name"] = "private\u202eevil"
        case["network"]["network_acls"][1]["inbound"][0]["rule"] = 0

    problem = network_problem(change)
    assert problem is not None and problem.id == "nacl-1-inbound-0-rule"
    assert str(problem).startswith("Network ACL 2, inbound rule row 1, Rule #:")


def test_the_engine_keeps_its_own_words_and_paths():
    """Case files, questions and the CLI read the engine's messages and paths as they were."""
    case = copy.deepcopy(PRESETS[STARTER].case)
    case["flow"]["port"] = 70_000
    exc = _refused(trace_case, case)
    assert (exc.code, exc.path) == ("out_of_range", "flow.port")
    assert exc.message == "flow.port must be between 0 and 65535, not 70000"


def request(index: int = 0, **values):
    return lambda case: case["requests"][index].update(values)


SECONDS = "must be a number of seconds from 0 to"


@pytest.mark.parametrize(
    ("change", "field_id", "words"),
    [
        (
            request(repeat=0),
            "req-0-repeat",
            "Request 1, Repeat: must be a whole number from 1 to 5000",
        ),
        (
            request(repeat="-1"),
            "req-0-repeat",
            "Request 1, Repeat: must be a whole number from 1 to 5000",
        ),
        (
            request(repeat=5001),
            "req-0-repeat",
            "Request 1, Repeat: must be a whole number from 1 to 5000",
        ),
        (request(time=-1), "req-0-time", f"Request 1, Time: {SECONDS} 86400"),
        (request(time="soon"), "req-0-time", f"Request 1, Time: {SECONDS} 86400"),
        (request(every=3_601), "req-0-every", f"Request 1, Every: {SECONDS} 3600"),
        (
            lambda case: case.update(rate_detection_delay_sec=601),
            "delay",
            f"Rate detection delay: {SECONDS} 600",
        ),
        (request(ip="nope"), "req-0-ip", "Request 1, IP: 'nope' is not an IP address"),
        (
            request(country="USA"),
            "req-0-country",
            "Request 1, Country: is 3 characters long; at most 2",
        ),
        (
            request(captcha_token="maybe"),
            "req-0-captcha_token",
            "Request 1, CAPTCHA token: must be one of valid, missing, expired, invalid, not 'maybe'",
        ),
        (  # a Challenge token and a Body have their own fields on the form since December 2026
            request(challenge_token="solved"),
            "req-0-challenge_token",
            "Request 1, Challenge token: must be one of valid, missing, expired, invalid, "
            "not 'solved'",
        ),
        (
            request(body=7),
            "req-0-body",
            "Request 1, Body: must be a string",
        ),
        (
            request(headers={"User-Agent": "x" * 9_000}),
            "req-0-user_agent",
            "Request 1, User-Agent: is 9,000 characters; at most 8,192",
        ),
        (
            lambda case: case.update(resource="Mainframe"),
            "resource",
            "It protects: must be one of CLOUDFRONT, AMPLIFY, ALB, API_GATEWAY, APPSYNC, "
            "COGNITO_USER_POOL, APP_RUNNER, VERIFIED_ACCESS, NLB, CLASSIC_LOAD_BALANCER, "
            "EC2_INSTANCE, API_GATEWAY_HTTP_API, S3_BUCKET, not 'Mainframe'",
        ),
    ],
)
def test_a_waf_lab_error_names_its_field_as_the_page_does(change, field_id, words):
    problem = waf_problem(change)
    assert problem is not None
    assert (problem.id, str(problem)) == (field_id, words)


def test_a_request_is_named_by_the_row_the_form_showed_it_in():
    problem = waf_problem(request(repeat=0), lambda table, index: 2 if table == "req" else None)
    assert problem is not None and problem.id == "req-2-repeat"
    assert str(problem).startswith("Request 3, Repeat:")


def acl(change):
    return lambda case: change(case["web_acl"])


def rule(change):
    return lambda case: change(case["web_acl"]["Rules"][0])


@pytest.mark.parametrize(
    ("change", "field_id", "words"),
    [
        (
            acl(lambda web_acl: web_acl.pop("DefaultAction")),
            "web_acl",
            "Web ACL: needs a DefaultAction (Allow or Block)",
        ),
        (
            rule(lambda r: r.pop("Action")),
            "web_acl",
            'Web ACL, rule 1 ("login-rate"): needs an Action (Allow, Block, Count, CAPTCHA or '
            "Challenge)",
        ),
        (
            rule(lambda r: r.pop("Priority")),
            "web_acl",
            'Web ACL, rule 1 ("login-rate"): needs a Priority',
        ),
        (  # AWS's API requires one at least; the lab took none as NONE
            rule(
                lambda r: r["Statement"]["RateBasedStatement"]["ScopeDownStatement"][
                    "ByteMatchStatement"
                ].pop("TextTransformations")
            ),
            "web_acl",
            'Web ACL, rule 1 ("login-rate"), Statement, RateBasedStatement, ScopeDownStatement, '
            'ByteMatchStatement: needs TextTransformations (at least one: [{"Priority": 0, '
            '"Type": "NONE"}] for none)',
        ),
        (
            rule(lambda r: r.update(Actoin={"Block": {}})),
            "web_acl",
            'Web ACL, rule 1 ("login-rate"): Actoin is not one of its fields (it takes Action, '
            "CaptchaConfig, "
            "ChallengeConfig, Name, Priority, RuleLabels, Statement, VisibilityConfig)",
        ),
        (
            rule(lambda r: r.update(Priority=-1)),
            "web_acl",
            'Web ACL, rule 1 ("login-rate"), Priority: must be between 0 and 2000000000, not -1',
        ),
        (
            acl(lambda web_acl: web_acl.update(DefaultAction={"Allow": {}, "Block": {}})),
            "web_acl",
            'Web ACL, DefaultAction: must name exactly one action, such as {"Block": {}}',
        ),
        (
            acl(lambda web_acl: web_acl.update(DefaultAction={"Allow": 1})),
            "web_acl",
            "Web ACL, DefaultAction, Allow: must be an object",
        ),
        (
            lambda case: case.update(web_acl=[]),
            "web_acl",
            "Web ACL: must be a JSON object",
        ),
        (
            lambda case: case.update(ip_sets={"office": ["nope"]}),
            "ip_sets",
            "IP sets, set \"office\", address 1: 'nope' is not a CIDR block (an IP set lists "
            "addresses like "
            "192.0.2.44/32)",
        ),
    ],
)
def test_a_web_acl_error_marks_its_text_and_says_where_in_it_in_the_pages_words(
    change, field_id, words
):
    """The web ACL is JSON the learner typed: the engine's path is where in it to look, so it
    stays, said as a person would ("Web ACL, rule 1 ("login-rate")", not "Rules[0]", read as
    code and counted from 0) from the text as the page names it, not the engine's
    `web_acl.` field, and a missing or unknown key is said as such ("web_acl.DefaultAction
    is required" read as the engine's internals). The engine's own message is unchanged."""
    case = copy.deepcopy(WAF_PRESETS[WAF_STARTER].case)
    change(case)
    exc = _refused(evaluate_waf_case, case)
    assert exc.message.startswith(exc.path.split(".")[0].split("[")[0])  # the engine's, as was
    problem = waf_problem(change)
    assert problem is not None
    assert (problem.id, str(problem)) == (field_id, words)


def test_a_text_that_is_not_json_keeps_its_words_with_line_and_column():
    message = "Web ACL, line 2, column 3: The text ends before every { and [ in it is closed."
    problem = form_field("web_acl", "invalid_text", message, {})
    assert problem == FieldProblem("web_acl", "", message)


def test_a_waf_path_the_form_has_no_field_for_is_left_alone():
    assert waf_problem(lambda case: case.update(requests=[])) is None
    assert waf_problem(request(body_inspection="x")) is None  # an unknown key
