"""Settings come from the environment and fail loudly on malformed values."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from srm_trainer.env import env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("raw", "expected"), [("true", True), ("False", False), ("1", True), ("off", False), ("", True)]
)
def test_booleans_accept_only_true_and_false_words(raw, expected):
    assert env_bool("X", True, {"X": raw}) is expected


@pytest.mark.parametrize("raw", ["maybe", "tru", "2", "enabled"])
def test_a_malformed_boolean_is_an_error_not_false(raw):
    with pytest.raises(ImproperlyConfigured, match="X must be true or false"):
        env_bool("X", False, {"X": raw})


def test_integers_are_checked():
    assert env_int("N", 3, {}) == 3
    assert env_int("N", 3, {"N": " 42 "}) == 42
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env_int("N", 3, {"N": "4.5"})
    with pytest.raises(ImproperlyConfigured, match="at least 0"):
        env_int("N", 3, {"N": "-1"}, minimum=0)


def test_lists_refuse_empty_items():
    assert env_list("L", ["a"], {"L": "x.com, y.com"}) == ["x.com", "y.com"]
    with pytest.raises(ImproperlyConfigured, match="empty item"):
        env_list("L", [], {"L": "x.com,,y.com"})


def _settings_in_subprocess(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    clean.update(env)
    code = "from django.conf import settings; print(settings.DEBUG, settings.DATABASES['default']['ENGINE'])"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "srm_trainer.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_development_needs_no_variables():
    result = _settings_in_subprocess()
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "django.db.backends.sqlite3"]


def test_a_malformed_debug_value_stops_start_up():
    result = _settings_in_subprocess(DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be true or false" in result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = _settings_in_subprocess(DJANGO_DEBUG="false", DJANGO_ALLOWED_HOSTS="example.com")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    result = _settings_in_subprocess(DJANGO_DEBUG="false", DJANGO_SECRET_KEY="x" * 50)
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS must be set" in result.stderr


def test_database_url_selects_another_database():
    result = _settings_in_subprocess(DATABASE_URL="postgres://u:p@localhost:5432/srm")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[1] == "django.db.backends.postgresql"


def test_production_settings_pass_the_deployment_checks():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="srm_trainer.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="a-production-secret-" + "k" * 50,
        DJANGO_ALLOWED_HOSTS="srm.example.com",
        EMAIL_HOST="smtp.example.com",
        DEFAULT_FROM_EMAIL="SRM Trainer <noreply@srm.example.com>",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_sqlite_takes_the_write_lock_up_front_so_concurrent_saves_queue():
    """An autosave and a check arriving together once failed with "database is locked"."""
    code = "from django.conf import settings; o = settings.DATABASES['default']['OPTIONS']; print(o['transaction_mode'], o['timeout'], 'WAL' in o['init_command'])"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "srm_trainer.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["IMMEDIATE", "20", "True"], result.stderr


def test_production_without_an_smtp_host_is_warned_that_reset_mail_goes_nowhere():
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "EMAIL_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="srm_trainer.settings",
        DJANGO_DEBUG="false",
        DJANGO_SECRET_KEY="a-production-secret-" + "k" * 50,
        DJANGO_ALLOWED_HOSTS="srm.example.com",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "accounts.W001" in result.stderr


def test_smtp_settings_come_from_the_environment_and_are_checked():
    result = _settings_in_subprocess(EMAIL_PORT="submission")
    assert result.returncode != 0
    assert "EMAIL_PORT must be a whole number" in result.stderr
    result = _settings_in_subprocess(EMAIL_USE_TLS="sometimes")
    assert "EMAIL_USE_TLS must be true or false" in result.stderr


# --- the cache, proxies -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "backend"),
    [
        (None, "django.core.cache.backends.db.DatabaseCache"),
        ("db://", "django.core.cache.backends.db.DatabaseCache"),
        ("redis://cache.internal:6379/0", "django.core.cache.backends.redis.RedisCache"),
        (
            "rediss://user:secret@cache.internal:6380/1",
            "django.core.cache.backends.redis.RedisCache",
        ),
        ("locmem://", "django.core.cache.backends.locmem.LocMemCache"),
    ],
)
def test_cache_url_picks_the_backend(url, backend):
    from srm_trainer.env import CACHE_TABLE, env_cache

    cache = env_cache("CACHE_URL", {} if url is None else {"CACHE_URL": url})
    assert cache["BACKEND"] == backend
    if "redis" in backend:
        assert cache["LOCATION"] == url
    if backend.endswith("DatabaseCache"):
        assert cache["LOCATION"] == CACHE_TABLE


@pytest.mark.parametrize(
    "url", ["redis", "memcached://x:11211", "redis://", "redis://:6379", "redis://h:port", "db://t"]
)
def test_a_malformed_cache_url_is_an_error(url):
    from srm_trainer.env import env_cache

    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        env_cache("CACHE_URL", {"CACHE_URL": url})


def test_the_cache_table_exists_after_migrate(db):
    from django.core.cache import caches

    cache = caches["default"]
    cache.set("probe", 41)
    assert cache.get("probe") == 41


def _proxy_header(**env: str) -> str:
    code = "from django.conf import settings; print(getattr(settings, 'SECURE_PROXY_SSL_HEADER', None))"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **clean,
            "DJANGO_SETTINGS_MODULE": "srm_trainer.settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "x" * 50,
            "DJANGO_ALLOWED_HOSTS": "example.com",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_x_forwarded_proto_is_trusted_only_behind_a_trusted_proxy():
    assert _proxy_header() == "None"
    assert _proxy_header(DJANGO_TRUSTED_PROXY_COUNT="1") == "('HTTP_X_FORWARDED_PROTO', 'https')"
    assert _proxy_header(DJANGO_TRUST_X_FORWARDED_PROTO="true") != "None"
    assert (
        _proxy_header(DJANGO_TRUSTED_PROXY_COUNT="1", DJANGO_TRUST_X_FORWARDED_PROTO="false")
        == "None"
    )
