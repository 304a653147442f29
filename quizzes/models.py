"""Question bank, quizzes, attempts, answers and the review queue.

Questions and quizzes are content: loaded from `lessons/content/quizzes/*.yaml` by
`load_curriculum` (matched by slug) and editable in the admin. Attempts, answers and review
cards are learner data; the loader never touches them.

A question's type-specific content lives in `Question.data` (JSON):

    single / multiple   {"choices": [{"id", "text", "correct", "feedback"}], "layout": [id, ...]}
    true_false          {"answer": true | false}
    ordering            {"items": [{"id", "text"}], "layout": [...]}  (items in the right order)
    categorize          {"categories": [...], "items": [{"id", "text", "category"}], "layout": [...]}
    policy_decision     {}   (the scenario FK holds the case; the key is computed when grading)
    least_privilege     {"challenge": {principal, resource_account, start_policy,
                                       must_allow, must_deny, scope}}

Choice and item ids are derived from their text (see `quizzes.curriculum.text_id`), so
reordering choices in a file keeps them; answers also store the text the learner chose.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from lessons.models import Lesson, Module, PublishedQuerySet, Scenario


class QuestionType(models.TextChoices):
    SINGLE = "single", "Single choice"
    MULTIPLE = "multiple", "Multiple select"
    TRUE_FALSE = "true_false", "True or false"
    ORDERING = "ordering", "Put in order"
    CATEGORIZE = "categorize", "Sort into categories"
    POLICY_DECISION = "policy_decision", "Policy decision"
    LEAST_PRIVILEGE = "least_privilege", "Least-privilege challenge"


class Feedback(models.TextChoices):
    IMMEDIATE = "immediate", "After each question"
    END = "end", "At the end"


class Question(models.Model):
    slug = models.SlugField(unique=True, max_length=100)
    type = models.CharField(max_length=20, choices=QuestionType.choices)
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

    class Meta:
        ordering = ["category", "slug"]

    def __str__(self) -> str:
        return self.slug

    def choices(self) -> list[dict]:
        return list(self.data.get("choices") or [])

    def items(self) -> list[dict]:
        return list(self.data.get("items") or [])

    def categories(self) -> list[str]:
        return list(self.data.get("categories") or [])

    def challenge(self) -> dict:
        return dict(self.data.get("challenge") or {})

    def layout_ids(self) -> list[str]:
        """The ids whose display order an attempt fixes (choices or items): the order the loader
        stored in `data["layout"]` (shuffled once, so the files' habit of putting the right
        answer first does not show), then any the layout does not name, in file order."""
        if self.type in (QuestionType.SINGLE, QuestionType.MULTIPLE):
            ids = [c["id"] for c in self.choices()]
        elif self.type in (QuestionType.ORDERING, QuestionType.CATEGORIZE):
            ids = [i["id"] for i in self.items()]
        else:
            return []
        stored = [i for i in dict.fromkeys(self.data.get("layout") or []) if i in ids]
        return stored + [i for i in ids if i not in stored]


class QuizQuerySet(PublishedQuerySet):
    pass


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
    published = models.BooleanField(default=True)
    order = models.PositiveIntegerField(default=0)
    questions = models.ManyToManyField(
        Question, through="QuizQuestion", related_name="quizzes", blank=True
    )

    objects = QuizQuerySet.as_manager()

    class Meta:
        ordering = ["order", "slug"]
        verbose_name_plural = "quizzes"

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("quizzes:detail", args=[self.slug])

    @property
    def draws(self) -> bool:
        return bool(self.draw_category and self.draw_count)

    @property
    def immediate(self) -> bool:
        return self.feedback == Feedback.IMMEDIATE


class QuizQuestion(models.Model):
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="entries")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="entries")
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["quiz", "question"], name="question_once_per_quiz")
        ]

    def __str__(self) -> str:
        return f"{self.quiz.slug} #{self.order}: {self.question.slug}"


class Attempt(models.Model):
    """One go at a quiz. The question order and the choice order are fixed when it starts.

    The owner is a user, or (for an anonymous learner) `learner_key`, a random key kept in
    their session's data: unlike the session key it survives signing in (Django cycles the
    key but keeps the data).
    """

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
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
    submitted_at = models.DateTimeField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True, help_text="0..1, set on submit.")
    passed = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [
            models.Index(fields=["quiz", "user"]),
            models.Index(fields=["quiz", "learner_key"]),
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
    def percent(self) -> int | None:
        return None if self.score is None else round(self.score * 100)


class Answer(models.Model):
    """A learner's answer to one question of one attempt: one row, upserted as they work.

    `response` is what they gave, with the text of what they chose (so an answer still reads
    right after the question's choices are edited). `score`/`correct`/`feedback` are set when
    it is graded: when checked (immediate feedback) or when the attempt is submitted.
    """

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    response = models.JSONField(default=dict)
    score = models.FloatField(null=True, blank=True)
    correct = models.BooleanField(null=True, blank=True)
    feedback = models.JSONField(default=dict, blank=True)
    saved_at = models.DateTimeField()
    graded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="one_answer_per_question")
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}/{self.question.slug}"

    @property
    def is_graded(self) -> bool:
        return self.graded_at is not None


class ReviewCard(models.Model):
    """A missed question in a learner's review queue, scheduled by FSRS (`quizzes.review`)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_cards"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="review_cards")
    card = models.JSONField(help_text="fsrs Card.to_dict().")
    due = models.DateTimeField(db_index=True)
    reviews = models.PositiveIntegerField(default=0)
    lapses = models.PositiveIntegerField(default=0)
    last_reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "question"], name="one_card_per_question")
        ]

    def __str__(self) -> str:
        return f"{self.user} / {self.question.slug} (due {self.due:%Y-%m-%d %H:%M})"
