"""allauth's sign-up form, saying before the first try what a username may hold; its sign-in
form, saying what "remember me" means; its forms that set a password, saying a mistyped second
password even when the first is refused; the confirmation of closing an account; the pages that
ask only for a code or the password again, opening on its field; the security-key forms, saying
a refused key's answer above the form and never failing on one made up."""

from __future__ import annotations

import re

from allauth.account import forms as allauth_forms
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.mfa.base import forms as mfa_forms
from allauth.mfa.models import Authenticator
from allauth.mfa.webauthn import forms as mfa_webauthn_forms
from allauth.mfa.webauthn.forms import AddWebAuthnForm as AllauthAddWebAuthnForm
from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext

from lessons import shown_names
from srm_trainer.labels import PlainLabels
from srm_trainer.typed_text import LimitsOnServer

# allauth's own words for two passwords that differ (its msgid, so a catalogue can re-word it).
MISMATCH = "You must type the same password each time."


class BothPasswordsChecked(LimitsOnServer, forms.Form):
    """allauth compares the two passwords only when the first passes its rules (a refused
    field leaves `cleaned_data`): a password too short and a different second one were refused
    one at a time, the mismatch only on the next try. Here both are said at once. The second
    password is compared with the first as typed (allauth's password fields keep spaces)."""

    def clean(self) -> dict | None:
        cleaned = super().clean()
        wrong_first = self.has_error("password1") and "password2" in self.fields
        if wrong_first and not self.has_error("password2"):
            first = self["password1"].value()
            second = self.cleaned_data.get("password2")
            if first and second and first != second:
                self.add_error("password2", gettext(MISMATCH))
        return cleaned


USERNAME_HELP = "Letters a-z and A-Z, digits and @ . + - _ only; up to 150 characters."


class SignupForm(BothPasswordsChecked, AllauthSignupForm):
    """The username rule (`adapter.clean_username`) was only said once it refused a name."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].help_text = USERNAME_HELP


# Said after a refused sign-in whose name looks like an e-mail address: people give one at
# sign-up and type it here, and the site signs in by username only. It depends on what was
# typed alone, so it says nothing of whether an account has the address.
BY_USERNAME = (
    "If you typed your e-mail address: you sign in with your username, not your address. "
    '"Forgot your password?" mails a link to your address, and the message names your username.'
)
_LOOKS_LIKE_ADDRESS = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class LoginForm(LimitsOnServer, AllauthLoginForm):
    """allauth's "Remember Me" did not say what it keeps, or for how long: unticked, the session
    ends when the browser closes (allauth sets its expiry to 0), which a shared computer needs.
    A refused name that looks like an e-mail address is told the site signs in by username."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if "remember" in self.fields:  # absent when ACCOUNT_SESSION_REMEMBER decides for everyone
            self.fields["remember"].label = "Keep me signed in on this browser"
            self.fields["remember"].help_text = (
                "Leave it unticked on a shared computer: "
                "you are signed out when the browser closes."
            )

    def clean(self):
        try:
            return super().clean()
        except ValidationError as error:
            typed = (self.cleaned_data.get("login") or "").strip()
            if error.code == "username_password_mismatch" and _LOOKS_LIKE_ADDRESS.match(typed):
                raise ValidationError(
                    f"{' '.join(error.messages)} {BY_USERNAME}", code=error.code
                ) from None
            raise


class ChangePasswordForm(BothPasswordsChecked, allauth_forms.ChangePasswordForm):
    """allauth's, with both password mistakes said at once."""


class SetPasswordForm(BothPasswordsChecked, allauth_forms.SetPasswordForm):
    """allauth's, with both password mistakes said at once."""


class ResetPasswordKeyForm(BothPasswordsChecked, allauth_forms.ResetPasswordKeyForm):
    """allauth's, with both password mistakes said at once."""


class AddEmailForm(LimitsOnServer, allauth_forms.AddEmailForm):
    """allauth's, its address's limit (320 characters) said by the server (`LimitsOnServer`)."""


class ResetPasswordForm(LimitsOnServer, allauth_forms.ResetPasswordForm):
    """allauth's, its address's limit (320 characters) said by the server (`LimitsOnServer`)."""


class OpensOnItsField(LimitsOnServer, forms.Form):
    """A page that asks for one thing, the second factor's code at sign-in or "Confirm it's
    you", opens with the focus in its field (`autofocus`: no script, so the CSP holds): it
    opened at the top, and a keyboard user tabbed past the header's links to reach it. A
    refused form's message still comes first when it is form-wide (srm_trainer/error_focus.py:
    the first `autofocus` in the page wins)."""

    focused = ""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields[self.focused].widget.attrs["autofocus"] = True


class AuthenticateForm(OpensOnItsField, mfa_forms.AuthenticateForm):
    """allauth's code step after the password (MFA_FORMS)."""

    focused = "code"


class ReauthenticateCodeForm(OpensOnItsField, mfa_forms.ReauthenticateForm):
    """allauth's "Confirm it's you" with a code (MFA_FORMS)."""

    focused = "code"


class ReauthenticateForm(OpensOnItsField, allauth_forms.ReauthenticateForm):
    """allauth's "Confirm it's you" with the password (ACCOUNT_FORMS)."""

    focused = "password"


class CloseAccountForm(LimitsOnServer, PlainLabels, forms.Form):
    """Typing one's username is a deliberate act a stray click or a remembered form is not."""

    username = forms.CharField(
        label="Type your username to confirm",
        max_length=150,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none"}),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["username"].help_text = f"Your username is {user.get_username()}."
        self.fields["username"].error_messages["required"] = (
            f"Type your username, {user.get_username()}, to delete your account; "
            "nothing was deleted."
        )

    def clean_username(self) -> str:
        typed = self.cleaned_data["username"]
        if typed != self.user.get_username():
            raise forms.ValidationError(
                "This is not your username; nothing was deleted. "
                f"Type {self.user.get_username()} exactly."
            )
        return typed


SHOWN_NAME_HELP = (
    "Optional. The instructors of the cohorts you are in see it beside your username: on "
    "their gradebook, their list of the cohort's people, their page about your work, and the "
    "gradebook and answers files they download. No one else sees it. Leave it blank to be known by your "
    f"username only. Up to {shown_names.MAX_LENGTH} characters."
)


class ShownNameForm(LimitsOnServer, PlainLabels, forms.Form):
    """The name a learner chooses to show their instructors (`lessons.shown_names`): the only
    name of theirs an instructor sees, so it is theirs to set, change or clear."""

    shown_name = forms.CharField(
        label="Name shown to your instructors",
        required=False,
        strip=False,  # `shown_names.clean` trims, after normalising
        help_text=SHOWN_NAME_HELP,
        widget=forms.TextInput(attrs={"autocomplete": "name", "spellcheck": "false"}),
    )

    def clean_shown_name(self) -> str:
        return shown_names.clean(self.cleaned_data["shown_name"])


# At most this many security keys an account. Each page of a key's ceremony lists every key's
# credential (adding one, "Confirm it's you", the sign-in's second step: ~0.85 ms a key), and
# adding one never stopped: 2,000 made each of those pages 1.6-1.8 s of CPU (docs/limits.md).
MAX_PASSKEYS = 10


def passkeys_full() -> str:
    return (
        f"This account has {MAX_PASSKEYS} security keys, the most it keeps: remove one you no "
        "longer use (on the Security keys page), then add this one."
    )


# A security key's answer is posted by the page's script in a hidden `credential` field, and
# allauth refuses a bad one there, which no page shows, or as "Incorrect code.": the page only
# reloaded. Each refusal is said above its form instead, in words for the page's button:
# - "required": no answer (JavaScript off, the page's script blocked);
# - "invalid": not JSON (cut short on its way, changed by an extension or a proxy);
# - "incorrect_code": JSON allauth cannot use (another account's key, an answer to an earlier
#   page, or one made up).
_ANOTHER_BROWSER = (
    "if it happens again, try another browser, or turn off extensions that change this site's pages"
)


def key_refusals(press: str, outcome: str, instead: str) -> dict[str, str]:
    """The words for each way a key's answer is refused on a page whose button is `press`:
    `outcome` says what did not happen, `instead` what else to do."""
    return {
        "required": (
            "No security key was used: your browser talks to the key only with JavaScript, and "
            "it did not run here. Turn JavaScript on for this site (or let this page's script "
            f"load), then press {press} and touch or unlock your key when your browser asks."
        ),
        "invalid": (
            "Your security key's answer arrived unreadable (not what your browser sends), so "
            f"{outcome}. Press {press} and touch or unlock your key again; {_ANOTHER_BROWSER}."
        ),
        "incorrect_code": (
            "That security key's answer was refused (a key this account does not hold, or an "
            f"answer to an earlier page), so {outcome}. Press {press} again{instead}."
        ),
    }


ADDING = key_refusals("Add", "no key was added", " and touch or unlock the key you mean to add")
SIGNING_IN = key_refusals(
    "Use a security key",
    "you are not signed in yet",
    " with a key added to this account, or enter a code from your authenticator app",
)
CONFIRMING = key_refusals(
    "Use a security key",
    "nothing was confirmed",
    " with a key added to this account, or confirm another way",
)
NO_KEY_USED = ADDING["required"]
KEY_ANSWER_UNREADABLE = ADDING["invalid"]

# allauth reads a key's answer with fido2, catching only the errors it expects: an answer that
# is JSON but not a credential (`{"id": "abc"}`: no rawId) raised KeyError, a 500.
_UNREADABLE_ANSWER = (KeyError, ValueError, TypeError, AttributeError, IndexError, OverflowError)


def key_answer_read(read):
    """`read()`, allauth's reading of a key's answer, with any error an answer made up can raise
    turned into allauth's own refusal ("incorrect_code")."""
    try:
        return read()
    except _UNREADABLE_ANSWER as error:
        raise ValidationError(
            "The security key's answer could not be read.", code="incorrect_code"
        ) from error


class KeyAnswerSaid(LimitsOnServer, forms.Form):
    """A form of allauth's that reads a security key's answer, saying a refused one above the
    form (`refusals[code]`) and never failing on one made up."""

    refusals: dict[str, str] = {}

    def _credential_refusal(self) -> str:
        for code, words in self.refusals.items():
            if self.has_error("credential", code) or self.has_error(NON_FIELD_ERRORS, code):
                return words
        return " ".join(str(error) for error in self.errors.get("credential", ()))


class _KeySignIn(KeyAnswerSaid):
    """allauth's forms that sign in or confirm with a key, which refuse on the hidden field."""

    def clean_credential(self):
        return key_answer_read(super().clean_credential)

    def clean(self) -> dict:
        super().clean()
        if "credential" in self.errors:
            self.add_error(None, self._credential_refusal())
        return self.cleaned_data


class AuthenticateWebAuthnForm(_KeySignIn, mfa_webauthn_forms.AuthenticateWebAuthnForm):
    """allauth's "Use a security key" at sign-in's second step (MFA_FORMS)."""

    refusals = SIGNING_IN


class ReauthenticateWebAuthnForm(_KeySignIn, mfa_webauthn_forms.ReauthenticateWebAuthnForm):
    """allauth's "Confirm it's you" with a security key (MFA_FORMS)."""

    refusals = CONFIRMING


class AddWebAuthnForm(KeyAnswerSaid, AllauthAddWebAuthnForm):
    """allauth's, refusing a key past `MAX_PASSKEYS` before it is registered; `keys_full` lets
    the page say so before the browser's ceremony, rather than after it. A refused answer is
    said above the form (`ADDING`), not only on the hidden field."""

    refusals = ADDING

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        held = Authenticator.objects.filter(user=self.user, type=Authenticator.Type.WEBAUTHN)
        self.keys_full = held.count() >= MAX_PASSKEYS

    def clean(self) -> dict:
        if self.keys_full:
            raise ValidationError(passkeys_full())
        try:
            cleaned = key_answer_read(super().clean)
        except ValidationError as refused:
            self.add_error(None, refused)
            cleaned = self.cleaned_data
        if "credential" in self.errors or self.has_error(NON_FIELD_ERRORS, "incorrect_code"):
            said = self._credential_refusal()
            self._errors.pop(NON_FIELD_ERRORS, None)  # allauth's "Incorrect code.", if any
            self.add_error(None, said)
        return cleaned

    @property
    def full_message(self) -> str:
        return passkeys_full()
