"""The review queue: missed questions come back on a schedule computed by FSRS.

A wrong answer (in a submitted attempt or on the review page) puts the question in the
learner's queue, or back to the start of it, with `Rating.Again`; a right answer to a question
already in the queue reschedules it further out with `Rating.Good`. Questions never missed
never enter the queue. "Now" is always passed in, so tests can freeze time.

Fuzzing is off: the same history gives the same schedule, which keeps tests exact and lets a
learner trust "due in 3 days".
"""

from __future__ import annotations

import secrets
import time as _time
from collections.abc import Iterable, MutableMapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from django.conf import settings
from django.core import signing
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone
from fsrs import Card, Rating, Scheduler

from lessons.models import Module
from quizzes.models import Question, QuestionType, ReviewCard
from srm_trainer.prepared import (
    MAX_INTS,
    PreparedPerCount,
    PreparedQuery,
    PreparedUpdate,
    concrete_attnames,
    instance,
)
from srm_trainer.typed_text import without_nul

SCHEDULER = Scheduler(enable_fuzzing=False)
_random = secrets.SystemRandom()


def presentation_order(question: Question, rng=None) -> list[str]:
    """A fresh order of the choices or items each time a question is shown outside an attempt
    (an attempt fixes its own): a learner who reviews it again learns the answer, not where it
    sits. An ordering question is never shown in its right order."""
    rng = rng or _random
    order = question.layout_ids()
    rng.shuffle(order)
    key = [item["id"] for item in question.items()]
    if question.type == QuestionType.ORDERING and len(order) > 1 and order == key:
        order = order[1:] + order[:1]
    return order


def _utc(now: datetime) -> datetime:
    # fsrs insists on datetime.timezone.utc itself, not just any UTC-equivalent tzinfo
    return now.astimezone(UTC)


def end_of_day(now: datetime) -> datetime:
    """The end of the learner's day (the site's time zone): "due today" means due before it."""
    local = timezone.localtime(now)
    return datetime.combine(local.date() + timedelta(days=1), time.min, tzinfo=local.tzinfo)


def back_today(due: datetime, now: datetime) -> bool:
    """Whether a card due at `due` is back today as the page says it: by the minute it is
    ready (`ready_at`), not its second, so a card due at 23:59:30 is back "tomorrow at 00:00",
    not "later today at 00:00"."""
    ready = ready_at(due, now)
    return (ready or due) < end_of_day(now)


def ready_at(next_due: datetime | None, now: datetime) -> datetime | None:
    """When to tell a learner with nothing due to come back: `next_due` rounded up to its
    minute, since the page shows hours and minutes (due at 17:12:40 read "ready at 17:12",
    and at 17:12 nothing was); None when that is under a minute away (say "in a moment")."""
    if next_due is None or next_due - now < timedelta(minutes=1):
        return None
    whole = next_due.replace(second=0, microsecond=0)
    return whole if whole == next_due else whole + timedelta(minutes=1)


def _in_module(module_id: int | None) -> Q:
    """Cards of one module (a question's module, else its lesson's); everything when None.
    The same attribution as `quizzes.exam.in_module`."""
    if module_id is None:
        return Q()
    return Q(question__module_id=module_id) | Q(
        question__module__isnull=True, question__lesson__module_id=module_id
    )


def _due_today(user_id, end, module_id: int | None = None) -> QuerySet:
    """A learner's cards due before `end` (the end of their day), in one module or in all:
    what every read of the queue starts from. A retired (archived) question's card is kept,
    with its schedule, but left out: a question taken out of use, often because it was wrong,
    is not drilled again, and comes back on its schedule if it is put back in use."""
    return ReviewCard.objects.filter(
        _in_module(module_id), user_id=user_id, due__lt=end, question__archived=False
    )


# The published modules a learner may narrow the review to (the page's filter, on every view
# and every answer), as `Module.objects.published().only(...)` reads them: SQL compiled once.
_MODULE_FIELDS = ["id", "slug", "title", "order"]
_MODULES = PreparedQuery(
    Module, [], lambda: Module.objects.published().values_list(*_MODULE_FIELDS)
)


def modules() -> list[Module]:
    """The published modules in their order, only their id, slug, title and order read."""
    return [instance(Module, row, _MODULE_FIELDS) for row in _MODULES.rows()]


@dataclass(frozen=True)
class Queue:
    """Where a learner's review stands at `now`: a session ends when `now_count` is 0."""

    now_count: int
    later_today: int
    next_due: datetime | None


def queue(*, user, now: datetime, module_id: int | None = None) -> Queue:
    """The review page's counts, in one query (for one module's cards when `module_id` is
    given), its SQL compiled once per shape: the page asks on every view and every answer."""
    if not user.is_authenticated:
        return Queue(0, 0, None)
    if module_id is None:
        rows = _STANDING.rows(user.pk, end_of_day(now), now)
    else:
        rows = _STANDING_IN.rows(module_id, user.pk, end_of_day(now), now)
    return Queue(*rows[0]) if rows else Queue(0, 0, None)


def _standing(cards, now) -> QuerySet:
    """`cards.aggregate(...)` of `queue` as one row (none: no card)."""
    return (
        cards.order_by()
        .values("user_id")
        .annotate(
            now_count=Count("pk", filter=Q(due__lte=now)),
            later_today=Count("pk", filter=Q(due__gt=now)),
            next_due=Min("due", filter=Q(due__gt=now)),
        )
        .values_list("now_count", "later_today", "next_due")
    )


_STANDING = PreparedQuery(
    ReviewCard,
    ["int", "time", "time"],
    lambda user_id, end, now: _standing(_due_today(user_id, end), now),
)
_STANDING_IN = PreparedQuery(
    ReviewCard,
    ["int", "int", "time", "time"],
    lambda module_id, user_id, end, now: _standing(_due_today(user_id, end, module_id), now),
)


# The Review link's badge, on every signed-in page: compiled to SQL once (compiling the ORM
# query had cost more than running it). The same count as `queue(...).now_count`.
_DUE_NOW = PreparedQuery(
    ReviewCard,
    ["int", "time", "time"],
    lambda user_id, end, now: (
        _due_today(user_id, end)
        .filter(due__lte=now)
        .order_by()
        .values("user_id")
        .annotate(n=Count("pk"))
        .values_list("n")
    ),
)


def has_cards(user) -> bool:
    """Whether the learner has ever had a question to review: a page with nothing due thanks
    one who cleared their queue, and tells a newcomer how questions get there."""
    return ReviewCard.objects.filter(user_id=user.pk).exists()


def due_now_count(*, user, now: datetime) -> int:
    if not user.is_authenticated:
        return 0
    rows = _DUE_NOW.rows(user.pk, end_of_day(now), now)
    return rows[0][0] if rows else 0


# The card a learner answers on the review page, due today, with its question whole (its
# lesson, the lesson's module and its scenario, as select_related reads them): SQL compiled once.
_CARD = concrete_attnames(ReviewCard)


def _with_question(cards: QuerySet) -> QuerySet:
    """`cards` as rows of `_CARD` then the question's columns (`_card_from` reads them)."""
    from quizzes.attempts import QUESTION_COLUMNS  # (attempts imports this module)

    return cards.values_list(*_CARD, *(f"question__{column}" for column in QUESTION_COLUMNS))


def _due_card_query(user_id, question_id, end) -> QuerySet:
    cards = ReviewCard.objects.filter(
        user_id=user_id, question_id=question_id, due__lt=end, question__archived=False
    )
    return _with_question(cards.order_by())[:1]


_DUE_CARD = PreparedQuery(ReviewCard, ["int", "int", "time"], _due_card_query)


def _card_from(row) -> ReviewCard:
    """A card with its question whole, from a row of `_CARD` and the question's columns."""
    from quizzes.attempts import question_from

    card = instance(ReviewCard, row[: len(_CARD)])
    ReviewCard.question.field.set_cached_value(card, question_from(row[len(_CARD) :]))
    return card


def due_card(*, user, question_id: int, now: datetime) -> ReviewCard | None:
    """The learner's card for question `question_id` if it is due today (one card at most:
    one_card_per_question), with its question whole; None otherwise."""
    rows = _DUE_CARD.rows(user.pk, question_id, end_of_day(now))
    return _card_from(rows[0]) if rows else None


# Later than any card is due: `answered_card` reads a card whatever its due date.
_NEVER = datetime(9999, 1, 1, tzinfo=UTC)


def answered_card(*, user, question_id: int) -> ReviewCard | None:
    """The learner's card for `question_id` whenever it is due (its question unarchived), with
    its question whole: an answer sent from a page drawn before the card was answered in
    another tab, which pushed it days out, is still checked (not counted); it was a 404."""
    rows = _DUE_CARD.rows(user.pk, question_id, _NEVER)
    return _card_from(rows[0]) if rows else None


def card_offered(*, user, question_id: int, now: datetime) -> tuple[ReviewCard | None, str]:
    """The learner's card for `question_id` when the queue would offer it now (due, and its
    question usable), or None and why not, in words for them: a review question asked for by
    its own address (after signing in again, to finish an answer the ended session kept)."""
    card = due_card(user=user, question_id=question_id, now=now)
    if card is None:
        kept = ReviewCard.objects.filter(user=user, question_id=question_id)
        archived = kept.values_list("question__archived", flat=True).first()
        if archived:
            return None, "That question has been taken out of use, so it is not reviewed now."
        if archived is not None:
            return None, "That question is not due for review now: it comes back on its schedule."
        return None, "That question is not in your review queue."
    if card.due > now:
        return None, "That question was answered since: it comes back later today."
    if not card.question.is_usable():
        return None, "That question is being repaired, so it is not offered for now."
    return card, ""


# The cards ready now (due by `now`, in the chosen module or all, at the chosen level or all):
# the review page picks the next one among them, and counts them for a level, on every view.
# SQL compiled once per shape (module or all, level or all).
READY_PICKED = 50  # the first this many in order: the page offers the first usable one


def _ready(user_id, end, now, module_id=None, level=None) -> QuerySet:
    cards = _due_today(user_id, end, module_id).filter(due__lte=now)
    if level is not None:
        cards = cards.filter(question__in=Question.objects.at_level(level).values("pk"))
    return cards


def _ready_picked(cards: QuerySet) -> QuerySet:
    return _with_question(cards.order_by("due", "pk"))[:READY_PICKED]


def _ready_counted(cards: QuerySet) -> QuerySet:
    """`cards.count()` as one row (none: no card; all are one learner's)."""
    return cards.order_by().values("user_id").annotate(n=Count("pk")).values_list("n")


def _by_shape(select) -> dict[tuple[bool, bool], PreparedQuery]:
    """`select(_ready(...))` for each shape (by module, by level), each compiled once."""

    def prepared(by_module: bool, by_level: bool) -> PreparedQuery:
        def build(user_id, end, now, *rest):
            module_id = rest[0] if by_module else None
            level = rest[-1] if by_level else None
            return select(_ready(user_id, end, now, module_id, level))

        kinds = ["int", "time", "time", *["int"] * by_module, *["text"] * by_level]
        return PreparedQuery(ReviewCard, kinds, build)

    return {(m, v): prepared(m, v) for m in (False, True) for v in (False, True)}


_READY_PICKED = _by_shape(_ready_picked)
_READY_COUNTED = _by_shape(_ready_counted)


def _ready_rows(shapes, user, now: datetime, module_id: int | None, level: str) -> list:
    args = [user.pk, end_of_day(now), now]
    args += [module_id] if module_id is not None else []
    args += [level] if level else []
    return shapes[module_id is not None, bool(level)].rows(*args)


def ready_cards(
    *, user, now: datetime, module_id: int | None = None, level: str = ""
) -> list[ReviewCard]:
    """The first READY_PICKED cards ready now, in the order they are offered (due, then id),
    each with its question whole (its lesson, module and scenario): one query."""
    return [_card_from(row) for row in _ready_rows(_READY_PICKED, user, now, module_id, level)]


def ready_count(*, user, now: datetime, module_id: int | None = None, level: str = "") -> int:
    """How many cards are ready now (as `ready_cards` filters them): one query."""
    rows = _ready_rows(_READY_COUNTED, user, now, module_id, level)
    return rows[0][0] if rows else 0


def _reviewed(existing: ReviewCard | None, question_id: int, correct: bool, now: datetime) -> dict:
    """The fields one answer sets on a card (the stored one, or a new card), `now` in UTC."""
    card = Card.from_dict(existing.card) if existing else Card(card_id=question_id, due=now)
    card, _log = SCHEDULER.review_card(card, Rating.Good if correct else Rating.Again, now)
    return {
        "card": card.to_dict(),
        "due": card.due,
        "last_reviewed_at": now,
    }


def card_record(
    *, user, question: Question, correct: bool, now: datetime, card: ReviewCard | None = None
) -> ReviewCard | None:
    """Schedule one answer. Returns the card, or None for a right answer to a question that is
    not in the queue. `card`: the learner's card for `question` as the caller has just read it
    (the review page's), not read again but updated and returned (unless another request
    reviewed it meanwhile).

    The stored card is rescheduled only if no other review changed it since it was read (its
    `reviews` count still the one read): one a second tab recorded meanwhile is read again and
    this answer scheduled on top of it, so neither is lost."""
    now = _utc(now)
    existing = card if card is not None else _card_of(user.pk, question)
    for _ in range(_TRIES):
        if existing is None:
            return None if correct else _new_card(user, question, now)
        values = _reviewed(existing, question.pk, correct, now)
        reviews = existing.reviews + 1
        lapses = existing.lapses + (0 if correct else 1)
        row = [values["card"], values["due"], values["last_reviewed_at"], reviews, lapses]
        if _REVIEWED.update(row, existing.pk, existing.reviews):
            for name, value in zip(_RESCHEDULED_FIELDS, row, strict=True):
                setattr(existing, name, value)
            return existing
        existing = _card_of(user.pk, question)  # reviewed by another request meanwhile
    raise DatabaseError(f"review card for question {question.pk} kept changing")


# How many times `card_record` reads a card again that other requests keep reviewing (each
# time, one did in the moment between its read and its update: in practice, never twice).
_TRIES = 3


def _card_of(user_id: int, question: Question) -> ReviewCard | None:
    card = ReviewCard.objects.filter(user_id=user_id, question=question).first()
    if card is not None:
        ReviewCard.question.field.set_cached_value(card, question)
    return card


def _new_card(user, question: Question, now: datetime) -> ReviewCard:
    values = _reviewed(None, question.pk, False, now)
    try:
        with transaction.atomic():
            return ReviewCard.objects.create(
                user=user, question=question, reviews=1, lapses=1, **values
            )
    except IntegrityError:  # a second tab missed the same question at the same moment
        return ReviewCard.objects.get(user=user, question=question)


# The fields a review sets on a stored card: written for all of a submit's cards in one query
# (the cursor's executemany), its SQL compiled once.
_RESCHEDULED_FIELDS = ["card", "due", "last_reviewed_at", "reviews", "lapses"]
_RESCHEDULED = PreparedUpdate(
    ReviewCard, _RESCHEDULED_FIELDS, ["int"], lambda pk: ReviewCard.objects.filter(pk=pk)
)
# One card's (the review page's), only while its `reviews` count is the one read.
_REVIEWED = PreparedUpdate(
    ReviewCard,
    _RESCHEDULED_FIELDS,
    ["int", "count"],
    lambda pk, reviews: ReviewCard.objects.filter(pk=pk, reviews=reviews),
)


# A learner's cards for some questions (a submit's), by number of questions: SQL compiled once.
_CARDS_AMONG = PreparedPerCount(
    ReviewCard,
    lambda user_id, *question_ids: (
        ReviewCard.objects.filter(user_id=user_id, question_id__in=question_ids)
        .order_by("due", "pk")
        .values_list(*concrete_attnames(ReviewCard))
    ),
    leading=["int"],
)


def _cards_of(user_id: int, results: list[tuple[Question, bool]]) -> list[ReviewCard]:
    ids = list(dict.fromkeys(question.pk for question, _ in results))
    if len(ids) >= MAX_INTS:
        return list(ReviewCard.objects.filter(user_id=user_id, question_id__in=ids))
    return [instance(ReviewCard, row) for row in _CARDS_AMONG(len(ids)).rows(user_id, *ids)]


def cards_record(
    *,
    results: Iterable[tuple[Question, bool]],
    now: datetime,
    user=None,
    user_id: int | None = None,
) -> None:
    """`card_record` for each of a submitted attempt's answers in turn, for `user` (or the
    user `user_id`: a submit need not read the user), in at most three queries whatever their
    number: the learner's cards for these questions read at once, the new ones inserted and the
    others updated together. As one by one: a question missed twice in `results` is
    rescheduled twice, and a card another tab inserted a moment ago is left as it is."""
    if user is not None:
        user_id = user.pk
    if user_id is None:
        raise ValueError("cards_record needs the user or their id")
    cards_replay(user_id=user_id, sittings=[(now, list(results))])


def cards_replay(
    *, user_id: int, sittings: Sequence[tuple[datetime, Sequence[tuple[Question, bool]]]]
) -> None:
    """`cards_record` for several submitted attempts in turn, oldest first (each sitting is
    the time it was handed in and its results), in the same three queries in all: a sign-in
    hands over an anonymous learner's attempts at once (quizzes.session_carry), where one
    `cards_record` each read and wrote the cards again, ~3 ms an attempt."""
    everything = [pair for _now, results in sittings for pair in results]
    if not everything:
        return
    cards = {card.question_id: card for card in _cards_of(user_id, everything)}
    stored = set(cards)  # every stored card is among the results: each is reviewed below
    for when, results in sittings:
        now = _utc(when)
        for question, correct in results:
            card = cards.get(question.pk)
            if card is None and correct:
                continue
            values = _reviewed(card, question.pk, correct, now)
            if card is None:
                card = cards[question.pk] = ReviewCard(
                    user_id=user_id, question=question, reviews=0, lapses=0
                )
            card.reviews += 1
            card.lapses += 0 if correct else 1
            for name, value in values.items():
                setattr(card, name, value)
    _RESCHEDULED.update_each(
        ([getattr(card, name) for name in _RESCHEDULED_FIELDS], [card.pk])
        for pk, card in cards.items()
        if pk in stored
    )
    new = [card for pk, card in cards.items() if pk not in stored]
    if new:
        ReviewCard.objects.bulk_create(new, ignore_conflicts=True)


# --- drafts ------------------------------------------------------------------------------
# An answer typed or chosen on the review page and not checked yet is kept on the learner's
# card (`ReviewCard.draft`), as the quiz page keeps a draft on its attempt: a reload, or coming
# back later, fills it in again. A learner has one at most (the page shows one question at a
# time): keeping one lets go of any other, so what they keep is bounded by one form's fields,
# not by their number of cards.


def draft_keep(*, user, card: ReviewCard, fields: dict[str, list[str]]) -> bool:
    """Keep `fields` (a review form's, bounded by the caller) on `user`'s `card`, as read when
    the request began, and let go of any draft on their other cards: True, or False when the
    card was reviewed since it was read (another tab's check: a draft kept now would fill in an
    answer already checked when the question came back). Two UPDATEs in one transaction."""
    draft = {without_nul(name): [without_nul(v) for v in values] for name, values in fields.items()}
    with transaction.atomic():
        mine = ReviewCard.objects.filter(pk=card.pk, user_id=user.pk, reviews=card.reviews)
        if not mine.update(draft=draft):
            return False
        others = ReviewCard.objects.filter(user_id=user.pk, draft__isnull=False)
        others.exclude(pk=card.pk).update(draft=None)
        return True


def draft_fields(card: ReviewCard) -> dict[str, list[str]] | None:
    """The fields kept on `card` as a form's data takes them (None: no draft, or one of a shape
    no review form sends, as an edit in the admin could leave)."""
    draft = card.draft
    if not draft or not isinstance(draft, dict):
        return None
    fields = {}
    for name, values in draft.items():
        if not isinstance(values, list):
            return None
        fields[name] = [str(value) for value in values]
    return fields


def draft_drop(card: ReviewCard) -> None:
    """The answer was checked: its draft is let go. Read again, not taken from `card`: an
    autosave from another tab may have kept one since `card` was read; called after the check
    is recorded, so any later one finds the card reviewed and keeps nothing (`draft_keep`)."""
    ReviewCard.objects.filter(pk=card.pk, draft__isnull=False).update(draft=None)
    card.draft = None


# --- bounded sessions ----------------------------------------------------------------------
# A sitting offers at most `session_size()` questions, then asks whether to keep going: a long
# backlog (after a holiday, a failed exam) comes in bites. The count lives in the learner's
# session (`SESSION_KEY`); a pause of over an hour, or an empty queue, starts a new sitting.

SESSION_KEY = "review_session"
SESSION_GAP = 60 * 60  # seconds without an answer that end a sitting


def session_size() -> int:
    return max(1, int(getattr(settings, "REVIEW_SESSION_SIZE", 20)))


def session_answered(session: MutableMapping, *, clock=_time.time) -> int:
    """Questions answered in this sitting."""
    state = session.get(SESSION_KEY) or {}
    if not isinstance(state, dict) or clock() - float(state.get("at", 0)) > SESSION_GAP:
        return 0
    return max(0, int(state.get("done", 0)))


def session_count_answer(session: MutableMapping, *, clock=_time.time) -> int:
    done = session_answered(session, clock=clock) + 1
    session[SESSION_KEY] = {"done": done, "at": clock()}
    return done


def session_restart(session: MutableMapping) -> None:
    """ "Keep going", or nothing left: the next answer starts a new sitting."""
    session.pop(SESSION_KEY, None)


def session_full(session: MutableMapping, *, clock=_time.time) -> bool:
    return session_answered(session, clock=clock) >= session_size()


# An answer sent after the session ended is kept in the browser's session until someone signs
# in (quizzes.views), and that someone may be another learner on a shared computer. The form
# carries whose page it was, signed, so the answer is filled in again only for them.
_OWNER_SALT = "quizzes.review.answer-owner"


def answer_owner_mark(user_pk: int) -> str:
    """The review form's hidden mark of whose question it is (signed: not forgeable, not secret)."""
    return signing.dumps(user_pk, salt=_OWNER_SALT)


def answer_owner(mark: str | None) -> int | None:
    """Whose page sent a review answer, from its mark; None for no mark or a bad one."""
    try:
        owner = signing.loads(mark or "", salt=_OWNER_SALT)
    except signing.BadSignature:
        return None
    return owner if isinstance(owner, int) else None
