"""The `Instructors` and `Administrators` groups with the least permissions each role needs.

Learners are in no group and hold no permission. Both lists are asserted exactly by
tests/accounts/test_roles.py, so a widened grant is a visible, reviewed change.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# Authoring quiz content: questions, quizzes and their ordering, and the IAM scenarios that
# policy questions are built on; viewing modules and lessons to attach questions to them.
# Nothing on users, groups, progress, attempts, answers or review cards; no deletes.
INSTRUCTORS = {
    "quizzes": {
        "question": ["add", "change", "view"],
        "quiz": ["add", "change", "view"],
        "quizquestion": ["add", "change", "view"],
    },
    "lessons": {
        "scenario": ["add", "change", "view"],
        "module": ["view"],
        "lesson": ["view"],
    },
}

_ALL = ["add", "change", "delete", "view"]

# Everyday admins (with is_staff): all curriculum and quiz content; read-only on accounts and on
# the audit log; users may be edited (names, e-mail, active, instructor role) but the admin
# refuses them the staff, superuser, group and permission fields (see accounts/admin.py).
ADMINISTRATORS = {
    "lessons": {
        "module": _ALL,
        "lesson": _ALL,
        "layer": _ALL,
        "service": _ALL,
        "responsibility": _ALL,
        "scenario": _ALL,
        "artifactsection": _ALL,
        "complianceprogram": _ALL,
    },
    "quizzes": {"question": _ALL, "quiz": _ALL, "quizquestion": _ALL},
    "auth": {"user": ["change", "view"], "group": ["view"]},
    "auditlog": {"logentry": ["view"]},
}

GROUPS = {"Instructors": INSTRUCTORS, "Administrators": ADMINISTRATORS}


def _permissions(apps, grants):
    Permission = apps.get_model("auth", "Permission")
    wanted = [
        (app_label, f"{verb}_{model}")
        for app_label, models in grants.items()
        for model, verbs in models.items()
        for verb in verbs
    ]
    found = []
    for app_label, codename in wanted:
        found.append(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return found


def create_groups(apps, schema_editor):
    # On a fresh database permissions are only made after all migrations; make them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    for name, grants in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(_permissions(apps, grants))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("lessons", "0001_initial"),
        ("quizzes", "0001_initial"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
