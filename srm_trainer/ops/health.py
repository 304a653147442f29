"""`/healthz`: may a load balancer send this server traffic?

Answered by a middleware placed before host validation and the HTTPS redirect: load
balancers probe each server by its private address over plain HTTP, which `ALLOWED_HOSTS`
and `SECURE_SSL_REDIRECT` would otherwise refuse or redirect. It reveals nothing but the
words below, so it needs neither.

Four checks, each cheap: the database answers, the cache answers, no migration is waiting (a
server started before `migrate` ran would fail on new columns), and the static files' manifest
names the stylesheet (a production server started without `collectstatic` answers every page
with 500: each page asks the manifest for its stylesheet). Once the migrations are seen
applied, the answer is kept for the process's life: they are never un-applied under a running
server, and building the migration graph costs tens of milliseconds.
"""

from __future__ import annotations

import logging
import uuid

from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.cache import add_never_cache_headers

log = logging.getLogger(__name__)

_migrations_applied = False


def database_ok() -> bool:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT 1")
        return cursor.fetchone() == (1,)


def cache_ok() -> bool:
    # A key of its own per probe: concurrent probes sharing one key would read each other's
    # value and report a healthy cache as failing.
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "ok", timeout=30)
    try:
        return cache.get(key) == "ok"
    finally:
        cache.delete(key)


def migrations_ok() -> bool:
    global _migrations_applied
    if not _migrations_applied:
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        _migrations_applied = not plan
    return _migrations_applied


# A file every page links (base.html): production's manifest storage refuses its URL when
# `collectstatic` has not run on this machine (development's storage never refuses).
STATIC_PROBE = "css/site.css"


def static_ok() -> bool:
    return bool(staticfiles_storage.url(STATIC_PROBE))


CHECKS = {
    "database": database_ok,
    "cache": cache_ok,
    "migrations": migrations_ok,
    "static": static_ok,
}


# Checks that read the database: not run while it does not answer ("unknown"), where the
# migrations' kept answer would have said "ok" of a database nobody could reach.
NEEDS_DATABASE = frozenset({"migrations"})


def run_checks() -> dict[str, str]:
    """Each check's result in words: "ok", "failing", "error" when it raised (logged with its
    traceback for the operator; the answer itself names no internals), or "unknown" for one
    that needs the database while the database check did not pass."""
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        if name in NEEDS_DATABASE and results.get("database") != "ok":
            results[name] = "unknown"
            continue
        try:
            results[name] = "ok" if check() else "failing"
        except Exception:
            log.exception("health check %s raised", name)
            results[name] = "error"
    return results


PATH = "/healthz"


def healthz() -> JsonResponse:
    results = run_checks()
    healthy = all(value == "ok" for value in results.values())
    response = JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": results},
        status=200 if healthy else 503,
    )
    add_never_cache_headers(response)
    return response


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info == PATH and request.method in ("GET", "HEAD"):
            return healthz()
        return self.get_response(request)
