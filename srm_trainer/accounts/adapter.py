"""Our allauth adapters: one client address for throttles, a throttle on "username taken", and
the site's name and a time zone in the e-mails allauth sends; the site's name, too, in what the
learner's authenticator app and browser show for two-factor sign-in (`MFAAdapter`)."""

from __future__ import annotations

import re
import unicodedata

from allauth.account import app_settings
from allauth.account.adapter import DefaultAccountAdapter, get_adapter
from allauth.account.models import EmailAddress
from allauth.core import context, ratelimit
from allauth.mfa.adapter import DefaultMFAAdapter
from django.contrib.auth.validators import ASCIIUsernameValidator
from django.contrib.sites.shortcuts import get_current_site
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

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


# How the e-mails, the authenticator app and the browser's security-key prompt name the site.
# Without the sites framework allauth named it by the request's host ("Hello from testserver!",
# "[srm.example.org] Password Changed", a passkey "for 127.0.0.1").
SITE_NAME = "SRM Trainer"
# When a change was made, as a notification says it: "4 December 2026, 08:52 UTC" (allauth's
# default, "Dec. 4, 2026, 8:52 a.m.", had no time zone).
WHEN = "j F Y, H:i T"

LOGGED_IN = "account/messages/logged_in.txt"  # allauth's
SIGNED_UP = "account/messages/signed_up.txt"  # ours, in its place right after sign-up
CODES_MADE = "mfa/messages/recovery_codes_generated.txt"  # allauth's, for either set
FIRST_CODES = "mfa/messages/first_recovery_codes.txt"  # ours, for the set made with the app


def email_page_linked(text: str) -> str:
    """allauth's refusal to turn on two-factor while an address is unverified (our words:
    "... on the E-mail page.") with "E-mail page" a link to it: the fix is on that page, and
    the message, shown on the two-factor page, named it without a way there. The words stay
    the catalogue's; each part is escaped, and Django's message storage keeps it safe."""
    before, page, after = text.partition("E-mail page")
    if not page:
        return text
    return format_html('{}<a href="{}">{}</a>{}', before, reverse("account_email"), page, after)


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        return client_ip(request)

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials) -> str:
        """The sign-in lock's key (wrong passwords per account): the username alone. allauth's
        put the site's domain first, which without the sites framework is the Host header as
        the client sent it, so each spelling of an allowed name (its case, any port, a
        trailing dot) and each app server reached by its own name counted wrong passwords
        apart: guesses never locked an account. Its lift after a reset uses this key too.
        "Confirm it's you" (allauth's `reauthenticate`) names the account by its username and
        its primary e-mail address, and the address came first here: its wrong passwords were
        counted apart from sign-in's, under a key that changing the address started afresh.
        The username is taken whenever it is given; an address only when it is all there is."""
        return (credentials.get("username") or credentials.get("email") or "").lower()

    def is_safe_url(self, url: str | None) -> bool:
        """allauth's check of a `next` address, except that one Python cannot split is not
        safe: allauth reads its host with `urlparse` first, which raises ValueError on an
        unclosed IPv6 bracket (`?next=http://[::1`), a 500 on sign-in, sign-up and every page
        of allauth's that reads `next`. Django's own check answers False for such a URL."""
        try:
            return super().is_safe_url(url)
        except ValueError:
            return False

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Every mail's "Hello from ..." and last line name the site as it names itself."""
        site = get_current_site(_request())
        site.name = SITE_NAME  # a RequestSite, made for this mail: its domain is the host
        super().send_mail(template_prefix, email, {"current_site": site, **context})

    def format_email_subject(self, subject: str) -> str:
        """What happened first, then the site, as the pages' titles read ("Your password was
        changed · SRM Trainer"): allauth put "[host] " before it."""
        return f"{subject} · {SITE_NAME}"

    def send_notification_mail(self, template_prefix, user, context=None, email=None) -> None:
        """A note of a change says when it was made with the time zone (WHEN). None goes to an
        address that is another account's (`someone_elses`): "someone else can get into your
        account" reached that account's owner, about an account that is not theirs."""
        address = email or EmailAddress.objects.get_primary_email(user)
        if address and someone_elses(address, user):
            return
        when = date_format(timezone.localtime(), WHEN)
        super().send_notification_mail(
            template_prefix, user, {"timestamp": when, **(context or {})}, email
        )

    def send_confirmation_mail(self, request: HttpRequest, emailconfirmation, signup: bool) -> None:
        """A link to verify an address another account has verified could only fail ("another
        account has verified it already"), in a mail that read as if the owner's own account
        were meant: that owner is told instead that the address is on an account here, with the
        way back into it. Whoever typed the address is told "Verification link sent" either
        way, so sign-up still never says that an address is in use."""
        address = emailconfirmation.email_address
        if someone_elses(address.email, address.user):
            self.send_account_already_exists_mail(address.email)
            return
        super().send_confirmation_mail(request, emailconfirmation, signup)

    def get_http_user_agent(self, request: HttpRequest) -> str:
        """Named in a notification of a change ("in the browser ..."); allauth said
        "Unspecified" when the browser sent no name."""
        return request.META.get("HTTP_USER_AGENT") or "that sent no name"

    def post_login(self, request: HttpRequest, user, **kwargs):
        """After sign-up allauth signs the new account in and said "Successfully signed in as
        …", as if the learner had come back: `add_message` below welcomes them instead."""
        request.signed_up = bool(kwargs.get("signup"))  # type: ignore[attr-defined]
        return super().post_login(request, user, **kwargs)

    def add_message(self, request, level, message_template=None, *args, **kwargs) -> None:
        if message_template == LOGGED_IN and getattr(request, "signed_up", False):
            message_template = SIGNED_UP
        # allauth makes the first recovery codes with the first authenticator and says what a
        # new set replacing old ones says: "any earlier ones no longer work", to someone who
        # never had any. Only the recovery codes' own page makes a replacing set.
        page = getattr(request.resolver_match, "url_name", None)
        if message_template == CODES_MADE and page != "mfa_generate_recovery_codes":
            message_template = FIRST_CODES
        if kwargs.get("message") == str(DefaultMFAAdapter.error_messages["unverified_email"]):
            kwargs["message"] = email_page_linked(kwargs["message"])
        super().add_message(request, level, message_template, *args, **kwargs)

    def clean_username(self, username: str, shallow: bool = False) -> str:
        """Usernames are public and unique, so sign-up must say when one is taken; what we can
        stop is using that answer to list accounts: after a few "taken" answers from one address,
        the form only says to wait (the `signup_username_taken` rate limit)."""
        check_characters(username)
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


class MFAAdapter(DefaultMFAAdapter):
    """allauth named the site by the request's host in the authenticator app's entry and in the
    browser's security-key prompt; they say SITE_NAME, as the e-mails do. The WebAuthn relying
    party's *id* stays the host: browsers bind a key to it."""

    def _get_site_name(self) -> str:
        return SITE_NAME

    def get_totp_issuer(self) -> str:
        return SITE_NAME

    def get_totp_label(self, user) -> str:
        """ "SRM Trainer:ada@example.org": apps that ignore the `issuer` parameter show the
        label alone, and Google's key-URI format asks for the issuer before the account."""
        return f"{SITE_NAME}:{super().get_totp_label(user)}"


def someone_elses(email: str, user) -> bool:
    """Whether `email` is verified on another account and not on `user`'s: with strict
    enumeration prevention anyone may give an address that is already an account's (sign-up
    cannot refuse it without saying it is in use), and it stays unverified on theirs."""
    verified = EmailAddress.objects.filter(email__iexact=email, verified=True)
    owners = set(verified.values_list("user_id", flat=True))
    return bool(owners) and user.pk not in owners


def lift_lock_after_reset(sender, request: HttpRequest, user, **kwargs) -> None:
    """A password reset proves the account is its owner's, so its sign-in lock goes, as
    allauth lifts it: allauth clears only the lock it keys by e-mail address (its default way to
    sign in), and here people sign in by username, so the owner who followed a reset link met
    429 with the new password for up to five minutes. The guessing addresses stay counted."""
    key = get_adapter(request)._get_login_attempts_cache_key(request, username=user.get_username())
    ratelimit.clear(request, action="login_failed", key=key)


def _request() -> HttpRequest:
    """The request allauth is handling (a method's own `context` argument hides the module)."""
    return context.request


# Only a-z, A-Z, digits and @ . + - _ : a username is who someone is to their instructor and
# cohort, and letters from other scripts, full-width forms or combining accents let one account
# pass for another ("аdmin" with a Cyrillic "а"). Checked at sign-up; the admin may still set any.
_ascii_username = ASCIIUsernameValidator()
_ALLOWED = re.compile(ASCIIUsernameValidator.regex, re.ASCII)


def check_characters(username: str) -> None:
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
