"""The Content-Security-Policy (`srm_trainer.middleware.ContentSecurityPolicyMiddleware`): no
inline script anywhere; inline styles only in the admin, which needs them. Where a request is
is read from the path inside the site, so a site served under a script prefix gets the same."""

from __future__ import annotations

import pytest
from django.urls import set_script_prefix


def _style_src(response) -> str:
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    return policy["style-src"]


@pytest.mark.parametrize("prefix", ["", "/srm"])
def test_only_the_admin_allows_inline_styles(admin_client, prefix):
    """Under a prefix (`/srm/admin/`) the admin was sent the learners' policy, which refuses
    the inline styles its pages use."""
    set_script_prefix(f"{prefix}/")  # as the WSGI handler sets it from SCRIPT_NAME
    try:
        admin = admin_client.get("/admin/", SCRIPT_NAME=prefix)
        home = admin_client.get("/", SCRIPT_NAME=prefix)
    finally:
        set_script_prefix("/")
    assert admin.status_code == 200 and home.status_code == 200
    assert _style_src(admin) == "'self' 'unsafe-inline'"
    assert _style_src(home) == "'self'"
    for response in (admin, home):
        assert "script-src 'self';" in response["Content-Security-Policy"]
