"""Why a signed-out visitor was sent to the sign-in page, in one short line naming the page
they opened ("Sign in to see your review queue."), as the join link names its cohort there
(`cohorts.invitations`).

The line is one of the fixed sentences below, chosen by the page `next` names: only a path
of this site (no scheme, no host, no `//`), resolved by our URLconf to a page that needs an
account. Nothing of `next` itself is shown, and where it goes after signing in stays
allauth's business (it refuses other sites). An unknown, foreign or malformed `next` gives no
line. Left out on purpose: a join link (the cohort notice says it, or for a wrong code says
nothing) and a quiz attempt or review question reached after a session ended (their views
already say so in a message).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http import HttpRequest
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme

_TEACHING = "Sign in to open the teaching pages."

# URL name (namespaced) → the line. Every one of these pages sends a signed-out visitor to sign
# in with `next` (tests/accounts/test_sign_in_reasons.py checks each does).
BY_NAME = {
    "quizzes:review": "Sign in to see your review queue.",
    "certificates:mine": "Sign in to see your certificate.",
    "certificates:pdf": "Sign in to download your certificate.",
    "cohorts:mine": "Sign in to see your cohorts.",
    "cohorts:join": "Sign in to join a cohort.",
    "cohorts:leave": "Sign in to leave a cohort.",
    "account_data": "Sign in to see your data.",
    "account_data_download": "Sign in to download your data.",
    "account_delete": "Sign in to delete your account.",
    "account_email": "Sign in to manage your e-mail addresses.",
    "account_change_password": "Sign in to change your password.",
    "mfa_index": "Sign in to manage two-factor sign-in.",
    "mfa_activate_totp": "Sign in to set up an authenticator app.",
    "mfa_list_webauthn": "Sign in to manage your security keys.",
    "mfa_add_webauthn": "Sign in to add a security key.",
    "mfa_view_recovery_codes": "Sign in to see your recovery codes.",
}
# Every page of these namespaces is for instructors (`teach.access.teacher_required`).
BY_NAMESPACE = {"teach": _TEACHING, "teach_cohorts": _TEACHING}

_LONGEST = 2000  # longer than any address of ours: not looked at


def reason(next_url: object) -> str:
    """The line for a sign-in page whose `next` is `next_url`, or "" (no line)."""
    if not isinstance(next_url, str) or not next_url or len(next_url) > _LONGEST:
        return ""
    if not next_url.startswith("/") or next_url.startswith("//") or "\\" in next_url:
        return ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts=set()):
        return ""
    try:
        match = resolve(urlsplit(next_url).path)
    except (Resolver404, ValueError):
        return ""
    return BY_NAME.get(match.view_name) or BY_NAMESPACE.get(match.namespace, "")


def sign_in_reason(request: HttpRequest) -> str:
    """The line for this sign-in page: its `next` as sent with the form (a refused sign-in
    draws the page again) or in its address."""
    return reason(request.POST.get("next") or request.GET.get("next"))
