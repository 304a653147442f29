"""Messages (srm_trainer.messages_storage): shown on the next page from a signed cookie, or
from the session when they outgrow the cookie; a cookie whose signature does not match is
ignored. The cookie's signer is built only when a request has a messages cookie."""

from __future__ import annotations

import secrets

import pytest
from django.contrib import messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse
from django.test import RequestFactory

from srm_trainer.messages_storage import MessageStorage
from srm_trainer.sessions import SessionStore

pytestmark = pytest.mark.django_db


def _request(session, cookie=None):
    request = RequestFactory().get("/")
    request.session = session
    if cookie is not None:
        request.COOKIES[CookieStorage.cookie_name] = cookie
    return request


def _sent(texts, session) -> HttpResponse:
    storage = MessageStorage(_request(session))
    for text in texts:
        storage.add(messages.INFO, text)
    response = HttpResponse()
    storage.update(response)
    return response


def test_a_message_comes_back_on_the_next_request_from_its_signed_cookie():
    session = SessionStore()
    response = _sent(["Assignment saved."], session)
    cookie = response.cookies[CookieStorage.cookie_name].value
    assert [m.message for m in MessageStorage(_request(session, cookie))] == ["Assignment saved."]
    forged = cookie[:-3] + ("AAA" if not cookie.endswith("AAA") else "BBB")
    assert list(MessageStorage(_request(session, forged))) == []


def test_messages_too_big_for_the_cookie_wait_in_the_session():
    session = SessionStore()
    texts = [f"{i}: {secrets.token_hex(250)}" for i in range(8)]  # random: no compressing it
    response = _sent(texts, session)
    cookie = response.cookies[CookieStorage.cookie_name].value
    assert len(cookie) <= CookieStorage.max_cookie_size
    assert session.get("_messages")  # the rest
    assert [m.message for m in MessageStorage(_request(session, cookie))] == texts


def test_a_request_without_a_messages_cookie_builds_no_signer():
    storage = MessageStorage(_request(SessionStore()))
    assert list(storage) == []
    storage.update(HttpResponse())
    assert all("signer" not in vars(part) for part in storage.storages)


def test_requests_get_this_storage(client):
    response = client.get("/security/")
    assert type(response.wsgi_request._messages) is MessageStorage
