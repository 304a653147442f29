"""`manage.py make_instructor USERNAME [--remove]`: give or take away the instructor role."""

from __future__ import annotations

from cohorts.handover import still_owned
from srm_trainer.accounts.management.role_command import RoleCommand
from srm_trainer.accounts.roles import INSTRUCTORS, set_instructor


class Command(RoleCommand):
    help = f"Add a user to the {INSTRUCTORS} group (or remove them with --remove)."
    role = "an instructor"
    opens = "/teach/"

    def set_role(self, user, *, on: bool) -> None:
        set_instructor(user=user, instructor=on)

    def left_behind(self, user) -> str | None:
        return still_owned(user)
