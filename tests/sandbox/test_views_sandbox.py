"""The sandbox page: full page and htmx partials, presets, permalinks, files, limits, escaping."""

from __future__ import annotations

import base64
import html
import json
import re
import zlib

import pytest
from django.core.cache import cache

from srm_trainer.sandbox.state import decode_permalink, encode_permalink
from tests.conftest import make_scenario
from tests.sandbox.test_state import POLICY, form_of, rich_state

pytestmark = pytest.mark.django_db

FULL_ACCESS = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}'
)
ALLOW_GET = '{"Version": "2012-10-17", "Statement": [{"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*"}]}'


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def form(**overrides) -> dict[str, str]:
    data = {
        "principal": "arn:aws:iam::111122223333:user/alice",
        "action": "s3:GetObject",
        "resource": "arn:aws:s3:::reports/q1.csv",
        "resource_account": "111122223333",
        "identity-0-name": "",
        "identity-0-text": ALLOW_GET,
    }
    data.update(overrides)
    return data


def live(client, **overrides):
    return client.post("/sandbox/", form(**overrides), headers={"HX-Request": "true"})


def test_the_page_opens_with_a_working_example(client):
    response = client.get("/sandbox/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Policy sandbox" in body
    assert "Allowed" in body
    assert 'aria-live="polite"' in body


def test_a_live_update_returns_only_the_result_and_the_notes(client):
    response = live(client)
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="live"')
    assert "<html" not in body
    assert "Decision: Allowed" in body
    assert 'id="notes-identity-0" class="notes" hx-swap-oob="true"' in body
    assert "HX-Request" in response["Vary"]


def test_changing_one_word_changes_the_decision_and_the_reason(client):
    body = live(client, action="s3:PutObject").content.decode()
    assert "Decision: Implicit deny" in body
    assert (
        "the action <code>s3:PutObject</code> is not in this statement&#x27;s Action list" in body
        or "the action <code>s3:PutObject</code> is not in this statement's Action list" in body
    )
    assert 'href="/learn/iam/policies/"' in body


def test_an_explicit_deny_is_shown_with_its_statement_and_line(client):
    policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
                {"Sid": "NoDeletes", "Effect": "Deny", "Action": "s3:Delete*", "Resource": "*"},
            ],
        },
        indent=2,
    )
    body = live(client, **{"identity-0-text": policy, "action": "s3:DeleteObject"}).content.decode()
    assert "Decision: Explicit deny" in body
    assert "statement 2 (<code>NoDeletes</code>), line 9: <strong>Deny</strong>" in body


def test_the_result_names_each_policy_by_its_editor_when_an_earlier_one_is_empty(client):
    """An emptied editor is left out of the case, so the engine counts the policies after it
    one lower: the result must still name the editor the learner wrote them in."""
    deny = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Sid": "NoGet", "Effect": "Deny", "Action": "s3:*", "Resource": "*"}],
        }
    )
    body = live(
        client,
        **{
            "identity-0-text": "",
            "identity-1-text": deny,
            "scp-0-0": "",
            "scp-0-1": ALLOW_GET,
        },
    ).content.decode()
    assert "Decision: Explicit deny" in body
    decided_by = body[body.index('<ul class="decisive">') :]
    decided_by = decided_by[: decided_by.index("</ul>")]
    assert '<a href="#editor-identity-1">Identity-based policy 2</a>, statement 1' in decided_by
    assert '<a href="#editor-scp-0-1">SCP (level 1, policy 2)</a>' in body
    assert "Identity-based policy 1<" not in body and "policy 1)<" not in body


def test_invalid_json_is_reported_beside_its_editor_with_line_and_column(client):
    body = live(
        client, **{"identity-0-text": '{\n  "Version": "2012-10-17",\n  "Statement": [,]\n}'}
    ).content.decode()
    assert "Can&#x27;t evaluate yet" in body or "Can't evaluate yet" in body
    notes = body[body.index('id="notes-identity-0"') :]
    assert "Line 3, column" in notes


def test_a_key_written_twice_is_a_warning_beside_its_editor_at_its_line(client):
    """A second StringEquals block replaces the first without a word (the sandbox reads the
    last, as JSON readers do; AWS accepts the policy and does not say which it keeps): the
    condition on the team was lost, and the page said nothing."""
    policy = (
        '{\n  "Version": "2012-10-17",\n  "Statement": [{\n'
        '    "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::reports/*",\n'
        '    "Condition": {\n'
        '      "StringEquals": {"aws:PrincipalTag/team": "finance"},\n'
        '      "StringEquals": {"aws:username": "alice"}\n'
        "    }\n  }]\n}"
    )
    body = live(client, **{"identity-0-text": policy}).content.decode()
    assert "Decision: " in body  # still evaluated
    notes = body[body.index('id="notes-identity-0"') :]
    notes = html.unescape(notes[: notes.index("</ul>")])
    assert 'class="note note-warning" data-line="7" data-column="7"' in notes
    assert '<span class="note-where">Line 7, column 7:</span>' in notes
    assert (
        "<span class=\"note-message\">'StringEquals' is written twice in this Condition: first "
        "on line 6. Only one of its values is used" in notes
    )
    assert 'href="/learn/iam/conditions-and-variables/"' in notes


@pytest.mark.parametrize(
    "resource", ["arn:aws:s3", "arn:aws:s3:reports/q1.csv", "arn:::::", "arn:aws:s3:::"]
)
def test_a_resource_that_is_not_a_whole_arn_is_said_beside_it(client, resource):
    """The engine refuses a resource that is neither an ARN nor *, and evaluated these as typed
    without a word: a missing colon read as an implicit deny with no hint why."""
    body = live(client, resource=resource).content.decode()
    notes = body[body.index('id="notes-resource"') :]
    notes = html.unescape(notes[: notes.index("</div>")])
    assert f"<code>{resource}</code> is not a whole ARN, which is what AWS sends" in notes
    assert "Decision:" in body  # still evaluated


@pytest.mark.parametrize("resource", ["arn:aws:s3:::reports/q1.csv", "*"])
def test_a_whole_arn_or_a_star_says_nothing_of_its_form(client, resource):
    body = live(client, resource=resource).content.decode()
    assert "not a whole ARN" not in body


def test_a_made_up_action_is_flagged_with_a_suggestion(client):
    policy = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:listObject", "Resource": "*"}]}'
    body = live(
        client,
        **{
            "identity-0-text": policy,
            "action": "s3:ListBucket",
            "resource": "arn:aws:s3:::reports",
        },
    ).content.decode()
    assert "Decision: Implicit deny" in body
    assert "s3:listObject" in body
    assert "Did you mean" in body


def test_keys_the_policies_use_but_the_request_lacks_are_suggested(client):
    policy = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}]}'
    body = live(client, **{"identity-0-text": policy}).content.decode()
    assert 'value="add-context:aws:MultiFactorAuthPresent"' in body
    with_key = live(
        client,
        **{
            "identity-0-text": policy,
            "ctx-0-key": "aws:MultiFactorAuthPresent",
            "ctx-0-value": "true",
        },
    ).content.decode()
    assert "add-context:aws:MultiFactorAuthPresent" not in with_key
    assert "Decision: Allowed" in with_key


# What htmx sends for a press of one of the editor's buttons (each posts itself, named "op").
PRESSED = {"HX-Request": "true", "HX-Trigger-Name": "op"}


def test_adding_an_editor_swaps_the_form_and_the_result(client):
    response = client.post("/sandbox/", {**form(), "op": "add-identity"}, headers=PRESSED)
    body = response.content.decode()
    assert body.lstrip().startswith('<form id="workspace"')
    assert 'name="identity-1-text"' in body
    assert (
        '<section id="live" class="live" aria-labelledby="result-title" hx-swap-oob="true">' in body
    )


def test_adding_an_scp_level_brings_full_aws_access_and_keeps_the_decision(client):
    """AWS Organizations attaches FullAWSAccess to every root, OU and account when SCPs are
    enabled, and a level cannot be left without an SCP
    (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_evaluation.html).
    A new level was an empty editor, which allowed nothing: "Add a level" turned the example's
    Allowed into an implicit deny before anything was typed. Editing that policy is what
    narrows the level."""
    body = client.post("/sandbox/", {**form(), "op": "add-scp-level"}, headers=PRESSED)
    body = body.content.decode()
    assert "Decision: Allowed" in body
    level = re.search(r'<textarea[^>]*name="scp-0-0"[^>]*>(.*?)</textarea>', body, re.S)
    assert json.loads(html.unescape(level.group(1)))["Statement"][0] == {
        "Effect": "Allow",
        "Action": "*",
        "Resource": "*",
    }
    narrowed = live(client, **{"scp-0-0": ALLOW_GET.replace("s3:GetObject", "ec2:*")})
    assert "Decision: Implicit deny" in narrowed.content.decode()


@pytest.mark.parametrize("op", ["remove-context:0", "principal:user", "download", "open"])
def test_a_live_update_carrying_a_buttons_op_only_evaluates(client, op):
    """The form's own live update (its fields changed) carrying the `op` of a button that only
    had focus: htmx sends it so, after Tab onto the button. The result, for what the fields say;
    the key kept, the typed principal used, no file in the result panel."""
    fields = {**form(**{"ctx-0-key": "aws:SourceIp", "ctx-0-value": "203.0.113.10"}), "op": op}
    fields["principal"] = "arn:aws:iam::111122223333:role/auditor"
    headers = {"HX-Request": "true", "HX-Trigger": "workspace"}
    response = client.post("/sandbox/", fields, headers=headers)
    body = response.content.decode()
    assert response.status_code == 200 and "Content-Disposition" not in response
    assert body.lstrip().startswith('<section id="live"') and 'id="workspace"' not in body
    token = re.search(r'id="permalink" type="text" readonly value="[^"]*\?case=([^"&]+)', body)
    evaluated = decode_permalink(token.group(1))
    assert evaluated.context == (("aws:SourceIp", "203.0.113.10"),)
    assert evaluated.principal == "arn:aws:iam::111122223333:role/auditor"
    pressed = client.post("/sandbox/", fields | {"op": "remove-context:0"}, headers=PRESSED)
    assert "No context keys" in pressed.content.decode()


def test_the_aws_keys_are_prefilled_visibly(client):
    body = client.post("/sandbox/", {**form(), "op": "prefill-context"}).content.decode()
    assert 'value="aws:username"' in body and 'value="alice"' in body
    assert 'value="aws:PrincipalArn"' in body


CONTEXT = {
    "ctx-0-key": "aws:SourceIp",
    "ctx-0-value": "203.0.113.10",
    "ctx-1-key": "",
    "ctx-1-value": "",
    "ctx-2-key": "aws:SecureTransport",
    "ctx-2-value": "true",
    "ctx-3-key": "aws:username",
    "ctx-3-value": "alice",
    "ctx-4-key": "aws:PrincipalType",
    "ctx-4-value": "User",
}


def test_each_context_key_is_a_row_whose_controls_say_which_key(client):
    """A key, its value and its remove button named by the row's number (not by the key's
    name, which the reader may be retyping), inside a fold that the page draws open (a phone's
    script closes it) and whose summary names the keys."""
    body = client.post("/sandbox/", {**form(**CONTEXT), "op": "evaluate"}).content.decode()
    assert (
        '<details id="context-fold" class="context-fold" data-keep-open data-fold-narrow open>'
        in body
    )
    assert (
        '<span id="context-summary">Context keys (5): aws:SourceIp, aws:SecureTransport, '
        "aws:username and 2 more</span>" in body
    )
    assert '<label class="visually-hidden" for="ctx-2-key">Context key 3</label>' in body
    assert '<label class="visually-hidden" for="ctx-2-value">Context key 3 value</label>' in body
    assert re.search(
        r'<button type="submit" name="op" value="remove-context:2"[^>]*>'
        r'<span aria-hidden="true">×</span><span class="visually-hidden">Remove context key 3</span>',
        body,
    )


def test_a_context_keys_name_is_described_by_the_keys_notes_as_its_value_is(client):
    """A key in two rows, or a value without its key, is said in the keys' notes: the key's
    own field named none of them, so a screen reader on it heard nothing, and sandbox.js never
    marked it invalid."""
    rows = {"ctx-0-key": "aws:SourceIp", "ctx-0-value": "1.2.3.4"}
    body = client.post("/sandbox/", {**form(**rows), "op": "evaluate"}).content.decode()
    for field in ("ctx-0-key", "ctx-0-value"):
        tag = re.search(rf'<input id="{field}"[^>]*>', body)[0]
        assert 'aria-describedby="notes-context"' in tag


def test_a_live_update_renames_the_context_summary(client):
    """Typing swaps the result, not the form: the fold's summary comes along, out of band."""
    body = live(client, **{"ctx-0-key": "aws:SourceIp", "ctx-0-value": "1.2.3.4"}).content.decode()
    assert (
        '<span id="context-summary" hx-swap-oob="true">Context keys (1): aws:SourceIp</span>'
        in body
    )
    assert 'hx-swap-oob="true">No context keys</span>' in live(client).content.decode()


def test_a_key_in_two_rows_is_refused_not_read_from_the_last_row(client):
    """The case's context is an object: the second row's value replaced the first's, and the
    request was evaluated without a word (a key differing in case only was refused)."""
    rows = {"ctx-0-key": "aws:SourceIp", "ctx-0-value": "203.0.113.7"}
    rows |= {"ctx-1-key": "aws:SourceIp", "ctx-1-value": "198.51.100.1"}
    body = live(client, **rows).content.decode()
    assert (
        "Can't evaluate yet: Request context: The condition key 'aws:SourceIp' appears twice"
        in (html.unescape(body))
    )
    notes = body[body.index('id="notes-context"') :]
    assert "appears twice" in notes[: notes.index("</div>")]


def test_reloading_after_a_key_typed_twice_keeps_both_rows_and_the_error(client):
    """The address bar follows the result's link (copy-link.js), so Reload opens it: the first
    of two rows with one key was gone, and with it the error the learner was fixing."""
    rows = {"ctx-0-key": "aws:SourceIp", "ctx-0-value": "203.0.113.7"}
    rows |= {"ctx-1-key": "aws:SourceIp", "ctx-1-value": "198.51.100.1"}
    body = live(client, **rows).content.decode()
    assert "appears twice" in body
    link = html.unescape(re.search(r'id="permalink" type="text" readonly value="([^"]+)"', body)[1])
    reloaded = client.get(link[link.index("/sandbox/") :]).content.decode()
    assert 'name="ctx-0-value" type="text" value="203.0.113.7"' in reloaded
    assert 'name="ctx-1-value" type="text" value="198.51.100.1"' in reloaded
    assert "appears twice" in reloaded


def _reloaded(client, body: str) -> str:
    """The page the result's link opens (Reload does: the address bar follows it)."""
    link = html.unescape(re.search(r'id="permalink" type="text" readonly value="([^"]+)"', body)[1])
    return client.get(link[link.index("/sandbox/") :]).content.decode()


def test_reloading_keeps_an_empty_policy_editor_its_name_and_the_slots_after_it(client):
    """The case leaves an empty editor out ("no such policy"): on Reload the policy below it
    moved up a slot, and a name typed on it was gone."""
    typed = {
        "identity-0-name": "DraftReadOnly",
        "identity-0-text": "",
        "identity-1-name": "",
        "identity-1-text": ALLOW_GET,
        "scp-0-0": "",
        "scp-0-1": FULL_ACCESS,
    }
    body = live(client, **typed).content.decode()
    assert "Decision: Allowed" in body
    reloaded = _reloaded(client, body)
    assert re.search(r'name="identity-0-name"[^>]*value="DraftReadOnly"', reloaded)
    editor = re.search(r'name="identity-1-text"[^>]*>([^<]*)</textarea>', reloaded)
    assert editor and html.unescape(editor[1]).strip() == ALLOW_GET
    second = re.search(r'name="scp-0-1"[^>]*>([^<]*)</textarea>', reloaded)
    assert second and html.unescape(second[1]).strip() == FULL_ACCESS
    assert '<p class="decision-word">Allowed</p>' in reloaded


def test_a_link_made_before_empty_editors_were_kept_still_opens(client):
    case = {
        "request": {
            "principal": "arn:aws:iam::111122223333:user/alice",
            "action": "s3:GetObject",
            "resource": "arn:aws:s3:::reports/q1.csv",
        },
        "identity_policies": [{"name": "Read", "document": ALLOW_GET}],
        "scp_levels": [[FULL_ACCESS]],
    }
    raw = json.dumps(case, separators=(",", ":")).encode()
    old = base64.urlsafe_b64encode(zlib.compress(raw, 9)).decode().rstrip("=")
    body = client.get(f"/sandbox/?case={old}").content.decode()
    assert re.search(r'name="identity-0-name"[^>]*value="Read"', body)
    assert "identity-1-text" not in body and "scp-0-1" not in body
    assert '<p class="decision-word">Allowed</p>' in body


def test_without_javascript_the_form_posts_and_renders_the_whole_page(client):
    response = client.post("/sandbox/", {**form(), "op": "evaluate"})
    body = response.content.decode()
    assert "<html" in body
    assert '<p class="decision-word">Allowed</p>' in body
    assert ALLOW_GET.replace('"', "&quot;") in body


def test_a_permalink_reopens_the_same_state(client):
    state = rich_state()
    body = client.get(f"/sandbox/?case={encode_permalink(state)}").content.decode()
    assert 'value="arn:aws:sts::111122223333:assumed-role/Dev/alice"' in body
    assert 'name="scp-1-1"' in body
    assert "A named case" in body


def test_the_page_offers_a_permalink_that_round_trips(client):
    body = live(client, action="s3:PutObject").content.decode()
    link = re.search(r'id="permalink" type="text" readonly value="([^"]+)"', body).group(1)
    reopened = client.get(link.replace("http://testserver", "")).content.decode()
    assert 'value="s3:PutObject"' in reopened


def test_a_damaged_permalink_opens_the_example_with_a_notice(client):
    response = client.get("/sandbox/?case=garbage!!")
    assert response.status_code == 200
    body = response.content.decode()
    assert "damaged or incomplete" in body
    # The preset menu says what opened: the example, not "(your own case, not a preset)".
    first = re.search(r'<select[^>]*id="preset"[^>]*>\s*<option[^>]*>([^<]*)</option>', body)
    assert first.group(1) == "(the starter example)"


def test_an_unknown_preset_opens_the_example_with_a_notice(client):
    body = client.get("/sandbox/?preset=nope").content.decode()
    assert "There is no preset called “<bdi>nope</bdi>”" in body


def test_download_and_open_round_trip_a_case_file(client):
    download = client.post("/sandbox/", {**form_of(rich_state()), "op": "download"})
    assert download["Content-Disposition"] == 'attachment; filename="A-named-case.json"'
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("case.json", download.content, content_type="application/json")
    body = client.post("/sandbox/", {"op": "open", "case_file": upload}).content.decode()
    assert 'value="arn:aws:sts::111122223333:assumed-role/Dev/alice"' in body


def test_opening_a_broken_file_says_what_is_wrong(client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("case.json", b'{"request": }', content_type="application/json")
    response = client.post("/sandbox/", {"op": "open", "case_file": upload})
    assert response.status_code == 400
    assert "Line 1, column 13: Expected a value here" in response.content.decode()


def test_a_body_over_the_cap_is_refused_politely(client):
    response = client.post(
        "/sandbox/", form(**{"identity-0-text": "x" * 70_000}), headers={"HX-Request": "true"}
    )
    assert response.status_code == 413
    assert "more than the sandbox takes" in response.content.decode()


def test_a_case_file_over_the_cap_is_refused_as_a_file(client):
    """ "Open" is the one multipart post: a file too large was told to shorten a policy."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("big.json", b" " * 70_000, content_type="application/json")
    response = client.post("/sandbox/", {**form(), "op": "open", "case_file": upload})
    assert response.status_code == 413
    body = response.content.decode()
    assert "The case file is larger than the sandbox opens (64 KB): it was not opened." in body
    assert "Shorten a policy" not in body


def test_a_policy_over_its_limit_is_refused_with_a_message(client):
    response = live(client, **{"identity-0-text": " " * 20_001})
    assert response.status_code == 400
    assert "Identity policy 1 is 20,001 characters long" in response.content.decode()


@pytest.mark.parametrize(
    "field",
    [
        "principal",
        "action",
        "resource",
        "resource_account",
        "identity-0-name",
        "identity-0-text",
        "ctx-0-key",
        "ctx-0-value",
    ],
)
def test_what_the_learner_types_comes_back_escaped(client, field):
    attack = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
    data = form(**{field: attack})
    if field.startswith("ctx"):
        data.setdefault("ctx-0-key", "k")
        data.setdefault("ctx-0-value", "v")
    for response in (
        client.post("/sandbox/", data, headers={"HX-Request": "true"}),
        client.post("/sandbox/", data),
    ):
        body = response.content.decode()
        assert "<script>alert(1)</script>" not in body
        assert "<img src=x" not in body


def test_live_updates_are_rate_limited_with_retry_after(client, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "sandbox": "3/60"}
    for _ in range(3):
        assert live(client).status_code == 200
    response = live(client)
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "Slow down a little" in response.content.decode()


def test_the_sandbox_is_get_or_post_only(client):
    assert client.put("/sandbox/").status_code == 405


def test_action_suggestions_come_from_the_catalogue(client):
    body = client.get("/sandbox/actions/", {"action": "s3:GetObj"}).content.decode()
    assert body.startswith('<datalist id="action-options">')
    assert 'value="s3:GetObject"' in body
    assert "s3:PutObject" not in body


# Every shipped preset opens and decides what it promises: tests/curriculum/test_shipped_load.py,
# which shares one load of the whole course.


def test_a_preset_shows_its_situation_and_lessons(client):
    scenario = make_scenario(
        title="Alice & the <b>reports</b>", situation="Alice wants **one** bucket."
    )
    body = client.get(f"/sandbox/?preset={scenario.slug}").content.decode()
    assert "Alice &amp; the &lt;b&gt;reports&lt;/b&gt;" in body
    assert "<strong>one</strong>" in body


def test_the_sandbox_page_issues_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    make_scenario()
    # the page's own (at most 4) and the rate limit's counting, one statement per counter (3)
    with django_assert_max_num_queries(4 + 3):
        client.get("/sandbox/")


def test_policies_from_presets_keep_their_text(client):
    scenario = make_scenario(
        case={
            "request": {"principal": "*", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k"},
            "resource_policy": POLICY,
            "expect": "ImplicitDeny",
        }
    )
    body = client.get(f"/sandbox/?preset={scenario.slug}").content.decode()
    assert POLICY.replace('"', "&quot;") in body


def test_a_preset_names_the_documentation_rule_it_illustrates(client):
    scenario = make_scenario(
        rule={
            "title": "Cross-account policy evaluation logic",
            "url": "https://docs.aws.amazon.com/x",
        }
    )
    body = client.get(f"/sandbox/?preset={scenario.slug}").content.decode()
    assert (
        'The rule it illustrates: <a href="https://docs.aws.amazon.com/x" rel="noopener">'
        "Cross-account policy evaluation logic</a>" in body
    )


def test_an_identity_allow_shows_the_boundary_and_session_boxes_as_checked(client):
    """An Allow by the user's identity policy: the boundary and session boxes after it read
    "Does not apply" with why, not "Not reached", as AWS's flowchart still passes them."""
    body = live(client).content.decode()
    assert "Decision: Allowed" in body
    flow = body[body.index('class="flow"') :]
    boundary = flow[flow.index("Permissions boundary") : flow.index("Session policy")]
    assert "Does not apply" in boundary and "no permissions boundary" in boundary
    assert "Not reached" not in flow


def test_an_aws_rule_decides_before_the_policies_and_says_so(client):
    """sts:GetCallerIdentity needs no permission: the result panel shows the "AWS rule" step
    first, in words, with the policy steps after it marked as not reached."""
    deny = '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}'
    body = live(
        client, action="sts:GetCallerIdentity", resource="*", **{"identity-0-text": deny}
    ).content.decode()
    assert "Decision: Allowed" in body
    flow = body[body.index('class="flow"') :]
    assert flow.index("AWS rule") < flow.index("Explicit deny")
    assert "needs no permission" in body
    assert "Not reached: an earlier step decided" in flow


def test_a_step_after_an_explicit_deny_says_what_it_would_have_found(client):
    """After an explicit deny the later boxes are not reached; the reasons the engine still
    gives for them read as what each would have found, not as what decided."""
    deny = '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}'
    body = live(client, **{"identity-0-text": deny}).content.decode()
    assert 'class="decision decision-explicitdeny"' in body
    flow = body[body.index('class="flow"') :]
    steps = re.findall(r'<li class="step [^"]*step-unreached">(.*?)</li>', flow, re.S)
    assert steps, "no unreached step after the explicit deny"
    for step in steps:
        assert "Not reached: an earlier step decided" in step
        if 'class="step-reason"' in step:
            assert 'class="step-reason">Had it been reached: ' in step


def test_a_direction_control_in_a_sid_does_not_reverse_the_result(client):
    """U+202E in a Sid reversed the rest of the "Decided by" line; the result shows it escaped."""
    text = ALLOW_GET.replace('"Sid": "Read"', '"Sid": "Read\u202eReports"')
    assert "Read\u202eReports" in text
    body = live(
        client, **{"identity-0-text": text, "identity-0-name": "Mine\u202e"}
    ).content.decode()
    assert "Decision: Allowed" in body
    assert "\u202e" not in body
    assert "Read\\u202eReports" in body
