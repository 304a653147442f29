"""The policy-question editor reuses the sandbox's case editor: a request-context value AWS would
never send is named beside the context keys as the author types, and said after the key's
decision; it is a warning, so the question still saves."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from lessons.templatetags.lessons_extras import DECISION_WORDS as WORDS
from quizzes.models import Question
from tests.teach.test_engine_editors import HTMX, policy_form, text

pytestmark = pytest.mark.django_db

WARNING = "aws:SourceIp is “not-an-ip”, which is not an IP address"


def with_source_ip(data: dict, value: str) -> dict:
    """`data` with the request's aws:SourceIp (a row the editor prefills) set to `value`."""
    (row,) = [k for k, v in data.items() if k.startswith("case-ctx-") and v == "aws:SourceIp"]
    return data | {row.replace("-key", "-value"): value}


def notes(body: str) -> str:
    found = BeautifulSoup(body, "html.parser").select_one("#notes-context")
    return found.get_text(" ", strip=True) if found else ""


def test_the_editor_names_a_bad_value_as_the_author_types(teacher, owned):
    quiz, _ = owned
    url, data = policy_form(teacher, quiz, action="engine")
    data = with_source_ip(data, "not-an-ip")
    live = teacher.post(url, data, **HTMX)
    body = live.content.decode()
    assert live.status_code == 200 and "<html" not in body
    assert 'id="notes-context" class="notes" hx-swap-oob="true"' in body
    assert WARNING in notes(body)
    said = BeautifulSoup(body, "html.parser").select_one("p#live-status").get_text(" ", strip=True)
    assert said == (
        f"Decision: {WORDS['Allow']}. Warning, request context: aws:SourceIp is not an IP address."
    )
    # A good value: nothing to say.
    good = teacher.post(url, with_source_ip(data, "203.0.113.10"), **HTMX)
    assert notes(good.content.decode()) == ""


def test_the_whole_editor_shows_it_and_the_question_still_saves(teacher, owned):
    quiz, _ = owned
    url, data = policy_form(teacher, quiz, op="fill-expect")
    data = with_source_ip(data, "not-an-ip")
    page = teacher.post(url, data)
    assert WARNING in notes(page.content.decode())
    data.pop("op")
    saved = teacher.post(url, data | {"action": "save"})
    assert saved.status_code == 302, text(saved)[:3000]
    scenario = Question.objects.get(type="policy_decision").scenario
    assert scenario.case["request"]["context"]["aws:SourceIp"] == "not-an-ip"


def test_a_principal_changed_after_the_prefilled_keys_is_warned_of_and_still_saves(teacher, owned):
    """The editor prefills the keys AWS sends for its starting caller (alice); an author who
    then names another caller left aws:username and aws:PrincipalArn saying alice, unsaid, and
    learners read a request from one user carrying another's name."""
    quiz, _ = owned
    url, data = policy_form(teacher, quiz, action="engine")
    dana = "arn:aws:iam::111122223333:user/dana"
    data = data | {"case-principal": dana}
    live = teacher.post(url, data, **HTMX)
    said = notes(live.content.decode())
    assert f"aws:username is “alice”, but the caller is {dana}, for whom AWS sends “dana”" in said
    status = BeautifulSoup(live.content.decode(), "html.parser").select_one("p#live-status")
    assert "aws:username is not the caller's" in status.get_text(" ", strip=True)
    data.pop("action")
    data = data | {"k-expect": "Allow"}
    saved = teacher.post(url, data | {"action": "save"})
    assert saved.status_code == 302
