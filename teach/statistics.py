"""Item statistics for a quiz: how each question performed over a set of submitted attempts.

Plain functions over data, no request: the /teach/ page calls `quiz_statistics`, and so will a
cohort's page (pass the cohort's attempts, e.g. `submitted_attempts(quiz=q, users=learners)`).

Which attempts count
    Every submitted attempt in the set (Moodle's default: all graded attempts), or with
    `first_only` each learner's first submitted attempt (by start time), which measures what a
    class knew before practising on the quiz itself. A learner is a user, or an anonymous
    learner's key. Previews (/teach/) store nothing, so they never appear here. Over every
    learner (`learner_attempts`), the quiz's author's own attempts are left out: an author
    trying their quiz on the learner pages is not one of its learners, and their tries would
    skew each figure. A cohort's page needs no such rule: its teachers are never its members.

Per question
    - **facility**: the mean score (0..1) over the attempts that included the question; a
      question the learner left unanswered scores 0, as it did in their total.
    - **discrimination** (Kelley's upper-lower index, 1939): rank those attempts by total score;
      the upper and lower groups are the top and bottom 27% (rounded half up, at least one);
      D = mean question score in the upper group − in the lower group (−1..1). Attempts tied
      on total score at a group's boundary cannot be told apart, so they share the places
      left in the group equally (fractional weights): the index never depends on an arbitrary
      order, and when every total is equal it is exactly 0. Below `MIN_ATTEMPTS` attempts the
      groups hold one or two attempts each and one slip flips the sign, so no index is given.
    - **flags**, after Ebel's widely used guide to the upper-lower index (Ebel & Frisbie,
      *Essentials of Educational Measurement*, 1991): below 0.20 a question separates
      stronger from weaker learners poorly and should be revised; below 0 the weaker learners
      do better on it than the stronger, which usually means a wrong key or a misleading
      wording.

What was answered (from the stored responses; nothing is re-graded)
    - single, multiple and true/false: how often each choice was picked;
    - ordering: how often each item was put in its right place; categorize: in its right
      category (and the wrong category it most often went to);
    - policy decision: how often each decision was chosen, against the engine's key today;
    - least privilege: from the grading feedback stored with each answer: how often each
      must-allow / must-deny request came out wrong among the policies that parse (those that
      do not are counted apart), and which over-grants recur. Each answer stores its ten
      riskiest over-grants, so over-grant counts are lower bounds.

Misconceptions
    Each tag on a question (`Question.misconceptions`) is counted once per learner who
    answered a question carrying it wrongly (below full marks); unanswered questions show no
    misconception and are not counted. Ranked by learners, then wrong answers. The kinds store
    no per-choice misconceptions, so the question's tags are the whole story. Each tag links
    to the lessons of the questions carrying it (`Question.lesson`).

Cost: the database counts, Python reads what it counted. A class's attempts and answers are
never read one by one: each query returns rows bounded by the quiz's content and by how many
different answers and totals there are, not by how many attempts there are (a class of 1,500
attempts at 43 questions returns a few hundred rows where 64,500 answers were read into Python;
the database still reads each answer: docs/performance-log.md):

1. the attempts: how many, their learners, mean and score bands, in one aggregate;
2. per question and distinct attempt total (`_blocks`): attempts that held the question, the
   sum of their scores on it, answers and wrong answers. Facility and the upper-lower index
   need nothing else: the groups are walked block by block, from either end. Which questions
   an attempt held is a JSON list, opened by the database (`json_each` on SQLite,
   `jsonb_array_elements` on PostgreSQL: the one query in raw SQL);
3. and 4. the questions, and the quiz's order;
5. per question and distinct answer (`_tallies`): how many answers gave it, only the JSON keys
   the kind counts extracted, each only from its kind's answers;
6. per misconception tag, the distinct learners who answered one of its questions wrongly
   (only when some did).

Six queries, whatever the number of attempts; the numbers are those the earlier per-answer
computation gave (tests/teach/test_statistics_same.py checks them against it), floating-point
sums apart (added in another order: they may differ in the last digit).
"""

from __future__ import annotations

import json
import logging
from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import connections
from django.db.models import (
    Avg,
    Case,
    Count,
    F,
    Func,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber

from lessons.models import Lesson
from quizzes.attempts import questions_among
from quizzes.kinds.policy_decision import DECISIONS
from quizzes.kinds.route_findings import describe, sample_slugs
from quizzes.models import Answer, Attempt, Question, Quiz, QuizQuestion
from quizzes.results_version import CONTENT, RESULTS
from srm_trainer.iam import evaluate
from srm_trainer.prepared import PreparedQuery

log = logging.getLogger(__name__)

GROUP_SHARE = 0.27  # Kelley's upper and lower 27%
MIN_ATTEMPTS = 10  # fewer: no discrimination index ("too few attempts")
WEAK_DISCRIMINATION = 0.20  # Ebel: below this, revise the question
TIE_DIGITS = 9  # totals equal to this many decimals are ties (float sums of the same scores)
SCORE_BANDS = 10  # the score distribution in bands of 10 percentage points

CHOICE_KINDS = {"single", "multiple", "true_false"}


# --- results ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tally:
    """One row of a count: `count` of `total` answers, `key` when it is (part of) the right
    answer; `note` says more (e.g. where a misplaced item most often went)."""

    label: str
    count: int
    total: int
    key: bool = False
    note: str = ""
    short: str = ""  # a shorter label for a chart, when the label is long

    @property
    def share(self) -> float | None:
        return self.count / self.total if self.total else None


@dataclass
class QuestionStats:
    question: Question
    position: int
    attempts: int = 0  # attempts that included the question
    answered: int = 0
    facility: float | None = None
    discrimination: float | None = None
    # "choices" | "items" | "decisions" | "least_privilege" | "route_findings" | "" (what
    # `tallies` counts)
    detail: str = ""
    tallies: list[Tally] = field(default_factory=list)
    statement_right: Tally | None = None  # policy decision with `ask_statement`
    overgrants: list[Tally] = field(default_factory=list)  # least privilege, most common first
    overgranting: int = 0  # least privilege: answers with at least one over-grant
    unparsed: int = 0  # least privilege, route findings: answers whose JSON did not parse
    checked: int = 0  # least privilege, route findings: answers parsed and checked
    # Held by the attempts but no longer listed by the quiz (taken out since): numbered after
    # those it lists, where the quiz's page has no such question.
    taken_out: bool = False

    @property
    def flag(self) -> str:
        """One of "negative", "weak" or "" (the module docstring gives the thresholds)."""
        if self.discrimination is None:
            return ""
        if self.discrimination < 0:
            return "negative"
        if self.discrimination < WEAK_DISCRIMINATION:
            return "weak"
        return ""

    @property
    def too_few(self) -> bool:
        return self.attempts < MIN_ATTEMPTS

    @property
    def most_missed(self) -> Tally | None:
        """Least privilege: the request most often wrong (None when none was)."""
        missed = [t for t in self.tallies if t.count]
        return missed[0] if missed and self.detail == "least_privilege" else None


@dataclass(frozen=True)
class MisconceptionStats:
    tag: str
    learners: int
    wrong_answers: int
    lessons: tuple[Lesson, ...]


@dataclass
class QuizStatistics:
    quiz: Quiz
    first_only: bool
    attempts: int
    learners: int
    mean_score: float | None
    bands: list[int]  # counted attempts per score band (`band_of`), for the distribution
    questions: list[QuestionStats]
    misconceptions: list[MisconceptionStats]


# --- which attempts ------------------------------------------------------------------------


def submitted_attempts(*, quiz: Quiz, users: QuerySet | None = None) -> QuerySet[Attempt]:
    """The quiz's submitted (graded) attempts; with `users`, only theirs (a cohort's learners,
    which leaves out anonymous attempts)."""
    attempts = Attempt.objects.filter(quiz=quiz, submitted_at__isnull=False, score__isnull=False)
    if users is not None:
        attempts = attempts.filter(user__in=users)
    return attempts


def learner_attempts(*, quiz: Quiz) -> QuerySet[Attempt]:
    """Every learner's submitted attempts at `quiz` (`submitted_attempts`): those of its author,
    trying it as a learner would, are left out. Anonymous learners' attempts stay."""
    attempts = submitted_attempts(quiz=quiz)
    if quiz.owner_id is not None:
        attempts = attempts.exclude(user_id=quiz.owner_id)
    return attempts


def _attempt_rows(quiz: Quiz, attempts: QuerySet[Attempt] | Iterable[int]) -> QuerySet:
    if not isinstance(attempts, QuerySet):
        attempts = Attempt.objects.filter(pk__in=list(attempts))
    return attempts.filter(quiz=quiz, submitted_at__isnull=False, score__isnull=False)


# A learner, as the database tells them apart: a user's attempts by the user (whatever key they
# carry), an anonymous learner's by their key.
_ANONYMOUS_KEY = Case(When(user_id__isnull=True, then=F("learner_key")), default=Value(""))


def counted_attempts(
    quiz: Quiz, attempts: QuerySet[Attempt] | Iterable[int], *, first_only: bool = False
) -> QuerySet[Attempt]:
    """The submitted ones among `attempts`; with `first_only`, each learner's first of them
    (by start time, then id), picked by the database (a window numbering each learner's)."""
    selected = _attempt_rows(quiz, attempts)
    if not first_only:
        return selected
    ranked = selected.annotate(
        place=Window(
            RowNumber(),
            partition_by=[F("user_id"), _ANONYMOUS_KEY],
            order_by=[F("started_at").asc(), F("pk").asc()],
        )
    )
    return Attempt.objects.filter(pk__in=ranked.filter(place=1).values("pk"))


# --- the formulas --------------------------------------------------------------------------


def group_size(n: int) -> int:
    """How many attempts each of the upper and lower groups holds: 27% of n, half up, ≥ 1."""
    return max(1, int(n * GROUP_SHARE + 0.5))


def band_of(score: float) -> int:
    """The score band (0 for 0–9%, …, 9 for 90–100%) of an attempt's total; the database
    counts by the same arithmetic (`_summary`)."""
    return min(SCORE_BANDS - 1, int(max(0.0, score) * SCORE_BANDS + 1e-9))


# A block: the attempts tied on one total, as (total, how many, the sum of their scores on the
# question). The database hands them over already counted (`_blocks`).
Block = tuple[float, int, float]


def _group_mean(blocks: list[Block], size: int) -> float:
    """Mean question score of the first `size` places of `blocks` (already ordered); a block
    straddling the boundary shares the places left."""
    taken = 0.0
    total = 0.0
    for _, count, score_sum in blocks:
        if taken >= size:
            break
        room = size - taken
        if count <= room:
            total += score_sum
            taken += count
        else:
            total += room * score_sum / count
            taken = size
    return total / size


def blocks_of(pairs: Iterable[tuple[float, float]]) -> list[Block]:
    """(attempt total, question score) pairs as blocks of tied totals (to `TIE_DIGITS`)."""
    counts: Counter[float] = Counter()
    sums: dict[float, float] = defaultdict(float)
    for total, score in pairs:
        tie = round(total, TIE_DIGITS)
        counts[tie] += 1
        sums[tie] += score
    return [(tie, counts[tie], sums[tie]) for tie in counts]


def block_discrimination(blocks: Iterable[Block]) -> float | None:
    """Upper-lower 27% index over blocks of tied totals (`blocks_of`, any order); None below
    `MIN_ATTEMPTS` attempts."""
    merged: dict[float, list] = {}
    for total, count, score_sum in blocks:
        block = merged.setdefault(round(total, TIE_DIGITS), [0, 0.0])
        block[0] += count
        block[1] += score_sum
    n = sum(count for count, _ in merged.values())
    if n < MIN_ATTEMPTS:
        return None
    size = group_size(n)
    lower: list[Block] = [(t, c, s) for t, (c, s) in sorted(merged.items())]
    return _group_mean(lower[::-1], size) - _group_mean(lower, size)


def discrimination(pairs: Iterable[tuple[float, float]]) -> float | None:
    """Upper-lower 27% index over (attempt total, question score) pairs; None below
    `MIN_ATTEMPTS` pairs."""
    return block_discrimination(blocks_of(pairs))


# --- per kind: what the answers say ----------------------------------------------------------
#
# Each kind's counts take the distinct answers the database grouped (`_tallies`): a list of
# (what was answered, how many answers gave it). `Given` is one such row: "response" and
# "feedback" hold only the keys the kind counts.

Given = tuple[dict, int]


def _list(value: Any) -> list:
    """A stored response's list, or [] for anything else (an old or damaged answer)."""
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict:
    """A stored response's mapping, or {} for anything else (as `_list`)."""
    return value if isinstance(value, dict) else {}


def _total(given: list[Given]) -> int:
    return sum(n for _, n in given)


def _choice_tallies(question: Question, given: list[Given]) -> list[Tally]:
    total = _total(given)
    picked: Counter = Counter()
    if question.type == "true_false":
        key = bool(question.data.get("answer"))
        for a, n in given:
            picked[a["response"].get("answer")] += n
        return [
            Tally("True", picked[True], total, key=key),
            Tally("False", picked[False], total, key=not key),
        ]
    for a, n in given:
        r = a["response"]
        ids = [r.get("choice")] if question.type == "single" else _list(r.get("choices"))
        for i in ids:
            if isinstance(i, str):
                picked[i] += n
    choices = question.choices()
    out = [Tally(c["text"], picked[c["id"]], total, key=bool(c.get("correct"))) for c in choices]
    current = {c["id"] for c in choices}
    removed = sum(count for choice_id, count in picked.items() if choice_id not in current)
    if removed:  # picked before a choice was taken out of the question
        out.append(Tally("A choice since removed", removed, total, note="no longer offered"))
    return out


def _ordering_tallies(question: Question, given: list[Given]) -> list[Tally]:
    items = question.items()
    right: Counter[str] = Counter()
    for a, n in given:
        order = _list(a["response"].get("order"))
        for index, item in enumerate(items):
            if index < len(order) and order[index] == item["id"]:
                right[item["id"]] += n
    return [
        Tally(f"{k}. {item['text']}", right[item["id"]], _total(given), key=True)
        for k, item in enumerate(items, start=1)
    ]


def _categorize_tallies(question: Question, given: list[Given]) -> list[Tally]:
    items = question.items()
    right: Counter[str] = Counter()
    wrong: dict[str, Counter] = defaultdict(Counter)
    for a, n in given:
        placed = _dict(a["response"].get("placed"))
        for item in items:
            chosen = placed.get(item["id"])
            if chosen == item["category"]:
                right[item["id"]] += n
            elif isinstance(chosen, str):
                wrong[item["id"]][chosen] += n
    out = []
    for item in items:
        note = ""
        if wrong[item["id"]]:
            category, count = min(wrong[item["id"]].items(), key=lambda kv: (-kv[1], kv[0]))
            note = f"most often misplaced in “{category}” ({count})"
        label = f"{item['text']} → {item['category']}"
        out.append(Tally(label, right[item["id"]], _total(given), key=True, note=note))
    return out


def _engine_key(question: Question) -> str | None:
    if question.scenario is None:
        return None
    try:
        return evaluate(question.scenario.case).decision
    except Exception:  # a broken scenario: show the counts without a key
        log.warning("statistics: cannot evaluate the scenario of question %s", question.slug)
        return None


def _decision_tallies(question: Question, given: list[Given]) -> list[Tally]:
    key = _engine_key(question)
    picked: Counter = Counter()
    for a, n in given:
        picked[a["response"].get("decision")] += n
    return [
        Tally(label, picked[value], _total(given), key=value == key) for value, label in DECISIONS
    ]


def _least_privilege(stats: QuestionStats, given: list[Given]) -> None:
    """Requests most often wrong, and recurring over-grants, from the stored feedback."""
    challenge = stats.question.challenge()
    wanted = [("Allow", r) for r in challenge.get("must_allow") or []]
    wanted += [("Deny", r) for r in challenge.get("must_deny") or []]
    missed: Counter = Counter()
    checked = 0
    overgrants: Counter = Counter()
    for a, n in given:
        feedback = _dict(a.get("feedback"))
        if "error" in feedback:
            stats.unparsed += n  # counted apart: a policy that does not parse misses everything
            continue
        requests = feedback.get("requests")
        if not isinstance(requests, list):
            continue
        checked += n
        for r in requests:
            if isinstance(r, dict) and not r.get("ok"):
                missed[(r.get("want"), r.get("action"), r.get("resource"))] += n
        if feedback.get("overgrant_count"):
            stats.overgranting += n
        for o in feedback.get("overgrants") or []:
            if isinstance(o, dict):
                overgrants[(o.get("action"), o.get("resource"), o.get("access_level"))] += n
    stats.checked = checked
    tallies = []
    for want, r in wanted:
        verb = "must be allowed" if want == "Allow" else "must be denied"
        label = f"{r.get('action')} on {r.get('resource')} ({verb})"
        count = missed[(want, r.get("action"), r.get("resource"))]
        short = f"{r.get('action')} ({'allow' if want == 'Allow' else 'deny'})"
        tallies.append(Tally(label, count, checked, short=short))
    stats.tallies = sorted(tallies, key=lambda t: -t.count)  # stable: the challenge's order
    stats.overgrants = [
        Tally(f"{action} on {resource}", count, checked, note=level or "")
        for (action, resource, level), count in sorted(
            overgrants.items(), key=lambda kv: (-kv[1], str(kv[0]))
        )[:10]
    ]


def _route_findings(stats: QuestionStats, given: list[Given]) -> None:
    """Sample findings most often routed wrong (sent when unwanted, not sent when wanted, or
    undecided), from the stored feedback's rows."""
    missed: Counter = Counter()
    checked = 0
    for a, n in given:
        rows = _dict(a.get("feedback")).get("rows")
        if not isinstance(rows, list):
            stats.unparsed += n  # a pattern the engine could not read routes nothing
            continue
        checked += n
        for r in rows:
            if isinstance(r, dict) and not r.get("ok"):
                missed[r.get("slug")] += n
    stats.checked = checked
    data = stats.question.data if isinstance(stats.question.data, dict) else {}
    want = set(_list(data.get("want")))
    tallies = []
    for slug in _list(data.get("samples")):
        words = "must be sent" if slug in want else "must not be sent"
        title = route_title(slug)
        tallies.append(Tally(f"{title} ({words})", missed[slug], checked, short=slug))
    stats.tallies = sorted(tallies, key=lambda t: -t.count)  # stable: the question's order


def route_title(slug: str) -> str:

    return describe(slug)["title"] if slug in sample_slugs() else str(slug)


def _details(stats: QuestionStats, given: list[Given]) -> None:
    question = stats.question
    if question.type in CHOICE_KINDS:
        stats.detail, stats.tallies = "choices", _choice_tallies(question, given)
    elif question.type == "ordering":
        stats.detail, stats.tallies = "items", _ordering_tallies(question, given)
    elif question.type == "categorize":
        stats.detail, stats.tallies = "items", _categorize_tallies(question, given)
    elif question.type == "policy_decision":
        stats.detail, stats.tallies = "decisions", _decision_tallies(question, given)
        if question.ask_statement:
            right = sum(n for a, n in given if _dict(a.get("feedback")).get("statement_right"))
            stats.statement_right = Tally("Named a deciding statement", right, _total(given))
    elif question.type == "least_privilege":
        stats.detail = "least_privilege"
        _least_privilege(stats, given)
    elif question.type == "route_findings":
        stats.detail = "route_findings"
        _route_findings(stats, given)


# --- what the database counts ----------------------------------------------------------------


def _band_filter(band: int) -> Q:
    """`band_of`'s arithmetic on the `scaled` annotation (score × bands + 1e-9): band k holds
    k ≤ scaled < k + 1, the first and last bands everything below and above."""
    if band == 0:
        return Q(scaled__lt=1)
    if band == SCORE_BANDS - 1:
        return Q(scaled__gte=band)
    return Q(scaled__gte=band, scaled__lt=band + 1)


def _summary(counted: QuerySet[Attempt]) -> dict:
    """How many attempts, learners (users, and anonymous keys apart), the mean total and the
    attempts in each score band: one aggregate query."""
    bands = {f"band{k}": Count("pk", filter=_band_filter(k)) for k in range(SCORE_BANDS)}
    scaled = F("score") * Value(float(SCORE_BANDS)) + Value(1e-9)
    return counted.annotate(scaled=scaled).aggregate(
        attempts=Count("pk"),
        mean=Avg("score"),
        users=Count("user_id", distinct=True),
        keys=Count("learner_key", distinct=True, filter=Q(user_id__isnull=True)),
        **bands,
    )


def _compiled(queryset: QuerySet, connection) -> tuple[str, list]:
    sql, params = queryset.query.get_compiler(connection=connection).as_sql()
    return sql, list(params)


# Which questions each attempt held: its `question_ids` (a JSON list) opened into rows, each
# question once per attempt, entries that are not whole numbers left out (as a list that is
# not a list). The one place the vendors' SQL differs.
_HELD = {
    "sqlite": (
        "SELECT DISTINCT a.id AS attempt_id, a.score AS total, e.value AS question_id "
        "FROM {attempt} a, json_each(a.question_ids) e "
        "WHERE a.id IN ({counted}) AND json_type(a.question_ids) = 'array' "
        "AND e.type = 'integer'"
    ),
    "postgresql": (
        "SELECT DISTINCT a.id AS attempt_id, a.score AS total, "
        "(e.v #>> '{{}}')::bigint AS question_id "
        "FROM {attempt} a CROSS JOIN LATERAL jsonb_array_elements("
        "CASE WHEN jsonb_typeof(a.question_ids) = 'array' THEN a.question_ids "
        "ELSE '[]'::jsonb END) AS e(v) "
        "WHERE a.id IN ({counted}) AND jsonb_typeof(e.v) = 'number' "
        "AND (e.v #>> '{{}}') ~ '^-?[0-9]{{1,18}}$'"
    ),
}

# Per question and attempt total: the attempts that held the question, the sum of their scores
# on it (an unanswered question scores 0), its graded answers, and those below full marks.
_BLOCKS = (
    "SELECT h.question_id, h.total, COUNT(*), SUM(COALESCE(ans.score, 0.0)), COUNT(ans.id), "
    "SUM(CASE WHEN ans.id IS NOT NULL AND (ans.correct IS NULL OR NOT ans.correct) "
    "THEN 1 ELSE 0 END) "
    "FROM ({held}) h LEFT JOIN {answer} ans ON ans.attempt_id = h.attempt_id "
    "AND ans.question_id = h.question_id AND ans.graded_at IS NOT NULL "
    "GROUP BY h.question_id, h.total"
)


@dataclass
class _Held:
    """What the database counted of one question over the attempts that held it."""

    blocks: list[Block] = field(default_factory=list)
    attempts: int = 0
    score_sum: float = 0.0
    answered: int = 0
    wrong: int = 0


def _blocks(counted: QuerySet[Attempt]) -> dict[int, _Held]:
    """Question id → what the attempts that held it add up to, one row per distinct total."""
    alias = counted.db
    connection = connections[alias]
    counted_sql, params = _compiled(counted.values("pk"), connection)
    quote = connection.ops.quote_name
    held = _HELD[connection.vendor].format(
        attempt=quote(Attempt._meta.db_table), counted=counted_sql
    )
    sql = _BLOCKS.format(held=held, answer=quote(Answer._meta.db_table))
    out: dict[int, _Held] = defaultdict(_Held)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for question_id, total, count, score_sum, answered, wrong in cursor.fetchall():
            h = out[int(question_id)]
            h.blocks.append((total, count, score_sum))
            h.attempts += count
            h.score_sum += score_sum
            h.answered += answered
            h.wrong += wrong
    return out


class _Part(Func):
    """One key of a JSON column, as JSON text (a string keeps its quotes, so nothing is
    ambiguous): the document is read once. Django's key transforms read it up to three times
    on SQLite (the type twice, then the value), which was most of this page's database time."""

    output_field = TextField()

    def __init__(self, column: str, key: str):
        if not key.isidentifier():
            raise ValueError(f"not a plain key: {key!r}")
        self.key = key
        super().__init__(F(column))

    def as_sqlite(self, compiler, connection, **extra):
        template = f"(%(expressions)s -> '$.{self.key}')"
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        template = f"((%(expressions)s -> '{self.key}')::text)"
        return self.as_sql(compiler, connection, template=template, **extra)


class _FeedbackUnlessError(Func):
    """The whole feedback as JSON text, or the word `error` when it holds an "error" key (a
    policy that did not parse: its message differs with every policy, and only its being
    there is counted). Read whole, equal feedbacks are grouped by their text unparsed."""

    output_field = TextField()
    ERROR = "error"  # never a JSON document's text (a JSON string is quoted)

    def __init__(self):
        super().__init__(F("feedback"))

    def as_sqlite(self, compiler, connection, **extra):
        template = (
            "(CASE WHEN json_type(%(expressions)s, '$.error') IS NOT NULL "
            "THEN 'error' ELSE %(expressions)s END)"
        )
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        template = (
            "(CASE WHEN jsonb_typeof(%(expressions)s) = 'object' AND %(expressions)s ? 'error' "
            "THEN 'error' ELSE (%(expressions)s)::text END)"
        )
        return self.as_sql(compiler, connection, template=template, **extra)


def _json(text: str | None) -> Any:
    """A `_Part` read back (None when the key is missing)."""
    return None if text is None else json.loads(text)


def _truth(value: Any) -> bool | None:
    """A JSON boolean as the statistics read it: true or a 1 (as the database reads it out),
    None when missing."""
    if value is None:
        return None
    return value in (True, 1, "1", "true")


# What each kind's statistics read from an answer (`_Part`s, or the whole feedback): the first
# and, for a decision, the second value of its rows in `_tallies`.
_READS: dict[str, tuple] = {
    "single": (("response", "choice"),),
    "multiple": (("response", "choices"),),
    "true_false": (("response", "answer"),),
    "ordering": (("response", "order"),),
    "categorize": (("response", "placed"),),
    "policy_decision": (("response", "decision"), ("feedback", "statement_right")),
    "least_privilege": (None,),
    "route_findings": (("feedback", "rows"),),
}


def _tallies(counted: QuerySet[Attempt], questions: list[Question]) -> dict[int, list[Given]]:
    """Question id → its graded answers grouped by what the kind counts in them (`Given`
    rows), in one query (one part per kind, each reading its kind's answers only): a class's
    thousand answers that picked the same choice are one row."""
    ids: dict[str, list[int]] = defaultdict(list)
    for q in questions:
        if q.type in _READS:
            ids[q.type].append(q.pk)
    if not ids:
        return {}
    answers = Answer.objects.filter(attempt__in=counted.values("pk"), graded_at__isnull=False)
    nothing = Value(None, output_field=TextField())
    parts = []
    for kind, pks in ids.items():
        reads: list[Func | Value] = [
            _Part(*read) if read else _FeedbackUnlessError() for read in _READS[kind]
        ]
        reads += [nothing, nothing]
        parts.append(
            answers.filter(question_id__in=pks)
            .values("question_id", first=reads[0], second=reads[1])
            .annotate(n=Count("pk"))
            .order_by()
        )
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    kinds = {q.pk: q.type for q in questions}
    out: dict[int, list[Given]] = defaultdict(list)
    for row in rows:
        kind = kinds[row["question_id"]]
        first = row["first"]
        feedback: Any = {}
        response: dict[str, Any]
        if kind == "least_privilege":
            response = {}
            feedback = {"error": True} if first == _FeedbackUnlessError.ERROR else _json(first)
        elif kind == "route_findings":
            response = {}
            feedback = {"rows": _json(first)}  # none: the pattern could not be read
        elif kind == "true_false":
            response = {"answer": _truth(_json(first))}
        elif kind == "policy_decision":
            response = {"decision": _json(first)}
            feedback = {"statement_right": _truth(_json(row["second"]))}
        else:
            response = {_READS[kind][0][1]: _json(first)}
        out[row["question_id"]].append(({"response": response, "feedback": feedback}, row["n"]))
    return out


# Per misconception tag, the distinct learners with a wrong answer to one of its questions: the
# wrong answers' learners, each once per question, joined to the (question, tag) pairs.
_TAG_LEARNERS = (
    "SELECT t.tag, COUNT(DISTINCT w.user_id), COUNT(DISTINCT w.learner) FROM ("
    "SELECT DISTINCT ans.question_id, a.user_id, "
    "CASE WHEN a.user_id IS NULL THEN a.learner_key END AS learner "
    "FROM {answer} ans JOIN {attempt} a ON a.id = ans.attempt_id "
    "WHERE ans.attempt_id IN ({counted}) AND ans.graded_at IS NOT NULL "
    "AND (ans.correct IS NULL OR NOT ans.correct)"
    ") w JOIN ({tags}) t ON t.question_id = w.question_id GROUP BY t.tag"
)
_TAG_PAIR = "SELECT CAST(%s AS INTEGER) AS question_id, CAST(%s AS INTEGER) AS tag"


def _tag_learners(counted: QuerySet[Attempt], tagged: dict[str, list[int]]) -> dict[str, int]:
    """Tag → the distinct learners with a graded answer below full marks to one of its
    questions (`tagged`: tag → question ids), counted by the database in one query (a user
    once, whatever their attempts; an anonymous learner by their key)."""
    if not tagged:
        return {}
    connection = connections[counted.db]
    counted_sql, params = _compiled(counted.values("pk"), connection)
    pairs = [(pk, n) for n, ids in enumerate(tagged.values()) for pk in ids]
    quote = connection.ops.quote_name
    sql = _TAG_LEARNERS.format(
        answer=quote(Answer._meta.db_table),
        attempt=quote(Attempt._meta.db_table),
        counted=counted_sql,
        tags=" UNION ALL ".join([_TAG_PAIR] * len(pairs)),
    )
    found = dict.fromkeys(range(len(tagged)), 0)
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *(value for pair in pairs for value in pair)])
        for tag, users, keys in cursor.fetchall():
            found[tag] = users + keys
    return {tag: found[n] for n, tag in enumerate(tagged)}


# --- the whole quiz ------------------------------------------------------------------------


def _ordered_questions(quiz: Quiz, ids: set[int]) -> tuple[list[Question], set[int]]:
    """The questions the attempts held: the quiz's order first, then any others (a drawn quiz,
    or a question since taken out of the quiz) by id; and the ids the quiz lists. Read as an
    attempt's pages read them (`quizzes.attempts.questions_among`), and the quiz's order with
    SQL compiled once: asked on every view of the page."""
    found = questions_among(ids)
    order = [question_id for (question_id,) in _ENTRIES.rows(quiz.pk)]
    rank = {qid: n for n, qid in enumerate(order)}
    return sorted(found, key=lambda q: (rank.get(q.pk, len(rank)), q.pk)), set(order)


_ENTRIES = PreparedQuery(
    QuizQuestion,
    ["int"],
    lambda quiz_id: (
        QuizQuestion.objects.filter(quiz_id=quiz_id)
        .order_by("order", "pk")
        .values_list("question_id")
    ),
)


def _tags(question: Question) -> list[str]:
    tags = question.misconceptions if isinstance(question.misconceptions, list) else []
    return [t for t in dict.fromkeys(tags) if isinstance(t, str) and t.strip()]


def quiz_statistics(
    *, quiz: Quiz, attempts: QuerySet[Attempt] | Iterable[int], first_only: bool = False
) -> QuizStatistics:
    """Statistics for `quiz` over the submitted ones among `attempts` (a queryset or ids);
    with `first_only`, each learner's first of them. Six queries, whatever their number."""
    counted = counted_attempts(quiz, attempts, first_only=first_only)
    summary = _summary(counted)
    if not summary["attempts"]:
        return QuizStatistics(quiz, first_only, 0, 0, None, [0] * SCORE_BANDS, [], [])
    held = _blocks(counted)
    questions, listed = _ordered_questions(quiz, set(held)) if held else ([], set())
    # A quiz that draws its questions lists none of them: nothing was taken out of it.
    lists_its_questions = not quiz.drawn_count
    tallies = _tallies(counted, questions) if questions else {}

    results = []
    tag_questions: dict[str, list[int]] = defaultdict(list)
    tag_wrong: Counter = Counter()
    tag_lessons: dict[str, dict[int, Lesson]] = defaultdict(dict)
    for position, question in enumerate(questions, start=1):
        h = held[question.pk]
        stats = QuestionStats(
            question=question,
            position=position,
            taken_out=lists_its_questions and question.pk not in listed,
        )
        stats.attempts, stats.answered = h.attempts, h.answered
        if h.attempts:
            stats.facility = h.score_sum / h.attempts
            stats.discrimination = block_discrimination(h.blocks)
        if h.wrong:
            for tag in _tags(question):
                tag_questions[tag].append(question.pk)
                tag_wrong[tag] += h.wrong
                if question.lesson is not None:
                    tag_lessons[tag].setdefault(question.lesson.pk, question.lesson)
        try:
            _details(stats, tallies.get(question.pk, []))
        except (KeyError, TypeError, ValueError, AttributeError):
            # data edited into a shape its kind refuses: the scores still count
            log.warning("statistics: cannot read the answers to question %s", question.slug)
            stats.detail, stats.tallies = "", []
        results.append(stats)

    learners = _tag_learners(counted, tag_questions)
    misconceptions = [
        MisconceptionStats(tag, learners[tag], tag_wrong[tag], tuple(tag_lessons[tag].values()))
        for tag in tag_questions
    ]
    misconceptions.sort(key=lambda m: (-m.learners, -m.wrong_answers, m.tag))
    return QuizStatistics(
        quiz=quiz,
        first_only=first_only,
        attempts=summary["attempts"],
        learners=summary["users"] + summary["keys"],
        mean_score=summary["mean"],
        bands=[summary[f"band{k}"] for k in range(SCORE_BANDS)],
        questions=results,
        misconceptions=misconceptions,
    )


def kept_statistics(
    *, quiz: Quiz, scope: Hashable, first_only: bool, build: Callable[[], QuizStatistics]
) -> QuizStatistics:
    """`build()`'s statistics of `quiz` over `scope`'s attempts (all learners', a cohort's),
    kept in this process until the quiz's results or any question's content change
    (`quizzes.results_version` lists the writes and who tells it). The page's six queries read
    every answer to the quiz (262 ms of CPU for 1,500 attempts of 43 questions): its figures
    change only when one of those writes is made, far less often than the page is viewed.
    Inside a transaction it is built afresh and not kept (`srm_trainer.versioned_cache`)."""
    kept = RESULTS.current(quiz.pk)
    content = CONTENT.current()
    if not (kept.lasting and content.lasting):
        return build()
    key = (scope, first_only)
    found = kept.value.get(key)
    if found is not None and found[0] == content.version:
        return found[1]
    stats = build()
    kept.value[key] = (content.version, stats)
    return stats
