"""Only the app decides whether a request came over https (`SECURE_PROXY_SSL_HEADER`, set when
`DJANGO_TRUST_X_FORWARDED_PROTO` says a proxy sets the header): gunicorn, left to its defaults,
believed X-Forwarded-Proto itself from any client on 127.0.0.1, so behind a local proxy that
passes the header on, a client on plain http could say "https" whatever the setting said."""

from __future__ import annotations

import runpy
from pathlib import Path

from gunicorn.config import Config
from gunicorn.http import wsgi
from gunicorn.http.message import Request
from gunicorn.http.unreader import IterUnreader

ROOT = Path(__file__).resolve().parent.parent.parent


def _environ_for(raw: bytes, peer: tuple[str, int]) -> dict:
    shipped = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    cfg = Config()
    for name, value in shipped.items():
        if name in cfg.settings:
            cfg.set(name, value)
    request = Request(cfg, IterUnreader([raw]), peer, 1)
    _response, environ = wsgi.create(request, object(), peer, ("127.0.0.1", 8000), cfg)
    return environ


def test_gunicorn_leaves_the_forwarded_scheme_to_the_app():
    raw = b"GET / HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-Proto: https\r\n\r\n"
    environ = _environ_for(raw, ("127.0.0.1", 50000))
    assert environ["wsgi.url_scheme"] == "http"
    # The header still reaches Django, which believes it only when told to.
    assert environ["HTTP_X_FORWARDED_PROTO"] == "https"


def test_nor_does_it_believe_gunicorns_other_scheme_headers():
    for header in (b"X-Forwarded-Ssl: on", b"X-Forwarded-Protocol: ssl"):
        raw = b"GET / HTTP/1.1\r\nHost: localhost\r\n" + header + b"\r\n\r\n"
        assert _environ_for(raw, ("127.0.0.1", 50000))["wsgi.url_scheme"] == "http"
