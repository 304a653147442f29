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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q
from django.utils.crypto import salted_hmac

from lessons.models import Module
from quizzes.draw_rules import rule_target, rules_total
from quizzes.models import Answer, Question, Quiz, drawable_by, whole_percent


def draw_scope(quiz: Quiz) -> Q:
    """The questions `quiz` may draw, by a category or by rules: the course's (no owner: from
    its files or written in the admin, as `certificates.progress` counts the course's quizzes),
    and its owner's own (a course quiz, the course's alone). Every question of the category or
    module was drawn, whoever wrote it: a teacher's question with a course module went into the
    course's final exam, and a teacher's quiz drawing another teacher's category previewed and
    gave learners their questions (docs/teaching.md, "Who may do what")."""
    return drawable_by(quiz.owner_id)


def may_draw(quiz: Quiz, question: Question) -> bool:
    """`draw_scope` for one question already read."""
    return question.owner_id is None or question.owner_id == quiz.owner_id


def drawn_by_some_quiz() -> Q:
    """Questions some quiz may draw, from its category or by its rules, each quiz within its
    `draw_scope`: the bank's "used in no quiz" leaves them out. Every question of a drawn
    category counted as drawn, although a teacher's quiz draws another teacher's questions no
    more (and the rules, the final exam's draw, were not read at all). One query reads the
    quizzes drawing by rules (few: the course's exams and what teachers set up)."""
    by_category = Quiz.objects.filter(draw_count__gt=0).exclude(draw_category="")
    theirs = by_category.filter(draw_category=OuterRef("category"), owner_id=OuterRef("owner_id"))
    drawn = Q(owner__isnull=True, category__in=by_category.values("draw_category")) | Q(
        Exists(theirs)
    )
    targets: dict[tuple, Q] = {}  # per `draw_key`: what its quizzes' rules name
    scopes: dict[tuple, Q] = {}
    for quiz in Quiz.objects.exclude(draw_rules=[]).only("owner", "draw_rules"):
        if not quiz.draws_by_rules:
            continue
        key = draw_key(quiz)
        scopes.setdefault(key, draw_scope(quiz))
        for rule in quiz.draw_rules:
            kind, slug = rule_target(rule)
            named = in_module_slug(slug) if kind == "module" else Q(category=slug)
            targets[key] = targets.get(key, Q(pk__in=[])) | named
    for key, named in targets.items():
        drawn |= named & scopes[key]
    return drawn


def draw_key(quiz: Quiz) -> tuple:
    """What `draw_scope` depends on: quizzes of one key draw from the same questions."""
    return (quiz.owner_id,)


def in_module(module_id: int, prefix: str = "") -> Q:
    """Questions (reached through `prefix`, e.g. "question__") that belong to a module."""
    return Q(**{f"{prefix}module_id": module_id}) | Q(
        **{f"{prefix}module__isnull": True, f"{prefix}lesson__module_id": module_id}
    )


def in_module_slug(slug: str) -> Q:
    """`in_module` for the module of that slug, without reading it."""
    return Q(module__slug=slug) | Q(module__isnull=True, lesson__module__slug=slug)


def module_id_of(question: Question) -> int | None:
    if question.module_id is not None:
        return question.module_id
    lesson = question.lesson if question.lesson_id else None
    return lesson.module_id if lesson is not None else None


def draw_seed(quiz: Quiz, owner: str, number: int) -> random.Random:
    """The random source for a learner's `number`th attempt (0-based) at `quiz`."""
    digest = salted_hmac("quizzes.exam.draw", f"{quiz.pk}:{owner}:{number}").digest()
    return random.Random(int.from_bytes(digest[:16], "big"))  # noqa: S311 - seeded on purpose


def sample_usable(
    ids: list[int],
    count: int,
    rng: random.Random,
    read: Callable[[list[int]], dict[int, Question]],
    usable: Callable[[list[Question]], list[Question]],
) -> list[Question]:
    """`count` of the usable questions among `ids` (fewer when fewer are usable), drawn at
    random, in the order drawn, reading whole (`read`: pk -> question) and checking
    (`usable`, `quizzes.attempts.usable`) only the ones drawn.

    The ids are taken in a random order (`rng.sample`), a batch at a time, and the first
    `count` usable ones kept: the first `count` usable questions of a random order of all of
    them are a uniformly random sample of the usable ones in a random order, as `rng.sample`
    of the usable ones was. That read and checked every question of the bank (~35 µs each:
    0.37 s at 10,000); a bank with none broken reads its ids and `count` rows. A batch after
    the first is twice the one before, so a bank of mostly broken questions takes a few
    rounds, not one a question."""
    chosen: list[Question] = []
    left = ids
    batch = count
    while len(chosen) < count and left:
        picked = rng.sample(left, min(batch, len(left)))
        whole = read(picked)
        for question in usable([whole[pk] for pk in picked if pk in whole]):
            chosen.append(question)
            if len(chosen) == count:
                return chosen
        taken = set(picked)
        left = [pk for pk in left if pk not in taken]
        batch *= 2
    return chosen


def _rule_modules(quiz: Quiz) -> dict[str, int]:
    slugs = [rule_target(rule)[1] for rule in quiz.draw_rules if "module" in rule]
    return dict(Module.objects.filter(slug__in=slugs).values_list("slug", "pk"))


def rules_pool(quiz: Quiz, usable, modules: dict[str, int] | None = None) -> list[Question]:
    """Every usable, unarchived question some rule could draw, by pk: one query."""
    modules = _rule_modules(quiz) if modules is None else modules
    candidates = _candidates(quiz, modules)
    return usable(candidates.select_related("scenario", "lesson").order_by("pk"))


# A question as a rule's bank is chosen by it: (pk, category, module id, `module_id_of`'s).
Placed = tuple[int, str, int | None]


def _bank(rule: dict, placed: Iterable[Placed], modules: dict[str, int]) -> list[int]:
    """The pks of `placed` that `rule` draws from, in their order: whole questions'
    (`rules_supply`) or light rows' (`draw_by_rules`), placed the same way."""
    kind, slug = rule_target(rule)
    if kind == "module":
        wanted = modules.get(slug, -1)
        return [pk for pk, _, module_id in placed if module_id == wanted]
    return [pk for pk, category, _ in placed if category == slug]


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
    placed = [(q.pk, q.category, module_id_of(q)) for q in pool]
    return RulesSupply(
        pool, [RuleSupply(rule, len(_bank(rule, placed, modules))) for rule in quiz.draw_rules]
    )


def _candidates(quiz: Quiz, modules: dict[str, int]):
    """Every unarchived question some rule could draw (`rules_pool`'s, usable or not)."""
    wanted = Q(pk__in=[])
    for rule in quiz.draw_rules:
        kind, slug = rule_target(rule)
        if kind == "module" and slug in modules:
            wanted |= in_module(modules[slug])
        elif kind == "category":
            wanted |= Q(category=slug)
    return Question.objects.filter(wanted, draw_scope(quiz), archived=False)


def draw_by_rules(quiz: Quiz, rng: random.Random, usable) -> list[Question]:
    """The questions of one attempt: each rule's count drawn from its bank (fewer when a bank
    has fewer usable questions), no question twice, in rule order unless the quiz shuffles.

    What each rule's bank holds is read light (a question's id, category and module), and
    only the questions drawn are read whole and checked (`sample_usable`), as a draw from one
    category is: it read every question of every bank whole."""
    rules = list(quiz.draw_rules)
    modules = _rule_modules(quiz)
    # Placed as `module_id_of` places a whole question: its own module, else its lesson's.
    light: list[Placed] = [
        (pk, category, own if own is not None else lessons)
        for pk, category, own, lessons in _candidates(quiz, modules)
        .order_by("pk")
        .values_list("pk", "category", "module_id", "lesson__module_id")
    ]
    read_whole: dict[int, Question] = {}  # each question read once, whichever rule draws it
    broken: set[int] = set()  # read and refused: no later rule draws it again

    def read(ids: list[int]) -> dict[int, Question]:
        missing = [pk for pk in ids if pk not in read_whole]
        if missing:
            rows = Question.objects.select_related("scenario", "lesson").in_bulk(missing)
            read_whole.update(rows)
        return {pk: read_whole[pk] for pk in ids if pk in read_whole}

    def checked(questions: list[Question]) -> list[Question]:
        kept = usable(questions)
        broken.update({q.pk for q in questions} - {q.pk for q in kept})
        return kept

    taken: set[int] = set()
    ids: list[int] = []
    for rule in rules:
        bank = [pk for pk in _bank(rule, light, modules) if pk not in taken and pk not in broken]
        chosen = [q.pk for q in sample_usable(bank, rule["count"], rng, read, checked)]
        if not quiz.shuffle_questions:
            chosen.sort()
        taken.update(chosen)
        ids.extend(chosen)
    if quiz.shuffle_questions:
        rng.shuffle(ids)
    return [read_whole[pk] for pk in ids]


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
