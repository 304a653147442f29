"""Attempt services: start, save an answer, submit. Views call these; so do tests.

Integrity rules kept here, not in views:
- the question order and the choice order are drawn once, at start, and stored;
- one Answer row per (attempt, question), written with a conditional upsert, so two tabs or
  a late autosave never duplicate or resurrect an answer, and a graded (checked) answer is
  never overwritten;
- submitting is a conditional UPDATE ... WHERE submitted_at IS NULL: whichever request gets
  there first grades the attempt, every later one (double click, second tab, replay) is a
  no-op that returns the same result;
- a timed quiz fixes the attempt's deadline when it starts. Nothing runs in the background:
  the first request that touches an attempt past its deadline (plus `GRACE`) submits it as it
  stands (`attempt_expire`), and no answer is saved after that.
- apps built on quizzes may refuse a start, an answer or a submit (`quizzes.hooks` gates, e.g.
  an assignment its instructor closed); with no gate registered nothing is refused.
"""

from __future__ import annotations

import hashlib
import math
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import NamedTuple

from django.db import connections, router, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Max,
    Q,
    QuerySet,
    TextField,
    When,
)
from django.db.models.functions import Cast
from django.utils import timezone

from lessons.models import Lesson, Module, Scenario
from quizzes import exam, hooks, review
from quizzes.draw_rules import MAX_DRAWN
from quizzes.grading import Grade, best_credit, certainty_credit, grade
from quizzes.kinds.choices import ITEM_KINDS, NAMING_KINDS, chosen_not_in
from quizzes.models import Answer, Attempt, Question, Quiz, reaches_mark
from quizzes.results_version import results_changed
from srm_trainer.prepared import (
    MAX_INTS,
    PreparedInsert,
    PreparedPerCount,
    PreparedQuery,
    PreparedUpdate,
    concrete_attnames,
    instance,
)

_random = secrets.SystemRandom()


class AttemptError(Exception):
    """A rule stopped the action; `str(exc)` is a message a learner can read."""


class AttemptLimitReached(AttemptError):
    pass


class AttemptClosed(AttemptError):
    pass


class AnswerLocked(AttemptError):
    pass


class TimeUp(AttemptClosed):
    """The attempt's time limit passed: it was submitted as it stood."""


# How long after the deadline an answer is still taken: the last autosave or "Save" a learner
# sent just before the deadline may reach the server a moment after it.
GRACE = timedelta(seconds=5)
TIME_UP_MESSAGE = "Time is up: your attempt was submitted with the answers saved by the deadline."


def deadline_for(quiz: Quiz, started_at: datetime) -> datetime | None:
    """When an attempt started at `started_at` must end (None: the quiz has no limit)."""
    return started_at + timedelta(minutes=quiz.time_limit) if quiz.time_limit else None


def time_left(attempt: Attempt, *, now: datetime) -> timedelta | None:
    """Time until the deadline (never negative); None when there is no limit."""
    if attempt.deadline is None:
        return None
    return max(timedelta(0), attempt.deadline - now)


def minutes_left(attempt: Attempt, *, now: datetime) -> int | None:
    """Whole minutes left, rounded up (so "0" means the deadline has passed)."""
    left = time_left(attempt, now=now)
    return None if left is None else math.ceil(left.total_seconds() / 60)


def is_past_deadline(attempt: Attempt, *, now: datetime) -> bool:
    """Past the deadline and its grace: the attempt takes no more answers."""
    return attempt.deadline is not None and now > attempt.deadline + GRACE


def attempt_expire(*, attempt: Attempt, now: datetime | None = None) -> bool:
    """Submit an unfinished attempt whose time is up, as it stands (unanswered questions score
    0), dated at its deadline. True when the attempt is closed because its time ran out."""
    now = now or timezone.now()
    if attempt.is_submitted or not is_past_deadline(attempt, now=now):
        return False
    attempt_submit(attempt=attempt, now=attempt.deadline, gated=False)
    return True


# At most this many overdue attempts are closed by one page that reports on attempts: each is
# graded, and a page's cost must stay bounded (the rest close on the next such page).
EXPIRE_PER_REQUEST = 200


def _overdue(attempts: QuerySet[Attempt], cutoff: datetime) -> QuerySet[Attempt]:
    """The unfinished attempts among `attempts` whose deadline passed before `cutoff`."""
    return attempts.filter(submitted_at__isnull=True, deadline__isnull=False, deadline__lt=cutoff)


def expire_overdue(attempts: QuerySet[Attempt], *, now: datetime | None = None) -> int:
    """Close the unfinished attempts among `attempts` whose time ran out, as `attempt_expire`
    does for one, so reports (a gradebook, statistics, exports) show them as they ended rather
    than "in progress". Returns how many were closed. (A report that asks on every view, over
    attempts of one shape, uses an `OverdueIn`: the same, compiled once.)"""
    now = now or timezone.now()
    overdue = _overdue(attempts, now - GRACE).select_related("quiz")
    return sum(attempt_expire(attempt=a, now=now) for a in overdue[:EXPIRE_PER_REQUEST])


class OverdueIn:
    """`expire_overdue` over the attempts `scope(*keys)` selects for `arity` whole numbers
    (e.g. a cohort's counted attempts, by the cohort's id; a quiz's, by the quiz's), its SQL
    compiled once: a report asks on every view, and usually none is overdue, so that answer
    costs one small query."""

    def __init__(self, scope: Callable[..., QuerySet[Attempt]], *, arity: int = 1) -> None:
        columns = (*_ATTEMPT, *(f"quiz__{c}" for c in _QUIZ))
        self._query = PreparedQuery(
            Attempt,
            ["int"] * arity + ["time"],
            lambda *args: _overdue(scope(*args[:-1]), args[-1]).values_list(*columns)[
                :EXPIRE_PER_REQUEST
            ],
        )

    def expire(self, *keys: int, now: datetime | None = None) -> int:
        """Close the overdue attempts among `scope(*keys)` (at most EXPIRE_PER_REQUEST, in
        the order `expire_overdue` takes them); returns how many were closed."""
        now = now or timezone.now()
        closed = 0
        for row in self._query.rows(*keys, now - GRACE):
            attempt = instance(Attempt, row[: len(_ATTEMPT)])
            Attempt.quiz.field.set_cached_value(attempt, instance(Quiz, row[len(_ATTEMPT) :]))
            closed += attempt_expire(attempt=attempt, now=now)
        return closed


class AttemptRefused(AttemptError):
    """A gate (`quizzes.hooks`) said no; the message is the gate's."""


def _check_gates(action: str, quiz: Quiz, user_id: int | None, now: datetime) -> None:
    message = hooks.refusal(action=action, quiz=quiz, user_id=user_id, now=now)
    if message:
        raise AttemptRefused(message)


# An attempt with its quiz and the quiz's module (or none), as select_related("quiz__module")
# reads them: every page of an attempt starts with it, so its SQL is compiled once
# (srm_trainer/prepared.py), one query per owner rule's shape.
_ATTEMPT = concrete_attnames(Attempt)
_QUIZ = concrete_attnames(Quiz)
_MODULE = concrete_attnames(Module)
_COLUMNS = (*_ATTEMPT, *(f"quiz__{c}" for c in _QUIZ), *(f"quiz__module__{c}" for c in _MODULE))


def _owned(owner: Q, pk) -> QuerySet:
    return Attempt.objects.filter(owner, pk=pk).order_by().values_list(*_COLUMNS)[:1]


def _anonymous(key: str) -> Q:
    """An attempt made signed out in the browser that holds `key`."""
    return Q(user__isnull=True, learner_key=key)


class _ByOwner:
    """One query of a learner's attempts in the three shapes of `owned_attempt`'s rule (their
    user's, their browser's learner key, or either), each compiled once. `select(owner, x)`
    builds it from the owner's Q and the query's own argument (an attempt's or a quiz's id)."""

    def __init__(self, select) -> None:
        self._user = PreparedQuery(
            Attempt, ["int", "int"], lambda x, user_id: select(Q(user_id=user_id), x)
        )
        self._key = PreparedQuery(
            Attempt, ["int", "text"], lambda x, key: select(_anonymous(key), x)
        )
        self._either = PreparedQuery(
            Attempt,
            ["int", "int", "text"],
            lambda x, user_id, key: select(Q(user_id=user_id) | _anonymous(key), x),
        )

    def rows(self, x, *, user_id: int | None, learner_key: str) -> list | None:
        """The rows for this learner; None when they have neither a user nor a key."""
        if user_id is not None and learner_key:
            return self._either.rows(x, user_id, learner_key)
        if user_id is not None:
            return self._user.rows(x, user_id)
        if learner_key:
            return self._key.rows(x, learner_key)
        return None


_OWNED = _ByOwner(_owned)


def owned_attempt(pk: int, *, user_id: int | None, learner_key: str) -> Attempt | None:
    """The attempt `pk` if this learner owns it: their user's (`user_id`), or one made
    anonymously under their learner key (`learner_key`, kept in their session, survives
    sign-in); None otherwise. Its quiz and the quiz's module come with it."""
    rows = _OWNED.rows(pk, user_id=user_id, learner_key=learner_key)
    if not rows:
        return None
    row = rows[0]
    split = len(_ATTEMPT) + len(_QUIZ)
    attempt = instance(Attempt, row[: len(_ATTEMPT)])
    quiz = instance(Quiz, row[len(_ATTEMPT) : split])
    module = instance(Module, row[split:]) if row[split] is not None else None
    Quiz.module.field.set_cached_value(quiz, module)
    Attempt.quiz.field.set_cached_value(attempt, quiz)
    return attempt


# How many attempts a learner made at a quiz (a result page's "N attempts left"), by the same
# owner rule as `owned_attempt`: SQL compiled once per shape.
def _counted(owner: Q, quiz_id) -> QuerySet:
    return (
        Attempt.objects.filter(owner, quiz_id=quiz_id)
        .order_by()
        .values("quiz_id")
        .annotate(n=Count("pk"))
        .values_list("n")
    )


_COUNTED = _ByOwner(_counted)


def _anonymous_count(learner_key: str) -> int:
    """How many attempts, at any quiz, a signed-out browser holds, counted up to the ceiling."""
    owned = Attempt.objects.filter(user__isnull=True, learner_key=learner_key)
    return owned.order_by().values("pk")[:MAX_ANONYMOUS_ATTEMPTS].count()


def owned_count(quiz_id: int, *, user_id: int | None, learner_key: str) -> int:
    """How many attempts at quiz `quiz_id` this learner owns (`owned_attempt`'s rule)."""
    rows = _COUNTED.rows(quiz_id, user_id=user_id, learner_key=learner_key)
    return rows[0][0] if rows else 0


# A start's reads, with SQL compiled once (a start costs what a page does): the quiz row's lock
# (FOR UPDATE where the database has it) and the learner's latest unfinished attempt.
_QUIZ_LOCKED = PreparedQuery(
    Quiz,
    ["int"],
    lambda quiz_id: (
        Quiz.objects.select_for_update().filter(pk=quiz_id).order_by("pk").values_list("pk")[:1]
    ),
)


def _unfinished(owner: Q, quiz_id) -> QuerySet:
    return (
        Attempt.objects.filter(owner, quiz_id=quiz_id, submitted_at__isnull=True)
        .order_by("-started_at")
        .values_list(*_ATTEMPT)[:1]
    )


_UNFINISHED = _ByOwner(_unfinished)


def attempts_left(quiz: Quiz, used: int) -> int | None:
    """None when unlimited."""
    return None if not quiz.attempts_allowed else max(0, quiz.attempts_allowed - used)


def by_quiz(owner: Q, quizzes) -> dict[int, dict]:
    """The owner's attempts per quiz (`quizzes`: quizzes or their ids): how many, the best
    score, whether one passed, how many are not submitted (the list says one is in progress)
    and how many of those are overdue (past their deadline and grace, not closed yet). One
    query: the quiz list's, and a module page's quiz box for a signed-in learner."""
    overdue = Q(submitted_at__isnull=True, deadline__lt=timezone.now() - GRACE)
    rows = (
        Attempt.objects.filter(owner, quiz__in=quizzes)
        .values("quiz_id")
        .annotate(
            count=Count("pk"),
            best=Max("score"),
            passed=Count("pk", filter=Q(passed=True)),
            open=Count("pk", filter=Q(submitted_at__isnull=True)),
            overdue=Count("pk", filter=overdue),
        )
    )
    return {row["quiz_id"]: row for row in rows}


def usable(questions) -> list[Question]:
    """The questions a learner can be shown: a broken row (one that fails its kind's
    validation) is skipped with a logged warning instead of breaking the page."""
    return [q for q in questions if q.is_usable()]


def _read_drawn(ids: list[int]) -> dict[int, Question]:
    """The questions `ids` whole, as a start lays them out (one query)."""
    return Question.objects.select_related("scenario").in_bulk(ids)


def _drawn(quiz: Quiz, rng) -> list[Question]:
    """The questions of a new attempt, in its order (read whole: the start lays out their
    choices from the same rows)."""
    if quiz.draws_by_rules:
        return exam.draw_by_rules(quiz, rng, usable)
    if quiz.draws:
        # Only the ids, from the bank summary's index (`Question.Meta.indexes`) without its
        # rows: SQLite takes that index whole only for `archived IN (false)` (it writes
        # `archived=False` as NOT archived), and without an ORDER BY (it would read each row
        # to give them in id order instead): 10,000 ids in ~5 ms, not 9. Sorted here, so a
        # given random source draws the same questions whatever order the index gives.
        rows = Question.objects.filter(
            exam.draw_scope(quiz), category=quiz.draw_category, archived__in=[False]
        )
        bank = sorted(rows.order_by().values_list("pk", flat=True))
        # A count stored past the ceiling (`Quiz.problems`) still draws at most MAX_DRAWN.
        count = min(quiz.draw_count, MAX_DRAWN)
        drawn = exam.sample_usable(bank, count, rng, _read_drawn, usable)
        if not quiz.shuffle_questions:
            drawn.sort(key=lambda question: question.pk)
        return drawn
    entries = quiz.entries.filter(question__archived=False)
    entries = entries.order_by("order", "pk").select_related("question__scenario")
    # A quiz lists at most MAX_DRAWN (`quizzes.entries.listing_refused`); one listed past it
    # before the ceiling gives its first MAX_DRAWN usable questions (docs/upgrading.md).
    questions = usable(e.question for e in entries)[:MAX_DRAWN]
    if quiz.shuffle_questions:
        rng.shuffle(questions)
    return questions


def _meta_order(question: Question) -> tuple[str, str]:
    return (question.category, question.slug)


# The most attempts one signed-out browser (its learner key) keeps: a sign-in hands them all to
# the account in its own request (quizzes.session_carry), so they are held to what that request
# can carry at a bounded cost. Past it, a start asks the learner to sign in; what they did is
# kept and comes with them.
MAX_ANONYMOUS_ATTEMPTS = 50


def anonymous_limit_message() -> str:
    return (
        f"You have started {MAX_ANONYMOUS_ATTEMPTS} quiz attempts without signing in, the most "
        "a browser keeps. Sign in or create a free account to start another: the attempts you "
        "made here come with you."
    )


def attempt_start(
    *, quiz: Quiz, user=None, session_key: str = "", rng=None, now: datetime | None = None
) -> Attempt:
    """Start an attempt, or return the learner's unfinished one (a reload never starts over).

    `session_key` identifies an anonymous learner (the learner key kept in their session).
    Raises AttemptLimitReached when every allowed attempt has been used. A quiz drawn by rules
    (the final exam) draws from a source seeded by the learner and the attempt's number
    (`exam.draw_seed`) unless `rng` is given.
    """
    seeded = rng is None and quiz.draws_by_rules
    rng = rng or _random
    now = now or timezone.now()
    anonymous = user is None or not user.is_authenticated
    if anonymous and not session_key:
        raise ValueError("an anonymous attempt needs a session key")
    _check_gates("start", quiz, None if anonymous else user.pk, now)
    # Whose attempts count: a signed-in learner's user's; a signed-out learner's key's.
    user_id, key = (None, session_key) if anonymous else (user.pk, "")
    with transaction.atomic():
        # Lock the quiz row so two simultaneous starts cannot both pass the limit check.
        _QUIZ_LOCKED.rows(quiz.pk)
        rows = _UNFINISHED.rows(quiz.pk, user_id=user_id, learner_key=key)
        unfinished = instance(Attempt, rows[0]) if rows else None
        if unfinished is not None and not attempt_expire(attempt=unfinished, now=now):
            return unfinished
        if anonymous and _anonymous_count(key) >= MAX_ANONYMOUS_ATTEMPTS:
            raise AttemptLimitReached(anonymous_limit_message())
        used = owned_count(quiz.pk, user_id=user_id, learner_key=key)
        if quiz.attempts_allowed and used >= quiz.attempts_allowed:
            raise AttemptLimitReached(
                f"You have used all {quiz.attempts_allowed} attempt(s) this quiz allows."
            )
        if seeded:
            owner = f"key:{session_key}" if anonymous else f"user:{user.pk}"
            rng = exam.draw_seed(quiz, owner, used)
        questions = _drawn(quiz, rng)
        if not questions:
            raise AttemptError(
                "This quiz has no questions to ask at the moment, so it cannot be started."
            )
        ids = [question.pk for question in questions]
        layout = {}
        # In the questions' default order (Question.Meta.ordering; slugs, so the database's
        # order too), as they were read here before: a seeded draw shuffles choices as it did.
        unique = {question.pk: question for question in questions}
        for question in sorted(unique.values(), key=_meta_order):
            order = question.layout_ids()
            if order:
                if quiz.shuffle_choices:
                    rng.shuffle(order)
                layout[str(question.pk)] = order
        return Attempt.objects.create(
            quiz=quiz,
            user=None if anonymous else user,
            learner_key="" if not anonymous else session_key,
            question_ids=ids,
            layout=layout,
            started_at=now,
            deadline=deadline_for(quiz, now),
        )


@dataclass(frozen=True)
class Checked:
    """A graded try, worked out before the attempt row is locked (grading may run the engine)."""

    result: Grade
    allowed: int  # tries this question gets
    penalty: float  # fraction of the marks per extra try
    certainty: int | None  # 1-3 when the quiz marks this question with certainty


def _checked(attempt: Attempt, question: Question, response: dict, certainty: int | None):
    quiz = attempt.quiz
    uses_certainty = quiz.uses_certainty(question)
    return Checked(
        result=grade(question, response),
        allowed=quiz.tries_for(question),
        penalty=quiz.try_penalty / 100,
        certainty=(certainty or 1) if uses_certainty else None,
    )


def _check_values(checked: Checked, previous: Answer | None, now: datetime) -> dict:
    """The fields a check writes: another try, and the credit it earns. The answer is final
    (graded, locked, its feedback stored) when right, or when the tries are used up."""
    result = checked.result
    tries = (previous.tries if previous is not None else 0) + 1
    if checked.certainty is not None:
        credit: float | None = certainty_credit(result.score, checked.certainty)
    elif checked.allowed > 1:
        before = previous.credit if previous is not None and previous.tries else None
        credit = best_credit(before, result.score, try_number=tries, penalty=checked.penalty)
    else:
        credit = None
    final = result.correct or tries >= checked.allowed
    return {
        "score": result.score,
        "correct": result.correct,
        # The key is stored only once the answer is final: a try that may be repeated
        # reveals how much it scored, never what was right.
        "feedback": result.feedback if final else {},
        "tries": tries,
        "credit": credit,
        "certainty": checked.certainty,
        "graded_at": now if final else None,
    }


ANSWER_LOCKED_MESSAGE = "You have already checked this answer."


def answer_save(
    *,
    attempt: Attempt,
    question: Question,
    response: dict,
    check: bool = False,
    certainty: int | None = None,
    now: datetime | None = None,
) -> Answer:
    """Save (upsert) the learner's answer as given. With `check` (immediate feedback) it is also
    graded as one try: from then on it is locked when right or when the question's tries
    (`Quiz.tries_for`) are used up; until then the learner may change it and check again.
    `certainty` (1-3) is kept when the quiz marks this question with certainty.

    Raises AttemptClosed after submit, TimeUp (submitting the attempt) past the deadline and
    its grace, AnswerLocked for a checked answer, AttemptRefused when a gate says no,
    ValueError for a question that is not part of the attempt.
    """
    now = now or timezone.now()
    if question.pk not in attempt.question_ids:
        raise ValueError(f"question {question.pk} is not part of attempt {attempt.pk}")
    if attempt_expire(attempt=attempt, now=now):
        raise TimeUp(TIME_UP_MESSAGE)
    _check_gates("answer", attempt.quiz, attempt.user_id, now)
    checked = _checked(attempt, question, response, certainty) if check else None
    keep_certainty = certainty if attempt.quiz.uses_certainty(question) else None
    with transaction.atomic():
        # Lock the attempt row (on databases that can), so a submit cannot slip in between, and
        # read the answer as it stands (none yet: a first answer).
        rows = _OPEN_WITH_ANSWER.rows(attempt.pk, question.pk)
        if not rows:
            raise AttemptClosed("This attempt has been submitted; answers can no longer change.")
        stored = instance(Answer, rows[0][1:]) if rows[0][1] is not None else None
        if stored is not None and stored.is_graded:
            # Final as read under the lock (nothing makes a graded answer pending again), so the
            # UPDATE and INSERT below would change nothing: refused without trying them.
            raise AnswerLocked(ANSWER_LOCKED_MESSAGE)
        values = {"response": response, "saved_at": now, "certainty": keep_certainty}
        pending, fields = _SAVE, _SAVE_FIELDS  # the answer while it is not graded
        if checked is not None:
            values |= _check_values(checked, stored, now)  # (a try of an answer not final)
            pending, fields = _CHECK, _CHECK_FIELDS
        row = [values[name] for name in fields]
        if stored is not None and pending.update(row, attempt.pk, question.pk):
            for name in fields:  # the row as read, with what was written: not read again
                setattr(stored, name, values[name])
            return stored
        answer = Answer(attempt=attempt, question=question, **values)
        if _NEW_ANSWER.insert(answer):
            return answer
        # The row exists: either graded already (locked) or created a moment ago.
        if not pending.update(row, attempt.pk, question.pk):
            raise AnswerLocked(ANSWER_LOCKED_MESSAGE)
        rows = _ANSWER.rows(attempt.pk, question.pk)
        if not rows:  # as `Answer.objects.get` would (the row is written above: never)
            raise Answer.DoesNotExist("Answer matching query does not exist.")
        return instance(Answer, rows[0])


class NothingToStartFrom(AttemptError):
    """The question's box starts empty: there is no given text to start again from."""


def answer_start_again(
    *, attempt: Attempt, question: Question, now: datetime | None = None
) -> Answer | None:
    """Put the answer to `question` back to the text its box starts with (the rules or the
    policy the question gives to edit, `Kind.start_response`): the saved answer (a draft, or a
    try checked and not right) is replaced by it, keeping its tries and certainty, so a reload
    shows the starting text too. With nothing saved yet there is nothing to replace and none is
    made (the box already starts there; the question stays unanswered): returns None.

    Refused as `answer_save` refuses: AttemptClosed after submit, TimeUp past the deadline,
    AnswerLocked for a checked answer, AttemptRefused when a gate says no; and
    NothingToStartFrom for a question whose box starts empty. Nothing else of the attempt (its
    other answers, its flags) is touched.
    """
    now = now or timezone.now()
    if question.pk not in attempt.question_ids:
        raise ValueError(f"question {question.pk} is not part of attempt {attempt.pk}")
    kind = question.kind
    start = kind.start_response(question) if kind is not None else None
    if start is None:
        raise NothingToStartFrom(
            "This question starts from an empty box: there is no given text to start again from."
        )
    if attempt_expire(attempt=attempt, now=now):
        raise TimeUp(TIME_UP_MESSAGE)
    _check_gates("answer", attempt.quiz, attempt.user_id, now)
    with transaction.atomic():
        rows = _OPEN_WITH_ANSWER.rows(attempt.pk, question.pk)  # the attempt's row locked
        if not rows:
            raise AttemptClosed("This attempt has been submitted; answers can no longer change.")
        if rows[0][1] is None:
            return None
        stored = instance(Answer, rows[0][1:])
        if stored.is_graded:
            raise AnswerLocked(ANSWER_LOCKED_MESSAGE)
        values = {"response": start, "saved_at": now, "certainty": stored.certainty}
        if not _SAVE.update([values[name] for name in _SAVE_FIELDS], attempt.pk, question.pk):
            raise AnswerLocked(ANSWER_LOCKED_MESSAGE)  # never: graded only under this lock
        for name, value in values.items():
            setattr(stored, name, value)
        return stored


# Every save of an answer (an autosave every few seconds while a learner types) locks its open
# attempt, reading the answer in the same query, and updates the answer while it is not graded
# (or inserts the first): all with SQL compiled once (srm_trainer/prepared.py; the lock's FOR
# UPDATE stays in the SQL on databases that have it). A check also sets what `_check_values`
# gives (its certainty over the save's).
def _pending(attempt_id: int, question_id: int) -> QuerySet[Answer]:
    return Answer.objects.filter(
        attempt_id=attempt_id, question_id=question_id, graded_at__isnull=True
    )


_SAVE_FIELDS = ["response", "saved_at", "certainty"]
_CHECK_FIELDS = [*_SAVE_FIELDS, "score", "correct", "feedback", "tries", "credit", "graded_at"]
_SAVE = PreparedUpdate(Answer, _SAVE_FIELDS, ["int", "int"], _pending)
_CHECK = PreparedUpdate(Answer, _CHECK_FIELDS, ["int", "int"], _pending)
# A first answer's INSERT (as Answer.objects.create's), skipped where the row exists already
# (one_answer_per_question): no IntegrityError, so no savepoint to carry on after it.
_NEW_ANSWER = PreparedInsert(Answer, ignore_conflicts=True)


def _open_locked(column: str) -> PreparedQuery:
    """`column` of the attempt if it is still open, its row locked (a save's and a flag's
    read): SQL compiled once."""
    return PreparedQuery(
        Attempt,
        ["int"],
        lambda attempt_id: (
            Attempt.objects.select_for_update()
            .filter(pk=attempt_id, submitted_at__isnull=True)
            .order_by("pk")
            .values_list(column)[:1]
        ),
    )


# The open attempt's row locked (FOR UPDATE OF the attempt alone: the answer is on the nullable
# side of the join), with its answer to one question whole, or NULLs where there is none.
_OPEN_WITH_ANSWER = PreparedQuery(
    Attempt,
    ["int", "int"],
    lambda attempt_id, question_id: (
        Attempt.objects.select_for_update(of=("self",))
        .filter(pk=attempt_id, submitted_at__isnull=True)
        .annotate(mine=FilteredRelation("answers", condition=Q(answers__question_id=question_id)))
        .order_by("pk")
        .values_list("pk", *(f"mine__{column}" for column in concrete_attnames(Answer)))[:1]
    ),
)
_ANSWER = PreparedQuery(
    Answer,
    ["int", "int"],
    lambda attempt_id, question_id: (
        Answer.objects.filter(attempt_id=attempt_id, question_id=question_id)
        .order_by()
        .values_list(*concrete_attnames(Answer))[:1]  # one at most (one_answer_per_question)
    ),
)


def _grade_at_submit(attempt: Attempt, question: Question, answer: Answer, now: datetime) -> None:
    """Grade an answer not yet final when the attempt closes: what it stands at counts as one
    more try (so its penalty applies, and an earlier better try is kept). Sets the fields on
    `answer`; `attempt_submit` writes all it graded at once (`_GRADED_FIELDS`)."""
    checked = _checked(attempt, question, answer.response, answer.certainty)
    checked = Checked(
        checked.result, max(checked.allowed, answer.tries + 1), checked.penalty, checked.certainty
    )
    values = _check_values(checked, answer, now)
    values["feedback"] = checked.result.feedback
    values["graded_at"] = now
    for name, value in values.items():
        setattr(answer, name, value)


# What `_check_values` (so `_grade_at_submit`) sets on an answer: written for all the answers a
# submit grades in one query (the cursor's executemany), its SQL compiled once.
_GRADED_FIELDS = ["score", "correct", "feedback", "tries", "credit", "certainty", "graded_at"]
_GRADED = PreparedUpdate(Answer, _GRADED_FIELDS, ["int"], lambda pk: Answer.objects.filter(pk=pk))


def attempt_flag(*, attempt: Attempt, question: Question, flagged: bool) -> list[int]:
    """Flag a question of an open attempt to come back to (or clear the flag); returns the
    flagged question ids. Raises AttemptClosed once the attempt is submitted."""
    if question.pk not in attempt.question_ids:
        raise ValueError(f"question {question.pk} is not part of attempt {attempt.pk}")
    with transaction.atomic():
        rows = _FLAGS_LOCKED.rows(attempt.pk)
        if not rows:
            raise AttemptClosed("This attempt has been submitted; flags can no longer change.")
        ids = [i for i in (rows[0][0] or []) if i != question.pk]
        if flagged:
            ids.append(question.pk)
        _FLAGS.update([ids], attempt.pk)
    attempt.flagged = ids
    return ids


# A flag's read of the open attempt's flags (its row locked, as a save's is) and their
# update: SQL compiled once.
_FLAGS_LOCKED = _open_locked("flagged")
_FLAGS = PreparedUpdate(Attempt, ["flagged"], ["int"], lambda pk: Attempt.objects.filter(pk=pk))


@dataclass(frozen=True)
class SummaryRow:
    position: int
    question_id: int
    answered: bool  # an answer that counts as one: not one whose choice was taken out
    flagged: bool
    checked: bool  # graded already (immediate feedback): it can no longer change
    # Its saved choice (or one of them) is no longer one of the question's: answer it again.
    choice_gone: bool = False
    # That is an ordering or categorize item it placed (reworded or taken out): place again.
    item_gone: bool = False


def _choices_gone(attempt: Attempt) -> dict[int, str]:
    """The questions whose answer, not checked yet, holds a choice or an item that is gone
    (`kinds.choices.chosen_not_in`), each with its type: one query for them all, reading only
    the choices and items of the kinds whose answers name them."""
    rows = (
        Answer.objects.filter(
            attempt_id=attempt.pk,
            graded_at__isnull=True,
            question__type__in=NAMING_KINDS,
        )
        .order_by()
        .values_list(
            "question_id",
            "question__type",
            "response",
            "question__data__choices",
            "question__data__items",
        )
    )
    gone: dict[int, str] = {}
    for question_id, kind, response, choices, items in rows:
        entries = items if kind in ITEM_KINDS else choices
        if chosen_not_in(kind, entries if isinstance(entries, list) else [], response):
            gone[question_id] = kind
    return gone


def choices_gone_among(attempt: Attempt, graded: dict[int, bool]) -> dict[int, str]:
    """`_choices_gone`, given the attempt's answers as `answered` reads them (`graded`): the
    question pages and the summary count such an answer alike, as not answered. Its query
    runs only when some answer is not checked yet (a checked one is final: never gone)."""
    return _choices_gone(attempt) if False in graded.values() else {}


def attempt_summary(attempt: Attempt) -> list[SummaryRow]:
    """Each question of the attempt with what the learner should know before submitting (by
    position: the page shows no question's content, so none is read whole but the first).
    An answer whose choice was taken out since is no answer here, as on its own page: one
    query more, and only when some answer is not checked yet."""
    outline = attempt_outline(attempt)
    answers, _ = answered(attempt, outline.ids[0] if outline.ids else 0)
    flagged = set(attempt.flagged or [])
    gone = choices_gone_among(attempt, answers)
    return [
        SummaryRow(
            position=n,
            question_id=pk,
            answered=pk in answers and pk not in gone,
            flagged=pk in flagged,
            checked=answers.get(pk, False),
            choice_gone=pk in gone,
            item_gone=gone.get(pk) in ITEM_KINDS,
        )
        for n, pk in enumerate(outline.ids, start=1)
    ]


def attempt_submit(
    *, attempt: Attempt, now: datetime | None = None, gated: bool = True
) -> tuple[Attempt, bool]:
    """Grade and close the attempt. Returns (attempt, whether this call submitted it): only the
    first of several concurrent submits does the work; the others see its result.
    Raises AttemptRefused when a gate refuses an attempt that is still open. An attempt whose
    time ran out is closed whatever the gates say (`gated=False`): it is over either way."""
    now = now or timezone.now()
    if gated and attempt.user_id is not None and attempt.submitted_at is None:
        try:
            _check_gates("submit", attempt.quiz, attempt.user_id, now)
        except AttemptRefused:
            # A repeated submit of an attempt already graded still shows its result.
            if not Attempt.objects.filter(pk=attempt.pk, submitted_at__isnull=False).exists():
                raise
    with transaction.atomic():
        if not _CLAIM.update([now], attempt.pk):
            _reload(attempt)
            return attempt, False
        ids = list(dict.fromkeys(attempt.question_ids))
        questions = {question.pk: question for question in _whole(attempt, ids)}
        answers = answers_by_question(attempt)
        scores: list[float] = []
        results: list[tuple[Question, bool]] = []
        graded: dict[int, Answer] = {}
        for qid in attempt.question_ids:
            question, answer = questions.get(qid), answers.get(qid)
            if question is None or not question.is_usable():
                continue  # deleted or broken since the start: not counted
            if answer is not None and not answer.is_graded:
                _grade_at_submit(attempt, question, answer, now)
                graded[answer.pk] = answer
            scores.append(answer.counted if answer is not None else 0.0)
            results.append((question, bool(answer is not None and answer.correct)))
        _GRADED.update_each(
            ([getattr(answer, name) for name in _GRADED_FIELDS], [pk])
            for pk, answer in graded.items()
        )
        # Certainty marks can be negative: the total is floored at 0 (and never above 1).
        score = min(1.0, max(0.0, sum(scores) / len(scores))) if scores else 0.0
        pass_mark = attempt.quiz.pass_mark  # kept: a later change must not contradict `passed`
        passed = reaches_mark(score, pass_mark)
        _SCORED.update([score, passed, pass_mark, len(scores)], attempt.pk)
        results_changed(attempt.quiz_id)  # at the commit: its statistics count it
        if attempt.user_id is not None:
            review.cards_record(user_id=attempt.user_id, results=results, now=now)
    _reload(attempt)
    return attempt, True


# A submit's writes and its read of the attempt as it then stands, each SQL compiled once: the
# claim (whichever submit sets `submitted_at` first grades the attempt), the total, and the
# row read back (`refresh_from_db`).
_CLAIM = PreparedUpdate(
    Attempt,
    ["submitted_at"],
    ["int"],
    lambda pk: Attempt.objects.filter(pk=pk, submitted_at__isnull=True),
)
_SCORED = PreparedUpdate(
    Attempt,
    ["score", "passed", "pass_mark", "graded_count"],
    ["int"],
    lambda pk: Attempt.objects.filter(pk=pk),
)
_ROW = PreparedQuery(
    Attempt, ["int"], lambda pk: Attempt.objects.filter(pk=pk).order_by().values_list(*_ATTEMPT)
)


def _reload(attempt: Attempt) -> None:
    """`attempt.refresh_from_db()`: every field as stored now (its quiz and user stay cached:
    they are the same rows)."""
    rows = _ROW.rows(attempt.pk)
    if not rows:
        raise Attempt.DoesNotExist("Attempt matching query does not exist.")
    fresh = instance(Attempt, rows[0])
    for name in _ATTEMPT:
        setattr(attempt, name, getattr(fresh, name))


# A question with its lesson, the lesson's module and its scenario, as
# select_related("lesson__module", "scenario") reads them; per number of questions (every
# attempt of a quiz has the same), its SQL compiled once.
_QUESTION = concrete_attnames(Question)
_LESSON = concrete_attnames(Lesson)
_SCENARIO = concrete_attnames(Scenario)
QUESTION_COLUMNS = (
    *_QUESTION,
    *(f"lesson__{c}" for c in _LESSON),
    *(f"lesson__module__{c}" for c in _MODULE),
    *(f"scenario__{c}" for c in _SCENARIO),
)
_questions_query = PreparedPerCount(
    Question,
    lambda *ids: Question.objects.filter(pk__in=ids).order_by().values_list(*QUESTION_COLUMNS),
)


def question_from(row) -> Question:
    """A question whole, with its lesson, module and scenario, from a row of QUESTION_COLUMNS
    (public: teach's quiz preview reads a quiz's questions the same way)."""
    at = len(_QUESTION)
    question = instance(Question, row[:at])
    lesson = module = None
    if row[at] is not None:
        lesson = instance(Lesson, row[at : at + len(_LESSON)])
        at += len(_LESSON)
        if row[at] is not None:
            module = instance(Module, row[at : at + len(_MODULE)])
        Lesson.module.field.set_cached_value(lesson, module)
        at += len(_MODULE)
    else:
        at += len(_LESSON) + len(_MODULE)
    scenario = instance(Scenario, row[at:]) if row[at] is not None else None
    Question.lesson.field.set_cached_value(question, lesson)
    Question.scenario.field.set_cached_value(question, scenario)
    return question


_by_slug_query = PreparedPerCount(
    Question,
    lambda *slugs: (
        Question.objects.filter(slug__in=slugs, archived=False)
        .order_by()
        .values_list(*QUESTION_COLUMNS)
    ),
    kind="text",
)


def unarchived_by_slug(slugs) -> list[Question]:
    """The unarchived questions among `slugs`, each with its lesson, module and scenario (a
    lesson's `::: check` questions, on every view of it): one query, compiled once per number
    of slugs."""
    slugs = list(dict.fromkeys(slugs))
    if not slugs:
        return []
    if len(slugs) > MAX_INTS:
        rows = Question.objects.filter(slug__in=slugs, archived=False)
        return list(rows.select_related("lesson__module", "scenario"))
    return [question_from(row) for row in _by_slug_query(len(slugs)).rows(*slugs)]


def attempt_questions(attempt: Attempt) -> list[Question]:
    """The attempt's questions in its fixed order, in one query (broken ones skipped)."""
    ids = list(dict.fromkeys(attempt.question_ids))
    if not ids:
        return []
    return usable(_whole(attempt, ids))


def _whole(attempt: Attempt, ids: list[int]) -> list[Question]:
    """The questions `ids` (no repeats) read whole, in the attempt's order."""
    found = {question.pk: question for question in questions_among(ids)}
    return [found[qid] for qid in attempt.question_ids if qid in found]


def questions_among(ids) -> list[Question]:
    """The questions among `ids` that exist, each whole with its lesson, module and scenario
    (as select_related("lesson__module", "scenario") reads them), in no particular order: one
    query, compiled once per number of ids (public: the statistics page reads a quiz's so)."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return []
    if len(ids) <= MAX_INTS:
        return list(map(question_from, _questions_query(len(ids)).rows(*ids)))
    found = Question.objects.select_related("lesson__module", "scenario").in_bulk(ids)
    return list(found.values())


def _only_for(keys: Q, columns) -> list[Case]:
    """Each of `columns` where `keys` picks the row, NULL elsewhere (converted as the column
    is): one query reads a list's few light columns and one or two of its rows whole."""
    return [Case(When(keys, then=F(column))) for column in columns]


# The light part of a question, what navigation needs: its id, and what its usability depends
# on (`Question.is_usable`: the type, the data and the scenario's case), the JSON as stored.
_DATA_TEXT = Cast("data", TextField())
_CASE_TEXT = Cast("scenario__case", TextField())
_LIGHT = ("pk", "slug", "type", _DATA_TEXT, "scenario_id", "scenario__slug", _CASE_TEXT)
# A page of an attempt shows one question (an answer that moves on, the next one too): its
# whole row comes in the same query, the others' light part only.
_WANTED = 2
_outline_query = PreparedPerCount(
    Question,
    lambda first, second, *ids: (
        Question.objects.filter(pk__in=ids)
        .order_by()
        .values_list(*_LIGHT, *_only_for(Q(pk__in=[first, second]), QUESTION_COLUMNS))
    ),
    leading=["int"] * _WANTED,
)

# What the stored text of usable questions hashed to (the type, data and scenario as read, not
# parsed): a page tells which questions of a long attempt it may show without parsing their
# JSON. A question not found here is parsed and checked by `Question.is_usable` (which logs
# why a broken one is skipped, on every page, as before); only usable ones are kept.
_USABLE_TEXTS: set[bytes] = set()
_USABLE_TEXTS_MAX = 5000
_DATA = Question._meta.get_field("data")
_CASE = Scenario._meta.get_field("case")


def _light_usable(row) -> bool:
    """Whether the question of an outline's `row` may be shown (`Question.is_usable`)."""
    pk, slug, type_, data, scenario_id, scenario_slug, case = row[: len(_LIGHT)]
    digest = hashlib.blake2b(digest_size=16)
    for part in (type_, data, scenario_slug, case):
        digest.update(b"\x00" if part is None else b"\x01" + str(part).encode() + b"\x00")
    key = digest.digest()
    if key in _USABLE_TEXTS:
        return True
    connection = connections[router.db_for_read(Question)]
    question = instance(
        Question,
        [pk, slug, type_, _DATA.from_db_value(data, _DATA_TEXT, connection), scenario_id],
        ["id", "slug", "type", "data", "scenario_id"],
    )
    scenario = None
    if scenario_id is not None:
        case_value = _CASE.from_db_value(case, _CASE_TEXT, connection)
        scenario = instance(
            Scenario, [scenario_id, scenario_slug, case_value], ["id", "slug", "case"]
        )
    Question.scenario.field.set_cached_value(question, scenario)
    if not question.is_usable():
        return False
    if len(_USABLE_TEXTS) >= _USABLE_TEXTS_MAX:
        _USABLE_TEXTS.clear()  # bounded; refilled by the next pages
    _USABLE_TEXTS.add(key)
    return True


# The light part of each quiz entry's question, as `_LIGHT` reads a question's.
_ENTRY_LIGHT = (
    "question_id",
    "question__slug",
    "question__type",
    Cast("question__data", TextField()),
    "question__scenario_id",
    "question__scenario__slug",
    Cast("question__scenario__case", TextField()),
)


def usable_counts(entries) -> dict[int, int]:
    """How many of `entries` (quiz entries) each quiz can give a learner, by quiz id: a
    broken question is left out of attempts, so a page counting it promised one more than the
    learner got. One query for every quiz a page lists, each question checked as an attempt's
    page checks it (`_light_usable`, kept per process)."""
    return _count_usable(entries.order_by().values_list("quiz_id", *_ENTRY_LIGHT))


def _count_usable(rows) -> dict:
    """Rows of (key, *light question columns) counted by key, those `_light_usable` passes."""
    counts: dict = {}
    for key, *light in rows:
        if _light_usable(light):
            counts[key] = counts.get(key, 0) + 1
    return counts


class BankCount(NamedTuple):
    """The usable, unarchived questions counted in a category (`bank_count`): `usable` of
    them, and whether that is all the category holds (`complete`) or only as far as asked."""

    usable: int
    complete: bool


# A category's rows are read this many at a time at first (`bank_count`), each next chunk
# twice the last: a bank whose first rows are broken costs a few more queries, not one each.
_FIRST_CHUNK = 100


def bank_count(quiz: Quiz, enough: int) -> BankCount:
    """How many usable, unarchived questions `quiz` may draw from its category, only until `enough`
    are found: its rows' light columns read in id order, a chunk at a time (the category's
    index gives them in that order, so each chunk reads only its rows), each checked as
    `usable_counts` checks a quiz entry's. Counting the whole bank to print min(N, usable)
    cost a page ~35 µs a question (10,000: 0.3 s); most questions are usable, so a draw of N
    is usually covered by the first chunk. A small bank is read whole and counted exactly.
    Only the questions the quiz may draw are counted (`exam.draw_scope`)."""
    found, after, size = 0, 0, max(enough, _FIRST_CHUNK)
    category = quiz.draw_category
    if not category:
        return BankCount(0, True)
    scope = exam.draw_scope(quiz)
    while True:
        rows = list(
            Question.objects.filter(scope, category=category, archived=False, pk__gt=after)
            .order_by("pk")
            .values_list(*_LIGHT)[:size]
        )
        found += sum(1 for row in rows if _light_usable(row))
        if len(rows) < size:
            return BankCount(found, True)
        if found >= enough:
            return BankCount(found, False)
        after, size = rows[-1][0], size * 2


def _bank_key(quiz: Quiz) -> tuple:
    """What a category draw's bank depends on: the category, and whose questions it holds."""
    return (quiz.draw_category, *exam.draw_key(quiz))


def learner_counts(quizzes, entries) -> dict[int, int]:
    """How many questions an attempt at each of `quizzes` gets, by quiz id, as the learner's
    pages say it: the usable listed questions (`usable_counts` of `entries`), or for a quiz
    drawing N from a category, N or the category's usable questions if fewer (an attempt
    draws no more than there are; the quiz page promised N). A quiz drawing by rules keeps
    its rules' total: its banks may overlap, so the count an attempt gets varies."""
    quizzes = list(quizzes)
    listed = usable_counts(entries)
    # Each bank counted once, as far as the largest draw from it needs (`bank_count`): a bank
    # is a category as one owner's quizzes may draw it (`exam.draw_scope`).
    needs: dict[tuple, tuple[Quiz, int]] = {}
    for quiz in quizzes:
        if quiz.draws and not quiz.draws_by_rules:
            need = min(quiz.draw_count, MAX_DRAWN)
            key = _bank_key(quiz)
            if key not in needs or needs[key][1] < need:
                needs[key] = (quiz, need)
    banks = {key: bank_count(quiz, need).usable for key, (quiz, need) in needs.items()}
    counts = {}
    for quiz in quizzes:
        if quiz.draws_by_rules:
            counts[quiz.pk] = quiz.drawn_count
        elif quiz.draws:
            counts[quiz.pk] = min(quiz.draw_count, MAX_DRAWN, banks.get(_bank_key(quiz), 0))
        else:
            counts[quiz.pk] = min(listed.get(quiz.pk, 0), MAX_DRAWN)
    return counts


@dataclass
class Outline:
    """An attempt's usable questions as a page of it needs them: their ids in the attempt's
    order (the navigation, the counts), and whole only those it shows."""

    ids: list[int]
    whole: dict[int, Question]

    def __len__(self) -> int:
        return len(self.ids)

    def question(self, position: int) -> Question:
        """The question at `position` (1 to len), whole. Read on its own only when a broken
        question before it moved it from the place it was looked for."""
        pk = self.ids[position - 1]
        question = self.whole.get(pk)
        if question is None:
            [question] = map(question_from, _questions_query(1).rows(pk))
            self.whole[pk] = question
        return question


def attempt_outline(attempt: Attempt, *positions: int) -> Outline:
    """The attempt's usable questions (`attempt_questions`'s, in the same order), in one
    query: the ids of all, and whole the ones at `positions` (at most two; 1-based, as a page
    counts them), which `Outline.question` then gives."""
    ids = list(dict.fromkeys(attempt.question_ids))
    if not ids:
        return Outline([], {})
    if len(ids) + _WANTED > MAX_INTS:
        questions = attempt_questions(attempt)
        return Outline([q.pk for q in questions], {q.pk: q for q in questions})
    # Where each wanted question is: past those this process last found skipped in this
    # attempt (broken or deleted since the start; usually none).
    key = (attempt.pk, attempt.started_at)
    skipped = _SKIPPED.get(key, frozenset())
    likely = [pk for pk in ids if pk not in skipped] or ids
    wanted = [likely[min(max(1, p), len(likely)) - 1] for p in positions] or [likely[0]]
    wanted = (wanted + wanted)[:_WANTED]
    rows = _outline_query(len(ids)).rows(*wanted, *ids)
    usable_ids = set()
    whole = {}
    for row in rows:
        if _light_usable(row):
            usable_ids.add(row[0])
            if row[0] in wanted:
                whole[row[0]] = question_from(row[len(_LIGHT) :])
    now_skipped = frozenset(ids) - usable_ids
    if now_skipped != skipped:
        if len(_SKIPPED) >= _SKIPPED_MAX:
            _SKIPPED.clear()  # bounded; a page then guesses as if none were skipped
        _SKIPPED[key] = now_skipped
    return Outline([pk for pk in attempt.question_ids if pk in usable_ids], whole)


# Per attempt (by id and start), the questions this process last found skipped in it: a page
# looks for the question at a position past them, so only the first page that finds one
# skipped (or back) reads the question it shows in a query of its own.
_SKIPPED: dict[tuple[int, datetime], frozenset[int]] = {}
_SKIPPED_MAX = 5000


# An attempt's answers, read on every page of it: SQL compiled once.
_ANSWERS = PreparedQuery(
    Answer,
    ["int"],
    lambda attempt_id: (
        Answer.objects.filter(attempt_id=attempt_id)
        .order_by("pk")
        .values_list(*concrete_attnames(Answer))
    ),
)


def answers_by_question(attempt: Attempt) -> dict[int, Answer]:
    """The attempt's answers by question, each knowing its attempt (as `attempt.answers` would
    give them)."""
    out = {}
    for row in _ANSWERS.rows(attempt.pk):
        answer = instance(Answer, row)
        Answer.attempt.field.set_cached_value(answer, attempt)
        out[answer.question_id] = answer
    return out


# Which questions of an attempt have an answer (a page's navigation), and the one it shows
# whole: one query, compiled once.
_ANSWER_COLUMNS = concrete_attnames(Answer)
_ANSWERED = PreparedQuery(
    Answer,
    ["int", "int"],
    lambda attempt_id, question_id: (
        Answer.objects.filter(attempt_id=attempt_id)
        .order_by("pk")
        .values_list(
            "question_id",
            ExpressionWrapper(Q(graded_at__isnull=False), output_field=BooleanField()),
            *_only_for(Q(question_id=question_id), _ANSWER_COLUMNS),
        )
    ),
)


def answered(attempt: Attempt, question_id: int) -> tuple[dict[int, bool], Answer | None]:
    """The attempt's questions that have an answer, each with whether it is graded (checked:
    it can no longer change), and the answer to `question_id` (None if none), knowing its
    attempt (as `answers_by_question` gives it)."""
    graded = {}
    answer = None
    for row in _ANSWERED.rows(attempt.pk, question_id):
        graded[row[0]] = bool(row[1])
        if row[0] == question_id:
            answer = instance(Answer, row[2:])
            Answer.attempt.field.set_cached_value(answer, attempt)
    return graded, answer
