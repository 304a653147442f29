"""`manage.py make_admin USERNAME [--remove]`: an everyday admin, so the superuser can rest."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from srm_trainer.accounts.roles import ADMINISTRATORS, set_administrator


class Command(BaseCommand):
    help = f"Make a user staff in the {ADMINISTRATORS} group (or undo it with --remove)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--remove", action="store_true", help="take the role away")

    def handle(self, *args, username: str, remove: bool, **options) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user is called {username!r}.")
        set_administrator(user=user, administrator=not remove)
        if remove:
            self.stdout.write(f"{username} is no longer an admin.")
        else:
            self.stdout.write(
                f"{username} is now an admin; they must set up two-factor authentication "
                "before /admin/ opens."
            )
