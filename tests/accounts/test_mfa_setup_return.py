"""Sent from the admin (or a teaching page) to set up two-factor sign-in, a staff member ends
on allauth's recovery codes page, whatever `next` said: the page offers the way back to where
they were going, and only that (a path of this site), only once they have it, until they get
there."""

from __future__ import annotations

import re

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from srm_trainer.accounts.middleware import SETUP_NEXT, continue_to
from tests.accounts.test_mfa import _code, _sign_in
from tests.conftest import totp_secret_on

pytestmark = pytest.mark.django_db


def _continue_link(page: str) -> str | None:
    found = re.search(r'<a class="button" href="([^"]*)">(Continue[^<]*)</a>', page)
    return f"{found[1]} {found[2]}" if found else None


def _turn_on_totp(client) -> str:
    """The authenticator app set up through the real form; the page it ends on."""
    secret = totp_secret_on(client.get("/accounts/2fa/totp/activate/").content.decode())
    response = client.post("/accounts/2fa/totp/activate/", {"code": _code(secret)})
    assert response["Location"] == "/accounts/2fa/recovery-codes/"
    return client.get(response["Location"]).content.decode()


def test_after_setting_it_up_the_recovery_codes_page_leads_back_to_the_admin(client, staff):
    _sign_in(client, "admin", "a-long-passphrase-3")
    sent = client.get("/admin/")
    assert sent["Location"].startswith("/accounts/2fa/?next=")
    page = _turn_on_totp(client)
    assert Authenticator.objects.filter(user=staff, type="recovery_codes").exists()
    assert "Unused codes" in page  # allauth's page, its codes shown
    assert _continue_link(page) == "/admin/ Continue to the admin"
    assert client.get("/admin/").status_code == 200
    # There: the codes page (visited again later) no longer offers the way back.
    assert _continue_link(client.get("/accounts/2fa/recovery-codes/").content.decode()) is None


def test_someone_setting_it_up_of_their_own_accord_is_offered_no_way_back(client, learner):
    _sign_in(client, "ada", "a-long-passphrase-1")
    assert _continue_link(_turn_on_totp(client)) is None


@pytest.mark.parametrize(
    ("kept", "offered"),
    [
        ("/teach/cohorts/", ("/teach/cohorts/", "Continue to the teaching pages")),
        ("//evil.example/admin/", None),
        ("https://evil.example/", None),
        ("/\\evil.example/", None),
        (["/admin/"], None),
    ],
)
def test_only_a_path_of_this_site_is_offered(staff, kept, offered, monkeypatch):
    request = RequestFactory().get("/accounts/2fa/recovery-codes/")
    request.user = staff
    request.session = SessionStore()
    request.session[SETUP_NEXT] = kept
    monkeypatch.setattr("srm_trainer.accounts.middleware.has_mfa", lambda user: True)
    assert continue_to(request) == offered
    monkeypatch.setattr("srm_trainer.accounts.middleware.has_mfa", lambda user: False)
    assert continue_to(request) is None  # not before they have it


@pytest.mark.parametrize(
    ("kept", "words"),
    [
        ("/srm/admin/", "Continue to the admin"),
        ("/srm/teach/cohorts/", "Continue to the teaching pages"),
        ("/srm/progress/", "Continue where you were going"),
    ],
)
def test_under_a_script_prefix_the_way_back_is_named_for_where_it_leads(
    staff, kept, words, monkeypatch, script_prefix
):
    """The page kept holds the prefix (`/srm/admin/`): the admin's way back was offered as
    "Continue where you were going"."""
    request = RequestFactory().get("/accounts/2fa/recovery-codes/", SCRIPT_NAME=script_prefix)
    request.user = staff
    request.session = SessionStore()
    request.session[SETUP_NEXT] = kept
    monkeypatch.setattr("srm_trainer.accounts.middleware.has_mfa", lambda user: True)
    assert continue_to(request) == (kept, words)
