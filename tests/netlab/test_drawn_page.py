"""The network and WAF labs' fields and result, kept per process for a case many people open
(netlab/views.py, `_drawn`, `_drawn_waf`): the same page as drawing them afresh, for exactly
the case and host asked for."""

from __future__ import annotations

import re

import pytest

from netlab import views
from netlab.presets import PRESETS, STARTER
from netlab.state import encode_permalink
from netlab.waf_presets import PRESETS as WAF_PRESETS
from netlab.waf_presets import STARTER as WAF_STARTER
from tests.conftest import count_calls

pytestmark = pytest.mark.django_db

URL = "/lab/network/"


def _page(client, params=None, *, url=URL, **extra) -> str:
    """The lab's page at `url`, without its CSRF token (which differs on every page)."""
    response = client.get(url, params or {}, **extra)
    assert response.status_code == 200
    return re.sub(
        r'name="csrfmiddlewaretoken" value="[^"]+"|"X-CSRFToken": "[^"]+"',
        "",
        response.content.decode(),
    )


def workspace(page: str) -> str:
    return page.split('id="workspace"', 1)[1]


@pytest.fixture
def traces(monkeypatch):
    views._drawn_case.cache_clear()
    yield count_calls(monkeypatch, views, "trace_case")
    views._drawn_case.cache_clear()


def test_a_case_opened_again_is_traced_once_and_shows_the_same(client, traces):
    first = _page(client)
    again = _page(client, {"preset": STARTER})
    link = _page(client, {"case": encode_permalink(PRESETS[STARTER].case)})
    assert len(traces) == 1
    # The same fields and result (the header's sign-in link says which address was asked for).
    assert workspace(first) == workspace(again) == workspace(link)
    assert "Subnets and instances" in workspace(first)


def test_each_preset_shows_its_own_case(client, traces):
    pages = [_page(client, {"preset": slug}) for slug in PRESETS]
    cases = {re.search(r'id="case_json"[^>]*>([^<]*)<', page).group(1) for page in pages}
    assert len(cases) == len(PRESETS)


def test_each_host_gets_a_permalink_to_itself(client, settings):
    settings.ALLOWED_HOSTS = ["one.example", "two.example"]
    one = _page(client, HTTP_HOST="one.example")
    two = _page(client, HTTP_HOST="two.example")
    assert 'value="http://one.example/lab/network/?case=' in one
    assert 'value="http://two.example/lab/network/?case=' in two and "one.example" not in two


# --- the WAF lab ---------------------------------------------------------------------------

WAF_URL = "/lab/waf/"


def _waf_page(client, params=None, **extra) -> str:
    return _page(client, params, url=WAF_URL, **extra)


@pytest.fixture
def waf_draws(monkeypatch):
    views._drawn_texts.cache_clear()
    yield count_calls(monkeypatch, views, "_waf_texts_context")
    views._drawn_texts.cache_clear()


def test_the_waf_lab_draws_a_case_opened_again_once(client, waf_draws):
    first = _waf_page(client)
    again = _waf_page(client, {"preset": WAF_STARTER})
    assert len(waf_draws) == 1
    # The same fields and result (the header's sign-in link says which address was asked for).
    assert first.split('id="waf-workspace"', 1)[1] == again.split('id="waf-workspace"', 1)[1]
    assert "What WAF does" in first and 'name="web_acl"' in first


def test_each_waf_preset_shows_its_own_web_acl_and_result(client, waf_draws):
    pages = [_waf_page(client, {"preset": slug}) for slug in WAF_PRESETS]
    acls = {re.search(r'id="web_acl"[^>]*>([^<]*)<', page).group(1) for page in pages}
    results = {page.split('id="waf-result"', 1)[1] for page in pages}
    assert len(acls) == len(results) == len(WAF_PRESETS)


def test_the_waf_permalink_names_the_host_asked_for(client, settings):
    settings.ALLOWED_HOSTS = ["one.example", "two.example"]
    one = _waf_page(client, HTTP_HOST="one.example")
    two = _waf_page(client, HTTP_HOST="two.example")
    assert 'value="http://one.example/lab/waf/?case=' in one
    assert 'value="http://two.example/lab/waf/?case=' in two and "one.example" not in two
