"""Signing in through the role-aware backends: each password is checked once. The plain copies
listed after them in settings (for old sessions) are not asked to check it again, and Django's
backend leaves it to allauth's, which finds every account Django's would."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.hashers import MD5PasswordHasher
from django.contrib.auth.signals import user_login_failed
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

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


@pytest.mark.parametrize("username", ["ada", "ADA", "nobody"])
def test_a_refused_sign_in_hashes_the_password_once(learner, hasher_runs, failures, username):
    """Once whether or not the account exists (the time taken does not tell), as a successful
    sign-in does."""
    learner.set_password("a-long-passphrase-1")
    learner.save()
    user, runs = hasher_runs(username=username, password="wrong")
    assert user is None
    assert runs == 1  # was 4, then 2: Django's backend and allauth's checked it in turn
    assert failures == [username]  # still reported once, for the audit and the lockout


def test_signing_in_still_works_whatever_the_username_case(learner, hasher_runs, failures):
    learner.set_password("a-long-passphrase-1")
    learner.save()
    for username in ("ada", "ADA"):
        user, runs = hasher_runs(username=username, password="a-long-passphrase-1")
        assert user == learner
        assert runs == 1
    assert failures == []


def test_accounts_whose_names_differ_only_in_case_each_sign_in_by_their_exact_name(
    learner, hasher_runs, failures, django_user_model
):
    """allauth refuses a name that matches several accounts ignoring case; the exact match
    signs in (as Django's backend let it), and any other spelling is refused."""
    other = django_user_model.objects.create_user("Ada", password="another-passphrase-2")
    learner.set_password("a-long-passphrase-1")
    learner.save()
    assert hasher_runs(username="ada", password="a-long-passphrase-1") == (learner, 1)
    assert hasher_runs(username="Ada", password="another-passphrase-2") == (other, 1)
    assert hasher_runs(username="Ada", password="a-long-passphrase-1") == (None, 1)
    assert hasher_runs(username="ADA", password="a-long-passphrase-1") == (None, 1)
    assert failures == ["Ada", "ADA"]


def test_an_inactive_account_with_the_right_password_gets_allauths_page(client, learner):
    learner.is_active = False
    learner.save()
    response = client.post("/accounts/login/", {"login": "ada", "password": "a-long-passphrase-1"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/inactive/"
    assert "Signed in as" not in client.get("/").content.decode()


def test_djangos_backend_checks_the_password_itself_when_allauths_is_not_next(
    settings, learner, hasher_runs
):
    settings.AUTHENTICATION_BACKENDS = [OURS[0], f"{__name__}.Welcoming", OURS[1], *PLAIN]
    learner.set_password("a-long-passphrase-1")
    learner.save()
    assert hasher_runs(username="ada", password="a-long-passphrase-1") == (learner, 1)
    assert not backends._allauth_checks_next(tuple(settings.AUTHENTICATION_BACKENDS))
    assert backends._allauth_checks_next((*OURS, *PLAIN))


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


def test_a_refusal_reads_the_same_whether_or_not_the_name_exists(learner):
    """The exact name is looked up first (by its index); a refusal also runs the look-up
    ignoring case, so the work does not say whether the account exists. A success with the
    exact name reads the account once."""

    def user_reads(username, password):
        with CaptureQueriesContext(connection) as captured:
            authenticate(
                RequestFactory().post("/accounts/login/"),
                **{"username": username, "password": password},
            )
        return [q["sql"] for q in captured if 'FROM "auth_user"' in q["sql"]]

    refused = [user_reads(name, "wrong") for name in ("ada", "ADA", "nobody")]
    # The exact look-up, the one ignoring case, and the audit's look-up of the guessed name.
    assert [len(reads) for reads in refused] == [3, 3, 3]
    shapes = [[re.sub(r"'[^']*'", "?", sql) for sql in reads] for reads in refused]
    assert shapes[0] == shapes[1] == shapes[2]
    assert len(user_reads("ada", "a-long-passphrase-1")) == 1
