"""An instructor who leaves hands their teaching to another: the cohorts they own (current
and archived, with every learner, assignment and result in them) and the quizzes, questions
and scenarios they wrote. Without it a departing owner's cohort had no one to archive, delete
or change who teaches it (only its owner may), a cohort without co-instructors no one at all,
while it still set its learners' due dates; and their quizzes could be changed by no
instructor (`manage.py hand_over_teaching`, and the warning when the role is taken away).

Each row is saved on its own (`update_fields=["owner"]`), so the content's audit log records
who owned it before; "last edited" times stay as they were.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from cohorts.models import Cohort, Membership
from cohorts.services import free_name
from lessons.models import Scenario
from quizzes.models import Question, Quiz
from teach.access import can_teach


class HandOverError(Exception):
    """Why nothing was handed over, in words for the administrator."""


@dataclass(frozen=True)
class HandedOver:
    cohorts: int
    quizzes: int
    questions: int
    scenarios: int
    # "“Spring” is now “Spring (otto)”": names the new owner had already (`free_name`)
    renamed: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        def n(count: int, what: str) -> str:
            return f"{count} {what}{'' if count == 1 else 's'}"

        return ", ".join(
            [
                n(self.cohorts, "cohort"),
                n(self.quizzes, "quiz") if self.quizzes == 1 else f"{self.quizzes} quizzes",
                n(self.questions, "question"),
                n(self.scenarios, "scenario"),
            ]
        )


def still_owned(user) -> str | None:
    """What `user` still owns that would have no one to run it without them, in words (for
    the role's removal to warn about), or None."""
    owned = list(
        Cohort.objects.filter(owner=user).order_by("name").values_list("name", "archived_at")
    )
    if not owned:
        return None
    current = [name for name, archived in owned if archived is None]
    names = ", ".join(f"“{name}”" for name, _ in owned[:5]) + (" and more" if owned[5:] else "")
    return (
        f"{len(owned)} cohort{'' if len(owned) == 1 else 's'} ({names}; {len(current)} not "
        f"archived) {'is' if len(owned) == 1 else 'are'} still owned by {user.get_username()}, "
        "and only an owner can archive or delete a cohort or change who teaches it. Hand "
        "their teaching to another instructor: "
        f"manage.py hand_over_teaching {user.get_username()} OTHER_INSTRUCTOR"
    )


def hand_over(*, from_user, to_user) -> HandedOver:
    """Make `to_user` the owner of everything `from_user` owns in teaching, all or nothing.
    `from_user` leaves the co-instructors of those cohorts (they are leaving); `to_user`, if
    one of them, becomes their owner instead; a cohort named as one of `to_user`'s is told
    apart by `from_user`'s name (`free_name`). Refused, changing nothing, when `to_user`
    cannot teach, is `from_user`, or is a learner in one of the cohorts."""
    if to_user.pk == from_user.pk:
        raise HandOverError("Hand the teaching to someone else.")
    if not can_teach(to_user):
        raise HandOverError(
            f"{to_user.get_username()} is not an instructor: make them one first "
            "(manage.py make_instructor)."
        )
    cohorts = list(Cohort.objects.filter(owner=from_user).order_by("name", "pk"))
    learning = list(
        Membership.objects.filter(cohort__in=cohorts, user=to_user)
        .order_by("cohort__name")
        .values_list("cohort__name", flat=True)
    )
    if learning:
        raise HandOverError(
            f"{to_user.get_username()} is a learner in {_names(learning)}: an instructor "
            "cannot be a learner of their own cohort. They leave it first, or choose another "
            "instructor."
        )
    renamed = []
    with transaction.atomic():
        for cohort in cohorts:
            name = free_name(owner=to_user, name=cohort.name, whose=from_user.get_username())
            if name != cohort.name:
                renamed.append(f"“{cohort.name}” is now “{name}”")
            cohort.owner, cohort.name = to_user, name
            cohort.save(update_fields=["owner", "name"])
            cohort.co_instructors.remove(from_user, to_user)
        quizzes, questions, scenarios = (
            _own(model.objects.filter(owner=from_user), to_user)
            for model in (Quiz, Question, Scenario)
        )
    return HandedOver(len(cohorts), quizzes, questions, scenarios, renamed=renamed)


def _own(rows, to_user) -> int:
    count = 0
    for row in rows.order_by("pk").iterator():
        row.owner = to_user
        row.save(update_fields=["owner"])
        count += 1
    return count


def _names(names: list[str]) -> str:
    return ", ".join(f"“{name}”" for name in names)
