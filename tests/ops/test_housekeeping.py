"""Tables that would only grow with rows nobody can use any more.

Sessions: Django deletes an expired session only when `manage.py clearsessions` runs; `make
serve` runs it at each start and README's Deploying section gives the daily line. The cache
and the rate-limit counters remove their own expired rows as writes go by
(`tests/test_database_cache.py` for the cache); allauth keeps no row per mail sent.
"""

from __future__ import annotations

import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
from allauth.account.models import EmailConfirmation
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from srm_trainer.ratelimit import counters
from srm_trainer.ratelimit.counters import Limit, count
from srm_trainer.ratelimit.models import Counter
from srm_trainer.sessions import SessionStore

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent.parent


def _session(expires_in: timedelta) -> str:
    store = SessionStore()
    store["cart"] = "kept"
    store.create()
    Session.objects.filter(pk=store.session_key).update(expire_date=timezone.now() + expires_in)
    return store.session_key


def test_clearsessions_deletes_expired_sessions_and_keeps_live_ones(client, learner):
    expired = [_session(timedelta(seconds=-1)), _session(timedelta(days=-30))]
    live = _session(timedelta(minutes=5))
    client.force_login(learner)

    call_command("clearsessions")

    assert not Session.objects.filter(pk__in=expired).exists()
    assert SessionStore(session_key=live).load() == {"cart": "kept"}
    assert client.get("/accounts/data/").status_code == 200  # still signed in


def _recipe(target: str) -> list[str]:
    """What `make TARGET` runs, in order: its recipe's manage.py commands by name, gunicorn, and
    the targets it goes on to (`make serve-app`)."""
    lines = (ROOT / "Makefile").read_text().splitlines()
    start = lines.index(f"{target}: $(VENV)/.installed-app") + 1
    names = []
    for line in lines[start:]:
        if not line.startswith("\t"):
            break
        words = re.sub(r"^@?(\S+=\S+ )*", "", line.strip()).split()
        if words[:2] == ["$(BIN)/python", "manage.py"]:
            names.append(words[2])
        elif words[0] == "$(BIN)/gunicorn":
            names.append("gunicorn")
        elif words[0] == "$(MAKE)":
            names.append(f"make {words[-1]}")
    return names


def test_make_serve_clears_expired_sessions_once_migrated_before_serving():
    assert _recipe("serve") == ["migrate", "clearsessions", "make serve-app"]
    assert _recipe("serve-app") == ["collectstatic", "gunicorn"]


def test_only_the_release_step_loads_the_course_and_app_servers_leave_the_database_alone():
    """`make release` runs once per release, on one machine; restarting a server never loads
    the course again (that would overwrite lessons edited in the admin), and `make serve-app`,
    run on each of several app servers, neither migrates nor deletes sessions (README,
    Deploying)."""
    assert _recipe("release") == ["migrate", "load_curriculum", "clearsessions"]
    assert "load_curriculum" not in _recipe("serve") + _recipe("serve-app")


def test_rate_limit_rows_of_idle_clients_are_deleted_and_current_ones_kept(monkeypatch):
    monkeypatch.setattr(counters, "PURGE_CHANCE", 1)  # the purge that runs now and then, now
    now = time.time()
    idle = now - counters.PURGE_AFTER_SECONDS - 1
    Counter.objects.create(key="idle", period=1, count=3, expires=idle)
    Counter.objects.create(key="recent", period=2, count=3, expires=now - 10)
    count("counting", Limit(3, 60), now)
    assert set(Counter.objects.values_list("key", flat=True)) == {"recent", "counting"}


def test_a_verification_mail_leaves_no_row_behind(client):
    """allauth's links are signed (ACCOUNT_EMAIL_CONFIRMATION_HMAC, its default): with stored
    confirmations instead, every mail would add a row that nothing deletes."""
    client.post(
        "/accounts/signup/",
        {
            "username": "grace",
            "email": "grace@example.com",
            "password1": "a-long-passphrase-7",
            "password2": "a-long-passphrase-7",
        },
    )
    assert [message.to for message in mail.outbox] == [["grace@example.com"]]
    assert not EmailConfirmation.objects.exists()
