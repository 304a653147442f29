"""Per-client rate limits, in one place: generous for a person, firm for a script.

A fixed window per (group, client) counted in the cache. The client is the signed-in user, or
else the remote address (set `REMOTE_ADDR` correctly behind a proxy). Limits live in
settings.RATE_LIMITS as "COUNT/SECONDS".
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int


def parse_rate(text: str) -> Limit:
    count, _, seconds = text.partition("/")
    return Limit(int(count), int(seconds))


def client_key(request: HttpRequest) -> str:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return f"ip:{request.META.get('REMOTE_ADDR', 'unknown')}"


def hit(request: HttpRequest, group: str) -> int:
    """Count one request; returns 0 when allowed, or the seconds to wait when over the limit."""
    limit = parse_rate(settings.RATE_LIMITS[group])
    now = time.time()
    window = int(now // limit.seconds)
    key = f"rl:{group}:{client_key(request)}:{window}"
    cache.add(key, 0, timeout=limit.seconds + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, timeout=limit.seconds + 1)
        count = 1
    if count <= limit.count:
        return 0
    return max(1, int((window + 1) * limit.seconds - now) + 1)


def rate_limited(group: str, respond):
    """Decorate a view: over the limit, `respond(request, retry_after)` answers instead (a 429)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            retry_after = hit(request, group)
            if retry_after:
                response = respond(request, retry_after)
                response.status_code = 429
                response["Retry-After"] = str(retry_after)
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
