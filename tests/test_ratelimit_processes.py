"""A burst from one client against a real multi-process server (gunicorn, the shipped config)
gets no more than the limit through: the count is shared by every worker process."""

from __future__ import annotations

import json
import os
import shutil
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


def _start_server(tmp_path: Path, port: int, **extra: str) -> tuple[subprocess.Popen, Path]:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "CACHE_"))},
        "DJANGO_SETTINGS_MODULE": "srm_trainer.settings",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'burst.sqlite3'}",
        "RATE_LIMIT_API": f"{LIMIT}/3600",  # an hour's window: the burst never straddles two
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(WORKERS),
        **extra,
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


@pytest.fixture
def redis_url(tmp_path):
    """A throwaway Redis server, when this machine has one (`.[redis]` and redis-server)."""
    pytest.importorskip("redis")
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    port = _free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_burst_across_worker_processes_gets_no_more_than_the_limit(tmp_path):
    _burst(tmp_path)


def test_with_redis_as_the_cache_too(tmp_path, redis_url):
    _burst(tmp_path, CACHE_URL=redis_url)


def _burst(tmp_path: Path, **env: str) -> None:
    port = _free_port()
    server, log = _start_server(tmp_path, port, **env)
    url = f"http://127.0.0.1:{port}/api/iam/evaluate"
    try:
        _wait_for_workers(url, log)
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
    served_by = {pid for pid, status in _log(log) if status in ("200", "429")}
    assert len(served_by) > 1, served_by


def _log(log: Path) -> list[tuple[str, str]]:
    """(worker pid, status) of each request served so far."""
    text = log.read_text() if log.exists() else ""
    return [tuple(line.split()[:2]) for line in text.splitlines() if line.count(" ") == 1]


def _wait_for_workers(url: str, log: Path) -> None:
    """Until at least two workers answer. A GET is refused (405) before any counting."""

    def probe(_):
        try:
            urllib.request.urlopen(url, timeout=5)  # noqa: S310 - our own test server
        except urllib.error.HTTPError:
            pass
        except OSError:
            time.sleep(0.05)

    deadline = time.monotonic() + 60
    with ThreadPoolExecutor(max_workers=WORKERS * 2) as pool:
        while time.monotonic() < deadline:
            list(pool.map(probe, range(WORKERS * 2)))
            if len({pid for pid, status in _log(log) if status == "405"}) >= 2:
                return
    raise AssertionError("gunicorn's workers did not answer within 60 s")
