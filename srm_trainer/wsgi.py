"""WSGI entry point (gunicorn srm_trainer.wsgi; `manage.py runserver` loads it too)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

from srm_trainer.env import ConfigError

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "srm_trainer.settings")
try:
    application = get_wsgi_application()
except ConfigError as exc:
    # A variable set wrong stops the server with its message alone (as manage.py does).
    raise SystemExit(f"Configuration error: {exc}") from None

# Load the action catalogue and its search index before the first request, so no visitor pays
# the half second, then move everything loaded so far out of the garbage collector's sight:
# otherwise each full collection walks the catalogue's ~500,000 objects (tens of ms that land
# on whichever request happens to allocate at the time). With gunicorn's preload, workers
# share these pages with the master. Young-generation collections are made rarer too: a
# request that parses a large policy allocates tens of thousands of objects, and the default
# threshold (700) would walk the growing caches many times during it.
from django.db import connections  # noqa: E402
from django.db.migrations.loader import MigrationLoader  # noqa: E402
from django.urls import get_resolver  # noqa: E402

from srm_trainer.iam import catalog  # noqa: E402
from srm_trainer.outage import uses_redis  # noqa: E402

get_resolver().url_patterns  # noqa: B018 - imports every URLconf and view module now
catalog.warm()
# Django's Redis cache imports the redis client at its first use, which is in each worker after
# the fork: redis-py brings ~65 modules of its own, and importing them there cost each
# worker ~14 MB of its own (71 MB a worker after the ops-audit load on PostgreSQL and Redis,
# 57 MB with the import here; docs/performance-log.md). Importing connects to nothing. (The
# database's driver needs no such line: psycopg is imported with the models.)
if uses_redis():
    import redis  # noqa: F401
# /healthz's migration check (srm_trainer/ops/health.py) imports every migration module, once
# per worker: read from disk here (no database needed), they are shared instead (~1-1.8 MB less
# in each worker a load balancer probes; docs/performance-log.md).
MigrationLoader(None, ignore_no_migrations=True)
# Forked workers must not share a database connection the master happened to open.
connections.close_all()
gc.freeze()
gc.set_threshold(50_000, 20, 100)
