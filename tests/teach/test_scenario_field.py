"""The policy question editor's scenario: typed as its address (slug) with at most
`SCENARIO_MATCHES` suggestions, not a menu of every scenario (3,500 options at 100×). The edit
page shows the scenario it has, a typed one is opened and saved, a refused form keeps what was
typed, a wrong address is said beside the field, another instructor's scenario is neither
suggested nor taken (unless it is the question's own already), and the page costs the same
queries at 1× and 100×."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

import teach.editors  # noqa: F401  (before the policy editor, which registers in it)
from lessons.models import Scenario, Source
from quizzes.models import Question
from teach.policy_editor import SCENARIO_MATCHES, find_scenarios
from tests.conftest import make_scenario, page_queries
from tests.quizzes.builders import make_question
from tests.teach.conftest import client_for
from tests.teach.formdata import form_fields
from tests.teach.test_engine_editors import HTMX, SHARED, policy_form
from tests.test_finder_nul import nul_params

pytestmark = pytest.mark.django_db
FIND = reverse("teach:scenario-find")
REFUSED = "is not the address of a scenario you may use"


def _edit(question) -> str:
    return reverse("teach:question-edit", args=[question.pk])


def _field(page: str) -> str:
    return re.search(r'<input type="text" name="k-scenario"[^>]*>', page)[0]


def _options(page: str) -> list[str]:
    datalist = re.search(r'<datalist id="scenario-options">(.*?)</datalist>', page, re.S)
    return re.findall(r'<option value="([^"]*)"', datalist[1] if datalist else page)


def _policy_question(owner, scenario) -> Question:
    return make_question(
        "policy_decision", scenario=scenario, owner=owner, source=Source.AUTHORED, lesson=None
    )


def test_the_edit_page_shows_the_scenario_it_has_with_suggestions(teacher, instructor):
    held = make_scenario(slug="cross-account-read", title="Cross-account read", owner=instructor)
    make_scenario(slug="other-thing", title="Something else", source=Source.FILE)
    page = teacher.get(_edit(_policy_question(instructor, held))).content.decode()
    assert '<select name="k-scenario"' not in page
    field = _field(page)
    assert 'value="cross-account-read"' in field and 'list="scenario-options"' in field
    assert f'hx-get="{FIND}"' in field and 'aria-describedby="' in field
    assert _options(page) == ["cross-account-read"]
    assert ">Cross-account read (yours)</option>" in page
    assert '<p id="scenario-status" class="visually-hidden" role="status">' in page


def test_a_typed_address_is_opened_and_saved_and_a_refused_form_keeps_it(teacher, owned):
    quiz, _ = owned
    shipped = make_scenario(slug="shipped-read", title="Shipped read", source=Source.FILE)
    url, data = policy_form(teacher, quiz, **{"k-scenario": " shipped-read ", "prompt": ""})
    refused = teacher.post(url, data | {"action": "save"})
    assert refused.status_code == 200
    assert 'value=" shipped-read "' in _field(refused.content.decode())  # as typed
    assert "Open the chosen scenario first" in html.unescape(refused.content.decode())
    opened = teacher.post(url, data | {"op": "load-scenario"})  # the button, without JS
    fields = form_fields(opened.content.decode())
    assert fields["k-scenario"] == "shipped-read" and fields["k-opened"] == str(shipped.pk)
    assert fields["k-title"] == "Shipped read"
    saved = teacher.post(url, fields | SHARED | {"action": "save"})
    assert saved.status_code == 302
    assert Question.objects.get(type="policy_decision").scenario == shipped


@pytest.mark.parametrize(
    "typed", ["nowhere", "a/b", "x" * 300, "٣", "9" * 40, "-1", "<b>bold</b>", "1e999"]
)
def test_a_wrong_address_is_said_beside_the_field_not_a_500(teacher, owned, typed):
    quiz, _ = owned
    url, data = policy_form(teacher, quiz, **{"k-scenario": typed})
    for extra in ({"op": "load-scenario"}, {"action": "save"}):
        for headers in ({}, HTMX):
            page = teacher.post(url, data | extra, **headers)
            assert page.status_code == 200
            text = html.unescape(page.content.decode())
            assert REFUSED in text, extra
            assert "<b>bold</b>" not in page.content.decode()
    assert not Question.objects.filter(type="policy_decision").exists()


@pytest.mark.parametrize("field", ["k-scenario", "k-opened"])
def test_a_nul_in_the_scenario_or_its_hidden_id_names_none_and_reaches_no_query(
    teacher, owned, field
):
    """A hand-made post's NUL in the address or in the hidden id of the scenario held went
    into the scenario's lookup: PostgreSQL's text refuses NUL, a 500 there on every button."""
    quiz, _ = owned
    url, data = policy_form(teacher, quiz, **{field: "a\x00b"})
    for extra in ({"op": "load-scenario"}, {"action": "save"}, {"action": "check"}):
        with nul_params() as sent:
            page = teacher.post(url, data | extra)
        assert page.status_code == 200, extra
        assert not sent, extra
    assert not Question.objects.filter(type="policy_decision").exists()


def test_another_instructors_scenario_is_not_suggested_nor_taken(
    teacher, owned, instructor, other_instructor, staff
):
    quiz, _ = owned
    theirs = make_scenario(slug="otto-secret", title="Otto secret", owner=other_instructor)
    mine = make_scenario(slug="ines-own", title="Ines own", owner=instructor)
    admin_made = make_scenario(slug="admin-made", title="Admin made", source=Source.AUTHORED)
    found = teacher.get(FIND, {"k-scenario": ""}).content.decode()
    assert set(_options(found)) == {"ines-own", "admin-made"}  # the rule: theirs never
    searched = teacher.get(FIND, {"k-scenario": "otto"}).content.decode()
    assert _options(searched) == [] and "Otto secret" not in searched
    url, data = policy_form(teacher, quiz)
    for sent in ("otto-secret", str(theirs.pk)):
        for extra in ({"op": "load-scenario"}, {"action": "save"}):
            page = html.unescape(teacher.post(url, data | {"k-scenario": sent} | extra).text)
            assert REFUSED in page and "Otto secret" not in page
    # posted as the scenario the editor holds (the hidden field), it is not written to
    sneaked = data | {"k-scenario": str(theirs.pk), "k-opened": str(theirs.pk), "action": "save"}
    assert "Otto secret" not in teacher.post(url, sneaked).text
    assert not Question.objects.filter(type="policy_decision").exists()
    assert mine.pk and admin_made.pk
    # staff may use any scenario
    assert find_scenarios(staff, "otto").options == [("otto-secret", "Otto secret (shared)")]
    # already the question's own (say, a copy of Otto's question): shown and kept on save
    question = _policy_question(instructor, theirs)
    fields = form_fields(teacher.get(_edit(question)).text)
    assert fields["k-scenario"] == "otto-secret" and fields["k-opened"] == str(theirs.pk)
    assert teacher.post(_edit(question), fields | {"action": "save"}).status_code == 302
    question.refresh_from_db()
    assert question.scenario == theirs


def test_suggestions_follow_what_is_typed(teacher, settings):
    bucket = make_scenario(slug="bucket-read", title="Bucket policy allows", source=Source.FILE)
    make_scenario(slug="kms-key", title="Key policy denies", source=Source.FILE)
    found = teacher.get(FIND, {"k-scenario": "bucket"}, **HTMX).content.decode()
    assert _options(found) == [bucket.slug]
    assert ">Bucket policy allows (curriculum)</option>" in found
    assert '<span id="scenario-status" hx-swap-oob="innerHTML">1 scenario matches' in found
    assert _options(teacher.get(FIND, {"k-scenario": "kms-key"}).text) == ["kms-key"]
    none = teacher.get(FIND, {"k-scenario": "x" * 5000}).content.decode()
    assert _options(none) == [] and "No scenario you may use matches" in none
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "search": "1/60"}
    teacher.get(FIND, {"k-scenario": "b"}, **HTMX)
    refused = teacher.get(FIND, {"k-scenario": "b"}, **HTMX)
    assert refused.status_code == 429
    assert "That was a lot of searches in a short time" in refused.content.decode()
    assert _options(refused.content.decode()) == []


def test_only_instructors_may_search(client, learner):
    assert client.get(FIND).status_code == 302
    assert client_for(learner).get(FIND).status_code == 403


def test_the_policy_editor_costs_the_same_with_100_times_the_scenarios(teacher, instructor):
    held = make_scenario(title="Held", owner=instructor)
    scenarios = [make_scenario(source=Source.FILE) for _ in range(5)] + [held]
    question = _policy_question(instructor, held)
    urls = [_edit(question), f"{FIND}?k-scenario=scenario"]
    small = [page_queries(teacher, url, warm=True)[0] for url in urls]
    Scenario.objects.bulk_create(
        Scenario(slug=f"{s.slug}-c{k}", title=f"{s.title} ({k})", situation=s.situation,
                 case=s.case, source=s.source)
        for k in range(1, 100)
        for s in scenarios
    )  # fmt: skip
    big = [page_queries(teacher, url, warm=True) for url in urls]
    assert [count for count, _ in big] == small
    assert len(_options(big[1][1])) == SCENARIO_MATCHES
    assert len(_options(big[0][1])) <= SCENARIO_MATCHES


def test_a_refused_open_is_said_in_the_status_region_and_describes_the_address(teacher, owned):
    """With htmx the editor is swapped and its status said: it said the decision of the case
    still held ("Decision: Allowed"), and the address's `aria-describedby` named an error list
    that had no id, so a screen reader heard nothing of the refusal."""
    from bs4 import BeautifulSoup

    from tests.test_live_status import said_within

    url, data = policy_form(teacher, owned[0], **{"k-scenario": "nowhere"})
    swapped = teacher.post(url, data | {"op": "load-scenario"}, **HTMX)
    said = said_within(swapped)
    assert said.startswith("Not opened: ") and REFUSED in said and "Decision" not in said
    soup = BeautifulSoup(swapped.content, "html.parser")
    address = soup.select_one('input[name="k-scenario"]')
    assert address["aria-invalid"] == "true"
    described = [soup.find(id=i) for i in address["aria-describedby"].split()]
    assert all(described) and REFUSED in described[-1].get_text()


def test_an_opened_scenario_is_named_by_its_title_before_its_decision(teacher, owned):
    """With htmx the status region said only "Decision: …": not which scenario was opened,
    so a screen reader heard no sign that the case had changed."""
    from tests.test_live_status import said_within

    shipped = make_scenario(slug="shipped-read", title="Shipped <read> & co", source=Source.FILE)
    url, data = policy_form(teacher, owned[0], **{"k-scenario": "shipped-read"})
    swapped = teacher.post(url, data | {"op": "load-scenario"}, **HTMX)
    said = said_within(swapped)
    assert said.startswith("Opened the scenario “Shipped <read> & co”. Decision: "), said
    assert "Not opened" not in said and shipped.title not in said.split("Decision: ")[1]
    # Any other button of the case says its decision alone: nothing was opened.
    other = teacher.post(url, data | {"op": "fill-expect"}, **HTMX)
    assert said_within(other).startswith("Decision: ")
