"""Middleware for accounts: audit context, and MFA before the admin and teaching pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from auditlog.middleware import AuditlogMiddleware
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

from srm_trainer.accounts.roles import has_mfa, needs_mfa
from srm_trainer.clientip import client_ip

MFA_GUARDED_PREFIXES = ("/admin/", "/teach/")
MFA_REQUIRED_MESSAGE = (
    "Staff and instructors must turn on two-factor authentication before opening this page. "
    "Set up an authenticator app or a security key below, then try again."
)


def mfa_setup_redirect(request: HttpRequest) -> HttpResponse | None:
    """A redirect to the MFA set-up page when this person must have MFA and has none, else None."""
    user = request.user
    if not needs_mfa(user) or has_mfa(user):
        return None
    messages.warning(request, MFA_REQUIRED_MESSAGE, fail_silently=True)
    query = urlencode({"next": request.get_full_path()})
    return HttpResponseRedirect(f"{reverse('mfa_index')}?{query}")


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
        if request.path.startswith(MFA_GUARDED_PREFIXES):
            redirect = mfa_setup_redirect(request)
            if redirect is not None:
                return redirect
        return self.get_response(request)


class AuditContextMiddleware(AuditlogMiddleware):
    """django-auditlog's actor/address middleware, taking the address from `client_ip` rather
    than trusting any X-Forwarded-For or X-Forwarded-Port a client sends."""

    @staticmethod
    def _get_remote_addr(request: HttpRequest) -> str | None:
        return client_ip(request)

    @staticmethod
    def _get_remote_port(request: HttpRequest) -> int | None:
        return None
