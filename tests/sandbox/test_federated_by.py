"""The sandbox's "Created by (IAM user)": the IAM user who made a federated user session
(request.federated_by). Shown for a federated principal, carried by every way in and out,
its errors beside it, and a grant to that user decided as AWS documents."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache

from srm_trainer.sandbox.live import analyse
from srm_trainer.sandbox.state import (
    SandboxState,
    apply_op,
    case_file_text,
    decode_permalink,
    encode_permalink,
    read_case_file,
    state_from_form,
    state_to_case,
)
from tests.sandbox.test_state import POLICY, form_of

CAROL = "arn:aws:sts::111122223333:federated-user/Carol"
BROKER = "arn:aws:iam::111122223333:user/broker"
BUCKET_POLICY = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
    f'"Principal": {{"AWS": "{BROKER}"}}, "Action": "s3:GetObject", '
    '"Resource": "arn:aws:s3:::reports/*"}]}'
)


def federated(**changes) -> SandboxState:
    values = {
        "principal": CAROL,
        "federated_by": BROKER,
        "resource": "arn:aws:s3:::reports/q1.csv",
        "identity": (),
        "resource_policy": BUCKET_POLICY,
        "session_policy": POLICY,
    }
    values.update(changes)
    return SandboxState(**values)


def test_it_goes_into_the_case_and_comes_back_from_every_form():
    state = federated()
    assert state_to_case(state)["request"]["federated_by"] == BROKER
    assert state_from_form(form_of(state)) == state
    assert decode_permalink(encode_permalink(state)).federated_by == BROKER
    assert read_case_file(case_file_text(state).encode()).federated_by == BROKER
    # left out of the case when empty, as AWS's requests carry no such field
    assert "federated_by" not in state_to_case(federated(federated_by=""))["request"]


def test_a_grant_to_the_user_who_federated_is_limited_by_the_session_policy():
    assert analyse(federated()).decision == "Allow"
    without = analyse(federated(session_policy=""))
    assert without.decision == "ImplicitDeny"
    step = next(s for s in without.steps if s.name == "session_policy")
    assert step.outcome == "implicit_deny"
    resource = next(s for s in without.steps if s.name == "resource_policy")
    assert "the IAM user who created this federated user session" in resource.reasons[0].html


def test_it_is_shown_for_a_federated_principal_or_while_it_holds_something():
    assert federated().shows_federated_by
    assert federated(federated_by="").shows_federated_by
    alice = "arn:aws:iam::111122223333:user/alice"
    assert not federated(principal=alice, federated_by="").shows_federated_by
    assert federated(principal=alice).shows_federated_by  # its error stays in sight


def test_a_quick_choice_of_another_kind_of_caller_drops_it():
    assert apply_op(federated(), "principal:user").federated_by == ""
    assert apply_op(federated(), "principal:role-session").federated_by == ""
    kept = apply_op(
        federated(principal="arn:aws:sts::111122223333:federated-user/Dan"), "principal:federated"
    )
    assert kept.federated_by == BROKER


def test_a_refused_value_is_said_beside_the_field_in_the_pages_words():
    result = analyse(federated(principal="arn:aws:iam::111122223333:user/alice"))
    assert result.decision is None
    (note,) = [n for n in result.notes["federated_by"] if n.severity == "error"]
    assert note.message.startswith("Created by (IAM user) goes only with a federated user")
    assert "the principal here is an IAM user" in note.message
    assert result.error is not None and result.error.message == note.message  # what is read out
    other_account = analyse(federated(federated_by="arn:aws:iam::444455556666:user/broker"))
    assert other_account.notes["federated_by"][0].message.startswith(
        "Created by (IAM user): the IAM user must be in the federated user's own account"
    )


# --- the page ------------------------------------------------------------------------------


@pytest.fixture
def fresh_rate_limits(db):
    cache.clear()


def _field(body: str) -> str:
    match = re.search(r'<div class="field" id="federated-by-field"[^>]*>', body)
    assert match, "the Created by field is on the page"
    return match.group(0)


@pytest.mark.usefixtures("fresh_rate_limits")
def test_the_field_is_labelled_described_and_hidden_until_the_principal_is_federated(client):
    body = client.get("/sandbox/").content.decode()
    assert " hidden" in _field(body)  # the example's caller is an IAM user
    assert '<label for="federated_by">Created by (IAM user)' in body
    assert 'aria-describedby="federated-by-help notes-federated_by"' in body
    assert 'id="notes-federated_by"' in body
    response = client.post("/sandbox/", {**form_of(federated()), "op": "principal:federated"})
    page = response.content.decode()
    assert " hidden" not in _field(page)
    assert f'value="{BROKER}"' in page


@pytest.mark.usefixtures("fresh_rate_limits")
def test_a_live_update_places_its_error_beside_the_field(client):
    data = form_of(federated(principal="arn:aws:iam::111122223333:user/alice"))
    body = client.post("/sandbox/", data, headers={"HX-Request": "true"}).content.decode()
    notes = re.search(r'<div id="notes-federated_by"[^>]*>(.*?)</div>', body, re.S)
    assert notes and "goes only with a federated user principal" in notes.group(1)
    assert "Can&#x27;t evaluate yet: Created by (IAM user)" in body or (
        "Can't evaluate yet: Created by (IAM user)" in body
    )


@pytest.mark.usefixtures("fresh_rate_limits")
def test_a_live_update_decides_with_the_user_who_federated(client):
    body = client.post(
        "/sandbox/", form_of(federated()), headers={"HX-Request": "true"}
    ).content.decode()
    assert "Decision: Allowed" in body
    assert "the IAM user who created this federated user session" in body


def test_an_empty_created_by_is_suggested_when_the_bucket_policy_names_a_user_of_the_account():
    result = analyse(federated(federated_by=""))
    assert result.decision == "ImplicitDeny"  # the grant to broker does not reach Carol
    (note,) = result.notes["federated_by"]
    assert note.severity == "suggestion" and note.code == "federated_creator_unknown"
    assert f"names <code>{BROKER}</code>" in note.message
    assert "If that user made this session with GetFederationToken" in note.message
    # not once it is given, nor for another caller, nor for a user of another account
    assert "federated_by" not in analyse(federated()).notes
    alice = "arn:aws:iam::111122223333:user/alice"
    assert "federated_by" not in analyse(federated(principal=alice, federated_by="")).notes
    elsewhere = BUCKET_POLICY.replace("111122223333", "444455556666")
    assert (
        "federated_by" not in analyse(federated(federated_by="", resource_policy=elsewhere)).notes
    )
