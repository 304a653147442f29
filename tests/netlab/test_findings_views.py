"""/lab/findings/: presets, a pattern typed live or sent without JavaScript, mistakes located
and kept, the lab's limits and its rate limit."""

from __future__ import annotations

import html as entities
import json
import re

import pytest

from netlab import findings

URL = "/lab/findings/"
HTMX = {"HX-Request": "true"}
pytestmark = pytest.mark.django_db


def verdicts(html: str) -> dict[str, str]:
    """Each sample's title → "Matched", "Not matched" or "Undecided", as the page shows it."""
    found = re.findall(
        r'<h3 class="finding-title"><span class="verdict[^"]*">[✓✗?] ([^<]+)</span> ([^<]+)</h3>',
        html,
    )
    return {entities.unescape(title.strip()): verdict for verdict, title in found}


def matched(html: str) -> set[str]:
    return {t for t, v in verdicts(html).items() if v == "Matched"}


def test_the_starter_pages_high_and_critical_guardduty_findings(client):
    html = client.get(URL).content.decode()
    assert len(verdicts(html)) == 10
    assert matched(html) == {
        "An EC2 instance looks up cryptocurrency-mining domains",
        "An instance's role credentials are used from outside AWS",
        "A Lambda function talks to a cryptocurrency-mining pool",
        "An attack sequence with compromised credentials (Critical)",
    }
    assert "<strong>4 of 10</strong> sample findings match" in html
    assert "is <code>8.0</code>: numeric: 8.0 ≥ 7" in html  # the reason, field by field
    assert "<b>CryptoCurrency</b> (threat purpose" in html and "<b>DNS</b> (artifact)" in html


def test_the_deliberately_wrong_preset_misses_high_findings_and_says_why(client):
    html = client.get(URL + "?preset=exact-severity-trap").content.decode()
    assert "An instance's role credentials are used from outside AWS" not in matched(html)
    assert "exact values compare numbers as written" in html


def test_the_inspector_preset_needs_one_resource_of_the_right_type(client):
    html = client.get(URL + "?preset=inspector-critical-ecr").content.decode()
    assert matched(html) == {"A container image in ECR has a critical CVE"}
    assert "object 1 of 1 in the list: does not match" in html  # the EC2 instance's


def test_a_pattern_typed_live_answers_the_result_alone_and_says_it(client):
    response = client.post(URL, {"pattern": '{"detail": {"resource": {"resourceType": ["Lambda"]}}}'},
                           headers=HTMX)  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="findings-result"')
    assert matched(html) == {"A Lambda function talks to a cryptocurrency-mining pool"}
    assert 'hx-swap-oob="innerHTML">1 of 10 sample findings match.</p>' in html


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("  ", "EventBridge would refuse this pattern: the pattern is empty: write a JSON object"),
        ('{"a": 1}', "EventBridge would refuse this pattern: at a: "),
        ('{"a": [1,]}', "EventBridge would refuse this pattern: line 1, column 10: "),
    ],
)
def test_a_refusal_typed_live_is_said_with_its_place_only_when_it_has_one(client, text, said):
    # A refusal with no line and no path was said "EventBridge would refuse this pattern: at :
    # the pattern is empty" (an empty "at" and a stray colon) in the page's status region.
    html = client.post(URL, {"pattern": text}, headers=HTMX).content.decode()
    status = entities.unescape(html.split('hx-swap-oob="innerHTML">', 1)[1].split("</p>", 1)[0])
    assert status.startswith(said), status


def test_without_javascript_the_form_answers_the_whole_page_with_the_pattern_kept(client):
    text = '{"source": ["aws.inspector2"]}'
    html = client.post(URL, {"pattern": text}).content.decode()
    assert "<h1>Findings-routing lab</h1>" in html
    assert "{&quot;source&quot;: [&quot;aws.inspector2&quot;]}</textarea>" in html
    assert len(matched(html)) == 3


@pytest.mark.parametrize("live", [False, True])
def test_a_json_mistake_is_located_and_the_text_kept(client, live):
    text = '{\n  "source": ["aws.guardduty",]\n}'
    response = client.post(URL, {"pattern": text}, headers=HTMX if live else {})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong>Line 2, column 30</strong>" in html
    assert '<mark title="line 2, column 30">]</mark>' in html  # the character marked in its line
    assert verdicts(html) == {}
    if not live:
        assert (
            'aria-invalid="true"' in html
            and 'aria-describedby="pattern-hint pattern-error"' in html
        )
        assert "[&quot;aws.guardduty&quot;,]" in html  # kept as typed
    else:
        assert "line 2, column 30" in html  # said in the status region


def test_a_bad_operator_is_named_by_its_path(client):
    html = client.post(
        URL, {"pattern": '{"detail": {"type": [{"begins-with": "Recon"}]}}'}
    ).content.decode()
    assert "At <code>detail.type[0].begins-with</code>" in html
    assert "the EventBridge guide lists no operator `begins-with`" in html


@pytest.mark.parametrize(
    "text",
    ["", "[" * 5000, '{"a": ["\\ud800"]}', "x" * 5000, '{"a": ' + "[" * 30 + "]" * 30 + "}",
     '{"a": [{"numeric": [">", 1e400]}]}', '{"a": [{"wildcard": "' + "*a" * 200 + '"}]}',
     "\x00"],
)  # fmt: skip
def test_bad_input_never_gives_a_server_error(client, text):
    for headers in ({}, HTMX):
        response = client.post(URL, {"pattern": text}, headers=headers)
        assert response.status_code == 200, text[:40]
        html = response.content.decode()
        assert (
            "EventBridge would refuse this pattern" in html
            or "The lab refuses this pattern" in html
        )


def test_a_refusal_that_is_the_labs_own_is_not_put_on_eventbridge(client):
    """An empty prefix, a cidr with host bits, a list past the lab's limit: the guide leaves the
    first two open and AWS's Event Ruler takes them, so "EventBridge would refuse" was false."""
    for text in ('{"t": [{"prefix": ""}]}', '{"ip": [{"cidr": "10.0.0.5/24"}]}',
                 '{"a": ' + json.dumps(list(range(101))) + "}"):  # fmt: skip
        for headers in ({}, HTMX):
            html = client.post(URL, {"pattern": text}, headers=headers).content.decode()
            assert "The lab refuses this pattern" in html, text[:40]
            assert "EventBridge would refuse" not in html, text[:40]
    html = client.post(URL, {"pattern": '{"source": "aws.guardduty"}'}).content.decode()
    assert "EventBridge would refuse this pattern" in html


def test_an_unknown_preset_is_said_and_the_starter_opened(client):
    html = client.get(URL + "?preset=nope").content.decode()
    assert "There is no preset called" in html
    assert len(matched(html)) == 4


def test_every_preset_opens(client):
    for slug, preset in findings.PRESETS.items():
        html = client.get(f"{URL}?preset={slug}").content.decode()
        assert preset.title in html
        broken = slug == "not-quite-json"
        assert ("EventBridge would refuse this pattern" in html) == broken, slug


def test_a_body_over_the_limit_is_refused_with_the_text_kept(client):
    text = '{"source": ["' + "x" * findings.MAX_BODY_BYTES + '"]}'
    response = client.post(URL, {"pattern": text})
    assert response.status_code == 413
    html = response.content.decode()
    assert "(16 KB), so it was not matched" in html and "xxxxxxxx&quot;]}</textarea>" in html
    live = client.post(URL, {"pattern": text}, headers=HTMX)
    assert live.status_code == 413 and 'role="alert"' in live.content.decode()


def test_live_updates_too_fast_are_refused_above_the_last_result(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sandbox": "2/60"}
    for _ in range(2):
        assert client.post(URL, {"pattern": "{}"}, headers=HTMX).status_code == 200
    response = client.post(URL, {"pattern": "{}"}, headers=HTMX)
    assert response.status_code == 429
    assert "a lot of updates in a short time" in response.content.decode()


def test_the_page_says_what_the_lab_leaves_out(client):
    html = client.get(URL).content.decode()
    assert "What this lab leaves out" in html and "undecided" in html


@pytest.mark.parametrize("bound", ["1e9999999", "1e-999999999"])
def test_a_numeric_bound_with_an_extreme_exponent_is_refused_in_words(client, bound):
    # 1e9999999 was a 500 (decimal overflow); 1e-999999999 passed as zero and every
    # explanation printed it in full (1e-9999999 alone made a 70 MB answer).
    text = '{"detail": {"severity": [{"numeric": [">", BOUND]}]}}'.replace("BOUND", bound)
    response = client.post(URL, {"pattern": text}, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and len(html) < 5_000
    assert "detail.severity[0].numeric[1]" in html


def test_a_dotted_name_matches_as_eventbridge_reads_it_and_the_page_says_how(client):
    html = client.post(URL, {"pattern": '{"detail.resource.resourceType": ["Lambda"]}'},
                       headers=HTMX).content.decode()  # fmt: skip
    assert matched(html) == {"A Lambda function talks to a cryptocurrency-mining pool"}
    assert "How EventBridge reads it: &quot;detail.resource.resourceType&quot; is read as" in html


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('{"a": ["\x00"]}', "Line 1, column 9</strong>: A string holds a control character"),
        (
            '\ufeff{"a": ["x"]}',
            "Line 1, column 1</strong>: The text starts with an invisible byte-order mark",
        ),
        ("  ", "EventBridge would refuse this pattern. The pattern is empty"),
    ],
)
def test_an_invisible_character_or_nothing_is_named_in_words_a_learner_knows(client, text, words):
    # A NUL was called "a line break or tab", a BOM "unexpected UTF-8 BOM (decode using
    # utf-8-sig)", and a message with no place began in lower case after a full stop.
    html = client.post(URL, {"pattern": text}).content.decode()
    assert words in entities.unescape(html)


def test_a_form_sent_without_javascript_too_fast_comes_back_with_its_pattern(client, settings):
    # It was the other labs' "Slow down" page: the pattern typed was gone, and Back may not
    # bring a textarea's text back.
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sandbox": "1/60"}
    text = '{"source": ["aws.inspector2"]}'
    assert client.post(URL, {"pattern": text}).status_code == 200
    response = client.post(URL, {"pattern": text})
    html = response.content.decode()
    assert response.status_code == 429 and response["Retry-After"]
    assert "{&quot;source&quot;: [&quot;aws.inspector2&quot;]}</textarea>" in html
    assert "so this pattern was not matched: test it again in" in html
    assert verdicts(html) == {}  # shown back, not matched


def test_each_rule_is_linked_once_above_the_findings_not_on_every_step(client):
    """A keyboard user reaches the lab's limits past a handful of guide links, not one per step;
    each step still names its rule."""
    html = client.get(URL + "?preset=ec2-from-either-service").content.decode()
    result = html.split('id="findings-result"', 1)[1].split('id="lab-limits"', 1)[0]
    links = re.findall(r'<a href="(https://docs\.aws\.amazon\.com/[^"]+)"', result)
    assert 0 < len(links) <= 8
    guide = result.split('class="meta findings-rules"', 1)[1].split("</p>", 1)[0]
    assert ">$or matching</a>" in guide and ">fields and nesting</a>" in guide
    steps = result.split('class="findings-list"', 1)[1]
    assert "docs.aws.amazon.com" not in steps.split("<details", 1)[0]
    assert "(rule: $or matching)" in steps


def test_the_guide_list_names_each_rule_once_in_order_of_use():
    shown = findings.outcome('{"source": ["aws.guardduty"], "detail": {"severity": [7, 8]}}')
    names = [name for name, _ in shown.rules]
    assert names[0] == "exact values" and len(names) == len(set(names))  # source's, then others
    assert all(url.startswith("https://docs.aws.amazon.com/eventbridge/") for _, url in shown.rules)


def test_a_pattern_that_does_not_read_points_to_no_findings_that_are_not_there(client):
    """The error stands alone in the result (no findings drawn), so it refers to nothing 'below'."""
    html = client.get(URL + "?preset=not-quite-json").content.decode()
    result = html.split('id="findings-result"', 1)[1].split('id="lab-limits"', 1)[0]
    assert 'class="findings-list"' not in result
    assert "below" not in result
    assert "No sample finding was tried against it; your pattern is kept as you typed it." in result
