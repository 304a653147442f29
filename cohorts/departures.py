"""Learners who left a cohort, for its instructors: who, when, and whether they left by
themselves or an instructor took them out.

Leaving deletes the membership (`services._drop_membership`), so without a record the learner
was simply gone from the people page and the gradebook. The record is the audit log's entry
for the cohort (`accounts.audit.record_event`): one place for an administrator tracing who
took a learner out and for the instructors' "Recently left", not a second table of the same
facts. Each entry names the learner by id and username; closing the learner's account takes
the name out (`accounts.closing`), so the list then says only that a learner's account was
closed.

What leaving does to results (said on the people page): the learner's attempts stay in their
own account, but the gradebook and its CSVs count only its current learners' attempts, so
theirs leave it, and their extensions in the cohort are deleted. Joining again counts only
attempts started after the new joining (`gradebook.counted_attempts`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from cohorts.models import Cohort, Membership
from lessons.models import Profile
from srm_trainer.accounts.audit import record_event

LEFT = "learner left"
REMOVED = "learner removed"
RECENT_DAYS = 60  # "recently": about a term's half, long enough to notice before grading
RECENT_SHOWN = 20  # the newest this many: a page's cost does not grow with the class


def record(*, cohort: Cohort, learner, by=None) -> LogEntry:
    """The learner `learner` is out of `cohort`: taken out by `by`, an instructor, or left by
    themselves (`by` None)."""
    name = learner.get_username()
    return record_event(
        cohort,
        event=REMOVED if by is not None else LEFT,
        actor=by if by is not None else learner,
        changes={"learners": {"type": "m2m", "operation": "delete", "objects": [name]}},
        extra={"learner_id": learner.pk, "learner": name},
    )


@dataclass(frozen=True)
class Departure:
    learner: str  # "" once their account is closed
    at: datetime
    removed_by: str | None  # the instructor's username; None when they left by themselves
    rejoined_at: datetime | None = None  # in the cohort again since (only later attempts count)
    shown_name: str = ""  # the name they chose to show their instructors (`lessons.shown_names`)

    @property
    def by_themselves(self) -> bool:
        return self.removed_by is None


def recent(cohort: Cohort, *, now: datetime, days: int = RECENT_DAYS) -> list[Departure]:
    """The newest departures of the last `days` days, newest first, one per learner (their
    latest); those back in the cohort since say when they joined again, and each names the
    learner as the people page does (username and chosen name). Three queries at most, whatever
    the class's size or its history."""
    entries = list(
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Cohort),
            object_pk=str(cohort.pk),
            additional_data__event__in=[LEFT, REMOVED],
            timestamp__gte=now - timedelta(days=days),
        )
        .select_related("actor")
        .order_by("-timestamp", "-pk")[: RECENT_SHOWN * 2]
    )
    # Keyed by learner id, or by the entry for one whose account closed (no id left): an
    # entry's own pk is no user's id, so it must not be looked up as one.
    latest: dict[tuple[str, int], LogEntry] = {}
    for entry in entries:
        data = entry.additional_data if isinstance(entry.additional_data, dict) else {}
        learner_id = data.get("learner_id")
        key = ("learner", learner_id) if isinstance(learner_id, int) else ("entry", entry.pk)
        latest.setdefault(key, entry)
    chosen = list(latest.items())[:RECENT_SHOWN]
    ids = [key[1] for key, _ in chosen if key[0] == "learner"]
    back = dict(
        Membership.objects.filter(cohort=cohort, user_id__in=ids).values_list(
            "user_id", "joined_at"
        )
        if ids
        else ()
    )
    names = dict(
        Profile.objects.filter(user_id__in=ids)
        .exclude(shown_name="")
        .values_list("user_id", "shown_name")
        if ids
        else ()
    )
    out = []
    for key, entry in chosen:
        data = entry.additional_data if isinstance(entry.additional_data, dict) else {}
        removed = data.get("event") == REMOVED
        by = entry.actor.get_username() if removed and entry.actor is not None else ""
        learner_id = key[1] if key[0] == "learner" else None
        joined = back.get(learner_id) if learner_id is not None else None
        learner = str(data.get("learner") or "")
        out.append(
            Departure(
                learner=learner,
                shown_name=names.get(learner_id, "") if learner and learner_id is not None else "",
                at=entry.timestamp,
                removed_by=by if removed else None,
                rejoined_at=joined if joined is not None and joined >= entry.timestamp else None,
            )
        )
    return out


def forget(user) -> None:
    """The learner's name out of the cohorts' departures, as their account closes
    (`accounts.closing`): each entry keeps that a learner left (or who took them out) and
    when, naming no one. Two UPDATEs, however many cohorts they left."""
    closed = {"type": "m2m", "operation": "delete", "objects": ["a closed account"]}
    for event in (LEFT, REMOVED):
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Cohort),
            additional_data__event=event,
            additional_data__learner_id=user.pk,
        ).update(changes={"learners": closed}, additional_data={"event": event})


def was_in(cohort: Cohort, user) -> bool:
    """Whether `user` was in `cohort` before and left it or was taken out: joining again,
    only their later attempts count, which they are told (their earlier work had left the
    gradebook unsaid to them). One query on the log's (content type, object) index."""
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Cohort),
        object_pk=str(cohort.pk),
        additional_data__event__in=[LEFT, REMOVED],
        additional_data__learner_id=user.pk,
    ).exists()


def about_learner(user):
    """A Q for the departures naming `user` (their "Your data" file lists them)."""
    return Q(
        content_type=ContentType.objects.get_for_model(Cohort),
        additional_data__event__in=[LEFT, REMOVED],
        additional_data__learner_id=user.pk,
    )
