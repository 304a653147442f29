"""CSRF tokens (srm_trainer.middleware.use_fast_csrf_strings): the secrets and the per-page
masks Django makes, drawn from one os.urandom call instead of one per character, are the same
kind of token, and Django's check accepts only the right one."""

from __future__ import annotations

import collections
import re

import pytest
from django.middleware import csrf
from django.test import Client, RequestFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')


def test_the_secrets_are_uniform_over_the_allowed_characters():
    drawn = [csrf._get_new_csrf_string() for _ in range(2000)]
    assert all(len(s) == csrf.CSRF_SECRET_LENGTH for s in drawn)
    assert len(set(drawn)) == len(drawn)
    counts = collections.Counter("".join(drawn))
    assert set(counts) == set(csrf.CSRF_ALLOWED_CHARS)
    # 64,000 characters over 62: ~1,032 each, standard deviation ~32; these bounds are ~7 of it
    assert all(800 < n < 1270 for n in counts.values()), counts


def test_a_page_token_is_a_fresh_mask_of_the_cookie_secret():
    request = RequestFactory().get("/")
    tokens = {csrf.get_token(request) for _ in range(50)}
    secret = request.META["CSRF_COOKIE"]
    assert len(tokens) == 50
    for token in tokens:
        assert len(token) == csrf.CSRF_TOKEN_LENGTH
        assert csrf._unmask_cipher_token(token) == secret


def test_a_form_posts_with_its_page_token_and_not_without_it():
    client = Client(enforce_csrf_checks=True)
    page = client.get("/accounts/login/")
    token = TOKEN.search(page.content.decode()).group(1)
    form = {"login": "nobody", "password": "wrong-password-1"}
    assert client.post("/accounts/login/", form).status_code == 403
    wrong = token[: csrf.CSRF_SECRET_LENGTH] + token[: csrf.CSRF_SECRET_LENGTH]
    form["csrfmiddlewaretoken"] = wrong
    assert client.post("/accounts/login/", form).status_code == 403
    form["csrfmiddlewaretoken"] = token
    assert client.post("/accounts/login/", form).status_code == 200  # the form, with its error
