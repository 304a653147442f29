"""The production server under load (issue 15): `gunicorn -c gunicorn.conf.py` with production
settings (request logs on, as JSON at INFO, sent to /dev/null), 2 workers, 8 clients on
loopback, the shipped curriculum loaded. Run with `make bench`; figures are printed as one
table.

How it loads (tests/bench/loadclient.py): one child process keeps 8 connections busy with a
`selectors` loop, each sending one prebuilt request and reading the answer until gunicorn
closes the connection (sync workers take one request per connection), then opening the next.
The client shares the 2 cores with the server, so its own CPU time and the server's (master
and workers, from /proc) are measured too, and the table shows the client's share and the
server's CPU time per request: the figure that other work on the machine disturbs least.

Budgets (a quiet 2-core machine): home >= 400 req/s, a lesson page >= 300 req/s, with the
course grown to 2,400 lessons still >= 80% of those figures, and each worker's private memory
<= 60 MB after the load (the master loads the app and the action catalogue once; workers share
those pages). The 100x / 1x ratio printed compares each grown page with the same page measured
by the same workers just before the growth.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.bench import report
from tests.bench.loadclient import load

pytestmark = pytest.mark.bench

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 8
SECONDS = 3.0
BUDGET_RPS = {"home": 400, "lesson": 300}
BUDGET_WORKER_MB = 60

GROWN_PAGES = ("home", "module", "lesson")
# Run by `manage.py shell -c`: as many lessons again in each module as makes the shipped course
# 2,400 lessons long, each with a body of ordinary length, after the shipped ones.
GROW_COURSE = """
from lessons import reading_order
from lessons.models import Lesson, Module
modules = list(Module.objects.all())
extra = (2400 - Lesson.objects.count()) // len(modules) + 1
body = ("Words about who secures what, with **emphasis**. " * 12 + "\\n\\n") * 8
Lesson.objects.bulk_create(
    Lesson(module=m, slug=f"grown-{i}", title=f"Grown lesson {i}", summary="Filler.",
           body=body, order=1000 + i, published=True)
    for m in modules for i in range(extra)
)
reading_order.changed()
"""

API_CASE = json.dumps(
    {
        "request": {
            "principal": "arn:aws:iam::111122223333:user/alice",
            "action": "s3:GetObject",
            "resource": "arn:aws:s3:::reports/q1.csv",
        },
        "identity_policies": [
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"},
                    {"Effect": "Deny", "Action": "s3:*", "Resource": "arn:aws:s3:::secret/*"},
                ],
            }
        ],
    }
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _private_mb(pid: int) -> float:
    total = 0
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith(("Private_Clean:", "Private_Dirty:")):
            total += int(line.split()[1])
    return total / 1024


def _workers(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def _server_cpu_s(master: int) -> float:
    """CPU seconds used by the server so far: the master, its live workers, and the workers
    it has already replaced (counted into the master's children's time once reaped)."""
    tick = os.sysconf("SC_CLK_TCK")

    def times(pid: int, children: bool) -> int:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:  # a worker that just ended: its time is in the master's
            return 0
        # utime, stime, cutime, cstime are fields 14-17 of stat (11-14 after the name).
        return sum(int(f) for f in fields[11 : 15 if children else 13])

    return (times(master, True) + sum(times(pid, False) for pid in _workers(master))) / tick


def _load(port: int, master: int, method: str, path: str, body: str | None):
    """Requests per second, latencies (ms), client CPU share and server CPU ms per request."""
    before = _server_cpu_s(master)
    result = load(port, method, path, body, connections=CLIENTS, seconds=SECONDS)
    server = _server_cpu_s(master) - before
    bad = {status: n for status, n in result.statuses.items() if status != 200}
    assert not bad, f"{path}: non-200 answers {bad}"
    requests = len(result.latencies_ms)
    share = result.client_cpu_s / (result.client_cpu_s + server) if server else 0.0
    return result.rps, result.latencies_ms, share, server * 1000 / requests


def _serve(env: dict[str, str], port: int) -> subprocess.Popen:
    """The app as `make serve` runs it, under `env`: migrated, the course loaded, static files
    collected, gunicorn started with the repository's config, and `/healthz` answering on
    `port` (or 30 s gone by)."""
    for command in (
        ["migrate", "-v0"],
        ["load_curriculum", "-v0"],
        ["collectstatic", "--no-input", "-v0"],
    ):
        subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, timeout=600
        )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(300):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                break
        except OSError:
            time.sleep(0.1)
    return server


def test_the_production_server_under_load(tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "srm_trainer.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bench.sqlite3'}",
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "bench-" + "k" * 50,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_LOG_LEVEL": "INFO",  # one JSON line per request, as in production
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        # What is measured is serving, not the per-client limits.
        "RATE_LIMIT_SANDBOX": "100000000/60",
        "RATE_LIMIT_SANDBOX_ADDRESS": "100000000/60",
        "RATE_LIMIT_API": "100000000/60",
        "RATE_LIMIT_API_ADDRESS": "100000000/60",
    }
    server = _serve(env, port)
    try:
        pages = {
            "home": ("GET", "/", None),
            "module": ("GET", "/learn/iam/", None),
            "lesson": ("GET", "/learn/iam/root-user/", None),
            "sandbox": ("GET", "/sandbox/", None),
            "api": ("POST", "/api/iam/evaluate", API_CASE),
            "healthz": ("GET", "/healthz", None),
        }
        results = {}
        for name, (method, path, body) in pages.items():
            _load(port, server.pid, method, path, body)  # warm every worker
            results[name] = _load(port, server.pid, method, path, body)
        # The pages measured again just before the course grows, so the 100x figures are
        # compared with a worker in the same state: after the sandbox and API loads a worker
        # serves the same 24-lesson pages 5-10% slower (its caches and heap have grown), which
        # the first figures, taken from fresh workers, would otherwise charge to the course size.
        for name in GROWN_PAGES:
            method, path, body = pages[name]
            results[f"{name} before growing"] = _load(port, server.pid, method, path, body)
        # The course grown 100x (2,400 lessons) under the same server: the pages whose cost
        # must not grow, measured again (the kept reading order is told by the shared cache).
        subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", GROW_COURSE],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=600,
        )
        for name in GROWN_PAGES:
            method, path, body = pages[name]
            _load(port, server.pid, method, path, body)
            results[f"{name} at 100x"] = _load(port, server.pid, method, path, body)
        memory = {pid: _private_mb(pid) for pid in _workers(server.pid)}
    finally:
        server.terminate()
        server.wait(timeout=20)

    for name, (rps, latencies, _share, cpu_ms) in results.items():
        report.record_samples(
            "api" if name == "api" else "server",
            f"{name} (gunicorn, 2 workers, {CLIENTS} clients)",
            latencies,
            "ms",
            note=f"{rps:,.0f} req/s, server CPU {cpu_ms:.2f} ms/request",
        )
    report.record(
        "memory",
        "private memory per worker after the load",
        max(memory.values(), default=0.0),
        "MB",
        note="largest of " + ", ".join(f"{mb:.0f}" for mb in memory.values()),
    )
    print(f"\n  gunicorn, 2 workers, {CLIENTS} clients, {SECONDS:.0f} s per page, loopback")
    print(
        f"  {'page':20} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'server CPU ms/req':>18}"
        f" {'client CPU share':>17}"
    )
    for name, (rps, latencies, share, cpu_ms) in results.items():
        p95 = statistics.quantiles(latencies, n=100)[94]
        print(
            f"  {name:20} {rps:7.0f} {statistics.median(latencies):7.1f} {p95:7.1f}"
            f" {cpu_ms:18.2f} {share:17.0%}"
        )
    print(
        "  private memory per worker after the load: "
        + ", ".join(f"{mb:.0f} MB" for mb in memory.values())
    )
    for name in GROWN_PAGES:
        grown = results[f"{name} at 100x"][0] / results[f"{name} before growing"][0]
        report.record("pages", f"{name}: req/s at 100x / at 1x (gunicorn)", grown, "x")
    for name, budget in BUDGET_RPS.items():
        assert results[name][0] >= budget, f"{name}: {results[name][0]:.0f} req/s < {budget}"
        grown = results[f"{name} at 100x"][0]
        assert grown >= budget * 0.8, f"{name} at 100x: {grown:.0f} req/s < 80% of {budget}"
    assert memory and max(memory.values()) <= BUDGET_WORKER_MB
