"""Each session row says whose it is (srm_trainer/sessions.py): written when the session is
saved, so closing an account deletes its sessions by that column, at a cost that does not grow
with the number of other people's sessions; the rows Django's table held before are carried
over by the migration, and `clearsessions` clears this table."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.apps import apps
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from django.utils.http import int_to_base36

from srm_trainer.accounts import closing
from srm_trainer.accounts.models import Session
from srm_trainer.sessions import SessionStore
from tests import dbsetup
from tests.conftest import give_mfa, sign_in

pytestmark = pytest.mark.django_db

# A number whose base 36 ("1z") is not its decimal ("71"): allauth's pending sign-in writes it
# in base 36, so reading it as decimal (or not at all) would lose the account.
HEDY = 71
# What closing an account with no history asks of the database, whatever else is stored.
# 34 or 35 (the content types read or cached), one on the sessions, four the history's deletes
# (closing.py's `_delete_history`: the same four however long the history), and the two that
# take the name out of cohorts' records of who left (`cohorts.departures.forget`).
CLOSING_QUERIES = 39


def _row(client: Client) -> Session:
    return Session.objects.get(session_key=client.cookies["sessionid"].value)


def signed_in(client: Client) -> bool:
    return "Sign out" in client.get("/").content.decode()


@pytest.fixture
def hedy(django_user_model):
    return django_user_model.objects.create_user(pk=HEDY, username="hedy", password="a-long-pass-7")


def test_a_session_is_stored_with_its_account_once_signed_in_and_with_none_after(client, hedy):
    signed = client.post("/accounts/login/", {"login": "hedy", "password": "a-long-pass-7"})
    assert signed.status_code == 302
    assert _row(client).account_id == HEDY
    client.post("/accounts/logout/")
    assert not Session.objects.filter(account_id=HEDY).exists()


def test_a_session_waiting_for_the_second_factor_is_stored_with_its_account(client, hedy):
    secret = give_mfa(hedy)
    asked = client.post("/accounts/login/", {"login": "hedy", "password": "a-long-pass-7"})
    assert asked["Location"] == "/accounts/2fa/authenticate/"
    waiting = _row(client)
    assert SESSION_KEY not in waiting.get_decoded()  # not signed in yet
    assert waiting.get_decoded()["account_login"]["user_pk"] == "1z"
    assert waiting.account_id == HEDY

    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    assert client.post(asked["Location"], {"code": code}).status_code == 302
    assert signed_in(client)
    assert _row(client).account_id == HEDY
    assert Session.objects.filter(account_id=HEDY).count() == 1


def test_an_anonymous_session_belongs_to_no_account():
    session = SessionStore()
    session["kept"] = "anonymous work"
    session.save()
    assert Session.objects.get(session_key=session.session_key).account_id is None


def _others(count: int, someone) -> None:
    """`count` more live sessions, half signed in as `someone`, half anonymous."""
    encode = SessionStore().encode
    expires = timezone.now() + timedelta(days=1)
    Session.objects.bulk_create(
        Session(
            session_key=f"other{n:027d}",
            session_data=encode({SESSION_KEY: str(someone.pk)} if n % 2 else {"n": n}),
            expire_date=expires,
            account_id=someone.pk if n % 2 else None,
        )
        for n in range(count)
    )


def test_closing_deletes_exactly_the_accounts_sessions_however_many_others_there_are(
    django_user_model, other_learner, monkeypatch, django_assert_max_num_queries
):
    """Two browsers signed in as the account, one as someone else, one anonymous; 5 or 200 other
    sessions besides. Closing deletes the account's two and nothing else, with at most the same
    number of queries either way, one of them on the session table, and reads no session's
    data."""
    decoded = []
    real_decode = DjangoSessionStore.decode
    monkeypatch.setattr(
        DjangoSessionStore,
        "decode",
        lambda self, data: decoded.append(1) or real_decode(self, data),
    )
    graces, anonymous = Client(), SessionStore()
    sign_in(graces, other_learner)
    anonymous["kept"] = "anonymous work"
    anonymous.save()
    # Content types are read once a process and kept: in a running site (or after any test
    # before this one) they are; run alone, the first closing read two more.
    ContentType.objects.get_for_models(*apps.get_models())
    for others in (5, 200):
        Session.objects.filter(session_key__startswith="other").delete()
        _others(others, other_learner)
        user = django_user_model.objects.create_user(f"ada{others}", password="a-long-pass-8")
        laptop, phone = Client(), Client()
        sign_in(laptop, user)
        sign_in(phone, user)
        before = set(Session.objects.values_list("session_key", flat=True))
        decoded.clear()

        with django_assert_max_num_queries(CLOSING_QUERIES) as queries:
            closing.close_account(user)

        assert decoded == []
        left = set(Session.objects.values_list("session_key", flat=True))
        assert before - left == {
            laptop.cookies["sessionid"].value,
            phone.cookies["sessionid"].value,
        }
        on_sessions = [q["sql"] for q in queries.captured_queries if "accounts_session" in q["sql"]]
        assert len(on_sessions) == 1 and on_sessions[0].startswith("DELETE"), on_sessions
    assert signed_in(graces)
    assert Session.objects.filter(session_key=anonymous.session_key).exists()


def test_clearsessions_clears_the_expired_sessions_of_this_table(learner):
    live, expired = Client(), Client()
    sign_in(live, learner)
    sign_in(expired, learner)
    Session.objects.filter(session_key=expired.cookies["sessionid"].value).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    call_command("clearsessions")
    assert set(Session.objects.values_list("session_key", flat=True)) == {
        live.cookies["sessionid"].value
    }
    assert signed_in(live)


@pytest.mark.django_db(transaction=True)
class TestTheMigration:
    """accounts 0004 carries the live, verified rows of Django's session table over, with
    their account, and empties that table; backwards, the rows go back."""

    BEFORE = [("accounts", "0003_forget_unknown_sign_in_names")]
    AFTER = [("accounts", "0004_sessions_with_their_account")]

    def _migrate(self, targets) -> None:
        from django.db.migrations.executor import MigrationExecutor

        MigrationExecutor(connection).migrate(targets)

    def test_signed_in_and_waiting_sessions_carry_over_and_the_rest_is_left(
        self, django_user_model
    ):
        from django.contrib.sessions.models import Session as DjangoSession

        hedy = django_user_model.objects.create_user(
            pk=HEDY, username="hedy", password="a-long-pass-7"
        )
        with dbsetup.migrated_back():
            self._migrate(self.BEFORE)
            encode = DjangoSessionStore().encode
            live = timezone.now() + timedelta(days=1)
            rows = {
                "signed-in": {
                    SESSION_KEY: str(HEDY),
                    BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[0],
                    HASH_SESSION_KEY: hedy.get_session_auth_hash(),
                },
                "waiting": {"account_login": {"user_pk": int_to_base36(HEDY), "state": {}}},
                "anonymous": {"kept": "anonymous work"},
                "expired": {SESSION_KEY: str(HEDY)},
            }
            for name, data in rows.items():
                DjangoSession.objects.create(
                    session_key=f"{name:x<32}",
                    session_data=encode(data),
                    expire_date=live if name != "expired" else timezone.now() - timedelta(1),
                )
            DjangoSession.objects.create(
                session_key=f"{'forged':x<32}",
                session_data=encode({SESSION_KEY: str(HEDY)})[:-4] + "AAAA",
                expire_date=live,
            )

            self._migrate(self.AFTER)

            carried = dict(Session.objects.values_list("session_key", "account_id"))
            assert carried == {
                f"{'signed-in':x<32}": HEDY,
                f"{'waiting':x<32}": HEDY,
                f"{'anonymous':x<32}": None,
            }
            assert not DjangoSession.objects.exists()
            browser = Client()
            browser.cookies["sessionid"] = f"{'signed-in':x<32}"
            assert signed_in(browser)
            assert SessionStore(f"{'anonymous':x<32}")["kept"] == "anonymous work"

            self._migrate(self.BEFORE)
            assert set(DjangoSession.objects.values_list("session_key", flat=True)) == set(carried)


def test_a_changed_password_signs_out_every_other_browser_and_says_so(hedy):
    """There is no list of sessions to end one by one: changing the password is how an owner
    signs out everywhere else (each session keeps a hash of the password it signed in with),
    and the page says so, so someone who left a shared computer signed in knows what to do."""
    here, elsewhere = Client(), Client()
    for browser in (here, elsewhere):
        browser.post("/accounts/login/", {"login": "hedy", "password": "a-long-pass-7"})
        assert signed_in(browser)
    new = "correct-horse-battery"
    changed = here.post(
        "/accounts/password/change/",
        {"oldpassword": "a-long-pass-7", "password1": new, "password2": new},
        follow=True,
    )
    assert (
        "Your password is changed, and every other browser or device signed in to your "
        "account is signed out." in changed.content.decode()
    )
    assert signed_in(here)
    assert not signed_in(elsewhere)
