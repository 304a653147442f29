"""Every account page is ours: our frame, labelled controls, and no inline script (strict CSP)."""

from __future__ import annotations

import re

import pytest

from tests.conftest import give_mfa, sign_in

pytestmark = pytest.mark.django_db

ANONYMOUS_PAGES = ["/accounts/login/", "/accounts/signup/", "/accounts/password/reset/"]
SIGNED_IN_PAGES = [
    "/accounts/logout/",
    "/accounts/password/change/",
    "/accounts/email/",
    "/accounts/reauthenticate/",
    "/accounts/2fa/",
    "/accounts/2fa/totp/activate/",
    "/accounts/2fa/webauthn/add/",
]
WITH_MFA_PAGES = [
    "/accounts/2fa/totp/deactivate/",
    "/accounts/2fa/recovery-codes/",
    "/accounts/2fa/recovery-codes/generate/",
]


def _assert_page_is_ours(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.get("Location"))
    body = response.content.decode()
    assert 'class="site-header"' in body, url
    assert body.count("<h1") == 1, url
    for attrs in re.findall(r"<script([^>]*)>", body):
        assert "src=" in attrs or 'type="application/json"' in attrs, (url, attrs)
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", body), url  # no inline event handlers
    for tag in re.findall(r"<(?:input|textarea|select)\b[^>]*>", body):
        if re.search(r'type="(hidden|submit)"', tag):
            continue
        control_id = re.search(r'id="([^"]+)"', tag)
        assert control_id, (url, tag)
        assert f'<label for="{control_id.group(1)}"' in body, (url, tag)


@pytest.mark.parametrize("url", ANONYMOUS_PAGES)
def test_pages_for_visitors(client, url):
    _assert_page_is_ours(client, url)


@pytest.fixture
def signed_in(client, learner):
    """Signed in (`sign_in`) with the password just confirmed, as the sign-in form and the
    reauthentication form leave the session (allauth's record of it), so the pages behind a
    recent sign-in open: without posting both forms (~10 ms) for each page. The forms
    themselves are tested in tests/accounts/test_views_auth.py and test_mfa.py."""
    from allauth.account.internal.flows.login import record_authentication
    from django.test import RequestFactory

    sign_in(client, learner)
    request = RequestFactory().get("/")
    request.session = client.session
    record_authentication(request, learner, method="password", username=learner.username)
    record_authentication(request, learner, method="password", reauthenticated=True)
    request.session.save()
    return client


@pytest.mark.parametrize("url", SIGNED_IN_PAGES)
def test_pages_for_signed_in_people(signed_in, url):
    _assert_page_is_ours(signed_in, url)


@pytest.mark.parametrize("url", WITH_MFA_PAGES)
def test_pages_for_people_with_two_factor(signed_in, learner, url):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    give_mfa(learner)
    RecoveryCodes.activate(learner)
    _assert_page_is_ours(signed_in, url)
