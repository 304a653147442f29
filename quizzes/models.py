"""Question bank, quizzes, attempts, answers and the review queue.

Questions and quizzes are content: loaded from `lessons/content/quizzes/*.yaml` by
`load_curriculum` (matched by slug) and editable in the admin. Attempts, answers and review
cards are learner data; the loader never touches them.

A question's type-specific content lives in `Question.data` (JSON). Each type's schema (in its
module docstring), validation, form and grading live in its kind module (`quizzes.kinds`).
Choice and item ids are stored with the question and kept through a move or a small edit of the
text, never put on other words (see `quizzes.kinds.base.keep_ids`); answers refer to them and
also store the text the learner chose.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse

from curriculum.validation import MAX_EXPLANATION_CHARS, MAX_PROMPT_CHARS
from lessons.models import (
    KnowledgeCheck,
    Lesson,
    Level,
    Module,
    PublishedQuerySet,
    Scenario,
    fields_cleaned,
    fingerprint_field,
    length_check,
    one,
    source_field,
)
from lessons.rendered import RenderedQuerySet
from quizzes import kinds, rendered
from quizzes.draw_rules import MAX_DRAWN, rule_problems, rules_total
from srm_trainer.typed_text import hidden_in_title, quoted

log = logging.getLogger(__name__)


# The registry's types as named constants, for code that must name one (`QuestionType.ORDERING`).
QuestionType = models.TextChoices(
    "QuestionType", [(value.upper(), (value, label)) for value, label in kinds.choices()]
)


class Feedback(models.TextChoices):
    IMMEDIATE = "immediate", "After each question"
    END = "end", "At the end"


class Tag(models.Model):
    """A bank tag an instructor puts on questions to find them again (`Question.tags`).

    A row per tag rather than a JSON list on the question: filtering by tag and counting the
    questions of each tag are then plain joins on every database (SQLite has no JSON
    containment lookup), and a tag is spelled one way everywhere.
    """

    slug = models.SlugField(unique=True, max_length=50)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.slug


def effective_level():
    """The expression for a question's level: its own, else its lesson's, else foundational.
    Filters and counts use it, so a question written without a level follows its lesson."""
    return Coalesce(
        NullIf(models.F("level"), models.Value("")),
        models.F("lesson__level"),
        models.Value(Level.FOUNDATIONAL),
        output_field=models.CharField(),
    )


class QuestionQuerySet(RenderedQuerySet):
    def with_level(self):
        return self.annotate(level_of=effective_level())

    def at_level(self, level: str):
        """Questions whose effective level is `level` (their own, or their lesson's)."""
        return self.with_level().filter(level_of=level)


class Question(models.Model):
    slug = models.SlugField(unique=True, max_length=100)
    type = models.CharField(max_length=20, choices=kinds.choices())
    category = models.SlugField(max_length=100, help_text="The bank category quizzes draw from.")
    module = models.ForeignKey(
        Module, on_delete=models.SET_NULL, null=True, blank=True, related_name="questions"
    )
    prompt = models.TextField(help_text="Markdown.")
    explanation = models.TextField(help_text="Markdown shown after answering.")
    lesson = models.ForeignKey(
        Lesson, on_delete=models.SET_NULL, null=True, blank=True, related_name="questions"
    )
    misconceptions = models.JSONField(default=list, blank=True)
    data = models.JSONField(default=dict, blank=True, help_text="Type-specific content.")
    scenario = models.ForeignKey(
        Scenario, on_delete=models.PROTECT, null=True, blank=True, related_name="questions"
    )
    ask_statement = models.BooleanField(
        default=False, help_text="Policy decision: also ask which statement decided it."
    )
    source = source_field()
    file_fingerprint = fingerprint_field()
    # Authoring (/teach/): who wrote it (file rows have no owner), when it last changed, and
    # whether it is retired: an archived question keeps its answers but joins no new attempt.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_questions",
    )
    updated_at = models.DateTimeField(auto_now=True)
    archived = models.BooleanField(
        default=False, help_text="Kept for past answers; never put in a new attempt."
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="questions")
    level = models.CharField(
        max_length=12,
        choices=Level.choices,
        blank=True,
        help_text="Empty = the level of its lesson (foundational without a lesson).",
    )

    # The prompt and explanation rendered when the question is written (quizzes/rendered.py):
    # pages read these instead of rendering Markdown. Not content: no form, audit or export.
    prompt_html = models.TextField(blank=True, default="", editable=False)
    explanation_html = models.TextField(blank=True, default="", editable=False)
    rendered_from = models.CharField(max_length=64, blank=True, default="", editable=False)

    objects = QuestionQuerySet.as_manager()
    stored_markdown = rendered.QUESTION

    class Meta:
        ordering = ["category", "slug"]
        # The bank lists questions most recently edited first, a page at a time: read in this
        # index's order, the database stops after the page instead of sorting every question.
        indexes = [
            models.Index(fields=["updated_at", "id"], name="question_recently_edited"),
            # The bank's summary of each category (teach/bank.py, `SUMMARIES`) reads only these
            # columns: from this index, not the rows, which carry each question's text twice
            # since it is stored rendered (17.6 -> 5.4 ms for 20,000 questions on SQLite).
            models.Index(
                fields=["category", "archived", "source", "owner", "updated_at"],
                name="question_bank_summary",
            ),
            # A category's unarchived questions in id order, a chunk at a time (a draw's count,
            # `attempts.bank_count`): a range of this index. SQLite's index on `category` gives
            # them so already (its entries end with the row id); PostgreSQL's does not, and
            # walked its primary key instead, through every question of every category before
            # them (6.9 ms to find a category of 300 after 23,000 others; 0.2 ms with this).
            models.Index(fields=["category", "archived", "id"], name="question_category_order"),
            # A teacher's own questions, most recently edited first (the dashboard's hundred):
            # read in this order, the database stops after them instead of counting the quizzes
            # of every one of a teacher's questions and sorting them all with their text (70 ms
            # for 5,200 of them on SQLite, 0.3 ms with the index).
            models.Index(
                fields=["owner", "source", "updated_at", "id"], name="question_own_recent"
            ),
            # Their tags by module and their banks (teach/bank.py, `OWN_TAG_COUNTS` on the
            # dashboard, the bank, the quiz page and the editors, `OWN_CATEGORIES` in the
            # editors): read from this index, not from each of those wide rows (18 -> 0.5 and
            # 9 -> 0.5 ms for 5,200 questions).
            models.Index(
                fields=["owner", "source", "module", "archived", "category"],
                name="question_own_module",
            ),
        ]

    def __str__(self) -> str:
        return self.slug

    def save(self, *args, update_fields=None, **kwargs) -> None:
        """Every write of the prompt or explanation stores them rendered (quizzes/rendered.py)."""
        update_fields = self.stored_markdown.before_save(self, update_fields)
        super().save(*args, update_fields=update_fields, **kwargs)

    @property
    def shown(self) -> rendered.Shown:
        """The prompt and explanation as HTML, as a page shows them (`StoredMarkdown.shown`)."""
        return self.stored_markdown.shown(self)

    def choices(self) -> list[dict]:
        return list(self.data.get("choices") or [])

    def items(self) -> list[dict]:
        return list(self.data.get("items") or [])

    def categories(self) -> list[str]:
        return list(self.data.get("categories") or [])

    def challenge(self) -> dict:
        return dict(self.data.get("challenge") or {})

    @property
    def kind(self) -> kinds.Kind | None:
        """The module that knows this type of question (None for an unknown type)."""
        return kinds.get(self.type)

    @property
    def effective_level(self) -> str:
        """Its own level, else its lesson's (issue 12): most questions follow their lesson."""
        if self.level:
            return self.level
        lesson = self.lesson if self.lesson_id else None
        return lesson.level if lesson is not None else Level.FOUNDATIONAL

    def get_effective_level_display(self) -> str:
        return Level(self.effective_level).label

    def layout_ids(self) -> list[str]:
        """The ids whose display order an attempt fixes (choices or items), in stored order."""
        return self.kind.layout_ids(self) if self.kind else []

    def problems(self, *, thorough: bool = True) -> list[kinds.Problem]:
        """Why this question cannot be used ([] when it can): its kind's validation."""
        if self.kind is None:
            known = ", ".join(kinds.KINDS)
            return [
                kinds.Problem(
                    f"unknown type {self.type!r} (expected one of: {known})", ("type",), "type"
                )
            ]
        if not isinstance(self.data, dict):
            return [kinds.Problem("'data' must be a JSON object")]
        try:
            return self.kind.problems(self, thorough=thorough)
        except Exception as exc:  # a validator must never turn bad data into a crash
            log.exception("validating question %s", self.slug)
            return [kinds.Problem(f"cannot be checked ({type(exc).__name__})")]

    def is_usable(self) -> bool:
        """Can a learner be shown this question and graded on it? Logs why not.

        Every quiz page asks this of each question of the attempt, and some kinds' checks
        evaluate a policy, a network or a web ACL: the answer is kept per process by what it
        depends on (the type, the data and, for a kind built on a scenario, the scenario's
        case), so an edit is checked afresh and a page repeats no check."""
        problems = self.quick_problems()
        for problem in problems:
            log.warning("question %s is broken and skipped: %s", self.slug, problem.message)
        return not problems

    def quick_problems(self) -> tuple[kinds.Problem, ...]:
        """`problems(thorough=False)`, kept per process as `is_usable` explains: for pages that
        list many questions (a quiz's page in /teach/, its broken questions for staff), where
        each WAF, network or policy question's check runs an engine."""
        kind = self.kind
        if kind is None or not isinstance(self.data, dict):
            return tuple(self.problems(thorough=False))
        depends: list[object] = [self.type, self.data]
        if kind.uses_scenario:
            scenario = self.scenario
            depends.append(None if scenario is None else [scenario.slug, scenario.case])
        try:
            text = json.dumps(depends, sort_keys=True, separators=(",", ":"))
        except (TypeError, ValueError):  # not JSON (set in memory, never saved): not kept
            return tuple(self.problems(thorough=False))
        key = hashlib.blake2b(text.encode(), digest_size=16).digest()
        found = _QUICK_PROBLEMS.get(key)
        if found is None:
            found = tuple(self.problems(thorough=False))
            if len(_QUICK_PROBLEMS) >= _QUICK_PROBLEMS_MAX:
                _QUICK_PROBLEMS.clear()  # bounded; refilled by the next pages
            _QUICK_PROBLEMS[key] = found
        return found

    @classmethod
    def from_db(cls, db, field_names, values):
        """The row as the ORM reads it, with the type and owner it was read with kept
        (`_loaded_type`, `_loaded_owner`; None when deferred): a save in the same request then
        knows whether the type changed without reading it again (`type_change_refused`), in
        the editor and the admin alike."""
        question = super().from_db(db, field_names, values)
        question._loaded_type = question.__dict__.get("type")
        # And its owner, so a save that changes it tells the owner it was read with too
        # (`teach.signals`: what is kept of each instructor's own questions).
        question._loaded_owner = question.__dict__.get("owner_id")
        return question

    def clean(self) -> None:
        """The same checks the content loader applies, for the admin and any editor."""
        super().clean()
        answered_as = self.type_change_refused()
        if answered_as:
            # The new type's data problems would only bury the one thing to change back.
            raise ValidationError({"type": answered_as})
        errors: dict[str, list[ValidationError]] = {}
        for problem in self.problems():
            errors.setdefault(problem.field, []).append(problem_error(problem))
        if errors:
            raise ValidationError(errors)

    def type_change_refused(self) -> str | None:
        """Why this saved question's type may not change, or None: learners answered it (in a
        quiz or as a lesson's check) as its stored type, which the new one can neither show
        nor mark. The loader refuses the same change in a file (`curriculum/quiz_loader.py`);
        the admin saved it without a word. A row read with the type it still has reads nothing
        more (`from_db`); otherwise the stored type is read (one query)."""
        if self.pk is None or getattr(self, "_loaded_type", None) == self.type:
            return None
        stored = Question.objects.filter(pk=self.pk).values_list("type", "slug").first()
        if stored is None or stored[0] == self.type:
            return None
        old, slug = stored
        given = (
            Answer.objects.filter(question_id=self.pk).count()
            + KnowledgeCheck.objects.filter(kind=KnowledgeCheck.Kind.QUESTION, ref=slug).count()
        )
        if not given:
            return None
        labels = dict(kinds.choices())
        was, new = quoted(labels.get(old, old)), quoted(labels.get(self.type, self.type))
        return (
            f"Learners have answered this question as {was} ({given} answer"
            f"{'' if given == 1 else 's'}), which {new} can neither show nor mark, so its type "
            f"stays {was}. To ask it another way, add a new question and archive this one (its "
            "answers are kept)."
        )

    def clean_fields(self, exclude=None) -> None:
        """Misconceptions are checked where the form edits them (`misconceptions_problem`): a
        form without them cannot show an error there. So are the texts' lengths."""
        fields_cleaned(
            super().clean_fields,
            exclude,
            [
                ("misconceptions", lambda: one(misconceptions_problem(self.misconceptions))),
                length_check(self, "prompt", MAX_PROMPT_CHARS),
                length_check(self, "explanation", MAX_EXPLANATION_CHARS),
            ],
        )


def misconceptions_problem(value: object) -> str | None:
    """Why `value` is no question's misconceptions, or None. Feedback and the statistics
    read them as a list of tags (an object's keys or a string's letters would show as tags);
    the loader asks the same of files (`str_list`), empty being the default here."""
    shape = 'a list of tags, as in ["thinks-aws-patches-guests"], or [] for none'
    if not isinstance(value, list):
        return f"Misconceptions must be {shape}, not {_json_kind(value)}."
    for number, tag in enumerate(value, start=1):
        if not isinstance(tag, str) or not tag.strip():
            return f"Misconceptions must be {shape}: item {number} is {_json_kind(tag)}."
    return None


def _json_kind(value: object) -> str:
    if isinstance(value, str):
        return "an empty text" if not value.strip() else "a text"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if value is None:
        return "null"
    return "a JSON object" if isinstance(value, dict) else "a list"


def problem_error(problem: kinds.Problem) -> ValidationError:
    """`problem` as a `ValidationError` that still carries it (`.problem`): the message is
    the same, and an editor that catches it (`full_clean` keeps each error as raised) can
    read where in the data the problem is, to show it beside that row."""
    error = ValidationError(problem.message, code="problem")
    error.problem = problem  # type: ignore[attr-defined]
    return error


# Question.is_usable's answers by a digest of what they depend on (a few thousand questions
# at most in a course; cleared whole when full).
_QUICK_PROBLEMS: dict[bytes, tuple[kinds.Problem, ...]] = {}
_QUICK_PROBLEMS_MAX = 5000

RESERVED_QUIZ_SLUGS = {"review", "attempts"}  # /quizzes/review/ and /quizzes/attempts/ are pages
MAX_TIME_LIMIT = 24 * 60  # minutes: a day; longer is a take-home, not a timed quiz
MAX_TRIES = 10  # tries per question in a quiz with immediate feedback


def drawable_by(owner) -> models.Q:
    """Questions a quiz of `owner` (a user id, None, or an `OuterRef` to a quiz's owner) may
    draw: the course's (no owner: from its files or written in the admin) and the owner's own.
    The one rule `quizzes.exam.draw_scope` and `QuizQuerySet.askable` both read."""
    return models.Q(owner__isnull=True) | models.Q(owner=owner)


class QuizQuerySet(PublishedQuerySet):
    def askable(self) -> QuizQuerySet:
        """The quizzes that can be started: one drawn by rules (the final exam), else one with
        a question left to ask, listed or in the bank it draws from (unarchived; as
        `quizzes.attempts._drawn` reads them). One with none says "This quiz has no questions
        to ask at the moment, so it cannot be started": course progress leaves it out
        (`certificates.progress`), and a module's "Module quiz" box and a lesson's "test
        yourself" link name the module's next quiz instead (`quizzes.lesson_checks`)."""
        listed = QuizQuestion.objects.filter(quiz=models.OuterRef("pk"), question__archived=False)
        # Only the bank's questions the quiz may draw (`quizzes.exam.draw_scope`).
        banked = Question.objects.filter(
            drawable_by(models.OuterRef("owner")),
            category=models.OuterRef("draw_category"),
            archived=False,
        )
        draws = ~models.Q(draw_category="") & models.Q(draw_count__gt=0)
        return self.filter(
            ~models.Q(draw_rules=[])
            | (draws & models.Exists(banked))
            | (~draws & models.Exists(listed))
        )


# Quiz.problems()'s word for a draw set by half; the teaching form leaves it unsaid while the
# half it reads has a problem of its own (`teach.forms.QuizForm`).
DRAW_NEEDS_BOTH = "a draw needs both a category and a count of at least 1"


# The quiz course progress and the certificate look for (certificates/progress.py): a file may
# retitle it, never rename it (curriculum/quiz_readers.py refuses a `formerly:` naming it).
FINAL_EXAM_SLUG = "final-exam"


class Quiz(models.Model):
    slug = models.SlugField(unique=True, max_length=100)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    module = models.ForeignKey(
        Module,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="quizzes",
        help_text="Empty for a mixed review.",
    )
    pass_mark = models.PositiveSmallIntegerField(default=70, help_text="Percent.")
    attempts_allowed = models.PositiveSmallIntegerField(default=0, help_text="0 = unlimited.")
    shuffle_questions = models.BooleanField(default=False)
    shuffle_choices = models.BooleanField(default=False)
    feedback = models.CharField(max_length=10, choices=Feedback.choices, default=Feedback.IMMEDIATE)
    draw_category = models.SlugField(max_length=100, blank=True)
    draw_count = models.PositiveSmallIntegerField(default=0)
    draw_rules = models.JSONField(
        default=list,
        blank=True,
        help_text='Draw from several banks at once (the final exam): [{"module": "iam", '
        '"count": 5}, {"category": "kms", "count": 3}]; empty = no rules.',
    )
    time_limit = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=f"Minutes (1-{MAX_TIME_LIMIT}); empty = no limit. An attempt past it is "
        "submitted as it stands.",
    )
    tries = models.PositiveSmallIntegerField(
        default=1,
        help_text=f"Tries per question (1-{MAX_TRIES}); more than one needs feedback after each "
        "question.",
    )
    try_penalty = models.PositiveSmallIntegerField(
        default=0, help_text="Percent of the question's marks taken off for each extra try."
    )
    certainty = models.BooleanField(
        default=False,
        help_text="Certainty-based marking on policy-decision questions: the learner says how "
        "sure they are; a confident wrong answer costs more.",
    )
    published = models.BooleanField(default=True)
    order = models.PositiveIntegerField(default=0)
    source = source_field()
    file_fingerprint = fingerprint_field()
    questions: models.ManyToManyField[Question, QuizQuestion] = models.ManyToManyField(
        Question, through="QuizQuestion", related_name="quizzes", blank=True
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_quizzes",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuizQuerySet.as_manager()

    class Meta:
        ordering = ["order", "slug"]
        verbose_name_plural = "quizzes"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("quizzes:detail", args=[self.slug])

    def problems(self) -> list[tuple[str, str]]:
        """(field, message) for every setting that cannot work; shared by loader and admin."""
        out = []
        if self.slug in RESERVED_QUIZ_SLUGS:
            out.append(
                ("slug", f"the slug {self.slug!r} is taken by a page (/quizzes/{self.slug}/)")
            )
        hidden = hidden_in_title(self.title)
        if hidden:
            out.append(("title", hidden))
        if self.pass_mark is not None and self.pass_mark > 100:
            out.append(("pass_mark", f"'pass_mark' is a percent (0-100), not {self.pass_mark}"))
        if bool(self.draw_category) != bool(self.draw_count):
            out.append(("draw_count", DRAW_NEEDS_BOTH))
        elif self.draw_count > MAX_DRAWN:
            # As the draw rules are held: each attempt's pages and its result grow with the
            # questions drawn (30,000 drew a whole bank of 1,000: an 11 MB result, 0.9 s).
            out.append(
                (
                    "draw_count",
                    f"a quiz draws at most {MAX_DRAWN} questions per attempt, not"
                    f" {self.draw_count}",
                )
            )
        out.extend(("draw_rules", message) for message in rule_problems(self.draw_rules))
        if self.draw_rules and self.draw_category:
            out.append(
                ("draw_rules", "use either draw rules or a draw from one category, not both")
            )
        if self.time_limit is not None and not 1 <= self.time_limit <= MAX_TIME_LIMIT:
            out.append(
                (
                    "time_limit",
                    f"'time_limit' is in minutes, from 1 to {MAX_TIME_LIMIT} (or empty for none), "
                    f"not {self.time_limit}",
                )
            )
        out.extend(self._try_problems())
        return out

    def _try_problems(self) -> list[tuple[str, str]]:
        """Several tries only work when the learner is told after each try (immediate
        feedback); a penalty only applies to a second try. The two settings are checked
        apart, so one save says a problem of each (each at most one: its range first, as a
        setting out of range cannot be weighed against the other)."""
        tries, penalty = self.tries, self.try_penalty
        tries_known = tries is None or 1 <= tries <= MAX_TRIES
        out = []
        if not tries_known:
            out.append(("tries", f"'tries' is from 1 to {MAX_TRIES}, not {tries}"))
        elif tries and tries > 1 and self.feedback == Feedback.END:
            out.append(
                (
                    "tries",
                    "several tries need feedback after each question: with feedback at the "
                    "end a learner never learns a try was wrong (choose one try, or feedback "
                    "after each question)",
                )
            )
        if penalty is not None and penalty > 100:
            out.append(("try_penalty", f"'try_penalty' is a percent (0-100), not {penalty}"))
        elif penalty and tries_known and (tries or 1) <= 1:
            out.append(
                (
                    "try_penalty",
                    "a penalty per extra try needs more than one try (set 'tries' to 2 or "
                    "more, or the penalty to 0)",
                )
            )
        return out

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list[str]] = {}
        for name, message in self.problems():
            errors.setdefault(name, []).append(message)
        if "draw_rules" not in errors:
            for message in self.unknown_rule_modules():
                errors.setdefault("draw_rules", []).append(message)
        if errors:
            raise ValidationError(errors)

    def unknown_rule_modules(self) -> list[str]:
        """A rule naming no module draws nothing, while the quiz's page still promises its
        count: the content loader refuses it, and so do the forms (one query)."""
        wanted = [
            (number, rule["module"])
            for number, rule in enumerate(self.draw_rules or [], start=1)
            if isinstance(rule, dict) and "module" in rule
        ]
        if not wanted:
            return []
        slugs = [slug for _, slug in wanted]
        known = set(Module.objects.filter(slug__in=slugs).values_list("slug", flat=True))
        return [
            f"draw rule {number}: unknown module {quoted(slug)}"
            for number, slug in wanted
            if slug not in known
        ]

    @property
    def draws(self) -> bool:
        return bool(self.draw_category and self.draw_count)

    @property
    def draws_by_rules(self) -> bool:
        return bool(self.draw_rules) and not rule_problems(self.draw_rules)

    @property
    def drawn_count(self) -> int:
        """How many questions an attempt gets from its draw (0 for a quiz of listed questions)."""
        if self.draws_by_rules:
            return rules_total(self.draw_rules)
        return min(self.draw_count, MAX_DRAWN) if self.draws else 0

    @property
    def immediate(self) -> bool:
        return self.feedback == Feedback.IMMEDIATE

    @property
    def several_tries(self) -> bool:
        return self.immediate and self.tries > 1

    def tries_for(self, question: Question) -> int:
        """How many tries `question` gets in this quiz. One when feedback waits for the end; one
        for a question marked with certainty (a second certainty after seeing the first try
        wrong would mean nothing); one for true/false (a second try could not be wrong)."""
        kind = question.kind
        if not self.several_tries or self.uses_certainty(question) or (kind and kind.one_try):
            return 1
        return self.tries

    def uses_certainty(self, question: Question) -> bool:
        kind = question.kind
        return bool(self.certainty and kind is not None and kind.takes_certainty)


class EarlierQuizSlug(models.Model):
    """A slug a quiz had before a course update renamed it (`formerly:` in its file), so a
    learner's bookmark or an instructor's link still leads to it (`quizzes.views.quiz_detail`,
    only while no quiz has the slug). Written by the loader, never shown."""

    slug = models.SlugField(max_length=100, unique=True)
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="earlier_slugs")

    def __str__(self) -> str:
        return f"{self.slug} -> {self.quiz_id}"


class EarlierQuestionSlug(models.Model):
    """A slug a question had before a course update renamed it (`formerly:` in its quiz file),
    so a lesson page opened before the update, whose check still posts to the old slug, is
    answered (`quizzes.lesson_views`, only while no question has the slug). Written by the
    loader, never shown."""

    slug = models.SlugField(max_length=100, unique=True)
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="earlier_slugs")

    def __str__(self) -> str:
        return f"{self.slug} -> {self.question_id}"


class QuizQuestion(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="entries")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="entries")
    # 1..n in each quiz, without ties (`quizzes.entries`): no default, every writer sets it.
    order = models.PositiveIntegerField(
        validators=[MinValueValidator(1, message="Positions start at 1.")]
    )

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "question"], name="question_once_per_quiz")
        ]

    def __str__(self) -> str:
        return f"{self.quiz.slug} #{self.order}: {self.question.slug}"


def whole_percent(share: float) -> int:
    """A score (0..1) as the whole percent shown to people: rounded down, so one just under a
    pass mark never reads as the mark ("70% — not passed (pass mark 70%)" for 69.57%). A hair
    is added first for float error (0.29 * 100 is 28.999999999999996)."""
    return math.floor(share * 100 + 1e-9)


def reaches_mark(share: float, pass_mark: int) -> bool:
    """Whether a score (0..1) passes: by the whole percent people are shown, so a page can
    never say "70%" beside "not passed" for a mark of 70, or the reverse."""
    return whole_percent(share) >= pass_mark


class Attempt(models.Model):
    """One go at a quiz. The question order and the choice order are fixed when it starts.

    The owner is a user, or (for an anonymous learner) `learner_key`, a random key kept in
    their session's data: unlike the session key it survives signing in (Django cycles the
    key but keeps the data).
    """

    # No index of its own: the four (quiz, ...) indexes below lead with it and serve every
    # lookup by the quiz (its delete, the admin's filter, statistics; quizzes migration 0026),
    # and an index is written on every attempt's start and, on PostgreSQL, its submit. The
    # user's is kept: without it PostgreSQL found a learner's passed quizzes (the home page)
    # by reading every attempt on the site rather than the learner's (1.0 -> 2.3 ms at the
    # bench's size), though the (user, started_at) index leads with the user.
    quiz = models.ForeignKey(
        Quiz, on_delete=models.CASCADE, related_name="attempts", db_index=False
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="quiz_attempts",
    )
    learner_key = models.CharField(max_length=64, blank=True, db_index=True)
    question_ids = models.JSONField(default=list)
    layout = models.JSONField(
        default=dict, help_text="Question id → the order its choices or items are shown in."
    )
    started_at = models.DateTimeField()
    deadline = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Fixed at the start from the quiz's time limit (a later change to the limit "
        "does not move it); empty = no limit.",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True, help_text="0..1, set on submit.")
    passed = models.BooleanField(null=True, blank=True)
    # The quiz's pass mark when the attempt was graded: `passed` was decided against it, and
    # the result page says it beside the score, whatever the quiz's pass mark is now.
    pass_mark = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Percent, as the quiz had it when this was graded."
    )
    # How many questions `score` is the mean of: the result page says so when some of them are
    # no longer shown (deleted or broken since), rather than a score its rows do not add up to.
    graded_count = models.PositiveIntegerField(
        null=True, blank=True, help_text="How many questions the score was worked out over."
    )
    flagged = models.JSONField(
        default=list, blank=True, help_text="Ids of the questions the learner flagged to revisit."
    )

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [
            # A learner's attempts at a quiz (every gradebook, learner page and export of a
            # cohort), and among them, by `submitted_at`, those in progress (closed when their
            # time runs out, on each of those pages) and the latest handed in (the gradebook's
            # "latest"), found without reading a learner's other attempts (2,000 of them).
            models.Index(
                fields=["quiz", "user", "submitted_at"], name="attempt_quiz_user_submitted"
            ),
            models.Index(fields=["quiz", "learner_key"]),
            # A learner's attempts at one quiz, newest first: the quiz page's latest 20 are its
            # first 20 entries (quizzes migration 0024). The learner's newest-first index below
            # walked every attempt of theirs at other quizzes until it found 20 at this one
            # (all 2,000 for a quiz they took twice).
            models.Index(
                fields=["quiz", "user", "-started_at", "-id"], name="attempt_quiz_user_latest"
            ),
            # The admin's list of attempts, newest first (`Meta.ordering`), whole and filtered
            # to one learner: read in this order, its page of 100 is the first 100 entries,
            # where the database sorted every attempt (or the learner's 2,000) to find them.
            models.Index(fields=["-started_at", "-id"], name="attempt_latest"),
            models.Index(fields=["user", "-started_at", "-id"], name="attempt_user_latest"),
            # The timed attempts still open, by (quiz, user): the overdue check every gradebook,
            # learner page and export makes (`attempts._overdue`, whose condition this is) reads
            # the class's open ones only, where PostgreSQL read every attempt at the assigned
            # quizzes to find none (9,000 at the bench's 300 x 20; quizzes migration 0025).
            # Partial: no other query can take it (its condition is not theirs), and an
            # attempt leaves it when handed in.
            models.Index(
                fields=["quiz", "user", "deadline"],
                condition=models.Q(submitted_at__isnull=True, deadline__isnull=False),
                name="attempt_open_timed",
            ),
        ]

    def __str__(self) -> str:
        who = self.user or f"anonymous {self.learner_key[:6]}"
        return f"{self.quiz.slug} by {who} ({self.started_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self) -> str:
        return reverse("quizzes:take", args=[self.pk])

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def ran_out_of_time(self) -> bool:
        """Submitted at or after its deadline: closed because the time limit passed."""
        return bool(self.deadline and self.submitted_at and self.submitted_at >= self.deadline)

    @property
    def percent(self) -> int | None:
        return None if self.score is None else whole_percent(self.score)

    @property
    def graded_pass_mark(self) -> int:
        """The pass mark `passed` was decided against (the quiz's own for an attempt graded
        before attempts kept it, or not graded yet)."""
        return self.quiz.pass_mark if self.pass_mark is None else self.pass_mark


class Answer(models.Model):
    """A learner's answer to one question of one attempt: one row, upserted as they work.

    `response` is what they gave, with the text of what they chose (so an answer still reads
    right after the question's choices are edited). `score`/`correct`/`feedback` are set when
    it is graded: when checked (immediate feedback) or when the attempt is submitted.
    """

    # Its own index kept, though the (attempt, question) constraint's leads with it: without
    # it PostgreSQL deleted a quiz's answers (a DELETE of 450-1,000 attempts' answers) by
    # reading all 109,000 at the bench's size, 9-13 -> 34-39 ms (2026-12-07).
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    # PROTECT: a question learners have answered is archived, never deleted (its answers, and
    # the scores of the attempts that hold them, would go with it). Its attempts still go with
    # their learner or quiz, answers and all.
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    response = models.JSONField(default=dict)
    score = models.FloatField(null=True, blank=True)
    correct = models.BooleanField(null=True, blank=True)
    feedback = models.JSONField(default=dict, blank=True)
    saved_at = models.DateTimeField()
    graded_at = models.DateTimeField(null=True, blank=True)
    # Several tries and certainty (`quizzes.grading`): `score` is the kind's grade of the last
    # try; `credit` is what counts toward the attempt (best try less penalties, or the
    # certainty mark scaled to 1 at best). None = the score counts as it is.
    tries = models.PositiveSmallIntegerField(default=0, help_text="Checks used so far.")
    certainty = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="1-3: how sure the learner said they were."
    )
    credit = models.FloatField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="one_answer_per_question")
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}/{self.question.slug}"

    @property
    def is_graded(self) -> bool:
        return self.graded_at is not None

    @property
    def counted(self) -> float:
        """What this answer adds to the attempt's total."""
        if self.credit is not None:
            return self.credit
        return self.score or 0.0


class ReviewCard(models.Model):
    """A missed question in a learner's review queue, scheduled by FSRS (`quizzes.review`)."""

    # No index of its own: the (user, question) constraint's and (user, due) lead with it.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="review_cards",
        db_index=False,
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="review_cards")
    card = models.JSONField(help_text="fsrs Card.to_dict().")
    due = models.DateTimeField(db_index=True)
    reviews = models.PositiveIntegerField(default=0)
    lapses = models.PositiveIntegerField(default=0)
    last_reviewed_at = models.DateTimeField(null=True, blank=True)
    # What the learner typed or chose on the review page and has not checked yet, kept so a
    # reload (or coming back later) fills it in again: the form's fields as sent, bounded
    # (`quizzes.review.draft_keep`). One card of a learner's holds one at most.
    draft = models.JSONField(
        null=True,
        blank=True,
        help_text="The review form's fields as last sent, not checked yet (empty: none).",
    )

    class Meta:
        ordering = ["due", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="one_card_per_question")
        ]
        indexes = [
            # A learner's cards by due date (`Meta.ordering`): the admin's list filtered to one
            # learner reads its page of 100 from here, where it sorted all of theirs (3,000).
            models.Index(fields=["user", "due", "id"], name="reviewcard_user_due"),
        ]

    def __str__(self) -> str:
        return f"{self.user} / {self.question.slug} (due {self.due:%Y-%m-%d %H:%M})"
