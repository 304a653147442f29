"""Reading configuration from the environment, loudly.

A malformed value is an error at start-up, never a silent default: `DJANGO_DEBUG=maybe`
must not quietly mean False in production.
"""

from __future__ import annotations

import importlib.util
import os
import re
from collections.abc import Mapping
from typing import Any, overload
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


class ConfigError(ImproperlyConfigured):
    """A variable the operator set, or must set, is wrong: its message names the variable and
    says what it takes. `manage.py`, `srm_trainer/wsgi.py` and `gunicorn.conf.py` print the
    message alone, without a traceback (the fix is in the environment, not the code)."""


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
    raise ConfigError(f"{name} must be true or false, not {raw!r}.")


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
        raise ConfigError(f"{name} must be a whole number, not {raw!r}.") from None
    if minimum is not None and value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, not {value}.")
    return value


def env_list(name: str, default: list[str], environ: Mapping[str, str] = os.environ) -> list[str]:
    """A comma-separated list; empty items are a typo, so they are refused."""
    raw = environ.get(name)
    if raw is None or raw.strip() == "":
        return list(default)
    items = [item.strip() for item in raw.split(",")]
    if any(not item for item in items):
        raise ConfigError(f"{name} has an empty item: {raw!r}.")
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
    # ASCII digits: "²" passes `str.isdigit()` but `int()` raises, a traceback, not this message.
    whole = all(part.isascii() and part.isdigit() for part in (count, seconds))
    if not (slash and whole and int(count) > 0 and int(seconds) > 0):
        raise ConfigError(f"{name} must look like COUNT/SECONDS (e.g. 120/60), not {raw!r}.")
    return raw


_LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def env_log_level(name: str, default: str, environ: Mapping[str, str] = os.environ) -> str:
    """One of Python's level names, in capitals (`logging` refuses anything else, with a
    traceback that does not name the variable)."""
    raw = env_str(name, default, environ) or default
    level = raw.upper()
    if level not in _LOG_LEVELS:
        raise ConfigError(f"{name} must be one of {', '.join(_LOG_LEVELS)}, not {raw!r}.")
    return level


def _installed(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def env_database(
    name: str, default: str, environ: Mapping[str, str] = os.environ, *, conn_max_age: int
) -> dict[str, Any]:
    """Django's DATABASES["default"] from a URL (dj-database-url). A URL it cannot read is
    refused naming the variable, without echoing it (it holds the database's password), and
    PostgreSQL without its driver is refused at start-up rather than on the first request."""
    raw = env_str(name, default, environ) or default
    scheme = raw.partition("://")[0] if "://" in raw else ""
    example = "postgres://user:password@host:5432/name or sqlite:////absolute/path/db.sqlite3"
    try:
        config = dj_database_url.parse(raw, conn_max_age=conn_max_age, conn_health_checks=True)
    except dj_database_url.UnknownSchemeError:
        said = f"its scheme {scheme + '://'!r} is not one it knows" if scheme else "no scheme"
        raise ConfigError(f"{name} must be a URL such as {example} ({said}).") from None
    except ValueError:
        raise ConfigError(
            f"{name} is not a URL that can be read: check the port is a number and that a "
            f"password with @, :, / or # in it is percent-encoded (e.g. {example})."
        ) from None
    if config["ENGINE"].endswith("postgresql") and not (
        _installed("psycopg") or _installed("psycopg2")
    ):
        raise ConfigError(
            f"{name} names PostgreSQL, whose driver is not installed: {install_command('postgres')}"
        )
    return dict(config)


def install_command(extra: str) -> str:
    """How to install an optional extra (`postgres`, `redis`) at the versions CI tested: the
    test lock pins them (`make lock` resolves both extras into it). A plain `pip install -e
    ".[redis]"` took the newest version its range allowed instead (redis 8.2.0 where CI ran 8.1.0)."""
    return f'.venv/bin/python -m pip install -c requirements-test.lock -e ".[{extra}]"'


def require(name: str, value: str | list[str] | None, reason: str) -> None:
    if not value:
        raise ConfigError(f"{name} must be set {reason}.")


CACHE_TABLE = "srm_trainer_cache"  # created by a migration (srm_trainer/ratelimit/migrations)


def _without_password(url: str) -> str:
    """`url` with the password of its user part, if any, shown as ***."""
    return re.sub(r"(://[^/@:]*:)[^/@]*@", r"\1***@", url)


def env_cache(name: str, environ: Mapping[str, str] = os.environ) -> dict:
    """Django's CACHES["default"] from a URL: `db://` (the default: a table in the database, so
    one machine needs nothing more), `redis://host:6379/0` or `rediss://…` (Django's RedisCache,
    install `.[redis]`), or `locmem://` (one process only: tests and development)."""
    raw = env_str(name, "db://", environ) or "db://"
    shown = _without_password(raw)  # what an error may echo: the URL, its password hidden
    scheme, sep, rest = raw.partition("://")
    scheme = scheme.lower()
    if not sep:
        raise ConfigError(
            f"{name} must be a URL such as db://, redis://host:6379/0 or locmem://, not {shown!r}."
        )
    if scheme == "db":
        if rest.strip("/"):
            raise ConfigError(
                f"{name}: db:// takes no table name (the table is {CACHE_TABLE}), not {shown!r}."
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
            raise ConfigError(
                f"{name} must name the Redis host (redis://host:6379/0), not {shown!r}."
            )
        if not _installed("redis"):
            # Django imports it at the first request: every page would fail, not the start.
            raise ConfigError(
                f"{name} names Redis, whose client is not installed: {install_command('redis')}"
            )
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": raw}
    if scheme == "locmem":
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": rest or "srm-trainer",
        }
    raise ConfigError(
        f"{name} must start with db://, redis://, rediss:// or locmem://, not {shown!r}."
    )
