"""The sign-in page says why a signed-out visitor was sent there, naming the page they opened
("Sign in to see your review queue."), from its `next`: only our own pages that need an
account; anything else (unknown, foreign, malformed, a join link) gives no line, shows nothing
of `next` and changes nothing about where signing in goes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from srm_trainer.accounts.sign_in_reasons import (
    BY_NAME,
    BY_NAMESPACE,
    SIGN_UP_BY_NAME,
    reason,
    sign_up_reason_for,
)

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
# A page of each namespace of BY_NAMESPACE, and arguments for the names that take them.
NAMESPACE_PAGES = {"teach": "teach:dashboard", "teach_cohorts": "teach_cohorts:list"}
ARGS = {"cohorts:leave": [1]}


def _line(page: str) -> str | None:
    start = page.find('<p class="notice sign-in-reason"')
    if start < 0:
        return None
    return page[page.index(">", start) + 1 : page.index("</p>", start)]


def _sent_to_sign_in(client, address: str) -> str:
    """A signed-out visitor opens `address`: it sends them to sign in; that page, as drawn."""
    response = client.get(address)
    assert response.status_code == 302, address
    assert response["Location"].startswith(LOGIN), (address, response["Location"])
    page = client.get(response["Location"])
    assert page.status_code == 200
    return page.content.decode()


@pytest.mark.parametrize("name", [*BY_NAME, *NAMESPACE_PAGES.values()])
def test_every_page_that_needs_an_account_is_named_on_the_sign_in_page(client, name):
    """Each page the list names sends a signed-out visitor to sign in (the list cannot name a
    page anyone may open), and the sign-in page then says which, in one line."""
    said = BY_NAME.get(name) or BY_NAMESPACE[name.partition(":")[0]]
    assert _line(_sent_to_sign_in(client, reverse(name, args=ARGS.get(name)))) == said


def test_the_review_queue_says_so_with_its_filters_and_after_a_wrong_password(client, learner):
    page = _sent_to_sign_in(client, "/quizzes/review/?module=iam&level=advanced")
    assert _line(page) == "Sign in to see your review queue."
    again = client.post(LOGIN, {"login": "ada", "password": "wrong", "next": "/quizzes/review/"})
    assert _line(again.content.decode()) == "Sign in to see your review queue."


NO_LINE = [
    "",
    "/",  # open to anyone: the header's "Sign in" link sends every page as `next`
    "/quizzes/",
    "/progress/",
    "/no/such/page/",
    "/join/ACDEFGHJ/",  # a join link: the cohort's own notice, or nothing for a wrong code
    "/quizzes/attempts/1/",  # a session that ended: the quiz's own message says so
    "https://evil.example/quizzes/review/",
    "//evil.example/quizzes/review/",
    "/\\evil.example/quizzes/review/",
    "http:/quizzes/review/",
    "javascript:alert(1)//quizzes/review/",
    "quizzes/review/",
    "/quizzes/review/" + "x" * 5000,
]


@pytest.mark.parametrize("next_url", NO_LINE)
def test_no_line_for_a_next_that_is_not_one_of_our_pages_needing_an_account(client, next_url):
    page = client.get(LOGIN, {"next": next_url})
    assert page.status_code == 200
    assert _line(page.content.decode()) is None


def test_nothing_of_next_is_shown_in_the_line(client):
    """The line is a fixed sentence: a `next` carrying markup adds none to the page."""
    page = client.get(LOGIN, {"next": '/quizzes/review/?"><script>alert(1)</script>'})
    text = page.content.decode()
    assert _line(text) == "Sign in to see your review queue."
    assert "<script>alert(1)" not in text


def test_a_foreign_next_still_does_not_send_anyone_away(client, learner):
    """No open redirect: signing in with another site as `next` stays on this one."""
    response = client.post(
        LOGIN,
        {
            "login": "ada",
            "password": "a-long-passphrase-1",
            "next": "//evil.example/quizzes/review/",
        },
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


@pytest.mark.parametrize("page", [LOGIN, "/accounts/signup/"])
def test_a_next_python_cannot_split_is_no_next_not_a_500(client, learner, page):
    """An unclosed IPv6 bracket (`http://[::1`): allauth read its host with `urlparse`, which
    raised ValueError, a 500 on the sign-in and sign-up pages (`AccountAdapter.is_safe_url`).
    Signing in with it goes where signing in goes without one."""
    bad = "http://[::1/quizzes/review/"
    assert client.get(page, {"next": bad}).status_code == 200
    signed_in = client.post(LOGIN, {"login": "ada", "password": "a-long-passphrase-1", "next": bad})
    assert signed_in.status_code == 302
    assert "[::1" not in signed_in["Location"]


@pytest.mark.parametrize(
    "next_url, said",
    [
        ("/progress/certificate/", "Sign in to see your certificate."),
        ("/quizzes/review/#top", "Sign in to see your review queue."),
        ("/teach/cohorts/", "Sign in to open the teaching pages."),
        ("/quizzes/review", ""),  # not our address (no slash): no guess
        ("/quizzes/review/\x00", ""),
        (None, ""),
        (["/quizzes/review/"], ""),
    ],
)
def test_reason_reads_only_the_path_of_one_of_our_addresses(next_url, said):
    assert reason(next_url) == said


def test_under_a_script_prefix_the_line_names_the_page_too(client, script_prefix):
    """A site served under a prefix sends `next` with it (`/srm/quizzes/review/`), which our
    URLconf did not resolve: the sign-in and sign-up pages said nothing."""
    sent = client.get("/quizzes/review/", SCRIPT_NAME=script_prefix)
    assert sent["Location"] == f"{script_prefix}{LOGIN}?next=/srm/quizzes/review/"
    query = {"next": f"{script_prefix}/quizzes/review/"}
    page = client.get(LOGIN, query, SCRIPT_NAME=script_prefix).content.decode()
    assert _line(page) == "Sign in to see your review queue."
    signup = client.get("/accounts/signup/", query, SCRIPT_NAME=script_prefix).content.decode()
    assert _line(signup) == "Create an account to keep a review queue."
    # Without the prefix it is no address of this site (nor one to send anyone to).
    assert reason("/quizzes/review/") == ""


# --- the sign-up page -----------------------------------------------------------------------

SIGNUP = "/accounts/signup/"


def test_create_an_account_from_the_sign_in_page_says_why_too(client):
    """The sign-in page's "Create an account" carries `next`; the sign-up page it opens says
    why in the same place, in words for someone without an account."""
    import re

    page = _sent_to_sign_in(client, "/quizzes/review/?module=iam")
    link = re.search(r'<a href="([^"]+)">Create an account</a>', page)
    assert link and link[1].startswith(SIGNUP)
    signup = client.get(link[1].replace("&amp;", "&")).content.decode()
    assert _line(signup) == "Create an account to keep a review queue."


def test_a_refused_sign_up_keeps_its_line(client):
    data = {"username": "x", "password1": "short", "password2": "other", "next": "/cohorts/"}
    again = client.post(SIGNUP, data)
    assert again.status_code == 200
    assert _line(again.content.decode()) == "Create an account to join a cohort."


def test_every_sign_up_line_names_a_page_that_needs_an_account():
    """A page anyone may open needs no account made for it (the sign-in list is checked page
    by page above)."""
    assert set(SIGN_UP_BY_NAME) <= set(BY_NAME)


@pytest.mark.parametrize(
    "name", ["account_delete", "mfa_index", "cohorts:leave", *NAMESPACE_PAGES.values()]
)
def test_no_sign_up_line_for_a_page_a_new_account_has_no_use_for(client, name):
    """Lines such as “Create an account to delete your account” or “…to open the teaching
    pages” (an account made here is a learner's) would promise what it cannot do."""
    next_url = reverse(name, args=ARGS.get(name))
    assert reason(next_url)  # the sign-in page names it
    assert _line(client.get(SIGNUP, {"next": next_url}).content.decode()) is None


@pytest.mark.parametrize("next_url", NO_LINE)
def test_no_sign_up_line_for_a_next_that_is_not_one_of_our_pages(client, next_url):
    page = client.get(SIGNUP, {"next": next_url})
    assert page.status_code == 200
    assert _line(page.content.decode()) is None
    assert sign_up_reason_for(next_url) == ""
