"""Django's message storage (FallbackStorage: a signed cookie, then the session), with the
cookie's signer made only when a request reads or writes a messages cookie.

Django's CookieStorage builds its signer (the settings' keys read, the signing backend
imported) as every request starts, ~8 µs, though nearly every request has no message to read
and none to send. The cookie, its signature and the fallback to the session are unchanged.
"""

from __future__ import annotations

from django.contrib.messages.storage.base import BaseStorage
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.messages.storage.session import SessionStorage
from django.core import signing
from django.utils.functional import cached_property


class LazyCookieStorage(CookieStorage):
    def __init__(self, *args, **kwargs) -> None:
        BaseStorage.__init__(self, *args, **kwargs)  # CookieStorage's own only built the signer

    @cached_property
    def signer(self) -> signing.Signer:
        return signing.get_cookie_signer(salt=self.key_salt)  # type: ignore[attr-defined]


class MessageStorage(FallbackStorage):
    storage_classes = (LazyCookieStorage, SessionStorage)
