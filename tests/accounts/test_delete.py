"""'Delete my account': who may, the password asked again, and what goes and what stays."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q

from cohorts import services as cohort_services
from srm_trainer.accounts import closing, export
from srm_trainer.accounts.closing import REFUSED_WHILE
from srm_trainer.accounts.roles import ADMINISTRATORS
from tests.accounts.history import give_history, teacher
from tests.conftest import give_mfa, sign_in

pytestmark = pytest.mark.django_db

URL = "/accounts/delete/"


def _rows_of(user_pk: int) -> dict[str, int]:
    """How many rows of each model in export's registry point at the account."""
    counts = {}
    for key in [*export.EXPORTED, *export.NOT_EXPORTED]:
        label, field = key.rsplit(".", 1)
        model = apps.get_model(label)
        counts[key] = model._default_manager.filter(**{f"{field}_id": user_pk}).count()
    return counts


def _mentions(text: str):
    return LogEntry.objects.filter(
        Q(object_repr__contains=text)
        | Q(actor_email__contains=text)
        | Q(changes_text__contains=text)
        | Q(changes__icontains=text)
        | Q(additional_data__icontains=text)
    )


@pytest.fixture
def histories(learner, other_learner):
    turing = teacher()
    return give_history(learner, "ada", teacher=turing), give_history(
        other_learner, "grace", teacher=turing
    )


def test_every_field_that_points_at_an_account_lets_it_be_deleted():
    """Deleting an account takes its rows (CASCADE) or forgets it in them (SET_NULL); a field
    that would stop the delete (PROTECT) must be one `closing.refusal` checks first."""
    from django.apps import apps

    user_model = get_user_model()
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is user_model:
                key = f"{model._meta.label}.{field.name}"
                on_delete = field.remote_field.on_delete
                assert on_delete in (models.CASCADE, models.SET_NULL) or key in REFUSED_WHILE, key


def test_the_page_says_what_goes_and_what_stays(signed_in):
    page = signed_in.get(URL).content.decode()
    assert "verification links stop working" in page
    assert "cohort memberships" in page and "quiz attempt" in page
    assert "What stays" in page and "no name, no address" in page
    assert "signed out of this browser and of every other phone or computer" in page
    assert '<label for="id_username">Type your username to confirm</label>' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert '<button type="submit" class="button button-danger">' in page


def test_deleting_removes_the_learners_rows_and_leaves_others_intact(
    signed_in, histories, learner, other_learner
):
    ada, grace = histories
    ada_pk = learner.pk
    graces_before = _rows_of(other_learner.pk)
    assert all(_rows_of(ada_pk)[key] for key in ("quizzes.Attempt.user", "mfa.Authenticator.user"))

    response = signed_in.post(URL, {"username": "ada"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert not get_user_model().objects.filter(pk=ada_pk).exists()
    assert set(_rows_of(ada_pk).values()) == {0}
    assert _rows_of(other_learner.pk) == graces_before
    # signed out, and told so on the home page
    home = signed_in.get("/").content.decode()
    assert "The account ada is closed" in home
    assert signed_in.get("/accounts/data/")["Location"].startswith("/accounts/login/")
    # the certificate's public link no longer vouches for it; grace's still does
    assert signed_in.get(f"/certificates/{ada.certificate.code}/").status_code == 404
    assert signed_in.get(f"/certificates/{grace.certificate.code}/").status_code == 200


def test_the_security_log_keeps_one_line_without_a_name(signed_in, histories, learner, staff):
    from django.contrib.contenttypes.models import ContentType

    from lessons.models import Lesson

    ada_pk = learner.pk
    # something ada changed as a former instructor, with her e-mail and address
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(Lesson),
        object_pk="1",
        object_repr="A lesson",
        action=LogEntry.Action.UPDATE,
        actor=learner,
        actor_email="ada@example.com",
        remote_addr="203.0.113.9",
    )
    graces = _mentions("grace").count()
    assert _mentions("ada").exists() and graces

    assert signed_in.post(URL, {"username": "ada"}).status_code == 302
    assert not _mentions("ada").exists()
    assert not LogEntry.objects.filter(remote_addr="203.0.113.9", object_repr="ada").exists()
    (closed,) = LogEntry.objects.filter(changes_text=closing.ACCOUNT_CLOSED)
    assert (closed.object_pk, closed.actor_id, closed.remote_addr) == (str(ada_pk), None, None)
    assert closed.object_repr == f"closed account #{ada_pk}"
    (edit,) = LogEntry.objects.filter(object_repr="A lesson")
    assert (edit.actor_id, edit.actor_email, edit.remote_addr) == (None, None, None)
    assert _mentions("grace").count() == graces


def test_the_instructors_pages_still_open_after_a_learner_goes(
    client, signed_in, histories, other_learner
):
    ada, grace = histories
    turing = ada.cohort.owner
    give_mfa(turing)
    # both learners in one cohort, so its gradebook counts two, then one
    cohort_services.cohort_join(cohort=ada.cohort, user=other_learner)
    assignment = ada.cohort.assignments.get()
    type(assignment.quiz).objects.filter(pk=assignment.quiz_id).update(owner=turing)  # its stats
    teach = type(client)()
    sign_in(teach, turing)
    pages = [
        f"/teach/cohorts/{ada.cohort.pk}/",
        f"/teach/cohorts/{ada.cohort.pk}/people/",
        f"/teach/cohorts/{ada.cohort.pk}/gradebook.csv",
        f"/teach/cohorts/{ada.cohort.pk}/answers.csv",
        f"/teach/cohorts/{ada.cohort.pk}/quizzes/{assignment.quiz_id}/statistics/",
        f"/teach/cohorts/{ada.cohort.pk}/assignments/{assignment.pk}/",
        f"/teach/quizzes/{assignment.quiz_id}/statistics/",
    ]
    before = {url: teach.get(url) for url in pages}
    assert {url: r.status_code for url, r in before.items()} == dict.fromkeys(pages, 200)
    gradebook = b"".join(before[pages[2]].streaming_content).decode()
    assert "ada" in gradebook and "grace" in gradebook

    assert signed_in.post(URL, {"username": "ada"}).status_code == 302
    after = {url: teach.get(url) for url in pages}
    assert {url: r.status_code for url, r in after.items()} == dict.fromkeys(pages, 200)
    gradebook = b"".join(after[pages[2]].streaming_content).decode()
    assert "ada" not in gradebook and "grace" in gradebook


def test_a_wrong_username_deletes_nothing_and_says_so(signed_in, learner):
    response = signed_in.post(URL, {"username": "ad"})
    assert response.status_code == 400
    assert "This is not your username; nothing was deleted." in response.content.decode()
    assert get_user_model().objects.filter(pk=learner.pk).exists()


def test_an_empty_confirmation_says_what_to_type(signed_in, learner):
    """Sent empty, the confirmation said only "This field is required.": it now says what to
    type there, and that nothing was deleted."""
    response = signed_in.post(URL, {"username": "  "})
    assert response.status_code == 400
    body = response.content.decode()
    assert (
        f"Type your username, {learner.get_username()}, to delete your account; nothing was" in body
    )
    assert "This field is required." not in body
    assert get_user_model().objects.filter(pk=learner.pk).exists()


def test_the_password_is_asked_again_before_the_page_opens(client, learner):
    sign_in(client, learner)  # signed in long ago: no recent confirmation
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/?next=%2Faccounts%2Fdelete%2F")
    response = client.post(URL, {"username": "ada"})
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert get_user_model().objects.filter(pk=learner.pk).exists()
    # a wrong password does not let it through
    wrong = client.post("/accounts/reauthenticate/?next=/accounts/delete/", {"password": "no"})
    assert wrong.status_code == 200
    # Said in the site's words (allauth's was "Confirm Access"), the way on kept for the retry.
    body = wrong.content.decode()
    assert (
        "<h1>Confirm it's you</h1>" in body
        and "That is not your password: nothing was confirmed." in body
    )
    assert 'name="next" value="/accounts/delete/"' in body
    assert get_user_model().objects.filter(pk=learner.pk).exists()


def test_the_confirmed_password_lets_the_delete_through(client, learner):
    sign_in(client, learner)
    client.get(URL)
    response = client.post(
        "/accounts/reauthenticate/?next=/accounts/delete/", {"password": "a-long-passphrase-1"}
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/delete/"
    assert client.get(URL).status_code == 200
    assert client.post(URL, {"username": "ada"})["Location"] == "/"
    assert not get_user_model().objects.filter(pk=learner.pk).exists()


def _refused(role: str, learner):
    if role == "staff":
        learner.is_staff = True
        learner.save()
        learner.groups.add(Group.objects.get(name=ADMINISTRATORS))
    elif role == "superuser":
        learner.is_staff = learner.is_superuser = True
        learner.save()
    elif role == "instructor":
        from srm_trainer.accounts.roles import set_instructor

        set_instructor(user=learner, instructor=True)
    else:  # a former instructor who still owns a cohort
        cohort_services.cohort_create(owner=learner, name="Old class")
    give_mfa(learner)


@pytest.mark.parametrize(
    ("role", "says"),
    [
        ("staff", "Staff accounts are not closed from this page"),
        ("superuser", "Staff accounts are not closed from this page"),
        ("instructor", "Instructor accounts are not closed from this page"),
        ("cohort owner", "You still own 1 cohort (“Old class”)"),
    ],
)
def test_staff_instructors_and_cohort_owners_are_refused_and_told_why(role, says, client, learner):
    _refused(role, learner)
    sign_in(client, learner)  # no recent password: the refusal comes before asking for it
    page = client.get(URL)
    assert page.status_code == 200
    text = page.content.decode()
    assert says in text and "administrators" in text
    assert 'name="username"' not in text  # no form to fill in
    response = client.post(URL, {"username": "ada"})
    assert response.status_code == 403 and says in response.content.decode()
    assert get_user_model().objects.filter(pk=learner.pk).exists()


def test_a_refusal_found_inside_the_transaction_changes_nothing(learner, monkeypatch):
    """A cohort made between the page and the delete: the foreign key's PROTECT stops it, and
    the account keeps its security log too."""
    from srm_trainer.accounts import audit

    audit.record_sign_in(request=None, user=learner)
    cohort_services.cohort_create(owner=learner, name="Made meanwhile")
    monkeypatch.setattr(closing, "refusal", lambda user: None)
    with pytest.raises(closing.Refused, match="still depends on this account"):
        closing.close_account(learner)
    assert get_user_model().objects.filter(pk=learner.pk).exists()
    assert LogEntry.objects.filter(object_repr="ada", changes_text="signed in").exists()


def test_a_delete_sent_before_the_password_was_confirmed_goes_through_after_it(client, learner):
    """allauth keeps the POST while it asks for the password, then sends it on: the person
    had typed their username and pressed Delete; confirming the password completes it."""
    sign_in(client, learner)
    asked = client.post(URL, {"username": "ada"})
    assert asked["Location"].startswith("/accounts/reauthenticate/")
    response = client.post(asked["Location"], {"password": "a-long-passphrase-1"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert not get_user_model().objects.filter(pk=learner.pk).exists()
    assert "The account ada is closed" in client.get("/").content.decode()


def test_a_name_tried_before_the_account_existed_is_not_theirs_and_not_kept(
    client, django_user_model
):
    """ "carol" typed at sign-in before anyone had the name: the entry keeps only a digest of
    it, so it is not in carol's data and does not name her after she closes the account. A
    guess at her password once the account exists is hers: in her export, gone with it."""
    login = "/accounts/login/"
    client.post(login, {"login": "carol", "password": "x"}, REMOTE_ADDR="198.51.100.7")
    carol = django_user_model.objects.create_user("carol", password="a-long-passphrase-5")
    client.post(login, {"login": "Carol", "password": "x"}, REMOTE_ADDR="198.51.100.8")
    events = export.export_data(carol)["security"]["events"]
    assert [(e["object"], e["address"]) for e in events if e["event"] == "sign-in failed"] == [
        ("carol", "198.51.100.8")
    ]

    closing.close_account(carol)
    assert not _mentions("carol").exists()
    (before,) = LogEntry.objects.filter(changes_text="sign-in failed")
    assert before.remote_addr == "198.51.100.7"
    assert before.object_repr.startswith("no such account (name #")


def _session_rows_naming(user_pk: int) -> list[str]:
    """Keys of session rows (expired or not) signed in as the account, or half way through
    signing in as it (allauth keeps the pending account's number in base 36)."""
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils.http import int_to_base36

    from srm_trainer.accounts.models import Session

    reader = SessionStore()
    found = []
    for key, data in Session.objects.values_list("session_key", "session_data"):
        held = reader.decode(data)
        pending = held.get("account_login") or {}
        if held.get("_auth_user_id") == str(user_pk) or (
            pending.get("user_pk") == int_to_base36(user_pk)
        ):
            found.append(key)
    return found


def test_closing_ends_the_accounts_sessions_on_every_device(client, learner, other_learner):
    """ada signed in on a laptop and a phone, grace on hers: closing from the laptop signs the
    phone out at once, and no session row names ada any more; grace stays signed in."""
    from django.test import Client

    phone, graces = Client(), Client()
    for browser, username, password in [
        (client, "ada", "a-long-passphrase-1"),
        (phone, "ada", "a-long-passphrase-1"),
        (graces, "grace", "a-long-passphrase-2"),
    ]:
        signed = browser.post("/accounts/login/", {"login": username, "password": password})
        assert signed.status_code == 302
        assert browser.get("/accounts/data/").status_code == 200
    ada_pk = learner.pk
    assert len(_session_rows_naming(ada_pk)) == 2

    reauthenticated = client.post("/accounts/reauthenticate/", {"password": "a-long-passphrase-1"})
    assert reauthenticated.status_code == 302
    assert client.post(URL, {"username": "ada"})["Location"] == "/"

    assert _session_rows_naming(ada_pk) == []
    assert phone.get("/accounts/data/")["Location"].startswith("/accounts/login/")
    assert graces.get("/accounts/data/").status_code == 200
    assert len(_session_rows_naming(other_learner.pk)) == 1


def test_closing_ends_a_sign_in_waiting_for_its_second_factor(signed_in, client, learner):
    """A browser that was given the password and waits for the code: its session holds the
    account's number (allauth's pending sign-in) and goes with the account."""
    from django.test import Client

    give_mfa(learner)
    halfway = Client()
    asked = halfway.post("/accounts/login/", {"login": "ada", "password": "a-long-passphrase-1"})
    assert asked["Location"] == "/accounts/2fa/authenticate/"
    waiting = halfway.cookies["sessionid"].value
    assert waiting in _session_rows_naming(learner.pk)

    assert signed_in.post(URL, {"username": "ada"})["Location"] == "/"
    assert _session_rows_naming(learner.pk) == []
    page = halfway.get("/accounts/2fa/authenticate/")
    assert page.status_code == 302 and page["Location"].startswith("/accounts/login/")


def test_a_refused_close_keeps_the_accounts_sessions(learner, monkeypatch, client):
    """Refused inside the transaction (a cohort made meanwhile): the sessions stay too."""
    client.post("/accounts/login/", {"login": "ada", "password": "a-long-passphrase-1"})
    cohort_services.cohort_create(owner=learner, name="Made meanwhile")
    monkeypatch.setattr(closing, "refusal", lambda user: None)
    with pytest.raises(closing.Refused):
        closing.close_account(learner)
    assert len(_session_rows_naming(learner.pk)) == 1
    assert client.get("/accounts/data/").status_code == 200
