"""The quiz statistics as they were computed before the database did the counting (teach/
statistics.py at 4597228: every attempt and answer read and summed in Python), kept as the
reference the new computation is checked against (tests/teach/test_statistics_same.py).
Not used by the app."""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, JSONField, QuerySet, Value, When
from django.db.models.fields.json import KT, KeyTransform

from lessons.models import Lesson
from quizzes.attempts import questions_among
from quizzes.kinds.policy_decision import DECISIONS
from quizzes.models import Answer, Attempt, Question, Quiz, QuizQuestion
from srm_trainer.iam import evaluate
from srm_trainer.prepared import PreparedQuery

log = logging.getLogger(__name__)

GROUP_SHARE = 0.27  # Kelley's upper and lower 27%
MIN_ATTEMPTS = 10  # fewer: no discrimination index ("too few attempts")
WEAK_DISCRIMINATION = 0.20  # Ebel: below this, revise the question
TIE_DIGITS = 9  # totals equal to this many decimals are ties (float sums of the same scores)

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
    # "choices" | "items" | "decisions" | "least_privilege" | "" (what `tallies` counts)
    detail: str = ""
    tallies: list[Tally] = field(default_factory=list)
    statement_right: Tally | None = None  # policy decision with `ask_statement`
    overgrants: list[Tally] = field(default_factory=list)  # least privilege, most common first
    overgranting: int = 0  # least privilege: answers with at least one over-grant
    unparsed: int = 0  # least privilege: answers whose policy did not parse
    checked: int = 0  # least privilege: answers whose policy parsed and was checked

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
    scores: list[float]  # every counted attempt's total, for the distribution
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


def _learner(row: dict) -> tuple:
    return ("user", row["user_id"]) if row["user_id"] is not None else ("key", row["learner_key"])


def _first_per_learner(rows: list[dict]) -> list[dict]:
    first: dict[tuple, dict] = {}
    for row in sorted(rows, key=lambda r: (r["started_at"], r["pk"])):
        first.setdefault(_learner(row), row)
    return list(first.values())


# --- the formulas --------------------------------------------------------------------------


def group_size(n: int) -> int:
    """How many attempts each of the upper and lower groups holds: 27% of n, half up, ≥ 1."""
    return max(1, int(n * GROUP_SHARE + 0.5))


def _group_mean(pairs: list[tuple[float, float]], size: int) -> float:
    """Mean question score of the first `size` places of `pairs` ((total, score), already
    ordered); a block of tied totals straddling the boundary shares the places left."""
    taken = 0.0
    total = 0.0
    i = 0
    while taken < size and i < len(pairs):
        j = i
        while j < len(pairs) and pairs[j][0] == pairs[i][0]:
            j += 1
        block = [score for _, score in pairs[i:j]]
        room = size - taken
        if len(block) <= room:
            total += sum(block)
            taken += len(block)
        else:
            total += room * sum(block) / len(block)
            taken = size
        i = j
    return total / size


def discrimination(pairs: Iterable[tuple[float, float]]) -> float | None:
    """Upper-lower 27% index over (attempt total, question score) pairs; None below
    `MIN_ATTEMPTS` pairs."""
    pairs = [(round(total, TIE_DIGITS), score) for total, score in pairs]
    if len(pairs) < MIN_ATTEMPTS:
        return None
    size = group_size(len(pairs))
    upper = sorted(pairs, key=lambda p: -p[0])
    lower = sorted(pairs, key=lambda p: p[0])
    return _group_mean(upper, size) - _group_mean(lower, size)


# --- per kind: what the answers say ----------------------------------------------------------


def _list(value: Any) -> list:
    """A stored response's list, or [] for anything else (an old or damaged answer)."""
    return value if isinstance(value, list) else []


def _dict(value: Any) -> dict:
    """A stored response's mapping, or {} for anything else (as `_list`)."""
    return value if isinstance(value, dict) else {}


def _choice_tallies(question: Question, responses: list[dict]) -> list[Tally]:
    total = len(responses)
    if question.type == "true_false":
        key = bool(question.data.get("answer"))
        answered = Counter(r.get("answer") for r in responses)
        return [
            Tally("True", answered[True], total, key=key),
            Tally("False", answered[False], total, key=not key),
        ]
    picked: Counter = Counter()
    for r in responses:
        ids = [r.get("choice")] if question.type == "single" else _list(r.get("choices"))
        picked.update(i for i in ids if isinstance(i, str))
    choices = question.choices()
    out = [Tally(c["text"], picked[c["id"]], total, key=bool(c.get("correct"))) for c in choices]
    current = {c["id"] for c in choices}
    removed = sum(count for choice_id, count in picked.items() if choice_id not in current)
    if removed:  # picked before a choice was taken out of the question
        out.append(Tally("A choice since removed", removed, total, note="no longer offered"))
    return out


def _ordering_tallies(question: Question, responses: list[dict]) -> list[Tally]:
    items = question.items()
    right: Counter[str] = Counter()
    for r in responses:
        given = _list(r.get("order"))
        for index, item in enumerate(items):
            if index < len(given) and given[index] == item["id"]:
                right[item["id"]] += 1
    return [
        Tally(f"{n}. {item['text']}", right[item["id"]], len(responses), key=True)
        for n, item in enumerate(items, start=1)
    ]


def _categorize_tallies(question: Question, responses: list[dict]) -> list[Tally]:
    items = question.items()
    right: Counter[str] = Counter()
    wrong: dict[str, Counter] = defaultdict(Counter)
    for r in responses:
        placed = _dict(r.get("placed"))
        for item in items:
            chosen = placed.get(item["id"])
            if chosen == item["category"]:
                right[item["id"]] += 1
            elif isinstance(chosen, str):
                wrong[item["id"]][chosen] += 1
    out = []
    for item in items:
        note = ""
        if wrong[item["id"]]:
            category, count = min(wrong[item["id"]].items(), key=lambda kv: (-kv[1], kv[0]))
            note = f"most often misplaced in “{category}” ({count})"
        label = f"{item['text']} → {item['category']}"
        out.append(Tally(label, right[item["id"]], len(responses), key=True, note=note))
    return out


def _engine_key(question: Question) -> str | None:
    if question.scenario is None:
        return None
    try:
        return evaluate(question.scenario.case).decision
    except Exception:  # a broken scenario: show the counts without a key
        log.warning("statistics: cannot evaluate the scenario of question %s", question.slug)
        return None


def _decision_tallies(question: Question, answers: list[dict]) -> list[Tally]:
    key = _engine_key(question)
    picked = Counter(a["response"].get("decision") for a in answers)
    return [
        Tally(label, picked[value], len(answers), key=value == key) for value, label in DECISIONS
    ]


def _least_privilege(stats: QuestionStats, answers: list[dict]) -> None:
    """Requests most often wrong, and recurring over-grants, from the stored feedback."""
    challenge = stats.question.challenge()
    wanted = [("Allow", r) for r in challenge.get("must_allow") or []]
    wanted += [("Deny", r) for r in challenge.get("must_deny") or []]
    missed: Counter = Counter()
    checked = 0
    overgrants: Counter = Counter()
    for a in answers:
        feedback = _dict(a.get("feedback"))
        if "error" in feedback:
            stats.unparsed += 1  # counted apart: a policy that does not parse misses everything
            continue
        requests = feedback.get("requests")
        if not isinstance(requests, list):
            continue
        checked += 1
        for r in requests:
            if isinstance(r, dict) and not r.get("ok"):
                missed[(r.get("want"), r.get("action"), r.get("resource"))] += 1
        if feedback.get("overgrant_count"):
            stats.overgranting += 1
        for o in feedback.get("overgrants") or []:
            if isinstance(o, dict):
                overgrants[(o.get("action"), o.get("resource"), o.get("access_level"))] += 1
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


def _details(stats: QuestionStats, answers: list[dict]) -> None:
    question = stats.question
    responses = [a["response"] if isinstance(a["response"], dict) else {} for a in answers]
    if question.type in CHOICE_KINDS:
        stats.detail, stats.tallies = "choices", _choice_tallies(question, responses)
    elif question.type == "ordering":
        stats.detail, stats.tallies = "items", _ordering_tallies(question, responses)
    elif question.type == "categorize":
        stats.detail, stats.tallies = "items", _categorize_tallies(question, responses)
    elif question.type == "policy_decision":
        stats.detail, stats.tallies = "decisions", _decision_tallies(question, answers)
        if question.ask_statement:
            right = sum(
                1
                for a in answers
                if isinstance(a.get("feedback"), dict) and a["feedback"].get("statement_right")
            )
            stats.statement_right = Tally("Named a deciding statement", right, len(answers))
    elif question.type == "least_privilege":
        stats.detail = "least_privilege"
        _least_privilege(stats, answers)


# --- the whole quiz ------------------------------------------------------------------------


def _attempt_rows(quiz: Quiz, attempts: QuerySet[Attempt] | Iterable[int]) -> QuerySet:
    if not isinstance(attempts, QuerySet):
        attempts = Attempt.objects.filter(pk__in=list(attempts))
    return attempts.filter(quiz=quiz, submitted_at__isnull=False, score__isnull=False)


def _ordered_questions(quiz: Quiz, ids: set[int]) -> list[Question]:
    """The questions the attempts held: the quiz's order first, then any others (a drawn quiz,
    or a question since taken out of the quiz) by id. Read as an attempt's pages read them
    (`quizzes.attempts.questions_among`), and the quiz's order with SQL compiled once: asked
    on every view of the page."""
    found = questions_among(ids)
    order = [question_id for (question_id,) in _ENTRIES.rows(quiz.pk)]
    rank = {qid: n for n, qid in enumerate(order)}
    return sorted(found, key=lambda q: (rank.get(q.pk, len(rank)), q.pk))


_ENTRIES = PreparedQuery(
    QuizQuestion,
    ["int"],
    lambda quiz_id: (
        QuizQuestion.objects.filter(quiz_id=quiz_id)
        .order_by("order", "pk")
        .values_list("question_id")
    ),
)


def _truth(value: Any) -> bool | None:
    """A JSON boolean read out by the database: 1/0 on SQLite, 'true'/'false' on PostgreSQL."""
    if value is None:
        return None
    return value in (True, 1, "1", "true")


# What the kinds' statistics read from an answer, extracted by the database: decoding whole
# JSON documents (a least-privilege response is a policy, a decision's feedback a page of
# explanation) is most of the cost, so only these keys are read. `_answers` unpacks them in
# this order.
_READ = {
    "choice": KT("response__choice"),
    "choices": KeyTransform("choices", "response"),
    "answer": KT("response__answer"),
    "order": KeyTransform("order", "response"),
    "placed": KeyTransform("placed", "response"),
    "decision": KT("response__decision"),
    "statement_right": KT("feedback__statement_right"),
}


def _answers(selected: QuerySet, keep: set[int], questions: list[Question]) -> dict:
    """(attempt id, question id) → {score, correct, response, feedback} of each graded answer,
    in one query. `response` holds only the keys the kind's statistics count; `feedback` is
    whole for least privilege (its requests and over-grants), else at most `statement_right`."""
    kinds = {q.pk: q.type for q in questions}
    policy_ids = [pk for pk, kind in kinds.items() if kind == "least_privilege"]
    whole_feedback = Case(
        When(question_id__in=policy_ids, then="feedback"),
        default=Value(None),
        output_field=JSONField(),
    )
    graded = Answer.objects.filter(attempt__in=selected.values("pk"), graded_at__isnull=False)
    rows = graded.values_list(
        "attempt_id", "question_id", "score", "correct", whole_feedback, *_READ.values()
    )
    out: dict[tuple[int, int], dict] = {}
    for attempt_id, question_id, score, correct, feedback, *read in rows:
        if attempt_id not in keep:
            continue
        choice, choices, answer, order, placed, decision, statement_right = read
        kind = kinds.get(question_id)
        if kind == "single":
            response = {"choice": choice}
        elif kind == "multiple":
            response = {"choices": choices}
        elif kind == "true_false":
            response = {"answer": _truth(answer)}
        elif kind == "ordering":
            response = {"order": order}
        elif kind == "categorize":
            response = {"placed": placed}
        elif kind == "policy_decision":
            response = {"decision": decision}
            feedback = {"statement_right": _truth(statement_right)}
        else:
            response = {}
        out[attempt_id, question_id] = {
            "score": score,
            "correct": correct,
            "response": response,
            "feedback": feedback if isinstance(feedback, dict) else {},
        }
    return out


def quiz_statistics(
    *, quiz: Quiz, attempts: QuerySet[Attempt] | Iterable[int], first_only: bool = False
) -> QuizStatistics:
    """Statistics for `quiz` over the submitted ones among `attempts` (a queryset or ids);
    with `first_only`, each learner's first of them. Four queries, whatever their number."""
    selected = _attempt_rows(quiz, attempts)
    rows = list(
        selected.values("pk", "user_id", "learner_key", "started_at", "score", "question_ids")
    )
    if first_only:
        rows = _first_per_learner(rows)
    held: dict[int, list[dict]] = defaultdict(list)  # question id → attempts that included it
    for row in rows:
        ids = row["question_ids"] if isinstance(row["question_ids"], list) else []
        for qid in dict.fromkeys(i for i in ids if isinstance(i, int)):
            held[qid].append(row)
    questions = _ordered_questions(quiz, set(held)) if held else []
    answers = _answers(selected, {row["pk"] for row in rows}, questions) if rows else {}

    results = []
    tag_learners: dict[str, set] = defaultdict(set)
    tag_wrong: Counter = Counter()
    tag_lessons: dict[str, dict[int, Lesson]] = defaultdict(dict)
    for position, question in enumerate(questions, start=1):
        stats = QuestionStats(question=question, position=position)
        pairs = []
        given = []
        tags = question.misconceptions if isinstance(question.misconceptions, list) else []
        tags = [t for t in dict.fromkeys(tags) if isinstance(t, str) and t.strip()]
        lesson = question.lesson
        for row in held[question.pk]:
            answer = answers.get((row["pk"], question.pk))
            score = answer["score"] if answer and answer["score"] is not None else 0.0
            pairs.append((row["score"], score))
            if answer is None:
                continue
            given.append(answer)
            if not answer["correct"]:
                for tag in tags:
                    tag_learners[tag].add(_learner(row))
                    tag_wrong[tag] += 1
                    if lesson is not None:
                        tag_lessons[tag].setdefault(lesson.pk, lesson)
        stats.attempts, stats.answered = len(pairs), len(given)
        if pairs:
            stats.facility = sum(score for _, score in pairs) / len(pairs)
            stats.discrimination = discrimination(pairs)
        try:
            _details(stats, given)
        except (KeyError, TypeError, ValueError, AttributeError):
            # data edited into a shape its kind refuses: the scores still count
            log.warning("statistics: cannot read the answers to question %s", question.slug)
            stats.detail, stats.tallies = "", []
        results.append(stats)

    misconceptions = [
        MisconceptionStats(
            tag, len(tag_learners[tag]), tag_wrong[tag], tuple(tag_lessons[tag].values())
        )
        for tag in tag_learners
    ]
    misconceptions.sort(key=lambda m: (-m.learners, -m.wrong_answers, m.tag))
    scores = [row["score"] for row in rows]
    return QuizStatistics(
        quiz=quiz,
        first_only=first_only,
        attempts=len(rows),
        learners=len({_learner(row) for row in rows}),
        mean_score=sum(scores) / len(scores) if scores else None,
        scores=scores,
        questions=results,
        misconceptions=misconceptions,
    )
