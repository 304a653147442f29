"""`manage.py make_content_editor USERNAME [--remove]`: course content in the admin, nothing more."""

from __future__ import annotations

from srm_trainer.accounts.management.role_command import RoleCommand
from srm_trainer.accounts.roles import CONTENT_EDITORS, set_content_editor


class Command(RoleCommand):
    help = f"Make a user staff in the {CONTENT_EDITORS} group (or undo it with --remove)."
    role = "a content editor"
    opens = "/admin/"
    staff_role = True

    def set_role(self, user, *, on: bool) -> None:
        set_content_editor(user=user, content_editor=on)
