"""A live update's notes are kept by what they say (panel.drawn_notes): each editor shows its own
notes of this update, never another editor's or the last update's, and text is escaped unless
the sandbox itself marked it safe."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.urls import get_script_prefix, set_script_prefix
from django.utils.safestring import mark_safe

from srm_trainer.sandbox import panel
from srm_trainer.sandbox.live import Analysis, Note
from srm_trainer.sandbox.state import starter_state
from tests.sandbox.test_views_sandbox import ALLOW_GET, live

pytestmark = pytest.mark.django_db

WRITE_ALL = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}'
)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


def _notes(response, editor: str) -> str:
    soup = BeautifulSoup(response.content, "html.parser")
    found = soup.find_all(id=f"notes-{editor}")
    assert len(found) == 1, editor
    assert found[0].get("hx-swap-oob") == "true"
    return found[0].get_text(" ", strip=True)


def test_each_editor_shows_its_own_notes_as_the_policies_change(client):
    # identity-1 allows everything (a warning); identity-0 is clean, then the two swap places.
    first = live(client, **{"identity-1-text": WRITE_ALL})
    assert "allows Write and Permissions management actions" in _notes(first, "identity-1")
    assert "Warning" not in _notes(first, "identity-0")
    swapped = live(client, **{"identity-0-text": WRITE_ALL, "identity-1-text": ALLOW_GET})
    assert "allows Write and Permissions management actions" in _notes(swapped, "identity-0")
    assert "Warning" not in _notes(swapped, "identity-1")
    # The same notes at another line: the note says so.
    moved = live(client, **{"identity-0-text": "\n\n" + WRITE_ALL, "identity-1-text": ALLOW_GET})
    assert "Line 3" in _notes(moved, "identity-0")
    back = live(client, **{"identity-1-text": WRITE_ALL})
    assert _notes(back, "identity-1") == _notes(first, "identity-1")
    assert _notes(back, "identity-0") == _notes(first, "identity-0")


def test_text_the_sandbox_did_not_mark_safe_is_escaped_though_it_reads_the_same(rf):
    ids = ["principal"]
    text = "Statement 1 (Sid <code>x</code>) allowed the request."
    marked = mark_safe(text)  # noqa: S308 - the sandbox's own words, as _decisive_words makes them
    safe = Analysis(state=starter_state(), case={}, notes={"principal": [Note("error", marked)]})
    plain = Analysis(state=starter_state(), case={}, notes={"principal": [Note("error", text)]})
    assert "<code>x</code>" in panel.drawn_notes(safe, ids)[0]
    drawn = panel.drawn_notes(plain, ids)[0]
    assert "<code>" not in drawn and "&lt;code&gt;x&lt;/code&gt;" in drawn


def test_typing_in_one_editor_draws_only_its_notes_again(client, monkeypatch):
    form = {"identity-1-text": WRITE_ALL, "boundary": WRITE_ALL}
    live(client, **form)
    drawn = []
    real = panel.render_to_string
    monkeypatch.setattr(panel, "render_to_string", lambda *a, **k: drawn.append(a) or real(*a, **k))
    response = live(client, **{**form, "identity-1-text": "\n" + WRITE_ALL})
    assert "allowed the request" in _notes(response, "boundary")
    notes = [args for args in drawn if args[0] == "sandbox/case_editor.html#notes"]
    assert len(notes) == 1  # the edited editor's notes; the other editors' are kept


DENY_PUT = '{"Version": "2012-10-17", "Statement": [{"Sid": "NoPut", "Effect": "Deny", "Action": "s3:PutObject", "Resource": "*"}]}'


def _explained(response) -> list[str]:
    soup = BeautifulSoup(response.content, "html.parser")
    return [
        div.get_text(" ", strip=True) for div in soup.select("details.statements .policy-explain")
    ]


def test_each_policy_lists_its_own_statements_for_this_request(client):
    first = _explained(live(client, **{"identity-1-text": DENY_PUT}))
    assert first[0].startswith("Identity-based policy 1") and "applies" in first[0]
    assert first[1].startswith("Identity-based policy 2") and "s3:GetObject" in first[1]
    # The same policies in the other editors: each is listed under its own editor.
    swapped = _explained(
        live(client, **{"identity-0-text": DENY_PUT, "identity-1-text": ALLOW_GET})
    )
    assert swapped[0].startswith("Identity-based policy 1") and "NoPut" in swapped[0]
    assert swapped[1].startswith("Identity-based policy 2") and "Read" in swapped[1]
    # The same policies, another request: why a statement did not apply says so.
    other = _explained(live(client, action="s3:DeleteObject", **{"identity-1-text": DENY_PUT}))
    assert "s3:DeleteObject" in other[0] and "s3:DeleteObject" in other[1]
    assert "s3:GetObject is not" not in " ".join(other)
    again = _explained(live(client, **{"identity-1-text": DENY_PUT}))
    assert again == first


def test_typing_in_one_policy_draws_only_its_statements_again(client, monkeypatch):
    form = {"identity-1-text": DENY_PUT, "boundary": WRITE_ALL}
    live(client, **form)
    drawn = []
    real = panel.render_to_string
    monkeypatch.setattr(
        panel, "render_to_string", lambda *a, **k: drawn.append(a[0]) or real(*a, **k)
    )
    live(client, **{**form, "identity-1-text": DENY_PUT.replace("PutObject", "PutObjectAcl")})
    assert drawn.count("sandbox/case_editor.html#policy_explain") == 1


def test_the_lessons_linked_follow_the_script_prefix_the_site_runs_under(client):
    # Notes, reasons and steps link to lessons: their addresses are read once an update, and
    # the kept drawings are kept apart per prefix. (The test client leaves the prefix as set.)
    fields = {"identity-1-text": WRITE_ALL, "identity-2-text": DENY_PUT}
    before = get_script_prefix()
    try:
        for prefix in ("/", "/trainer/", "/"):
            set_script_prefix(prefix)
            soup = BeautifulSoup(live(client, **fields).content, "html.parser")
            lessons = [a["href"] for a in soup.find_all("a") if "/learn/" in a["href"]]
            assert lessons and all(href.startswith(f"{prefix}learn/") for href in lessons)
            for part in ("#notes-identity-1", "details.statements", "ol.flow"):
                assert soup.select_one(part).find("a", href=re.compile("/learn/")), part
    finally:
        set_script_prefix(before)


def test_a_bad_resource_account_is_noted_under_its_own_box_and_describes_it(client):
    response = live(client, resource_account="12")
    assert "12-digit account id" in _notes(response, "resource_account")
    assert "12-digit" not in _notes(response, "resource")  # not under the ARN's box
    page = BeautifulSoup(client.get("/sandbox/").content, "html.parser")
    described = page.find(id="resource_account")["aria-describedby"].split()
    assert "notes-resource_account" in described
    assert page.find(id="notes-resource_account") is not None
