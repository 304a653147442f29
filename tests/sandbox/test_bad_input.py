"""Input that used to give a 500 in the sandbox and the API: each is refused with a message."""

from __future__ import annotations

import base64
import json
import zlib
from urllib.parse import urlencode

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from srm_trainer.sandbox.state import apply_op, starter_state, state_from_form

pytestmark = pytest.mark.django_db

BIG = "1" * 5000
PRINCIPAL = "arn:aws:iam::111122223333:user/alice"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def link(raw: str) -> str:
    packed = zlib.compress(raw.encode("utf-8"), 9)
    return base64.urlsafe_b64encode(packed).decode("ascii").rstrip("=")


def post_api(client, body: str, **extra):
    return client.post("/api/iam/evaluate", body, content_type="application/json", **extra)


# --- the API ------------------------------------------------------------------------------


def test_the_api_refuses_a_huge_integer_with_its_line_and_column(client):
    response = post_api(client, '{"request": {\n  "action": ' + BIG + "}}")
    assert response.status_code == 400
    error = response.json()["error"]
    assert (error["code"], error["line"], error["column"]) == ("number_too_long", 2, 13)


def test_the_api_refuses_a_huge_integer_inside_a_policy_text(client):
    policy = (
        '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*", "Condition": {"NumericEquals": {"s3:max-keys": '
        + BIG[:4400]
        + "}}}}"
    )
    case = {
        "request": {"principal": PRINCIPAL, "action": "s3:ListBucket", "resource": "*"},
        "identity_policies": [policy],
    }
    response = post_api(client, json.dumps(case))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "number_too_long"


def test_the_api_refuses_deep_nesting_and_lone_surrogates(client):
    deep = post_api(client, "[" * 20_000 + "]" * 20_000)
    assert (deep.status_code, deep.json()["error"]["code"]) == (400, "nesting_too_deep")
    body = (
        '{"request": {"principal": "' + PRINCIPAL + '", "action": "s3:\\ud800", "resource": "*"}}'
    )
    lone = post_api(client, body)
    assert (lone.status_code, lone.json()["error"]["code"]) == (400, "invalid_unicode")
    assert lone.json()["error"]["column"] == body.index("\\ud800") + 1


@pytest.mark.parametrize("value", ["abc", "-1", "1e3", "²", "9" * 40])
def test_a_malformed_content_length_is_a_json_400_on_the_api(client, value):
    response = post_api(client, "{}", CONTENT_LENGTH=value)
    assert response.status_code == 400
    assert response.json()["error"]["message"] == (
        "The Content-Length header must be a whole number of bytes."
    )


def test_a_malformed_content_length_is_a_400_anywhere(client):
    for path in ("/sandbox/", "/accounts/login/", "/quizzes/"):
        response = client.post(
            path, "a=b", content_type="application/x-www-form-urlencoded", CONTENT_LENGTH="abc"
        )
        assert response.status_code == 400, path


MULTIPART = b'--xx\r\nContent-Disposition: form-data; name="q"\r\n\r\niam\r\n--xx--\r\n'


@pytest.mark.parametrize("charset", ["rot13", "hex", "zlib", "base64", "idna", "undefined"])
def test_a_charset_that_is_no_text_encoding_is_read_as_utf_8(client, charset):
    """Django decodes the query string and a multipart form's field names with any codec the
    Content-Type names, and these are codecs that do not make text: a LookupError, a 500 on
    any page from one header. Read as UTF-8, as Django reads a charset it does not know."""
    long = "a" * 64  # a label idna refuses, as UnicodeError
    page = client.get(f"/search/?q={long}", content_type=f"text/plain; charset={charset}")
    assert page.status_code == 200 and long.encode() in page.content
    form = f"multipart/form-data; boundary=xx; charset={charset}"
    for path in ("/sandbox/", "/accounts/login/", "/lab/findings/"):
        assert client.generic("POST", path, MULTIPART, content_type=form).status_code == 200, path
    api = client.generic("POST", "/api/iam/evaluate", MULTIPART, content_type=form)
    assert api.status_code == 400 and api.json()["error"]["code"]


def test_every_codec_kept_fails_on_bad_bytes_only_as_django_expects():
    """Every codec Python ships that `reads_text` keeps raises nothing but UnicodeDecodeError
    on odd request text (which Django catches), so no charset sent is a 500."""
    import codecs
    import contextlib
    import encodings
    import pkgutil

    from srm_trainer.middleware import reads_text

    samples = [b"q=abc", b"q=%ff\xff\xfe\x00", b"a" * 70, b"\\x", b"+-&", b"xn--", b".", b"a." * 40]
    kept = []
    for module in pkgutil.iter_modules(encodings.__path__):
        try:
            codecs.lookup(module.name)
        except LookupError:
            continue
        if not reads_text(module.name):
            continue
        kept.append(module.name)
        for sample in samples:
            for errors in ("strict", "replace"):
                with contextlib.suppress(UnicodeDecodeError):
                    sample.decode(module.name, errors)
    assert {"utf_8", "latin_1", "utf_16", "cp1252"} <= set(kept)
    assert not {"rot_13", "hex_codec", "idna", "punycode", "undefined"} & set(kept)


# --- permalinks ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "[" * 20_000,
        "[" * 20_000 + "]" * 20_000,
        '{"request": {"principal": ' + "[" * 900 + "]" * 900 + "}}",
        '{"request": {"principal": "\\ud800", "action": "s3:GetObject", "resource": "*"}}',
        '{"request": {"principal": "a", "action": "s3:x", "resource": "*"}, "identity_policies":'
        ' [{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:\\udc00",'
        ' "Resource": "*"}}]}',
        '{"request": {"principal": ' + BIG + "}}",
    ],
    ids=[
        "open-brackets",
        "nested-20000",
        "nested-900",
        "surrogate",
        "surrogate-in-policy",
        "bigint",
    ],
)
def test_a_hostile_permalink_opens_the_example_with_a_notice(client, raw):
    response = client.get("/sandbox/", {"case": link(raw)})
    assert response.status_code == 200
    assert "damaged or incomplete" in response.content.decode()


def test_a_surrogate_escaped_inside_a_policy_text_is_a_finding_not_a_crash(client):
    policy = '{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:\\ud800", "Resource": "*"}}'
    case = {
        "request": {"principal": PRINCIPAL, "action": "s3:GetObject", "resource": "*"},
        "identity_policies": [policy],
    }
    response = client.get("/sandbox/", {"case": link(json.dumps(case))})
    assert response.status_code == 200
    assert "half of a surrogate pair" in response.content.decode()


# --- the sandbox form ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["ctx-²-key", "ctx-٣-key", "identity-¹-text", "scp-0-²", "ctx-" + BIG + "-key"]
)
def test_field_names_with_unicode_or_endless_digits_are_ignored(client, name):
    body = urlencode({name: "x", "action": "s3:GetObject"})
    response = client.post("/sandbox/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert state_from_form({name: "x"}).context == ()


@pytest.mark.parametrize(
    "op", ["remove-identity:²", "remove-context:٣", "add-scp:¹", "remove-scp-level:" + BIG]
)
def test_operations_with_unicode_digits_change_nothing(client, op):
    state = starter_state()
    assert apply_op(state, op) == state
    assert client.post("/sandbox/", {"op": op}).status_code == 200


def test_a_context_value_too_deep_to_decode_stays_text(client):
    response = client.post(
        "/sandbox/",
        {"ctx-0-key": "aws:TagKeys", "ctx-0-value": "[" * 2000, "action": "s3:GetObject"},
    )
    assert response.status_code == 200


def test_downloading_a_policy_too_deep_to_decode_keeps_it_as_text(client):
    deep = "[" * 5000 + "]" * 5000
    response = client.post("/sandbox/", {"op": "download", "identity-0-text": deep})
    assert response.status_code == 200
    assert json.loads(response.content)["identity_policies"] == [deep]


@pytest.mark.parametrize(
    "content, says",
    [
        (b'{"request": ' + BIG.encode() + b"}", "digits long"),
        (b"[" * 20_000, "nests"),
        (b'{"request": {"principal": "\\ud800"}}', "surrogate"),
    ],
)
def test_opening_a_hostile_case_file_says_what_is_wrong(client, content, says):
    upload = SimpleUploadedFile("case.json", content, content_type="application/json")
    response = client.post("/sandbox/", {"op": "open", "case_file": upload})
    assert response.status_code == 400
    assert says in response.content.decode()
