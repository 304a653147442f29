"""The policy-decision editor shows the sandbox's live result folded: the decision and the
statements that decide it in view, the evaluation steps in a fold whose summary says where it
was decided, no diagram repeating them and no link to the sandbox's state (none is made)."""

from __future__ import annotations

import json

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from lessons.templatetags.lessons_extras import DECISION_WORDS as WORDS
from srm_trainer.sandbox import panel
from tests.conftest import count_calls
from tests.teach.formdata import form_fields

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
PUT_DENIED = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "ReadReports", "Effect": "Allow", "Action": "s3:*", "Resource": "*"},
            {"Sid": "NoWrites", "Effect": "Deny", "Action": "s3:PutObject", "Resource": "*"},
        ],
    }
)


def live_result(body: str):
    return BeautifulSoup(body, "html.parser").select_one("#live")


def test_the_editor_folds_the_steps_and_offers_no_permalink(teacher, owned, monkeypatch):
    quiz, _ = owned
    url = reverse("teach:question-create", args=[quiz.pk, "policy_decision"])
    encoded = count_calls(monkeypatch, panel, "encode_permalink")
    page = teacher.get(url, follow=True)
    result = live_result(page.content.decode())
    assert result.select_one(".decision-word").get_text(strip=True) == WORDS["Allow"]
    assert "ReadReports" in result.select_one(".decisive").get_text()
    fold = result.select_one("details#steps-fold")
    assert not fold.has_attr("open")
    summary = fold.summary.get_text(" ", strip=True)
    assert summary == "Evaluation steps (7): decided at step 5, Identity-based policies"
    assert len(fold.select(".flow > li")) == 7
    assert result.select_one("figure.diagram") is None
    assert result.select_one("#permalink, .permalink") is None
    # A live update as the author types: the same result, folded, for the changed case.
    data = form_fields(page.content.decode()) | {
        "case-action": "s3:PutObject",
        "case-identity-0-text": PUT_DENIED,
        "action": "engine",
    }
    live = teacher.post(url, data, **HTMX)
    result = live_result(live.content.decode())
    assert result.select_one(".decision-word").get_text(strip=True) == WORDS["ExplicitDeny"]
    fold = result.select_one("details#steps-fold")
    assert fold.summary.get_text(" ", strip=True).startswith(
        "Evaluation steps (7): decided at step"
    )
    assert result.select_one("figure.diagram, .permalink") is None
    assert encoded == []


def test_the_sandbox_keeps_its_steps_diagram_and_permalink(client):
    result = live_result(client.get("/sandbox/").content.decode())
    assert result.select_one("#steps-fold") is None
    assert result.select_one("h3 + ol.flow") is not None
    diagram = result.select_one("details#flow-fold")
    assert diagram.has_attr("open") and diagram.select_one("figure.diagram") is not None
    assert result.select_one("#permalink")["value"].startswith("http://testserver/sandbox/?case=")
