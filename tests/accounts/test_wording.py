"""allauth's pages in the site's words: what a person reads on the password, e-mail and
two-factor pages, and in the messages after each action, comes from our catalogue
(locale/en/LC_MESSAGES/django.po), which re-words allauth's English."""

from __future__ import annotations

import ast
import gettext
import re
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import allauth
import django
import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core import mail
from django.urls import reverse

from tests.conftest import give_mfa, give_passkey, totp_secret_on

pytestmark = pytest.mark.django_db

CATALOGUE = Path(settings.BASE_DIR, "locale", "en", "LC_MESSAGES", "django")

# allauth's words that must not come back: Title Case, "contact us" with no one to contact,
# "email" where the site writes "e-mail".
STOCK = [
    "Password Reset",
    "Reset My Password",
    "contact us",
    "Bad Token",
    "Change Password",
    "Current Password",
    "New Password",
    "Email Addresses",
    "Make Primary",
    "Re-send Verification",
    "Add Email",
    "Two-Factor Authentication",
    "Authenticator App",
    "Security Key",
    "Recovery Codes",
    "Activate",
    "Deactivate",
    "Successfully",
    "Account Inactive",
]


@dataclass
class Seen:
    """What a person reads in a page's <main> (the messages are in it too), text collapsed."""

    title: str = ""
    h1: str = ""
    text: str = ""
    buttons: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    tabs: list[str] = field(default_factory=list)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.seen = Seen()
        self.open: list[str] = []  # the elements whose text is being collected
        self.parts: dict[str, list[str]] = {}
        self.in_main = False
        self.in_nav = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "main":
            self.in_main = True
        if tag == "nav" and attrs.get("aria-label") == "Your account":
            self.in_nav = True
        kind = {"title": "title", "h1": "h1", "button": "button", "label": "label"}.get(tag)
        if tag == "a" and "button" in (attrs.get("class") or "").split():
            kind = "button"
        if tag == "a" and self.in_nav:
            kind = "tab"
        if kind:
            self.open.append(kind)
            self.parts[kind] = []

    def handle_endtag(self, tag):
        if tag == "main":
            self.in_main = False
        if tag == "nav":
            self.in_nav = False
        kind = {"title": "title", "h1": "h1", "button": "button", "label": "label"}.get(tag)
        if tag == "a" and self.open and self.open[-1] in ("button", "tab"):
            kind = self.open[-1]
        if kind and self.open and self.open[-1] == kind:
            self.open.pop()
            said = _collapse("".join(self.parts.pop(kind)))
            if kind in ("title", "h1"):
                setattr(self.seen, kind, said)
            elif self.in_main or kind == "tab":
                {"button": self.seen.buttons, "label": self.seen.labels, "tab": self.seen.tabs}[
                    kind
                ].append(said)

    def handle_data(self, data):
        for kind in self.open:
            self.parts[kind].append(data)
        if self.in_main:
            self.seen.text += data


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _seen(response) -> Seen:
    assert response.status_code == 200, (response.status_code, response.get("Location"))
    reader = _Reader()
    reader.feed(response.content.decode())
    reader.seen.text = _collapse(reader.seen.text)
    return reader.seen


def _read(client, url: str) -> Seen:
    return _seen(client.get(url))


def _after(client, url: str, data: dict) -> Seen:
    """The page a form's answer leads to, with the message it left."""
    return _seen(client.post(url, data, follow=True))


def _code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def _none_of_the_stock_words(seen: Seen) -> None:
    said = " ".join([seen.title, seen.text, *seen.buttons, *seen.labels])
    for stock in STOCK:
        assert stock not in said, stock
    assert not re.search(r"\b[Ee]mail\b", said), said  # the site writes "e-mail"


# The catalogue itself


def _po_catalogue(path: Path) -> dict:
    """The .po's entries as gettext keeps them: msgid -> msgstr, and (msgid, n) -> msgstr[n]."""
    entries: dict = {}
    fields: dict[str, str] = {}
    last = ""

    def keep():
        if "msgid" not in fields:
            return
        if "msgid_plural" in fields:
            for key, value in fields.items():
                if key.startswith("msgstr["):
                    entries[(fields["msgid"], int(key[7:-1]))] = value
        else:
            entries[fields["msgid"]] = fields["msgstr"]

    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            fields[last] += ast.literal_eval(line)
            continue
        if keyword == "msgid":
            keep()
            fields = {}
        fields[keyword] = ast.literal_eval(rest)
        last = keyword
    keep()
    entries.pop("", None)  # the header
    return entries


def test_the_compiled_catalogue_says_what_its_source_says():
    """Nothing compiles the .po on a fresh clone: the committed .mo must be rebuilt with it
    (`make messages`)."""
    with open(f"{CATALOGUE}.mo", "rb") as compiled:
        mo = gettext.GNUTranslations(compiled)._catalog  # type: ignore[attr-defined]
    mo = {key: value for key, value in mo.items() if key != ""}
    assert mo == _po_catalogue(Path(f"{CATALOGUE}.po")), "run `make messages` and commit"


# Django's own msgids the catalogue re-words (the header says why each): an upgrade of Django
# that changes one is caught as allauth's are.
DJANGOS = {"Enter a valid email address."}


def test_every_phrase_we_re_word_is_one_allauth_still_uses():
    """After an allauth upgrade a changed msgid would silently bring its stock wording back
    (and after a Django upgrade, for the few of Django's re-worded)."""
    theirs = Path(allauth.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"
    allauths = {key if isinstance(key, str) else key[0] for key in _po_catalogue(theirs)}
    ours = {
        key if isinstance(key, str) else key[0] for key in _po_catalogue(Path(f"{CATALOGUE}.po"))
    }
    assert ours - allauths == DJANGOS
    djangos = Path(django.__file__).parent / "conf" / "locale" / "en" / "LC_MESSAGES" / "django.po"
    assert DJANGOS - set(_po_catalogue(djangos)) == set()


# A forgotten password


def test_the_reset_page_says_what_happens_and_promises_no_one_to_contact(client):
    seen = _read(client, "/accounts/password/reset/")
    assert seen.title == "Reset your password · SRM Trainer"
    assert seen.h1 == "Reset your password"
    assert "Type an e-mail address you added to your account" in seen.text
    assert "Only an address added to an account gets a link" in seen.text
    assert seen.labels == ["E-mail"]
    assert seen.buttons == ["Send me a reset link"]
    _none_of_the_stock_words(seen)


def test_resetting_through_the_link_in_words_and_a_used_link_says_what_to_do(client, learner):
    learner.email = "ada@example.com"
    learner.save()
    sent = _after(client, "/accounts/password/reset/", {"email": "ada@example.com"})
    assert sent.h1 == "Reset your password"
    assert "We have sent a message to that address" in sent.text
    assert "look in your spam folder" in sent.text
    _none_of_the_stock_words(sent)

    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mail.outbox[0].body)
    form = client.get(link.group(1), follow=True)
    seen = _seen(form)
    assert seen.h1 == "Change password"
    assert seen.labels == ["New password", "New password (again)"]
    assert seen.buttons[0] == "Change password"
    _none_of_the_stock_words(seen)

    form_url = form.redirect_chain[-1][0]
    new = "correct-horse-battery"
    done = _after(client, form_url, {"password1": new, "password2": new})
    assert done.h1 == "Password reset" and done.buttons == ["Sign in"]
    assert "Sign in with your new password." in done.text
    learner.refresh_from_db()
    assert learner.check_password(new)

    used = _seen(client.get(link.group(1), follow=True))
    assert used.h1 == "This reset link does not work"
    assert "It may have been used already, or be too old." in used.text
    assert "Ask for a new link, and use the one in the newest message." in used.text
    assert '<a href="/accounts/password/reset/">Ask for a new link</a>' in (
        client.get(link.group(1), follow=True).content.decode()
    )
    _none_of_the_stock_words(used)


def test_a_made_up_reset_link_says_what_to_do(client):
    seen = _read(client, "/accounts/password/reset/key/1-not-a-key/")
    assert seen.h1 == "This reset link does not work"
    assert "Ask for a new link" in seen.text
    _none_of_the_stock_words(seen)


# Password and e-mail, signed in


def test_the_password_page_labels_and_message(signed_in):
    seen = _read(signed_in, "/accounts/password/change/")
    assert seen.h1 == "Change password"
    assert seen.labels == ["Current password", "New password", "New password (again)"]
    assert seen.buttons == ["Change password"]
    new = "correct-horse-battery"
    data = {"oldpassword": "a-long-passphrase-1", "password1": new, "password2": new}
    after = _after(signed_in, "/accounts/password/change/", data)
    assert (
        "Your password is changed, and every other browser or device signed in to your "
        "account is signed out." in after.text
    )
    _none_of_the_stock_words(after)


def test_the_e_mail_page_spells_e_mail_as_its_tab_does(signed_in):
    seen = _read(signed_in, "/accounts/email/")
    assert "E-mail" in seen.tabs
    assert seen.h1 == "E-mail addresses"
    assert "No e-mail address yet: add one to be able to reset a forgotten password" in seen.text
    assert "Add an e-mail address" in seen.text
    assert seen.labels == ["E-mail"]
    assert seen.buttons == ["Add this address"]
    _none_of_the_stock_words(seen)


NOT_AN_ADDRESS = "That is not an e-mail address: type one such as name@example.com."


@pytest.mark.parametrize(
    ("url", "data", "signed"),
    [
        (
            "/accounts/signup/",
            {
                "username": "grace",
                "email": "grace-at-example",
                "password1": "correct-horse-42",
                "password2": "correct-horse-42",
            },
            False,
        ),
        ("/accounts/email/", {"action_add": "", "email": "ada@"}, True),
        ("/accounts/password/reset/", {"email": "not an address"}, False),
    ],
)
def test_an_address_that_is_not_one_is_refused_in_the_sites_words(
    request, client, url, data, signed
):
    """Django's "Enter a valid email address." was the one "email" left on the account
    forms, which write "e-mail" everywhere else: re-worded once, in the catalogue, for every
    form whose field checks an address."""
    seen = _seen((request.getfixturevalue("signed_in") if signed else client).post(url, data))
    assert NOT_AN_ADDRESS in seen.text
    _none_of_the_stock_words(seen)


def test_managing_e_mail_addresses_in_words(signed_in):

    added = _after(signed_in, "/accounts/email/", {"action_add": "", "email": "ada@example.com"})
    assert "Verification link sent to ada@example.com." in added.text
    assert "These e-mail addresses are on your account:" in added.text
    assert added.buttons == [
        "Make primary",
        "Send the verification link again",
        "Remove",
        "Add this address",
    ]
    _none_of_the_stock_words(added)

    primary = _after(
        signed_in, "/accounts/email/", {"action_primary": "", "email": "ada@example.com"}
    )
    assert "Primary e-mail address changed." in primary.text
    _after(signed_in, "/accounts/email/", {"action_add": "", "email": "lovelace@example.com"})
    refused = _after(
        signed_in, "/accounts/email/", {"action_remove": "", "email": "ada@example.com"}
    )
    assert (
        "ada@example.com is your primary address: make another address primary before removing it."
    ) in refused.text
    EmailAddress.objects.filter(email="ada@example.com").update(verified=True)
    unverified = _after(
        signed_in, "/accounts/email/", {"action_primary": "", "email": "lovelace@example.com"}
    )
    assert "Verify this address before making it primary." in unverified.text
    removed = _after(
        signed_in,
        "/accounts/email/",
        {"action_remove": "", "email": "lovelace@example.com", "confirmed": "1"},
    )
    assert "lovelace@example.com is removed from your account." in removed.text
    _none_of_the_stock_words(removed)


def test_removing_an_address_asks_first_without_a_script(signed_in, learner):
    """allauth's only question before Remove was a script's window.confirm(): a browser that
    suppresses it, or runs no JavaScript, removed the address at one press. Remove now opens
    a page that asks, and only its own button (a second submit) removes the address."""
    _after(signed_in, "/accounts/email/", {"action_add": "", "email": "ada@example.com"})
    _after(signed_in, "/accounts/email/", {"action_primary": "", "email": "ada@example.com"})
    _after(signed_in, "/accounts/email/", {"action_add": "", "email": "lovelace@example.com"})
    page = signed_in.get("/accounts/email/").content.decode()
    assert "account/js/account.js" not in page  # no window.confirm() asked on top of the page

    asked = signed_in.post(
        "/accounts/email/", {"action_remove": "", "email": "lovelace@example.com"}
    )
    seen = _seen(asked)
    assert asked.status_code == 200
    assert seen.title == "Remove an e-mail address · SRM Trainer"
    assert seen.h1 == "Remove an e-mail address"
    assert "Remove lovelace@example.com from your account?" in seen.text
    assert seen.buttons == ["Remove lovelace@example.com", "Keep it"]
    assert 'name="confirmed" value="1"' in asked.content.decode()
    assert EmailAddress.objects.filter(user=learner, email="lovelace@example.com").exists()
    _none_of_the_stock_words(seen)

    # The primary address is refused at once while there is another, as allauth does,
    # confirmed or not.
    for extra in ({}, {"confirmed": "1"}):
        refused = _after(
            signed_in,
            "/accounts/email/",
            {"action_remove": "", "email": "ada@example.com", **extra},
        )
        assert refused.h1 == "E-mail addresses"
        assert "ada@example.com is your primary address" in refused.text
    assert EmailAddress.objects.filter(user=learner, email="ada@example.com").exists()

    removed = _after(
        signed_in,
        "/accounts/email/",
        {"action_remove": "", "email": "lovelace@example.com", "confirmed": "1"},
    )
    assert "lovelace@example.com is removed from your account." in removed.text
    assert not EmailAddress.objects.filter(user=learner, email="lovelace@example.com").exists()

    # The last address (primary, and allauth lets it go since sign-in is by username) is
    # asked about too.
    last = _after(signed_in, "/accounts/email/", {"action_remove": "", "email": "ada@example.com"})
    assert last.h1 == "Remove an e-mail address"
    assert EmailAddress.objects.filter(user=learner, email="ada@example.com").exists()


def test_sending_the_verification_link_again_too_soon_says_none_was_sent(signed_in, mailoutbox):
    """allauth sends one link per address every few minutes; a second press reloaded the page
    with nothing said, as if it had worked (or as if the button were broken)."""
    _after(signed_in, "/accounts/email/", {"action_add": "", "email": "ada@example.com"})
    assert len(mailoutbox) == 1
    again = _after(signed_in, "/accounts/email/", {"action_send": "", "email": "ada@example.com"})
    assert len(mailoutbox) == 1
    assert (
        "No new link was sent: one went to ada@example.com a few minutes ago. Look for it "
        "(in the spam folder too), or ask again in a few minutes."
    ) in again.text


def test_the_buttons_on_an_address_already_verified_and_primary_say_so(
    signed_in, learner, mailoutbox
):
    """The page opens with the primary address chosen, so these are one press away. allauth
    mailed a verified address a new link, and "changed" the primary address to itself: its
    page said "Primary e-mail address changed." and the owner was mailed a false alarm."""

    EmailAddress.objects.create(user=learner, email="ada@example.com", verified=True, primary=True)
    chosen = {"email": "ada@example.com"}
    sent = _after(signed_in, "/accounts/email/", {"action_send": "", **chosen})
    assert "ada@example.com is verified already: no link is needed." in sent.text
    primary = _after(signed_in, "/accounts/email/", {"action_primary": "", **chosen})
    assert "ada@example.com is your primary address already." in primary.text
    assert "changed" not in primary.text
    assert mailoutbox == []


# Two-factor authentication


def test_the_two_factor_page_names_itself_as_its_tab_does(signed_in):
    seen = _read(signed_in, "/accounts/2fa/")
    assert seen.h1 == "Two-factor authentication"
    assert seen.h1 in seen.tabs
    assert "Authenticator app Off: no authenticator app is set up." in seen.text
    assert "Security keys You have not added a security key." in seen.text
    assert "Recovery codes None yet: they are made when you set up an authenticator app" in (
        seen.text
    )
    assert seen.buttons == ["Turn on", "Add"]
    _none_of_the_stock_words(seen)


def test_an_unverified_address_keeps_two_factor_off_and_says_what_to_do(signed_in, learner):

    EmailAddress.objects.create(user=learner, email="ada@example.com", primary=True)
    response = signed_in.get("/accounts/2fa/totp/activate/", follow=True)
    seen = _seen(response)
    assert (
        "Two-factor authentication can be turned on once every e-mail address on your account "
        "is verified: verify them, or remove the ones you do not use, on the E-mail page."
    ) in seen.text
    # The message names the page that fixes it, and now leads there (it named it only).
    assert (
        'verify them, or remove the ones you do not use, on the <a href="/accounts/email/">'
        "E-mail page</a>."
    ) in response.content.decode()
    # A security key, refused the same way, gets the same link.
    key = signed_in.get("/accounts/2fa/webauthn/add/", follow=True).content.decode()
    assert '<a href="/accounts/email/">E-mail page</a>' in key


@pytest.mark.django_db(transaction=True)  # allauth says "turned on" once the change commits
def test_turning_the_authenticator_app_on_and_off_in_words(signed_in, learner):
    response = signed_in.get("/accounts/2fa/totp/activate/")
    seen = _seen(response)
    assert seen.title == "Set up an authenticator app · SRM Trainer"
    assert seen.h1 == "Set up an authenticator app"
    assert "Scan this QR code with an authenticator app on your phone" in seen.text
    assert "Type it into the app if you cannot scan the QR code." in seen.text
    assert seen.buttons == ["Turn on"]
    _none_of_the_stock_words(seen)

    body = response.content.decode()
    secret = totp_secret_on(body)
    codes = _after(signed_in, "/accounts/2fa/totp/activate/", {"code": _code(secret)})
    assert "Authenticator app turned on." in codes.text
    assert codes.h1 == "Recovery codes"
    # The first set: no "earlier ones" to stop working (what a regenerated set says).
    assert (
        "Your recovery codes are made: keep them somewhere safe. Each one signs you in once if "
        "you lose your phone or security key."
    ) in codes.text
    assert "any earlier ones no longer work" not in codes.text
    on = _read(signed_in, "/accounts/2fa/")
    assert "On: signing in asks for a code from your authenticator app." in on.text
    assert "10 of your 10 recovery codes are still unused." in on.text
    assert on.buttons == ["Turn off", "Add", "View", "Download", "Generate"]
    _none_of_the_stock_words(on)

    seen = _read(signed_in, "/accounts/2fa/totp/deactivate/")
    assert seen.h1 == "Turn off the authenticator app"
    assert "Signing in will no longer ask for, or accept, a code from your authenticator app." in (
        seen.text
    )
    assert seen.buttons == ["Turn off"]
    off = _after(signed_in, "/accounts/2fa/totp/deactivate/", {})
    assert "Authenticator app turned off." in off.text
    assert not Authenticator.objects.filter(user=learner, type="totp").exists()


@pytest.mark.django_db(transaction=True)  # allauth says "made" once the change commits
def test_recovery_codes_in_words(signed_in, learner):
    give_mfa(learner)
    RecoveryCodes.activate(learner)
    seen = _read(signed_in, "/accounts/2fa/recovery-codes/")
    assert seen.h1 == "Recovery codes"
    assert "10 of your 10 recovery codes are still unused." in seen.text
    _none_of_the_stock_words(seen)

    seen = _read(signed_in, "/accounts/2fa/recovery-codes/generate/")
    assert seen.h1 == "Recovery codes"
    assert (
        "This makes a new set of recovery codes for your account. "
        "The codes you have now will stop working."
    ) in seen.text
    _none_of_the_stock_words(seen)
    made = _after(signed_in, "/accounts/2fa/recovery-codes/generate/", {})
    assert "New recovery codes made; any earlier ones no longer work." in made.text


def test_security_key_pages_in_words(signed_in, learner):
    key = give_passkey(learner, "Blue key")
    seen = _read(signed_in, "/accounts/2fa/webauthn/")
    assert seen.title == "Security keys · SRM Trainer"
    assert seen.h1 == "Security keys"
    assert "Blue key" in seen.text
    _none_of_the_stock_words(seen)

    seen = _read(signed_in, "/accounts/2fa/webauthn/add/")
    # The tab said "Security keys" over a page headed "Add a security key", and nothing said
    # what Add would do: a browser prompt is a surprise to someone who has never had one.
    assert seen.title == "Add a security key · SRM Trainer"
    assert seen.h1 == "Add a security key"
    assert (
        "Give the key a name, then press Add: your browser asks you to touch or unlock your "
        "security key, or to use a passkey"
    ) in seen.text
    assert "Security keys need JavaScript, which is off in this browser." in seen.text
    _none_of_the_stock_words(seen)

    seen = _read(signed_in, reverse("mfa_edit_webauthn", kwargs={"pk": key.pk}))
    assert seen.h1 == "Rename a security key"
    _none_of_the_stock_words(seen)

    remove_url = reverse("mfa_remove_webauthn", kwargs={"pk": key.pk})
    seen = _read(signed_in, remove_url)
    assert seen.h1 == "Remove a security key"
    assert "Signing in will no longer accept this key." in seen.text
    assert seen.buttons == ["Remove"]
    _none_of_the_stock_words(seen)
    removed = _after(signed_in, remove_url, {})
    assert "Security key removed." in removed.text


def test_confirm_its_you_names_the_other_ways_plainly(client, learner):
    give_mfa(learner)
    from tests.conftest import sign_in

    sign_in(client, learner)
    seen = _seen(client.get("/accounts/2fa/totp/deactivate/", follow=True))
    assert seen.h1 == "Confirm it's you"
    assert seen.buttons == [
        "Confirm with my password",
        "Use an authenticator app or a recovery code",
    ]


def test_a_wrong_current_password_is_called_wrong_not_missing(signed_in):
    """allauth said "Please type your current password." to someone who had typed one."""
    new = "correct-horse-battery"
    data = {"oldpassword": "not-my-password-1", "password1": new, "password2": new}
    seen = _after(signed_in, "/accounts/password/change/", data)
    assert "That is not your current password: nothing was changed." in seen.text
    assert "Please type your current password." not in seen.text


def test_a_wrong_password_at_confirm_its_you_says_so_as_the_password_page_does(client, learner):
    """allauth's "Incorrect password." was the one refusal on the account pages in other words."""
    from tests.conftest import sign_in

    sign_in(client, learner)
    page = client.post(
        "/accounts/reauthenticate/?next=/accounts/delete/", {"password": "not-my-password-1"}
    ).content.decode()
    assert "That is not your password: nothing was confirmed. Type it again." in page
    assert "Incorrect password." not in page


def test_the_reset_page_tells_someone_signed_in_where_to_change_a_known_password(signed_in):
    """Signed in, the reset page said allauth's "You are already logged in as ada.", "logged in"
    where the site says "signed in", and nothing of what to do instead."""
    seen = _read(signed_in, "/accounts/password/reset/")
    assert "You are signed in as ada. If you know your password, change it on" in seen.text
    assert "logged in" not in seen.text


def test_a_code_used_already_is_refused_saying_each_code_works_once(client, learner):
    """allauth said "Incorrect code." to the right code typed a second time (signing in again
    within its 30 s): people took it for a clock or a typing problem."""
    secret = give_mfa(learner)
    code = _code(secret)
    for expected in (302, 200):
        client.logout()
        response = client.post(
            "/accounts/login/", {"login": "ada", "password": "a-long-passphrase-1"}
        )
        answered = client.post(response["Location"], {"code": code})
        assert answered.status_code == expected
    said = _seen(answered).text
    assert "That code was not accepted: it is wrong, too old, or used already" in said
    assert "Incorrect code." not in said


def test_the_code_step_of_signing_in_says_which_codes_it_takes(client, learner):
    give_mfa(learner)
    response = client.post("/accounts/login/", {"login": "ada", "password": "a-long-passphrase-1"})
    seen = _read(client, response["Location"])
    assert seen.title == "Sign in · SRM Trainer"
    assert seen.h1 == "Two-factor authentication"
    assert (
        "Your account has two-factor authentication: type the code your authenticator app "
        "shows now, or one of your recovery codes."
    ) in seen.text
    assert seen.buttons[0] == "Sign in"
    _none_of_the_stock_words(seen)


def test_the_verification_link_page_in_words_and_a_bad_link_says_what_to_do(signed_in):
    signed_in.post("/accounts/email/", {"action_add": "", "email": "ada@example.com"})
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", mail.outbox[-1].body)
    seen = _read(signed_in, link.group(1))
    assert seen.title == "Verify your e-mail address · SRM Trainer"
    assert seen.h1 == "Verify your e-mail address"
    assert "Confirm that ada@example.com is your e-mail address, for the account ada." in seen.text
    _none_of_the_stock_words(seen)
    verified = _after(signed_in, link.group(1), {})
    assert "ada@example.com is verified." in verified.text

    used = _read(signed_in, link.group(1))
    assert used.h1 == "Verify your e-mail address"
    assert (
        "This verification link does not work: it may be too old, used already, or for an "
        "address since removed. Ask for a new one on your account's E-mail page."
    ) in used.text
    assert '<a href="/accounts/email/">E-mail page</a>' in (
        signed_in.get(link.group(1)).content.decode()
    )
    _none_of_the_stock_words(used)


def test_an_account_turned_off_is_told_what_happened_and_whom_to_ask(client, learner):
    """allauth's page said "Account Inactive. This account is inactive." and nothing more."""
    learner.is_active = False
    learner.save()
    seen = _after(client, "/accounts/login/", {"login": "ada", "password": "a-long-passphrase-1"})
    assert seen.title.startswith("Account turned off")
    assert "An administrator has turned this account off, so it cannot sign in." in seen.text
    assert "Its progress and work are kept." in seen.text
    assert "ask your instructor or whoever runs this site" in seen.text
    _none_of_the_stock_words(seen)
