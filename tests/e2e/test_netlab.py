"""The network lab, end to end: a preset, a rule added by keyboard and traced live, the link
opened elsewhere, and the same page without JavaScript; axe-core on the page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.accessibility import assert_accessible
from tests.e2e.journeys import no_horizontal_scroll, open_the_reply_path, settled
from tests.e2e.layout import layout_problems

pytestmark = pytest.mark.e2e


def test_fix_the_forgotten_ephemeral_ports_and_share_the_link(page, browser, base_url, screenshots):
    page.goto("/lab/network/?preset=forgotten-ephemeral-ports")
    result = page.locator("#result")
    expect(result.locator(".verdict").nth(1)).to_have_text("Reply blocked")
    expect(result.locator("svg:visible .hop-deny")).to_have_count(1)
    assert_accessible(page)
    page.locator("#result").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "network-lab.png"), caret="initial")

    open_the_reply_path(page, protocol="tcp")
    expect(result.locator(".verdict").nth(1)).to_have_text("Reply allowed")
    expect(result.locator(".netlab-outcome")).to_contain_text("Reply allowed")
    settled(page)
    assert_accessible(page)
    link = page.get_by_label("Link to this exact network and flow").input_value()

    other = browser.new_context(base_url=base_url)
    try:
        fresh = other.new_page()
        fresh.goto(link)
        expect(fresh.locator("#result .verdict").nth(1)).to_have_text("Reply allowed")
        expect(fresh.locator("#nacl-0-outbound-1-ports")).to_have_value("1024-65535")
    finally:
        other.close()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_traced_path_reads_at_11_px_side_by_side_or_stacked(page, phone, size, screenshots):
    """The diagram of a trace, as the page first draws it and after a live update: side by
    side beside the form on a desktop, stacked on a phone, its text never under 11 px."""
    tab = page if size == "desktop" else phone
    tab.goto("/lab/network/?preset=forgotten-ephemeral-ports")
    result = tab.locator("#result")
    shown = result.locator("svg.netlab-svg:visible")
    expect(shown).to_have_count(1)
    layout = "wide" if size == "desktop" else "narrow"
    expect(shown).to_have_class(f"netlab-svg netlab-svg-{layout}")
    assert layout_problems(tab) == []
    open_the_reply_path(tab)
    expect(result.locator(".verdict").nth(1)).to_have_text("Reply allowed")
    settled(tab)
    expect(shown).to_have_count(1)
    expect(shown.locator(".hop-deny")).to_have_count(0)
    assert layout_problems(tab) == []
    result.locator("figure").screenshot(path=str(screenshots / f"network-lab-path-{size}.png"))


def test_on_a_phone_the_outcome_stays_in_sight_while_editing_the_traffic(phone):
    """On a phone the result is ~5,000 px below the traffic fields (the whole network comes
    between): a port typed wrong only reddened the field, and a trace changed nothing in sight.
    A bar pinned to the viewport's foot names the outcome and opens the result, as the
    sandbox's decision bar does."""
    phone.goto("/lab/network/")
    bar = phone.locator("#decision-bar")
    expect(bar).to_be_in_viewport()
    expect(bar).to_contain_text("Request allowed, reply allowed")
    port = phone.get_by_label("Port", exact=True)
    port.fill("abc")  # traced as typed: the field is not left
    expect(bar).to_contain_text("Can't trace this yet")
    expect(bar).to_be_in_viewport()
    port.fill("22")
    expect(bar).to_contain_text("Request blocked")
    expect(port).to_be_focused()
    bar.click()
    expect(phone.locator("#result .netlab-verdict")).to_be_in_viewport()
    no_horizontal_scroll(phone)


def test_on_a_desktop_the_outcome_bar_is_not_shown(page):
    """Beside the form on a desktop, the result is in sight: no bar repeats it."""
    page.goto("/lab/network/")
    expect(page.locator("#result .netlab-verdict")).to_be_visible()
    expect(page.locator("#decision-bar")).to_be_hidden()


def test_on_a_phone_the_waf_outcome_stays_in_sight_while_editing_a_request(phone):
    """On a phone the WAF lab's result is ~2,300 px below the fields (the web ACL and the
    requests' table come between): a request edited changed nothing in sight. The bar pinned to
    the viewport's foot counts the requests by action, or says the input is refused, and opens
    the result (by keyboard too)."""
    phone.goto("/lab/waf/")
    bar = phone.locator("#decision-bar")
    expect(bar).to_be_in_viewport()
    expect(bar).to_contain_text("3002 requests: 102 allowed, 2900 blocked")
    repeat = phone.get_by_label("Repeat request 1")
    repeat.fill("0")  # evaluated as typed: the field is not left
    expect(bar).to_contain_text("Can't evaluate this yet")
    expect(bar).to_have_class(re.compile(r"\bdecision-error\b"))
    expect(bar).to_be_in_viewport()
    repeat.fill("90")
    expect(bar).to_contain_text("All 92 requests allowed")
    expect(bar).to_have_class(re.compile(r"\bdecision-allow\b"))
    expect(phone.locator("#waf-result .netlab-outcome")).not_to_be_in_viewport()
    bar.focus()
    phone.keyboard.press("Enter")
    expect(phone.locator("#waf-result .netlab-outcome")).to_be_in_viewport()
    no_horizontal_scroll(phone)


def test_on_a_desktop_the_waf_outcome_bar_is_not_shown(page):
    """Beside the form on a desktop, the result is in sight: no bar repeats it."""
    page.goto("/lab/waf/")
    expect(page.locator("#waf-result .netlab-outcome")).to_be_visible()
    expect(page.locator("#decision-bar")).to_be_hidden()


def test_the_lab_works_without_javascript(browser, base_url):
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/lab/network/")
        page.get_by_label("From", exact=True).fill("admin")
        page.get_by_role("button", name="Trace", exact=True).last.click()
        expect(page.locator("#result .verdict").first).to_have_text("Request blocked")
        expect(page.locator("#result")).to_contain_text("no inbound rule of sg-db allows")
    finally:
        context.close()


def test_waf_lab_burst_then_a_slower_one(page, screenshots):
    page.goto("/lab/waf/")
    result = page.locator("#waf-result")
    expect(result).to_contain_text("2900")
    expect(result.locator("svg polyline")).to_have_count(1)
    assert_accessible(page)
    page.get_by_label("Repeat request 1").fill("50")
    expect(result.locator(".netlab-outcome")).to_contain_text("52")
    expect(result).not_to_contain_text("2900")
    settled(page)
    assert_accessible(page)
    no_horizontal_scroll(page)
    page.screenshot(path=str(screenshots / "waf-lab.png"), caret="initial")
    page.get_by_label("It protects").select_option("NLB")
    expect(result).to_contain_text("Cannot attach")


def test_a_port_out_of_range_marks_the_field_and_says_the_range(page):
    """A live update swaps the result alone: the port field, outside it, is marked all the
    same, and a screen reader on it hears the message, which names the field as the form does
    (not the engine's `flow.port`) and links to it."""
    page.goto("/lab/network/")
    port = page.get_by_label("Port", exact=True)
    port.fill("-1")
    status = page.locator("#result .netlab-outcome")
    expect(status).to_contain_text("Port: must be a whole number from 0 to 65535")
    expect(status).not_to_contain_text("flow.port")
    expect(port).to_have_attribute("aria-invalid", "true")
    expect(port).to_have_accessible_description(
        re.compile("Port: must be a whole number from 0 to 65535")
    )
    settled(page)
    assert_accessible(page)
    status.get_by_role("link", name="Port").click()
    expect(port).to_be_focused()
    port.fill("22")
    expect(status).to_contain_text("Request")
    expect(port).not_to_have_attribute("aria-invalid", "true")
    expect(port).not_to_have_attribute("aria-describedby", re.compile("."))


def test_every_mistake_in_the_rules_is_listed_and_marks_its_own_field(page, screenshots):
    """Two rules typed wrong in a live update: both are listed, in order, each field marked and
    described by its own problem (not the whole list), the status region says both; fixing one
    leaves the other alone, marked as the single message."""
    page.goto("/lab/network/")
    first = page.locator("#nacl-0-inbound-0-ports")
    second = page.locator("#sg-0-inbound-1-peer")
    first.fill("99999")
    second.fill("sg-nowhere")
    second.press("Tab")
    problems = page.locator("#result-error li")
    expect(problems).to_have_count(2)
    expect(problems.nth(0)).to_contain_text("Network ACL public-nacl, inbound rule row 1, Ports")
    expect(problems.nth(1)).to_contain_text("Security group sg-web, inbound rule row 2, Source")
    expect(page.locator("#live-status")).to_contain_text("2 problems: Network ACL public-nacl")
    expect(first).to_have_attribute("aria-invalid", "true")
    expect(first).to_have_accessible_description(
        re.compile("^Network ACL public-nacl, inbound rule row 1, Ports: must be a port")
    )
    expect(second).to_have_accessible_description(re.compile("^Security group sg-web, inbound"))
    settled(page)
    assert_accessible(page)
    page.locator("#result").scroll_into_view_if_needed()
    page.screenshot(path=str(screenshots / "network-lab-problems.png"), caret="initial")
    problems.nth(1).get_by_role("link").click()
    expect(second).to_be_focused()
    first.fill("443")
    first.press("Tab")
    expect(problems).to_have_count(0)
    expect(page.locator("#result-error")).to_contain_text("Security group sg-web")
    expect(first).not_to_have_attribute("aria-invalid", "true")
    expect(second).to_have_attribute("aria-describedby", "result-error")


def test_a_waf_request_row_typed_wrong_is_marked_in_its_row(page):
    page.goto("/lab/waf/")
    repeat = page.get_by_label("Repeat request 1")
    repeat.fill("0")
    status = page.locator("#waf-result .netlab-outcome")
    expect(status).to_contain_text("Request 1, Repeat: must be a whole number from 1 to 5000")
    expect(repeat).to_have_attribute("aria-invalid", "true")
    expect(repeat).to_have_accessible_description(re.compile("Request 1, Repeat: must be"))
    repeat.fill("50")
    expect(status).to_contain_text("52")
    expect(repeat).not_to_have_attribute("aria-invalid", "true")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_every_waf_request_row_typed_wrong_is_listed_and_marks_its_own_field(
    page, phone, size, screenshots
):
    """Three request rows typed wrong, by keyboard, in live updates: all three are listed in
    the rows' order, each field marked and described by its own problem, the status region
    says them all; a problem's link takes the focus to its field; fixing one leaves the
    others, still marked; what was typed stays."""
    tab = page if size == "desktop" else phone
    tab.goto("/lab/waf/")
    time = tab.get_by_label("Time of request 1")
    address = tab.get_by_label("IP of request 2")
    country = tab.get_by_label("Country of request 3")
    time.fill("soon")
    address.fill("198.51.100.700")
    country.fill("U1")
    country.press("Tab")
    problems = tab.locator("#result-error li")
    expect(problems).to_have_count(3)
    expect(problems.nth(0)).to_have_text(
        "Request 1, Time: must be a number of seconds from 0 to 86400"
    )
    expect(problems.nth(1)).to_have_text("Request 2, IP: '198.51.100.700' is not an IP address")
    expect(problems.nth(2)).to_have_text("Request 3, Country: must be a two-letter code")
    expect(tab.locator("#live-status")).to_have_text(
        "Can't evaluate this yet: 3 problems: Request 1, Time: must be a number of seconds "
        "from 0 to 86400; Request 2, IP: '198.51.100.700' is not an IP address; Request 3, "
        "Country: must be a two-letter code."
    )
    for field, n in ((time, 1), (address, 2), (country, 3)):
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_attribute("aria-describedby", f"result-error-{n}")
    settled(tab)
    assert_accessible(tab)
    no_horizontal_scroll(tab)
    assert layout_problems(tab) == []
    tab.locator("#waf-result").scroll_into_view_if_needed()
    tab.screenshot(path=str(screenshots / f"waf-lab-request-problems-{size}.png"), caret="initial")
    problems.nth(1).get_by_role("link").focus()
    tab.keyboard.press("Enter")
    expect(address).to_be_focused()
    address.fill("198.51.100.7")
    address.press("Tab")
    expect(problems).to_have_count(2)
    expect(problems.nth(1)).to_contain_text("Request 3, Country")
    expect(address).not_to_have_attribute("aria-invalid", "true")
    expect(country).to_have_attribute("aria-describedby", "result-error-2")
    expect(time).to_have_value("soon")
    expect(country).to_have_value("U1")


def test_the_waf_lab_lists_every_bad_request_row_without_javascript(browser, base_url):
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto("/lab/waf/")
        page.get_by_label("Time of request 1").fill("soon")
        page.get_by_label("Country of request 3").fill("U1")
        page.get_by_role("button", name="Send", exact=True).click()
        expect(page.locator("#result-error li")).to_have_count(2)
        expect(page.get_by_label("Time of request 1")).to_have_value("soon")
        expect(page.get_by_label("Country of request 3")).to_have_attribute(
            "aria-describedby", "result-error-2"
        )
    finally:
        context.close()


@pytest.mark.parametrize("lab", ["network", "waf"])
def test_after_back_the_form_and_the_result_agree(page, lab):
    """Leave a lab after a live update and come back: the browser must not put an edited
    field back beside a result (and link) drawn for the page's first values."""
    if lab == "network":
        page.goto("/lab/network/")
        field, result = page.get_by_label("Port", exact=True), page.locator("#result")
        first, edited, changed = field.input_value(), "22", "Request blocked"
        link = page.get_by_label("Link to this exact network and flow")
    else:
        page.goto("/lab/waf/")
        field, result = page.get_by_label("Repeat request 1"), page.locator("#waf-result")
        first, edited, changed = field.input_value(), "50", "52"
        link = page.get_by_label("Link to this exact web ACL and requests")
    shown_first, link_first = result.locator(".netlab-outcome").inner_text(), link.input_value()
    field.fill(edited)
    field.press("Tab")
    expect(result.locator(".netlab-outcome")).to_contain_text(changed)
    settled(page)
    page.get_by_role("link", name="Glossary").first.click()
    page.wait_for_url("**/glossary/**")
    page.go_back()
    page.wait_for_load_state()
    if field.input_value() == edited:  # the page came back as it was left
        expect(result.locator(".netlab-outcome")).to_contain_text(changed)
        assert link.input_value() != link_first
    else:  # drawn anew: the first values beside the first result
        assert field.input_value() == first
        assert result.locator(".netlab-outcome").inner_text() == shown_first
        assert link.input_value() == link_first


@pytest.mark.parametrize("size", ["desktop", "phone"])
@pytest.mark.parametrize("url", ["/lab/network/", "/lab/waf/"])
def test_the_labs_fields_are_drawn_as_the_sites_fields(page, phone, size, url):
    """Every typing field of a lab is styled as the site's others: its text as large as the
    text around it, and at least 24 px tall (WCAG 2.5.8). Untyped, they missed the site's
    field style: 21 px tall, with the browser's 13.3 px text."""
    tab = page if size == "desktop" else phone
    tab.goto(url)
    fields = tab.locator("form.workspace input:not([type=hidden]):not([type=checkbox])")
    assert fields.count() > 5
    drawn = fields.evaluate_all(
        """(els) => els.map((el) => [el.id, el.getBoundingClientRect().height,
             parseFloat(getComputedStyle(el).fontSize),
             parseFloat(getComputedStyle(el.parentElement).fontSize)])"""
    )
    problems = [(i, h, f) for i, h, f, around in drawn if h < 24 or f != around]
    assert problems == []


def test_a_one_lane_trace_is_drawn_at_the_two_lane_ones_scale(page):
    """A request blocked on its way in has no reply lane: its side-by-side drawing, half as
    wide, was stretched to the same box, its text twice the size of a two-lane one's."""
    page.goto("/lab/network/")
    figure = page.locator("#result svg.netlab-svg:visible")

    def scale() -> float:
        return figure.evaluate(
            "(svg) => svg.getBoundingClientRect().width / svg.viewBox.baseVal.width"
        )

    expect(figure).to_have_class("netlab-svg netlab-svg-wide")
    two_lanes = scale()
    page.get_by_label("Port", exact=True).fill("23")
    expect(page.locator("#result")).to_contain_text("No reply")
    settled(page)
    expect(figure.locator(".netlab-lane")).to_have_count(1)
    assert 0.9 <= scale() / two_lanes <= 1.1, (scale(), two_lanes)


def _deny_row(page, key: str, index: int, rule: str, cidr: str) -> None:
    """Fill row `index` of NACL table `key` as a deny of all traffic from `cidr`, by keyboard."""
    page.locator(f"#{key}-{index}-rule").press_sequentially(rule)
    page.locator(f"#{key}-{index}-cidr").press_sequentially(cidr)
    page.locator(f"#{key}-{index}-action").select_option("deny")


def test_filling_the_empty_row_offers_another_so_two_rules_can_be_added(page):
    """The hint says "fill the empty row to add one", but a live update swaps the result
    alone: once that row was filled no other came, and a second rule for the same table had no
    row until the page was drawn again (static/js/table-rows.js)."""
    page.goto("/lab/network/?preset=open-ssh")
    rows = page.locator("[name^='nacl-0-inbound-'][name$='-rule']")
    expect(rows).to_have_count(4)
    _deny_row(page, "nacl-0-inbound", 3, "80", "192.0.2.0/24")
    expect(rows).to_have_count(5)
    expect(page.locator("#nacl-0-inbound-3-rule")).to_have_value("80")  # the typed row kept
    new = page.get_by_label("Network ACL public-nacl, inbound rule row 5, Rule #")
    expect(new).to_have_value("")
    _deny_row(page, "nacl-0-inbound", 4, "85", "203.0.113.0/24")
    expect(rows).to_have_count(6)
    settled(page)
    result = page.locator("#result")
    expect(result.locator(".verdict").first).to_have_text("Request blocked")
    expect(result).to_contain_text("public-nacl inbound rule 85")
    assert_accessible(page)


def test_filling_the_last_request_row_offers_another(page):
    page.goto("/lab/waf/?preset=captcha-login")
    ips = page.locator("[name^='req-'][name$='-ip']")
    count = ips.count()
    ips.last.press_sequentially("192.0.2.77")
    expect(ips).to_have_count(count + 1)
    expect(page.get_by_label(f"IP of request {count + 1}", exact=True)).to_have_value("")
    page.get_by_label(f"IP of request {count + 1}", exact=True).press_sequentially("192.0.2.78")
    settled(page)
    expect(page.locator("#waf-result")).to_contain_text(f"{count + 1} requests evaluated")


def test_a_case_pasted_but_not_opened_is_not_sent_with_each_live_update(page):
    """The WAF lab's "Open a case" box is read by its button alone: a live update leaves it
    out (hx-params), so a long paste neither slows nor, past 64 KB, refuses the updates."""
    page.goto("/lab/waf/")
    page.get_by_text("Open a case: paste a downloaded one").click()
    page.get_by_label("Case (web ACL and requests, JSON)").fill('{"web_acl": ' + " " * 70_000)
    with page.expect_request(lambda r: r.method == "POST") as sent:
        page.get_by_label("URI path of request 1").fill("/admin")
    assert "case_json" not in (sent.value.post_data or "")
    expect(page.locator("#waf-result")).not_to_contain_text("too large")


@pytest.mark.parametrize("trace", [False, True], ids=["live", "trace-button"])
def test_the_network_labs_case_json_is_not_sent_with_a_live_update_or_trace(page, trace):
    """The network lab's whole-case box holds the drawn case (~3.5 KB for the starter) and is
    read by "Open this case" alone: a live update or Trace leaves it out, so an edited or long
    paste neither slows nor, past 64 KB, refuses them."""
    page.goto("/lab/network/")
    page.get_by_text("Edit the whole case as JSON").click()
    page.get_by_label("Case (network and flow)").fill('{"network": ' + " " * 70_000)
    with page.expect_request(lambda r: r.method == "POST") as sent:
        if trace:
            page.get_by_role("button", name="Trace", exact=True).click()
        else:
            page.get_by_label("Port", exact=True).fill("8443")
    assert "case_json" not in (sent.value.post_data or "")
    expect(page.locator("#result")).not_to_contain_text("too large")
    if not trace:
        expect(page.locator("#result")).to_contain_text("8443")
