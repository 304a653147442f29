"""Failed sign-ins with a name that was no account's: the names kept so far are replaced by
their keyed digest, as new entries are written (srm_trainer/accounts/audit.py says why).

Every such entry is rewritten, including one whose name became an account's later: it was not
about that account when it was written. There is no way back: the names are not kept anywhere.
"""

from django.db import migrations
from django.utils.crypto import salted_hmac

SIGN_IN_FAILED = "sign-in failed"
# audit.NAME_DIGEST_SALT and audit.sign_in_name_digest, as they were when this was written
# (tests/accounts/test_audit.py checks that both give the same digest).
NAME_DIGEST_SALT = "srm_trainer.accounts.audit.sign_in_name"
BATCH = 500


def digest(name: str) -> str:
    return salted_hmac(NAME_DIGEST_SALT, name.lower(), algorithm="sha256").hexdigest()[:16]


def forget_names(apps, schema_editor):
    LogEntry = apps.get_model("auditlog", "LogEntry")
    rows = LogEntry.objects.filter(additional_data__event=SIGN_IN_FAILED, object_pk="")
    changed = []
    for entry in rows.order_by("pk").iterator(chunk_size=BATCH):
        data = dict(entry.additional_data or {})
        if "name_digest" in data:
            continue
        data["name_digest"] = digest(entry.object_repr or "")
        entry.additional_data = data
        entry.object_repr = f"no such account (name #{data['name_digest']})"
        changed.append(entry)
        if len(changed) >= BATCH:
            LogEntry.objects.bulk_update(changed, ["object_repr", "additional_data"])
            changed = []
    if changed:
        LogEntry.objects.bulk_update(changed, ["object_repr", "additional_data"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_view_certificates"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(forget_names, migrations.RunPython.noop, elidable=True)]
