"""Logging for the whole app, as the `LOGGING` setting and structlog's configuration.

Every line, Django's own and ours, goes through structlog's formatter so that it carries the
request's id, user and address: JSON (one object per line, for a log collector) in
production, readable key=value lines on a developer's console.
"""

from __future__ import annotations

import logging

import structlog
from structlog.typing import Processor

SHARED_PROCESSORS: list[Processor] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_logger_name,
    structlog.stdlib.add_log_level,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def configure(*, json: bool, level: str) -> dict:
    """Configure structlog and return the `LOGGING` dict for Django."""
    structlog.configure(
        processors=[
            # First: a line below the level (each request's "request_started" at DEBUG) is
            # dropped before its context is merged and its time stamped.
            structlog.stdlib.filter_by_level,
            *SHARED_PROCESSORS,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"structured": {"()": structured_formatter, "json": json}},
        "filters": {"client_faults": {"()": ClientFaultsWithoutTraceback}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "structured",
                "filters": ["client_faults"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        # django-structlog logs each request once it is answered; Django's own line for the
        # same request (with no id) would only repeat it.
        # fontTools reports every table it subsets (some forty lines per certificate PDF).
        # A client's fault Django refuses (`django.security.*`: a body over the size limit, too
        # many fields, a Host not allowed) is one line here, not also Django's own console
        # print of it with its traceback (DEBUG) or a mail to the admins.
        "loggers": {
            "django.server": {"level": "WARNING"},
            "fontTools": {"level": "WARNING"},
            "django.security": {"handlers": ["console"], "propagate": False},
        },
    }


def structured_formatter(json: bool) -> logging.Formatter:
    """Renders a record (from structlog or plain `logging`) with the request's context."""
    renderer = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=SHARED_PROCESSORS,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            renderer,
        ],
    )


class ClientFaultsWithoutTraceback(logging.Filter):
    """Django's `django.security.*` lines are about what a client sent, already answered with a
    400 page: the line and its reason stay, the traceback Django attaches (only Django's own
    frames) goes, so a traceback in the log stays what it should be: a fault of ours. So do
    `django.request`'s lines for any other answer under 500 (a learner opening /teach/ is
    refused with PermissionDenied, and Django logged its traceback with each 403)."""

    def filter(self, record: logging.LogRecord) -> bool:
        client_fault = record.name.startswith("django.security.") or (
            record.name == "django.request" and getattr(record, "status_code", 500) < 500
        )
        if client_fault and record.exc_info:
            record.exc_info = None
            record.exc_text = None
        return True
