"""Extension points for apps built on quizzes, which quizzes itself never imports.

An app registers plain functions here from its `AppConfig.ready()`; with none registered (the
default) quizzes behaves exactly as on its own.

- **Gates** decide whether a signed-in learner may `start`, `answer` or `submit` an attempt
  now: `gate(*, action, quiz, user_id, now)` returns None to let it through, or a sentence
  saying why not (shown to the learner). `attempts.py` asks every gate; any refusal wins.
- **Viewers** let someone other than the learner read (never change) an attempt:
  `viewer(*, user, attempt)` returns a `Viewing` (how to label the page and where to go back),
  or None. `views._attempt_read` asks them only for read-only pages, and only after the owner
  check failed.
- **Notes** tell a signed-in learner, on a quiz's own pages (its start page, an attempt being
  taken, its result), what an app knows about it for them: `notes(*, quiz, user_id, attempt,
  now)` returns a list of `Note` (empty when it has nothing to say); `attempt` is None on the
  start page. Asked once per page, never per question, and only for the learner's own pages.
- **Owner checks** say, by field, why the admin may not save a question as given for its
  owner (an app's ceilings on what one author's questions hold): `check(question, *, owner,
  category, tags, misconceptions, archived)` returns {field: sentence}, empty when it may;
  **restore checks** why questions may not be put back in use at once: `check(questions)`
  returns a sentence, "" when they may. `admin.QuestionAdmin` asks them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

ACTIONS = ("start", "answer", "submit")


@dataclass(frozen=True)
class Viewing:
    """Someone reading another learner's attempt: whose it is, and the way back."""

    learner: str
    back_url: str
    back_text: str
    shown_name: str = ""  # the name the learner chose to show their instructors, if any
    note: str = ""  # what the viewer's records say of the attempt ("… after their due date: late")
    late: bool = False  # and whether that note is a late mark (shown emphasised)


@dataclass(frozen=True)
class Note:
    """A sentence or two for the learner about this quiz (an assignment, its due date);
    `alert`, when set, is what they must not miss (late work), shown emphasised after it."""

    text: str
    alert: str = ""


_gates: list[Callable[..., str | None]] = []
_viewers: list[Callable[..., Viewing | None]] = []
_notes: list[Callable[..., list[Note]]] = []
_owner_checks: list[Callable[..., dict[str, str]]] = []
_restore_checks: list[Callable[..., str]] = []


def register_gate(gate: Callable[..., str | None]) -> None:
    if gate not in _gates:  # ready() may run twice (tests, autoreload)
        _gates.append(gate)


def register_viewer(viewer: Callable[..., Viewing | None]) -> None:
    if viewer not in _viewers:
        _viewers.append(viewer)


def register_notes(provider: Callable[..., list[Note]]) -> None:
    if provider not in _notes:
        _notes.append(provider)


def refusal(*, action: str, quiz, user_id: int | None, now: datetime) -> str | None:
    """Why `action` is refused for this learner now, or None. Anonymous learners belong to no
    group an app could gate, so they are never asked about."""
    if user_id is None:
        return None
    for gate in _gates:
        message = gate(action=action, quiz=quiz, user_id=user_id, now=now)
        if message:
            return message
    return None


def viewing(*, user, attempt) -> Viewing | None:
    """How `user` may read someone else's `attempt`, or None when they may not."""
    if not getattr(user, "is_authenticated", False):
        return None
    for viewer in _viewers:
        found = viewer(user=user, attempt=attempt)
        if found is not None:
            return found
    return None


def notes(*, quiz, user_id: int | None, attempt=None, now: datetime, unfinished=None) -> list[Note]:
    """What apps say to this learner about `quiz` (and `attempt`, theirs, when given; on the
    start page, `unfinished`: their attempt in progress, which its button continues). Anonymous
    learners belong to no app's group: nothing is asked, and no query is made."""
    if user_id is None:
        return []
    found: list[Note] = []
    for provider in _notes:
        found.extend(
            provider(quiz=quiz, user_id=user_id, attempt=attempt, now=now, unfinished=unfinished)
        )
    return found


def register_owner_check(check: Callable[..., dict[str, str]]) -> None:
    if check not in _owner_checks:
        _owner_checks.append(check)


def register_restore_check(check: Callable[..., str]) -> None:
    if check not in _restore_checks:
        _restore_checks.append(check)


def owner_refusals(question, **given) -> dict[str, str]:
    """What the registered owner checks say of saving `question` as `given`, by field."""
    found: dict[str, str] = {}
    for check in _owner_checks:
        for field, message in check(question, **given).items():
            found.setdefault(field, message)
    return found


def restore_refusal(questions) -> str:
    """Why putting `questions` back in use is refused, or ""."""
    for check in _restore_checks:
        message = check(questions)
        if message:
            return message
    return ""
