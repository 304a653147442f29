"""The `Content editors` group: the course's content in the admin, and nothing about people.

Someone who only fixes a lesson's text or a quiz's questions needed the admin role, which also
edits learners and instructors and reads the security log. With staff status (`make_content_editor`)
this group opens exactly the content an everyday admin edits. Decided per model of the
`Administrators` list (0001, 0002, 0005):
- lessons (module, lesson, layer, service, responsibility, scenario, artifact section,
  compliance program) and quizzes (question, quiz, quiz entry): add, change, delete and view,
  as admins have them. They are the course (the curriculum, the shared responsibility tables,
  the compliance explorer's data, the IAM scenarios, the questions and quizzes). Deleting what
  learners or instructors rely on is refused by the admin whoever asks (docs/admin.md).
- glossary term: view, as admins: its admin is read-only for everyone (its file is its source).
- auth user (change, view) and group (view): no. Editing accounts is the admin role's, and an
  account's page shows who people are. So a question's, quiz's or scenario's owner is shown to
  a content editor, not chosen (`srm_trainer.admin_unseen`): the owner search reads accounts.
- audit log (view): no. It records every sign-in with its network address and every role
  change; a content row's own History page (the admin's, opened with view or change on the row)
  tells who edited it.
- certificate (view): no. A certificate is a learner's record: looking one up answers a learner
  or an employer, an admin's errand.
Learner records (progress, knowledge checks, attempts, answers, review cards) stay granted to no
role; `tests/accounts/test_roles.py` asserts the list exactly.

The group is made here if it does not exist, and the grants added to it, never set (as 0002
does: an admin's later change to a group is not this migration's business); after `flush`,
`accounts.roles.ensure_role_groups` makes it again from `GRANTS`.
"""

import importlib

from django.contrib.auth.management import create_permissions
from django.db import migrations

CONTENT_EDITORS = "Content editors"
_ALL = ["add", "change", "delete", "view"]
GRANTS = {
    CONTENT_EDITORS: {
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
        "glossary": {"glossaryterm": ["view"]},
    }
}

_roles_0002 = importlib.import_module("srm_trainer.accounts.migrations.0002_view_certificates")


def make_group(apps, schema_editor):
    # On a fresh database permissions are only made after every migration: make these now.
    for app_label in GRANTS[CONTENT_EDITORS]:
        config = apps.get_app_config(app_label)
        config.models_module = True
        create_permissions(config, apps=apps, verbosity=0)
        config.models_module = None
    group, _ = apps.get_model("auth", "Group").objects.get_or_create(name=CONTENT_EDITORS)
    group.permissions.add(*_roles_0002._permissions(apps, GRANTS[CONTENT_EDITORS]))


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=CONTENT_EDITORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_view_glossary"),
    ]

    operations = [migrations.RunPython(make_group, remove_group)]
