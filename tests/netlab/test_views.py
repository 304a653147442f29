"""/lab/network/: presets, the form as a browser submits it, live updates, links and files."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from bs4 import BeautifulSoup
from django.utils.html import escape

from netlab import views
from netlab.presets import PRESETS
from netlab.state import case_from_form
from netlab.waf_presets import PRESETS as WAF_PRESETS
from srm_trainer.netlab.vpc import MAX_NACL_RULES, MAX_SG_RULES

URL = "/lab/network/"
pytestmark = pytest.mark.django_db


class _Form(HTMLParser):
    """The workspace form's fields as a browser would submit them (text, hidden, checked
    boxes, selected options, textareas)."""

    def __init__(self, form_id: str = "workspace") -> None:
        super().__init__()
        self.form_id = form_id
        self.fields: dict[str, str] = {}
        self.inside = False
        self.select: str | None = None
        self.first_option: str | None = None
        self.textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and name != "op":
            if a.get("type") == "checkbox":
                if "checked" in a:
                    self.fields[name] = "on"
            else:
                self.fields[name] = a.get("value", "")
        elif tag == "select":
            self.select, self.first_option = name, None
        elif tag == "option" and self.select:
            if self.first_option is None:
                self.first_option = a.get("value", "")
                self.fields.setdefault(self.select, self.first_option)
            if "selected" in a:
                self.fields[self.select] = a.get("value", "")
        elif tag == "textarea":
            self.textarea = name
            self.fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea":
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.fields[self.textarea] += data


def form_of(html: str, form_id: str = "workspace") -> dict[str, str]:
    parser = _Form(form_id)
    parser.feed(html)
    return parser.fields


def verdicts(html: str) -> list[str]:
    return re.findall(r'class="verdict verdict-[a-z]+">([^<]+)', html)


EXPECTED = {
    "db-from-web-tier": ["Request allowed", "Reply allowed"],
    "open-ssh": ["Request allowed", "Reply allowed"],
    "forgotten-ephemeral-ports": ["Request allowed", "Reply blocked"],
    "block-attacker-nacl": ["Request blocked", "No reply: the request never arrived"],
    "udp-reflection-edge": ["Request blocked", "No reply: the request never arrived"],
}


def test_every_preset_tells_its_story(client):
    assert set(EXPECTED) == set(PRESETS)
    for slug, expected in EXPECTED.items():
        html = client.get(URL, {"preset": slug}).content.decode()
        assert verdicts(html) == expected, slug
        assert escape(PRESETS[slug].title) in html


def test_the_page_draws_the_path_and_names_the_deciding_rule(client):
    html = client.get(URL, {"preset": "forgotten-ephemeral-ports"}).content.decode()
    for layout in ("wide", "narrow"):  # side by side, and stacked for a phone
        svg = html[html.index(f'<svg class="netlab-svg netlab-svg-{layout}"') :]
        svg = svg[: svg.index("</svg>")]
        assert svg.count('class="hop hop-deny"') == 1, layout
        assert f'aria-labelledby="diagram-title-{layout}"' in svg, layout
    assert "Stopped at <strong>public-nacl</strong>" in html
    assert "outbound rule *" in html  # the deciding rule, named in the drawing


def test_submitting_the_form_unchanged_gives_the_same_answer(client):
    page = client.get(URL, {"preset": "forgotten-ephemeral-ports"}).content.decode()
    answer = client.post(URL, {**form_of(page), "op": "trace"}).content.decode()
    assert verdicts(answer) == ["Request allowed", "Reply blocked"]


def test_adding_the_ephemeral_rule_in_the_form_lets_the_reply_out(client):
    page = client.get(URL, {"preset": "forgotten-ephemeral-ports"}).content.decode()
    fields = form_of(page)
    # the public NACL's outbound table has one rule and then an empty row to add one
    assert fields["nacl-0-outbound-1-rule"] == ""
    fields.update({"nacl-0-outbound-1-rule": "110", "nacl-0-outbound-1-protocol": "tcp",
                   "nacl-0-outbound-1-ports": "1024-65535",
                   "nacl-0-outbound-1-cidr": "0.0.0.0/0", "op": "trace"})  # fmt: skip
    answer = client.post(URL, fields).content.decode()
    assert verdicts(answer) == ["Request allowed", "Reply allowed"]
    assert 'value="1024-65535"' in answer


def test_clearing_a_rule_number_removes_the_rule(client):
    page = client.get(URL, {"preset": "block-attacker-nacl"}).content.decode()
    fields = form_of(page)
    assert fields["nacl-0-inbound-0-rule"] == "90"
    fields["nacl-0-inbound-0-rule"] = ""
    answer = client.post(URL, {**fields, "op": "trace"}).content.decode()
    assert verdicts(answer) == ["Request allowed", "Reply allowed"]


def test_a_live_update_answers_with_the_result_only(client):
    page = client.get(URL).content.decode()
    fields = {**form_of(page), "flow-source": "admin"}
    response = client.post(URL, fields, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="result"') and "<html" not in html
    assert verdicts(html)[0] == "Request blocked"  # admin is not in sg-web


@pytest.mark.parametrize("op", ["open", "download", "something-else"])
def test_a_live_update_carrying_a_buttons_op_answers_with_the_result_only(client, op):
    """htmx sends a submit button that merely has focus with the form's next live update (Tab
    from the case's JSON lands on "Open this case"): the answer is still the result alone, for
    the form's fields, never a whole page or a file in the result panel."""
    page = client.get(URL).content.decode()
    fields = {**form_of(page), "flow-source": "admin", "case_json": "{", "op": op}
    response = client.post(URL, fields, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200 and "Content-Disposition" not in response
    assert html.lstrip().startswith('<section id="result"') and "<h1" not in html
    assert verdicts(html)[0] == "Request blocked"  # admin is not in sg-web
    assert "line 1, column" not in html


def test_a_mistake_is_shown_with_its_field_and_kept_in_the_form(client):
    page = client.get(URL).content.decode()
    fields = {**form_of(page), "nacl-0-inbound-0-cidr": "0.0.0.0/33", "op": "trace"}
    response = client.post(URL, fields)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Network ACL public-nacl, inbound rule row 1, Source</a>: &#x27;0.0.0.0/33" in html
    assert 'value="0.0.0.0/33"' in html


def test_a_permalink_reopens_the_same_network_and_flow(client):
    page = client.get(URL, {"preset": "udp-reflection-edge"}).content.decode()
    link = re.search(r'id="permalink" type="text" readonly value="([^"]+)"', page).group(1)
    token = link.split("?case=", 1)[1]
    again = client.get(URL, {"case": token}).content.decode()
    assert verdicts(again) == EXPECTED["udp-reflection-edge"]


def test_a_damaged_permalink_opens_the_example_with_a_notice(client):
    html = client.get(URL, {"case": "not-a-real-token!!"}).content.decode()
    assert "damaged" in html and verdicts(html) == EXPECTED["db-from-web-tier"]


def test_download_then_open_round_trips_a_case(client):
    page = client.get(URL, {"preset": "open-ssh"}).content.decode()
    fields = form_of(page)
    download = client.post(URL, {**fields, "op": "download"})
    assert download["Content-Disposition"].startswith("attachment")
    case = json.loads(download.content)
    assert case["flow"]["port"] == 22
    reopened = client.post(URL, {**fields, "case_json": json.dumps(case), "op": "open"})
    assert verdicts(reopened.content.decode()) == EXPECTED["open-ssh"]


def test_opening_invalid_json_keeps_the_form(client):
    page = client.get(URL, {"preset": "open-ssh"}).content.decode()
    fields = {**form_of(page), "case_json": '{"network": ', "op": "open"}
    html = client.post(URL, fields).content.decode()
    assert "Case, line 1, column 13: The text ends before every { and [ in it is closed." in html
    assert verdicts(html) == EXPECTED["open-ssh"]
    # The page comes back at its top: focus goes to the pasted text, whose error is read with it
    # (and nothing else on the page takes it).
    soup = BeautifulSoup(html, "html.parser")
    assert [el.get("id") for el in soup.select("[autofocus]")] == ["case_json"]
    assert soup.select_one("#case_json")["aria-describedby"] == "case_json-error"
    # A page opened without an error leaves focus where the browser puts it.
    assert not BeautifulSoup(page, "html.parser").select("[autofocus]")


def test_an_oversized_post_is_refused(client):
    response = client.post(URL, {"network": "x" * 70_000})
    assert response.status_code == 413


def test_a_rule_typed_in_any_offered_row_is_kept_and_none_past_them(client):
    """The form reads a table's rows by their key field (a NACL rule's number, a security
    group rule's peer): a rule typed in a row that skips others, or in the last row a table
    can hold, is kept; a row past the engine's limit is not read."""
    page = client.get(URL, {"preset": "open-ssh"}).content.decode()
    fields = form_of(page)
    network = json.loads(fields["network"])
    rule = {"protocol": "tcp", "ports": "22", "cidr": "198.51.100.0/24", "action": "deny"}
    for j, number in ((7, "5"), (MAX_NACL_RULES, "6"), (MAX_NACL_RULES + 1, "7")):
        fields.update({f"nacl-0-inbound-{j}-{k}": v for k, v in {**rule, "rule": number}.items()})
    fields.update({"sg-0-inbound-9-peer": "203.0.113.0/24", "sg-0-inbound-9-ports": "443",
                   f"sg-0-inbound-{MAX_SG_RULES + 1}-peer": "192.0.2.0/24"})  # fmt: skip
    case = case_from_form(fields)
    inbound = case["network"]["network_acls"][0]["inbound"]
    kept = [r for r in inbound if r["cidr"] == "198.51.100.0/24"]
    assert [r["rule"] for r in kept] == [5, 6]
    assert kept[0] == {**rule, "rule": 5}
    peers = [r.get("source") for r in case["network"]["security_groups"][0]["inbound"]]
    assert "203.0.113.0/24" in peers and "192.0.2.0/24" not in peers
    assert len(inbound) == len(network["network_acls"][0].get("inbound", [])) + 2


def test_a_live_update_builds_only_the_result(client, monkeypatch):
    """A live update swaps the result alone: the form's rows and the case's JSON are not built
    for it (they were, and thrown away), but are for a form posted without JavaScript."""
    page = client.get(URL, {"preset": "forgotten-ephemeral-ports"}).content.decode()
    fields = {**form_of(page), "op": "trace"}
    built = []
    real_rows = views.rows
    monkeypatch.setattr(views, "rows", lambda case: built.append(case) or real_rows(case))
    live = client.post(URL, fields, headers={"HX-Request": "true"}).content.decode()
    assert verdicts(live) == EXPECTED["forgotten-ephemeral-ports"] and built == []
    whole = client.post(URL, fields).content.decode()
    assert verdicts(whole) == EXPECTED["forgotten-ephemeral-ports"] and len(built) == 1
    assert 'name="case_json"' in whole


@pytest.mark.parametrize(
    ("url", "presets"), [(URL, PRESETS), ("/lab/waf/", WAF_PRESETS)], ids=["network", "waf"]
)
def test_a_presets_code_spans_are_drawn_as_code_not_as_backticks(client, url, presets):
    """`sg-web` in a situation is code on the page; the menu's <option> holds no markup, so it
    reads the name without its backticks. Either way a screen reader never reads a backtick."""
    spans = 0
    for slug, preset in presets.items():
        html = client.get(url, {"preset": slug}).content.decode()
        card = re.search(
            r'<section class="card" aria-labelledby="preset-title">.*?</section>', html, re.S
        )[0]
        menu = re.search(r'<select id="preset".*?</select>', html, re.S)[0]
        assert "`" not in card + menu, slug
        spans += card.count("<code>")
        for code in re.findall(r"`([^`]+)`", preset.situation):
            assert f"<code>{escape(code)}</code>" in card
    assert spans  # the presets do name things that are code


def test_a_name_with_a_bidi_control_is_refused_not_drawn(client):
    """`web\u202eevil` would read every explanation after it backwards: the lab says why it
    cannot trace the case, and draws no hop with that name in it."""
    page = client.get(URL).content.decode()
    fields = form_of(page)
    case = json.loads(fields["case_json"])
    case["network"]["instances"][0]["name"] = "web\u202eevil"
    html = client.post(URL, {**fields, "case_json": json.dumps(case), "op": "open"}).content
    html = html.decode()
    assert "Instance 1, name: a name cannot hold the invisible direction control U+202E" in html
    assert 'class="hop-line' not in html


def test_the_json_fold_offers_only_what_the_page_can_do(client):
    """It offered to "open a case file" with no file input, and sent learners to a source
    file of the project (FORMAT.md) that they cannot open."""
    html = client.get(URL).content.decode()
    fold = html[
        html.index("<summary>Edit the whole case") : html.index(
            "</details>", html.index("<summary>Edit the whole case")
        )
    ]
    assert "FORMAT.md" not in fold
    assert 'type="file"' in fold or "file" not in fold.split("</summary>")[0]
    for key in ("network", "flow", "subnets", "instances", "load_balancers"):
        assert f"<code>{key}</code>" in fold


def test_flow_fields_the_form_does_not_show_are_kept_through_every_edit(client):
    """A case opened from a link or a file may name the load balancer's target (and the port
    it connects from), which the form has no box for: the next trace keeps them, it does not
    quietly trace to the first target instead."""
    from pathlib import Path

    from netlab.state import decode_permalink, encode_permalink

    cases = json.loads(
        Path(__file__).with_name("cases").joinpath("load_balancers.json").read_text()
    )
    case = next(c for c in cases if c["flow"].get("target") == "app2")
    flow = {**case["flow"], "target_source_port": 40000}
    opened = client.get(URL, {"case": encode_permalink({"network": case["network"], "flow": flow})})
    html = opened.content.decode()
    assert verdicts(html)[0] == "Request blocked"  # app2's own security group (sg-other)
    for live in (True, False):  # a live update's fragment, then the whole form sent
        headers = {"HX-Request": "true"} if live else {}
        answer = client.post(URL, {**form_of(html), "op": "trace"}, headers=headers)
        answer = answer.content.decode()
        assert verdicts(answer)[0] == "Request blocked"
        link = re.search(r'id="permalink" type="text" readonly value="([^"]+)"', answer)[1]
        kept = decode_permalink(link.split("case=", 1)[1])["flow"]
        assert (kept["target"], kept["target_source_port"]) == ("app2", 40000)


def test_the_page_says_what_the_lab_leaves_out(client):
    """A learner must not take a gap of the engine for AWS's behaviour (FORMAT.md, "What the
    engine simplifies"): IPv4 only, ICMP types, connection tracking."""
    html = client.get(URL).content.decode()
    box = html[html.index('<details class="card" id="lab-limits">') :]
    box = box[: box.index("</details>")]
    assert "<summary>What this lab leaves out</summary>" in box
    for words in ("IPv4 only", "every ICMP type and code", "Connection tracking"):
        assert words in box, words
