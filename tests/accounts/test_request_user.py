"""The signed-in user and their session, read on every request through SQL compiled once
(srm_trainer/prepared.py): the same user the ORM gives, and every change to the account or the
session takes effect on the very next request."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from srm_trainer.accounts.backends import ModelBackend, load_user_with_role
from srm_trainer.accounts.models import Session
from srm_trainer.accounts.roles import AUTHENTICATOR_FLAG, INSTRUCTOR_FLAG, has_mfa, set_instructor
from tests.conftest import give_mfa

pytestmark = pytest.mark.django_db


def signed_in(client: Client) -> bool:
    return "Sign out" in client.get("/").content.decode()


def test_the_user_is_the_one_the_orm_loads_with_their_role(learner):
    learner.last_login = timezone.now()
    learner.save()
    for instructor in (False, True):
        set_instructor(user=learner, instructor=instructor)
        loaded = load_user_with_role(learner.pk)
        fresh = get_user_model().objects.get(pk=learner.pk)
        for field in get_user_model()._meta.concrete_fields:
            assert getattr(loaded, field.attname) == getattr(fresh, field.attname), field.name
        assert type(loaded.last_login) is type(fresh.last_login)
        assert loaded.is_active is True
        assert getattr(loaded, INSTRUCTOR_FLAG) is instructor
        assert loaded._state.adding is False


def test_the_user_is_loaded_with_whether_they_have_an_authenticator(learner):
    loaded = load_user_with_role(learner.pk)
    assert getattr(loaded, AUTHENTICATOR_FLAG) is False
    assert has_mfa(loaded) is has_mfa(learner) is False
    give_mfa(learner)
    loaded = load_user_with_role(learner.pk)
    assert getattr(loaded, AUTHENTICATOR_FLAG) is True
    assert has_mfa(loaded) is has_mfa(learner) is True


def test_an_unknown_or_deactivated_user_is_nobody(learner):
    assert load_user_with_role(learner.pk + 1000) is None
    learner.is_active = False
    learner.save()
    assert ModelBackend().get_user(learner.pk) is None


def test_a_deactivated_account_is_signed_out_on_its_next_request(learner):
    client = Client()
    client.force_login(learner)
    assert signed_in(client)
    get_user_model().objects.filter(pk=learner.pk).update(is_active=False)
    assert not signed_in(client)


def test_turning_an_account_off_ends_its_sessions_for_good(learner):
    """The admin's Active unticked ends the account's sessions: turned on again, a browser that
    was signed in then (a stolen cookie the admin meant to stop) is signed out, not let back."""
    client = Client()
    client.force_login(learner)
    pending = Client()
    pending.force_login(learner)
    assert signed_in(client)
    learner.is_active = False
    learner.save()  # as the admin's user page saves it
    assert not Session.objects.filter(account_id=learner.pk).exists()
    learner.is_active = True
    learner.save()
    assert not signed_in(client)
    assert not signed_in(pending)


def test_other_saves_of_an_active_account_keep_its_sessions(learner):
    client = Client()
    client.force_login(learner)
    learner.first_name = "Ada"
    learner.save()
    assert signed_in(client)


def test_a_password_changed_elsewhere_signs_this_session_out(learner):
    client = Client()
    client.force_login(learner)
    assert signed_in(client)
    learner.set_password("another-long-passphrase")
    learner.save()
    assert not signed_in(client)


def test_a_signed_out_session_cookie_no_longer_signs_in(learner):
    client = Client()
    client.force_login(learner)
    cookie = client.cookies["sessionid"].value
    client.post("/accounts/logout/")
    replay = Client()
    replay.cookies["sessionid"] = cookie
    assert not signed_in(replay)


def test_an_expired_session_is_nobody_and_a_live_one_keeps_its_data(learner):
    client = Client()
    client.force_login(learner)
    session = client.session
    session["kept"] = "value"
    session.save()
    assert signed_in(client)
    assert client.session["kept"] == "value"
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert not signed_in(client)


def test_a_malformed_session_cookie_is_nobody():
    client = Client()
    for value in ("short", "x" * 40, "' OR 1=1 --"):
        client.cookies["sessionid"] = value
        assert not signed_in(client)


def test_a_session_row_changed_in_the_database_is_checked_again(learner):
    """The data's signature is checked once per exact text: a row whose text changes (here,
    its signature forged) is refused on the very next request, even though its earlier text
    was seen and accepted."""
    client = Client()
    client.force_login(learner)
    assert signed_in(client)
    row = Session.objects.get()
    payload, _, _signature = row.session_data.rpartition(":")
    Session.objects.update(session_data=f"{payload}:{'A' * 43}")
    assert not signed_in(client)
    Session.objects.update(session_data=row.session_data)
    assert signed_in(client)


def test_session_data_verified_under_one_secret_key_is_not_taken_under_another(learner, settings):
    client = Client()
    client.force_login(learner)
    assert signed_in(client)
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    assert not signed_in(client)


def test_each_request_gets_its_own_copy_of_the_session_data(learner):
    from srm_trainer.sessions import SessionStore

    client = Client()
    client.force_login(learner)
    session = client.session
    session["kept"] = {"list": [1, 2]}
    session.save()
    data = Session.objects.get().session_data
    first = SessionStore().decode(data)
    first["kept"]["list"].append(3)
    assert SessionStore().decode(data)["kept"] == {"list": [1, 2]}


def test_an_accounts_sessions_are_deleted_by_whose_they_are_and_no_others(learner, other_learner):
    """`end_sessions_of` (closing an account ends its sessions): the account's sessions, live
    or expired, and nothing else: not another account's, nor a row with no account (here a
    forged one); no data is read, so nothing is remembered as verified."""
    from srm_trainer import sessions

    clients = {}
    for user in (learner, other_learner, learner, learner):
        client = Client()
        client.force_login(user)
        clients.setdefault(user.username, []).append(client)
    expired = clients["ada"][2].session.session_key
    Session.objects.filter(session_key=expired).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    forged = Session.objects.create(
        session_key="f" * 32,
        session_data="e30:1abc:" + "A" * 43,
        expire_date=timezone.now() + timedelta(days=1),
    )
    sessions._VERIFIED.clear()

    assert sessions.end_sessions_of(learner.pk) == 3
    assert not sessions._VERIFIED
    assert [signed_in(c) for c in clients["ada"]] == [False, False, False]
    assert signed_in(clients["grace"][0])
    left = set(Session.objects.values_list("session_key", flat=True))
    assert left == {clients["grace"][0].session.session_key, forged.session_key}
