"""A JSON syntax error names the learner's likely mistake and its line, where Python's decoder
names only where it stopped: a comma missing at the end of line 15 was "Expecting ',' delimiter"
at line 16, a line with nothing wrong on it."""

from __future__ import annotations

import html
import json

import pytest
from django.core.cache import cache

from srm_trainer.iam import PolicyError
from srm_trainer.iam.json_mistakes import likely_mistake
from srm_trainer.iam.jsontext import load_json
from srm_trainer.sandbox.analysis import _where
from srm_trainer.sandbox.state import StateError, read_case_file
from tests.netlab.test_refusals import HTMX, WAF, waf_form

MISSING_COMMA = '{\n  "Effect": "Allow"\n  "Action": "s3:GetObject"\n}'


def mistake(text: str) -> str:
    with pytest.raises(json.JSONDecodeError) as caught:
        json.loads(text)
    return likely_mistake(caught.value)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        (MISSING_COMMA, "A comma is probably missing at the end of line 2."),
        (
            '{\n  "Action": [\n    "s3:GetObject",\n  ]\n}',
            "JSON takes no comma after the last item: remove the one at the end of line 3.",
        ),
        (
            '{"Effect": "Allow",}',
            "JSON takes no comma after the last item: remove the one before the }.",
        ),
        (
            '["s3:GetObject",]',
            "JSON takes no comma after the last item: remove the one before the ].",
        ),
        # "Expecting value" at the second comma said nothing a newcomer could act on.
        (
            '[\n  "s3:GetObject",,\n  "s3:PutObject"\n]',
            "Two commas in a row: remove one of them on line 2.",
        ),
        (
            '{"Effect": "Allow",, "Action": "*"}',
            "Two commas in a row: remove one of them on line 1.",
        ),
        ("{'Effect': 'Allow'}", 'JSON strings and names take double quotes ("), not single ones.'),
        ('{Effect: "Allow"}', 'JSON names take double quotes: "Effect", not Effect.'),
        (
            '{"Bool": {aws:SecureTransport: "true"}}',
            'JSON names take double quotes: "aws:SecureTransport", not aws:SecureTransport.',
        ),
        (
            "{\"Effect\": 'Allow'}",
            'JSON strings and names take double quotes ("), not single ones.',
        ),
        (
            '{\n  "Statement": [\n    {"Effect": "Allow"}\n',
            "The text ends before every { and [ in it is closed.",
        ),
        ('{"Effect":', "The text ends before every { and [ in it is closed."),
        # Cut short after a { or a name, the decoder wanted a name or a colon, not the end.
        ("{", "The text ends before every { and [ in it is closed."),
        ('{"Effect"', "The text ends before every { and [ in it is closed."),
        # A } met while a [ is still open (or a ] while a { is) was "A comma is probably
        # missing at the end of line 2" or "Expected a comma": a comma there would not help.
        (
            '{"source": ["aws.guardduty"],\n "detail": {"severity": [{"numeric": [">=", 7]}\n}',
            "A ] is probably missing before this }: the last [ opened is still open.",
        ),
        (
            '{"Action": ["s3:GetObject"}',
            "A ] is probably missing before this }: the last [ opened is still open.",
        ),
        (
            '[{"Effect": "Allow"]',
            "A } is probably missing before this ]: the last { opened is still open.",
        ),
        (
            '{"Effect": "Allow"}}',
            "There is more after the end of the JSON: a } too many, or a second value.",
        ),
    ],
)
def test_the_likely_mistake_is_named_with_its_line(text, said):
    assert mistake(text) == said


@pytest.mark.parametrize("text", ["", "   \n", '{"a" "b"}', '{"a": tru}', '{"a": 1 2}'])
def test_no_guess_where_no_common_mistake_explains_it(text):
    assert mistake(text) == ""


@pytest.mark.django_db
def test_the_sandbox_says_it_beside_the_policy(client):
    cache.clear()
    body = client.post(
        "/sandbox/",
        {
            "principal": "arn:aws:iam::111122223333:user/alice",
            "action": "s3:GetObject",
            "resource": "arn:aws:s3:::reports/q1.csv",
            "identity-0-text": MISSING_COMMA,
        },
        headers=HTMX,
    ).content.decode()
    notes = html.unescape(body[body.index('id="notes-identity-0"') :])
    assert "Line 3, column 3:</span>" in notes
    assert '"note-message">A comma is probably missing at the end of line 2.</span>' in notes


@pytest.mark.django_db
def test_the_waf_lab_says_it_in_its_result(client):
    cache.clear()
    fields = waf_form(client)
    fields["web_acl"] = fields["web_acl"].replace('"Limit": 100,', '"Limit": 100')
    body = html.unescape(client.post(WAF, fields, headers=HTMX).content.decode())
    assert "Web ACL, line 16, column 11: A comma is probably missing at the end of line 15." in body


def test_a_case_file_says_the_place_then_the_likely_mistake():
    with pytest.raises(StateError) as refused:
        read_case_file(MISSING_COMMA.encode())
    assert refused.value.message == (
        "The file cannot be opened. Line 3, column 3: A comma is probably missing at the end of "
        "line 2."
    )


def test_the_many_request_tools_say_the_place_then_the_likely_mistake():
    with pytest.raises(PolicyError) as refused:
        load_json(MISSING_COMMA)
    assert _where(refused.value) == (
        "Line 3, column 3: A comma is probably missing at the end of line 2."
    )
