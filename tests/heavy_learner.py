"""One learner with a long, heavy history (the owner's "a dedicated learner over a year, or a
script's account"), written straight into the database with `bulk_create` so that even the
100x learner takes seconds: every lesson complete, a knowledge check at every scenario of
every lesson, `attempts` submitted attempts spread over the published quizzes with an answer
to each of their questions (20 a quiz's worth at most), a review card for up to `cards`
questions (copies of the course's questions are added when it has fewer), memberships of
several cohorts with the quizzes assigned, and the certificate.

At `scale` 100: 2,000 attempts, ~40,000 answers, 3,000 review cards. The course must already
be loaded (tests/shipped.py or `load_curriculum`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from certificates.models import COURSE_TITLE, Certificate
from cohorts import services as cohorts
from cohorts.models import Assignment, Cohort, Membership
from lessons import progress
from lessons.models import KnowledgeCheck, Lesson, LessonProgress, Scenario
from quizzes.models import Answer, Attempt, Question, Quiz, ReviewCard
from srm_trainer.accounts.roles import set_instructor

ANSWERS_PER_ATTEMPT = 20


@dataclass
class History:
    learner: object
    instructor: object
    cohort: Cohort
    quiz: Quiz  # the quiz with the most attempts
    latest: Attempt  # the newest submitted attempt


def _card(question_id: int, due) -> dict:
    return {
        "card_id": question_id,
        "state": 2,
        "step": None,
        "stability": 3.2,
        "difficulty": 6.1,
        "due": due.isoformat(),
        "last_review": (due - timedelta(days=3)).isoformat(),
    }


def _questions(count: int) -> list[int]:
    """Ids of `count` unarchived questions, copies of the course's added when it has fewer."""
    ids = list(Question.objects.filter(archived=False).order_by("pk").values_list("pk", flat=True))
    if len(ids) < count:
        originals = list(Question.objects.filter(pk__in=ids))
        copies = [
            Question(
                slug=f"heavy-question-{len(ids) + n}",
                type=q.type,
                category=q.category,
                module_id=q.module_id,
                prompt=q.prompt,
                explanation=q.explanation,
                lesson_id=q.lesson_id,
                misconceptions=q.misconceptions,
                data=q.data,
                scenario_id=q.scenario_id,
                ask_statement=q.ask_statement,
                source=q.source,
                level=q.level,
            )  # fmt: skip
            for n, q in enumerate(originals * (count // max(1, len(originals)) + 1))
        ]
        Question.objects.bulk_create(copies[: count - len(ids)], batch_size=500)
        ids = list(
            Question.objects.filter(archived=False).order_by("pk").values_list("pk", flat=True)
        )
    return ids[:count]


def build(scale: int = 100, *, username: str = "heavy", cohort_count: int = 5) -> History:
    users = get_user_model().objects
    learner = users.create_user(username, password="correct-horse-42", first_name="Heavy",
                                last_name="Learner")  # fmt: skip
    instructor = users.create_user(f"{username}-teacher")
    set_instructor(user=instructor, instructor=True)
    now = timezone.now()
    year_ago = now - timedelta(days=365)

    lessons = list(Lesson.objects.order_by("pk").values_list("pk", flat=True))
    LessonProgress.objects.bulk_create(
        LessonProgress(user=learner, lesson_id=pk, completed_at=year_ago + timedelta(hours=n))
        for n, pk in enumerate(lessons)
    )
    progress.recount(user_ids=[learner.pk])
    links = Scenario.lessons.through.objects.values_list("lesson_id", "scenario__slug")
    KnowledgeCheck.objects.bulk_create(
        KnowledgeCheck(user=learner, lesson_id=lesson_id, kind="prediction", ref=slug,
                       response={"decision": "Allow"}, score=1.0, correct=True, tries=1,
                       answered_at=year_ago)
        for lesson_id, slug in links
    )  # fmt: skip

    quizzes = list(Quiz.objects.filter(published=True, owner=None).order_by("pk"))
    in_quiz = {
        quiz.pk: list(quiz.entries.order_by("order").values_list("question_id", flat=True))[
            :ANSWERS_PER_ATTEMPT
        ]
        for quiz in quizzes
    }
    quizzes = [quiz for quiz in quizzes if in_quiz[quiz.pk]]
    count = 20 * scale
    # Half of them at one quiz (a learner drilling it, or a script), the rest spread.
    chosen = [quizzes[0] if n % 2 else quizzes[n // 2 % len(quizzes)] for n in range(count)]
    step = timedelta(days=365) / count
    attempts = Attempt.objects.bulk_create(
        (
            Attempt(quiz=quiz, user=learner, question_ids=in_quiz[quiz.pk],
                    started_at=year_ago + n * step, submitted_at=year_ago + n * step + step / 2,
                    score=(n % 10) / 10, passed=n % 10 >= 7, layout={})
            for n, quiz in enumerate(chosen)
        ),
        batch_size=1000,
    )  # fmt: skip
    Answer.objects.bulk_create(
        (
            Answer(attempt=attempt, question_id=qid, response={"choice": ["a"], "text": ["A"]},
                   score=float(k % 2), correct=bool(k % 2), saved_at=attempt.started_at,
                   graded_at=attempt.submitted_at, tries=1,
                   feedback={"correct": bool(k % 2), "why": "Because the rule says so."})
            for attempt in attempts
            for k, qid in enumerate(attempt.question_ids)
        ),
        batch_size=2000,
    )  # fmt: skip

    card_questions = _questions(30 * scale)
    ReviewCard.objects.bulk_create(
        (
            ReviewCard(user=learner, question_id=qid, card=_card(qid, now + timedelta(hours=n - 30)),
                       due=now + timedelta(hours=n - 30), reviews=3 + n % 5, lapses=n % 3,
                       last_reviewed_at=now - timedelta(days=3))
            for n, qid in enumerate(card_questions)
        ),
        batch_size=1000,
    )  # fmt: skip

    made = []
    for n in range(cohort_count):
        cohort = cohorts.cohort_create(owner=instructor, name=f"{username} class {n}")
        for quiz in quizzes[:3]:
            cohorts.assignment_create(cohort=cohort, quiz=quiz, by=instructor)
        made.append(cohort)
    # Assigned and joined before the first attempt, so every attempt at an assigned quiz counts
    # in the gradebooks (the instructor's pages then read the whole history too).
    Assignment.objects.filter(cohort__in=made).update(created_at=year_ago - timedelta(days=1))
    Membership.objects.bulk_create(
        Membership(cohort=cohort, user=learner, joined_at=year_ago - timedelta(hours=1))
        for cohort in made
    )
    Certificate.objects.create(user=learner, course_title=COURSE_TITLE, name="Heavy Learner",
                               issued_at=now - timedelta(days=30))  # fmt: skip
    latest = Attempt.objects.filter(user=learner).order_by("-started_at", "-pk").first()
    assert latest is not None
    return History(learner, instructor, made[0], quizzes[0], latest)
