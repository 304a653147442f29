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
