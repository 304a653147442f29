"""Every question's save counts against `teach_save` (docs/limits.md): each renders the question's
Markdown (65-100 ms for a long prompt and explanation), and the engine-checked kinds run the IAM,
network or findings engine too, up to ~0.2 s of CPU, so a teacher's script cannot loop them. Over the limit nothing is saved and no engine runs; the page
comes back as it was sent, every field as typed, saying why and when to save again."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.cache import cache

from quizzes.models import Question
from teach import editors, policy_editor  # noqa: F401  (editors first: it imports the kinds')
from tests.teach.formdata import form_fields, text
from tests.teach.test_check_limits import CHECKS
from tests.teach.test_engine_editors import ALLOW_ROWS, DENY_ROWS, challenge_form, policy_form
from tests.teach.test_network_editors import (
    challenge,
    fix_form,
    flow_case,
    flow_form,
    waf_case,
    waf_form,
)
from tests.teach.test_route_editor import route_form
from tests.teach.test_views_questions import KINDS, form_data
from tests.test_live_status import said_within

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()


# Each engine editor's form as a teacher leaves it, saved.
SAVES: dict[str, Callable] = {
    "policy_decision": lambda t, q: policy_form(t, q, action="save"),
    "least_privilege": lambda t, q: challenge_form(t, q, ALLOW_ROWS, DENY_ROWS),
    "flow_decision": lambda t, q: flow_form(t, q, flow_case(), **{"k-ask_hop": "on"}),
    "flow_fix": lambda t, q: fix_form(t, q, challenge()),
    "waf_rule": lambda t, q: waf_form(t, q, waf_case(), **{"k-ask_number": "121"}),
    "route_findings": lambda t, q: route_form(t, q),
}


def _limit(settings, rate: str, group: str = "teach_save") -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, group: rate}


def _as_sent(data: dict) -> dict:
    """The fields a post holds, as the browser sends them: a list of one as its value, a
    blank left out; without the CSRF token (each page draws its own), a formset's count of
    rows first drawn, and the learners' view of the question (locked, not the author's)."""
    out = {}
    for name, value in data.items():
        if isinstance(value, list) and len(value) == 1:
            value = value[0]
        drawn = name in ("csrfmiddlewaretoken", "rules") or name.endswith("-INITIAL_FORMS")
        if not drawn and value not in ("", []):
            out[name] = value
    return out


@pytest.mark.parametrize("kind", SAVES)
def test_over_the_limit_a_save_is_refused_with_everything_typed_kept(
    teacher, owned, settings, kind, monkeypatch
):
    url, data = SAVES[kind](teacher, owned[0])
    data["prompt"] = "A prompt typed with care, <b>kept</b> & all."
    _limit(settings, "1/60")
    first = teacher.post(url, data)
    assert first.status_code == 302  # under the limit: saved
    assert Question.objects.filter(type=kind).count() == 1

    # Over it the engine is never asked: neither the kind's check nor the policy editor's key.
    def no_engine(*args, **kwargs):
        raise AssertionError("the engine ran for a refused save")

    monkeypatch.setattr(Question, "clean", no_engine)
    monkeypatch.setattr(policy_editor, "analyse", no_engine)
    data["prompt"] += " Changed."
    refused = teacher.post(url, data)
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    page = text(refused)
    assert "The question was not saved." in page
    assert "That was a lot of saves in a short time" in page
    assert f"Save again in {refused['Retry-After']} second" in page
    assert Question.objects.filter(type=kind).count() == 1  # no second question
    # The page's form posts what was sent: nothing typed is lost.
    kept = form_fields(refused.content.decode())
    sent = {k: v for k, v in data.items() if k != "action"}
    assert _as_sent(kept) | {"action": "save"} == _as_sent(sent) | {"action": "save"}


@pytest.mark.parametrize("kind", SAVES)
def test_a_refused_save_says_the_engines_verdict_was_not_worked_out(teacher, owned, settings, kind):
    """Where the key or the check goes: the panel said "Write the case: the engine checks it
    as you type" above a case, as if none were there."""
    url, data = SAVES[kind](teacher, owned[0])
    _limit(settings, "0/60")
    page = text(teacher.post(url, data))
    where = "No key yet: " if kind == "policy_decision" else "The engine's verdict: "
    assert where + "not worked out this time: the save was refused before the engine ran" in page
    assert "Write the case" not in page and "Fill in the requests" not in page


def test_saves_are_counted_per_teacher_and_under_the_limit_each_is_saved(teacher, owned, settings):
    url, data = SAVES["flow_decision"](teacher, owned[0])
    _limit(settings, "3/60")
    data["prompt"] = ""  # refused saves count too: each ran the engine
    for _ in range(2):
        assert teacher.post(url, data).status_code == 200
    data["prompt"] = "Does the flow work?"
    assert teacher.post(url, data).status_code == 302
    assert teacher.post(url, data).status_code == 429


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_saves_of_kinds_no_engine_checks_count_too_and_keep_what_was_typed(
    teacher, owned, settings, kind
):
    """Single, multiple, true/false, ordering, categorize: no engine, but the Markdown."""
    from django.urls import reverse

    rows, extra = KINDS[kind]
    url = reverse("teach:question-create", args=[owned[0].pk, kind])
    data = form_data(rows, extra, prompt="Typed with care, <b>kept</b> & all.")
    _limit(settings, "1/60")
    assert teacher.post(url, data).status_code == 302
    before = Question.objects.count()
    refused = teacher.post(url, data)
    assert refused.status_code == 429 and refused["Retry-After"]
    assert "That was a lot of saves in a short time" in text(refused)
    assert Question.objects.count() == before  # nothing saved
    kept = form_fields(refused.content.decode())
    sent = {k: v for k, v in data.items() if k != "action"}
    if kind == "single":  # the page draws the right choice as one radio group, as it reads it
        del sent["rows-0-correct"]
        sent["rows-correct"] = "0"
    assert _as_sent(kept) | {"action": "save"} == _as_sent(sent) | {"action": "save"}


def test_live_checks_and_saves_have_their_own_limits(teacher, owned, settings):
    """Typing fast (live checks up to `teach_check`) never stops the save, and saves never
    stop the live check."""
    url, data = SAVES["policy_decision"](teacher, owned[0])
    _limit(settings, "0/60", "teach_check")
    assert teacher.post(url, data).status_code == 302
    cache.clear()
    _limit(settings, "1000/60", "teach_check")
    _limit(settings, "0/60")
    live = teacher.post(url, data | {"action": "engine"}, HTTP_HX_REQUEST="true")
    assert live.status_code == 200


def test_a_save_sent_with_htmx_is_refused_in_the_pages_alert_region(teacher, owned, settings):
    url, data = SAVES["least_privilege"](teacher, owned[0])
    _limit(settings, "0/60")
    refused = teacher.post(url, data, HTTP_HX_REQUEST="true")
    assert refused.status_code == 429 and refused["Retry-After"]
    assert refused["HX-Retarget"] == "#page-alert"
    assert "a lot of saves in a short time" in said_within(refused)
    assert 'name="' not in refused.content.decode()  # nothing drawn over the form


def test_the_markdown_preview_counts_as_a_check_not_a_save(teacher, owned, settings):
    """With htmx or without: each renders the prompt and explanation (the policy editor's page
    without htmx works the key out too)."""
    url, data = CHECKS["policy key"][0](teacher, owned[0])
    _limit(settings, "0/60")
    preview = data | {"action": "preview"}
    assert teacher.post(url, preview, HTTP_HX_REQUEST="true").status_code == 200
    assert teacher.post(url, preview).status_code == 200
    cache.clear()
    _limit(settings, "1000/60")
    _limit(settings, "0/60", "teach_check")
    assert teacher.post(url, preview, HTTP_HX_REQUEST="true").status_code == 429
    assert teacher.post(url, preview).status_code == 429
