"""/security/: the app's own controls on the SRM, as a table, reachable from every page."""

from __future__ import annotations

import re

import pytest

from srm_trainer.about.controls import APP, CONTROLS, SHARED, YOU
from srm_trainer.netlab.waf import compile_regex
from tests.shipped import shipped_curriculum

pytestmark = pytest.mark.django_db


def test_the_page_shows_the_controls_as_a_table_of_layer_who_and_what(client):
    response = client.get("/security/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "<h1>How this app is secured</h1>" in body
    assert "<caption>Who secures each layer of an SRM Trainer deployment</caption>" in body
    headers = re.findall(r'<th scope="col">([^<]+)</th>', body)
    assert headers == ["Layer", "Who", "What SRM Trainer does", "What you do when you deploy it"]
    rows = re.findall(r'<tr>\s*<th scope="row">', body)
    assert len(rows) == len(CONTROLS)
    for owner_class in ("owner-aws", "owner-customer", "owner-shared"):
        assert f'<td class="{owner_class}">' in body
    # between a phone's cards and a wide screen the table may scroll: a named keyboard stop
    assert (
        '<div class="table-scroll" tabindex="0" role="group" aria-label="Who secures each layer'
        ' of an SRM Trainer deployment (scrolls sideways)">' in body
    )


def test_both_sides_of_the_line_are_covered():
    owners = {c.owner for c in CONTROLS}
    assert owners == {APP, YOU, SHARED}
    said = " ".join(f"{c.app} {c.you}" for c in CONTROLS)
    for duty in (
        "TLS",
        "DJANGO_SECRET_KEY",
        "Back up the database",
        "Patch",
        "CACHE_URL",
        "proxies",
        "e-mail",
        "everyday admin",
        "multi-factor",
        "Content-Security-Policy",
        "CSRF",
        "HSTS",
        "100 ms",
        "allow-list",
        "no network",
    ):
        assert duty in said, duty


def test_what_it_says_of_regular_expressions_is_what_the_engines_do():
    """The WAF lab runs the regex rules a learner writes (AWS WAF's RegexMatchStatement), so
    the page cannot promise that no input reaches a regex compiler: it names RE2, and RE2 is
    what compiles them (a backtracking engine would take exponential time on `(a+)+$`)."""
    said = next(c.app for c in CONTROLS if c.layer == "Input and work per request")
    assert "No input reaches a regular-expression compiler" not in said
    assert "RE2" in said
    compiled = compile_regex("(a+)+$", "Rules[0].Statement")
    assert type(compiled).__module__.startswith("re2")
    assert compiled.search("a" * 5_000 + "!") is None


def test_every_link_on_the_page_leads_somewhere(client):
    body = client.get("/security/").content.decode()
    main = body[body.index("<main") : body.index("</main>")]
    lessons = {f"/learn/{le.module}/{le.slug}/" for le in shipped_curriculum().lessons}
    links = re.findall(r'href="([^"]+)"', main)
    assert len(links) >= 5
    for link in links:
        if re.fullmatch(r"/learn/[\w-]+/[\w-]+/", link):
            assert link in lessons, link  # lessons need the curriculum loaded to render
        else:
            assert client.get(link).status_code == 200, link


def test_every_page_links_to_it_from_the_footer(client):
    home = client.get("/").content.decode()
    footer = home[home.index("<footer") :]
    assert '<a href="/security/">How this app is secured</a>' in footer
    here = client.get("/security/").content.decode()
    assert '<a href="/security/" aria-current="page">' in here


def test_it_is_get_only(client):
    assert client.post("/security/").status_code == 405
