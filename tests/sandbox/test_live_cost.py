"""What one live update costs: each policy parsed once, and sent urlencoded (issue 15, item 5)."""

from __future__ import annotations

import json
from collections import Counter
from urllib.parse import urlencode

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from srm_trainer.iam import parser
from tests.sandbox.test_views_sandbox import ALLOW_GET, form

pytestmark = pytest.mark.django_db

BUCKET_POLICY = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", '
    '"Action": "s3:*", "Resource": "arn:aws:s3:::reports/*", '
    '"Condition": {"Bool": {"aws:SecureTransport": "false"}}}]}'
)


@pytest.fixture(autouse=True)
def fresh_caches():
    cache.clear()
    parser.clear_cache()
    yield
    parser.clear_cache()


@pytest.fixture
def parses(monkeypatch):
    """Every real parse of policy text (cache misses), counted by the text parsed."""
    seen: Counter[str] = Counter()
    real = parser._parse_text

    def counting(text, kind, name):
        seen[text] += 1
        return real(text, kind, name)

    monkeypatch.setattr(parser, "_parse_text", counting)
    return seen


def live_urlencoded(client, **overrides):
    return client.post(
        "/sandbox/",
        urlencode(form(**overrides)),
        content_type="application/x-www-form-urlencoded",
        headers={"HX-Request": "true"},
    )


def test_one_live_update_parses_each_policy_once(client, parses):
    # A named identity policy (the name used to be part of one parse's key and not the
    # other's) and a resource policy whose condition key the request lacks.
    response = live_urlencoded(
        client, **{"identity-0-name": "ReadReports", "resource_policy": BUCKET_POLICY}
    )
    assert response.status_code == 200
    assert "Add aws:SecureTransport" in response.content.decode()  # the key scan ran too
    assert parses[ALLOW_GET] == 1
    assert parses[BUCKET_POLICY] == 1
    parses.clear()
    live_urlencoded(client, **{"identity-0-name": "ReadReports", "resource_policy": BUCKET_POLICY})
    assert sum(parses.values()) == 0  # the same policies again: nothing parsed


def test_the_workspace_sends_live_updates_urlencoded_and_uploads_only_on_open(client):
    page = BeautifulSoup(client.get("/sandbox/").content, "html.parser")
    workspace = page.find("form", id="workspace")
    # htmx posts a form multipart whenever it carries enctype="multipart/form-data".
    assert workspace.get("enctype", "application/x-www-form-urlencoded") != "multipart/form-data"
    assert workspace.get("hx-encoding") in (None, "application/x-www-form-urlencoded")
    assert workspace["hx-post"] == "/sandbox/"
    assert "case_file" in workspace["hx-params"] and workspace["hx-params"].startswith("not ")
    # "Open" is a plain (not htmx) submit that switches the form to multipart for the file.
    open_button = workspace.find("button", attrs={"name": "op", "value": "open"})
    assert open_button.has_attr("hx-disable")
    assert open_button["formenctype"] == "multipart/form-data"
    assert workspace.find("input", attrs={"type": "file", "name": "case_file"})


def test_an_urlencoded_live_update_decides_and_a_multipart_open_still_loads_the_file(client):
    body = live_urlencoded(client).content.decode()
    assert body.lstrip().startswith('<section id="live"')
    assert "Decision: Allowed" in body
    case = (
        '{"request": {"principal": "arn:aws:iam::111122223333:user/bob", '
        '"action": "s3:GetObject", "resource": "arn:aws:s3:::reports/x"}, '
        f'"identity_policies": [{ALLOW_GET}]}}'
    )
    upload = SimpleUploadedFile("case.json", case.encode(), content_type="application/json")
    opened = client.post("/sandbox/", {"op": "open", "case_file": upload})  # multipart
    assert opened.status_code == 200
    assert 'value="arn:aws:iam::111122223333:user/bob"' in opened.content.decode()


@pytest.fixture
def loads(monkeypatch):
    """Every policy text loaded as JSON (the statement count's and the engine's), by text."""
    seen: Counter[str] = Counter()
    real = json.loads

    def counting(text, *args, **kwargs):
        seen[text] += 1
        return real(text, *args, **kwargs)

    monkeypatch.setattr(json, "loads", counting)
    return seen


def test_a_live_update_loads_only_the_policy_being_typed_in(client, loads):
    # The statement count used to load every policy's JSON on every update, beside the
    # engine's parse, which it now reads instead.
    first = {"identity-0-name": "ReadReports", "resource_policy": BUCKET_POLICY}
    assert live_urlencoded(client, **first).status_code == 200
    assert loads[ALLOW_GET] and loads[BUCKET_POLICY]
    loads.clear()
    edited = ALLOW_GET.replace('"s3:GetObject"', '"s3:Get*"')
    response = live_urlencoded(client, **{**first, "identity-0-text": edited})
    assert response.status_code == 200
    assert "Decision: Allowed" in response.content.decode()
    assert loads[BUCKET_POLICY] == 0  # unchanged: counted from the engine's parse
    assert loads[edited]  # new: counted before the work, then parsed and linted by the engine
