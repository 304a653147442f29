"""`manage.py make_admin USERNAME [--remove]`: an everyday admin, so the superuser can rest."""

from __future__ import annotations

from srm_trainer.accounts.management.role_command import RoleCommand
from srm_trainer.accounts.roles import ADMINISTRATORS, set_administrator


class Command(RoleCommand):
    help = f"Make a user staff in the {ADMINISTRATORS} group (or undo it with --remove)."
    role = "an admin"
    opens = "/admin/"
    staff_role = True

    def set_role(self, user, *, on: bool) -> None:
        set_administrator(user=user, administrator=on)
