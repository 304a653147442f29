"""The hands-on pieces (lessons/hands_on.py): the registry, a module's list as the admin checks
it, the module page's "Try it yourself" card, and the Labs page that lists every piece."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from lessons import hands_on
from lessons.hands_on import BY_SLUG, PIECES, hands_on_problem
from lessons.models import Module
from tests.conftest import give_mfa, make_lesson, make_module, page_queries, sign_in
from tests.quizzes.builders import make_question, make_quiz

pytestmark = pytest.mark.django_db


def _links(html: str) -> list[str]:
    return re.findall(r'<a href="([^"]+)"', html)


def _card(page: str) -> str:
    """The module page's "Try it yourself" card."""
    return page.split('<section class="card hands-on"', 1)[1].split("</section>", 1)[0]


def _main(page: str) -> str:
    """The page without its header (whose menu links the SRM explorer and the sandbox too)."""
    return page.split('<main id="main"', 1)[1]


def _labs_section(page: str, heading_id: str) -> str:
    return page.split(f'aria-labelledby="{heading_id}"', 1)[1].split("</section>", 1)[0]


# --- the registry -------------------------------------------------------------------------


def test_every_piece_has_its_own_slug_a_page_and_one_sentence():
    assert len(BY_SLUG) == len(PIECES)
    for piece in PIECES:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", piece.slug), piece.slug
        assert piece.get_absolute_url().startswith(reverse(piece.url_name)), piece.slug
        assert piece.sentence.endswith(".") and piece.sentence.count(". ") == 0, piece.slug


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ([], None),
        (["network-lab", "waf-lab"], None),
        ("network-lab", "must be a list of hands-on piece slugs"),
        ({"network-lab": True}, "not a mapping"),
        (["waf-lab", 3], "item 2 must be a piece's slug, not 3"),
        (["network-lab", "netlab"], "lists 'netlab', which is not a hands-on piece"),
        (["waf-lab", "waf-lab"], "lists 'waf-lab' twice"),
    ],
)
def test_a_modules_list_must_name_known_pieces_once(value, problem):
    found = hands_on_problem(value)
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in found


def test_an_unknown_piece_is_refused_with_every_known_one_named():
    problem = hands_on_problem(["netlab"])
    assert problem is not None
    assert all(piece.slug in problem for piece in PIECES)


# --- the admin ------------------------------------------------------------------------------


def test_a_module_cleans_its_list_as_the_loader_does():
    module = make_module(hands_on=["network-lab"])
    module.full_clean()
    module.hands_on = ["network-lab", "netlab"]
    with pytest.raises(ValidationError) as excinfo:
        module.full_clean()
    [message] = excinfo.value.message_dict["hands_on"]
    assert message.startswith("Lists 'netlab', which is not a hands-on piece (the known ones: ")
    assert message.endswith(".")


def _module_form(client) -> dict[str, str]:
    """The admin's add form for a module as it is sent empty (its lessons' management form)."""
    page = client.get("/admin/lessons/module/add/").content.decode()
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+_FORMS)"[^>]*value="(\d*)"', page))
    return {**hidden, "title": "Hands on", "slug": "hands-on", "order": "9", "published": "on"}


def test_the_admin_refuses_an_unknown_piece_beside_the_field_and_keeps_the_text(admin_client):
    form = _module_form(admin_client)
    page = admin_client.get("/admin/lessons/module/add/").content.decode()
    assert "The pieces: srm-explorer, policy-sandbox," in page  # the help names the slugs
    response = admin_client.post(
        "/admin/lessons/module/add/", {**form, "hands_on": '["waf-lab", "wafl-lab"]'}
    )
    assert response.status_code == 200
    page = response.content.decode()
    errors = page.split('id="id_hands_on_error"', 1)[1].split("</ul>", 1)[0]
    assert "Lists &#x27;wafl-lab&#x27;, which is not a hands-on piece" in errors
    assert "wafl-lab&quot;]</textarea>" in page  # as typed
    assert not Module.objects.filter(slug="hands-on").exists()
    response = admin_client.post(
        "/admin/lessons/module/add/", {**form, "hands_on": '["waf-lab", "network-lab"]'}
    )
    assert response.status_code == 302
    assert Module.objects.get(slug="hands-on").hands_on == ["waf-lab", "network-lab"]


# --- the module page ------------------------------------------------------------------------


def test_a_module_page_offers_exactly_its_pieces_after_the_lessons_and_before_the_quiz(client):
    module = make_module(slug="dos", hands_on=["waf-lab", "network-lab"])
    make_lesson(module, title="Shield and WAF")
    make_quiz(make_question(), module=module, title="Check your DoS knowledge")
    page = client.get("/learn/dos/").content.decode()
    card = _card(page)
    assert "<h2" in card and "Try it yourself" in card
    assert _links(card) == ["/lab/waf/", "/lab/network/", "/labs/"]  # its order, then the page
    assert escape(BY_SLUG["waf-lab"].sentence) in card
    assert BY_SLUG["findings-lab"].title not in card
    assert (
        page.index("Shield and WAF")
        < page.index("Try it yourself")
        < page.index("Check your DoS knowledge")
    )


def test_a_preset_piece_opens_its_preset():
    module = make_module(slug="orgs", hands_on=["scp-levels"])
    make_lesson(module)
    assert BY_SLUG["scp-levels"].get_absolute_url() == "/sandbox/?preset=scp-allowed-at-every-level"


def test_a_module_naming_no_piece_shows_no_card(client):
    make_lesson(make_module(slug="plain"))
    page = client.get("/learn/plain/").content.decode()
    assert "Try it yourself" not in page and 'class="card hands-on"' not in page


def test_a_piece_removed_from_the_registry_is_left_out_not_a_failure(client):
    """A row saved before a piece was taken out of lessons/hands_on.py still opens."""
    module = make_module(slug="old", hands_on=["waf-lab"])
    make_lesson(module)
    Module.objects.filter(pk=module.pk).update(hands_on=["retired-lab", "waf-lab"])
    card = _card(client.get("/learn/old/").content.decode())
    assert _links(card) == ["/lab/waf/", "/labs/"]


def test_a_row_written_around_the_checks_shows_no_card_not_an_error(client):
    module = make_module(slug="odd")
    make_lesson(module)
    for value in ({"waf-lab": True}, 5, "waf-lab"):
        Module.objects.filter(pk=module.pk).update(hands_on=value)
        response = client.get("/learn/odd/")
        assert response.status_code == 200 and "Try it yourself" not in response.content.decode()
        assert client.get("/labs/").status_code == 200


def test_the_card_costs_the_module_page_no_query(client, learner):
    """The pieces are named on the module's row, which the kept course already holds."""
    sign_in(client, learner)
    with_pieces = make_module(slug="with", hands_on=["waf-lab", "network-lab", "findings-lab"])
    without = make_module(slug="without")
    make_lesson(with_pieces)
    make_lesson(without)
    few, _ = page_queries(client, "/learn/without/", warm=True)
    many, page = page_queries(client, "/learn/with/", warm=True)
    assert "Try it yourself" in page
    assert many == few


# --- the Labs page --------------------------------------------------------------------------


def test_the_labs_page_lists_every_piece_once_under_the_first_module_naming_it(
    client, django_assert_max_num_queries
):
    first = make_module(slug="first", title="First module", hands_on=["waf-lab", "srm-explorer"])
    later = make_module(slug="later", title="Later module", hands_on=["srm-explorer"])
    make_module(slug="none", title="Module with none")
    make_lesson(first)
    make_lesson(later)
    with django_assert_max_num_queries(6):  # the session and the kept course: no more
        page = client.get("/labs/").content.decode()
    first_part = _labs_section(page, "labs-first")
    assert _links(first_part) == ["/learn/first/", "/lab/waf/", "/learn/srm/"]
    assert escape(BY_SLUG["srm-explorer"].sentence) in first_part
    later_part = _labs_section(page, "labs-later")
    assert _links(later_part) == ["/learn/later/", "/learn/srm/"]  # linked again, not described
    assert "Uses" in later_part and escape(BY_SLUG["srm-explorer"].sentence) not in later_part
    assert "Module with none" not in page
    # Every other piece, under "More to try": each sentence once on the page.
    for piece in PIECES:
        assert page.count(escape(piece.sentence)) == 1, piece.slug
    assert page.index("First module") < page.index("Later module") < page.index("More to try")


def test_a_draft_modules_pieces_are_under_more_for_learners_and_the_module_for_staff(client, staff):
    draft = make_module(slug="draft", title="Draft module", published=False, hands_on=["waf-lab"])
    make_lesson(draft)
    page = client.get("/labs/").content.decode()
    assert "Draft module" not in page
    assert "/lab/waf/" in _labs_section(page, "labs-more")
    give_mfa(staff)  # staff preview drafts once they have two-factor sign-in
    sign_in(client, staff)
    page = client.get("/labs/").content.decode()
    assert "/lab/waf/" in _labs_section(page, "labs-draft")
    assert "Draft</span></h2>" in _labs_section(page, "labs-draft")


def test_the_pieces_of_a_course_with_no_modules_are_all_listed(client):
    page = _main(client.get("/labs/").content.decode())
    for piece in PIECES:
        assert page.count(f'href="{piece.get_absolute_url()}"') == 1, piece.slug
    assert "Every piece" in page


def test_the_header_links_the_labs_page_and_marks_it_current(client):
    home = client.get("/").content.decode()
    nav = home.split('aria-label="Main"', 1)[1].split("</nav>", 1)[0]
    assert '<a href="/labs/">Labs</a>' in nav
    assert '<a href="/sandbox/">Sandbox</a>' in nav
    labs_nav = client.get("/labs/").content.decode().split('aria-label="Main"', 1)[1]
    assert '<a href="/labs/" aria-current="page">Labs</a>' in labs_nav.split("</nav>", 1)[0]
    assert client.post("/labs/").status_code == 405


def test_the_home_page_offers_the_labs_beside_the_first_lesson(client):
    make_lesson()
    hero = client.get("/").content.decode().split('class="hero-actions"', 1)[1].split("</div>")[0]
    assert 'href="/labs/"' in hero


def test_by_module_keeps_the_reading_order_given():
    modules = [
        make_module(slug="b", order=1, hands_on=["findings-lab"]),
        make_module(slug="a", order=2, hands_on=["waf-lab", "findings-lab"]),
    ]
    groups = hands_on.by_module(modules)["groups"]
    assert [(g.module.slug, [p.slug for p in g.first], [p.slug for p in g.again])
            for g in groups] == [("b", ["findings-lab"], []), ("a", ["waf-lab"], ["findings-lab"])]  # fmt: skip


@pytest.mark.parametrize("address", ["/lab/network/", "/lab/waf/", "/lab/findings/"])
def test_each_lab_marks_labs_current_in_the_header(client, address):
    """A learner on a lab sees where they are in the main navigation, as on the Labs page."""
    page = client.get(address).content.decode()
    nav = page.split('aria-label="Main"', 1)[1].split("</nav>", 1)[0]
    assert '<a href="/labs/" aria-current="page">Labs</a>' in nav
