"""The one place that decides which address a request came from.

Audit rows and allauth's sign-in throttles both ask `client_ip`, so trusting a proxy's
X-Forwarded-For later (a configurable number of trusted proxies) is a change here only.
Until then the socket's peer address is the only one that cannot be forged by the client.
"""

from __future__ import annotations

from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    """The client's address as the server saw it (REMOTE_ADDR); never a client-supplied header."""
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"  # noqa: S104 - a placeholder, not a bind
