"""/lab/waf/: presets, requests edited in the form, the rate chart, mistakes kept, links."""

from __future__ import annotations

import html as entities
import json
import re

import pytest
from bs4 import BeautifulSoup

from netlab import waf_state
from tests.netlab.test_views import form_of as _form_of

URL = "/lab/waf/"
pytestmark = pytest.mark.django_db


def counts(html: str) -> dict[str, int]:
    found = re.findall(r"<li><strong>(\d+)</strong> × <span[^>]*>(\w+)</span> by ([^<]+<code>)?"
                       r"([^<]*)", html)  # fmt: skip
    return {f"{action} {rule or 'default'}".strip(): int(n) for n, action, _, rule in found}


def form_of(html: str) -> dict[str, str]:
    return _form_of(html, "waf-workspace")


def test_the_login_flood_is_limited_after_the_first_hundred(client):
    html = client.get(URL).content.decode()
    assert counts(html) == {"Block login-rate": 2900, "Allow the default action": 102}
    assert "<polyline" in html and ">limit</text>" in html and ">100</text>" in html


def test_the_form_submitted_unchanged_gives_the_same_answer(client):
    fields = form_of(client.get(URL).content.decode())
    assert fields["req-0-repeat"] == "3000"
    html = client.post(URL, fields).content.decode()
    assert counts(html) == {"Block login-rate": 2900, "Allow the default action": 102}


def test_a_slower_burst_stays_under_the_limit(client):
    fields = form_of(client.get(URL).content.decode())
    fields.update({"req-0-repeat": "90"})  # 90 + the later ones: never over 100 in 5 minutes
    html = client.post(URL, fields, headers={"HX-Request": "true"}).content.decode()
    assert html.lstrip().startswith('<section id="waf-result"')
    assert counts(html) == {"Allow the default action": 92}


def test_moving_the_web_acl_to_an_nlb_is_refused_with_the_reason(client):
    fields = {**form_of(client.get(URL).content.decode()), "resource": "NLB"}
    html = client.post(URL, fields).content.decode()
    assert "Cannot attach" in html and "Network Load Balancer" in html


def test_a_json_mistake_is_located_and_the_text_kept(client):
    fields = {**form_of(client.get(URL).content.decode()), "web_acl": '{"Name": "x",\n "Rules": ['}
    html = client.post(URL, fields).content.decode()
    assert "Web ACL, line 2, column 12: The text ends before every" in html
    assert "&quot;Rules&quot;: [" in html


@pytest.mark.parametrize("text", ["", " \n "])
def test_an_emptied_web_acl_is_said_to_be_empty_not_a_decoder_message(client, text):
    # A learner who cleared the box read "The web ACL is not valid JSON: Expecting value at
    # line 1, column 1."
    fields = {**form_of(client.get(URL).content.decode()), "web_acl": text}
    for headers in ({}, {"HX-Request": "true"}):
        html = entities.unescape(client.post(URL, fields, headers=headers).content.decode())
        assert "The web ACL is empty: write it in AWS WAF's JSON" in html
        assert "Expecting value" not in html


def test_a_json_mistake_in_the_ip_sets_is_worded_for_a_plural(client):
    fields = {**form_of(client.get(URL).content.decode()), "ip_sets": "{"}
    html = client.post(URL, fields).content.decode()
    assert "IP sets, line 1, column 2: The text ends before every" in html


def test_an_engine_error_names_the_field(client):
    text = '{"Name": "x", "DefaultAction": {"Allow": {}}, "Rules": [{"Name": "r", "Priority": 0, "Action": {"Allow": {}}, "Statement": {"RateBasedStatement": {"Limit": 100}}}]}'
    fields = {**form_of(client.get(URL).content.decode()), "web_acl": text}
    html = client.post(URL, fields).content.decode()
    assert (
        "Web ACL, rule 1 (&quot;r&quot;), Action</a>: a rate-based rule can use any action except"
        in html
    )


@pytest.mark.parametrize("htmx", [False, True])
def test_a_missing_default_action_is_said_in_the_learners_terms(client, htmx):
    """ "web_acl.DefaultAction is required" named the engine's field; the learner typed a web
    ACL, so it is said of that, linked to its box, and what the key takes."""
    acl = json.loads(form_of(client.get(URL).content.decode())["web_acl"])
    del acl["DefaultAction"]
    fields = {**form_of(client.get(URL).content.decode()), "web_acl": json.dumps(acl)}
    headers = {"HX-Request": "true"} if htmx else {}
    html = entities.unescape(client.post(URL, fields, headers=headers).content.decode())
    assert (
        '<p id="result-error" class="form-error" data-field="web_acl">Can\'t evaluate this yet: '
        '<a href="#web_acl">Web ACL</a>: needs a DefaultAction (Allow or Block)</p>'
    ) in html
    assert "is required" not in html and "web_acl.DefaultAction" not in html
    if htmx:
        assert (
            "Can't evaluate this yet: Web ACL: needs a DefaultAction (Allow or Block)</p>" in html
        )


def test_labels_and_count_then_block(client):
    html = client.get(URL, {"preset": "count-then-block"}).content.decode()
    assert "awswaf:111122223333:webacl:site:app:admin" in html
    assert counts(html) == {"Allow the default action": 2, "Block admin-outside-office": 1}


def test_a_permalink_reopens_the_case(client):
    html = client.get(URL, {"preset": "captcha-login"}).content.decode()
    link = re.search(r'id="waf-permalink" type="text" readonly value="([^"]+)"', html).group(1)
    again = client.get(URL, {"case": link.split("?case=", 1)[1]}).content.decode()
    assert counts(again) == counts(html) == {"CAPTCHA login-captcha": 1,
                                             "Allow the default action": 1}  # fmt: skip


def test_a_request_typed_in_any_row_is_kept_whole_and_none_past_the_last():
    """The form reads a request row's fields only when its IP is filled: a row typed after
    empty ones, even the last the form offers, is kept with every field; no row past it."""
    last = waf_state.MAX_ROWS - 1
    post = {"resource": "ALB", "web_acl": "{}", "ip_sets": "", "delay": ""}
    post.update({"req-3-ip": " 198.51.100.7 ", "req-3-uri": "/login", "req-3-repeat": "5"})
    post.update({f"req-{last}-ip": "203.0.113.9", f"req-{last}-user_agent": "curl/8"})
    post.update({f"req-{last + 1}-ip": "192.0.2.1", "req-0-uri": "/not-a-request"})
    rows = waf_state.form_texts(post)["rows"]
    assert [r["ip"] for r in rows] == ["198.51.100.7", "203.0.113.9", ""]  # and one empty row
    assert rows[0] == {**dict.fromkeys(waf_state.ROW_FIELDS, ""), "ip": "198.51.100.7",
                       "uri": "/login", "repeat": "5"}  # fmt: skip
    assert rows[1]["user_agent"] == "curl/8"


@pytest.mark.parametrize(("typed", "kept"), [("12", 12), ("7.5", 7.5)])
def test_a_whole_number_comes_back_from_a_link_as_typed(client, typed, kept):
    """A delay of 12 was linked as 12.0, and the reopened form showed "12.0"."""
    fields = {**form_of(client.get(URL).content.decode()), "delay": typed, "req-0-time": typed}
    html = client.post(URL, fields).content.decode()
    link = re.search(r'id="waf-permalink" type="text" readonly value="([^"]+)"', html).group(1)
    case = waf_state.decode(link.split("case=", 1)[1])
    assert case["rate_detection_delay_sec"] == kept
    assert str(case["rate_detection_delay_sec"]) == typed
    reopened = form_of(client.get(link).content.decode())
    assert (reopened["delay"], reopened["req-0-time"]) == (typed, typed)


def test_request_fields_the_form_does_not_show_are_kept_through_every_edit(client):
    """A request's body and challenge token, which a case from a link or a file may give and
    the form has no box for, come back in the next link, not dropped by the next edit."""
    html = client.get(URL, {"preset": "captcha-login"}).content.decode()
    link = re.search(r'id="waf-permalink" type="text" readonly value="([^"]+)"', html).group(1)
    case = waf_state.decode(link.split("case=", 1)[1])
    case["requests"][0].update(body="user=admin' OR 1=1--", challenge_token="valid")
    fields = form_of(client.get(URL, {"case": waf_state.encode(case)}).content.decode())
    answer = client.post(URL, {**fields, "delay": "30"}).content.decode()
    link = re.search(r'id="waf-permalink" type="text" readonly value="([^"]+)"', answer).group(1)
    kept = waf_state.decode(link.split("case=", 1)[1])["requests"][0]
    assert (kept["body"], kept["challenge_token"]) == ("user=admin' OR 1=1--", "valid")


def error_of(html: str) -> str:
    return re.search(r'<p id="result-error"[^>]*>(.*?)</p>', html, re.S).group(1)


BAD_RULE = ('{"Name": "x", "DefaultAction": {"Allow": {}}, "Rules": [{"Name": "r", "Priority": 0, '
            '"Action": {"Allow": {}}, "Statement": {"RateBasedStatement": {"Limit": 100}}}]}')  # fmt: skip


@pytest.mark.parametrize(
    "typed",
    [
        {"web_acl": '{"Name": "x",\r\n "Rules": ['},  # not JSON: kept as typed
        {"ip_sets": '{"arn:aws:wafv2:ip-set": ["198.51.100.0/24",]}'},
        {"web_acl": BAD_RULE, "req-0-uri": "/typed-here"},  # an engine error
        {"delay": "soon"},
    ],
)
def test_a_case_with_an_error_is_linked_and_the_link_opens_it_with_the_same_error(client, typed):
    """As the sandbox's and the network lab's links: a learner stuck on an error can send it to
    a teacher, who sees the same texts and the same message. The link was withheld."""
    fields = {**form_of(client.get(URL).content.decode()), **typed}
    for headers in ({}, {"HX-Request": "true"}):  # the page sent, and a live update
        html = client.post(URL, fields, headers=headers).content.decode()
        link = re.search(r'id="waf-permalink" type="text" readonly value="([^"]+)"', html)
        assert link is not None and "too large to fit in a link" not in html
    opened = client.get(link.group(1))
    assert opened.status_code == 200
    again = opened.content.decode()
    assert error_of(again) == error_of(html)
    reopened = form_of(again)
    for name, text in typed.items():
        if name == "web_acl" and text == BAD_RULE:  # valid JSON: laid out again, the same
            assert json.loads(reopened[name]) == json.loads(text)
        else:  # as typed, to the line break
            assert reopened[name] == text


def test_a_case_too_large_for_a_link_with_an_error_says_so():
    """A mistaken text longer than the lab takes is no link (one it could not open again)."""
    texts = waf_state.texts_of({"web_acl": {}})
    texts["web_acl"] = "[" * (waf_state.MAX_JSON_CHARS + 1)
    with pytest.raises(waf_state.StateError):
        waf_state.case_of(texts)
    assert waf_state.encode(waf_state.case_of(texts, keep_mistakes=True)) is None


def test_download_gives_the_forms_case_as_a_file_a_json_mistake_keeps_the_page(client):
    """The network lab had "Download case"; this lab had only a link, so a web ACL tried here
    could not be taken to a WAF question's editor as a case."""
    fields = form_of(client.get(URL).content.decode())
    download = client.post(URL, {**fields, "op": "download"})
    assert download["Content-Disposition"] == 'attachment; filename="waf-case.json"'
    case = json.loads(download.content)
    assert case["web_acl"]["Rules"][0]["Name"] == "login-rate"
    assert case["requests"][0]["repeat"] == 3000
    broken = client.post(URL, {**fields, "web_acl": '{"Name": ', "op": "download"})
    assert broken.status_code == 200 and "Content-Disposition" not in broken
    html = broken.content.decode()
    assert "Web ACL, line 1, column" in html and "{&quot;Name&quot;: " in html


def test_the_page_says_what_the_lab_leaves_out(client):
    """What the engine refuses or simplifies is said on the page, not only when a rule runs
    into it: forwarded IPs, rule groups, WCUs, exact rate counting."""
    html = client.get(URL).content.decode()
    box = html[html.index('<details class="card" id="lab-limits">') :]
    box = box[: box.index("</details>")]
    assert "<summary>What this lab leaves out</summary>" in box
    for words in ("X-Forwarded-For", "managed rule groups", "capacity units", "count exactly"):
        assert words in box, words


def bar(html: str) -> tuple[str, str]:
    """The phone's bar: its tone and its words (without the hidden "before your last change")."""
    found = re.search(r'<a id="decision-bar" class="decision-bar decision-(\w+)" href="#waf-result">'
                      r"<span>([^<]*)<span", html)  # fmt: skip
    assert found, "no bar"
    return found[1], found[2]


@pytest.mark.parametrize(
    ("preset", "change", "expected"),
    [
        ("login-flood", {}, ("mixed", "3002 requests: 102 allowed, 2900 blocked")),
        ("login-flood", {"req-0-repeat": "90"}, ("allow", "All 92 requests allowed")),
        ("captcha-login", {}, ("mixed", "2 requests: 1 allowed, 1 shown a CAPTCHA")),
        ("waf-on-nlb", {}, ("error", "Cannot attach")),
        ("waf-on-nlb", {"resource": "ALB"}, ("blocked", "1 request blocked")),
        ("login-flood", {"web_acl": "{"}, ("error", "Can't evaluate this yet")),
    ],
)
def test_the_phones_bar_names_the_outcome_on_the_page_and_in_each_live_update(
    client, preset, change, expected
):
    """On a phone the result is ~2,300 px below the fields: a bar pinned to the viewport's foot
    says what happened to the requests, redrawn with the result by every live update."""
    page = client.get(URL, {"preset": preset}).content.decode()
    if not change:
        assert bar(page) == expected
    fields = {**form_of(page), **change}
    assert bar(client.post(URL, fields).content.decode()) == expected
    live = client.post(URL, fields, headers={"HX-Request": "true"}).content.decode()
    assert bar(live) == expected and live.count('id="decision-bar"') == 1


def test_a_country_pasted_whole_is_refused_with_its_length_not_cut_to_two_letters(client):
    """The country box carried `maxlength="2"`: "Germany" pasted was cut to "GE", Georgia,
    without a word, and the lab traced requests from the wrong country. The lab's own check
    refuses it with its length, the text kept in the box."""
    page = client.get(URL).content.decode()
    box = re.search(r'<input[^>]*name="req-0-country"[^>]*>', page)
    assert box and "maxlength" not in box.group(0)
    fields = form_of(page) | {"req-0-country": "Germany"}
    answer = entities.unescape(client.post(URL, fields).content.decode())
    said = re.sub(r"<[^>]+>", "", answer)  # the field's name is a link to it
    assert "Request 1, Country: is 7 characters long; at most 2" in said
    assert re.search(r'<input[^>]*name="req-0-country"[^>]*value="Germany"', answer)


BODY_RULE = json.dumps({
    "Name": "api", "DefaultAction": {"Allow": {}},
    "Rules": [
        {"Name": "no-sqli-in-body", "Priority": 0, "Action": {"Block": {}},
         "Statement": {"ByteMatchStatement": {
             "SearchString": "' or 1=1", "FieldToMatch": {"Body": {}},
             "PositionalConstraint": "CONTAINS",
             "TextTransformations": [{"Priority": 0, "Type": "LOWERCASE"}]}}},
        {"Name": "prove-a-browser", "Priority": 1, "Action": {"Challenge": {}},
         "Statement": {"ByteMatchStatement": {
             "SearchString": "/login", "FieldToMatch": {"UriPath": {}},
             "PositionalConstraint": "STARTS_WITH",
             "TextTransformations": [{"Priority": 0, "Type": "NONE"}]}}},
    ],
})  # fmt: skip


def _the_first_request(client, **row) -> str:
    """The first request's decision, for the form with its first row filled as `row` says."""
    fields = form_of(client.get(URL).content.decode())
    fields = {k: v for k, v in fields.items() if not k.startswith("req-")}
    fields.update(
        web_acl=BODY_RULE, ip_sets="", delay="", **{f"req-0-{k}": v for k, v in row.items()}
    )
    html = client.post(URL, fields).content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize(
    ("row", "says"),
    [
        (
            {"ip": "192.0.2.1", "method": "POST", "uri": "/api", "body": "name=x' OR 1=1--"},
            "Block by rule no-sqli-in-body",
        ),
        (
            {"ip": "192.0.2.1", "method": "POST", "uri": "/api", "body": "name=x"},
            "Allow by the default action",
        ),
        ({"ip": "192.0.2.1", "uri": "/login"}, "Challenge by rule prove-a-browser"),
        (
            {"ip": "192.0.2.1", "uri": "/login", "challenge_token": "valid"},
            "Allow by the default action",
        ),
    ],
    ids=["body-matches", "body-clean", "no-challenge-token", "valid-challenge-token"],
)
def test_a_learner_types_a_body_and_picks_a_challenge_token(client, row, says):
    """The lab's result says the body is inspected up to 8 KB, and its engine matches bodies and
    answers Challenge, but the form had no box for either (they rode along hidden, from links
    only): a learner could not send a body or a solved challenge. Each row now has both,
    labelled for a screen reader."""
    page = client.get(URL).content.decode()
    for field, label in (
        ("body", "Body of request 1"),
        ("challenge_token", "Challenge token of request 1"),
    ):
        assert re.search(rf'<label for="req-0-{field}"[^>]*>{label}</label>', page)
        assert not re.search(rf'<input type="hidden" name="req-0-{field}"', page)
    assert says in _the_first_request(client, **row)


def test_a_downloaded_case_opens_again_in_the_lab(client):
    """A case saved with "Download case" opened on no page (the network lab and the sandbox open
    theirs): the lab now opens a pasted case, its web ACL, resource and requests."""
    fields = form_of(client.get(URL, {"preset": "count-then-block"}).content.decode())
    fields.update({"req-0-uri": "/admin/users", "req-0-body": "x=1", "resource": "APP_RUNNER"})
    saved = client.post(URL, {**fields, "op": "download"}).content.decode()
    starter = form_of(client.get(URL).content.decode())
    opened = client.post(URL, {**starter, "case_json": saved, "op": "open"}).content.decode()
    again = form_of(opened)
    assert (again["req-0-uri"], again["req-0-body"], again["resource"]) == (
        "/admin/users",
        "x=1",
        "APP_RUNNER",
    )
    assert json.loads(again["web_acl"]) == json.loads(fields["web_acl"])
    assert again["case_json"] == ""  # opened: the box is emptied, nothing said
    assert "not opened" not in opened


@pytest.mark.parametrize(
    ("pasted", "says"),
    [
        ('{"web_acl": {"Name": "a"},\n "requests": [}', "Case, line 2, column 15"),
        ('{"requests": []}', 'A WAF case is a JSON object with "web_acl"'),
        ("", "The case is empty"),
    ],
    ids=["bad-json", "no-web-acl", "empty"],
)
def test_a_refused_paste_keeps_the_form_and_says_where_beside_the_focused_box(client, pasted, says):
    fields = form_of(client.get(URL, {"preset": "captcha-login"}).content.decode())
    html = client.post(URL, {**fields, "case_json": pasted, "op": "open"}).content.decode()
    again = form_of(html)
    assert again["web_acl"] == fields["web_acl"] and again["case_json"] == pasted
    soup = BeautifulSoup(html, "html.parser")
    box = soup.select_one("#case_json")
    assert box.has_attr("autofocus") and box["aria-invalid"] == "true"
    assert says in soup.select_one(f"#{box['aria-describedby']}").get_text()
