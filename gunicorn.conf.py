"""gunicorn's settings for SRM Trainer in production (`make serve`, or `gunicorn -c gunicorn.conf.py`).

gunicorn reads this file from the current directory by itself. Every value can be changed
through the environment (GUNICORN_BIND, GUNICORN_WORKERS, GUNICORN_TIMEOUT), checked as loudly
as the app's own settings.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable
from typing import TypeVar

from srm_trainer.env import ConfigError, env_bool, env_int, env_log_level, env_str
from srm_trainer.sandbox.state import MAX_LINK_CHARS

T = TypeVar("T")


def checked(read: Callable[..., T], *args: object, **kwargs: object) -> T:
    """A variable read as the app reads it; one set wrong stops gunicorn with its message
    alone (gunicorn would print "Failed to read config file" and a traceback)."""
    try:
        return read(*args, **kwargs)
    except ConfigError as exc:
        raise SystemExit(f"Configuration error: {exc}") from None


wsgi_app = "srm_trainer.wsgi:application"
bind = checked(env_str, "GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers: a request holds one worker, so a few per CPU keep pages answering while some
# are busy evaluating; counting and sessions are shared through the database, so any worker
# can take any request.
workers = checked(env_int, "GUNICORN_WORKERS", 2 * (os.cpu_count() or 1) + 1, minimum=1)
# A worker silent this long is killed and replaced: no request should come near it.
timeout = checked(env_int, "GUNICORN_TIMEOUT", 30, minimum=1)
graceful_timeout = 30
keepalive = 5
# Replace each worker now and then, so a slow leak can never grow for long.
max_requests = 2000
max_requests_jitter = 200

# The longest request line the app needs is "GET <its longest link> HTTP/1.1": pages offer a link
# (a permalink, an analysis row's link with its action and resource) only up to MAX_LINK_CHARS;
# gunicorn's default (4,094) would refuse links over ~4 KB. 8,190 is the most gunicorn accepts
# other than "unlimited".
limit_request_line = len("GET  HTTP/1.1") + MAX_LINK_CHARS
if limit_request_line > 8190:
    raise ValueError(f"limit_request_line {limit_request_line} is over gunicorn's 8190")
limit_request_fields = 100
limit_request_field_size = 8190

# Whether a request came over https is the app's decision alone (SECURE_PROXY_SSL_HEADER, set
# when DJANGO_TRUST_X_FORWARDED_PROTO says a proxy sets the header). gunicorn's default believed
# X-Forwarded-Proto, -Ssl and -Protocol from any client on 127.0.0.1 by itself, so behind a local
# proxy that passes them on, a client on plain http could claim https whatever that setting said.
secure_scheme_headers: dict[str, str] = {}

# Access and error logs to standard output/error, for the process manager to collect.
# The app logs each request itself (one JSON line with its id, user, client address, status
# and time: srm_trainer/ops/), so gunicorn's own access line would only repeat it; turn it on
# with GUNICORN_ACCESS_LOG=true.
accesslog = "-" if checked(env_bool, "GUNICORN_ACCESS_LOG", False) else None
errorlog = "-"
loglevel = checked(env_log_level, "DJANGO_LOG_LEVEL", "INFO").lower()
access_log_format = '%(h)s "%({x-forwarded-for}i)s" %(t)s "%(r)s" %(s)s %(b)s %(M)sms'

# Load the app, its URLconf and the action catalogue once in the master (srm_trainer/wsgi.py
# does the loading and freezes it away from the garbage collector): every worker then shares
# those pages instead of building its own copy.
preload_app = True

# No control socket (gunicorn 25+ opens one by default at one path per user account, through
# which that account can add workers or stop the server): nothing here uses it, and two servers
# under one account shared its path. tests/ops/test_gunicorn_control_socket.py.
control_socket_disable = True

# Django's request objects sit in reference cycles (a form and its bound fields, the request and
# its message storage, a kept error's traceback), which only Python's cyclic collector frees,
# now and then: until it ran, each 2.4 MB form post left ~7 MB behind, and one worker grew from
# 130 to 900 MB. A request whose body is over COLLECT_AFTER_BYTES is collected as soon as it is
# answered (~10 ms, on requests that cost far more), so at most one such request's garbage
# stays. tests/ops/test_gunicorn_collect.py.
COLLECT_AFTER_BYTES = 256 * 1024


def post_request(worker: object, req: object, wsgi_env: dict, resp: object) -> None:
    """After a large request has been answered: free its cycles now. (`wsgi_env` is the
    request's WSGI environ, not the process's environment.)"""
    length = wsgi_env.get("CONTENT_LENGTH") or "0"
    if length.isascii() and length.isdigit() and int(length) > COLLECT_AFTER_BYTES:
        gc.collect()


def when_ready(server: object) -> None:
    """Say where it serves once gunicorn is ready: its configuration read, the app loaded and the
    sockets bound. `make serve-app` printed this before starting gunicorn, so a variable set wrong
    printed "Serving on …" first and its error after; the address is the one bound (port 0 names
    the port the system chose). tests/ops/test_gunicorn_ready.py."""
    addresses = ", ".join(
        f"{listener}/" if str(listener).startswith("http") else str(listener)
        for listener in getattr(server, "LISTENERS", ())
    )
    hosts = os.environ.get("DJANGO_ALLOWED_HOSTS", "")
    print(
        f"  Serving on {addresses} for DJANGO_ALLOWED_HOSTS={hosts} (health: /healthz);"
        " Ctrl-C stops it.",
        flush=True,
    )
