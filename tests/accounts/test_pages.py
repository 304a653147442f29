"""Every account page is ours: our frame, labelled controls, and no inline script (strict CSP)."""

from __future__ import annotations

import re

import pytest

from tests.conftest import give_mfa, give_passkey

pytestmark = pytest.mark.django_db

ANONYMOUS_PAGES = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/password/reset/key/1-not-a-key/",  # a bad link's page
    "/accounts/password/reset/key/done/",
    "/accounts/confirm-email/not-a-key/",  # a bad verification link's page
]
SIGNED_IN_PAGES = [
    "/accounts/logout/",
    "/accounts/password/change/",
    "/accounts/email/",
    "/accounts/reauthenticate/",
    "/accounts/2fa/",
    "/accounts/2fa/totp/activate/",
    "/accounts/2fa/webauthn/add/",
    "/accounts/2fa/webauthn/",
    "/accounts/name/",
]
WITH_MFA_PAGES = [
    "/accounts/2fa/totp/deactivate/",
    "/accounts/2fa/recovery-codes/",
    "/accounts/2fa/recovery-codes/generate/",
    "/accounts/2fa/reauthenticate/",
]


# Which item of the account menu a page belongs to: the menu marks it (aria-current), on the
# section's first page and on every page under it (the two-factor set-up steps, keys, codes).
SECTIONS = {
    "/accounts/password/": "Password",
    "/accounts/email/": "E-mail",
    "/accounts/2fa/": "Two-factor authentication",
    "/accounts/name/": "Name for instructors",
    "/accounts/data/": "Your data",
    "/accounts/delete/": "Your data",
}


def _assert_menu_marks_its_section(url, body):
    menu = re.search(r'<nav class="account-nav".*?</nav>', body, re.S)
    if menu is None:  # sign-in, sign-out and confirm-it's-you pages have no menu
        return
    current = re.findall(r'<a [^>]*aria-current="page"[^>]*>([^<]+)</a>', menu.group(0))
    wanted = next(name for prefix, name in SECTIONS.items() if url.startswith(prefix))
    assert current == [wanted], (url, current)


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
    _assert_menu_marks_its_section(url, body)


@pytest.mark.parametrize("url", ANONYMOUS_PAGES)
def test_pages_for_visitors(client, url):
    _assert_page_is_ours(client, url)


@pytest.mark.parametrize("url", SIGNED_IN_PAGES)
def test_pages_for_signed_in_people(signed_in, url):
    _assert_page_is_ours(signed_in, url)


@pytest.mark.parametrize("url", WITH_MFA_PAGES)
def test_pages_for_people_with_two_factor(signed_in, learner, url):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    give_mfa(learner)
    RecoveryCodes.activate(learner)
    _assert_page_is_ours(signed_in, url)


def test_confirming_it_is_you_offers_the_password_or_the_code(signed_in, learner):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    give_mfa(learner)
    RecoveryCodes.activate(learner)
    by_password = signed_in.get("/accounts/reauthenticate/?next=/accounts/delete/").content.decode()
    assert "<h1>Confirm it's you</h1>" in by_password
    assert 'action="/accounts/reauthenticate/"' in by_password
    assert ">Confirm with my password</button>" in by_password
    assert 'href="/accounts/2fa/reauthenticate/?next=%2Faccounts%2Fdelete%2F"' in by_password
    by_code = signed_in.get("/accounts/2fa/reauthenticate/?next=/accounts/delete/").content.decode()
    assert 'action="/accounts/2fa/reauthenticate/"' in by_code
    assert ">Confirm with my code</button>" in by_code
    assert 'name="next" value="/accounts/delete/"' in by_code


@pytest.mark.parametrize("page", ["mfa_edit_webauthn", "mfa_remove_webauthn"])
def test_pages_of_one_security_key(signed_in, learner, page):
    from django.urls import reverse

    key = give_passkey(learner, "Blue key")
    _assert_page_is_ours(signed_in, reverse(page, kwargs={"pk": key.pk}))


def test_no_account_page_writes_a_date_with_slashes_or_as_time_ago(signed_in, learner):
    """With everything that carries a date (a security key added and used, an authenticator
    app, recovery codes, e-mail addresses), no account page says "04/12/2026" (day or month
    first?) or "3 hours ago": times are said the site's one way, with the zone
    (lessons.timezones.zoned)."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from django.urls import reverse
    from django.utils import timezone

    give_mfa(learner)
    RecoveryCodes.activate(learner)
    key = give_passkey(learner, "Blue key")
    Authenticator.objects.filter(user=learner).update(last_used_at=timezone.now())
    EmailAddress.objects.create(user=learner, email="ada@example.com", primary=True)
    edit_key = reverse("mfa_edit_webauthn", kwargs={"pk": key.pk})
    for url in [*SIGNED_IN_PAGES, *WITH_MFA_PAGES, edit_key]:
        main = signed_in.get(url).content.decode().split("<main", 1)[-1]
        text = re.sub(r"<[^>]+>", " ", main)
        assert not re.search(r"\b\d{1,2}/\d{1,2}/\d{2,4}\b", text), url
        assert not re.search(r"\bago\b", text), url


def test_an_address_says_verified_and_primary_in_the_sites_badges(signed_in, learner):
    """allauth's words for an address drew as bold text run on ("Verified Primary"); they are
    badges, green for verified, amber for not yet, blue for the primary one."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.create(user=learner, email="ada@example.com", verified=True, primary=True)
    EmailAddress.objects.create(user=learner, email="ada@work.example", verified=False)
    page = signed_in.get("/accounts/email/").content.decode()
    badges = re.findall(r'<strong class="badge ([\w-]+)"[^>]*>\s*(\w+)\s*</strong>', page)
    assert badges == [
        ("badge-live", "Verified"),
        ("badge-file", "Primary"),
        ("badge-draft", "Unverified"),
    ]
