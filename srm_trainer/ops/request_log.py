"""What each request's log line carries beyond django-structlog's defaults.

- `ip` from `srm_trainer.clientip` (the one place that knows how many proxies to trust),
  not from django-ipware's guess, which believes any X-Forwarded-For a client sends;
- `duration_ms`, the time the app spent on the request;
- the request id back to the client in `X-Request-ID`, so a learner reporting a problem can
  quote it and an operator can find every line of that request.
"""

from __future__ import annotations

import time

import structlog
from django_structlog import signals

from srm_trainer.clientip import client_ip

REQUEST_ID_HEADER = "X-Request-ID"


def _started(request, logger, log_kwargs, **kwargs) -> None:
    request._log_started = time.perf_counter()  # noqa: SLF001 - our own attribute
    structlog.contextvars.bind_contextvars(ip=client_ip(request))


def _finished(request, logger, response, log_kwargs, **kwargs) -> None:
    started = getattr(request, "_log_started", None)
    if started is not None:
        log_kwargs["duration_ms"] = round((time.perf_counter() - started) * 1000, 1)
    request_id = structlog.contextvars.get_contextvars().get("request_id")
    if request_id and REQUEST_ID_HEADER not in response:
        response[REQUEST_ID_HEADER] = request_id


def connect() -> None:
    signals.bind_extra_request_metadata.connect(_started, dispatch_uid="srm-request-started")
    signals.bind_extra_request_finished_metadata.connect(
        _finished, dispatch_uid="srm-request-finished"
    )
