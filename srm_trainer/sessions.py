"""Django's database sessions, with the per-request read compiled to SQL once and the
signature of a session's data checked once per process.

The same table, rows, expiry and signing as `django.contrib.sessions.backends.db`; only
`load` and `decode` differ:
- `load` runs a `PreparedQuery` (`srm_trainer.prepared`) instead of building
  `Session.objects.get(...)` afresh on every request. The row is read on every request, so a
  sign-out or a flushed session takes effect on the next one, as before.
- `decode` remembers the data it has verified: Django checks the row's HMAC signature (two
  SHA-256 key derivations and an HMAC) on every request, ~40 µs of a signed-in page, for data
  that changes only when the session is saved. A row's exact text, under the same secret keys,
  verifies the same way every time; text never seen verified (changed, tampered with, signed
  with another key) goes through Django's check, as before. What is remembered is the
  serialized data, so every request still gets its own copy to change.

`delete_where` finds sessions by what they hold (closing an account ends its sessions on every
device), reading every row: no column says whose a session is.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DbSessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

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


class SessionStore(DbSessionStore):
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


SCAN_CHUNK = 500


def delete_where(holds: Callable[[dict], bool]) -> int:
    """Deletes every unexpired session whose data `holds` says yes to, and every expired one
    (what `manage.py clearsessions` does: they open nothing, but still hold what they held);
    returns how many matched. Each row's signature is checked with Django's own `decode`,
    not remembered in `_VERIFIED` (a scan would push out the sessions in use): ~40 µs a live
    session, for a rare action. A row whose data does not verify holds nothing, as on load."""
    now = timezone.now()
    Session.objects.filter(expire_date__lte=now).delete()
    reader = DbSessionStore()
    rows = (
        Session.objects.filter(expire_date__gt=now)
        .order_by()
        .values_list("session_key", "session_data")
    )
    keys = [key for key, data in rows.iterator(chunk_size=SCAN_CHUNK) if holds(reader.decode(data))]
    for start in range(0, len(keys), SCAN_CHUNK):
        Session.objects.filter(session_key__in=keys[start : start + SCAN_CHUNK]).delete()
    return len(keys)
