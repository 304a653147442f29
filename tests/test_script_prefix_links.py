"""A site served under a script prefix (`/srm/`, from SCRIPT_NAME or FORCE_SCRIPT_NAME): every
link of its pages leads inside it. A link written as a fixed address (`href="/"`) left the
site, to whatever the server answers at its root."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.django_db


def _addresses(response) -> set[str]:
    page = BeautifulSoup(response.content, "html.parser")
    found = {tag.get("href") or tag.get("action") for tag in page.select("a[href], form[action]")}
    return {a for a in found if a.startswith("/")}


@pytest.mark.parametrize(
    ("page", "status"),
    [
        ("/learn/srm/", 200),  # "Read more in …": the lessons were fixed addresses
        ("/learn/compliance/", 200),
        ("/security/", 200),  # the controls' "The same idea in AWS"
        ("/certificates/no-such-code/", 404),  # "Go to the lessons"
        ("/no-such-page/", 404),  # the error pages' "Go to the lessons"
    ],
)
def test_every_link_of_the_page_stays_under_the_prefix(client, script_prefix, page, status):
    response = client.get(page, SCRIPT_NAME=script_prefix)
    assert response.status_code == status
    addresses = _addresses(response)
    assert addresses  # the page has links of its own to check
    assert {a for a in addresses if not a.startswith(f"{script_prefix}/")} == set()


@pytest.mark.parametrize(
    ("referer", "back"),
    [
        ("http://testserver/srm/quizzes/", "/srm/quizzes/"),
        ("http://testserver/srm/", None),  # the lessons: "Go to the lessons" is there already
    ],
)
def test_an_error_page_offers_the_page_before_under_the_prefix(
    client, script_prefix, referer, back
):
    """The home page's address is the prefix's (`/srm/`): it was offered as "the page before"
    beside "Go to the lessons", which led to the server's root."""
    response = client.get("/no-such-page/", SCRIPT_NAME=script_prefix, HTTP_REFERER=referer)
    buttons = {
        a.get_text(): a["href"]
        for a in BeautifulSoup(response.content, "html.parser").select("main a.button")
    }
    assert buttons.get("Back to the page before") == back
    assert buttons["Go to the lessons"] == "/srm/"
