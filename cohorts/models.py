"""Cohorts (a class an instructor runs), their members, and the work assigned to them.

A cohort has one owner and any number of co-instructors, who manage it alike (only the owner
changes who co-teaches). Learners join with the cohort's code; rotating the code makes the old
one (and the link that carries it) stop working. A cohort whose term is over is archived
rather than deleted: it leaves its instructors' list and its learners' to-do work, admits no
one, and its gradebook stays readable, unchanged, until it is restored. An assignment is one quiz, and optionally
lessons to read, with an optional opening time and due date; a learner may get an extension.
Attempts are not linked to assignments (quizzes knows nothing of cohorts): an assignment counts
a member's attempts at its quiz started after both the assignment opened and they joined
(`cohorts.gradebook.counted_attempts`).
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse

from cohorts import codes
from lessons.models import Lesson
from quizzes.models import Quiz


class Cohort(models.Model):
    name = models.CharField(max_length=120)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_cohorts"
    )
    co_instructors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="co_taught_cohorts", blank=True
    )
    join_code = models.CharField(max_length=codes.LENGTH, unique=True)
    created_at = models.DateTimeField()
    code_rotated_at = models.DateTimeField(null=True, blank=True)
    # Set while archived (`services.cohort_archive`): read-only, out of the lists, closed to joins.
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("teach_cohorts:gradebook", args=[self.pk])

    @property
    def archived(self) -> bool:
        return self.archived_at is not None

    @property
    def code_display(self) -> str:
        return codes.display(self.join_code)

    def join_path(self) -> str:
        return reverse("cohorts:join-link", args=[self.join_code])


class Membership(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cohort_memberships"
    )
    joined_at = models.DateTimeField()

    class Meta:
        ordering = ["user__username"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "user"], name="one_membership_per_cohort")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.cohort}"


class Assignment(models.Model):
    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="assignments")
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="cohort_assignments")
    lessons = models.ManyToManyField(Lesson, blank=True, related_name="cohort_assignments")
    opens_at = models.DateTimeField(null=True, blank=True)
    due_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = [models.F("due_at").desc(nulls_last=True), "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "quiz"], name="quiz_once_per_cohort")
        ]

    def __str__(self) -> str:
        return f"{self.quiz} for {self.cohort}"

    @property
    def starts_at(self) -> datetime:
        """From when attempts count: the opening time, or when it was assigned."""
        return self.opens_at or self.created_at

    def is_closed(self) -> bool:
        return self.closed_at is not None

    def is_open(self, now: datetime) -> bool:
        return self.closed_at is None and (self.opens_at is None or self.opens_at <= now)


class Extension(models.Model):
    """One learner's own due date for one assignment (later or earlier than everyone's)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="extensions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cohort_extensions"
    )
    due_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["assignment", "user"], name="one_extension_per_learner")
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.assignment} due {self.due_at:%Y-%m-%d %H:%M}"
