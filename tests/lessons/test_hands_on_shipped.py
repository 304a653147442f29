"""The shipped course's hands-on pieces: each module names the pieces its own lessons send
learners to, and every link on the Labs page opens what it says."""

from __future__ import annotations

import re

import pytest

from lessons.hands_on import BY_SLUG, PIECES
from tests.shipped import shipped_curriculum

CURRICULUM = shipped_curriculum()
_LINK = re.compile(r"\]\((/[^)\s]*)\)")


def _links_of(module: str) -> set[str]:
    """Every site address the module's lessons link to, as written ("/lab/waf/?preset=x")."""
    return {
        url for le in CURRICULUM.lessons if le.module == module for url in _LINK.findall(le.body)
    }


@pytest.mark.parametrize("module", CURRICULUM.modules, ids=lambda m: m.slug)
def test_a_module_names_only_pieces_its_lessons_send_learners_to(module):
    links = _links_of(module.slug)
    for slug in module.hands_on:
        url = BY_SLUG[slug].get_absolute_url()
        assert any(link == url or link.startswith(f"{url}?") for link in links), (slug, url)


@pytest.mark.parametrize("module", CURRICULUM.modules, ids=lambda m: m.slug)
def test_every_lab_a_modules_lessons_open_is_on_its_page(module):
    """A lab (/lab/...) a lesson links to is offered under "Try it yourself" too."""
    labs = {link.split("?")[0] for link in _links_of(module.slug) if link.startswith("/lab/")}
    named = {BY_SLUG[slug].get_absolute_url() for slug in module.hands_on}
    assert labs <= named


def test_the_modules_the_syllabus_gives_hands_on_work_offer_it():
    named = {m.slug: list(m.hands_on) for m in CURRICULUM.modules}
    assert named["shared-responsibility"] == ["srm-explorer"]
    assert "policy-sandbox" in named["iam"] and "effective-permissions" in named["iam"]
    assert set(named["organizations"]) == {"scp-levels", "rcp-perimeter"}
    assert named["compliance-and-artifact"] == ["compliance-explorer"]
    assert named["denial-of-service"] == ["network-lab", "waf-lab"]
    assert named["detection"] == ["findings-lab"]


def test_every_piece_is_named_by_a_module():
    """The Labs page's "More to try" is for pieces no module takes yet: none, shipped."""
    named = {slug for m in CURRICULUM.modules for slug in m.hands_on}
    assert named == set(BY_SLUG)


@pytest.mark.django_db
def test_every_link_on_the_labs_page_opens_its_page_and_preset(shipped_course, client):
    page = client.get("/labs/").content.decode()
    main = page.split('<main id="main"', 1)[1]
    links = re.findall(r'<a href="([^"]+)"', main)
    for piece in PIECES:
        assert piece.get_absolute_url().replace("&", "&amp;") in links, piece.slug
    for module in CURRICULUM.modules:
        assert f"/learn/{module.slug}/" in links
    for url in set(links):
        response = client.get(url.replace("&amp;", "&"))
        assert response.status_code == 200, url
        body = response.content.decode()
        assert "There is no preset called" not in body, url  # the scenario is still there
    # The modules in reading order.
    titles = [m.title for m in CURRICULUM.modules]
    assert sorted(titles, key=main.index) == titles
