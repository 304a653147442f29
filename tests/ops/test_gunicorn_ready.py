"""`make serve-app` printed "Serving on http://…/" before it started gunicorn, so a GUNICORN_*
variable set wrong printed that line first and its configuration error after, as if it served.
gunicorn now says it from the shipped config's `when_ready`, once the configuration is read,
the app loaded and the sockets bound, with the address really bound."""

from __future__ import annotations

import re
import runpy
from pathlib import Path
from types import SimpleNamespace

from gunicorn.config import Config
from gunicorn.sock import TCPSocket

ROOT = Path(__file__).resolve().parent.parent.parent


def test_when_ready_names_the_address_bound_and_the_hosts(capsys, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "srm.example.com")
    shipped = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    cfg = Config()
    bound = TCPSocket(("127.0.0.1", 0), cfg, SimpleNamespace(info=lambda *a: None))
    try:
        port = bound.getsockname()[1]
        shipped["when_ready"](SimpleNamespace(LISTENERS=[bound]))
    finally:
        bound.close()
    assert capsys.readouterr().out == (
        f"  Serving on http://127.0.0.1:{port}/ for DJANGO_ALLOWED_HOSTS=srm.example.com"
        " (health: /healthz); Ctrl-C stops it.\n"
    )


def test_serve_app_says_nothing_of_serving_before_gunicorn_has_read_its_config():
    """The recipe's lines before gunicorn's own: collectstatic, no "Serving on"."""
    makefile = (ROOT / "Makefile").read_text()
    recipe = re.search(r"^serve-app:.*\n((?:\t.*\n)+)", makefile, re.M)
    assert recipe and "gunicorn -c gunicorn.conf.py" in recipe.group(1)
    assert "Serving on" not in recipe.group(1)
