"""The WAF lab keeps the outcome of cases seen lately (netlab/waf_outcome.py): a case opened
again is not evaluated again, a changed one is, the memo stays within its bound, and the page
drawn from it is the page drawn afresh."""

from __future__ import annotations

import re

import pytest

from netlab import waf_outcome, waf_state
from netlab.waf_presets import PRESETS, STARTER
from srm_trainer.netlab import waf as engine
from tests.netlab.test_waf_views import URL, counts, form_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_memo():
    waf_outcome.clear()
    yield
    waf_outcome.clear()


@pytest.fixture
def evaluations(monkeypatch) -> list[int]:
    """One entry per case the engine evaluates (each request count it was given)."""
    seen: list[int] = []
    real = engine.evaluate_waf

    def counting(acl, requests, **kwargs):
        seen.append(len(requests))
        return real(acl, requests, **kwargs)

    monkeypatch.setattr(engine, "evaluate_waf", counting)
    return seen


def test_a_case_seen_again_is_not_evaluated_again(client, evaluations):
    page = client.get(URL).content.decode()
    assert evaluations == [3002]
    assert client.get(URL).status_code == 200 and client.head(URL).status_code == 200
    link = re.search(r'id="waf-permalink" type="text" readonly value="([^"]+)"', page).group(1)
    again = client.get(URL, {"case": link.split("?case=", 1)[1]}).content.decode()
    assert counts(again) == counts(page)
    # the form submitted unchanged is the same case
    assert counts(client.post(URL, form_of(page)).content.decode()) == counts(page)
    assert evaluations == [3002]


def test_a_changed_case_is_evaluated(client, evaluations):
    fields = form_of(client.get(URL).content.decode())
    html = client.post(URL, {**fields, "req-0-repeat": "90"}).content.decode()
    assert evaluations == [3002, 92]
    assert counts(html) == {"Allow the default action": 92}
    client.get(URL, {"preset": "captcha-login"})
    client.post(URL, {**fields, "req-0-repeat": "90"})
    assert evaluations == [3002, 92, 2]


def test_an_evaluation_parses_the_web_acl_once(client, monkeypatch):
    parsed: list[str] = []
    real = engine.parse_web_acl

    def counting(raw, *args, **kwargs):
        parsed.append(raw["Name"])
        return real(raw, *args, **kwargs)

    monkeypatch.setattr(engine, "parse_web_acl", counting)
    client.get(URL, {"preset": "captcha-login"})
    assert len(parsed) == 1


def _small(uri: str) -> dict:
    texts = waf_state.texts_of(PRESETS[STARTER].case)
    texts["rows"] = [{**texts["rows"][0], "repeat": "1", "uri": uri}]
    return texts


def test_the_memo_stays_within_its_bound_and_lets_a_large_case_go(evaluations):
    large = waf_state.texts_of(PRESETS[STARTER].case)
    large["rows"][0]["repeat"] = str(engine.MAX_REQUESTS - 2)  # the largest case there can be
    waf_outcome.outcome(large)
    assert waf_outcome._memo.weight == 1 + engine.MAX_REQUESTS // waf_outcome.DECISIONS_PER_CASE
    for i in range(waf_outcome.KEPT + 10):
        waf_outcome.outcome(_small(f"/page-{i}"))
        assert len(waf_outcome._memo) <= waf_outcome.KEPT
        assert waf_outcome._memo.weight <= waf_outcome.KEPT
    assert len(evaluations) == 1 + waf_outcome.KEPT + 10
    waf_outcome.outcome(_small(f"/page-{waf_outcome.KEPT + 9}"))  # the latest: kept
    assert len(evaluations) == 1 + waf_outcome.KEPT + 10
    waf_outcome.outcome(_small("/page-0"))  # the oldest: gone
    waf_outcome.outcome(large)  # gone too, however recently it was the only one
    assert evaluations[-2:] == [1, engine.MAX_REQUESTS]


def _same(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"|"X-CSRFToken": "[^"]+"', "", html)


ENGINE_ERROR = (
    '{"Name": "x", "DefaultAction": {"Allow": {}}, "Rules": [{"Name": "r", "Priority": 0, '
    '"Action": {"Allow": {}}, "Statement": {"RateBasedStatement": {"Limit": 100}}}]}'
)


@pytest.mark.parametrize(
    ("change", "htmx"),
    [
        (None, False),  # the starter: the flood, its chart and runs
        ({"resource": "NLB"}, True),  # cannot be attached
        ({"web_acl": ENGINE_ERROR}, False),  # the engine's mistake, named
        ({"web_acl": '{"Name": "x",\n "Rules": ['}, True),  # a JSON mistake (never kept)
        ({"req-0-repeat": "90"}, True),
    ],
)
def test_the_page_from_the_memo_is_the_page_evaluated_afresh(client, change, htmx):
    fields = form_of(client.get(URL).content.decode())
    headers = {"HX-Request": "true"} if htmx else {}
    waf_outcome.clear()
    if change is None:
        fresh = client.get(URL, headers=headers).content.decode()
        kept = client.get(URL, headers=headers).content.decode()
    else:
        fresh = client.post(URL, {**fields, **change}, headers=headers).content.decode()
        kept = client.post(URL, {**fields, **change}, headers=headers).content.decode()
    assert _same(kept) == _same(fresh)
    assert '<section id="waf-result"' in fresh


def test_every_preset_is_the_same_from_the_memo(client):
    for slug in PRESETS:
        waf_outcome.clear()
        fresh = client.get(URL, {"preset": slug}).content.decode()
        assert _same(client.get(URL, {"preset": slug}).content.decode()) == _same(fresh), slug
