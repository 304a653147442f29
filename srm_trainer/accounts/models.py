"""The site's sessions (settings.SESSION_ENGINE, srm_trainer/sessions.py), each with the account
it belongs to, so that closing an account finds its sessions by an index instead of reading
every session there is."""

from __future__ import annotations

from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models


class Session(AbstractBaseSession):
    """Django's session row (key, signed data, expiry, the expiry indexed) and whose it is.

    `account_id` is the number of the account the session is signed in as, or half way through
    signing in as (the password given, the second factor not yet); empty for everyone else. It
    is written from the data each time the session is saved (`SessionStore.
    create_model_instance`), so it always says what the data says. A plain number, not a
    foreign key: a session saved while its account is being deleted must not fail on a missing
    account, and the closing deletes the rows itself (`srm_trainer/accounts/closing.py`)."""

    account_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    @classmethod
    def get_session_store_class(cls):
        from srm_trainer.sessions import SessionStore

        return SessionStore
