"""Each request's log line: django-structlog's `RequestMiddleware`, with what it carries beyond
its defaults, and only the work a line that is written needs.

What a request carries:
- `request_id`, a fresh UUID (never the client's), bound for every line logged while the
  request is answered, and sent back in `X-Request-ID`, so a learner reporting a problem can
  quote it and an operator can find every line of that request;
- `ip` from `srm_trainer.clientip` (the one place that knows how many proxies to trust),
  not from django-ipware's guess, which believes any X-Forwarded-For a client sends;
- on its "request_finished" line: `duration_ms`, the time the app spent, and `user_id`.

django-structlog builds the "request_started" line (DEBUG here) and the "request_finished"
line's fields (the user, who is loaded for it, the path, the merged context) on every request
and only then asks whether the line is wanted. Here a line below its logger's level is not
built at all: ~8% of a small page's CPU went to lines nobody would see (the test suite logs
requests only at ERROR). The request id, the address and the `X-Request-ID` header are the
same either way. django-structlog's signals are still sent, with the same arguments, when
anything listens to them.
"""

from __future__ import annotations

import logging
import time
import uuid

import structlog
from asgiref.sync import iscoroutinefunction
from django.http import StreamingHttpResponse
from django_structlog import signals
from django_structlog.app_settings import app_settings
from django_structlog.middlewares import request as structlog_request
from django_structlog.middlewares.request import RequestMiddleware, get_request_header

from srm_trainer import outage
from srm_trainer.clientip import client_ip

REQUEST_ID_HEADER = "X-Request-ID"

# The standard-library logger behind django-structlog's: its level decides what is written.
_stdlib_logger = logging.getLogger(structlog_request.__name__)


def _failed_with_the_status_sent(sender, exception=None, log_kwargs=None, **kwargs) -> None:
    """django-structlog's "request_failed" line says "code": 500 for every uncaught exception;
    an outage is answered 503 (srm_trainer/outage.py), and the line says so."""
    if log_kwargs is not None:
        log_kwargs["code"] = outage.status_for(exception)


signals.bind_extra_request_failed_metadata.connect(
    _failed_with_the_status_sent, dispatch_uid="srm_trainer.ops.request_log.failed_status"
)


class RequestLogMiddleware(RequestMiddleware):
    """django-structlog's request log (see the module's docstring); its settings are read once,
    as the middleware is built (tests that change them build it again)."""

    def __init__(self, get_response) -> None:
        super().__init__(get_response)
        self.trust_request_id = app_settings.TRUST_UPSTREAM_REQUEST_ID
        self.trust_correlation_id = app_settings.TRUST_UPSTREAM_CORRELATION_ID
        self.start_level = app_settings.STATUS_START_LOG_LEVEL
        self.levels = {
            2: app_settings.STATUS_2XX_LOG_LEVEL,
            4: app_settings.STATUS_4XX_LOG_LEVEL,
            5: app_settings.STATUS_5XX_LOG_LEVEL,
        }
        self.default_level = app_settings.STATUS_DEFAULT_LOG_LEVEL
        self.is_async = iscoroutinefunction(self)

    def __call__(self, request):
        if self.is_async:
            return self.__acall__(request)
        self.prepare(request)
        response = self.get_response(request)
        self.handle_response(request, response)
        return response

    def _log_level_for_status_code(self, status_code: int) -> int:
        return self.levels.get(status_code // 100, self.default_level)

    def prepare(self, request) -> None:
        structlog.contextvars.clear_contextvars()
        request_id = ""
        if self.trust_request_id:
            request_id = get_request_header(request, "x-request-id", "HTTP_X_REQUEST_ID")
        request_id = request_id or str(uuid.uuid4())
        request._log_id = request_id  # noqa: SLF001 - our own attribute
        request._log_started = time.perf_counter()  # noqa: SLF001
        structlog.contextvars.bind_contextvars(request_id=request_id, ip=client_ip(request))
        if self.trust_correlation_id:
            correlation_id = get_request_header(
                request, "x-correlation-id", "HTTP_X_CORRELATION_ID"
            )
            if correlation_id:
                structlog.contextvars.bind_contextvars(correlation_id=correlation_id)
        # Before AuthenticationMiddleware there is no user yet: bound when the request ends.
        if hasattr(request, "user"):
            self.bind_user_id(request)
        logged = _stdlib_logger.isEnabledFor(self.start_level)
        if not (logged or signals.bind_extra_request_metadata.receivers):
            return
        log_kwargs = {
            "request": self.format_request(request),
            "user_agent": request.META.get("HTTP_USER_AGENT"),
        }
        signals.bind_extra_request_metadata.send(
            sender=self.__class__,
            request=request,
            logger=structlog_request.logger,
            log_kwargs=log_kwargs,
        )
        if logged:
            structlog_request.logger.log(self.start_level, "request_started", **log_kwargs)

    def handle_response(self, request, response) -> None:
        if hasattr(request, "_raised_exception"):
            # Logged as "request_failed" already (django-structlog's, which then sent no
            # X-Request-ID: a learner facing the 500 page had no id to quote).
            exception = request._raised_exception  # noqa: SLF001 - django-structlog's
            delattr(request, "_raised_exception")
            signals.update_failure_response.send(
                sender=self.__class__,
                request=request,
                response=response,
                logger=structlog_request.logger,
                exception=exception,
            )
        else:
            level = self._log_level_for_status_code(response.status_code)
            streaming = isinstance(response, StreamingHttpResponse)
            logged = _stdlib_logger.isEnabledFor(level)
            if logged or streaming or signals.bind_extra_request_finished_metadata.receivers:
                self._log_finished(request, response, level, logged=logged, streaming=streaming)
        request_id = getattr(request, "_log_id", None)
        if request_id and REQUEST_ID_HEADER not in response:
            response[REQUEST_ID_HEADER] = request_id
        # Cleared when the server closes the response, not now: Django writes its own line for
        # a 4xx or 5xx answer ("Not Found: /path") after every middleware has returned, and it
        # went out without the request's id (`prepare` clears too, should a response never be
        # closed).
        response._resource_closers.append(structlog.contextvars.clear_contextvars)  # noqa: SLF001

    def _log_finished(self, request, response, level: int, *, logged: bool, streaming: bool):
        """django-structlog's "request_finished" line, with the time taken; a streaming
        response's lines (started, finished) carry the request's context."""
        self.bind_user_id(request)
        log_kwargs = {"code": response.status_code, "request": self.format_request(request)}
        started = getattr(request, "_log_started", None)
        if started is not None:
            log_kwargs["duration_ms"] = round((time.perf_counter() - started) * 1000, 1)
        signals.bind_extra_request_finished_metadata.send(
            sender=self.__class__,
            request=request,
            logger=structlog_request.logger,
            response=response,
            log_kwargs=log_kwargs,
        )
        if logged:
            structlog_request.logger.log(level, "request_finished", **log_kwargs)
        if streaming:
            context = structlog.contextvars.get_merged_contextvars(structlog_request.logger)
            wrap = (
                structlog_request.async_streaming_content_wrapper
                if response.is_async
                else structlog_request.sync_streaming_content_wrapper
            )
            response.streaming_content = wrap(response.streaming_content, context)
