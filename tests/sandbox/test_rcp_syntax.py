"""The sandbox and AWS Organizations' RCP syntax rules
(https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps_syntax.html):
an RCP AWS would refuse to create is said beside its editor and not evaluated, as an SCP with a
Principal is; what the page leaves open is a warning beside an RCP that is still evaluated."""

from __future__ import annotations

import html
import json
import re

import pytest
from django.core.cache import cache

from tests.sandbox.test_views_sandbox import live

pytestmark = pytest.mark.django_db

SCP_LESSON = 'href="/learn/organizations/service-control-policies/"'


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def rcp(*statements: dict) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)}, indent=2)


def deny(**changes) -> dict:
    statement = {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}
    statement.update(changes)
    return {k: v for k, v in statement.items() if v is not None}


def notes_of(body: str, editor: str) -> str:
    start = body.index(f'id="notes-{editor}"')
    return body[start : body.index("</div>", start)]


def text(fragment: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)))


REFUSED = [
    pytest.param(
        deny(Effect="Allow", Condition={"Bool": {"aws:SecureTransport": "true"}}),
        5,
        "an RCP you create must deny",
        id="allow",
    ),
    pytest.param(deny(Principal=None), 4, 'needs "Principal": "*"', id="no-principal"),
    pytest.param(
        {"Effect": "Deny", "Principal": "*", "NotAction": "s3:GetObject", "Resource": "*"},
        7,
        "NotAction is not supported",
        id="notaction",
    ),
    pytest.param(deny(Action="*"), 7, "does not name a service", id="action-star"),
]


@pytest.mark.parametrize(("statement", "line", "words"), REFUSED)
def test_an_rcp_aws_would_refuse_is_said_beside_it_and_not_evaluated(
    client, statement, line, words
):
    body = live(client, **{"rcp-0-0": rcp(statement)}).content.decode()
    said = text(body)
    assert "Decision:" not in said
    assert "Can't evaluate yet: RCP 1 at level 1, line" in said
    notes = notes_of(body, "rcp-0-0")
    assert f'data-line="{line}"' in notes and "note-error" in notes
    assert words in text(notes)
    assert 'AWS Organizations User Guide, "RCP syntax"' in text(notes)
    assert "refuse" in text(notes)  # AWS Organizations would not create it
    assert SCP_LESSON in notes


def test_an_rcp_that_allows_everything_is_evaluated_with_a_warning_beside_it(client):
    """The page says RCPs you create must deny; Access Analyzer lets an Allow of every principal
    and resource with no condition pass: not refused, but not silent either."""
    allow_all = {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}
    body = live(client, **{"rcp-0-0": rcp(allow_all)}).content.decode()
    assert "Decision: Allowed" in text(body)
    notes = notes_of(body, "rcp-0-0")
    assert "note-warning" in notes and "note-error" not in notes
    assert "whether AWS would take this policy is not settled" in text(notes)
    assert 'data-line="5"' in notes


def test_an_rcp_naming_a_service_without_rcps_is_evaluated_with_a_warning(client):
    body = live(
        client, **{"rcp-0-0": rcp(deny(Action="ec2:*"))}, action="ec2:StopInstances"
    ).content.decode()
    notes = notes_of(body, "rcp-0-0")
    assert "note-warning" in notes
    assert "is not on AWS's list of services that support RCPs" in text(notes)


def test_a_valid_rcp_has_no_note_and_decides(client):
    body = live(client, **{"rcp-0-0": rcp(deny(Action="s3:GetObject"))}).content.decode()
    assert "Decision: Explicit deny" in text(body)
    notes = notes_of(body, "rcp-0-0")
    assert "note-decisive" in notes  # the statement that decided, and nothing else
    assert "note-error" not in notes and "note-warning" not in notes
