"""Migration lessons 0017: the curriculum's rows gain `updated_at`, which the admin compares to
refuse a page drawn before another save. Rows already stored take the migration's time (a
real time, with its zone, not empty or the epoch), and the next save moves it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from lessons import models as current
from tests import dbsetup

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("lessons", "0016_earlier_address")]
AFTER = [("lessons", "0017_edit_stamps")]
STAMPED = (
    "Module",
    "Lesson",
    "Scenario",
    "Layer",
    "Service",
    "Responsibility",
    "ArtifactSection",
    "ComplianceProgram",
)


def _rows_before(old) -> dict[str, int]:
    """One row of each stamped model, made at 0016; their pks by model."""
    module = old.get_model("lessons", "Module").objects.create(slug="m", title="M")
    lesson = old.get_model("lessons", "Lesson").objects.create(
        module=module, slug="l", title="L", body="## Words\n\nText.\n"
    )
    case = {"request": {"principal": "arn:aws:iam::111122223333:user/a", "action": "s3:GetObject"}}
    scenario = old.get_model("lessons", "Scenario").objects.create(
        slug="s", title="S", situation="A reads.", case=case
    )
    layer = old.get_model("lessons", "Layer").objects.create(slug="data", name="Data")
    service = old.get_model("lessons", "Service").objects.create(slug="ec2", name="EC2", model="x")
    held = old.get_model("lessons", "Responsibility").objects.create(
        service=service, layer=layer, owner="customer", reason="Yours."
    )
    section = old.get_model("lessons", "ArtifactSection").objects.create(slug="a", name="A")
    program = old.get_model("lessons", "ComplianceProgram").objects.create(
        slug="p", name="P", kind="law", summary="S.", artifact_section=section
    )
    made = (module, lesson, scenario, layer, service, held, section, program)
    return {name: row.pk for name, row in zip(STAMPED, made, strict=True)}


def test_rows_stored_before_take_the_migrations_time_and_a_save_moves_it():
    dbsetup.migrate_back(BEFORE)
    try:
        old = MigrationExecutor(connection).loader.project_state(BEFORE).apps
        pks = _rows_before(old)
        started = timezone.now()
        MigrationExecutor(connection).migrate(AFTER)
        finished = timezone.now()
        MigrationExecutor(connection).migrate(
            MigrationExecutor(connection).loader.graph.leaf_nodes()
        )

        for name, pk in pks.items():
            stamp = getattr(current, name)._base_manager.get(pk=pk).updated_at
            assert timezone.is_aware(stamp), name
            assert started <= stamp <= finished, name
        lesson = current.Lesson.objects.get(pk=pks["Lesson"])
        was = lesson.updated_at
        lesson.save(update_fields=["title"])
        assert current.Lesson.objects.get(pk=lesson.pk).updated_at > was
    finally:
        MigrationExecutor(connection).migrate(
            MigrationExecutor(connection).loader.graph.leaf_nodes()
        )
