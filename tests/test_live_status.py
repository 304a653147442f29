"""Live results said by screen readers (srm_trainer/live_status.py): every page holds one empty
status region outside what htmx swaps, and a live update sends it a short sentence out of band;
the swapped parts are no live regions of their own (one swapped in is often not announced, and
a whole table read out at every pause is no help)."""

from __future__ import annotations

import json
import re

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.template import Context, Template, TemplateSyntaxError

from lessons.models import ComplianceProgram
from tests.conftest import make_srm
from tests.netlab.test_views import form_of

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def said(response) -> str:
    """The words a live update sends the page's status region: one out-of-band swap of the
    region's content, at the top of the fragment (an out-of-band element inside another would
    be copied into the page with it, a second region of the same id)."""
    assert response.status_code < 500
    soup = BeautifulSoup(response.content, "html.parser")
    found = soup.find_all(id="live-status")
    assert len(found) == 1, found
    status = found[0]
    assert status["hx-swap-oob"] == "innerHTML"
    assert status.parent is soup, "the status must not be nested in the swapped part"
    assert not soup.select("[aria-live]"), "a region swapped in is not reliably announced"
    return status.get_text()


def said_within(response) -> str:
    """As `said`, for a fragment whose status words ride first inside the block it swaps (the
    quiz, review, preview and lesson-check blocks; htmx takes them out before the swap): one
    region's words, and nothing swapped is a live region of its own."""
    assert response.status_code < 500
    soup = BeautifulSoup(response.content, "html.parser")
    found = soup.find_all(id="live-status")
    assert len(found) == 1, found
    assert found[0]["hx-swap-oob"] == "innerHTML"
    assert not soup.select("[aria-live]"), "a region swapped in is not reliably announced"
    return found[0].get_text()


def region_of(page) -> BeautifulSoup:
    """A full page: its status region is there once, empty, a polite status, and nothing of the
    page that htmx swaps is a live region."""
    soup = BeautifulSoup(page.content, "html.parser")
    found = soup.find_all(id="live-status")
    assert len(found) == 1, found
    status = found[0]
    assert status.get_text() == "" and not status.has_attr("hx-swap-oob")
    assert status["aria-live"] == "polite"
    assert status["aria-atomic"] == "true" and "visually-hidden" in status["class"]
    return soup


def assert_not_live(soup: BeautifulSoup, swapped: str) -> None:
    part = soup.find(id=swapped)
    assert part is not None, swapped
    assert not part.has_attr("aria-live") and not part.select("[aria-live]"), swapped
    assert part.find(id="live-status") is None


# --- the tags -----------------------------------------------------------------------------------


def test_announce_sends_its_words_on_one_line_escaped():
    template = Template("{% announce %}\n  Decision:\n  {{ word }}\n{% endannounce %}")
    drawn = template.render(Context({"word": "<b>allowed</b>"}))
    assert drawn == (
        '<p id="live-status" hx-swap-oob="innerHTML">Decision: &lt;b&gt;allowed&lt;/b&gt;</p>'
    )


def test_an_empty_announce_empties_the_region():
    assert Template("{% announce %} {% endannounce %}").render(Context()) == (
        '<p id="live-status" hx-swap-oob="innerHTML"></p>'
    )


def test_announce_takes_no_arguments():
    with pytest.raises(TemplateSyntaxError):
        Template("{% announce loudly %}x{% endannounce %}")


@pytest.mark.parametrize(
    ("url", "swapped"),
    [
        ("/lab/network/", "result"),
        ("/lab/waf/", "waf-result"),
        ("/lab/findings/", "findings-result"),
        ("/sandbox/", "live"),
        ("/sandbox/batch/", "results"),
        ("/sandbox/summary/", "results"),
        ("/sandbox/compare/", "results"),
        ("/learn/srm/", "explorer"),
    ],
)
def test_every_tools_page_starts_with_an_empty_status_region(client, url, swapped):
    if url == "/learn/srm/":
        make_srm()
    assert_not_live(region_of(client.get(url)), swapped)


@pytest.mark.parametrize(
    ("url", "swapped"),
    [
        ("/lab/network/", "#result"),
        ("/lab/waf/", "#waf-result"),
        ("/lab/findings/", "#findings-result"),
        ("/sandbox/", "#live"),
    ],
)
def test_every_tools_form_answers_as_the_learner_types(client, url, swapped):
    """The sandbox and the three labs send their form at a pause in typing (`input`), not only
    when a field is left (`change`), one update at a time: the same trigger for all four
    (`{% live_form %}`). The network and WAF labs waited for the field to be left, and said
    nothing of it. The browser journeys: tests/e2e/test_lab_live_typing.py."""
    soup = BeautifulSoup(client.get(url).content, "html.parser")
    (form,) = soup.select(f"form[hx-target='{swapped}']")
    assert form.has_attr("data-live-form")
    triggers = [part.split()[0] for part in form["hx-trigger"].split(",")]
    assert triggers == ["input", "change"]
    assert "delay:" in form["hx-trigger"].split(",")[0]
    assert form["hx-sync"] == "this:queue last"


def test_a_page_without_a_tool_has_the_region_too(client):
    region_of(client.get("/"))


# --- the network and WAF labs -------------------------------------------------------------------


def test_a_network_trace_says_what_happened_to_the_request(client):
    fields = form_of(client.get("/lab/network/").content.decode())
    assert said(client.post("/lab/network/", fields, headers=HTMX)) == (
        "Request allowed, reply allowed."
    )
    blocked = {**fields, "flow-source": "admin"}  # admin is not in sg-web
    words = said(client.post("/lab/network/", blocked, headers=HTMX))
    assert re.fullmatch(r"Request blocked at \S+: no reply\.", words), words


def test_a_blocked_reply_names_where(client):
    page = client.get("/lab/network/", {"preset": "forgotten-ephemeral-ports"})
    fields = form_of(page.content.decode())
    words = said(client.post("/lab/network/", fields, headers=HTMX))
    assert re.fullmatch(r"Request allowed, reply blocked at \S+\.", words), words


def test_a_network_case_that_cannot_be_traced_says_why(client):
    fields = {**form_of(client.get("/lab/network/").content.decode()), "flow-source": "nowhere"}
    words = said(client.post("/lab/network/", fields, headers=HTMX))
    assert words.startswith("Can't trace this yet: "), words
    # The field as the page names it, the same words as the message shown; never the engine's
    # path ("flow.port must be a whole number").
    port = {**fields, "flow-source": "web-1", "flow-port": "99999"}
    words = said(client.post("/lab/network/", port, headers=HTMX))
    assert words == "Can't trace this yet: Port: must be a whole number from 0 to 65535", words


def test_a_waf_evaluation_counts_the_actions_and_the_rules(client):
    fields = form_of(client.get("/lab/waf/").content.decode(), "waf-workspace")
    assert said(client.post("/lab/waf/", fields, headers=HTMX)) == (
        "3002 requests evaluated: 2900 × Block by rule login-rate, "
        "102 × Allow by the default action."
    )
    broken = {**fields, "web_acl": "{"}
    words = said(client.post("/lab/waf/", broken, headers=HTMX))
    assert words.startswith("Can't evaluate this yet: "), words
    late = {**fields, "delay": "9999"}
    words = said(client.post("/lab/waf/", late, headers=HTMX))
    assert words == (
        "Can't evaluate this yet: Rate detection delay: must be a number of seconds from 0 to 600"
    ), words
    nlb = {**fields, "resource": "NLB"}
    assert said(client.post("/lab/waf/", nlb, headers=HTMX)).startswith("Cannot attach: ")


@pytest.mark.parametrize(("url", "form_id"), [("/lab/network/", "workspace"),
                                              ("/lab/waf/", "waf-workspace"),
                                              ("/lab/findings/", "findings-workspace")])  # fmt: skip
def test_a_refused_lab_update_empties_the_region_and_alerts(client, url, form_id):
    """The alert says it; the region must not go on saying the last result as if it applied."""
    fields = {**form_of(client.get(url).content.decode(), form_id), "padding": "x" * 70_000}
    response = client.post(url, fields, headers=HTMX)
    assert response.status_code == 413
    assert said(response) == ""
    assert 'role="alert"' in response.content.decode()


# --- the sandbox --------------------------------------------------------------------------------

ALLOW_GET = json.dumps({"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]})  # fmt: skip


def sandbox_form(**overrides) -> dict[str, str]:
    return {
        "principal": "arn:aws:iam::111122223333:user/alice",
        "action": "s3:GetObject",
        "resource": "arn:aws:s3:::reports/q1.csv",
        "resource_account": "111122223333",
        "identity-0-text": ALLOW_GET,
        **overrides,
    }


def test_a_sandbox_update_says_the_decision(client):
    assert said(client.post("/sandbox/", sandbox_form(), headers=HTMX)) == "Decision: Allowed"
    put = sandbox_form(action="s3:PutObject")
    assert said(client.post("/sandbox/", put, headers=HTMX)) == (
        "Decision: Implicit deny (no Deny matches, but an Allow it needs is missing)"
    )


def test_a_sandbox_error_is_said_politely_with_its_place(client):
    broken = sandbox_form(**{"identity-0-text": '{\n  "Statement": [,]\n}'})
    response = client.post("/sandbox/", broken, headers=HTMX)
    words = said(response)
    # It names the editor: the status region is heard away from it, and there may be several.
    assert words.startswith("Can't evaluate yet: Identity policy 1, line 2, column "), words
    # Said once, politely: an alert in the swapped result interrupted the typing at every pause.
    assert 'role="alert"' not in response.content.decode()


def test_a_sandbox_error_in_the_second_policy_or_a_request_field_says_which(client):
    second = sandbox_form(**{"identity-1-text": '{\n  "Statement": [,]\n}'})
    words = said(client.post("/sandbox/", second, headers=HTMX))
    assert words.startswith("Can't evaluate yet: Identity policy 2, line 2, column "), words
    # The engine's own path for the field ("request.action") is not a word on the page.
    words = said(client.post("/sandbox/", sandbox_form(action=""), headers=HTMX))
    assert words == "Can't evaluate yet: Action must be a non-empty string", words
    # A wildcard is a policy's, never a request's: refused, not decided as an implicit deny.
    words = said(client.post("/sandbox/", sandbox_form(action="s3:*Object"), headers=HTMX))
    assert words.startswith("Can't evaluate yet: Action names the one action a caller sends,")
    assert "'s3:*Object'" in words
    # The account, named as itself (its notes are under its own box).
    words = said(client.post("/sandbox/", sandbox_form(resource_account="12"), headers=HTMX))
    assert words == "Can't evaluate yet: Resource account must be a 12-digit account id", words


def test_a_button_that_reshapes_the_editors_says_the_decision_too(client):
    response = client.post(
        "/sandbox/", {**sandbox_form(), "op": "add-identity"},
        headers={**HTMX, "HX-Trigger-Name": "op"},
    )  # fmt: skip
    assert 'id="workspace"' in response.content.decode()
    assert said(response) == "Decision: Allowed"


def test_a_refused_sandbox_update_empties_the_region(client):
    response = client.post("/sandbox/", {"principal": "x" * 300_000}, headers=HTMX)
    assert response.status_code == 413
    assert said(response) == ""


def test_a_sandbox_page_sent_without_javascript_leaves_the_region_empty(client):
    region_of(client.post("/sandbox/", {**sandbox_form(), "op": "evaluate"}))


# --- many requests, effective permissions, compare ----------------------------------------------


def policy(*statements) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def test_many_requests_are_counted_not_read_out(client):
    reports = policy(
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"},
        {"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"},
    )
    data = {
        "identity": reports,
        "actions": "s3:GetObject\ns3:PutObject\ns3:DeleteObject",
        "resources": "arn:aws:s3:::reports/q1.csv",
    }
    response = client.post("/sandbox/batch/", data, headers=HTMX)
    assert said(response) == ("3 requests: 1 allowed, 1 explicit deny, 1 implicit deny.")
    bad = client.post("/sandbox/batch/", {"identity": '{"Statement": ['}, headers=HTMX)
    assert said(bad).startswith("Error: Identity policy 1")


def test_a_summary_says_how_much_it_summarised(client):
    read = policy({"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"})
    words = said(client.post("/sandbox/summary/", {"identity": read}, headers=HTMX))
    assert re.fullmatch(r"Summarised 1 service, \d+ actions evaluated\.", words), words


def test_a_comparison_says_what_was_gained_and_lost(client):
    old = policy({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"})
    new = policy({"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
                  "Resource": "arn:aws:s3:::b/*"})  # fmt: skip
    response = client.post("/sandbox/compare/", {"old": old, "new": new}, headers=HTMX)
    assert said(response) == "Compared: 1 action gained, 0 lost."
    reverse = client.post("/sandbox/compare/", {"old": new, "new": old}, headers=HTMX)
    assert said(reverse) == "Compared: 0 actions gained, 1 lost."
    missing = client.post("/sandbox/compare/", {"old": old, "new": ""}, headers=HTMX)
    assert said(missing) == "Error: Paste the new policy (at least one identity policy)."


def test_a_tool_asked_too_often_answers_in_the_results_place(client, settings):
    """Not a whole page swapped into the results (a second header and status region inside)."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sandbox": "1/3600"}
    client.post("/sandbox/batch/", {"actions": "s3:GetObject"}, headers=HTMX)
    response = client.post("/sandbox/batch/", {"actions": "s3:GetObject"}, headers=HTMX)
    assert response.status_code == 429
    assert said(response) == ""
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.find(id="results").find(role="alert").get_text().startswith("That was a lot")
    assert soup.find("header") is None and soup.find(id="main") is None


# --- the explorers ------------------------------------------------------------------------------


def test_the_srm_explorer_says_what_it_now_shows(client):
    make_srm()
    one = client.get("/learn/srm/", {"service": "rds"}, headers=HTMX)
    assert said(one) == "Showing who secures each layer of Amazon RDS."
    two = client.get("/learn/srm/", {"service": "rds", "compare": "ec2"}, headers=HTMX)
    assert said(two) == "Showing who secures each layer of Amazon RDS compared with Amazon EC2."


def test_the_compliance_explorer_moves_focus_to_the_program_instead(client):
    """Following a program's link focuses its heading, which is read: its section is no live
    region (that read the whole program out again) and nothing is sent to the status."""
    for slug in ("hipaa", "gdpr"):
        ComplianceProgram.objects.create(slug=slug, name=slug.upper(), kind="law", summary="S.",
                                         aws_provides=["a"], customer_keeps=["b"])  # fmt: skip
    assert_not_live(region_of(client.get("/learn/compliance/")), "program")
    swap = client.get("/learn/compliance/", {"program": "gdpr"}, headers=HTMX)
    soup = BeautifulSoup(swap.content, "html.parser")
    assert soup.find(id="program-title").has_attr("autofocus")
    assert not soup.select("[aria-live]") and soup.find(id="live-status") is None


# --- a live update refused by the CSRF check ----------------------------------------------------


def test_a_live_update_refused_as_out_of_date_empties_the_region():
    from tests.test_csrf_failure import _live_update_from_an_old_page

    response = _live_update_from_an_old_page("http://testserver/sandbox/")
    assert response.status_code == 403
    assert said(response) == ""
