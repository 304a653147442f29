"""allauth's sign-up form, saying before the first try what a username may hold; its sign-in
form, saying what "remember me" means; its forms that set a password, saying a mistyped second
password even when the first is refused; the confirmation of closing an account; the pages that
ask only for a code or the password again, opening on its field."""

from __future__ import annotations

import re

from allauth.account import forms as allauth_forms
from allauth.account.forms import LoginForm as AllauthLoginForm
from allauth.account.forms import SignupForm as AllauthSignupForm
from allauth.mfa.base import forms as mfa_forms
from allauth.mfa.models import Authenticator
from allauth.mfa.webauthn.forms import AddWebAuthnForm as AllauthAddWebAuthnForm
from django import forms
from django.core.exceptions import ValidationError
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


# The credential is the browser's answer to the key, posted in a hidden field by the page's
# script: a post without it (JavaScript off, the page's script blocked) was refused with
# "This field is required." on that hidden field, which no page shows, so it only reloaded.
NO_KEY_USED = (
    "No security key was used: your browser talks to the key only with JavaScript, and it "
    "did not run here. Turn JavaScript on for this site (or let this page's script load), "
    "then press Add and touch or unlock your key when your browser asks."
)

# A credential posted but not JSON (cut short on its way, changed by an extension or a proxy)
# was refused with "Enter a valid JSON." on the same hidden field: the page reloaded unsaid.
KEY_ANSWER_UNREADABLE = (
    "Your security key's answer arrived unreadable (not what your browser sends), so no key "
    "was added. Press Add and touch or unlock your key again; if it happens again, try "
    "another browser, or turn off extensions that change this site's pages."
)


class AddWebAuthnForm(LimitsOnServer, AllauthAddWebAuthnForm):
    """allauth's, refusing a key past `MAX_PASSKEYS` before it is registered; `keys_full` lets
    the page say so before the browser's ceremony, rather than after it. A post with no
    credential, or one that is not JSON, is said above the form (`NO_KEY_USED`,
    `KEY_ANSWER_UNREADABLE`), not only on the hidden field."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        held = Authenticator.objects.filter(user=self.user, type=Authenticator.Type.WEBAUTHN)
        self.keys_full = held.count() >= MAX_PASSKEYS

    def clean(self) -> dict:
        if self.keys_full:
            raise ValidationError(passkeys_full())
        cleaned = super().clean()
        if self.has_error("credential", "required"):
            self.add_error(None, NO_KEY_USED)
        elif self.has_error("credential", "invalid"):
            self.add_error(None, KEY_ANSWER_UNREADABLE)
        return cleaned

    @property
    def full_message(self) -> str:
        return passkeys_full()
