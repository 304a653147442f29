"""`manage.py close_overdue_attempts`: hand in, as they stand, every timed attempt whose time
ran out and its grace with it.

Pages close the overdue attempts they show (a learner's own, a gradebook's, a quiz's
statistics), at most `attempts.EXPIRE_PER_REQUEST` a view. An attempt nobody's page ever
shows again stays open, and in the partial index of open timed attempts, for good; this
closes them all, a batch at a time, from the daily job beside `clearsessions`."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from quizzes import attempts
from quizzes.models import Attempt


class Command(BaseCommand):
    help = (
        "Submit every unfinished timed attempt whose deadline and grace have passed, dated at "
        "its deadline, as a page that shows it would."
    )

    def handle(self, *args, **options) -> None:
        now = timezone.now()
        closed = 0
        while True:
            batch = attempts.expire_overdue(Attempt.objects.all(), now=now)
            closed += batch
            # A short batch means none is left (or what is left will not close): stop either way.
            if batch < attempts.EXPIRE_PER_REQUEST:
                break
        self.stdout.write(f"Closed {closed} overdue attempt{'' if closed == 1 else 's'}.")
