"""A load client cheap enough not to be the thing measured (tests/bench/test_server_bench.py).

The first client was 8 Python threads, each building an `http.client` request and parsing its
response: on this 2-core machine it used about a third of the CPU the server needed, so the
server figures measured the client as much as the server. This one sends one prebuilt request
(bytes made once) over `CONNECTIONS` raw sockets kept busy by one `selectors` loop in a child
process: each connection sends the request, reads the answer until gunicorn closes it (its sync
workers answer one request per connection), notes the status line and the time, and opens the
next connection at once. So there are always `CONNECTIONS` requests in flight, as with 8
clients that each wait for their answer, and the client's own CPU time is measured and reported.
"""

from __future__ import annotations

import errno
import multiprocessing
import resource
import selectors
import socket
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Load:
    rps: float
    latencies_ms: list[float]
    statuses: dict[int, int]  # status -> count
    client_cpu_s: float  # the client process's user + system time
    seconds: float


def request_bytes(method: str, path: str, body: str | None, host: str = "127.0.0.1") -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n"
    data = (body or "").encode()
    if body is not None:
        head += f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n"
    return head.encode() + b"\r\n" + data


def _run(port: int, request: bytes, connections: int, seconds: float, out) -> None:
    sel = selectors.DefaultSelector()
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    stop = time.perf_counter() + seconds

    def open_one() -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        code = sock.connect_ex(("127.0.0.1", port))
        if code not in (0, errno.EINPROGRESS):
            raise OSError(code, "connect failed")
        sel.register(sock, selectors.EVENT_WRITE, [time.perf_counter(), bytearray()])

    usage = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    for _ in range(connections):
        open_one()
    in_flight = connections
    while in_flight:
        for key, mask in sel.select(timeout=10):
            sock, state = key.fileobj, key.data
            if mask & selectors.EVENT_WRITE:
                sock.sendall(request)  # a few hundred bytes: the socket buffer takes them
                sel.modify(sock, selectors.EVENT_READ, state)
                continue
            chunk = sock.recv(65536)
            if chunk:
                state[1] += chunk
                continue
            sel.unregister(sock)
            sock.close()
            now = time.perf_counter()
            latencies.append((now - state[0]) * 1000)
            status = int(bytes(state[1][9:12]) or 0)
            statuses[status] = statuses.get(status, 0) + 1
            if now < stop:
                open_one()
            else:
                in_flight -= 1
    elapsed = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime)
    out.send((latencies, statuses, cpu, elapsed))
    out.close()


def load(
    port: int, method: str, path: str, body: str | None, *, connections: int, seconds: float
) -> Load:
    """`connections` requests kept in flight for `seconds`, from a child process."""
    receive, send = multiprocessing.Pipe(duplex=False)
    child = multiprocessing.get_context("fork").Process(
        target=_run, args=(port, request_bytes(method, path, body), connections, seconds, send)
    )
    child.start()
    latencies, statuses, cpu, elapsed = receive.recv()
    child.join()
    return Load(len(latencies) / elapsed, latencies, statuses, cpu, elapsed)
