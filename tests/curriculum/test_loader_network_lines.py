"""The network question kinds in a content file: a problem the engine or the kind's check finds
is reported at the line of the key it is about, not the line its case or challenge starts on."""

from __future__ import annotations

from pathlib import Path

import pytest

from curriculum.quiz_readers import read_quizzes
from curriculum.readers import CurriculumError, read_curriculum
from tests.content import TWO_SOURCES, write

pytestmark = pytest.mark.django_db

# Block style throughout, so each key is on a line of its own. The flow's reply is blocked by
# network ACL `edge`; the WAF request is blocked by `block-admin`; the flow-fix starts broken.
NETWORK_QUIZ = """
    quiz:
      slug: net-quiz
      title: Networks
      module: net
    questions:
      - slug: web-flow
        type: flow_decision
        prompt: Does the page load?
        explanation: The network ACL forgets the reply.
        lesson: net/vpc
        case:
          network:
            vpc: {cidr: 10.0.0.0/16}
            subnets:
              - name: public
                cidr: 10.0.1.0/24
                route_to_internet_gateway: true
                network_acl: edge
            network_acls:
              - name: edge
                inbound:
                  - {rule: 100, protocol: tcp, ports: "80", cidr: 0.0.0.0/0, action: allow}
                outbound:
                  - {rule: 100, protocol: tcp, ports: "80", cidr: 0.0.0.0/0, action: allow}
            security_groups:
              - name: sg-web
                inbound:
                  - {protocol: tcp, ports: 80, source: 0.0.0.0/0}
            instances:
              - name: web
                subnet: public
                private_ip: 10.0.1.10
                public_ip: 54.0.0.10
                security_groups: [sg-web]
          flow:
            source: internet
            destination: web
            protocol: tcp
            port: 80
          expect:
            request: allowed
            reply: blocked
      - slug: admin-block
        type: waf_rule
        prompt: Which rule acts?
        explanation: The admin rule blocks it.
        lesson: net/vpc
        case:
          web_acl:
            Name: shop
            DefaultAction: {Allow: {}}
            Rules:
              - Name: block-admin
                Priority: 0
                Action: {Block: {}}
                Statement:
                  ByteMatchStatement:
                    SearchString: /admin
                    FieldToMatch: {UriPath: {}}
                    PositionalConstraint: STARTS_WITH
                    TextTransformations: [{Priority: 0, Type: NONE}]
          request:
            ip: 203.0.113.66
            uri: /admin/login
          resource: ALB
          expect:
            action: Block
            rule: block-admin
      - slug: fix-web
        type: flow_fix
        prompt: Let the page load and keep SSH out.
        explanation: Allow the ephemeral ports back out.
        lesson: net/vpc
        challenge:
          network:
            vpc: {cidr: 10.1.0.0/16}
            subnets:
              - name: front
                cidr: 10.1.1.0/24
                route_to_internet_gateway: true
                network_acl: gate
            network_acls:
              - name: gate
                inbound:
                  - {rule: 100, protocol: tcp, ports: "80", cidr: 0.0.0.0/0, action: allow}
                outbound:
                  - {rule: 100, protocol: tcp, ports: "80", cidr: 0.0.0.0/0, action: allow}
            security_groups:
              - name: sg-shop
                inbound:
                  - {protocol: tcp, ports: 80, source: 0.0.0.0/0}
                  - {protocol: tcp, ports: 22, source: 0.0.0.0/0}
            instances:
              - name: shop
                subnet: front
                private_ip: 10.1.1.10
                public_ip: 54.0.0.11
                security_groups: [sg-shop]
          must_allow:
            - source: internet
              destination: shop
              protocol: tcp
              port: 80
          must_block:
            - source: 198.51.100.7
              destination: shop
              protocol: tcp
              port: 22
"""


@pytest.fixture
def content(tmp_path: Path) -> Path:
    write(tmp_path, "modules.yaml", "- slug: net\n  title: Networks\n")
    write(tmp_path, "net/01-vpc.md", "---\ntitle: VPC\n" + TWO_SOURCES + "\n---\n## A\nB.\n")
    write(tmp_path, "quizzes/net-quiz.yaml", NETWORK_QUIZ)
    return tmp_path


def test_the_network_quiz_loads_as_written(content):
    """The cases below break one thing each in a file that is otherwise right."""
    read_quizzes(content, read_curriculum(content))


# (text to replace, its replacement, the text on the line the error must name, its words)
CASES = [
    (
        "port: 80\n      expect:",
        "port: 80\n      colour: blue\n      expect:",
        "colour: blue",
        "case: unknown field 'colour'",
    ),
    (
        "reply: blocked",
        "reply: allowed",
        "reply: allowed",
        "case: your expected answer says the reply gets back, but the network blocks it: network "
        "ACL edge (outbound, the final * rule) on the reply",
    ),
    (
        "reply: blocked",
        "blocked_at:\n          layer: network_acl\n          resource: gate",
        "resource: gate",
        "your expected answer says it is blocked at network ACL gate, but it is blocked at "
        "network ACL edge (outbound, the final * rule) on the reply",
    ),
    (
        "destination: web\n        protocol: tcp\n        port: 80",
        "destination: web\n        protocol: tcp\n        port: http",
        "port: http",
        "case: Flow, port: must be a whole number",
    ),
    (
        "resource: ALB\n      expect:",
        "resource: ALB\n      colour: blue\n      expect:",
        "colour: blue",
        "case: unknown field 'colour'",
    ),
    (
        "rule: block-admin",
        "rule: Default_Action",
        "rule: Default_Action",
        "case: The request: your expected answer says it is blocked (no rule matched), but the "
        'web ACL blocks it by rule 1 ("block-admin")',
    ),
    (
        "rule: block-admin",
        "labels:\n          - admin",
        "labels:",
        'The request: your expected answer says it carries the label "admin", but it does not',
    ),
    (
        "ip: 203.0.113.66",
        "ip: 203.0.113.666",
        "ip: 203.0.113.666",
        "case: Request, ip: '203.0.113.666' is not an IP address",
    ),
    ("resource: ALB", "resource: NLB", "resource: NLB", "cannot protect this resource"),
    (
        "port: 22\n",
        "port: 22\n      colour: blue\n",
        "colour: blue",
        "challenge: unknown field 'colour'",
    ),
    (
        "port: 22\n",
        "port: ssh\n",
        "port: ssh",
        "challenge must_block #1, port: must be a whole number",
    ),
    (
        "must_allow:\n        - source: internet\n          destination: shop\n"
        "          protocol: tcp\n          port: 80\n",
        "must_allow: internet\n",
        "must_allow: internet",
        "challenge: 'must_allow' must be a list of 1 to 12 flows",
    ),
    (
        "cidr: 10.1.1.0/24",
        "cidr: 10.9.1.0/24",
        "cidr: 10.9.1.0/24",
        "challenge: Subnet front, CIDR: 10.9.1.0/24 is not inside the VPC",
    ),
]


@pytest.mark.parametrize(("old", "new", "at", "words"), CASES, ids=[c[3] for c in CASES])
def test_a_network_question_problem_names_the_line_of_its_key(content, old, new, at, words):
    path = content / "quizzes/net-quiz.yaml"
    text = path.read_text()
    assert text.count(old) == 1
    text = text.replace(old, new)
    path.write_text(text)
    [line] = [n for n, row in enumerate(text.splitlines(), start=1) if at in row]
    with pytest.raises(CurriculumError) as excinfo:
        read_quizzes(content, read_curriculum(content))
    assert words in str(excinfo.value)
    assert excinfo.value.line == line, str(excinfo.value)
