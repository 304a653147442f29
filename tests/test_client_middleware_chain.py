"""The tests' clients share one middleware chain (tests/conftest.py, `_middleware_built_once`),
as a server's requests do; it must still follow the settings."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client, override_settings

CSP = "srm_trainer.middleware.ContentSecurityPolicyMiddleware"


@pytest.mark.django_db
def test_the_test_clients_shared_middleware_follows_a_settings_change():
    """The tests' clients share one middleware chain (tests/conftest.py,
    `_middleware_built_once`); a changed MIDDLEWARE must still reach the next client."""
    assert "Content-Security-Policy" in Client().get("/")
    with override_settings(MIDDLEWARE=[m for m in settings.MIDDLEWARE if m != CSP]):
        assert "Content-Security-Policy" not in Client().get("/")
    assert "Content-Security-Policy" in Client().get("/")
