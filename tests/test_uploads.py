"""A multipart body longer than twice Django's form limit is refused before it is read: Django
counts a form's fields, not its files, and any POST (the sign-in page's, anonymous) could carry
a file of any size to a temporary file (1 GB: 2.3 s of CPU and 1 GB of disk)."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.test import Client

from srm_trainer.uploads import most_multipart_bytes

pytestmark = pytest.mark.django_db


def test_the_bound_is_twice_the_form_limit():
    assert most_multipart_bytes() == 2 * settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def test_a_file_over_the_bound_is_refused_unread_on_any_page(monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("the file was read")

    monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", never)
    big = SimpleUploadedFile("a.json", b"a" * (most_multipart_bytes() + 1))
    response = Client().post("/accounts/login/", {"login": "ada", "password": "x", "file": big})
    assert response.status_code == 400
    assert "This request could not be read" in response.content.decode()
