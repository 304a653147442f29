"""`handler500`: a page that failed because the database or the cache stopped answering is a
503 "briefly unavailable" with `Retry-After`, not the 500 "something went wrong" of a fault.

Found with two app servers on one PostgreSQL and one Redis: stopping either made every page a
500 that said the same as a bug would, so a learner could not tell "wait a minute" from
"broken", nor a load balancer or a monitor an outage from a fault of ours. The page is
standalone HTML (templates/503.html, like 500.html): drawing base.html would need the very
database or cache that failed. Django still logs each one, with the driver's error, as
"Service Unavailable: <path>"; `/healthz` names which of the two failed
(srm_trainer/ops/health.py). They answer again by themselves once it is back.
"""

from __future__ import annotations

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.views import defaults

RETRY_AFTER_SECONDS = 30


def uses_redis() -> bool:
    """Whether a cache is Redis (`CACHE_URL=redis://...`): only then is its client imported
    (its ~65 modules are a worker's ~14 MB, srm_trainer/wsgi.py)."""
    return any("redis" in cache["BACKEND"].lower() for cache in settings.CACHES.values())


def _outage_errors() -> tuple[type[BaseException], ...]:
    """The database's connection errors (Django wraps every driver's), and Redis's when a
    cache is Redis."""
    errors: tuple[type[BaseException], ...] = (OperationalError, InterfaceError)
    if not uses_redis():
        return errors
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
        from redis.exceptions import TimeoutError as RedisTimeoutError
    except ImportError:  # no client installed: none of its errors can be raised
        return errors
    return (*errors, RedisConnectionError, RedisTimeoutError)


def is_outage(exc: BaseException | None) -> bool:
    """Whether `exc`, or an exception it was raised from, is the database or Redis not
    answering."""
    errors = _outage_errors()  # read on the error's path alone, as the settings are now
    seen = 0
    while exc is not None and seen < 10:
        if isinstance(exc, errors):
            return True
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return False


def status_for(exc: BaseException | None) -> int:
    """The status an uncaught `exc` is answered with: 503 for an outage (`server_error`), else
    500, as is every one under DEBUG (Django's technical page, not `handler500`). The request
    log's "request_failed" line says it too (srm_trainer/ops/request_log.py): django-structlog
    wrote "code": 500 there for every one."""
    return 503 if is_outage(exc) and not settings.DEBUG else 500


def server_error(request: HttpRequest) -> HttpResponse:
    """Django calls it while handling the uncaught exception, so `sys.exc_info()` is it."""
    if status_for(sys.exc_info()[1]) != 503:
        return defaults.server_error(request)
    response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
