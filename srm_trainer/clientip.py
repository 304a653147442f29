"""The one place that decides which address a request came from.

Rate limits, sign-in throttles and audit rows all ask `client_ip`. Without a proxy
(`DJANGO_TRUSTED_PROXY_COUNT=0`, the default) that is the socket's peer, REMOTE_ADDR: the only
address a client cannot forge. Behind N trusted proxies, each appends the address it saw to
X-Forwarded-For, so the Nth entry from the right was written by our outermost proxy and is the
client's; anything further left came from the client and is ignored.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

UNKNOWN = "0.0.0.0"  # noqa: S104 - a stand-in address for the record, never bound to


@lru_cache(maxsize=1024)
def _valid(text: str) -> str | None:
    """The address in canonical form, or None when it is not an IP address. Kept per text (a
    pure function; every request asks it at least once, for its log line)."""
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "203.0.113.7:51234"
        text = text.partition(":")[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    """The client's address, trusting exactly `TRUSTED_PROXY_COUNT` proxies in front of us.

    When X-Forwarded-For has fewer entries than there are trusted proxies (or an entry that is
    not an address), the request did not come through them all: the peer address is used.
    """
    remote = _valid(request.META.get("REMOTE_ADDR") or "") or UNKNOWN
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if proxies <= 0:
        return remote
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part.strip() for part in forwarded if part.strip()]
    if len(forwarded) < proxies:
        return remote
    return _valid(forwarded[-proxies]) or remote
