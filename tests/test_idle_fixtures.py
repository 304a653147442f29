"""pytest-django's autouse fixtures are left off the tests they do nothing for
(tests/conftest.py, `_idle_django_fixtures`); a test with their marker still gets them."""

from __future__ import annotations

import os

import pytest
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.test import Client, TestCase
from django.urls import path

urlpatterns = [path("only-in-this-urlconf/", lambda request: HttpResponse("here"))]


@pytest.mark.urls(__name__)
def test_a_test_marked_with_urls_answers_from_its_urlconf():
    response = Client().get("/only-in-this-urlconf/")
    assert response.status_code == 200
    assert response.content == b"here"


@pytest.mark.django_db
def test_a_test_marked_django_db_reaches_the_database():
    assert get_user_model().objects.create_user("lin").pk is not None


def test_a_test_without_a_mark_reaches_no_database():
    with pytest.raises(RuntimeError, match="Database access not allowed"):
        get_user_model().objects.count()


@pytest.mark.skipif(os.environ.get("TEST_FIXTURES") == "all", reason="TEST_FIXTURES=all")
def test_an_unmarked_test_is_spared_the_idle_fixtures(request):
    idle = {"_django_set_urlconf", "_django_isolate_apps", "_live_server_helper",
            "_template_string_if_invalid_marker", "_django_db_marker", "monkeypatch",
            "_fail_for_invalid_template_variable", "_django_setup_unittest"}  # fmt: skip
    assert idle.isdisjoint(request.node.fixturenames)
    assert "_dj_autoclear_mailbox" in request.node.fixturenames


class TestADjangoTestCase(TestCase):
    """A Django TestCase class keeps pytest-django's unittest support, which opens the
    database to it (without it: "Database access not allowed")."""

    def test_reaches_the_database(self):
        self.assertIsNotNone(get_user_model().objects.create_user("ada").pk)
