"""A request-context value AWS would never send for its key (`aws:SourceIp` = `not-an-ip`) is
named beside the context keys, on the page and in the live update, and said after the decision
in the page's status region; the decision is still made. A value AWS could send says nothing."""

from __future__ import annotations

import html

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache

from lessons.templatetags.lessons_extras import DECISION_WORDS as WORDS
from tests.sandbox.test_views_sandbox import form

pytestmark = pytest.mark.django_db

IP_ONLY = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", '
    '"Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}]}'
)
WARNING = "aws:SourceIp is “not-an-ip”, which is not an IP address"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def posted(client, value: str, *, live: bool):
    data = form(**{"identity-0-text": IP_ONLY, "ctx-0-key": "aws:SourceIp", "ctx-0-value": value})
    if live:
        return client.post("/sandbox/", data, headers={"HX-Request": "true"})
    return client.post("/sandbox/", {**data, "op": "evaluate"})


def context_notes(body: str) -> str:
    notes = BeautifulSoup(body, "html.parser").select_one("#notes-context")
    return notes.get_text(" ", strip=True) if notes else ""


def status(body: str) -> str:
    said = BeautifulSoup(body, "html.parser").select_one("p#live-status[hx-swap-oob]")
    return said.get_text(" ", strip=True) if said else ""


def test_a_bad_ip_is_named_beside_the_context_keys_on_the_page(client):
    response = posted(client, "not-an-ip", live=False)
    body = response.content.decode()
    assert response.status_code == 200 and "<html" in body
    notes = context_notes(body)
    assert WARNING in notes
    assert "Neither IpAddress nor NotIpAddress conditions match it".lower() in notes.lower()
    soup = BeautifulSoup(body, "html.parser")
    warning = soup.select_one("#notes-context .note-warning")
    assert warning.select_one(".note-tag").get_text(strip=True) == "Warning"
    assert warning.a["href"]  # "Learn why": the lesson on conditions
    # Each value's field is described by the notes, so a screen reader reads them there.
    assert soup.select_one("#ctx-0-value")["aria-describedby"] == "notes-context"
    # A warning, not a refusal: the decision is made (the value matches no IpAddress).
    assert soup.select_one(".decision-word").get_text(strip=True) == WORDS["ImplicitDeny"]


def test_the_live_update_carries_the_warning_and_says_it_after_the_decision(client):
    body = posted(client, "not-an-ip", live=True).content.decode()
    assert "<html" not in body
    assert 'id="notes-context" class="notes" hx-swap-oob="true"' in body
    assert WARNING in context_notes(body)
    assert status(body) == (
        f"Decision: {WORDS['ImplicitDeny']}. Warning, request context: aws:SourceIp is not an "
        "IP address."
    )
    # The folded keys' summary (a phone) counts it.
    summary = BeautifulSoup(body, "html.parser").select_one("#context-summary")
    assert summary.get_text(strip=True) == "Context keys (1): aws:SourceIp (1 warning)"


@pytest.mark.parametrize("live", [False, True])
def test_a_value_aws_could_send_shows_no_warning(client, live):
    body = posted(client, "203.0.113.10", live=live).content.decode()
    assert context_notes(body) == ""
    summary = BeautifulSoup(body, "html.parser").select_one("#context-summary")
    assert summary.get_text(strip=True) == "Context keys (1): aws:SourceIp"
    assert "Warning, request context" not in body
    if live:
        assert status(body) == f"Decision: {WORDS['Allow']}"


def test_several_warnings_are_said_three_then_counted(client):
    rows = {
        "aws:SourceIp": "x",
        "aws:CurrentTime": "yesterday",
        "aws:MultiFactorAuthPresent": "yes",
        "aws:MultiFactorAuthAge": "ten",
        "aws:PrincipalArn": "bob",
    }
    data = form()
    for i, (key, value) in enumerate(rows.items()):
        data |= {f"ctx-{i}-key": key, f"ctx-{i}-value": value}
    body = client.post("/sandbox/", data, headers={"HX-Request": "true"}).content.decode()
    assert status(body) == (
        f"Decision: {WORDS['Allow']}. Warning, request context: aws:SourceIp is not an IP address; "
        "aws:CurrentTime is not a date and time; aws:MultiFactorAuthPresent is not true or "
        "false; and 2 more."
    )
    notes = html.unescape(context_notes(body))
    assert all(key in notes for key in rows)


def test_the_warning_comes_with_an_error_that_stops_the_evaluation(client):
    data = form(**{"identity-0-text": "{", "ctx-0-key": "aws:SourceIp", "ctx-0-value": "x"})
    body = client.post("/sandbox/", data, headers={"HX-Request": "true"}).content.decode()
    said = status(body)
    assert said.startswith("Can't evaluate yet: Identity policy 1")
    assert said.endswith("Warning, request context: aws:SourceIp is not an IP address.")


@pytest.mark.parametrize("live", [True, False])
def test_a_key_of_more_values_than_aws_sends_is_refused_beside_the_keys_and_kept(client, live):
    """Each value of a multivalued key meets each value a condition lists for it, so the
    engine takes at most 50 (a resource's tags); more is an error beside the keys, nothing is
    evaluated, and the list stays in its field as typed (a live update leaves the fields be)."""
    many = "[" + ",".join(f'"10.0.0.{i}"' for i in range(51)) + "]"
    body = posted(client, many, live=live).content.decode()
    assert "'aws:SourceIp' has 51 values; a condition key takes at most 50" in context_notes(body)
    if not live:
        field = BeautifulSoup(body, "html.parser").select_one('[name="ctx-0-value"]')
        assert field is not None and field.get("value") == many


TAG_KEYS_BOTH = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", '
    '"Resource": "*", "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b"]}}}]}'
)


@pytest.mark.parametrize("live", [True, False])
def test_a_list_with_a_json_mistake_is_named_with_its_place_not_read_silently_as_text(client, live):
    """The hint says a JSON list makes a multivalued key: one that does not parse was read as
    one text value without a word, and a condition on the key quietly did not match."""
    data = form(**{"identity-0-text": TAG_KEYS_BOTH, "ctx-0-key": "aws:TagKeys"})
    data["ctx-0-value"] = ' ["a", "b"'
    if live:
        body = client.post("/sandbox/", data, headers={"HX-Request": "true"}).content.decode()
        assert status(body).endswith("Warning, request context: aws:TagKeys is not a JSON list.")
    else:
        body = client.post("/sandbox/", {**data, "op": "evaluate"}).content.decode()
    assert (
        "aws:TagKeys, line 1, column 11: The text ends before every { and [ in it is closed. So "
        "the value is read as one piece of text, not as a list of values."
    ) in context_notes(body)
    data["ctx-0-value"] = '["a", "b"]'
    fixed = client.post("/sandbox/", data, headers={"HX-Request": "true"}).content.decode()
    assert "JSON list" not in context_notes(fixed) and "Decision: Allowed" in status(fixed)


def test_a_value_without_its_key_is_said_to_be_left_out(client):
    """A row's value typed before its key (or the key deleted) was left out of the request
    without a word; the keys and values around it are read as before."""
    data = form(**{"identity-0-text": IP_ONLY, "ctx-0-key": "aws:SourceIp"})
    data |= {"ctx-0-value": "203.0.113.9", "ctx-1-key": "", "ctx-1-value": "true"}
    body = client.post("/sandbox/", data, headers={"HX-Request": "true"}).content.decode()
    assert (
        "Context key 2 has a value but no name, so it is left out of the request"
        in context_notes(body)
    )
    assert status(body) == (
        f"Decision: {WORDS['Allow']}. Warning, request context: context key 2 has a value but "
        "no name."
    )
    data["ctx-1-value"] = ""  # "Add a key", nothing typed yet: nothing to say
    body = client.post("/sandbox/", data, headers={"HX-Request": "true"}).content.decode()
    assert context_notes(body) == ""
