"""Kept HTML and the addresses in it: the script prefix and URLconf a request's links are
reversed under are read once per request (srm_trainer/kept_urls.py, `links`), once its URL is
resolved, and kept drawings and parts stay keyed by them: two requests under another prefix or
URLconf never share a drawing. Nor an address made from the reading order, which is kept for
every request and holds no addresses (lessons/reading_order.py)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import include, path, set_script_prefix

from tests.conftest import give_mfa, make_lesson, make_module

# The site again under /elsewhere/: the URLconf a middleware chooses for some requests.
urlpatterns = [path("elsewhere/", include("srm_trainer.urls"))]


class ChoosesURLconf:
    """Sends a request asking for it to this module's URLconf (`request.urlconf`), which Django
    sets only when it resolves the URL, after every middleware has begun."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if request.headers.get("X-Elsewhere"):
            request.urlconf = __name__
        return self.get_response(request)


def addresses(body: str) -> set[str]:
    """The site's own addresses a page links to, but its static files."""
    found = set(re.findall(r'(?:href|action)="(/[^"?#]*)', body))
    return {a for a in found if "/static/" not in a}


@pytest.mark.django_db(transaction=True)
def test_kept_html_follows_each_requests_script_prefix_and_urlconf(settings):
    """Committed rows, so home's course listing and the page header are kept (drawings of the
    course's build; a `{% kept %}` part). Asked in turn under the plain site, another URLconf and
    another script prefix, twice over, each page links only under its own."""
    module = make_module(slug="linked")
    make_lesson(module, slug="first")
    settings.MIDDLEWARE = [f"{__name__}.ChoosesURLconf", *settings.MIDDLEWARE]
    client = Client()

    def home(root: str, **headers) -> set[str]:
        prefix = "/trainer/" if root == "/trainer/" else "/"
        set_script_prefix(prefix)  # as the WSGI handler does from SCRIPT_NAME
        try:
            response = client.get("/elsewhere/" if headers else "/", headers=headers)
        finally:
            set_script_prefix("/")
        assert response.status_code == 200
        return addresses(response.content.decode())

    for _ in range(2):
        for root, headers in (
            ("/", {}),
            ("/elsewhere/", {"X-Elsewhere": "1"}),
            ("/trainer/", {}),
        ):
            found = home(root, **headers)
            assert root + "learn/linked/" in found  # the kept course listing
            assert {"/accounts/login/", "/accounts/signup/"} <= {
                address.replace(root, "/", 1) for address in found
            }
            assert all(address.startswith(root) for address in found), (
                root,
                [a for a in found if not a.startswith(root)],
            )
            if root == "/":
                assert not any(a.startswith(("/elsewhere/", "/trainer/")) for a in found)


@pytest.mark.django_db(transaction=True)
def test_a_request_reads_its_script_prefix_and_urlconf_once(client, monkeypatch):
    """However many kept drawings, parts and links a page asks for (home: its header, the course
    listing, a dozen links), each a plain look-up after the one read."""
    from srm_trainer import kept_urls

    make_lesson(make_module(slug="counted"), slug="first")
    reads = []
    read = kept_urls.get_script_prefix
    monkeypatch.setattr(kept_urls, "get_script_prefix", lambda: reads.append(1) or read())
    for _ in range(2):
        reads.clear()
        assert client.get("/").status_code == 200
        assert reads == [1]


@pytest.mark.django_db(transaction=True)
def test_reading_order_addresses_follow_each_requests_script_prefix_and_urlconf(settings):
    """The reading order is kept once per version of the course (lessons/reading_order.py), but
    the lesson addresses drawn from it are each request's own: home's "Start" and "Continue",
    a module's rows, a lesson's Previous and Next, the glossary's "Taught in", for visitors,
    learners and staff, asked in turn under the plain site, another URLconf and another script
    prefix, with the order built first under each of them."""
    from django.contrib.auth import get_user_model

    from glossary.models import GlossaryTerm
    from lessons import reading_order

    first_module = make_module(slug="linked", order=1)
    first = make_lesson(first_module, slug="first", order=1)
    make_lesson(first_module, slug="second", order=2)
    make_lesson(first_module, slug="unfinished", order=3, published=False)
    make_lesson(make_module(slug="later", order=2), slug="third", order=1)
    GlossaryTerm.objects.create(slug="scp", term="SCP", definition="A policy.", lesson=first)
    settings.MIDDLEWARE = [f"{__name__}.ChoosesURLconf", *settings.MIDDLEWARE]
    users = get_user_model().objects
    visitor, learner, staff, started = Client(), Client(), Client(), Client()
    learner.force_login(users.create_user("ada", password="a-long-passphrase-1"))
    admin = users.create_user("admin", password="a-long-passphrase-3", is_staff=True)
    give_mfa(admin)  # staff preview drafts once they have two-factor sign-in
    staff.force_login(admin)
    # Someone who finished the first lesson without an account: home offers the next one.
    assert started.post("/learn/linked/first/complete/").status_code == 302
    learner.post("/learn/linked/first/complete/")

    def page(client: Client, root: str, path: str) -> set[str]:
        set_script_prefix("/trainer/" if root == "/trainer/" else "/")  # as from SCRIPT_NAME
        try:
            elsewhere = root == "/elsewhere/"
            response = client.get(
                ("/elsewhere/" if elsewhere else "/") + path,
                headers={"X-Elsewhere": "1"} if elsewhere else {},
            )
        finally:
            set_script_prefix("/")
        assert response.status_code == 200, (root, path)
        found = addresses(response.content.decode())
        assert all(address.startswith(root) for address in found), (
            root,
            path,
            sorted(a for a in found if not a.startswith(root)),
        )
        return {address.replace(root, "/", 1) for address in found}

    def lesson(path: str) -> str:
        return f"/learn/{path}/"

    # Each root in turn builds the order, then the other two read it, then the first again.
    for roots in (
        ("/", "/elsewhere/", "/trainer/", "/"),
        ("/trainer/", "/", "/elsewhere/", "/trainer/"),
        ("/elsewhere/", "/trainer/", "/", "/elsewhere/"),
    ):
        reading_order.changed()
        for root in roots:
            assert lesson("linked/first") in page(visitor, root, "")  # Start
            assert lesson("linked/second") in page(started, root, "")  # Continue
            assert lesson("linked/second") in page(learner, root, "")  # Continue
            assert lesson("linked/first") in page(staff, root, "")
            for client in (visitor, learner):  # a module's rows: kept for each, done or not
                assert {lesson("linked/first"), lesson("linked/second")} <= page(
                    client, root, "learn/linked/"
                )
                assert {lesson("linked/first"), lesson("later/third")} <= page(
                    client, root, "learn/linked/second/"
                )
            assert lesson("linked/first") in page(visitor, root, "learn/glossary/")
            assert lesson("linked/first") in page(visitor, root, "learn/glossary/scp/")
            page(learner, root, "progress/")
            assert lesson("linked/unfinished") in page(staff, root, "learn/linked/")
            assert {lesson("linked/second"), lesson("later/third")} <= page(
                staff, root, "learn/linked/unfinished/"
            )
