"""Signing in through the role-aware backends: the plain copies listed after them in settings
(for old sessions) are not asked to check a password again."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import MD5PasswordHasher
from django.contrib.auth.signals import user_login_failed
from django.test import RequestFactory

from srm_trainer.accounts import backends

pytestmark = pytest.mark.django_db

PLAIN = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
OURS = [
    "srm_trainer.accounts.backends.ModelBackend",
    "srm_trainer.accounts.backends.AuthenticationBackend",
]


class CountingHasher(MD5PasswordHasher):
    """MD5, counting each password it hashes or checks (the work a real hasher makes slow)."""

    runs = 0

    def encode(self, password, salt):
        CountingHasher.runs += 1
        return super().encode(password, salt)


@pytest.fixture
def hasher_runs(settings):
    settings.PASSWORD_HASHERS = [f"{__name__}.CountingHasher"]
    CountingHasher.runs = 0

    def runs_for(**credentials):
        CountingHasher.runs = 0
        user = authenticate(RequestFactory().post("/accounts/login/"), **credentials)
        return user, CountingHasher.runs

    return runs_for


@pytest.fixture
def failures():
    seen = []

    def record(sender, credentials, **kwargs):
        seen.append(credentials["username"])

    user_login_failed.connect(record)
    yield seen
    user_login_failed.disconnect(record)


def test_the_project_lists_the_plain_backends_after_its_own():
    from django.conf import settings

    assert settings.AUTHENTICATION_BACKENDS == OURS + PLAIN


@pytest.mark.parametrize("username", ["ada", "nobody"])
def test_a_refused_sign_in_hashes_the_password_once_per_role_backend(
    learner, hasher_runs, failures, username
):
    learner.set_password("a-long-passphrase-1")
    learner.save()
    user, runs = hasher_runs(username=username, password="wrong")
    assert user is None
    assert runs == 2  # was 4: the plain backends checked the same password again
    assert failures == [username]  # still reported once, for the audit and the lockout


def test_signing_in_still_works_whatever_the_username_case(learner, hasher_runs, failures):
    learner.set_password("a-long-passphrase-1")
    learner.save()
    for username in ("ada", "ADA"):
        user, _ = hasher_runs(username=username, password="a-long-passphrase-1")
        assert user == learner
    assert failures == []


def test_a_backend_of_another_kind_after_them_still_gets_its_turn(settings, learner):
    settings.AUTHENTICATION_BACKENDS = [*OURS, f"{__name__}.Welcoming", *PLAIN]
    user = authenticate(None, username="ada", password="wrong")
    assert user == learner


class Welcoming:
    """A backend that lets `ada` in with any password (only to see that it is asked)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        from django.contrib.auth import get_user_model

        return get_user_model().objects.filter(username=username).first()

    def get_user(self, user_id):
        return None


def test_only_copies_of_ours_are_skipped():
    assert backends._only_copies_follow((*OURS, *PLAIN))
    assert backends._only_copies_follow(tuple(OURS))
    assert not backends._only_copies_follow((*OURS, f"{__name__}.Welcoming"))
    assert not backends._only_copies_follow((OURS[1], OURS[0], *PLAIN))
    assert not backends._only_copies_follow((OURS[1], *PLAIN))
