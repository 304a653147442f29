"""The site's icon on every page: the admin's pages link the one the site's own pages link, and
/favicon.ico (asked for by browsers and crawlers whatever a page links) is sent to it."""

from __future__ import annotations

import pytest
from django.templatetags.static import static

pytestmark = pytest.mark.django_db

ICON = f'<link rel="icon" href="{static("img/favicon.svg")}" type="image/svg+xml">'


@pytest.mark.parametrize(
    "url",
    ["/admin/", "/admin/quizzes/quiz/", "/admin/quizzes/quiz/add/", "/admin/auth/user/"],
)
def test_the_admin_pages_link_the_sites_icon_in_djangos_frame(admin_client, url):
    body = admin_client.get(url).content.decode()
    assert ICON in body
    assert "| SRM Trainer admin</title>" in body  # Django's frame: its title and header stay
    assert ">SRM Trainer administration</a>" in body


def test_the_sites_pages_link_the_same_icon(client):
    assert ICON in client.get("/security/").content.decode()


@pytest.mark.parametrize("method", ["get", "head"])
def test_favicon_ico_is_sent_to_the_icon_for_a_day(client, method):
    response = getattr(client, method)("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == static("img/favicon.svg")
    assert "max-age=86400" in response["Cache-Control"]


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS", "BREW"])
def test_favicon_ico_refuses_other_methods_with_405(client, method):
    response = client.generic(method, "/favicon.ico")
    assert response.status_code == 405
    assert sorted(response["Allow"].split(", ")) == ["GET", "HEAD"]
