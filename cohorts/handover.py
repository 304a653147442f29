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
from teach.access import can_run_classes


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
    archived: int = 0  # of `cohorts`: the admin's confirmation page tells them apart

    @property
    def current(self) -> int:
        return self.cohorts - self.archived

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


def owns_teaching(user) -> bool:
    """Whether `user` owns anything a hand-over moves (the admin offers it to those who do)."""
    return any(
        model.objects.filter(owner=user).exists() for model in (Cohort, Quiz, Question, Scenario)
    )


def preview(*, from_user, to_user=None) -> HandedOver:
    """What `hand_over` would do, changing nothing (the admin's confirmation page): the
    counts, and, once `to_user` is chosen, the cohorts to be renamed. Refused as it would be."""
    cohorts = _cohorts(from_user)
    renamed = []
    if to_user is not None:
        _check(from_user=from_user, to_user=to_user, cohorts=cohorts)
        renamed = _renamed(cohorts, _new_names(cohorts, from_user=from_user, to_user=to_user))
    quizzes, questions, scenarios = (
        model.objects.filter(owner=from_user).count() for model in (Quiz, Question, Scenario)
    )
    return _handed(from_user, cohorts, quizzes, questions, scenarios, renamed=renamed)


def hand_over(*, from_user, to_user) -> HandedOver:
    """Make `to_user` the owner of everything `from_user` owns in teaching, all or nothing.
    `from_user` leaves the co-instructors of those cohorts (they are leaving); `to_user`, if
    one of them, becomes their owner instead; a cohort named as one of `to_user`'s is told
    apart by `from_user`'s name (`free_name`). Refused, changing nothing, when `to_user`
    cannot teach, is `from_user`, or is a learner in one of the cohorts, or when `from_user`
    owns nothing to hand over."""
    with transaction.atomic():
        cohorts = _cohorts(from_user)
        _check(from_user=from_user, to_user=to_user, cohorts=cohorts)
        names = _new_names(cohorts, from_user=from_user, to_user=to_user)
        renamed = _renamed(cohorts, names)  # before the cohorts take their new names
        for cohort, name in zip(cohorts, names, strict=True):
            cohort.owner, cohort.name = to_user, name
            cohort.save(update_fields=["owner", "name"])
            cohort.co_instructors.remove(from_user, to_user)
        quizzes, questions, scenarios = (
            _own(model.objects.filter(owner=from_user), to_user)
            for model in (Quiz, Question, Scenario)
        )
        # Owning nothing is refused here too; nothing was changed then to roll back.
        return _handed(from_user, cohorts, quizzes, questions, scenarios, renamed=renamed)


def _cohorts(from_user) -> list[Cohort]:
    return list(Cohort.objects.filter(owner=from_user).order_by("name", "pk"))


def _check(*, from_user, to_user, cohorts: list[Cohort]) -> None:
    if to_user.pk == from_user.pk:
        raise HandOverError("Hand the teaching to someone else.")
    if not can_run_classes(to_user):
        raise HandOverError(
            f"{to_user.get_username()} is not an instructor: make them one first "
            "(manage.py make_instructor)."
        )
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


def _new_names(cohorts: list[Cohort], *, from_user, to_user) -> list[str]:
    """Each cohort's name under `to_user`, in order: a name taken by one of theirs, or by one
    handed over before it, is told apart (`free_name`)."""
    taken = {
        name.casefold()
        for name in Cohort.objects.filter(owner=to_user).values_list("name", flat=True)
    }
    names = []
    for cohort in cohorts:
        name = free_name(
            owner=to_user, name=cohort.name, whose=from_user.get_username(), taken=taken
        )
        taken.add(name.casefold())
        names.append(name)
    return names


def _renamed(cohorts: list[Cohort], names: list[str]) -> list[str]:
    return [
        f"“{cohort.name}” is now “{name}”"
        for cohort, name in zip(cohorts, names, strict=True)
        if name != cohort.name
    ]


def _handed(
    from_user, cohorts: list[Cohort], quizzes: int, questions: int, scenarios: int, *, renamed
) -> HandedOver:
    """What a hand-over moves (or would), refused when `from_user` owns nothing at all."""
    if not (cohorts or quizzes or questions or scenarios):
        raise HandOverError(
            f"{from_user.get_username()} owns no cohort, quiz, question or scenario: there is "
            "nothing to hand over."
        )
    archived = sum(cohort.archived_at is not None for cohort in cohorts)
    return HandedOver(
        len(cohorts), quizzes, questions, scenarios, renamed=renamed, archived=archived
    )


def _own(rows, to_user) -> int:
    count = 0
    for row in rows.order_by("pk").iterator():
        row.owner = to_user
        row.save(update_fields=["owner"])
        count += 1
    return count


def _names(names: list[str]) -> str:
    return ", ".join(f"“{name}”" for name in names)
