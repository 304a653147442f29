"""`manage.py make_instructor USERNAME [--remove]`: give or take away the instructor role."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from srm_trainer.accounts.roles import INSTRUCTORS, set_instructor


class Command(BaseCommand):
    help = f"Add a user to the {INSTRUCTORS} group (or remove them with --remove)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--remove", action="store_true", help="take the role away")

    def handle(self, *args, username: str, remove: bool, **options) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user is called {username!r}.")
        set_instructor(user=user, instructor=not remove)
        if remove:
            self.stdout.write(f"{username} is no longer an instructor.")
        else:
            self.stdout.write(
                f"{username} is now an instructor; they must set up two-factor authentication "
                "before /teach/ opens."
            )
