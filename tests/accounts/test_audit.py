"""Who did what, when, from where: sign-ins, failures, MFA, role and content changes."""

from __future__ import annotations

import importlib
import re
import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from auditlog.models import LogEntry
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lessons.models import Layer
from srm_trainer.accounts import audit
from tests.conftest import give_mfa, totp_secret_on

pytestmark = pytest.mark.django_db

ADDR = "203.0.113.50"


def _events(**filters):
    return LogEntry.objects.filter(**filters).order_by("timestamp")


def test_a_sign_in_is_recorded_with_who_and_where(client, learner):
    client.post(
        "/accounts/login/", {"login": "ada", "password": "a-long-passphrase-1"}, REMOTE_ADDR=ADDR
    )
    entry = _events(additional_data__event="signed in").get()
    assert entry.actor == learner
    assert entry.object_repr == "ada"
    assert entry.remote_addr == ADDR


def test_a_sign_in_saves_last_login_and_reads_the_account_once(client, learner):
    """The audit log does not read the user again to compare fields a save of `last_login`
    cannot change; the sign-in is still the one entry written."""
    with CaptureQueriesContext(connection) as captured:
        response = client.post(
            "/accounts/login/", {"login": "ada", "password": "a-long-passphrase-1"}
        )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.last_login is not None
    reads = [q for q in captured if q["sql"].startswith('SELECT "auth_user"."id"')]
    assert len(reads) == 1  # the password check's; the audit log's diff read it a second time
    assert [e.changes_text for e in _events(object_pk=str(learner.pk))] == ["signed in"]
    # A change to a field the log keeps is still recorded, saved alone or with last_login.
    learner.is_active = False
    learner.save(update_fields=["is_active", "last_login"])
    assert _events(action=LogEntry.Action.UPDATE).get().changes_dict["is_active"] == [
        "True",
        "False",
    ]


def test_a_failed_sign_in_names_the_account_it_was_a_guess_at(client, learner):
    """Typed as sign-in finds it (exact, else ignoring case): the entry is about that account
    and names it by its username."""
    client.post("/accounts/login/", {"login": "ada", "password": "nope"}, REMOTE_ADDR=ADDR)
    client.post("/accounts/login/", {"login": "ADA", "password": "nope"}, REMOTE_ADDR=ADDR)
    failures = list(_events(additional_data__event="sign-in failed"))
    assert [(f.object_repr, f.object_pk, f.remote_addr) for f in failures] == [
        ("ada", str(learner.pk), ADDR),
        ("ada", str(learner.pk), ADDR),
    ]
    assert all(f.actor is None for f in failures)


def _text_of(entry) -> str:
    return " ".join(
        str(value)
        for value in (
            entry.object_repr,
            entry.object_pk,
            entry.changes_text,
            entry.changes,
            entry.additional_data,
            entry.actor_email,
        )
    )


def test_a_name_that_is_no_accounts_is_not_kept_but_repeats_still_show(client, learner):
    """What was typed may be a password in the wrong box or someone else's address: the entry
    keeps when, where from and "no such account", with a keyed digest by which the same name
    (in any case) shows up again, and another name does not."""
    typed = ["Tr0ub4dor&3-oops", "TR0UB4DOR&3-OOPS", "grace@example.org"]
    for name in typed:
        client.post(
            "/accounts/login/",
            {"login": name, "password": "nope"},
            REMOTE_ADDR=ADDR,
            HTTP_USER_AGENT="Browser/1",
        )
    failures = list(_events(additional_data__event="sign-in failed"))
    assert len(failures) == 3
    for entry in failures:
        text = _text_of(entry).lower()
        assert "tr0ub4dor" not in text and "grace" not in text and "example" not in text, text
        assert (entry.object_pk, entry.object_id, entry.actor_id) == ("", None, None)
        assert (entry.remote_addr, entry.additional_data["user_agent"]) == (ADDR, "Browser/1")
    digests = [entry.additional_data["name_digest"] for entry in failures]
    assert digests[0] == digests[1] != digests[2]
    assert all(re.fullmatch(r"[0-9a-f]{16}", digest) for digest in digests)
    assert [entry.object_repr for entry in failures] == [
        f"no such account (name #{digest})" for digest in digests
    ]
    assert digests[0] == audit.sign_in_name_digest("tr0ub4dor&3-oops")


def test_the_digest_is_keyed_with_the_sites_secret(settings):
    """Without the secret key, a list of likely names cannot be tried against the log."""
    before = audit.sign_in_name_digest("carol")
    settings.SECRET_KEY = "another-secret-key-for-another-site-0123456789"
    assert audit.sign_in_name_digest("carol") != before


def test_names_kept_before_are_replaced_by_their_digest():
    """The migration that came with the digest rewrites the entries written before it, with
    the digest new entries get; entries about an account are left as they are."""
    from django.apps import apps

    forget = importlib.import_module(
        "srm_trainer.accounts.migrations.0003_forget_unknown_sign_in_names"
    )
    old = audit._user_entry(None, event=audit.SIGN_IN_FAILED, object_pk="", object_repr="Carol")
    known = audit._user_entry(None, event=audit.SIGN_IN_FAILED, object_pk="7", object_repr="ada")
    forget.forget_names(apps, None)
    forget.forget_names(apps, None)  # again: nothing more changes
    old.refresh_from_db()
    known.refresh_from_db()
    digest = audit.sign_in_name_digest("carol")
    assert old.object_repr == f"no such account (name #{digest})"
    assert old.additional_data == {
        "event": "sign-in failed",
        "user_agent": "",
        "name_digest": digest,
    }
    assert "carol" not in _text_of(old).lower()
    assert (known.object_repr, known.additional_data.get("name_digest")) == ("ada", None)


def test_a_forwarded_for_header_does_not_change_the_recorded_address(client, learner):
    client.post(
        "/accounts/login/",
        {"login": "ada", "password": "nope"},
        REMOTE_ADDR=ADDR,
        HTTP_X_FORWARDED_FOR="10.9.9.9",
    )
    assert _events(additional_data__event="sign-in failed").get().remote_addr == ADDR


def test_adding_and_removing_an_authenticator_is_recorded_without_its_secret(learner):
    give_mfa(learner)
    from allauth.mfa.models import Authenticator

    Authenticator.objects.filter(user=learner).delete()
    entries = _events(content_type__model="authenticator")
    assert [e.action for e in entries] == [LogEntry.Action.CREATE, LogEntry.Action.DELETE]
    assert all(set(e.changes_dict) <= {"type"} for e in entries)
    assert "totp" in str(entries[0].changes_dict)


def test_an_authenticator_reset_in_the_admin_names_whose_it_was(admin_client, learner):
    """allauth names an authenticator by its kind alone: the log said the superuser deleted
    "TOTP Authenticator", not whose."""
    give_mfa(learner)
    from allauth.mfa.models import Authenticator

    key = Authenticator.objects.get(user=learner, type=Authenticator.Type.TOTP)
    admin_client.post(f"/admin/mfa/authenticator/{key.pk}/delete/", {"post": "yes"})
    assert not Authenticator.objects.filter(pk=key.pk).exists()
    entries = _events(content_type__model="authenticator", object_pk=str(key.pk))
    assert [(e.action, e.object_repr) for e in entries] == [
        (LogEntry.Action.CREATE, "TOTP Authenticator of ada"),
        (LogEntry.Action.DELETE, "TOTP Authenticator of ada"),
    ]


def test_turning_on_an_authenticator_app_records_who_did_it_and_from_where(signed_in, learner):
    """Signed in with the password just confirmed (`signed_in`); the forms that get there are
    tested in test_mfa.py."""
    page = signed_in.get("/accounts/2fa/totp/activate/").content.decode()
    secret = totp_secret_on(page)
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    signed_in.post("/accounts/2fa/totp/activate/", {"code": code}, REMOTE_ADDR=ADDR)
    added = _events(content_type__model="authenticator", action=LogEntry.Action.CREATE)
    assert {e.changes_dict["type"][1] for e in added} == {"totp", "recovery_codes"}
    assert {(e.actor, e.remote_addr) for e in added} == {(learner, ADDR)}
    assert all(secret not in str(e.changes) for e in added)


def test_a_refused_two_factor_code_is_recorded(client, staff):
    give_mfa(staff)
    client.post(
        "/accounts/login/", {"login": "admin", "password": "a-long-passphrase-3"}, REMOTE_ADDR=ADDR
    )
    client.post("/accounts/2fa/authenticate/", {"code": "000000"}, REMOTE_ADDR=ADDR)
    entry = _events(additional_data__event="two-factor code refused").get()
    assert (entry.object_repr, entry.remote_addr) == ("admin", ADDR)


def test_regenerating_recovery_codes_is_recorded(
    signed_in, learner, django_capture_on_commit_callbacks
):
    give_mfa(learner)
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    RecoveryCodes.activate(learner)
    with django_capture_on_commit_callbacks(execute=True):  # allauth signals after commit
        response = signed_in.post("/accounts/2fa/recovery-codes/generate/", {})
    assert response["Location"] == "/accounts/2fa/recovery-codes/"
    entry = _events(additional_data__event="authenticator reset: recovery_codes").get()
    assert entry.actor == learner


def test_role_changes_are_recorded(learner):
    call_command("make_instructor", "ada")
    call_command("make_admin", "ada")
    groups = _events(
        content_type__model="user", object_pk=str(learner.pk), changes__has_key="groups"
    )
    assert [e.changes_dict["groups"]["objects"] for e in groups] == [
        ["Instructors"],
        ["Administrators"],
    ]
    staff = _events(
        content_type__model="user", object_pk=str(learner.pk), action=LogEntry.Action.UPDATE
    ).exclude(changes__has_key="groups")
    assert staff.get().changes_dict["is_staff"] == ["False", "True"]


def test_a_content_change_in_the_admin_records_the_editor_and_address(client, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="a-long-passphrase-7")
    give_mfa(root)
    client.force_login(root)
    layer = Layer.objects.create(slug="data", name="Data", order=1)
    response = client.post(
        f"/admin/lessons/layer/{layer.pk}/change/",
        {"slug": "data", "name": "Customer data", "description": "", "order": 1},
        REMOTE_ADDR=ADDR,
    )
    assert response.status_code == 302
    change = _events(content_type__model="layer", action=LogEntry.Action.UPDATE).get()
    assert change.actor == root
    assert change.remote_addr == ADDR
    assert change.changes_dict["name"] == ["Data", "Customer data"]
    assert change.cid is None  # the request named no correlation id


def test_a_content_change_carries_the_requests_correlation_id(client, django_user_model):
    """django-auditlog's correlation id (AUDITLOG_CID_HEADER) joins the entries of one request;
    the next request without the header sets none."""
    root = django_user_model.objects.create_superuser("root", password="a-long-passphrase-7")
    give_mfa(root)
    client.force_login(root)
    layer = Layer.objects.create(slug="data", name="Data", order=1)
    change = f"/admin/lessons/layer/{layer.pk}/change/"
    form = {"slug": "data", "description": "", "order": 1}
    client.post(change, {**form, "name": "Customer data"}, HTTP_X_CORRELATION_ID="trace-42")
    client.post(change, {**form, "name": "Data"})
    entries = _events(content_type__model="layer", action=LogEntry.Action.UPDATE)
    assert [entry.cid for entry in entries] == ["trace-42", None]


def test_admins_read_the_log_but_cannot_change_it(client, learner):
    client.post("/accounts/login/", {"login": "ada", "password": "nope"}, REMOTE_ADDR=ADDR)
    client.post("/accounts/login/", {"login": "no-such-name", "password": "x"}, REMOTE_ADDR=ADDR)
    entry = _events(additional_data__event="sign-in failed").first()
    call_command("make_admin", "ada")
    give_mfa(learner)
    client.force_login(learner)
    listing = client.get("/admin/auditlog/logentry/").content.decode()
    assert "sign-in failed" in listing
    assert "no such account (name #" in listing and "no-such-name" not in listing
    assert ADDR in listing
    assert client.get(f"/admin/auditlog/logentry/{entry.pk}/change/").status_code == 200
    assert client.post(f"/admin/auditlog/logentry/{entry.pk}/delete/").status_code == 403
    assert client.get("/admin/auditlog/logentry/add/").status_code == 403
    assert LogEntry.objects.filter(pk=entry.pk).exists()
