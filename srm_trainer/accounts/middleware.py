"""Middleware for accounts: audit context, and MFA before the admin and teaching pages."""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from functools import wraps

from auditlog.cid import correlation_id
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.request import HttpHeaders
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from srm_trainer.accounts.roles import has_mfa, passes_mfa_rule
from srm_trainer.clientip import client_ip
from srm_trainer.site_paths import inside_site

MFA_GUARDED_PREFIXES = ("/admin/", "/teach/")
MFA_REQUIRED_MESSAGE = (
    "Staff and instructors must turn on two-factor authentication before opening this page. "
    "Set up an authenticator app or a security key below, then try again."
)


# The session's note of the page that sent someone to set up MFA: allauth's set-up ends on the
# recovery codes page whatever `next` said, which then offers the way back (`continue_to`).
SETUP_NEXT = "mfa_setup_next"


def mfa_setup_redirect(request: HttpRequest) -> HttpResponse | None:
    """A redirect to the MFA set-up page when this person must have MFA and has none, else None."""
    if passes_mfa_rule(request.user):
        return None
    messages.warning(request, MFA_REQUIRED_MESSAGE, fail_silently=True)
    going = request.get_full_path()
    if request.method in ("GET", "HEAD") and hasattr(request, "session"):
        request.session[SETUP_NEXT] = going
    query = urlencode({"next": going})
    return HttpResponseRedirect(f"{reverse('mfa_index')}?{query}")


def continue_to(request: HttpRequest) -> tuple[str, str] | None:
    """Where someone sent to set up MFA was going, and the link's words ("Continue to the
    admin"), once they have it; None otherwise, or for anything but a path of this site."""
    going = request.session.get(SETUP_NEXT) if hasattr(request, "session") else None
    if not isinstance(going, str) or not has_mfa(request.user):
        return None
    if not going.startswith("/") or not url_has_allowed_host_and_scheme(
        going, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return None
    inside = inside_site(going) or ""  # `going` holds the script prefix (`/srm/admin/`)
    if inside.startswith("/admin/"):
        return going, "Continue to the admin"
    if inside.startswith("/teach/"):
        return going, "Continue to the teaching pages"
    return going, "Continue where you were going"


def mfa_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The same rule as the middleware, for a view that lives outside the guarded paths."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        return mfa_setup_redirect(request) or view(request, *args, **kwargs)

    return wrapper


class RequireMFAMiddleware:
    """Staff and instructors without an authenticator are sent to set one up before any page
    under /admin/ or /teach/ (the sign-in page itself is allauth's, outside these paths)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The path inside the site (`path_info`): `path` starts with the script prefix of a
        # site served under one (`/srm/teach/`), which passed every page unguarded.
        if request.path_info.startswith(MFA_GUARDED_PREFIXES):
            redirect = mfa_setup_redirect(request)
            if redirect is not None:
                return redirect
            if hasattr(request, "session"):
                request.session.pop(SETUP_NEXT, None)  # arrived: the way back is no longer offered
        return self.get_response(request)


def set_correlation_id(request: HttpRequest) -> None:
    """django-auditlog's `set_cid`: the request's AUDITLOG_CID_HEADER (looked up as a header,
    then as a META key) becomes the correlation id of the entries written while answering it.
    The header is read from META directly: `set_cid` built `request.headers` (every header of
    the request parsed into a new mapping) on every request for this one value."""
    if getattr(settings, "AUDITLOG_CID_GETTER", None):
        return
    header = getattr(settings, "AUDITLOG_CID_HEADER", "x-correlation-id")  # auditlog's default
    cid = None
    if header:
        meta = request.META
        name = header.upper().replace("-", "_")
        key = name if name in HttpHeaders.UNPREFIXED_HEADERS else f"HTTP_{name}"
        cid = meta[key] if key in meta else meta.get(header)
    correlation_id.set(cid)


# The request being answered in this thread, for the audit log's entries written during it.
_audited_request: ContextVar[HttpRequest | None] = ContextVar("audited_request", default=None)


class AuditContextMiddleware:
    """Who made a change, and from where, for django-auditlog's entries: the signed-in user
    (unless the entry names its actor itself) and the address from `client_ip`, never any
    X-Forwarded-For or X-Forwarded-Port a client sends.

    django-auditlog's own middleware connects a signal receiver on every request, disconnects
    it afterwards, and loads the user to have the actor ready; nearly every request writes no
    entry. Here the request is only remembered, and `fill_audit_entry` (connected once, in
    accounts/apps.py) looks the actor and address up when an entry is actually saved."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        set_correlation_id(request)  # auditlog's correlation id, as its own middleware does
        token = _audited_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _audited_request.reset(token)


def fill_audit_entry(sender, instance, **kwargs) -> None:
    """pre_save of auditlog's LogEntry: the actor and address of the request being answered,
    if any (the same fields django-auditlog's middleware fills)."""
    request = _audited_request.get()
    if request is None:
        return
    user = getattr(request, "user", None)
    if instance.actor_id is None and user is not None and user.is_authenticated:
        instance.actor = user
        instance.actor_email = getattr(user, "email", None)
    instance.remote_addr = client_ip(request)
    instance.remote_port = None
