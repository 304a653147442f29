"""`manage.py hand_over_teaching FROM TO`: an instructor who leaves hands their cohorts and
what they wrote to another (`cohorts/handover.py`)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from cohorts.handover import HandOverError, hand_over


class Command(BaseCommand):
    help = (
        "Make TO the owner of the cohorts (current and archived), quizzes, questions and "
        "scenarios FROM owns; FROM leaves those cohorts' instructors."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("from_username", metavar="FROM")
        parser.add_argument("to_username", metavar="TO")

    def handle(self, *args, from_username: str, to_username: str, **options) -> None:
        users = get_user_model().objects
        from_user = users.filter(username=from_username).first()
        to_user = users.filter(username=to_username).first()
        for name, user in ((from_username, from_user), (to_username, to_user)):
            if user is None:
                raise CommandError(f"No user is called {name!r}.")
        try:
            done = hand_over(from_user=from_user, to_user=to_user)
        except HandOverError as exc:
            raise CommandError(f"Nothing was handed over: {exc}") from exc
        self.stdout.write(f"{to_username} now owns what {from_username} owned: {done}.")
        for line in done.renamed:
            self.stdout.write(f"Renamed, as {to_username} had a cohort by that name: {line}.")
