"""Course progress: per module, lessons completed, the module's quiz passed and review items
mastered; overall, modules complete, the final exam and the certificate.

Everything is aggregated with a fixed number of queries (for a signed-in learner: the kept
reading order's version, their kept completions per module, the drafts among them while
published modules have drafts, quizzes, knowledge checks, review cards, certificate; whatever
the number of lessons, completions, attempts, checks or review cards; asserted in
tests/certificates/), and no lesson row is read: the lessons per module, their scenarios and
`::: check` markers come from the kept reading order (counted once per version of the course),
the lessons completed from the counts kept per module as completions are written
(`lessons.models.ModuleCompletions`). The home page and "My progress" (`/progress/`) share it.

The rules live in three functions, so each is decided once:
- `module_parts`: what a module's progress is made of. Knowledge checks in lessons (scenarios
  predicted first, `::: check` questions) are one part: answered of offered, shown, not required.
- `module_complete`: a module is complete when every required part is done: all its published
  lessons completed and, if it has a published quiz, a passed attempt at one of them. Review items
  mastered are shown but never required (the queue never empties for good).
- `certificate_ready`: the course is complete, and the certificate can be issued, when every
  module is complete **and** the final exam is passed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce

from certificates.models import COURSE_SLUG, Certificate
from lessons import knowledge_checks, reading_order
from lessons import progress as lesson_progress
from lessons.models import Module
from quizzes.models import FINAL_EXAM_SLUG, Attempt, Quiz, ReviewCard
from srm_trainer.prepared import PreparedQuery, concrete_attnames, instance

# A review item is mastered once the scheduler, after a right answer, puts it at least this far
# out: it has been recalled over growing gaps, so FSRS trusts it for three weeks.
MASTERED_INTERVAL = timedelta(days=21)
# How a lesson places a question as a knowledge check (lessons/markdown.py's container).


@dataclass(frozen=True)
class Part:
    """One thing a module asks of the learner: `done` of `total`, required for completion or
    shown for information."""

    key: str  # "lessons", "quiz", "checks", "review"
    label: str
    done: int
    total: int
    required: bool = True

    @property
    def finished(self) -> bool:
        return self.done >= self.total


# A module's quizzes named on its card (home, "My progress"): passing any one of them completes
# it, so a few are enough to go on with; with a hundred times the course, naming every one
# made each card list a hundred quizzes.
QUIZZES_NAMED = 3


@dataclass
class ModuleProgress:
    module: Module
    parts: list[Part]
    quizzes: list[dict] = field(default_factory=list)  # {"slug", "title", "passed"}

    @property
    def named_quizzes(self) -> list[dict]:
        """The quizzes its card names: once one is passed, the passed ones ("Quiz passed: A");
        before, the first in course order, any of which to pass. It named the passed ones
        first, then the others: "Quiz passed: A: B: C" said B and C were passed too."""
        passed = [q for q in self.quizzes if q["passed"]]
        return (passed or self.quizzes)[:QUIZZES_NAMED]

    @property
    def more_quizzes(self) -> int:
        """How many quizzes there are to choose from that the card does not name (none once
        one is passed: the part is done)."""
        if any(q["passed"] for q in self.quizzes):
            return 0
        return max(0, len(self.quizzes) - QUIZZES_NAMED)

    def part(self, key: str) -> Part | None:
        return next((p for p in self.parts if p.key == key), None)

    @property
    def complete(self) -> bool:
        return module_complete(self.parts)

    @property
    def lessons(self) -> Part:
        return self.part("lessons")

    @property
    def quiz(self) -> Part | None:
        return self.part("quiz")

    @property
    def checks(self) -> Part | None:
        return self.part("checks")

    @property
    def review(self) -> Part:
        return self.part("review")


@dataclass
class CourseProgress:
    modules: list[ModuleProgress]
    exam: dict | None  # {"slug", "title", "passed"}; None when no final exam is published
    certificate: Certificate | None

    def for_module(self, module_id: int) -> ModuleProgress | None:
        return next((m for m in self.modules if m.module.pk == module_id), None)

    @property
    def modules_complete(self) -> int:
        return sum(1 for m in self.modules if m.complete)

    @property
    def exam_passed(self) -> bool:
        return self.exam is None or self.exam["passed"]

    @property
    def steps(self) -> tuple[int, int]:
        """(done, total) over every required part of every module, and the exam: the overall
        bar. A module's lessons count one step each, its quiz one, the exam one."""
        done = total = 0
        for m in self.modules:
            for p in m.parts:
                if p.required:
                    done, total = done + min(p.done, p.total), total + p.total
        if self.exam is not None:
            done, total = done + int(self.exam["passed"]), total + 1
        return done, total

    @property
    def percent(self) -> int:
        """The overall bar's whole percent, rounded down as every score is shown
        (`quizzes.models.whole_percent`): 100% only once every step is done. Rounded to the
        nearest, 199 steps of 200 read "100% of the course" with the exam still to pass."""
        done, total = self.steps
        return 100 * done // total if total else 0

    @property
    def ready(self) -> bool:
        return certificate_ready(self)


def module_parts(
    *,
    lessons: tuple[int, int],
    quizzes: list[dict],
    review: tuple[int, int],
    checks: tuple[int, int] = (0, 0),
):
    """The parts of one module's progress. The one place to add a part: give it a key, a
    label, done/total and whether completion requires it. Knowledge checks (answered of
    offered) are practice, so shown but not required; a module offering none has no such part."""
    read, total = lessons
    parts = [Part("lessons", "Lessons completed", read, total)]
    if quizzes:
        parts.append(Part("quiz", "Quiz passed", int(any(q["passed"] for q in quizzes)), 1))
    answered, offered = checks
    if offered:
        parts.append(
            Part("checks", "Knowledge checks answered", min(answered, offered), offered, False)
        )
    mastered, cards = review
    parts.append(Part("review", "Review items mastered", mastered, cards, required=False))
    return parts


def module_complete(parts: list[Part]) -> bool:
    """Complete when every required part is finished (and there is something to finish)."""
    required = [p for p in parts if p.required]
    return bool(required) and all(p.finished for p in required)


def certificate_ready(course: CourseProgress) -> bool:
    """Every module complete and the final exam passed."""
    return bool(course.modules) and all(m.complete for m in course.modules) and course.exam_passed


def _owned(user, learner_key: str) -> Q | None:
    if user.is_authenticated:
        return Q(user=user)
    return Q(user__isnull=True, learner_key=learner_key) if learner_key else None


_QUIZ_FIELDS = ("slug", "title", "module_id", "passed")


def _course_quizzes(passed: Exists) -> QuerySet:
    """The course's own modules' quizzes and final exam (from its files or the admin: no
    owner) that can be started (`QuizQuerySet.askable`), in order, each with `passed`. One
    with nothing to ask was still its module's part to pass, so the module, and the
    certificate, could not be completed by anyone. An instructor's quiz filed under a module
    is their class's, not the course's: it counted as the module's quiz for every learner, so
    one published with a pass mark of 0 completed the module for anyone who took it, on the
    way to the certificate."""
    return (
        Quiz.objects.published()
        .filter(owner__isnull=True)
        .filter(Q(module__isnull=False) | Q(slug=FINAL_EXAM_SLUG))
        .askable()
        .order_by("order", "slug")
        .values("slug", "title", "module_id")
        .annotate(passed=passed)
    )


# A signed-in learner's two per-module queries, on every home page: compiled to SQL once
# (`srm_trainer.prepared`; compiling them had cost more than running them).
_SIGNED_IN_QUIZZES = PreparedQuery(
    Quiz,
    ["int"],
    lambda user_id: _course_quizzes(
        Exists(Attempt.objects.filter(user_id=user_id, quiz=OuterRef("pk"), passed=True))
    ).values_list(*_QUIZ_FIELDS),
)


def _review_cards(user_id) -> QuerySet:
    """Review cards per module (a question's module, else its lesson's), and how many
    mastered: (module, cards, mastered) rows. A question taken out of use (archived) is left
    out, as the review queue and its counts leave it out; its card comes back with it."""
    return (
        ReviewCard.objects.filter(user_id=user_id, question__archived=False)
        .values(
            module=Coalesce(
                "question__module_id",
                "question__lesson__module_id",
                output_field=IntegerField(),
            )
        )
        .annotate(
            cards=Count("pk"),
            mastered=Count(
                "pk",
                filter=Q(
                    last_reviewed_at__isnull=False,
                    due__gte=F("last_reviewed_at") + MASTERED_INTERVAL,
                ),
            ),
        )
        .order_by()
        .values_list("module", "cards", "mastered")
    )


_REVIEWS = PreparedQuery(ReviewCard, ["int"], _review_cards)
# At most one per learner and course (a unique constraint).
_CERTIFICATE = PreparedQuery(
    Certificate,
    ["int"],
    lambda user_id: (
        Certificate.objects.filter(user_id=user_id, course=COURSE_SLUG)
        .order_by("pk")
        .values_list(*concrete_attnames(Certificate))
    ),
)


def course_progress(user, session=None, *, learner_key: str = "") -> CourseProgress:
    """A learner's progress through the published course (an anonymous learner's from their
    session: lessons marked complete, and attempts under their learner key)."""
    # Per module: its published lessons (from the kept reading order, no lesson rows read),
    # how many of them this learner read (the counts kept per module as completions are
    # written, `lessons.progress.done_published`, or their session's), and the scenarios those
    # lessons show (each a prediction to make), counted over the links once per order.
    # So the cost does not grow with the course or the learner's history.
    published = reading_order.published()
    grouped = published.by_module()
    marks = published.checks_by_module()
    shown = published.scenarios_by_module()
    if user.is_authenticated:
        read = lesson_progress.done_published(user, published)
    else:
        read = lesson_progress.done_by_module(user, session, published)
    modules: dict[int, Module] = {}
    counts: dict[int, list[int]] = {}
    # A module with no published lesson is not part of the course yet: it has no entries.
    # The order lists modules in course order; `order` here is that place.
    for place, (module_id, entries) in enumerate(grouped.items()):
        first = entries[0]
        modules[module_id] = Module(
            pk=module_id, slug=first.module_slug, title=first.module_title, order=place
        )
        counts[module_id] = [
            read.get(module_id, 0),
            len(entries),
            shown.get(module_id, 0) + marks.get(module_id, 0),
        ]
    # The modules' quizzes and the final exam, with whether this learner passed each.
    if user.is_authenticated:
        quizzes = _SIGNED_IN_QUIZZES.rows(user.pk)
    else:
        owned = _owned(user, learner_key)
        passed = (
            Exists(Attempt.objects.filter(owned, quiz=OuterRef("pk"), passed=True))
            if owned is not None
            else Exists(Attempt.objects.none())
        )
        quizzes = _course_quizzes(passed).values_list(*_QUIZ_FIELDS)
    by_module: dict[int, list[dict]] = {}
    exam = None
    for values in quizzes:
        row = dict(zip(_QUIZ_FIELDS, values, strict=True))
        if row["slug"] == FINAL_EXAM_SLUG:
            exam = {"slug": row["slug"], "title": row["title"], "passed": bool(row["passed"])}
        else:
            by_module.setdefault(row["module_id"], []).append(
                {"slug": row["slug"], "title": row["title"], "passed": bool(row["passed"])}
            )
    # Review cards per module (a question's module, else its lesson's), and how many mastered.
    reviews: dict[int, tuple[int, int]] = {}
    certificate = None
    answered: dict[int, knowledge_checks.Tally] = {}
    if user.is_authenticated:
        answered = knowledge_checks.tally_by_module(user)  # one query
        reviews = {module: (mastered, cards) for module, cards, mastered in _REVIEWS.rows(user.pk)}
        found = _CERTIFICATE.rows(user.pk)
        certificate = instance(Certificate, found[0]) if found else None
    out = []
    for module in sorted(modules.values(), key=lambda m: (m.order, m.slug)):
        read, total, offered = counts[module.pk]
        own = by_module.get(module.pk, [])
        parts = module_parts(
            lessons=(read, total),
            quizzes=own,
            review=reviews.get(module.pk, (0, 0)),
            checks=(answered.get(module.pk, knowledge_checks.Tally()).answered, offered),
        )
        out.append(ModuleProgress(module=module, parts=parts, quizzes=own))
    return CourseProgress(modules=out, exam=exam, certificate=certificate)
