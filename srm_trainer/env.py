"""Reading configuration from the environment, loudly.

A malformed value is an error at start-up, never a silent default: `DJANGO_DEBUG=maybe`
must not quietly mean False in production.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import overload
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


def env_bool(name: str, default: bool, environ: Mapping[str, str] = os.environ) -> bool:
    """A boolean is one of true/false (or 1/0, yes/no, on/off), nothing else."""
    raw = environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(
    name: str,
    default: int,
    environ: Mapping[str, str] = os.environ,
    *,
    minimum: int | None = None,
) -> int:
    raw = environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}.")
    return value


def env_list(name: str, default: list[str], environ: Mapping[str, str] = os.environ) -> list[str]:
    """A comma-separated list; empty items are a typo, so they are refused."""
    raw = environ.get(name)
    if raw is None or raw.strip() == "":
        return list(default)
    items = [item.strip() for item in raw.split(",")]
    if any(not item for item in items):
        raise ImproperlyConfigured(f"{name} has an empty item: {raw!r}.")
    return items


@overload
def env_str(name: str, default: str, environ: Mapping[str, str] = ...) -> str: ...
@overload
def env_str(name: str, default: None, environ: Mapping[str, str] = ...) -> str | None: ...
def env_str(name: str, default: str | None, environ: Mapping[str, str] = os.environ) -> str | None:
    """The variable's text, stripped; `default` when it is unset or blank (so a text default
    gives a text)."""
    raw = environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return raw.strip()


def env_rate(name: str, default: str, environ: Mapping[str, str] = os.environ) -> str:
    """A rate limit is "COUNT/SECONDS", both positive whole numbers (e.g. 120/60)."""
    raw = env_str(name, default, environ) or default
    count, slash, seconds = raw.partition("/")
    if not (
        slash and count.isdigit() and seconds.isdigit() and int(count) > 0 and int(seconds) > 0
    ):
        raise ImproperlyConfigured(
            f"{name} must look like COUNT/SECONDS (e.g. 120/60), not {raw!r}."
        )
    return raw


def require(name: str, value: str | list[str] | None, reason: str) -> None:
    if not value:
        raise ImproperlyConfigured(f"{name} must be set {reason}.")


CACHE_TABLE = "srm_trainer_cache"  # created by a migration (srm_trainer/ratelimit/migrations)


def env_cache(name: str, environ: Mapping[str, str] = os.environ) -> dict:
    """Django's CACHES["default"] from a URL: `db://` (the default: a table in the database, so
    one machine needs nothing more), `redis://host:6379/0` or `rediss://…` (Django's RedisCache,
    install `.[redis]`), or `locmem://` (one process only: tests and development)."""
    raw = env_str(name, "db://", environ) or "db://"
    scheme, sep, rest = raw.partition("://")
    scheme = scheme.lower()
    if not sep:
        raise ImproperlyConfigured(
            f"{name} must be a URL such as db://, redis://host:6379/0 or locmem://, not {raw!r}."
        )
    if scheme == "db":
        if rest.strip("/"):
            raise ImproperlyConfigured(
                f"{name}: db:// takes no table name (the table is {CACHE_TABLE}), not {raw!r}."
            )
        return {
            "BACKEND": "srm_trainer.ratelimit.cache.OneStatementDatabaseCache",
            "LOCATION": CACHE_TABLE,
        }
    if scheme in ("redis", "rediss"):
        try:
            parts = urlsplit(raw)
            parts.port  # noqa: B018 - raises ValueError for a port that is not a number
        except ValueError:
            parts = None
        if parts is None or not parts.hostname:
            raise ImproperlyConfigured(
                f"{name} must name the Redis host (redis://host:6379/0), not {raw!r}."
            )
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": raw}
    if scheme == "locmem":
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": rest or "srm-trainer",
        }
    raise ImproperlyConfigured(
        f"{name} must start with db://, redis://, rediss:// or locmem://, not {raw!r}."
    )
