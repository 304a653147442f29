"""A class of a given size for the class-scale benchmark (`test_class_scale_bench.py`): one
teacher and a co-instructor, a cohort of `learners` with `quizzes` of the teacher's own assigned
(ten questions each, three kinds), and each learner's work at each quiz by a fixed pattern:
none, one attempt handed in, two, three, one still in progress, or one handed in and a second
in progress (half its questions answered, not yet graded). About 1.5 attempts a learner a quiz,
graded as the app grades them (each distinct response once). Bulk inserts: a few seconds for
300 learners and 20 quizzes (9,000 attempts, 75,000 answers).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from cohorts import services
from cohorts.models import Assignment, Cohort, Membership
from lessons.models import Profile, Source
from quizzes.grading import grade
from quizzes.models import Answer, Attempt, Question, Quiz, QuizQuestion
from tests.bench.teachscale import KINDS, MISCONCEPTIONS, _responses
from tests.cohorts.conftest import T0, at
from tests.quizzes.builders import default_data

QUESTIONS = 10
# (handed in, in progress) attempts of learner i at quiz j: PATTERNS[(7 * i + 3 * j) % 6]
PATTERNS = ((0, 0), (1, 0), (2, 0), (0, 1), (1, 1), (3, 0))


@dataclass
class Class:
    teacher: object
    co_instructor: object
    cohort: Cohort
    quizzes: list[Quiz]
    assignments: list[Assignment]
    learners: list
    attempts: int
    answers: int


def build(teacher, co_instructor, *, learners: int, quizzes: int, tag: str) -> Class:
    """The class (see the module); `tag` keeps its rows' names apart from other classes'."""
    users = get_user_model().objects
    questions = Question.objects.bulk_create(
        Question(
            slug=f"{tag}-q-{n}",
            type=KINDS[n % len(KINDS)],
            category=f"{tag}-bank-{n % 4}",
            prompt=f"Which control answers case {n} of {tag}?",
            explanation=f"Because of reason {n}: the customer configures it.",
            misconceptions=MISCONCEPTIONS[n % 6 : n % 6 + 1 + n % 2],
            data=default_data(KINDS[n % len(KINDS)]),
            owner=teacher,
            source=Source.AUTHORED,
        )
        for n in range(quizzes * QUESTIONS)
    )
    made = Quiz.objects.bulk_create(
        Quiz(slug=f"{tag}-quiz-{n}", title=f"{tag} checkpoint {n}", owner=teacher,
             source=Source.AUTHORED, published=True)
        for n in range(quizzes)
    )  # fmt: skip
    QuizQuestion.objects.bulk_create(
        QuizQuestion(quiz=quiz, question=questions[QUESTIONS * n + k], order=k + 1)
        for n, quiz in enumerate(made)
        for k in range(QUESTIONS)
    )
    people = users.bulk_create(
        get_user_model()(username=f"{tag}-learner-{n:05}", email=f"{tag}-{n:05}@example.com")
        for n in range(learners)
    )
    Profile.objects.bulk_create(
        Profile(user=u, shown_name=f"Shown {u.username}") for u in people[::3]
    )
    cohort = services.cohort_create(owner=teacher, name=f"{tag} class", now=T0)
    cohort.co_instructors.add(co_instructor)
    Membership.objects.bulk_create(
        Membership(cohort=cohort, user=user, joined_at=at(hours=1)) for user in people
    )
    assignments = Assignment.objects.bulk_create(
        Assignment(cohort=cohort, quiz=quiz, created_at=at(hours=2),
                   due_at=at(days=7 * (n + 1)), created_by=teacher)
        for n, quiz in enumerate(made)
    )  # fmt: skip
    attempts, answers = _work(made, people)
    return Class(teacher, co_instructor, cohort, made, assignments, people, attempts, answers)


def _work(quizzes: list[Quiz], learners: list) -> tuple[int, int]:
    """Every learner's attempts by PATTERNS, and their answers."""
    entries: dict[int, list[Question]] = {quiz.pk: [] for quiz in quizzes}
    for entry in QuizQuestion.objects.filter(quiz__in=quizzes).select_related("question"):
        entries[entry.quiz_id].append(entry.question)
    graded = {
        q.pk: [(r, grade(q, r)) for r in _responses(q)] for qs in entries.values() for q in qs
    }
    start = at(hours=3)
    planned = []  # (attempt, submitted?)
    for i, user in enumerate(learners):
        for j, quiz in enumerate(quizzes):
            done, open_ = PATTERNS[(7 * i + 3 * j) % len(PATTERNS)]
            for k in range(done + open_):
                began = start + timedelta(days=7 * j, hours=k, minutes=i % 600)
                submitted = k < done
                planned.append(
                    Attempt(quiz=quiz, user=user, question_ids=[q.pk for q in entries[quiz.pk]],
                            started_at=began,
                            submitted_at=began + timedelta(minutes=9) if submitted else None,
                            score=0.0 if submitted else None)
                )  # fmt: skip
    made = Attempt.objects.bulk_create(planned, batch_size=2000)
    answers = []
    for n, attempt in enumerate(made):
        submitted = attempt.submitted_at is not None
        questions = entries[attempt.quiz_id]
        total = 0.0
        for k, q in enumerate(questions if submitted else questions[: len(questions) // 2]):
            response, result = graded[q.pk][(n * 7 + k) % len(graded[q.pk])]
            total += result.score
            answers.append(
                Answer(attempt=attempt, question=q, response=response,
                       score=result.score if submitted else None,
                       correct=result.correct if submitted else None,
                       feedback=result.feedback if submitted else {},
                       saved_at=attempt.started_at,
                       graded_at=attempt.submitted_at)
            )  # fmt: skip
        if submitted:
            attempt.score = total / len(questions)
            attempt.passed = attempt.score >= 0.7
    Attempt.objects.bulk_update(
        [a for a in made if a.submitted_at], ["score", "passed"], batch_size=1000
    )
    Answer.objects.bulk_create(answers, batch_size=2000)
    return len(made), len(answers)


def pages(klass: Class, owner: Client) -> dict[str, tuple[str, str]]:
    """name -> (who, address): every page of the class its teachers open."""
    c, quiz = klass.cohort.pk, klass.quizzes[0]
    learner, assignment = klass.learners[min(7, len(klass.learners) - 1)], klass.assignments[0]
    name = learner.username
    gradebook = reverse("teach_cohorts:gradebook", args=[c])
    out = {
        "dashboard": reverse("teach:dashboard"),
        "cohorts": owner.get(reverse("teach_cohorts:list"))["Location"],
        "gradebook": gradebook,
        "gradebook, page 2": gradebook + "?page=2&columns=2",
        "gradebook, found": gradebook + f"?q={name}",
        "gradebook, by progress": gradebook + "?sort=progress&order=desc",
        "gradebook, by a score": gradebook + f"?sort=score-{assignment.pk}",
        "people": reverse("teach_cohorts:people", args=[c]),
        "people, found": reverse("teach_cohorts:people", args=[c]) + f"?q={name}",
        "learner": reverse("teach_cohorts:learner", args=[c, learner.pk]),
        "learner suggestions": reverse("teach_cohorts:learner-find", args=[c])
        + f"?learner={name[:-1]}",
        "assignment": reverse("teach_cohorts:assignment", args=[c, assignment.pk]),
        "new assignment": reverse("teach_cohorts:assignment-create", args=[c]),
        "cohort statistics": reverse("teach_cohorts:quiz-statistics", args=[c, quiz.pk]),
        "quiz statistics": reverse("teach:quiz-statistics", args=[quiz.pk]),
        "gradebook csv": reverse("teach_cohorts:gradebook-csv", args=[c]),
        "answers csv": reverse("teach_cohorts:answers-csv", args=[c]),
        # the first half of the class by name, as a part's link names it (`exports.Part`): a
        # file at any size (the whole class's is a list of parts past ANSWERS_PER_FILE)
        "answers csv, half the class": reverse("teach_cohorts:answers-csv", args=[c])
        + f"?before={klass.learners[len(klass.learners) // 2].username}&part=1",
        # the same for the gradebook (a list of parts past GRADEBOOK_ROWS_PER_FILE rows)
        "gradebook csv, half the class": reverse("teach_cohorts:gradebook-csv", args=[c])
        + f"?before={klass.learners[len(klass.learners) // 2].username}&part=1",
    }
    out = {name: ("owner", url) for name, url in out.items()}
    out["co-instructor: gradebook"] = ("co", gradebook)
    out["co-instructor: dashboard"] = ("co", reverse("teach:dashboard"))
    return out
