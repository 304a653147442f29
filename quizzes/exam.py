"""Quizzes drawn by rules from several banks (the final exam), and the result broken down by
module.

A question belongs to the module it was written for (`Question.module`), or, when it has none
(an authored question), to its lesson's module: `in_module` and `module_id_of` are the one
definition, used by the draw, the breakdown, the review queue's filter and course progress.

The draw is deterministic per attempt: its seed is an HMAC (with the site's secret key) of the
quiz, the learner and the attempt's number, so the same attempt always gets the same questions
(a retried start cannot fish for easier ones) and a learner cannot work out the next draw.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.crypto import salted_hmac

from lessons.models import Module
from quizzes.draw_rules import rule_target, rules_total
from quizzes.models import Answer, Question, Quiz, whole_percent


def in_module(module_id: int, prefix: str = "") -> Q:
    """Questions (reached through `prefix`, e.g. "question__") that belong to a module."""
    return Q(**{f"{prefix}module_id": module_id}) | Q(
        **{f"{prefix}module__isnull": True, f"{prefix}lesson__module_id": module_id}
    )


def module_id_of(question: Question) -> int | None:
    if question.module_id is not None:
        return question.module_id
    lesson = question.lesson if question.lesson_id else None
    return lesson.module_id if lesson is not None else None


def draw_seed(quiz: Quiz, owner: str, number: int) -> random.Random:
    """The random source for a learner's `number`th attempt (0-based) at `quiz`."""
    digest = salted_hmac("quizzes.exam.draw", f"{quiz.pk}:{owner}:{number}").digest()
    return random.Random(int.from_bytes(digest[:16], "big"))  # noqa: S311 - seeded on purpose


def _rule_modules(quiz: Quiz) -> dict[str, int]:
    slugs = [rule_target(rule)[1] for rule in quiz.draw_rules if "module" in rule]
    return dict(Module.objects.filter(slug__in=slugs).values_list("slug", "pk"))


def rules_pool(quiz: Quiz, usable, modules: dict[str, int] | None = None) -> list[Question]:
    """Every usable, unarchived question some rule could draw, by pk: one query."""
    modules = _rule_modules(quiz) if modules is None else modules
    wanted = Q(pk__in=[])
    for rule in quiz.draw_rules:
        kind, slug = rule_target(rule)
        if kind == "module" and slug in modules:
            wanted |= in_module(modules[slug])
        elif kind == "category":
            wanted |= Q(category=slug)
    candidates = Question.objects.filter(wanted, archived=False)
    return usable(candidates.select_related("scenario", "lesson").order_by("pk"))


def _bank(rule: dict, pool: list[Question], modules: dict[str, int]) -> list[int]:
    """The pks of `pool` (`rules_pool`'s) that `rule` draws from, in the pool's order."""
    kind, slug = rule_target(rule)
    if kind == "module":
        return [q.pk for q in pool if module_id_of(q) == modules.get(slug, -1)]
    return [q.pk for q in pool if q.category == slug]


@dataclass(frozen=True)
class RuleSupply:
    """One draw rule and how many usable questions its bank holds."""

    rule: dict
    usable: int

    @property
    def short(self) -> bool:
        return self.usable < self.rule["count"]


@dataclass(frozen=True)
class RulesSupply:
    """What a quiz's rules can draw: every usable question some rule could draw (`pool`), and
    each rule with its bank's usable questions (`rules`, in rule order)."""

    pool: list[Question]
    rules: list[RuleSupply]

    @property
    def total(self) -> int:
        return rules_total(r.rule for r in self.rules)

    @property
    def at_most(self) -> int:
        """The most an attempt can get: each rule's count, or its bank's usable questions when
        fewer (`draw_by_rules`); banks that overlap can give fewer still."""
        return sum(min(r.rule["count"], r.usable) for r in self.rules)


def rules_supply(quiz: Quiz, usable) -> RulesSupply:
    """`rules_pool` with what each rule's bank holds: the same two queries."""
    modules = _rule_modules(quiz)
    pool = rules_pool(quiz, usable, modules)
    return RulesSupply(
        pool, [RuleSupply(rule, len(_bank(rule, pool, modules))) for rule in quiz.draw_rules]
    )


def draw_by_rules(quiz: Quiz, rng: random.Random, usable) -> list[Question]:
    """The questions of one attempt: each rule's count drawn from its bank (fewer when a bank
    has fewer usable questions), no question twice, in rule order unless the quiz shuffles. Two
    queries for every rule's bank together."""
    rules = list(quiz.draw_rules)
    modules = _rule_modules(quiz)
    pool = rules_pool(quiz, usable, modules)
    taken: set[int] = set()
    ids: list[int] = []
    for rule in rules:
        bank = [pk for pk in _bank(rule, pool, modules) if pk not in taken]
        chosen = rng.sample(bank, min(rule["count"], len(bank)))
        if not quiz.shuffle_questions:
            chosen.sort()
        taken.update(chosen)
        ids.extend(chosen)
    if quiz.shuffle_questions:
        rng.shuffle(ids)
    by_pk = {q.pk: q for q in pool}
    return [by_pk[pk] for pk in ids]


@dataclass
class ModuleResult:
    """One module's share of an attempt: its questions, their total score and what to revisit."""

    module: Module | None
    questions: int = 0
    points: float = 0.0
    correct: int = 0
    quiz: Quiz | None = None  # the module's own quiz, to practise again
    lessons: list = field(default_factory=list)  # lessons behind its misses, first missed first

    @property
    def percent(self) -> int:
        return whole_percent(self.points / self.questions) if self.questions else 0

    weak: bool = False  # below the quiz's pass mark: worth revisiting


def breakdown(
    quiz: Quiz,
    questions: Iterable[Question],
    answers: dict[int, Answer],
    pass_mark: int | None = None,
) -> list[ModuleResult]:
    """Score per module (in the course's module order) for a result page, with the lessons
    behind the questions missed and the module's quiz; a module below `pass_mark` (the one the
    attempt was graded against; by default the quiz's) is weak. Questions come with `lesson__module`
    selected (as `attempts.attempt_questions` returns them); one more query for the modules'
    quizzes."""
    by_module: dict[int | None, ModuleResult] = {}
    module_rows: dict[int, Module] = {}
    for question in questions:
        module_id = module_id_of(question)
        if module_id not in by_module:
            by_module[module_id] = ModuleResult(module=None)
        row = by_module[module_id]
        lesson = question.lesson
        if module_id is not None and lesson is not None and lesson.module_id == module_id:
            module_rows.setdefault(module_id, lesson.module)
        answer = answers.get(question.pk)
        score = answer.score if answer is not None and answer.score is not None else 0.0
        row.questions += 1
        row.points += score
        if answer is not None and answer.correct:
            row.correct += 1
        elif question.lesson_id and question.lesson not in row.lessons:
            row.lessons.append(question.lesson)
    missing = [pk for pk in by_module if pk is not None and pk not in module_rows]
    if missing:
        module_rows.update(Module.objects.in_bulk(missing))
    quizzes: dict[int | None, Quiz] = {}
    for practice in (
        Quiz.objects.published()
        .filter(module_id__in=[pk for pk in by_module if pk is not None])
        .exclude(pk=quiz.pk)
        .order_by("order", "slug")
    ):
        quizzes.setdefault(practice.module_id, practice)
    for module_id, row in by_module.items():
        row.module = module_rows.get(module_id) if module_id is not None else None
        row.quiz = quizzes.get(module_id)
        row.weak = row.percent < (quiz.pass_mark if pass_mark is None else pass_mark)
    return sorted(
        by_module.values(),
        key=lambda r: (
            r.module is None,
            r.module.order if r.module else 0,
            r.module.slug if r.module else "",
        ),
    )
