"""Private memory per gunicorn worker on PostgreSQL + Redis (issue 15's 60 MB budget, the
ops audit's Point 2): `tests/bench/test_server_bench.py` measures it on SQLite + the database
cache only, and on PostgreSQL + Redis workers held 61-72 MB after the same pages until the
master preloaded the redis client (docs/performance-log.md).

A throwaway PostgreSQL (started as `.ci/with-postgres` starts it, in a temporary directory on a
loopback port) and Redis (`--save ''`), production settings, the shipped curriculum, gunicorn
with 5 workers (its default on 2 cores), every worker's `/healthz` probed as a load balancer
would, then the ops audit's 9 pages under 8 clients. Skipped where PostgreSQL or Redis is not
installed.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.bench import report
from tests.bench.loadclient import load
from tests.bench.test_server_bench import (
    BUDGET_WORKER_MB,
    CLIENTS,
    _free_port,
    _private_mb,
    _serve,
    _workers,
)

pytestmark = pytest.mark.bench

WORKERS = 5
PAGES = (
    "/",
    "/learn/srm/",
    "/sandbox/",
    "/quizzes/",
    "/learn/glossary/",
    "/labs/",
    "/search/?q=policy",
    "/lab/network/",
    "/lab/waf/",
)
ROUNDS = 3
SECONDS_PER_PAGE = 0.7


def _postgres_bin() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[4]))
    return found[-1] if found else None


def _as_owner(command: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: there, as Debian's `postgres` user."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def test_private_memory_per_worker_on_postgresql_and_redis():
    pg_bin, redis_server = _postgres_bin(), shutil.which("redis-server")
    if not pg_bin or not redis_server:
        pytest.skip("PostgreSQL (Debian's postgresql) or redis-server is not installed")
    # Not pytest's tmp_path: its parent is closed to the `postgres` user.
    data = Path(tempfile.mkdtemp(prefix="srm-bench-pg."))
    if os.geteuid() == 0:
        shutil.chown(data, "postgres")
    pg_port, redis_port, port = _free_port(), _free_port(), _free_port()
    subprocess.run(
        _as_owner([f"{pg_bin}/initdb", "-D", str(data / "data"), "-U", "srm", "-A", "trust"])
        + ["--no-sync", "-E", "UTF8"],
        check=True,
        capture_output=True,
    )
    options = (
        f"-p {pg_port} -k {data} -c listen_addresses=127.0.0.1 -c fsync=off"
        " -c synchronous_commit=off -c full_page_writes=off"
    )
    pg_ctl = [f"{pg_bin}/pg_ctl", "-D", str(data / "data")]
    subprocess.run(
        _as_owner([*pg_ctl, "-l", str(data / "log"), "-w", "-s", "start", "-o", options]),
        check=True,
    )
    redis = subprocess.Popen(
        [redis_server, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", ""],
        stdout=subprocess.DEVNULL,
    )
    server = None
    try:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "srm_trainer.settings",
            "DATABASE_URL": f"postgres://srm@127.0.0.1:{pg_port}/postgres",
            "CACHE_URL": f"redis://127.0.0.1:{redis_port}/0",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "bench-" + "k" * 50,
            "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_LOG_LEVEL": "INFO",
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_WORKERS": str(WORKERS),
            # What is measured is memory after serving pages, not the per-client limits.
            **{
                f"RATE_LIMIT_{name}{scope}": "100000000/60"
                for name in ("SANDBOX", "SEARCH", "API")
                for scope in ("", "_ADDRESS")
            },
        }
        server = _serve(env, port)
        # A load balancer's probe reaches every worker: one connection each, kept busy at once.
        load(port, "GET", "/healthz", None, connections=WORKERS * 2, seconds=0.5)
        for _ in range(ROUNDS):
            for path in PAGES:
                result = load(
                    port, "GET", path, None, connections=CLIENTS, seconds=SECONDS_PER_PAGE
                )
                bad = {s: n for s, n in result.statuses.items() if s != 200}
                assert not bad, f"{path}: non-200 answers {bad}"
        memory = {pid: _private_mb(pid) for pid in _workers(server.pid)}
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        redis.terminate()
        redis.wait(timeout=30)
        subprocess.run(_as_owner([*pg_ctl, "-m", "immediate", "stop"]), capture_output=True)
        shutil.rmtree(data, ignore_errors=True)

    report.record(
        "memory",
        "private memory per worker, PostgreSQL + Redis, 9 pages",
        max(memory.values(), default=0.0),
        "MB",
        note="largest of " + ", ".join(f"{mb:.0f}" for mb in memory.values()),
    )
    print(
        "\n  PostgreSQL + Redis, private memory per worker after the load: "
        + ", ".join(f"{mb:.0f} MB" for mb in memory.values())
    )
    assert memory and max(memory.values()) <= BUDGET_WORKER_MB
