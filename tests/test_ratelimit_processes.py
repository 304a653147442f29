"""A burst from one client against a real multi-process server (gunicorn, the shipped config)
gets no more than the limit through: the count is shared by every worker process."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytestmark = pytest.mark.processes

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 20
BURST = 60
WORKERS = 3

CASE = json.dumps(
    {
        "request": {
            "principal": "arn:aws:iam::111122223333:user/alice",
            "action": "s3:GetObject",
            "resource": "arn:aws:s3:::reports/q1.csv",
        },
        "identity_policies": [
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
            }
        ],
    }
).encode()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _post(url: str) -> tuple[int, str, str]:
    request = urllib.request.Request(
        url, data=CASE, headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, "", response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Retry-After", ""), exc.read().decode()


def _start_server(tmp_path: Path, port: int) -> tuple[subprocess.Popen, Path]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CACHE_"))},
        "DJANGO_SETTINGS_MODULE": "srm_trainer.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'burst.sqlite3'}",
        "RATE_LIMIT_API": f"{LIMIT}/3600",  # an hour's window: the burst never straddles two
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(WORKERS),
    }
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300
    )
    log = tmp_path / "access.log"
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            "gunicorn.conf.py",
            "--access-logfile",
            str(log),
            "--access-logformat",
            "%(p)s %(s)s",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return server, log


def test_a_burst_across_worker_processes_gets_no_more_than_the_limit(tmp_path):
    port = _free_port()
    server, log = _start_server(tmp_path, port)
    url = f"http://127.0.0.1:{port}/api/iam/evaluate"
    try:
        for _ in range(200):  # a GET is refused (405) before any counting: a readiness probe
            try:
                urllib.request.urlopen(url, timeout=2)  # noqa: S310 - our own test server
            except urllib.error.HTTPError:
                break
            except OSError:
                time.sleep(0.05)
        with ThreadPoolExecutor(max_workers=12) as pool:
            results = list(pool.map(lambda _: _post(url), range(BURST)))
    finally:
        server.terminate()
        server.wait(timeout=30)
    statuses = [status for status, _, _ in results]
    assert statuses.count(200) == LIMIT, statuses
    assert statuses.count(429) == BURST - LIMIT, statuses
    refused = [r for r in results if r[0] == 429]
    assert all(int(retry) > 0 for _, retry, _ in refused)
    assert all(json.loads(body)["error"]["code"] == "rate_limited" for _, _, body in refused)
    # The burst really was spread over several processes.
    served_by = {line.split()[0] for line in log.read_text().splitlines() if line.endswith("429")}
    assert len(served_by) > 1, served_by
