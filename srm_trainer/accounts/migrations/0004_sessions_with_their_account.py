"""Sessions move from Django's table (`django_session`) to ours (`accounts_session`), each with
the account it belongs to (srm_trainer/sessions.py says why), so nobody is signed out by the
upgrade.

Each live row is read once: its data's signature checked, its account found (`owner`), and the
row copied as it was. Two kinds of row are left behind, and Django's table is emptied, since
nothing reads it any more and what it holds could name an account that closing would not find:
- expired rows: they open nothing (`manage.py clearsessions` would delete them);
- rows whose data does not verify under the site's secret keys (SECRET_KEY and its fallbacks):
  loading one gives an empty session, as if there were no cookie, so no one loses anything, and
  a row whose owner cannot be read could never be found when its account is closed. (Run the
  migration with the servers' settings, as always: other keys would find every row unverified.)

Backwards, the live rows go back to Django's table as they are.
"""

from django.conf import settings
from django.core import signing
from django.db import migrations, models
from django.utils import timezone
from django.utils.http import base36_to_int
from django.utils.module_loading import import_string

# What the session engine signs with and where it keeps the account, as they were when this was
# written: the salt of a store class named SessionStore (SessionBase.key_salt), Django's key for
# the signed-in account and allauth's for a pending sign-in (srm_trainer/sessions.py, `owner`).
SALT = "django.contrib.sessions.SessionStore"
SIGNED_IN = "_auth_user_id"
PENDING = "account_login"
BATCH = 500


def owner(data: dict) -> int | None:
    login = data.get(PENDING)
    try:
        if isinstance(data.get(SIGNED_IN), str):
            return int(data[SIGNED_IN])
        if isinstance(login, dict) and isinstance(login.get("user_pk"), str):
            return base36_to_int(login["user_pk"])
    except ValueError:
        pass
    return None


def _batches(model, now):
    """The live rows in batches, by key (reads no row twice, holds one batch at a time, and
    writes nothing to the table it reads, on SQLite and PostgreSQL alike)."""
    rows = model.objects.filter(expire_date__gt=now).order_by("session_key")
    last = None
    while True:
        batch = list((rows.filter(session_key__gt=last) if last is not None else rows)[:BATCH])
        if not batch:
            return
        yield batch
        last = batch[-1].session_key


def carry_over(apps, schema_editor):
    Old = apps.get_model("sessions", "Session")
    New = apps.get_model("accounts", "Session")
    serializer = import_string(settings.SESSION_SERIALIZER)
    for batch in _batches(Old, timezone.now()):
        kept = []
        for row in batch:
            try:
                data = signing.loads(row.session_data, salt=SALT, serializer=serializer)
            except Exception:  # a bad signature, or data that does not read back
                continue
            if not isinstance(data, dict):
                continue
            kept.append(
                New(
                    session_key=row.session_key,
                    session_data=row.session_data,
                    expire_date=row.expire_date,
                    account_id=owner(data),
                )
            )
        New.objects.bulk_create(kept)
    Old.objects.all().delete()


def carry_back(apps, schema_editor):
    Old = apps.get_model("sessions", "Session")
    New = apps.get_model("accounts", "Session")
    for batch in _batches(New, timezone.now()):
        Old.objects.bulk_create(
            [
                Old(
                    session_key=row.session_key,
                    session_data=row.session_data,
                    expire_date=row.expire_date,
                )
                for row in batch
            ],
            ignore_conflicts=True,  # a row written to Django's table since (the old code)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_forget_unknown_sign_in_names"),
        ("sessions", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="Session",
            fields=[
                (
                    "session_key",
                    models.CharField(
                        max_length=40,
                        primary_key=True,
                        serialize=False,
                        verbose_name="session key",
                    ),
                ),
                ("session_data", models.TextField(verbose_name="session data")),
                ("expire_date", models.DateTimeField(db_index=True, verbose_name="expire date")),
                ("account_id", models.BigIntegerField(blank=True, db_index=True, null=True)),
            ],
            options={
                "verbose_name": "session",
                "verbose_name_plural": "sessions",
                "abstract": False,
            },
        ),
        migrations.RunPython(carry_over, carry_back),
    ]
