"""Django's database sessions in a table of our own, where each row says whose it is; the
per-request read compiled to SQL once and the signature of a session's data checked once per
process.

The rows are `srm_trainer.accounts.models.Session`: Django's session table (key, signed data,
expiry, the same signing) with one more column, `account_id`, the account the session is signed
in as or half way through signing in as (`owner`), written from the data every time the session
is saved (`create_model_instance`). So the sessions of one account are an index look-up away:
closing an account (`end_sessions_of`) deletes them with one DELETE, whatever the number of
other sessions. (Django's documentation calls this "extending database-backed session
engines".) `manage.py clearsessions` calls `SessionStore.clear_expired`, which clears this table;
`django.contrib.sessions` stays installed for that command, its own table left empty by the
migration that moved the rows here (accounts 0004).

Otherwise it behaves as `django.contrib.sessions.backends.db`; `load` and `decode` differ:
- `load` runs a `PreparedQuery` (`srm_trainer.prepared`) instead of building
  `Session.objects.get(...)` afresh on every request. The row is read on every request, so a
  sign-out or a flushed session takes effect on the next one, as before.
- `decode` remembers the data it has verified: Django checks the row's HMAC signature (two
  SHA-256 key derivations and an HMAC) on every request, ~40 µs of a signed-in page, for data
  that changes only when the session is saved. A row's exact text, under the same secret keys,
  verifies the same way every time; text never seen verified (changed, tampered with, signed
  with another key) goes through Django's check, as before. What is remembered is the
  serialized data, so every request still gets its own copy to change.
"""

from __future__ import annotations

from allauth.account.internal.stagekit import LOGIN_SESSION_KEY
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DbSessionStore
from django.utils import timezone
from django.utils.http import base36_to_int

from srm_trainer.accounts.models import Session
from srm_trainer.prepared import PreparedQuery

_SESSION_DATA = PreparedQuery(
    Session,
    ["text", "time"],
    lambda key, now: (
        Session.objects.filter(session_key=key, expire_date__gt=now)
        .order_by()
        .values_list("session_data")
    ),
)

# (the row's text, what its signature was checked with) -> its data, serialized again.
# Emptied when full: a bound on memory, and at worst one check more per session.
_VERIFIED: dict[tuple, bytes] = {}
VERIFIED_MAX = 1024  # ~0.5 KB a signed-in session: ~1 MB at most


def owner(data: dict) -> int | None:
    """The number of the account a session's data is signed in as (Django's `_auth_user_id`,
    the number as text), or else half way through signing in as (allauth's pending sign-in,
    waiting for the second factor: its `user_pk`, the number in base 36, as
    `allauth.account.utils.user_pk_to_url_str` writes it); None for anyone else. Both at once
    does not happen: allauth starts a sign-in only for a session signed in as nobody, and drops
    the pending one when the sign-in completes."""
    login = data.get(LOGIN_SESSION_KEY)
    try:
        if isinstance(data.get(SESSION_KEY), str):
            return int(data[SESSION_KEY])
        if isinstance(login, dict) and isinstance(login.get("user_pk"), str):
            return base36_to_int(login["user_pk"])
    except ValueError:  # not a number: not one of our accounts' (Django's own User has them)
        pass
    return None


class SessionStore(DbSessionStore):
    @classmethod
    def get_model_class(cls):
        return Session

    def create_model_instance(self, data):
        row = super().create_model_instance(data)
        row.account_id = owner(data)
        return row

    async def acreate_model_instance(self, data):
        row = await super().acreate_model_instance(data)
        row.account_id = owner(data)
        return row

    def load(self):
        if type(self).get_model_class() is not Session:  # a subclass with its own model
            return super().load()
        rows = _SESSION_DATA.rows(self.session_key, timezone.now())
        if not rows:
            self._session_key = None
            return {}
        return self.decode(rows[0][0])

    def decode(self, session_data):
        key = (
            session_data,
            self.key_salt,
            self.serializer,
            settings.SECRET_KEY,
            tuple(settings.SECRET_KEY_FALLBACKS),
        )
        verified = _VERIFIED.get(key)
        if verified is not None:
            return self.serializer().loads(verified)
        session = super().decode(session_data)  # {} when the signature or the data is bad
        if session:
            if len(_VERIFIED) >= VERIFIED_MAX:
                _VERIFIED.clear()
            _VERIFIED[key] = self.serializer().dumps(session)
        return session


def end_sessions_of(account_pk: int, *, keep: str | None = None) -> int:
    """Deletes every session of the account (`owner`), live or expired, on every device, but
    the one whose key is `keep`: one DELETE through the `account_id` index, whatever the number
    of other sessions. Returns how many rows went."""
    sessions = Session.objects.filter(account_id=account_pk)
    if keep:
        sessions = sessions.exclude(session_key=keep)
    deleted, _ = sessions.delete()
    return deleted
