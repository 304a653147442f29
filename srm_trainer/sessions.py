"""Django's database sessions, with the per-request read compiled to SQL once.

The same table, rows, expiry and signing as `django.contrib.sessions.backends.db`; only
`load` differs: it runs a `PreparedQuery` (`srm_trainer.prepared`) instead of building
`Session.objects.get(...)` afresh on every request. The row is read on every request, so a
sign-out or a flushed session takes effect on the next one, as before.
"""

from __future__ import annotations

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


class SessionStore(DbSessionStore):
    def load(self):
        if type(self).get_model_class() is not Session:  # a subclass with its own model
            return super().load()
        rows = _SESSION_DATA.rows(self.session_key, timezone.now())
        if not rows:
            self._session_key = None
            return {}
        return self.decode(rows[0][0])
