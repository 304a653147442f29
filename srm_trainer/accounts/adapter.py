"""Our allauth adapter: one client address for throttles, and a throttle on "username taken"."""

from __future__ import annotations

import re
import unicodedata

from allauth.account import app_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context, ratelimit
from django.contrib.auth.validators import ASCIIUsernameValidator
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from srm_trainer.clientip import client_ip

TOO_MANY_TAKEN = (
    "Too many sign-up attempts with usernames that are already in use. "
    "Wait a few minutes, then try a different username."
)


# Names that would read as the site speaking, or as a role the account does not have.
RESERVED_USERNAMES = frozenset(
    {
        "admin",
        "administrator",
        "administrators",
        "instructor",
        "instructors",
        "moderator",
        "root",
        "security",
        "staff",
        "support",
        "srm-trainer",
        "srmtrainer",
        "system",
        "teacher",
    }
)


LOGGED_IN = "account/messages/logged_in.txt"  # allauth's
SIGNED_UP = "account/messages/signed_up.txt"  # ours, in its place right after sign-up


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        return client_ip(request)

    def post_login(self, request: HttpRequest, user, **kwargs):
        """After sign-up allauth signs the new account in and said "Successfully signed in as
        …", as if the learner had come back: `add_message` below welcomes them instead."""
        request.signed_up = bool(kwargs.get("signup"))  # type: ignore[attr-defined]
        return super().post_login(request, user, **kwargs)

    def add_message(self, request, level, message_template=None, *args, **kwargs) -> None:
        if message_template == LOGGED_IN and getattr(request, "signed_up", False):
            message_template = SIGNED_UP
        super().add_message(request, level, message_template, *args, **kwargs)

    def clean_username(self, username: str, shallow: bool = False) -> str:
        """Usernames are public and unique, so sign-up must say when one is taken; what we can
        stop is using that answer to list accounts: after a few "taken" answers from one address,
        the form only says to wait (the `signup_username_taken` rate limit)."""
        _check_characters(username)
        if username.lower() in RESERVED_USERNAMES:
            raise ValidationError(
                f'"{username}" cannot be used: it would look like a role on this site. '
                "Choose another username.",
                code="username_reserved",
            )
        try:
            return super().clean_username(username, shallow=shallow)
        except ValidationError as error:
            request = getattr(context, "request", None)
            if (
                error.code == "username_taken"
                and request is not None
                and not ratelimit.consume(request, action="signup_username_taken")
            ):
                raise ValidationError(TOO_MANY_TAKEN, code="rate_limited") from None
            raise

    def clean_email(self, email: str) -> str:
        """The address is kept in a column of `EMAIL_MAX_LENGTH` (254) characters, and allauth
        cut a longer one to fit; refuse it instead, so no account keeps half an address."""
        email = super().clean_email(email)
        limit = app_settings.EMAIL_MAX_LENGTH
        if len(email) > limit:
            raise ValidationError(
                f"An e-mail address has at most {limit} characters; it has {len(email)}.",
                code="email_too_long",
            )
        return email


# Only a-z, A-Z, digits and @ . + - _ : a username is who someone is to their instructor and
# cohort, and letters from other scripts, full-width forms or combining accents let one account
# pass for another ("аdmin" with a Cyrillic "а"). Checked at sign-up; the admin may still set any.
_ascii_username = ASCIIUsernameValidator()
_ALLOWED = re.compile(ASCIIUsernameValidator.regex, re.ASCII)


def _check_characters(username: str) -> None:
    """The rule, and the first character it refuses, by position and Unicode name: a look-alike
    cannot be seen in the field ("аdmin" reads as "admin"), so the message must say which one."""
    try:
        _ascii_username(username)
    except ValidationError:
        for position, char in enumerate(username, start=1):
            if not _ALLOWED.search(char):
                name = unicodedata.name(char, f"U+{ord(char):04X}").lower()
                raise ValidationError(
                    f"A username holds only letters a-z and A-Z, digits and @ . + - _; character "
                    f"{position} is not one of them: {name} (U+{ord(char):04X}).",
                    code="invalid",
                ) from None
        raise
