"""Guessing passwords gets a person locked out, on both sign-in pages.

The behaviour tests run with allauth's limits made small (`small_limits`, tests/accounts/
conftest.py): reaching the shipped ones took up to 61 requests a test. allauth reads the limits
on every request, so these tests still show that whatever is configured is enforced, and
`test_the_shipped_limits_are_the_promised_ones` pins what is configured to what docs/accounts.md
promises and to the Retry-After values the 429 pages give.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from allauth.core.internal.ratelimit import Rate, parse_rates
from django.conf import settings
from django.core import mail
from django.core.cache import cache

from srm_trainer.accounts.views import LOCKED_OUT_RETRY_AFTER

pytestmark = pytest.mark.django_db

RIGHT = "a-long-passphrase-1"


def _rates(limits, action) -> list[Rate]:
    return parse_rates(limits[action])


def _sign_in(client, password, username="ada", addr="203.0.113.7"):
    return client.post(
        "/accounts/login/", {"login": username, "password": password}, REMOTE_ADDR=addr
    )


def _signed_in(client) -> bool:
    return "Signed in as" in client.get("/").content.decode()


def test_the_shipped_limits_are_the_promised_ones():
    """docs/accounts.md: five wrong passwords for one username in five minutes, or ten failures from one
    address in a minute, lock sign-in (with Retry-After: the longest of those windows); ten
    "username taken" answers to one address in ten minutes. allauth's 30 sign-in posts a
    minute per address are kept, and their 429 says to come back in that minute."""
    limits = settings.ACCOUNT_RATE_LIMITS
    assert _rates(limits, "login_failed") == [Rate(10, 60, "ip"), Rate(5, 300, "key")]
    assert _rates(limits, "signup_username_taken") == [Rate(10, 600, "ip")]
    assert _rates(limits, "login") == [Rate(30, 60, "ip")]
    assert max(rate.duration for rate in _rates(limits, "login_failed")) == LOCKED_OUT_RETRY_AFTER
    readme = " ".join((Path(settings.BASE_DIR) / "docs" / "accounts.md").read_text().split())
    assert (
        "five wrong passwords for one username in five minutes, or ten failures from one "
        "client address in a minute, refuse further sign-ins (even with the right password) "
        "with 429 and `Retry-After`" in readme
    )
    assert "after ten such answers to one address in ten minutes" in readme


def test_wrong_passwords_lock_the_username_even_against_the_right_one(
    client, learner, small_limits
):
    _, per_username = _rates(small_limits, "login_failed")
    for n in range(per_username.amount):
        assert _sign_in(client, f"guess-{n}", addr=f"198.51.100.{n}").status_code == 200
    locked = _sign_in(client, RIGHT, addr="192.0.2.99")  # from yet another address
    assert locked.status_code == 429
    assert locked["Retry-After"] == str(LOCKED_OUT_RETRY_AFTER)
    assert (  # the page says what happened, in the site's words (not "login", "later")
        "Too many wrong tries: signing in is paused for this account or from your network. "
        "Try again in a few minutes."
    ) in locked.content.decode()
    assert not _signed_in(client)


def test_the_lock_counts_a_username_whatever_host_the_request_names(
    client, learner, small_limits, settings
):
    """allauth keyed the lock by the request's host and the username; with no sites framework
    the host is the Host header as the client sent it, so every spelling of an allowed name
    (case, a port, a trailing dot) and each app server addressed by its own name counted its
    own wrong passwords: found with two gunicorn servers on one Redis, where guesses spread
    over both never locked the account, nor did guesses to one server with a new port each."""
    settings.ALLOWED_HOSTS = ["srm.example.org", "www.srm.example.org"]
    hosts = ["srm.example.org", "SRM.Example.org:8443", "srm.example.org.", "www.srm.example.org"]
    _, per_username = _rates(small_limits, "login_failed")
    for n, host in zip(range(per_username.amount), hosts, strict=False):
        guess = client.post(
            "/accounts/login/",
            {"login": "ada", "password": f"guess-{n}"},
            REMOTE_ADDR=f"198.51.100.{n}",
            HTTP_HOST=host,
        )
        assert guess.status_code == 200
    locked = client.post(
        "/accounts/login/",
        {"login": "ada", "password": RIGHT},
        REMOTE_ADDR="192.0.2.99",
        HTTP_HOST=hosts[per_username.amount],
    )
    assert locked.status_code == 429
    assert not _signed_in(client)


def test_a_few_wrong_passwords_do_not_lock_out_the_owner(client, learner, small_limits):
    _, per_username = _rates(small_limits, "login_failed")
    for n in range(per_username.amount - 1):
        _sign_in(client, f"typo-{n}")
    assert _sign_in(client, RIGHT).status_code == 302
    assert _signed_in(client)


def test_guessers_from_one_address_are_locked_out_across_usernames(
    client, django_user_model, small_limits
):
    """Guessers share an address and spread their guesses over usernames to dodge the
    per-username limit: after the per-address number of failures a minute the address is
    refused, right password or not."""
    per_address, per_username = _rates(small_limits, "login_failed")
    assert per_address.amount > per_username.amount  # else the per-username limit would do it
    users = [f"user{n}" for n in range(per_address.amount)]  # one guess each: no username locked
    for username in users:
        django_user_model.objects.create_user(username, password=RIGHT)
    answers = [_sign_in(client, f"guess-{i}", username=u).status_code for i, u in enumerate(users)]
    assert answers == [200] * per_address.amount
    for password in ("guess-x", RIGHT):
        refused = _sign_in(client, password, username=users[-1])
        assert refused.status_code == 429
        assert refused["Retry-After"] == str(LOCKED_OUT_RETRY_AFTER)  # the lockout's 429
    assert not _signed_in(client)
    # Someone else, elsewhere, still signs in.
    assert _sign_in(client, RIGHT, username=users[-1], addr="192.0.2.44").status_code == 302


def test_the_admin_sign_in_form_is_allauths_so_it_shares_the_lockout(client, staff, small_limits):
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "admin", "password": "a-long-passphrase-3"}
    )
    # The admin's own form never checks a password: it sends people to the throttled page.
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not _signed_in(client)
    _, per_username = _rates(small_limits, "login_failed")
    for n in range(per_username.amount):
        _sign_in(client, f"guess-{n}", username="admin")
    assert _sign_in(client, "a-long-passphrase-3", username="admin").status_code == 429


def test_too_many_sign_ins_from_one_address_get_our_429_page(client, learner, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login": "2/m/ip"}
    (per_address,) = _rates(settings.ACCOUNT_RATE_LIMITS, "login")
    for _ in range(per_address.amount):
        assert _sign_in(client, RIGHT).status_code == 302
        client.post("/accounts/logout/")
    response = _sign_in(client, RIGHT)
    assert response.status_code == 429
    assert response["Retry-After"] == str(per_address.duration) == "60"
    body = response.content.decode()
    assert "Too many requests" in body
    assert "That was a lot of sign-ins in a short time." in body
    assert 'class="site-header"' in body


def test_too_many_reset_links_for_one_address_say_what_was_refused(client, learner, settings):
    """The shared 429 page said "a lot of requests"; the reset page's names them."""
    (_, per_key) = _rates(settings.ACCOUNT_RATE_LIMITS, "reset_password")
    for _ in range(per_key.amount):
        sent = client.post("/accounts/password/reset/", {"email": "ada@example.com"})
        assert sent.status_code == 302
    refused = client.post("/accounts/password/reset/", {"email": "ada@example.com"})
    assert refused.status_code == 429
    assert refused["Retry-After"] == str(per_key.duration) == "60"
    body = refused.content.decode()
    assert "That was a lot of requests for a reset link in a short time." in body


def test_other_cache_traffic_does_not_wipe_a_lockout(client, learner, small_limits):
    """allauth keeps the count of wrong guesses in the cache. Django's database cache, past 300
    rows, deleted a third of them (live ones too) on the next write: flooding it with other
    entries (failures for many usernames, many addresses) erased an account's count, and the
    guessing went on. Ours never deletes a live entry."""
    _, per_username = _rates(small_limits, "login_failed")
    for n in range(per_username.amount - 1):
        _sign_in(client, f"guess-{n}", addr=f"198.51.100.{n}")
    for n in range(400):  # someone else's traffic, well past Django's 300
        cache.set(f"someone-else-{n}", n, 300)
    _sign_in(client, "guess-last", addr="198.51.100.200")
    assert _sign_in(client, RIGHT, addr="192.0.2.99").status_code == 429
    assert not _signed_in(client)


def test_a_password_reset_lifts_the_lock_on_the_account(client, learner, small_limits):
    """Someone locked out by wrong guesses who proves they own the account with a reset link
    can sign in with the new password at once. allauth clears the lock it keys by e-mail
    address (its default way to sign in); this site signs in by username, so its lock stayed,
    and "Password reset: sign in with your new password" led to 429 for up to five minutes.
    Only the account's lock goes: the guessing addresses stay counted."""
    EmailAddress.objects.create(user=learner, email="ada@example.com", primary=True, verified=True)
    _, per_username = _rates(small_limits, "login_failed")
    for n in range(per_username.amount):
        _sign_in(client, f"guess-{n}", addr=f"198.51.100.{n}")
    assert _sign_in(client, RIGHT, addr="192.0.2.99").status_code == 429

    client.post("/accounts/password/reset/", {"email": "ada@example.com"}, REMOTE_ADDR="192.0.2.99")
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body)
    form = client.get(link.group(1), follow=True, REMOTE_ADDR="192.0.2.99")
    new = "correct-horse-battery"
    client.post(
        form.redirect_chain[-1][0], {"password1": new, "password2": new}, REMOTE_ADDR="192.0.2.99"
    )
    assert _sign_in(client, new, addr="192.0.2.99").status_code == 302
    assert _signed_in(client)


def test_a_reset_lifts_no_lock_from_the_guessing_address(
    client, learner, other_learner, small_limits
):
    """The reset clears the account's count, not the address's: whoever guessed across
    usernames from one address is still held there."""
    per_address, _ = _rates(small_limits, "login_failed")
    for n in range(per_address.amount):
        _sign_in(client, f"guess-{n}", username=f"someone-{n}", addr="198.51.100.1")
    EmailAddress.objects.create(user=learner, email="ada@example.com", primary=True, verified=True)
    client.post("/accounts/password/reset/", {"email": "ada@example.com"}, REMOTE_ADDR="192.0.2.5")
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mail.outbox[-1].body)
    form = client.get(link.group(1), follow=True, REMOTE_ADDR="192.0.2.5")
    new = "correct-horse-battery"
    client.post(
        form.redirect_chain[-1][0], {"password1": new, "password2": new}, REMOTE_ADDR="192.0.2.5"
    )
    assert _sign_in(client, new, addr="198.51.100.1").status_code == 429
    assert _sign_in(client, new, addr="192.0.2.5").status_code == 302


def _confirm(client, password, addr="192.0.2.50"):
    """A password typed at "Confirm it's you" (allauth's reauthentication page)."""
    return client.post("/accounts/reauthenticate/", {"password": password}, REMOTE_ADDR=addr)


def test_wrong_passwords_at_confirm_its_you_count_in_the_usernames_lock(
    client, learner, small_limits
):
    """docs/accounts.md: five wrong passwords for one username lock it. A wrong password
    typed at "Confirm it's you" is one, whether or not the account has an e-mail address:
    allauth named the account there by its primary address, which this site's lock took as
    its key, so someone holding a signed-in session had a second count of guesses there."""
    EmailAddress.objects.create(user=learner, email="ada@example.org", primary=True, verified=True)
    client.force_login(learner)
    _, per_username = _rates(small_limits, "login_failed")
    for n in range(per_username.amount):
        assert _confirm(client, f"guess-{n}", addr=f"198.51.100.{n}").status_code == 200
    elsewhere = type(client)()
    assert _sign_in(elsewhere, RIGHT, addr="192.0.2.99").status_code == 429
    assert not _signed_in(elsewhere)


def test_changing_the_e_mail_address_starts_no_new_count_at_confirm_its_you(
    client, learner, small_limits
):
    """The count of wrong passwords at "Confirm it's you" is the account's: giving the account
    another primary address between guesses leaves it where it was, and the right password
    is refused once it is reached, as at sign-in."""
    address = EmailAddress.objects.create(
        user=learner, email="ada@example.org", primary=True, verified=True
    )
    client.force_login(learner)
    _, per_username = _rates(small_limits, "login_failed")
    for n in range(per_username.amount):
        address.email = f"ada-{n}@example.org"  # a new primary address before each guess
        address.save()
        _confirm(client, f"guess-{n}", addr=f"198.51.100.{n}")
    refused = _confirm(client, RIGHT, addr="192.0.2.99")
    # The form again, not on to the page asked for; as sign-in's lockout, a 429 that
    # scripts, proxies and monitoring can see.
    assert refused.status_code == 429
    assert refused["Retry-After"] == str(LOCKED_OUT_RETRY_AFTER)
    assert "Too many wrong tries" in refused.content.decode()
