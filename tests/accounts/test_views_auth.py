"""Sign-up, sign-in and sign-out with Django's auth."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db


def test_signing_up_creates_the_account_and_signs_in(client):
    response = client.post(
        "/accounts/signup/",
        {
            "username": "newlearner",
            "password1": "correct-horse-battery",
            "password2": "correct-horse-battery",
        },
    )
    assert response.status_code == 302
    assert get_user_model().objects.filter(username="newlearner").exists()
    assert "Signed in as" in client.get("/").content.decode()


def test_sign_up_errors_are_shown_next_to_the_field(client):
    response = client.post(
        "/accounts/signup/", {"username": "x", "password1": "short", "password2": "other"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'class="field-error"' in body
    assert "didn’t match" in body or "didn't match" in body
    assert not get_user_model().objects.filter(username="x").exists()


def test_sign_up_never_redirects_off_site(client):
    response = client.post(
        "/accounts/signup/?next=https://evil.example/",
        {
            "username": "safe",
            "password1": "correct-horse-battery",
            "password2": "correct-horse-battery",
        },
    )
    assert response["Location"] == "/"


def test_signing_in_and_out(client, learner):
    response = client.post(
        "/accounts/login/", {"username": "ada", "password": "a-long-passphrase-1"}
    )
    assert response.status_code == 302
    assert "Signed in as </span><strong>ada</strong>" in client.get("/").content.decode()
    assert client.post("/accounts/logout/").status_code == 302
    assert "Sign in" in client.get("/").content.decode()


def test_a_wrong_password_gets_a_clear_message(client, learner):
    response = client.post("/accounts/login/", {"username": "ada", "password": "wrong"})
    assert response.status_code == 200
    assert "didn't match" in response.content.decode()


def test_sign_out_is_post_only(learner_client):
    assert learner_client.get("/accounts/logout/").status_code == 405
