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

The sign-up page (reached from the sign-in page's "Create an account", which carries `next`)
says the same for the pages a new account can use (`SIGN_UP_BY_NAME`, "Create an account to
keep a review queue."), under the same rules. Not the account's own pages (a new account has
nothing there to manage), nor leaving a cohort or the teaching pages (an account made here is
a learner's: an administrator makes instructors).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.http import HttpRequest
from django.urls import Resolver404, resolve
from django.utils.http import url_has_allowed_host_and_scheme

from srm_trainer.site_paths import inside_site

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
# The sign-up page's lines: the pages above a new account has a use for.
SIGN_UP_BY_NAME = {
    "quizzes:review": "Create an account to keep a review queue.",
    "certificates:mine": "Create an account to earn a certificate.",
    "certificates:pdf": "Create an account to earn a certificate.",
    "cohorts:mine": "Create an account to join a cohort.",
    "cohorts:join": "Create an account to join a cohort.",
}
# Every page of these namespaces is for instructors (`teach.access.teacher_required`).
BY_NAMESPACE = {"teach": _TEACHING, "teach_cohorts": _TEACHING}

_LONGEST = 2000  # longer than any address of ours: not looked at


def _page(next_url: object):
    """The URL match of `next_url` when it is a path of this site our URLconf resolves, else
    None (unknown, foreign, malformed or too long)."""
    if not isinstance(next_url, str) or not next_url or len(next_url) > _LONGEST:
        return None
    if not next_url.startswith("/") or next_url.startswith("//") or "\\" in next_url:
        return None
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts=set()):
        return None
    # `next` names the page with the site's script prefix (`/srm/review/`), as its links do;
    # the URLconf resolves the path inside the site.
    inside = inside_site(urlsplit(next_url).path)
    if inside is None:
        return None
    try:
        return resolve(inside)
    except (Resolver404, ValueError):
        return None


def reason(next_url: object) -> str:
    """The line for a sign-in page whose `next` is `next_url`, or "" (no line)."""
    match = _page(next_url)
    if match is None:
        return ""
    return BY_NAME.get(match.view_name) or BY_NAMESPACE.get(match.namespace, "")


def sign_up_reason_for(next_url: object) -> str:
    """The line for a sign-up page whose `next` is `next_url`, or "" (no line)."""
    match = _page(next_url)
    return "" if match is None else SIGN_UP_BY_NAME.get(match.view_name, "")


def _next(request: HttpRequest) -> str | None:
    """The page's `next` as sent with the form (a refused form draws the page again) or in its
    address."""
    return request.POST.get("next") or request.GET.get("next")


def sign_in_reason(request: HttpRequest) -> str:
    """The line for this sign-in page."""
    return reason(_next(request))


def sign_up_reason(request: HttpRequest) -> str:
    """The line for this sign-up page."""
    return sign_up_reason_for(_next(request))
