"""Administrators may view certificates (the admin's read-only pages), and nothing else new.

Decided per role when certificates and knowledge checks came into the admin:
- Administrators: view certificates, to answer a learner or an employer ("was this issued,
  to which account, under which name, when?") and find a certificate's verification link.
  Not change or delete: the code is in shared links and the name and date are what the
  public page vouches for (the admin refuses changes to anyone; deleting is a superuser's).
- Instructors: nothing. They are not staff, so the admin is closed to them; what they may
  see of learners' work is scoped to their own cohorts by the gradebook, and a model
  permission would be a grant over every learner.
- Knowledge checks (learners' answers in lessons): no role, like progress, attempts and
  answers; superusers read them.

Added to the groups, never set: a grant an admin took away from a group elsewhere is not
the business of this migration, and a group an admin removed is not made again here (after
`flush`, `accounts.roles.ensure_role_groups` makes them with every roles migration's grants).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GRANTS = {"Administrators": {"certificates": {"certificate": ["view"]}}}


def _permissions(apps, grants):
    Permission = apps.get_model("auth", "Permission")
    return [
        Permission.objects.get(content_type__app_label=app_label, codename=f"{verb}_{model}")
        for app_label, models in grants.items()
        for model, verbs in models.items()
        for verb in verbs
    ]


def add_grants(apps, grants, app_label):
    """Add `grants` ({group: {app: {model: [verbs]}}}) to the groups that exist, making
    `app_label`'s permissions first (on a fresh database they come only after every migration)."""
    config = apps.get_app_config(app_label)
    config.models_module = True
    create_permissions(config, apps=apps, verbosity=0)
    config.models_module = None
    Group = apps.get_model("auth", "Group")
    for name, wanted in grants.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.add(*_permissions(apps, wanted))


def remove_grants(apps, grants):
    Group = apps.get_model("auth", "Group")
    for name, wanted in grants.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.remove(*_permissions(apps, wanted))


def grant(apps, schema_editor):
    add_grants(apps, GRANTS, "certificates")


def revoke(apps, schema_editor):
    remove_grants(apps, GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_roles"),
        ("certificates", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
