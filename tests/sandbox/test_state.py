"""The sandbox state round-trips through the form, the case format, files and permalinks."""

from __future__ import annotations

import base64
import json
import zlib
from dataclasses import replace

import pytest

from srm_trainer.sandbox.state import (
    FULL_AWS_ACCESS,
    MAX_POLICY_CHARS,
    PolicyText,
    SandboxState,
    StateError,
    apply_op,
    case_file_text,
    decode_permalink,
    encode_permalink,
    read_case_file,
    state_from_case,
    state_from_form,
    state_to_case,
)

POLICY = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}'


def rich_state() -> SandboxState:
    return SandboxState(
        principal="arn:aws:sts::111122223333:assumed-role/Dev/alice",
        action="s3:GetObject",
        resource="arn:aws:s3:::reports/a.csv",
        resource_account="111122223333",
        context=(("aws:SourceIp", "203.0.113.7"), ("aws:TagKeys", '["team", "cost"]')),
        identity=(PolicyText(POLICY, "Read"), PolicyText(POLICY)),
        resource_policy="",
        boundary=POLICY,
        session_policy=POLICY,
        scp_levels=((POLICY,), (POLICY, POLICY)),
        rcp_levels=((POLICY,),),
        name="A named case",
    )


def form_of(state: SandboxState) -> dict[str, str]:
    data = {
        "principal": state.principal,
        "action": state.action,
        "resource": state.resource,
        "resource_account": state.resource_account,
        "resource_policy": state.resource_policy,
        "boundary": state.boundary,
        "session_policy": state.session_policy,
        "name": state.name,
        "federated_by": state.federated_by,
    }
    for i, p in enumerate(state.identity):
        data[f"identity-{i}-text"] = p.text
        data[f"identity-{i}-name"] = p.name
    for i, (k, v) in enumerate(state.context):
        data[f"ctx-{i}-key"], data[f"ctx-{i}-value"] = k, v
    for kind, levels in (("scp", state.scp_levels), ("rcp", state.rcp_levels)):
        for lvl, level in enumerate(levels):
            for j, text in enumerate(level):
                data[f"{kind}-{lvl}-{j}"] = text
    return data


def test_the_form_reads_back_exactly():
    state = rich_state()
    assert state_from_form(form_of(state)) == state


def test_the_case_format_round_trips():
    state = rich_state()
    assert state_from_case(state_to_case(state)) == state


def test_a_permalink_reopens_the_exact_state():
    state = rich_state()
    token = encode_permalink(state)
    assert all(c.isalnum() or c in "-_" for c in token)
    assert decode_permalink(token) == state


@pytest.mark.parametrize(
    "context",
    [
        (("aws:SourceIp", "203.0.113.7"), ("aws:SourceIp", "198.51.100.1")),  # the engine's error
        (("aws:username", "alice"), ("", "typed before its key")),
        (("aws:TagKeys", '["team","cost"]'), ("aws:PrincipalTag/x", ' ["a"]')),
        (("", ""),),  # "Add a key", nothing typed yet
    ],
)
def test_a_permalink_gives_back_the_context_rows_as_typed(context):
    """The address bar follows the permalink, so Reload opens it: a row the case's context
    object cannot hold (a key twice, a value without its key, a list spaced otherwise) was
    lost or rewritten."""
    state = replace(rich_state(), context=context)
    assert decode_permalink(encode_permalink(state)) == state


def test_a_permalink_adds_the_typed_rows_only_when_the_case_would_not_give_them_back():
    raw = zlib.decompress(base64.urlsafe_b64decode(encode_permalink(rich_state()) + "=="))
    assert "context_as_typed" not in json.loads(raw)


def test_a_permalink_is_compact():
    assert len(encode_permalink(rich_state())) < len(json.dumps(state_to_case(rich_state()))) / 2


@pytest.mark.parametrize(
    "token", ["not-base64!!", "aGVsbG8", base64.urlsafe_b64encode(zlib.compress(b"[1,2]")).decode()]
)
def test_a_damaged_permalink_is_refused_with_a_message(token):
    with pytest.raises(StateError, match="damaged|A case is a JSON object"):
        decode_permalink(token)


def test_a_permalink_that_inflates_beyond_the_cap_is_refused():
    bomb = base64.urlsafe_b64encode(
        zlib.compress(b'{"request": {"principal": "' + b"a" * 500_000 + b'"}}')
    ).decode()
    with pytest.raises(StateError, match="more than the sandbox takes"):
        decode_permalink(bomb)


def test_a_downloaded_case_file_opens_again_with_the_same_policies():
    state = rich_state()
    text = case_file_text(state)
    data = json.loads(text)
    assert data["identity_policies"][0]["name"] == "Read"
    assert data["identity_policies"][0]["document"]["Statement"][0]["Action"] == "s3:GetObject"
    reopened = read_case_file(text.encode())
    assert json.loads(reopened.identity[0].text) == json.loads(POLICY)
    assert reopened.context == state.context


def test_unfinished_policy_text_survives_a_download():
    state = SandboxState(identity=(PolicyText('{"Version": "2012-10-17", "Statement": ['),))
    assert (
        read_case_file(case_file_text(state).encode()).identity[0].text
        == '{"Version": "2012-10-17", "Statement": ['
    )


def test_a_bad_case_file_says_where_the_json_breaks():
    with pytest.raises(StateError, match="Line 2, column 2: JSON takes no comma"):
        read_case_file(b'{"request": {}\n,}')


def test_a_policy_over_the_limit_is_refused_with_the_field_named():
    data = form_of(rich_state())
    data["identity-1-text"] = "x" * (MAX_POLICY_CHARS + 1)
    with pytest.raises(StateError) as excinfo:
        state_from_form(data)
    assert excinfo.value.field == "identity-1-text"
    assert "Identity policy 2" in excinfo.value.message


@pytest.mark.parametrize(
    "field, value, named",
    [
        ("scp-1-1", "x" * (MAX_POLICY_CHARS + 1), "SCP 2 at level 2 is 20,001 characters long"),
        ("rcp-0-0", "x" * (MAX_POLICY_CHARS + 1), "RCP 1 at level 1 is 20,001 characters long"),
        ("identity-1-name", "n" * 129, "The name of identity policy 2 is 129 characters long"),
    ],
)
def test_a_refused_field_is_named_as_the_page_labels_it(field, value, named):
    """It said "SCP level 2 is …" of the second SCP at a level, and "A policy name is …" of
    any of twenty: which box to shorten was left to find."""
    data = form_of(rich_state())
    data[field] = value
    with pytest.raises(StateError) as excinfo:
        state_from_form(data)
    assert excinfo.value.message.startswith(named)


def test_too_many_identity_policies_are_refused():
    data = {f"identity-{i}-text": POLICY for i in range(21)}
    with pytest.raises(StateError, match="at most 20 identity policies"):
        state_from_form(data)


def test_too_many_organization_levels_are_refused():
    data = {f"scp-{i}-0": POLICY for i in range(6)}
    with pytest.raises(StateError, match="at most 5 organization levels"):
        state_from_form(data)


class _CountedForm(dict):
    """A form that counts the field names read from it."""

    read = 0

    def __iter__(self):
        for key in super().__iter__():
            self.read += 1
            yield key


@pytest.mark.parametrize("strict", [True, False])
def test_levels_past_the_limit_are_not_read(strict):
    """Each level's policies are found by reading every field name: a form of 990 levels (the
    most Django's 1,000 fields allow) read 980,000 names (~55 ms) for one refusal."""
    data = _CountedForm({f"scp-{i}-0": "" for i in range(990)})
    if strict:
        with pytest.raises(StateError, match="at most 5 organization levels"):
            state_from_form(data)
    else:
        assert len(state_from_form(data, strict=False).scp_levels) == 5
    assert data.read < 20 * len(data)


def test_empty_editors_are_left_out_of_the_case():
    case = state_to_case(SandboxState(identity=(PolicyText(""), PolicyText(POLICY)), boundary="  "))
    assert case["identity_policies"] == [POLICY]
    assert "permissions_boundary" not in case


def test_a_json_list_in_a_context_value_is_a_multivalued_key():
    case = state_to_case(
        SandboxState(context=(("aws:TagKeys", '["a", "b"]'), ("aws:SourceIp", "[oops")))
    )
    assert case["request"]["context"] == {"aws:TagKeys": ["a", "b"], "aws:SourceIp": "[oops"}


def test_editing_operations():
    state = SandboxState()
    state = apply_op(state, "add-identity")
    assert len(state.identity) == 2
    state = apply_op(state, "remove-identity:0")
    assert len(state.identity) == 1
    state = apply_op(apply_op(state, "add-scp-level"), "add-scp:0")
    assert state.scp_levels == ((FULL_AWS_ACCESS, ""),)
    assert apply_op(state, "add-rcp-level").rcp_levels == (("",),)
    state = apply_op(state, "remove-scp-level:0")
    assert state.scp_levels == ()
    state = apply_op(state, "add-context:aws:SourceIp")
    assert state.context == (("aws:SourceIp", ""),)
    state = apply_op(state, "principal:anonymous")
    assert state.principal == "*"
    assert apply_op(state, "no-such-op") == state


def test_prefilled_keys_never_overwrite_what_the_learner_typed():
    state = SandboxState(context=(("aws:SourceIp", "198.51.100.1"),))
    state = apply_op(
        state,
        "prefill-context",
        extra_context=(("aws:SourceIp", "203.0.113.10"), ("aws:username", "alice")),
    )
    assert state.context == (("aws:SourceIp", "198.51.100.1"), ("aws:username", "alice"))


def test_the_keys_aws_would_send_depend_on_the_caller():
    from datetime import UTC, datetime

    from srm_trainer.sandbox.state import aws_context_for

    now = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
    user = dict(
        aws_context_for(SandboxState(principal="arn:aws:iam::111122223333:user/alice"), now=now)
    )
    assert user["aws:username"] == "alice"
    assert user["aws:PrincipalArn"] == "arn:aws:iam::111122223333:user/alice"
    assert user["aws:PrincipalType"] == "User"
    assert user["aws:CurrentTime"] == "2026-11-29T12:00:00Z"
    session = dict(
        aws_context_for(
            SandboxState(principal="arn:aws:sts::111122223333:assumed-role/Dev/alice"), now=now
        )
    )
    assert (
        session["aws:PrincipalArn"] == "arn:aws:iam::111122223333:role/Dev"
    )  # the role, not the session
    assert "aws:username" not in session
    anonymous = dict(aws_context_for(SandboxState(principal="*"), now=now))
    assert "aws:PrincipalArn" not in anonymous and anonymous["aws:PrincipalType"] == "Anonymous"
    service = dict(aws_context_for(SandboxState(principal="ec2.amazonaws.com"), now=now))
    assert service["aws:PrincipalIsAWSService"] == "true"
    # A role ARN is read as a session of that role (issue 16: it used to prefill "User").
    role = dict(
        aws_context_for(SandboxState(principal="arn:aws:iam::111122223333:role/Dev"), now=now)
    )
    assert role["aws:PrincipalType"] == "AssumedRole"
    assert role["aws:PrincipalArn"] == "arn:aws:iam::111122223333:role/Dev"


def test_a_new_learner_sees_the_context_aws_would_send():
    from srm_trainer.sandbox.state import starter_state

    keys = [key for key, _ in starter_state().context]
    assert {"aws:PrincipalArn", "aws:username", "aws:SourceIp", "aws:SecureTransport"} <= set(keys)


def test_a_caller_button_moves_the_keys_aws_sent_for_the_old_caller_to_the_new_one():
    """IAM User Guide, "AWS global condition context keys": aws:PrincipalArn of a role session
    is the role's ARN, aws:PrincipalType AssumedRole, and aws:username is sent for IAM users
    only. Keys the learner typed stay as typed."""
    from srm_trainer.iam.principals import default_context

    alice = SandboxState().principal
    typed = (("aws:PrincipalAccount", "444455556666"), ("aws:SourceIp", "198.51.100.1"))
    keys = tuple((k, v) for k, v in default_context(alice).items() if k != "aws:PrincipalAccount")
    state = apply_op(SandboxState(context=keys + typed), "principal:role-session")
    context = dict(state.context)
    assert "aws:username" not in context
    assert context["aws:PrincipalType"] == "AssumedRole"
    assert context["aws:PrincipalArn"] == "arn:aws:iam::111122223333:role/Developer"
    assert context["aws:PrincipalAccount"] == "444455556666"  # typed: kept, and warned of
    assert context["aws:SourceIp"] == "198.51.100.1"
    assert [k for k, _ in state.context][-2:] == ["aws:PrincipalAccount", "aws:SourceIp"]
