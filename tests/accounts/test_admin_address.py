"""A superuser's change of an account's e-mail address in the admin (srm_trainer/accounts/
addresses.py): allauth's records follow it, the owner is told, the audit log keeps it. The
admin's box set `User.email` alone, so the account's E-mail page, the notes and the reset links
each went by a different address."""

from __future__ import annotations

import html
import re

import pytest
from allauth.account.internal.flows.login import record_authentication
from allauth.account.models import EmailAddress
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import RequestFactory

from srm_trainer.accounts.addresses import (
    ADDRESS_REMOVED_BY_ADMIN,
    CHANGED_BY_ADMIN,
    REMOVED_BY_ADMIN,
    PrimaryAddress,
    remove_address,
    set_address,
)
from tests.conftest import give_mfa, sign_in

pytestmark = pytest.mark.django_db

OLD = "ada@example.com"
NEW = "lovelace@example.net"


@pytest.fixture
def root(db):
    user = get_user_model().objects.create_superuser("root", password="a-long-passphrase-8")
    give_mfa(user)
    return user


@pytest.fixture
def admin_request(root):
    request = RequestFactory().post("/admin/auth/user/1/change/", REMOTE_ADDR="198.51.100.7")
    request.user = root
    return request


def _addresses(user) -> set[tuple[str, bool, bool]]:
    """(address, verified, primary) for each of the account's addresses in allauth's records."""
    return set(EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary"))


def _verified(user, address: str = OLD) -> None:
    EmailAddress.objects.create(user=user, email=address, verified=True, primary=True)
    user.email = address
    user.save()


def _sent(mailoutbox) -> dict[str, list[str]]:
    """Each address mailed, with the subjects it got."""
    sent: dict[str, list[str]] = {}
    for message in mailoutbox:
        for to in message.to:
            sent.setdefault(to, []).append(message.subject)
    return sent


def test_a_new_address_becomes_primary_unverified_and_the_old_one_stays(
    admin_request, learner, root, mailoutbox
):
    _verified(learner)
    said = set_address(request=admin_request, user=learner, email="Lovelace@Example.NET")

    learner.refresh_from_db()
    assert learner.email == NEW
    assert _addresses(learner) == {(NEW, False, True), (OLD, True, False)}
    assert EmailAddress.objects.get_primary_email(learner) == NEW
    assert said == (
        f"ada's e-mail address is now {NEW}, unverified: a link to verify it was sent there. "
        f"ada was told at {OLD}, which stays on the account as a second address."
    )
    assert _sent(mailoutbox) == {
        NEW: ["Verify your e-mail address · SRM Trainer"],
        OLD: ["Your primary e-mail address was changed · SRM Trainer"],
    }
    note = next(m for m in mailoutbox if m.to == [OLD]).body
    assert "An administrator of the site made this change to your account, ada:" in note
    assert (
        f"Your primary e-mail address was changed from {OLD} to {NEW}: messages about your "
        "account now go there."
    ) in note
    assert f"{NEW} is not verified yet: a link to verify it was sent there." in note
    assert f"make {OLD} your primary address again and remove {NEW}." in note
    # Not the note of the owner's own change: nobody got into the account, and the browser
    # and network address were the administrator's.
    assert "someone else can get into your account" not in note
    assert "198.51.100.7" not in note
    assert "Email" not in note and "email" not in note.replace("/confirm-email/", "")

    entry = LogEntry.objects.get(additional_data__event=CHANGED_BY_ADMIN)
    assert (entry.actor, entry.object_repr, entry.remote_addr) == (root, "ada", "198.51.100.7")
    assert entry.changes_dict == {"email": [OLD, NEW]}


def test_the_owner_verifies_the_new_address_by_its_link_and_can_go_back_to_the_old(
    admin_request, learner, client, mailoutbox
):
    """The link sent to the new address verifies it, as an address the owner added; and the
    old, verified address may be made primary again on the account's E-mail page."""
    _verified(learner)
    set_address(request=admin_request, user=learner, email=NEW)
    sign_in(client, learner)
    page = client.get("/accounts/email/").content.decode()
    assert NEW in page and OLD in page

    link = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", mailoutbox[0].body)[1]
    assert client.post(link).status_code == 302
    assert _addresses(learner) == {(NEW, True, True), (OLD, True, False)}

    # allauth asks the owner to confirm it's them first (the password, as here, or a code).
    request = RequestFactory().get("/")
    request.session = client.session
    record_authentication(request, learner, method="password", reauthenticated=True)
    request.session.save()
    client.post("/accounts/email/", {"action_primary": "", "email": OLD})
    learner.refresh_from_db()
    assert learner.email == OLD
    assert _addresses(learner) == {(NEW, True, False), (OLD, True, True)}


def test_a_reset_link_still_reaches_the_old_address(admin_request, learner, client, mailoutbox):
    _verified(learner)
    set_address(request=admin_request, user=learner, email=NEW)
    mailoutbox.clear()
    client.post("/accounts/password/reset/", {"email": OLD})
    assert [m.to for m in mailoutbox] == [[OLD]]
    assert "/accounts/password/reset/key/" in mailoutbox[0].body


def test_an_address_the_owner_verified_on_the_account_stays_verified(
    admin_request, learner, mailoutbox
):
    _verified(learner)
    EmailAddress.objects.create(user=learner, email=NEW, verified=True, primary=False)
    said = set_address(request=admin_request, user=learner, email=NEW)
    assert _addresses(learner) == {(NEW, True, True), (OLD, True, False)}
    assert said.startswith(f"ada's e-mail address is now {NEW} (its owner verified it already).")
    assert _sent(mailoutbox) == {OLD: ["Your primary e-mail address was changed · SRM Trainer"]}
    assert f"You verified {NEW} on this account before." in mailoutbox[0].body


def test_a_first_address_is_only_sent_its_link(admin_request, learner, mailoutbox):
    said = set_address(request=admin_request, user=learner, email=NEW)
    assert _addresses(learner) == {(NEW, False, True)}
    assert (
        said
        == f"ada's e-mail address is now {NEW}, unverified: a link to verify it was sent there."
    )
    assert _sent(mailoutbox) == {NEW: ["Verify your e-mail address · SRM Trainer"]}
    entry = LogEntry.objects.get(additional_data__event=CHANGED_BY_ADMIN)
    assert entry.changes_dict == {"email": ["", NEW]}


def test_an_address_allauth_had_no_record_of_is_kept_and_told(admin_request, learner, mailoutbox):
    """An account made with an address outside allauth (`createsuperuser`, the shell) had it in
    `User.email` alone: it stays on the account, unverified as it was, and is told."""
    learner.email = OLD
    learner.save()
    set_address(request=admin_request, user=learner, email=NEW)
    assert _addresses(learner) == {(NEW, False, True), (OLD, False, False)}
    assert _sent(mailoutbox)[OLD] == ["Your primary e-mail address was changed · SRM Trainer"]


def test_the_same_address_in_another_case_is_no_change(admin_request, learner, mailoutbox):
    _verified(learner)
    assert set_address(request=admin_request, user=learner, email=OLD.upper()) == ""
    assert _addresses(learner) == {(OLD, True, True)}
    assert mailoutbox == []
    assert not LogEntry.objects.filter(additional_data__event=CHANGED_BY_ADMIN).exists()


def test_clearing_the_address_removes_every_address_and_tells_each(
    admin_request, learner, client, mailoutbox
):
    _verified(learner)
    EmailAddress.objects.create(user=learner, email=NEW, verified=True, primary=False)
    said = set_address(request=admin_request, user=learner, email="")

    learner.refresh_from_db()
    assert learner.email == ""
    assert _addresses(learner) == set()
    assert said == (
        "ada has no e-mail address now: nothing is mailed to the account. "
        f"Removed and told so: {OLD}, {NEW}."
    )
    subject = "An e-mail address was removed from your account · SRM Trainer"
    assert _sent(mailoutbox) == {OLD: [subject], NEW: [subject]}
    note = next(m for m in mailoutbox if m.to == [OLD]).body
    assert f"{OLD} was removed from your account." in note
    assert "Your account has no e-mail address now" in note
    entry = LogEntry.objects.get(additional_data__event=REMOVED_BY_ADMIN)
    assert entry.changes_dict == {"email": [f"{OLD}, {NEW}", ""]}

    mailoutbox.clear()  # a reset asked for the old address finds no account now
    client.post("/accounts/password/reset/", {"email": OLD})
    assert "/accounts/password/reset/key/" not in mailoutbox[0].body


def test_clearing_an_account_without_an_address_does_nothing(admin_request, learner, mailoutbox):
    assert set_address(request=admin_request, user=learner, email="") == ""
    assert mailoutbox == []
    assert not LogEntry.objects.filter(additional_data__event=REMOVED_BY_ADMIN).exists()


# Through the admin's user page


def _form(user, **changes) -> dict:
    return {
        "username": user.username,
        "email": user.email,
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
        **changes,
    }


def test_a_superuser_changes_an_address_in_the_admin(client, root, learner, mailoutbox):
    _verified(learner)
    sign_in(client, root)
    url = f"/admin/auth/user/{learner.pk}/change/"
    page = client.get(url).content.decode()
    assert "becomes the account's primary one, unverified" in page  # the box says so

    response = client.post(url, _form(learner, email=NEW, first_name="Ada"), follow=True)
    assert response.redirect_chain[-1][0] == "/admin/auth/user/"
    learner.refresh_from_db()
    assert (learner.email, learner.first_name) == (NEW, "Ada")
    assert _addresses(learner) == {(NEW, False, True), (OLD, True, False)}
    assert f"ada was told at {OLD}" in response.content.decode()
    assert set(_sent(mailoutbox)) == {NEW, OLD}
    assert LogEntry.objects.get(additional_data__event=CHANGED_BY_ADMIN).actor == root

    # Saving the page again, address unchanged, sends nothing and records nothing more.
    mailoutbox.clear()
    client.post(url, _form(learner, first_name="Augusta"))
    assert mailoutbox == []
    assert LogEntry.objects.filter(additional_data__event=CHANGED_BY_ADMIN).count() == 1


def test_a_superuser_clears_an_address_in_the_admin(client, root, learner, mailoutbox):
    _verified(learner)
    sign_in(client, root)
    response = client.post(f"/admin/auth/user/{learner.pk}/change/", _form(learner, email=""))
    assert response.status_code == 302
    assert _addresses(learner) == set()
    assert _sent(mailoutbox) == {
        OLD: ["An e-mail address was removed from your account · SRM Trainer"]
    }


def test_the_admin_refuses_an_address_another_account_verified(
    client, root, learner, other_learner, mailoutbox
):
    _verified(learner)
    EmailAddress.objects.create(user=other_learner, email=NEW, verified=True, primary=True)
    sign_in(client, root)
    response = client.post(
        f"/admin/auth/user/{learner.pk}/change/", _form(learner, email=NEW.upper())
    )
    assert response.status_code == 200
    assert f"The account grace has verified {NEW}: an address belongs to one account." in (
        response.content.decode()
    )
    learner.refresh_from_db()
    assert learner.email == OLD
    assert _addresses(learner) == {(OLD, True, True)}
    assert mailoutbox == []


def test_the_admin_refuses_an_address_past_the_most_an_account_keeps(client, root, learner):
    """A change keeps the old address on the account: at `ACCOUNT_MAX_EMAIL_ADDRESSES` it would
    be one more, which the E-mail page refuses its owner (and drew whole)."""
    _verified(learner)
    most = settings.ACCOUNT_MAX_EMAIL_ADDRESSES
    EmailAddress.objects.bulk_create(
        EmailAddress(user=learner, email=f"ada{n}@example.com") for n in range(most - 1)
    )
    sign_in(client, root)
    url = f"/admin/auth/user/{learner.pk}/change/"
    response = client.post(url, _form(learner, email=NEW))
    assert response.status_code == 200
    assert f"This account has {most} e-mail addresses already, the most an account keeps" in (
        _text(response)
    )
    learner.refresh_from_db()
    assert learner.email == OLD and EmailAddress.objects.filter(user=learner).count() == most
    # One of its own addresses may become the primary one.
    assert client.post(url, _form(learner, email="ada1@example.com")).status_code == 302


# allauth's "E-mail addresses" page: read-only, second addresses removed through remove_address

ADDRESSES = "/admin/account/emailaddress/"


def _text(response) -> str:
    """A page's HTML as one line, its entities read (an apostrophe in a message is &#x27;)."""
    return " ".join(html.unescape(response.content.decode()).split())


def _row(user, address: str) -> EmailAddress:
    return EmailAddress.objects.get(user=user, email=address)


def test_the_address_page_shows_an_address_without_boxes_and_says_where_to_change_it(
    client, root, learner
):
    _verified(learner)
    sign_in(client, root)
    row = _row(learner, OLD)
    page = _text(client.get(f"{ADDRESSES}{row.pk}/change/"))
    for name in ("email", "primary", "verified", "user"):
        assert f'name="{name}"' not in page
    assert OLD in page
    assert f'href="/admin/auth/user/{learner.pk}/change/"' in page
    assert "type it in the “Email address” box of the account’s user page" in page
    assert "A primary address cannot be deleted here" in page
    listing = _text(client.get(ADDRESSES))
    assert 'href="/admin/auth/user/"' in listing and "the owner is told" in listing
    assert f"{ADDRESSES}add/" not in listing


def test_the_address_page_refuses_an_edit_that_would_leave_the_account_another_address(
    client, root, learner, mailoutbox
):
    """Its save changed allauth's record alone: the user page and `User.email` kept the old
    address, and nobody was told."""
    _verified(learner)
    sign_in(client, root)
    row = _row(learner, OLD)
    edit = {"user": learner.pk, "email": NEW, "primary": "on", "verified": "on"}
    assert client.post(f"{ADDRESSES}{row.pk}/change/", edit).status_code == 403
    assert client.post(f"{ADDRESSES}add/", {**edit, "primary": ""}).status_code == 403
    learner.refresh_from_db()
    assert learner.email == OLD
    assert _addresses(learner) == {(OLD, True, True)}
    assert mailoutbox == []


def test_a_second_address_deleted_on_the_address_page_is_told_and_recorded(
    client, root, learner, mailoutbox
):
    _verified(learner)
    second = EmailAddress.objects.create(user=learner, email=NEW, verified=True)
    sign_in(client, root)
    response = client.post(f"{ADDRESSES}{second.pk}/delete/", {"post": "yes"}, follow=True)
    assert response.redirect_chain[-1][0] == ADDRESSES
    assert f"Removed {NEW} from ada's account; ada was told at {OLD}." in _text(response)
    learner.refresh_from_db()
    assert learner.email == OLD
    assert _addresses(learner) == {(OLD, True, True)}
    assert _sent(mailoutbox) == {
        OLD: ["An e-mail address was removed from your account · SRM Trainer"]
    }
    note = mailoutbox[0].body
    assert f"{NEW} was removed from your account." in note
    assert f"Your account keeps {OLD}:" in note and "no e-mail address now" not in note
    entry = LogEntry.objects.get(additional_data__event=ADDRESS_REMOVED_BY_ADMIN)
    assert (entry.actor, entry.object_repr) == (root, "ada")
    assert entry.changes_dict == {"addresses": [f"{OLD}, {NEW}", OLD]}


def test_the_primary_address_cannot_be_deleted_on_the_address_page(
    client, root, learner, mailoutbox
):
    """Deleting it left `User.email` naming an address the account no longer had."""
    _verified(learner)
    second = EmailAddress.objects.create(user=learner, email=NEW, verified=True)
    primary = _row(learner, OLD)
    sign_in(client, root)
    assert client.post(f"{ADDRESSES}{primary.pk}/delete/", {"post": "yes"}).status_code == 403

    chosen = {"action": "delete_selected", "_selected_action": [primary.pk, second.pk]}
    response = client.post(ADDRESSES, chosen, follow=True)
    assert f"Nothing was deleted: {OLD} (ada) is an account's primary address." in (_text(response))
    response = client.post(ADDRESSES, {**chosen, "post": "yes"}, follow=True)
    assert _addresses(learner) == {(OLD, True, True), (NEW, True, False)}
    assert mailoutbox == []


def test_second_addresses_selected_in_the_list_are_deleted_after_confirming(
    client, root, learner, other_learner, mailoutbox
):
    _verified(learner)
    _verified(other_learner, "grace@example.com")
    first = EmailAddress.objects.create(user=learner, email=NEW)
    other = EmailAddress.objects.create(user=other_learner, email="hopper@example.com")
    sign_in(client, root)
    chosen = {"action": "delete_selected", "_selected_action": [first.pk, other.pk]}
    confirm = client.post(ADDRESSES, chosen)
    assert confirm.status_code == 200 and "Are you sure" in confirm.content.decode()
    assert mailoutbox == []
    client.post(ADDRESSES, {**chosen, "post": "yes"})
    assert _addresses(learner) == {(OLD, True, True)}
    assert _addresses(other_learner) == {("grace@example.com", True, True)}
    assert set(_sent(mailoutbox)) == {OLD, "grace@example.com"}
    assert LogEntry.objects.filter(additional_data__event=ADDRESS_REMOVED_BY_ADMIN).count() == 2


def test_an_address_is_still_marked_verified_on_the_address_page(client, root, learner):
    _verified(learner)
    second = EmailAddress.objects.create(user=learner, email=NEW)
    sign_in(client, root)
    client.post(ADDRESSES, {"action": "make_verified", "_selected_action": [second.pk]})
    assert _addresses(learner) == {(OLD, True, True), (NEW, True, False)}


def test_remove_address_refuses_the_address_user_email_names(admin_request, learner, mailoutbox):
    """An address only `User.email` calls primary (an account whose rows say none is) is the
    account's address all the same."""
    learner.email = OLD
    learner.save()
    row = EmailAddress.objects.create(user=learner, email=OLD, primary=False)
    with pytest.raises(PrimaryAddress):
        remove_address(request=admin_request, address=row)
    assert EmailAddress.objects.filter(pk=row.pk).exists()
    assert mailoutbox == []
