"""Administrators may view the glossary in the admin, as they see every other piece of content.

The glossary came into the admin after 0001 made the groups, and no roles migration granted it,
so an everyday admin did not see it at all: only a superuser could look a term up there. Its
admin is read-only for everyone (`glossary/admin.py`: `lessons/content/glossary.yaml` is its
source, and `load_curriculum` replaces the rows), so view is all there is to grant. Instructors
get nothing: they are not staff, and the admin is closed to them.

Added to the group, never set, as 0002 does (its docstring says why).
"""

import importlib

from django.db import migrations

GRANTS = {"Administrators": {"glossary": {"glossaryterm": ["view"]}}}

_roles_0002 = importlib.import_module("srm_trainer.accounts.migrations.0002_view_certificates")


def grant(apps, schema_editor):
    _roles_0002.add_grants(apps, GRANTS, "glossary")


def revoke(apps, schema_editor):
    _roles_0002.remove_grants(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_sessions_with_their_account"),
        ("glossary", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
