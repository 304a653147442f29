"""The production server under load (issue 15): `gunicorn -c gunicorn.conf.py` with production
settings, 2 workers, 8 clients on loopback, the shipped curriculum loaded. Run with
`make bench`; figures are printed as one table.

Budgets (a quiet 2-core machine): home >= 400 req/s, a lesson page >= 300 req/s, and each
worker's private memory <= 60 MB after the load (the master loads the app and the action
catalogue once; workers share those pages).
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.bench import report

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


def _load(port: int, method: str, path: str, body: str | None) -> tuple[float, list[float]]:
    """Requests per second and latencies (ms) from CLIENTS threads for SECONDS."""
    stop = time.perf_counter() + SECONDS
    latencies: list[float] = []
    failures: list[int] = []
    lock = threading.Lock()
    headers = {"Host": "127.0.0.1"}
    if body is not None:
        headers["Content-Type"] = "application/json"

    def client() -> None:
        mine = []
        while time.perf_counter() < stop:
            start = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            conn.close()
            mine.append((time.perf_counter() - start) * 1000)
            if response.status != 200:
                failures.append(response.status)
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    assert not failures, f"{path}: non-200 answers {sorted(set(failures))}"
    return len(latencies) / elapsed, latencies


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
        "DJANGO_LOG_LEVEL": "WARNING",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        # What is measured is serving, not the per-client limits.
        "RATE_LIMIT_SANDBOX": "100000000/60",
        "RATE_LIMIT_SANDBOX_ADDRESS": "100000000/60",
        "RATE_LIMIT_API": "100000000/60",
        "RATE_LIMIT_API_ADDRESS": "100000000/60",
    }
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
    try:
        for _ in range(300):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.1)
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
            _load(port, method, path, body)  # warm every worker
            results[name] = _load(port, method, path, body)
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
            _load(port, method, path, body)
            results[f"{name} at 100x"] = _load(port, method, path, body)
        memory = {pid: _private_mb(pid) for pid in _workers(server.pid)}
    finally:
        server.terminate()
        server.wait(timeout=20)

    for name, (rps, latencies) in results.items():
        report.record_samples(
            "api" if name == "api" else "server",
            f"{name} (gunicorn, 2 workers, {CLIENTS} clients)",
            latencies,
            "ms",
            note=f"{rps:,.0f} req/s",
        )
    report.record(
        "memory",
        "private memory per worker after the load",
        max(memory.values(), default=0.0),
        "MB",
        note="largest of " + ", ".join(f"{mb:.0f}" for mb in memory.values()),
    )
    print(f"\n  gunicorn, 2 workers, {CLIENTS} clients, {SECONDS:.0f} s per page, loopback")
    print(f"  {'page':10} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8}")
    for name, (rps, latencies) in results.items():
        p95 = statistics.quantiles(latencies, n=100)[94]
        print(f"  {name:10} {rps:8.0f} {statistics.median(latencies):8.1f} {p95:8.1f}")
    print(
        "  private memory per worker after the load: "
        + ", ".join(f"{mb:.0f} MB" for mb in memory.values())
    )
    for name in GROWN_PAGES:
        grown = results[f"{name} at 100x"][0] / results[name][0]
        report.record("pages", f"{name}: req/s at 100x / at 1x (gunicorn)", grown, "x")
    for name, budget in BUDGET_RPS.items():
        assert results[name][0] >= budget, f"{name}: {results[name][0]:.0f} req/s < {budget}"
        grown = results[f"{name} at 100x"][0]
        assert grown >= budget * 0.8, f"{name} at 100x: {grown:.0f} req/s < 80% of {budget}"
    assert memory and max(memory.values()) <= BUDGET_WORKER_MB
