"""Cohort changes are in the audit log (accounts/audit.py `COHORT_MODELS`, docs/teaching.md),
each with who did it and what it was done to, as content changes are: an admin tracing who
archived a class, took a learner out or handed it over reads it at /admin/auditlog/logentry/."""

from __future__ import annotations

import re

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from cohorts import services
from cohorts.models import Assignment, Cohort
from srm_trainer import once
from tests.cohorts.conftest import client_for

pytestmark = pytest.mark.django_db


def _last(model, pk) -> LogEntry:
    entry = (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_pk=str(pk)
        )
        .order_by("-pk")
        .first()
    )
    assert entry is not None, f"no audit entry for {model.__name__} {pk}"
    return entry


def _url(name: str, *args) -> str:
    return reverse(f"teach_cohorts:{name}", args=args)


def test_creating_renaming_archiving_restoring_and_deleting_a_cohort_are_recorded(owner):
    teacher = client_for(owner)
    teacher.post(_url("list"), {"name": "Autumn", "once": once.new_token()})
    cohort = Cohort.objects.get(name="Autumn")
    made = _last(Cohort, cohort.pk)
    assert (made.action, made.actor, made.object_repr) == (LogEntry.Action.CREATE, owner, "Autumn")
    assert made.changes_dict["name"] == ["None", "Autumn"]
    assert "join_code" not in made.changes_dict  # a way into the class is not kept in the log

    teacher.post(_url("rename", cohort.pk), {"name": "Autumn, evening"})
    renamed = _last(Cohort, cohort.pk)
    assert (renamed.action, renamed.actor) == (LogEntry.Action.UPDATE, owner)
    assert renamed.changes_dict == {"name": ["Autumn", "Autumn, evening"]}

    teacher.post(_url("code-rotate", cohort.pk))
    rotated = _last(Cohort, cohort.pk)
    assert list(rotated.changes_dict) == ["code_rotated_at"] and rotated.actor == owner

    teacher.post(_url("archive", cohort.pk))
    archived = _last(Cohort, cohort.pk)
    assert archived.actor == owner and archived.changes_dict["archived_at"][0] == "None"
    teacher.post(_url("archive", cohort.pk))  # sent twice: changed once, recorded once
    assert _last(Cohort, cohort.pk).pk == archived.pk
    teacher.post(_url("restore", cohort.pk))
    restored = _last(Cohort, cohort.pk)
    assert restored.actor == owner and restored.changes_dict["archived_at"][1] == "None"

    teacher.post(_url("delete", cohort.pk))
    gone = _last(Cohort, cohort.pk)
    assert (gone.action, gone.actor, gone.object_repr) == (
        LogEntry.Action.DELETE,
        owner,
        "Autumn, evening",
    )


def test_who_teaches_a_cohort_and_who_owns_it_are_recorded(
    cohort, owner, co_instructor, other_instructor
):
    teacher = client_for(owner)
    teacher.post(_url("instructor-add", cohort.pk), {"username": "otto"})
    added = _last(Cohort, cohort.pk)
    assert added.actor == owner
    assert added.changes_dict["co_instructors"] == {
        "type": "m2m",
        "operation": "add",
        "objects": ["otto"],
    }
    teacher.post(_url("instructor-remove", cohort.pk, other_instructor.pk))
    removed = _last(Cohort, cohort.pk)
    assert removed.actor == owner
    assert removed.changes_dict["co_instructors"]["operation"] == "delete"
    assert removed.changes_dict["co_instructors"]["objects"] == ["otto"]
    teacher.post(_url("instructor-remove", cohort.pk, other_instructor.pk))  # again: no change
    assert _last(Cohort, cohort.pk).pk == removed.pk

    teacher.post(_url("owner-hand", cohort.pk, co_instructor.pk))
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Cohort), object_pk=str(cohort.pk)
    ).filter(pk__gt=removed.pk)
    owned = next(e for e in entries if "owner" in e.changes_dict)
    assert owned.actor == owner
    assert owned.changes_dict["owner"] == [str(owner.pk), str(co_instructor.pk)]
    # The former owner co-teaches it now, and the new owner is no longer a co-instructor.
    m2m = [e.changes_dict["co_instructors"] for e in entries if "co_instructors" in e.changes_dict]
    assert {"type": "m2m", "operation": "add", "objects": ["ines"]} in m2m
    assert {"type": "m2m", "operation": "delete", "objects": ["colm"]} in m2m


def test_assigning_editing_closing_reopening_and_removing_work_are_recorded(
    cohort, owner, co_instructor, published
):
    quiz = published
    client_for(owner).post(_url("assignment-create", cohort.pk), {"quiz": quiz.pk})
    assignment = Assignment.objects.get(cohort=cohort, quiz=quiz)
    made = _last(Assignment, assignment.pk)
    assert (made.action, made.actor) == (LogEntry.Action.CREATE, owner)
    assert made.object_repr == f"{quiz.title} for {cohort.name}"
    assert made.changes_dict["quiz"][1] == str(quiz.pk)

    teacher = client_for(co_instructor)  # a co-instructor manages the work too
    page = _url("assignment", cohort.pk, assignment.pk)
    teacher.post(
        page, {"due_at": "2031-01-01T10:00", "seen": services.assignment_stamp(assignment)}
    )
    edited = _last(Assignment, assignment.pk)
    assert edited.actor == co_instructor and edited.changes_dict["due_at"][0] == "None"

    teacher.post(_url("assignment-close", cohort.pk, assignment.pk), {"closed": "true"})
    closed = _last(Assignment, assignment.pk)
    assert closed.actor == co_instructor and closed.changes_dict["closed_at"][0] == "None"
    teacher.post(_url("assignment-close", cohort.pk, assignment.pk), {"closed": "false"})
    reopened = _last(Assignment, assignment.pk)
    assert reopened.actor == co_instructor and reopened.changes_dict["closed_at"][1] == "None"

    client_for(owner).post(_url("assignment-remove", cohort.pk, assignment.pk))
    gone = _last(Assignment, assignment.pk)
    assert (gone.action, gone.actor) == (LogEntry.Action.DELETE, owner)
    assert gone.object_repr == f"{quiz.title} for {cohort.name}"


def test_a_learner_taken_out_or_leaving_is_recorded_with_who_did_it(
    client, cohort, owner, learner, other_learner
):
    services.cohort_join(cohort=cohort, user=other_learner)
    client_for(owner).post(_url("member-remove", cohort.pk, learner.pk))
    removed = _last(Cohort, cohort.pk)
    assert (removed.actor, removed.object_repr) == (owner, cohort.name)
    assert removed.additional_data == {
        "event": "learner removed",
        "learner_id": learner.pk,
        "learner": learner.username,
    }
    assert removed.changes_dict["learners"] == {
        "type": "m2m",
        "operation": "delete",
        "objects": [learner.username],
    }
    client_for(owner).post(_url("member-remove", cohort.pk, learner.pk))  # again: nothing
    assert _last(Cohort, cohort.pk).pk == removed.pk

    client_for(other_learner).post(reverse("cohorts:leave", args=[cohort.pk]))
    left = _last(Cohort, cohort.pk)
    assert left.actor == other_learner
    assert left.additional_data["event"] == "learner left"
    assert left.additional_data["learner"] == other_learner.username


def test_the_admins_log_list_names_each_cohort_event(admin_client, cohort, owner, learner):
    """The event column says what happened ("learner removed"), not only "update"."""
    client_for(owner).post(_url("member-remove", cohort.pk, learner.pk))
    page = admin_client.get(reverse("admin:auditlog_logentry_changelist")).content.decode()
    assert "learner removed" in page
    entry = _last(Cohort, cohort.pk)
    shown = admin_client.get(reverse("admin:auditlog_logentry_change", args=[entry.pk]))
    text = " ".join(re.sub(r"<[^>]+>", " ", shown.content.decode()).split())
    assert "Learners delete ada" in text and "learner removed" in text
