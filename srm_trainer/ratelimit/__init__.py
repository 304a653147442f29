"""Per-client rate limits, in one place: generous for a person, firm for a script.

Every view that evaluates or grades is decorated with `rate_limited(group, respond)`. Limits
live in settings.RATE_LIMITS as "COUNT/SECONDS" per group; counts are shared by every worker
process (see counters.py). Who counts as one client:

- a signed-in user: their account, wherever they are;
- anyone else: their address (`client_ip`, so trusted proxies are honoured) plus their browser,
  named by a signed cookie the pages set, so a classroom behind one NAT address does not share
  one budget; and, so a script that drops or mints cookies cannot get unlimited budget, all
  anonymous clients of one address (one /64 for IPv6) share a looser ceiling,
  settings.RATE_LIMITS_PER_ADDRESS.
"""

from __future__ import annotations

import ipaddress
import secrets
from functools import wraps

from django.conf import settings
from django.http import HttpRequest

from srm_trainer.clientip import client_ip
from srm_trainer.ratelimit.counters import Limit, count

BROWSER_COOKIE = "srm_client"
_SALT = "srm_trainer.ratelimit.browser"
_COOKIE_AGE = 365 * 24 * 3600


def address_key(address: str) -> str:
    """The address as one client: an IPv6 host gets a whole /64, so it counts as one."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if ip.version == 6:
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False).network_address) + "/64"
    return str(ip)


def browser_id(request: HttpRequest) -> str:
    """The browser's id from its signed cookie; "" when it has none (or a forged one)."""
    value = request.get_signed_cookie(BROWSER_COOKIE, default="", salt=_SALT) or ""
    return value if value.isalnum() and len(value) <= 64 else ""


def limits_for(group: str) -> tuple[Limit, Limit]:
    """(per client, per address for anonymous clients) of one group."""
    client = Limit.parse(settings.RATE_LIMITS[group])
    ceiling = getattr(settings, "RATE_LIMITS_PER_ADDRESS", {}).get(group)
    address = Limit.parse(ceiling) if ceiling else Limit(client.count * 10, client.seconds)
    return client, address


def _anonymous(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return user is None or not user.is_authenticated


def hit(
    request: HttpRequest,
    group: str,
    now: float | None = None,
    *,
    new_browser: str = "",
    browser: str | None = None,
) -> int:
    """Count one request; returns 0 when allowed, or the seconds to wait when over a limit.

    `new_browser`: the id about to be given to a browser that has none. Its first request
    counts both for cookie-less clients at its address (so dropping the cookie gains nothing)
    and for its new id (so its budget is the limit, not the limit plus one).
    `browser`: `browser_id(request)` when the caller has read it already (its signature is
    checked once a request, not twice).
    """
    client, address = limits_for(group)
    if not _anonymous(request):
        checks = [(f"{group}:user:{request.user.pk}", client)]
    else:
        where = address_key(client_ip(request))
        if browser is None:
            browser = browser_id(request)
        checks = [(f"{group}:anon:{where}:{browser or '-'}", client)]
        if new_browser:
            checks.append((f"{group}:anon:{where}:{new_browser}", client))
        checks.append((f"{group}:addr:{where}", address))
    # The address's ceiling counts only what the client's own limit let through, so one
    # learner hammering away does not use up the classroom's share with refused requests.
    for key, limit in checks:
        tally = count(key, limit, now)
        if tally.count > limit.count:
            return tally.retry_after
    return 0


def rate_limited(group: str, respond, *, methods: tuple[str, ...] | None = None, browser=True):
    """Decorate a view: over the limit, `respond(request, retry_after)` answers instead, as a
    429 with Retry-After. `methods`: count only these (e.g. a form's POST, not its page).
    `browser`: give anonymous browsers their own id cookie (not for a cookie-less JSON API)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if methods is not None and request.method not in methods:
                return view(request, *args, **kwargs)
            new_browser = ""
            current = None
            if browser and _anonymous(request):
                current = browser_id(request)
                if not current:
                    new_browser = secrets.token_hex(16)
            retry_after = hit(request, group, new_browser=new_browser, browser=current)
            if retry_after:
                response = respond(request, retry_after)
                response.status_code = 429
                response["Retry-After"] = str(retry_after)
            else:
                response = view(request, *args, **kwargs)
            if new_browser:
                response.set_signed_cookie(
                    BROWSER_COOKIE,
                    new_browser,
                    salt=_SALT,
                    max_age=_COOKIE_AGE,
                    secure=settings.SESSION_COOKIE_SECURE,
                    httponly=True,
                    samesite="Lax",
                )
            return response

        # Which limit, read through the view's other decorators (`functools.wraps` copies it):
        # tests/test_ratelimit.py holds docs/limits.md's list of learner posts to it.
        wrapper.rate_limit_group = group
        return wrapper

    return decorator
