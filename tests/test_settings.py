"""Settings come from the environment and fail loudly on malformed values."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from srm_trainer.env import env_bool, env_int, env_list, env_rate
from tests.lifecycle import once_per_run

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


@pytest.mark.parametrize("raw", ["120", "0/60", "120/0", "1.5/60", "²/60", "120/6²"])
def test_a_malformed_rate_is_named_in_one_message(raw):
    assert env_rate("R", "9/9", {"R": "120/60"}) == "120/60"
    with pytest.raises(ImproperlyConfigured, match=r"R must look like COUNT/SECONDS"):
        env_rate("R", "9/9", {"R": raw})


def test_lists_refuse_empty_items():
    assert env_list("L", ["a"], {"L": "x.com, y.com"}) == ["x.com", "y.com"]
    with pytest.raises(ImproperlyConfigured, match="empty item"):
        env_list("L", [], {"L": "x.com,,y.com"})


def _env(**env: str) -> dict[str, str]:
    """This process's environment without any DJANGO_/DATABASE_ variable, plus `env`."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    return {**clean, **env, "DJANGO_SETTINGS_MODULE": "srm_trainer.settings"}


_PRODUCTION = {"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": "x" * 50}
# Each environment the settings are loaded under, by name. One interpreter loads them all in
# turn (below): an interpreter's start cost ~0.2 s of CPU, and there were eleven.
ENVIRONMENTS = {
    "none": _env(),
    "debug maybe": _env(DJANGO_DEBUG="maybe"),
    "no secret key": _env(DJANGO_DEBUG="false", DJANGO_ALLOWED_HOSTS="example.com"),
    "no allowed hosts": _env(DJANGO_DEBUG="false", DJANGO_SECRET_KEY="x" * 50),
    "database url": _env(DATABASE_URL="postgres://u:p@localhost:5432/srm"),
    "database url nonsense": _env(DATABASE_URL="nonsense"),
    "database url bad port": _env(DATABASE_URL="postgres://srm:s3cret-pw@db:port/srm"),
    "conn max age": _env(DATABASE_CONN_MAX_AGE="abc"),
    "log level": _env(DJANGO_LOG_LEVEL="loud"),
    "log level lower case": _env(DJANGO_LOG_LEVEL="warning"),
    "email port": _env(EMAIL_PORT="submission"),
    "email tls": _env(EMAIL_USE_TLS="sometimes"),
    "production, no smtp": {
        k: v
        for k, v in _env(**_PRODUCTION, DJANGO_ALLOWED_HOSTS="example.com").items()
        if not k.startswith("EMAIL_")
    },
    "production, smtp": _env(
        **_PRODUCTION, DJANGO_ALLOWED_HOSTS="example.com", EMAIL_HOST="smtp.example.com"
    ),
    "proxy default": _env(**_PRODUCTION, DJANGO_ALLOWED_HOSTS="example.com"),
    "proxy count": _env(
        **_PRODUCTION, DJANGO_ALLOWED_HOSTS="example.com", DJANGO_TRUSTED_PROXY_COUNT="1"
    ),
    "proxy trusted": _env(
        **_PRODUCTION, DJANGO_ALLOWED_HOSTS="example.com", DJANGO_TRUST_X_FORWARDED_PROTO="true"
    ),
    "proxy count, not trusted": _env(
        **_PRODUCTION,
        DJANGO_ALLOWED_HOSTS="example.com",
        DJANGO_TRUSTED_PROXY_COUNT="1",
        DJANGO_TRUST_X_FORWARDED_PROTO="false",
    ),
}

# For each environment: os.environ becomes exactly it, and the settings module is imported
# afresh through Django's own `Settings` (what `django.conf.settings` does at start-up); the
# values the tests read, or the error that stopped the import, go back as JSON. Last, the same
# interpreter runs `manage.py check --deploy --fail-level WARNING` under DEPLOYMENT, the settings
# module imported afresh again (what it imported before reads the environment only when called),
# as a fresh `manage.py` would: a second interpreter for it cost ~0.2 s of CPU more.
_LOAD_EACH = """
import contextlib, importlib, io, json, os, sys
from django.conf import Settings
given = json.load(sys.stdin)
out = {}
for name, env in given["environments"].items():
    os.environ.clear()
    os.environ.update(env)
    sys.modules.pop("srm_trainer.settings", None)
    try:
        s = Settings("srm_trainer.settings")
    except BaseException as exc:
        out[name] = {"error": f"{type(exc).__name__}: {exc}"}
        continue
    db = s.DATABASES["default"]
    options = db.get("OPTIONS", {})
    out[name] = {
        "debug": s.DEBUG,
        "engine": db["ENGINE"],
        "sqlite": [options.get("transaction_mode"), options.get("timeout"),
                   "WAL" in options.get("init_command", "")],
        "proxy": repr(getattr(s, "SECURE_PROXY_SSL_HEADER", None)),
        "mail": s.EMAIL_BACKEND,
    }
os.environ.clear()
os.environ.update(given["deployment"])
sys.modules.pop("srm_trainer.settings", None)
sys.argv = ["manage.py", "check", "--deploy", "--fail-level", "WARNING"]
told = io.StringIO()
code = 0
with contextlib.redirect_stdout(told), contextlib.redirect_stderr(told):
    try:
        importlib.import_module("manage").main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException as exc:
        code = 1
        print(f"{type(exc).__name__}: {exc}")
out["deployment"] = {"code": code, "told": told.getvalue()}
print(json.dumps(out))
"""

# `manage.py check --deploy --fail-level WARNING` in production, mail by SMTP.
DEPLOYMENT = {
    **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
    "DJANGO_SETTINGS_MODULE": "srm_trainer.settings",
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "a-production-secret-" + "k" * 50,
    "DJANGO_ALLOWED_HOSTS": "srm.example.com",
    "EMAIL_HOST": "smtp.example.com",
    "DEFAULT_FROM_EMAIL": "SRM Trainer <noreply@srm.example.com>",
}


def _load_each() -> dict[str, dict]:
    result = subprocess.run(
        [sys.executable, "-c", _LOAD_EACH],
        cwd=ROOT,
        env=_env(),
        input=json.dumps({"environments": ENVIRONMENTS, "deployment": DEPLOYMENT}),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> dict[str, dict]:
    """What the settings module made of each of ENVIRONMENTS, by name, and what the deployment
    checks said under DEPLOYMENT ("deployment"). One interpreter for the whole run, even when
    xdist splits this module between its workers (`once_per_run`, tests/lifecycle.py): none of
    it depends on the worker."""
    return once_per_run(tmp_path_factory, "settings-loaded", _load_each)


def _started(loaded: dict[str, dict], name: str) -> dict:
    """The settings loaded under environment `name`, which must have loaded."""
    got = loaded[name]
    assert "error" not in got, f"{name}: {got.get('error')}"
    return got


def _stopped(loaded: dict[str, dict], name: str) -> str:
    """The error that stopped the settings loading under environment `name`."""
    got = loaded[name]
    assert "error" in got, f"{name}: loaded, expected it to stop: {got}"
    return got["error"]


def test_development_needs_no_variables(loaded):
    got = _started(loaded, "none")
    assert [got["debug"], got["engine"]] == [True, "django.db.backends.sqlite3"]


def test_a_malformed_debug_value_stops_start_up(loaded):
    assert "DJANGO_DEBUG must be true or false" in _stopped(loaded, "debug maybe")


def test_production_refuses_to_start_without_a_secret_key(loaded):
    assert "DJANGO_SECRET_KEY must be set" in _stopped(loaded, "no secret key")


def test_production_refuses_to_start_without_allowed_hosts(loaded):
    assert "DJANGO_ALLOWED_HOSTS must be set" in _stopped(loaded, "no allowed hosts")


def test_database_url_selects_another_database(loaded):
    assert _started(loaded, "database url")["engine"] == "django.db.backends.postgresql"


def test_a_database_url_that_cannot_be_read_is_named_without_its_password(loaded):
    """dj-database-url's own errors named neither the variable nor what to fix."""
    assert _stopped(loaded, "database url nonsense").startswith(
        "ConfigError: DATABASE_URL must be a URL such as postgres://"
    )
    unread = _stopped(loaded, "database url bad port")
    assert unread.startswith("ConfigError: DATABASE_URL is not a URL that can be read")
    assert "s3cret-pw" not in unread


def test_a_malformed_connection_age_or_log_level_is_named(loaded):
    assert "DATABASE_CONN_MAX_AGE must be a whole number" in _stopped(loaded, "conn max age")
    # logging's own refusal was "ValueError: Unable to configure root logger"
    assert "DJANGO_LOG_LEVEL must be one of DEBUG, INFO" in _stopped(loaded, "log level")
    _started(loaded, "log level lower case")


def _run(*command: str, **env: str) -> subprocess.CompletedProcess[str]:
    production = {**_PRODUCTION, "DJANGO_ALLOWED_HOSTS": "example.com"}
    return subprocess.run(
        [sys.executable, *command],
        cwd=ROOT,
        env=_env(**production, GUNICORN_BIND="127.0.0.1:0", **env),
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("command", "variable"),
    [
        (("manage.py", "migrate"), {"DATABASE_URL": "nonsense"}),
        (("-m", "gunicorn", "-c", "gunicorn.conf.py"), {"GUNICORN_WORKERS": "many"}),
        (("-m", "gunicorn", "-c", "gunicorn.conf.py"), {"CACHE_URL": "foo://"}),
    ],
    ids=["manage.py", "gunicorn's config", "gunicorn's app"],
)
def test_a_variable_set_wrong_stops_the_process_with_one_line_naming_it(command, variable):
    """What `make serve` runs (manage.py, then gunicorn reading gunicorn.conf.py and loading the
    app) stops with the message alone: a traceback through the settings module hid it."""
    (name,) = variable
    done = _run(*command, **variable)
    assert done.returncode == 1
    assert done.stderr.startswith(f"Configuration error: {name} ")
    assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1


def test_production_settings_pass_the_deployment_checks(loaded):
    checked = loaded["deployment"]
    assert checked["code"] == 0, checked["told"]
    assert "System check identified no issues" in checked["told"]


def test_sqlite_takes_the_write_lock_up_front_so_concurrent_saves_queue(loaded):
    """An autosave and a check arriving together once failed with "database is locked"."""
    assert _started(loaded, "none")["sqlite"] == ["IMMEDIATE", 20, True]


def test_production_without_an_smtp_host_is_warned_that_reset_mail_goes_nowhere(loaded):
    """Without EMAIL_HOST the settings print mail to the console, and `check --deploy` warns
    (accounts.W001); with it, mail goes out by SMTP and the deployment checks pass (above).
    The deployment checks run here, in this process, with the console backend."""
    from django.core import checks
    from django.test import override_settings

    assert _started(loaded, "production, no smtp")["mail"] == (
        "django.core.mail.backends.console.EmailBackend"
    )
    assert _started(loaded, "production, smtp")["mail"] == (
        "django.core.mail.backends.smtp.EmailBackend"
    )
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend"):
        found = checks.run_checks(tags=[checks.Tags.security], include_deployment_checks=True)
    # at WARNING or above, so `check --deploy --fail-level WARNING` stops on it
    assert [c.level >= checks.WARNING for c in found if c.id == "accounts.W001"] == [True]
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend"):
        found = checks.run_checks(tags=[checks.Tags.security], include_deployment_checks=True)
    assert "accounts.W001" not in [c.id for c in found]


def test_smtp_settings_come_from_the_environment_and_are_checked(loaded):
    assert "EMAIL_PORT must be a whole number" in _stopped(loaded, "email port")
    assert "EMAIL_USE_TLS must be true or false" in _stopped(loaded, "email tls")


# --- the cache, proxies -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "backend"),
    [
        (None, "srm_trainer.ratelimit.cache.OneStatementDatabaseCache"),
        ("db://", "srm_trainer.ratelimit.cache.OneStatementDatabaseCache"),
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


@pytest.mark.parametrize(
    "url",
    ["redis://:s3cret-pw@:6379/0", "redis://srm:s3cret-pw@cache:port/0", "foo://u:s3cret-pw@h"],
)
def test_a_malformed_cache_url_is_shown_without_its_password(url):
    """The message goes to the terminal and the process manager's log."""
    from srm_trainer.env import ConfigError, env_cache

    with pytest.raises(ConfigError, match="CACHE_URL") as refused:
        env_cache("CACHE_URL", {"CACHE_URL": url})
    assert "s3cret-pw" not in str(refused.value) and "***@" in str(refused.value)


def test_redis_or_postgresql_without_their_client_stops_start_up_saying_what_to_install(
    monkeypatch,
):
    """Django imports the Redis client at the first request: without it every page failed while
    the server had started as if all was well."""
    from srm_trainer import env

    monkeypatch.setattr(env, "_installed", lambda module: False)
    with pytest.raises(env.ConfigError, match=r"CACHE_URL names Redis.*\.\[redis\]"):
        env.env_cache("CACHE_URL", {"CACHE_URL": "redis://cache.internal:6379/0"})
    with pytest.raises(env.ConfigError, match=r"DATABASE_URL names PostgreSQL.*\.\[postgres\]"):
        env.env_database("DATABASE_URL", "postgres://db/srm", {}, conn_max_age=0)
    assert env.env_cache("CACHE_URL", {})["LOCATION"] == env.CACHE_TABLE
    assert env.env_database("DATABASE_URL", "sqlite:///x.db", {}, conn_max_age=0)["NAME"]


def test_the_cache_table_exists_after_migrate(db):
    from django.core.cache import caches

    cache = caches["default"]
    cache.set("probe", 41)
    assert cache.get("probe") == 41


def test_x_forwarded_proto_is_trusted_only_behind_a_trusted_proxy(loaded):
    assert _started(loaded, "proxy default")["proxy"] == "None"
    assert _started(loaded, "proxy count")["proxy"] == "('HTTP_X_FORWARDED_PROTO', 'https')"
    assert _started(loaded, "proxy trusted")["proxy"] != "None"
    assert _started(loaded, "proxy count, not trusted")["proxy"] == "None"


def _deploy_warnings(**overrides) -> list[str]:
    from django.core import checks
    from django.test import override_settings

    with override_settings(**overrides):
        found = checks.run_checks(tags=[checks.Tags.security], include_deployment_checks=True)
    return [c.id for c in found if c.level >= checks.WARNING and c.id.startswith("accounts.")]


@pytest.mark.parametrize("hosts", [["*"], [".example.com"], ["srm.example.com", "*"]])
def test_a_wildcard_host_is_warned_since_mailed_links_are_built_from_the_host(hosts):
    """allauth builds reset links from the request's Host: with "*" a reset asked for with a
    Host of the asker's own mails the owner a link to the asker's site, key and all."""
    smtp = "django.core.mail.backends.smtp.EmailBackend"
    sender = "SRM Trainer <noreply@srm.example.com>"
    assert "accounts.W002" in _deploy_warnings(
        ALLOWED_HOSTS=hosts, EMAIL_BACKEND=smtp, DEFAULT_FROM_EMAIL=sender
    )
    assert "accounts.W002" not in _deploy_warnings(
        ALLOWED_HOSTS=["srm.example.com"], EMAIL_BACKEND=smtp, DEFAULT_FROM_EMAIL=sender
    )


def test_mail_sent_by_smtp_from_localhost_is_warned():
    smtp = "django.core.mail.backends.smtp.EmailBackend"
    local = "SRM Trainer <noreply@localhost>"
    assert "accounts.W003" in _deploy_warnings(EMAIL_BACKEND=smtp, DEFAULT_FROM_EMAIL=local)
    assert "accounts.W003" not in _deploy_warnings(
        EMAIL_BACKEND=smtp, DEFAULT_FROM_EMAIL="SRM Trainer <noreply@srm.example.com>"
    )
    # Printed to the console, the sender does not matter (W001 says mail goes nowhere).
    console = "django.core.mail.backends.console.EmailBackend"
    assert "accounts.W003" not in _deploy_warnings(EMAIL_BACKEND=console, DEFAULT_FROM_EMAIL=local)


def test_the_app_gunicorn_preloads_holds_the_redis_client_when_the_cache_is_redis():
    """gunicorn's master loads srm_trainer.wsgi once and forks its workers from it: what the
    master imported, the workers share. The redis client was imported at the first cache call,
    in each worker, where its modules cost every worker ~14 MB of its own (71 MB a worker on
    PostgreSQL and Redis, against the 60 MB budget). Loading the app connects to no server: none
    listens at these addresses. On the database cache, redis stays unimported."""
    probe = "import sys, srm_trainer.wsgi; print('redis' in sys.modules)"
    on_redis = _run(
        "-c",
        probe,
        DATABASE_URL="postgres://srm:secret@127.0.0.1:9/srm",
        CACHE_URL="redis://127.0.0.1:9/0",
    )
    assert on_redis.returncode == 0, on_redis.stderr
    assert on_redis.stdout.strip().splitlines()[-1] == "True"
    on_database = _run("-c", probe, CACHE_URL="db://")
    assert on_database.returncode == 0, on_database.stderr
    assert on_database.stdout.strip().splitlines()[-1] == "False"


def test_the_app_gunicorn_preloads_holds_every_migration_module_without_a_database():
    """/healthz's migration check imports every migration module, once in each worker that a
    load balancer probes, where they cost it 1-1.8 MB of its own. The preloaded app reads them
    from disk (no database: none listens at this address), so the workers share them."""
    loaded = _run(
        "-c",
        "import sys, srm_trainer.wsgi;"
        " print(sorted(m for m in sys.modules if m.startswith('lessons.migrations.0')))",
        DATABASE_URL="postgres://srm:secret@127.0.0.1:9/srm",
    )
    assert loaded.returncode == 0, loaded.stderr
    on_disk = sorted(
        f"lessons.migrations.{path.stem}"
        for path in (ROOT / "lessons" / "migrations").glob("0*.py")
    )
    assert on_disk and loaded.stdout.strip().splitlines()[-1] == str(on_disk)
