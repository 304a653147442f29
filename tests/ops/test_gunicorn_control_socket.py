"""gunicorn (25 and later) opens a control socket by default, one path per user account
(`~/.gunicorn/gunicorn.ctl`): through it anyone on that account can add workers or shut the
server down, and two servers under one account (`make serve-app` on two ports) shared it.
Nothing here uses it, so the shipped config leaves it closed."""

from __future__ import annotations

import logging
import runpy
from pathlib import Path
from types import SimpleNamespace

from gunicorn.arbiter import Arbiter
from gunicorn.config import Config

ROOT = Path(__file__).resolve().parent.parent.parent


def test_the_shipped_config_opens_no_control_socket(tmp_path):
    shipped = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    cfg = Config()
    for name, value in shipped.items():
        if name in cfg.settings:
            cfg.set(name, value)
    where = tmp_path / "gunicorn.ctl"
    cfg.set("control_socket", str(where))
    arbiter = SimpleNamespace(cfg=cfg, log=logging.getLogger("gunicorn.test"))
    arbiter._get_control_socket_path = lambda: str(where)
    Arbiter._start_control_server(arbiter)
    server = getattr(arbiter, "_control_server", None)
    if server is not None:  # the test failing: close what it opened
        server.stop()
    assert server is None and not where.exists()
