"""The labs' rule and request rows (netlab/templatetags/netlab_rows.py): what was typed comes
back as text in its field, the chosen option stays chosen, and every field has its label."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from netlab import state
from netlab.presets import PRESETS
from tests.netlab.test_views import form_of

pytestmark = pytest.mark.django_db
TYPED = '"><script>alert(1)</script>'


def _labelled(soup, prefix):
    fields = soup.find_all(["input", "select"], id=re.compile(prefix))
    assert fields
    for field in fields:
        label = soup.find("label", attrs={"for": field["id"]})
        assert label is not None and label.text.strip(), field["id"]
        assert field["name"] == field["id"]
    return fields


def test_a_network_rule_typed_comes_back_in_its_fields(client):
    case = PRESETS["open-ssh"].case
    form = {"network": state.network_json(case), "op": "trace"}
    form.update({f"flow-{k}": str(v) for k, v in case["flow"].items()})
    form.update({"nacl-0-inbound-0-rule": "90", "nacl-0-inbound-0-protocol": "17",
                 "nacl-0-inbound-0-ports": TYPED, "nacl-0-inbound-0-cidr": "10.0.0.0/8",
                 "nacl-0-inbound-0-action": "deny", "sg-0-inbound-0-protocol": "icmp",
                 "sg-0-inbound-0-peer": TYPED})  # fmt: skip
    html = client.post("/lab/network/", form).content.decode()
    assert "<script>" not in html
    fields = form_of(html)
    assert fields["nacl-0-inbound-0-ports"] == TYPED and fields["sg-0-inbound-0-peer"] == TYPED
    assert fields["nacl-0-inbound-0-protocol"] == "udp"  # AWS's number 17, shown by name
    assert fields["nacl-0-inbound-0-action"] == "deny"
    assert fields["sg-0-inbound-0-protocol"] == "icmp"
    soup = BeautifulSoup(html, "html.parser")
    _labelled(soup, r"^(nacl|sg)-\d+-(inbound|outbound)-\d+-")
    new = soup.find(id=re.compile(r"^nacl-0-inbound-\d+-rule$"), value="")
    assert new["placeholder"] == "new"  # the empty row that adds a rule
    label = soup.find("label", attrs={"for": "sg-0-outbound-0-peer"}).text
    assert label == "Destination, row 1"


def test_a_waf_request_typed_comes_back_in_its_fields(client):
    page = client.get("/lab/waf/").content.decode()
    fields = form_of(page, "waf-workspace")
    fields.update({"req-0-uri": TYPED, "req-0-captcha_token": "expired", "req-0-repeat": "3"})
    html = client.post("/lab/waf/", fields).content.decode()
    assert "<script>" not in html
    back = form_of(html, "waf-workspace")
    assert back["req-0-uri"] == TYPED and back["req-0-captcha_token"] == "expired"
    assert back["req-0-repeat"] == "3"
    soup = BeautifulSoup(html, "html.parser")
    _labelled(soup, r"^req-\d+-")
    last = soup.find_all(id=re.compile(r"^req-\d+-ip$"))[-1]
    assert last["value"] == "" and last["placeholder"] == "add"


# The loops as the template language drew them before (templates/netlab/*.html).
LANES_BY_TEMPLATE = """{% for lane in diagram.lanes %}
      <text x="{{ lane.x }}" y="26" class="netlab-lane">{{ lane.title }}</text>
      {% for box in lane.boxes %}
      <g class="hop hop-{{ box.verdict }}">
        <rect x="{{ box.x }}" y="{{ box.y }}" width="{{ diagram.box_w }}" height="{{ diagram.box_h }}" rx="8"></rect>
        <text x="{{ box.x|add:10 }}" y="{{ box.y|add:18 }}" class="hop-layer">{{ box.layer }}</text>
        <text x="{{ box.x|add:10 }}" y="{{ box.y|add:36 }}" class="hop-resource">{{ box.resource }}</text>
        <text x="{{ box.x|add:10 }}" y="{{ box.y|add:54 }}" class="hop-rule">{{ box.rule }}</text>
        <text x="{{ box.x|add:10 }}" y="{{ box.y|add:71 }}" class="hop-mark">{{ box.mark }}</text>
        {% if box.arrow_to %}<line x1="{{ box.x|add:diagram.mid }}" y1="{{ box.y|add:diagram.box_h }}" x2="{{ box.x|add:diagram.mid }}" y2="{{ box.arrow_to }}" class="netlab-arrow" marker-end="url(#arrow)"></line>{% endif %}
      </g>
      {% endfor %}
      {% endfor %}"""
RUNS_BY_TEMPLATE = """{% for run in line.runs %}<tr><td>#{{ run.from }}{% if run.to != run.from %}–#{{ run.to }}{% endif %}</td><td>{{ run.at|floatformat:"-1" }}{% if run.until != run.at %}–{{ run.until|floatformat:"-1" }}{% endif %}</td><td>{{ run.action }}</td><td>{% if run.rule == "Default_Action" %}default action{% else %}<code>{{ run.rule }}</code>{% endif %}</td></tr>{% endfor %}"""


def _both(old: str, new: str, context: dict) -> tuple[str, str]:
    from django.template import Context, Template

    drawn = Template("{% load netlab_rows %}" + new).render(Context(context))
    return drawn, Template(old).render(Context(context))


def test_the_trace_drawing_is_the_markup_the_template_drew():
    from netlab import diagram
    from srm_trainer.netlab import trace_case

    for preset in PRESETS.values():
        drawn, before = _both(
            LANES_BY_TEMPLATE,
            "{{ diagram|diagram_lanes }}",
            {"diagram": diagram.build(trace_case(preset.case))},
        )
        assert drawn == before and "hop hop-" in drawn
    box = diagram.Box(12, 34, "deny", "<Layer>", "sg-'web'", "a&b", "✘ denied", None)
    lanes = diagram.Diagram(400, 200, (diagram.Lane("Request", 12, (box,)),))
    drawn, before = _both(LANES_BY_TEMPLATE, "{{ diagram|diagram_lanes }}", {"diagram": lanes})
    assert drawn == before and "&lt;Layer&gt;" in drawn


def test_the_waf_runs_are_the_markup_the_template_drew():
    runs = [
        {
            "from": 1,
            "to": 100,
            "at": 0.0,
            "until": 9.9,
            "action": "ALLOW",
            "rule": "Default_Action",
        },
        {"from": 101, "to": 101, "at": 10.25, "until": 10.25, "action": "BLOCK", "rule": "<rate>"},
        {"from": 1200, "to": 3000, "at": 12, "until": 299.999, "action": "BLOCK", "rule": "r&1"},
    ]
    for line in ({"runs": runs}, {"runs": []}, None):
        drawn, before = _both(RUNS_BY_TEMPLATE, "{{ line|waf_runs }}", {"line": line})
        assert drawn == before
