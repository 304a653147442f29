"""The e-mails allauth sends, in the site's words (locale/en/LC_MESSAGES/django.po and the
adapter): each flow is run through the real pages, and what arrives in Django's outbox is read
as its reader reads it. The links in them still do their work."""

from __future__ import annotations

import html
import json
import re
import time
from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from tests.conftest import give_mfa, give_passkey, passkey_registration, totp_secret_on

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"

# allauth's own words, which must not come back: Title Case, "contact us" with no one to
# contact, "email" where the site writes "e-mail", the host named as if it were the site.
STOCK = [
    "contact us",
    "Hello from testserver",
    "Thank you for using",
    "Please Confirm",
    "Password Reset",
    "Password Changed",
    "Security Key",
    "Recovery Codes",
    "Two-Factor",
    "Authenticator App",
    "precautions",
    "Unspecified",
    "[testserver]",
]


def _read(message) -> str:
    """The mail as its reader sees it: subject, then body; one text part, and no HTML part
    (none is sent) that could say something else."""
    assert message.from_email == "SRM Trainer <noreply@localhost>"
    assert getattr(message, "alternatives", []) == []
    said = f"{message.subject}\n{message.body}"
    for stock in STOCK:
        assert stock not in said, stock
    words = re.sub(r"http://\S+", "", said)  # a link may hold "confirm-email"
    assert not re.search(r"\b[Ee]mail\b", words), said  # the site writes "e-mail"
    assert message.subject.endswith(" · SRM Trainer"), message.subject
    assert message.body.startswith("Hello from SRM Trainer.\n")
    assert message.body.endswith("\nSRM Trainer, testserver")
    return said


def _only(to: str):
    """The one message sent, to `to`; the outbox is emptied for the next step."""
    assert [m.to for m in mail.outbox] == [[to]], [(m.to, m.subject) for m in mail.outbox]
    message = mail.outbox.pop()
    _read(message)
    return message


def _link(message, path: str) -> str:
    found = re.search(rf"^http://testserver({re.escape(path)}\S*/)$", message.body, re.M)
    assert found, message.body
    return found.group(1)


def _primary(user, address: str = "ada@example.com") -> None:
    EmailAddress.objects.create(user=user, email=address, primary=True, verified=True)


def _code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


# Links that do their work


def test_the_reset_mail_says_what_it_is_and_its_link_resets_the_password(client, learner):
    _primary(learner)
    client.post("/accounts/password/reset/", {"email": "ada@example.com"})
    message = _only("ada@example.com")
    assert message.subject == "Your link to choose a new password · SRM Trainer"
    assert (
        "Someone asked for a link to choose a new password for your account. If it was not "
        "you, ignore this message: your password stays as it is."
    ) in message.body
    assert (
        "If it was you, open this link to choose a new password (it works once, for 3 days):"
        in (message.body)
    )
    assert "Your username is ada: you sign in with it, not with this address." in message.body

    form = client.get(_link(message, "/accounts/password/reset/key/"), follow=True)
    new = "correct-horse-battery"
    client.post(form.redirect_chain[-1][0], {"password1": new, "password2": new})
    learner.refresh_from_db()
    assert learner.check_password(new)

    # ... and the owner is told it was reset, in the words every change is told in.
    told = _only("ada@example.com")
    assert told.subject == "Your password was reset · SRM Trainer"
    assert "Your password was changed with a reset link sent by e-mail." in told.body
    _says_what_to_do_if_it_was_not_them(told)


def test_a_reset_asked_for_an_unknown_address_says_none_has_it(client, learner):
    client.post("/accounts/password/reset/", {"email": "stranger@example.com"})
    message = _only("stranger@example.com")
    assert message.subject == "No account has this e-mail address · SRM Trainer"
    assert (
        "Someone asked for a link to choose a new password for the account with the e-mail "
        "address stranger@example.com, but no account on this site has that address."
    ) in message.body
    assert "If it was not you, ignore this message." in message.body
    assert "an account without one cannot have its password reset." in message.body
    assert client.get(_link(message, "/accounts/signup")).status_code == 200


def test_the_mail_after_sign_up_verifies_the_address(client):
    client.post(
        "/accounts/signup/",
        {
            "username": "grace",
            "email": "grace@example.com",
            "password1": "a-long-passphrase-7",
            "password2": "a-long-passphrase-7",
        },
    )
    message = _only("grace@example.com")
    assert message.subject == "Verify your e-mail address · SRM Trainer"
    assert "The account grace on testserver gave this e-mail address as its own." in message.body
    assert "If the address is yours, open this link to verify it (it works for 3 days):" in (
        message.body
    )
    assert "If it is not yours, ignore this message: the address stays unverified." in (
        message.body
    )

    link = _link(message, "/accounts/confirm-email/")
    assert client.post(link).status_code == 302
    assert EmailAddress.objects.get(email="grace@example.com").verified


def test_an_address_added_later_is_verified_by_its_mail(signed_in):
    signed_in.post("/accounts/email/", {"action_add": "", "email": "ada@example.com"})
    message = _only("ada@example.com")
    assert message.subject == "Verify your e-mail address · SRM Trainer"
    assert "The account ada on testserver gave this e-mail address as its own." in message.body
    verified = signed_in.post(_link(message, "/accounts/confirm-email/"))
    assert EmailAddress.objects.get(email="ada@example.com").verified
    # Back to the E-mail page, where the address now shows as verified (not the home page).
    assert verified.status_code == 302 and verified["Location"] == "/accounts/email/"


# A change to an account, told to its primary address


def _says_what_to_do_if_it_was_not_them(message) -> None:
    body = message.body
    assert body.index("This change was just made to your account:") < body.index(
        "If it was you, there is nothing more to do."
    )
    assert (
        "If it was not you, someone else can get into your account. Choose a new password "
        'now: on the site\'s sign-in page, follow "Forgot your password?" and type an e-mail '
        'address that is still on your account. Then sign in, open "Account" at the top of '
        "the page, and remove any e-mail address, authenticator app or security key you did "
        "not add."
    ) in body
    assert "- from the network address 127.0.0.1\n" in body
    assert re.search(r"\n- in the browser (Mozilla/5\.0 .*|that sent no name)\n", body), body
    assert re.search(r"\n- at \d{1,2} [A-Z][a-z]+ \d{4}, \d\d:\d\d UTC\n", body), body


def _told(message, subject: str, line: str) -> None:
    assert message.subject == f"{subject} · SRM Trainer"
    assert f"This change was just made to your account:\n\n{line}\n" in message.body
    _says_what_to_do_if_it_was_not_them(message)


def test_a_changed_password_is_told_with_the_browser_it_was_changed_in(signed_in, learner):
    _primary(learner)
    new = "correct-horse-battery"
    signed_in.post(
        "/accounts/password/change/",
        {"oldpassword": "a-long-passphrase-1", "password1": new, "password2": new},
        HTTP_USER_AGENT=BROWSER,
    )
    message = _only("ada@example.com")
    _told(message, "Your password was changed", "Your password was changed.")
    assert f"- in the browser {BROWSER}\n" in message.body


# An account with no password and no second factor has nothing to confirm it is itself with, so
# allauth's "Confirm it's you" (ACCOUNT_REAUTHENTICATION_REQUIRED) stops it at the set-password
# page; no page of the site makes such an account (sign-up and a reset link set a password):
# the mail's words are what this test reads.
@override_settings(ACCOUNT_REAUTHENTICATION_REQUIRED=False)
def test_a_password_set_where_there_was_none_is_told(signed_in, learner):
    _primary(learner)
    learner.set_unusable_password()
    learner.save()
    from tests.conftest import sign_in

    sign_in(signed_in, learner)  # the session follows the password
    new = "correct-horse-battery"
    signed_in.post("/accounts/password/set/", {"password1": new, "password2": new})
    message = _only("ada@example.com")
    _told(message, "A password was set for your account", "A password was set for your account.")
    assert "in the browser that sent no name" in message.body


def test_changing_and_removing_addresses_is_told(signed_in, learner):
    _primary(learner)
    EmailAddress.objects.create(user=learner, email="lovelace@example.com", verified=True)

    signed_in.post("/accounts/email/", {"action_primary": "", "email": "lovelace@example.com"})
    # Told at the address it was, where the owner still reads.
    _told(
        _only("ada@example.com"),
        "Your primary e-mail address was changed",
        "Your primary e-mail address was changed from ada@example.com to "
        "lovelace@example.com: messages about your account now go there.",
    )

    signed_in.post(
        "/accounts/email/", {"action_remove": "", "email": "ada@example.com", "confirmed": "1"}
    )
    _told(
        _only("lovelace@example.com"),
        "An e-mail address was removed from your account",
        "ada@example.com was removed from your account.",
    )


@pytest.mark.django_db(transaction=True)  # allauth mails these once the change commits
def test_the_authenticator_app_and_recovery_codes_are_told(signed_in, learner):
    _primary(learner)
    page = signed_in.get("/accounts/2fa/totp/activate/").content.decode()
    secret = totp_secret_on(page)
    signed_in.post("/accounts/2fa/totp/activate/", {"code": _code(secret)})
    _told(
        _only("ada@example.com"),
        "An authenticator app was set up for your account",
        "Authenticator app turned on.",
    )

    signed_in.post("/accounts/2fa/recovery-codes/generate/")
    _told(
        _only("ada@example.com"),
        "New recovery codes were made for your account",
        "A new set of recovery codes was made for your account; the earlier ones no longer work.",
    )

    signed_in.post("/accounts/2fa/totp/deactivate/")
    _told(
        _only("ada@example.com"),
        "The authenticator app was turned off for your account",
        "Authenticator app turned off.",
    )


@pytest.mark.django_db(transaction=True)
def test_security_keys_added_and_removed_are_told(signed_in, learner, settings):
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True  # the test client's http://testserver
    _primary(learner)
    give_mfa(learner)  # a key is added beside an app (a first one would also make codes)
    page = signed_in.get("/accounts/2fa/webauthn/add/").content.decode()
    data = re.search(r'<script id="js_data" type="application/json">(.*?)</script>', page, re.S)
    challenge = json.loads(data.group(1))["creation_options"]["publicKey"]["challenge"]
    from fido2.utils import websafe_decode

    registration = passkey_registration(learner, "Blue key", websafe_decode(challenge))
    added = signed_in.post(
        "/accounts/2fa/webauthn/add/", {"name": "Blue key", "credential": json.dumps(registration)}
    )
    assert added.status_code == 302, added.content.decode()
    _told(
        _only("ada@example.com"),
        "A security key was added to your account",
        "A security key was added to your account.",
    )

    key = Authenticator.objects.get(user=learner, type="webauthn")
    signed_in.post(reverse("mfa_remove_webauthn", kwargs={"pk": key.pk}))
    _told(
        _only("ada@example.com"),
        "A security key was removed from your account",
        "A security key was removed from your account.",
    )


def test_nothing_is_mailed_to_an_account_without_an_address(signed_in, learner):
    """Learners may leave the address out: a change is then told to no one, and nothing fails."""
    give_passkey(learner, "Blue key")
    new = "correct-horse-battery"
    response = signed_in.post(
        "/accounts/password/change/",
        {"oldpassword": "a-long-passphrase-1", "password1": new, "password2": new},
    )
    assert response.status_code == 302
    assert mail.outbox == []


# An address that is another account's


def _sign_up_with(client, address: str) -> None:
    client.post(
        "/accounts/signup/",
        {
            "username": "mallory",
            "email": address,
            "password1": "a-long-passphrase-9",
            "password2": "a-long-passphrase-9",
        },
    )


def test_an_address_another_account_verified_gets_no_link_but_the_way_back(client, learner):
    """Sign-up cannot refuse an address in use without saying so; its owner was mailed a link
    to verify it for the new account, which could only fail ("another account has verified it
    already"). The owner is told the address is on an account, with the reset page."""
    _primary(learner)
    _sign_up_with(client, "ada@example.com")
    message = _only("ada@example.com")
    assert message.subject == "This e-mail address is on an account already · SRM Trainer"
    assert "confirm-email" not in message.body
    assert (
        "Someone gave the e-mail address ada@example.com to a new or other account on this "
        "site. The address is already verified on an account here"
    ) in message.body
    assert "If it was not you, ignore this message: nothing changed on your account." in (
        message.body
    )
    assert client.get(_link(message, "/accounts/password/reset")).status_code == 200
    # The new account is told what it would be told of any address: nothing to tell them apart.
    page = client.get("/accounts/email/").content.decode()
    assert "ada@example.com" in page


def test_an_address_added_that_another_account_verified_gets_no_link(signed_in, other_learner):
    EmailAddress.objects.create(user=other_learner, email="grace@example.com", verified=True)
    response = signed_in.post(
        "/accounts/email/", {"action_add": "", "email": "grace@example.com"}, follow=True
    )
    assert "Verification link sent to grace@example.com." in response.content.decode()
    message = _only("grace@example.com")
    assert message.subject == "This e-mail address is on an account already · SRM Trainer"


def test_an_unverified_address_gets_its_link_even_if_another_account_gave_it(client, learner):
    """Two accounts may give one address neither verified: each still gets its link."""
    EmailAddress.objects.create(user=learner, email="shared@example.com", primary=True)
    _sign_up_with(client, "shared@example.com")
    message = _only("shared@example.com")
    assert message.subject == "Verify your e-mail address · SRM Trainer"


def test_no_change_note_of_one_account_goes_to_another_accounts_address(client, learner):
    """The new account's primary address is the other owner's (unverified on it): its
    password change said to that owner "someone else can get into your account"."""
    _primary(learner)
    _sign_up_with(client, "ada@example.com")
    mail.outbox.clear()
    new = "correct-horse-battery"
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": "a-long-passphrase-9", "password1": new, "password2": new},
    )
    assert response.status_code == 302
    assert mail.outbox == []


def test_a_change_note_still_goes_to_an_unverified_address_no_one_else_has(client):
    _sign_up_with(client, "mallory@example.com")
    mail.outbox.clear()
    new = "correct-horse-battery"
    client.post(
        "/accounts/password/change/",
        {"oldpassword": "a-long-passphrase-9", "password1": new, "password2": new},
    )
    _told(_only("mallory@example.com"), "Your password was changed", "Your password was changed.")


# A recovery code used


def _sign_in_with_recovery_code(client, learner) -> list[str]:
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    give_mfa(learner)
    codes = RecoveryCodes.activate(learner).get_unused_codes()
    client.post("/accounts/login/", {"login": "ada", "password": "a-long-passphrase-1"})
    client.post("/accounts/2fa/authenticate/", {"code": codes[0]})
    return _said(client, learner)


def _said(client, learner) -> str:
    """The next page's text (its messages first), signed in as `learner`."""
    text = html.unescape(client.get("/accounts/email/").content.decode())
    assert re.search(rf"Signed in as\s*(<[^>]+>)?{learner.username}\b", text), text
    return text


def test_a_recovery_code_used_to_sign_in_is_told_with_how_many_are_left(client, learner):
    """allauth told no one: codes someone else had read were used unnoticed, and an owner down
    to the last codes was not told to make more."""
    _primary(learner)
    said = _sign_in_with_recovery_code(client, learner)
    assert "You used a recovery code. You have 9 recovery codes left." in said
    _told(
        _only("ada@example.com"),
        "A recovery code was used for your account",
        "A recovery code was used to sign in. 9 unused codes left: a new set is made under "
        '"Account", "Two-factor authentication".',
    )


def test_the_last_recovery_codes_ask_for_a_new_set(client, learner):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    codes = RecoveryCodes.activate(learner)
    for code in codes.get_unused_codes()[:8]:
        assert codes.validate_code(code)
    give_mfa(learner)
    client.post("/accounts/login/", {"login": "ada", "password": "a-long-passphrase-1"})
    last_but_one = codes.get_unused_codes()[0]
    client.post("/accounts/2fa/authenticate/", {"code": last_but_one})
    said = _said(client, learner)
    assert (
        "You used a recovery code. You have 1 recovery code left: make a new set soon, under "
        'Account, "Two-factor authentication".'
    ) in said
    assert mail.outbox == []  # no address on the account: told on the page only


def test_an_authenticator_app_code_is_not_told_as_a_recovery_code(client, learner):
    _primary(learner)
    secret = give_mfa(learner)
    client.post("/accounts/login/", {"login": "ada", "password": "a-long-passphrase-1"})
    client.post("/accounts/2fa/authenticate/", {"code": _code(secret)})
    assert "You used a recovery code" not in _said(client, learner)
    assert mail.outbox == []


# Links too old


def test_the_links_work_for_as_long_as_the_mails_say(settings):
    """The mails say "for 3 days"; a change to either setting must change them too."""
    assert settings.PASSWORD_RESET_TIMEOUT == 3 * 24 * 60 * 60
    assert settings.ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS == 3


def test_a_reset_link_older_than_3_days_says_so_and_where_to_ask_again(client, learner):
    _primary(learner)
    client.post("/accounts/password/reset/", {"email": "ada@example.com"})
    link = _link(_only("ada@example.com"), "/accounts/password/reset/key/")
    with time_machine.travel(timezone.now() + timedelta(days=3, minutes=1)):
        page = client.get(link, follow=True).content.decode()
    assert "This reset link does not work" in page
    assert "It may have been used already, or be too old." in page
    assert 'href="/accounts/password/reset/"' in page


def test_a_verification_link_older_than_3_days_says_so_and_where_to_ask_again(signed_in):
    signed_in.post("/accounts/email/", {"action_add": "", "email": "ada@example.com"})
    link = _link(_only("ada@example.com"), "/accounts/confirm-email/")
    with time_machine.travel(timezone.now() + timedelta(days=3, minutes=1)):
        page = html.unescape(signed_in.get(link).content.decode())
        signed_in.post(link)
    assert "This verification link does not work: it may be too old" in page
    assert not EmailAddress.objects.get(email="ada@example.com").verified


# Closing the account


def test_closing_the_account_is_told_once_at_its_verified_address(signed_in, learner):
    """The one change to an account nobody was told of; the mail is the last the site sends."""
    _primary(learner)
    EmailAddress.objects.create(user=learner, email="unproven@example.com")  # never verified
    assert signed_in.post("/accounts/delete/", {"username": "ada"})["Location"] == "/"
    message = _only("ada@example.com")
    assert message.subject == "Your account was closed · SRM Trainer"
    assert re.search(
        r"The account ada was closed by its owner at \d{1,2} [A-Z][a-z]+ \d{4}, \d\d:\d\d UTC, "
        r"from the network address 127\.0\.0\.1\.",
        message.body,
    ), message.body
    assert "this is the last message it sends here." in message.body
    assert "a closed account cannot be restored." in message.body
    assert signed_in.get(_link(message, "/accounts/signup")).status_code == 200


def test_closing_an_account_whose_address_was_never_verified_mails_no_one(signed_in, learner):
    EmailAddress.objects.create(user=learner, email="ada@example.com", primary=True)
    assert signed_in.post("/accounts/delete/", {"username": "ada"})["Location"] == "/"
    assert mail.outbox == []
