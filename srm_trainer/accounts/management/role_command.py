"""What the role commands share (`make_instructor`, `make_admin`, `make_content_editor`): one
user by name, a role given or taken."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from srm_trainer.accounts.roles import has_mfa, staff_roles


class RoleCommand(BaseCommand):
    role = ""  # "an instructor"
    opens = ""  # the pages the role needs two-factor sign-in for
    staff_role = False  # the role comes with staff status (the admin's door)

    def set_role(self, user, *, on: bool) -> None:
        raise NotImplementedError

    def left_behind(self, user) -> str | None:
        """What taking the role away leaves with no one to run it (said after), or None."""
        return None

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--remove", action="store_true", help="take the role away")

    def handle(self, *args, username: str, remove: bool, **options) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user is called {username!r}.")
        self.set_role(user, on=not remove)
        if remove:
            self.stdout.write(f"{username} is no longer {self.role}.")
            kept = staff_roles(user) if self.staff_role else []
            if kept:  # someone expecting the admin closed to them is told why it is not
                self.stdout.write(
                    f"{username} stays staff as {' and '.join(kept)}: /admin/ is still open to "
                    "them."
                )
            warning = self.left_behind(user)
            if warning:
                self.stderr.write(warning)
        elif has_mfa(user):  # told to set it up when they had, an admin went looking why
            self.stdout.write(
                f"{username} is now {self.role}; they have two-factor authentication, so "
                f"{self.opens} is open to them now."
            )
        else:
            self.stdout.write(
                f"{username} is now {self.role}; they must set up two-factor authentication "
                f"before {self.opens} opens."
            )
