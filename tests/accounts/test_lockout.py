"""Guessing passwords gets a person locked out, on both sign-in pages."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

RIGHT = "a-long-passphrase-1"


def _sign_in(client, password, username="ada", addr="203.0.113.7"):
    return client.post(
        "/accounts/login/", {"login": username, "password": password}, REMOTE_ADDR=addr
    )


def _signed_in(client) -> bool:
    return "Signed in as" in client.get("/").content.decode()


def test_five_wrong_passwords_lock_the_username_even_against_the_right_one(client, learner):
    for n in range(5):
        assert _sign_in(client, f"guess-{n}", addr=f"198.51.100.{n}").status_code == 200
    locked = _sign_in(client, RIGHT, addr="192.0.2.99")  # from yet another address
    assert locked.status_code == 429
    assert locked["Retry-After"] == "300"
    assert not _signed_in(client)


def test_a_few_wrong_passwords_do_not_lock_out_the_owner(client, learner):
    for n in range(3):
        _sign_in(client, f"typo-{n}")
    assert _sign_in(client, RIGHT).status_code == 302
    assert _signed_in(client)


def test_eight_guessers_from_one_address_are_locked_out_across_usernames(client, django_user_model):
    """Eight guessers share an address and spread their guesses over usernames to dodge the
    per-username limit: after ten failures a minute the address is refused, right password or not."""
    for n in range(8):
        django_user_model.objects.create_user(f"user{n}", password=RIGHT)
    answers = [
        _sign_in(client, f"guess-{i}", username=f"user{i % 8}").status_code for i in range(16)
    ]
    assert answers[:10] == [200] * 10
    assert set(answers[10:]) == {429}
    assert _sign_in(client, RIGHT, username="user7").status_code == 429
    assert not _signed_in(client)
    # Someone else, elsewhere, still signs in.
    assert _sign_in(client, RIGHT, username="user7", addr="192.0.2.44").status_code == 302


def test_the_admin_sign_in_form_is_allauths_so_it_shares_the_lockout(client, staff):
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "admin", "password": "a-long-passphrase-3"}
    )
    # The admin's own form never checks a password: it sends people to the throttled page.
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not _signed_in(client)
    for n in range(5):
        _sign_in(client, f"guess-{n}", username="admin")
    assert _sign_in(client, "a-long-passphrase-3", username="admin").status_code == 429


def test_the_locked_out_page_says_what_happened(client, learner):
    for n in range(5):
        _sign_in(client, f"guess-{n}")
    body = _sign_in(client, RIGHT).content.decode()
    assert "Too many" in body


def test_too_many_sign_ins_from_one_address_get_our_429_page(client, learner):
    for _ in range(30):
        _sign_in(client, RIGHT)
        client.post("/accounts/logout/")
    response = _sign_in(client, RIGHT)
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert "Too many requests" in response.content.decode()
    assert 'class="site-header"' in response.content.decode()
