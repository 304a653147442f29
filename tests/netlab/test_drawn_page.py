"""The network lab's fields and result, kept per process for a case many people open
(netlab/views.py, `_drawn`): the same page as drawing them afresh, for exactly the case and
host asked for."""

from __future__ import annotations

import re

import pytest

from netlab import views
from netlab.presets import PRESETS, STARTER
from netlab.state import encode_permalink

pytestmark = pytest.mark.django_db

URL = "/lab/network/"


def _page(client, params=None, **extra) -> str:
    response = client.get(URL, params or {}, **extra)
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
    calls = []
    trace_case = views.trace_case

    def counting(case):
        calls.append(case)
        return trace_case(case)

    monkeypatch.setattr(views, "trace_case", counting)
    views._drawn_case.cache_clear()
    yield calls
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
