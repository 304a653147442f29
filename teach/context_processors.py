"""Whether to show the header's "Teaching" link. A context processor, so that `lessons` and
the base template need not know about `teach`. It costs no query: staff status is on the user,
and the instructor role is loaded with the user (`srm_trainer.accounts.backends`)."""

from __future__ import annotations

from django.http import HttpRequest

from teach.access import can_run_classes, can_teach


def teaching(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    # A callable: the template asks only when it draws the header.
    return {
        "can_teach": lambda: user is not None and can_teach(user),
        # The "Cohorts" links under /teach/: not for a content editor (`can_run_classes`).
        "runs_classes": lambda: user is not None and can_run_classes(user),
    }
