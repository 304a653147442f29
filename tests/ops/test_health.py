"""/healthz: what a load balancer asks before sending a server traffic."""

from __future__ import annotations

import json

import pytest
from django.db.migrations.executor import MigrationExecutor
from django.test import Client, override_settings

from srm_trainer.ops import health

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_migration_answer(monkeypatch):
    monkeypatch.setattr(health, "_migrations_applied", False)


def probe(**extra):
    response = Client().get("/healthz", **extra)
    return response, json.loads(response.content)


def test_a_healthy_server_says_so():
    response, body = probe()
    assert response.status_code == 200
    assert body == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "migrations": "ok", "static": "ok"},
    }
    assert "no-cache" in response["Cache-Control"]


@override_settings(ALLOWED_HOSTS=["trainer.example.org"], SECURE_SSL_REDIRECT=True)
def test_a_load_balancer_probing_the_private_address_over_http_gets_an_answer():
    """Probes come by the server's own address and plain HTTP: neither a 400 for the host
    nor a redirect to HTTPS would tell the balancer anything."""
    response, body = probe(HTTP_HOST="10.0.3.17:8000")
    assert response.status_code == 200 and body["status"] == "ok"
    # Any other page keeps both protections.
    assert Client().get("/", HTTP_HOST="10.0.3.17:8000").status_code == 400


def test_a_database_that_does_not_answer_takes_the_server_out(monkeypatch):
    def broken():
        raise OSError("connection refused")

    assert probe()[1]["checks"]["migrations"] == "ok"  # seen applied: kept for the process
    monkeypatch.setitem(health.CHECKS, "database", broken)
    response, body = probe()
    assert response.status_code == 503
    assert body["status"] == "unavailable" and body["checks"]["database"] == "error"
    # Not "ok" of a database nobody can reach (the kept answer said so).
    assert body["checks"]["migrations"] == "unknown"
    assert "refused" not in response.content.decode()  # no internals in the answer


def test_a_server_started_before_migrate_is_not_ready(monkeypatch):
    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: ["pending"])
    response, body = probe()
    assert response.status_code == 503 and body["checks"]["migrations"] == "failing"


def test_a_production_server_started_without_collectstatic_is_not_ready(tmp_path):
    """Its manifest storage refuses every page's stylesheet, so every page would be a 500; the
    balancer must keep it out rather than see the database and cache answer."""
    production_storage = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "srm_trainer.storage.KeptURLsStorage"},
    }
    # Django makes the storage afresh on entering and on leaving (its setting_changed signal).
    with override_settings(STORAGES=production_storage, STATIC_ROOT=tmp_path, DEBUG=False):
        response, body = probe()
    assert response.status_code == 503
    assert body["checks"] == {
        "database": "ok",
        "cache": "ok",
        "migrations": "ok",
        "static": "error",
    }


def test_only_reads_are_answered():
    assert Client().post("/healthz").status_code != 200


def test_probes_at_the_same_moment_do_not_fail_each_other(monkeypatch):
    """Two probes interleaved (a balancer and a monitor): each reads back its own value."""
    real_set = health.cache.set
    interleaved = []

    def set_then_another_probe_sets(key, value, timeout=None):
        real_set(key, value, timeout=timeout)
        if not interleaved:
            interleaved.append(True)
            assert health.cache_ok()  # the other probe, between our set and our get

    monkeypatch.setattr(health.cache, "set", set_then_another_probe_sets)
    assert health.cache_ok()
