"""An instructor at realistic scale, for the benchmarks of the teaching and cohort pages: 60
quizzes of their own of 25 questions each (1,500 questions, tagged and with misconceptions), a
cohort of 300 learners with 40 of those quizzes assigned, and 2,000 submitted attempts at them
(50,000 answers), graded as the app grades them (`tests.teach.statsdata.bulk_class`'s way:
each distinct response graded once). Two smaller cohorts of theirs stand beside it, as a
teacher running several classes has. Made with bulk inserts: about 10 s.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model

from cohorts import services
from cohorts.models import Assignment, Cohort, Membership
from lessons.models import Source
from quizzes.grading import grade
from quizzes.models import Answer, Attempt, Question, Quiz, QuizQuestion, Tag
from tests.cohorts.conftest import T0, at
from tests.quizzes.builders import default_data

QUIZZES = 60
QUESTIONS_PER_QUIZ = 25
LEARNERS = 300
ASSIGNMENTS = 40
ANSWERS = 50_000
KINDS = ("single", "multiple", "true_false")
MISCONCEPTIONS = [f"thinks-{word}" for word in ("root-is-fine", "mfa-optional", "aws-patches",
                  "sg-is-stateless", "deny-is-default", "keys-never-rotate")]  # fmt: skip
TAGS = [f"week-{n}" for n in range(1, 13)]


@dataclass
class Scale:
    teacher: object
    cohort: Cohort
    quizzes: list[Quiz]
    questions: list[Question]
    assignments: list[Assignment]
    learners: list
    attempts: int
    answers: int


def _responses(question: Question) -> list[dict]:
    """A few responses to `question`, right and wrong, as a learner's page sends them."""
    data = question.data
    if question.type == "true_false":
        return [{"answer": True}, {"answer": False}]
    ids = [c["id"] for c in data["choices"]]
    texts = [c["text"] for c in data["choices"]]
    if question.type == "single":
        return [{"choice": i, "text": t} for i, t in zip(ids, texts, strict=True)]
    return [
        {"choices": ids[:2], "texts": texts[:2]},
        {"choices": ids[:1], "texts": texts[:1]},
        {"choices": [ids[0], ids[2]], "texts": [texts[0], texts[2]]},
    ]


def build(teacher) -> Scale:
    """The teacher's quizzes, questions, cohorts and their learners' work (see the module)."""
    users = get_user_model().objects
    questions = Question.objects.bulk_create(
        Question(
            slug=f"scale-q-{n}",
            type=KINDS[n % len(KINDS)],
            category=f"bank-{n % 8}",
            prompt=f"Which control answers case {n} of week {n % 12 + 1}?",
            explanation=f"Because of reason {n}: the customer configures it.",
            misconceptions=MISCONCEPTIONS[n % 6 : n % 6 + 1 + n % 2],
            data=default_data(KINDS[n % len(KINDS)]),
            owner=teacher,
            source=Source.AUTHORED,
        )
        for n in range(QUIZZES * QUESTIONS_PER_QUIZ)
    )
    tags = Tag.objects.bulk_create(Tag(slug=slug) for slug in TAGS)
    Question.tags.through.objects.bulk_create(
        Question.tags.through(question_id=q.pk, tag_id=tags[n % len(tags)].pk)
        for n, q in enumerate(questions)
        if n % 3
    )
    quizzes = Quiz.objects.bulk_create(
        Quiz(
            slug=f"scale-quiz-{n}",
            title=f"Week {n % 12 + 1}: checkpoint {n}",
            owner=teacher,
            source=Source.AUTHORED,
            published=True,
        )
        for n in range(QUIZZES)
    )
    QuizQuestion.objects.bulk_create(
        QuizQuestion(quiz=quiz, question=questions[QUESTIONS_PER_QUIZ * n + k], order=k + 1)
        for n, quiz in enumerate(quizzes)
        for k in range(QUESTIONS_PER_QUIZ)
    )
    learners = users.bulk_create(
        get_user_model()(username=f"learner-{n:04}", email=f"learner-{n:04}@example.com")
        for n in range(LEARNERS)
    )
    cohort = services.cohort_create(owner=teacher, name="Autumn cloud security", now=T0)
    Membership.objects.bulk_create(
        Membership(cohort=cohort, user=user, joined_at=at(hours=1)) for user in learners
    )
    for name, members in (("Evening class", learners[:40]), ("Workshop", learners[250:])):
        other = services.cohort_create(owner=teacher, name=name, now=T0)
        Membership.objects.bulk_create(
            Membership(cohort=other, user=user, joined_at=at(hours=1)) for user in members
        )
    assignments = Assignment.objects.bulk_create(
        Assignment(
            cohort=cohort,
            quiz=quiz,
            created_at=at(hours=2),
            due_at=at(days=7 * (n // 3 + 1)),
            created_by=teacher,
        )
        for n, quiz in enumerate(quizzes[:ASSIGNMENTS])
    )
    attempts = _attempts(quizzes[:ASSIGNMENTS], learners)
    return Scale(teacher, cohort, quizzes, questions, assignments, learners, *attempts)


def _attempts(quizzes: list[Quiz], learners: list) -> tuple[int, int]:
    """ANSWERS answers in submitted attempts (every question answered): attempt i is learner
    i % LEARNERS's, at a quiz the next along from their last, so each has tried six or seven
    of the quizzes, and each quiz has some fifty attempts."""
    n = ANSWERS // QUESTIONS_PER_QUIZ
    entries: dict[int, list[Question]] = {quiz.pk: [] for quiz in quizzes}
    for entry in QuizQuestion.objects.filter(quiz__in=quizzes).select_related("question"):
        entries[entry.quiz_id].append(entry.question)  # in order: QuizQuestion's ordering
    graded = {
        q.pk: [(r, grade(q, r)) for r in _responses(q)] for qs in entries.values() for q in qs
    }
    start = at(hours=3)

    def quiz(i: int) -> Quiz:
        return quizzes[(i % len(learners) + i // len(learners)) % len(quizzes)]

    made = Attempt.objects.bulk_create(
        Attempt(
            quiz=quiz(i),
            user=learners[i % len(learners)],
            question_ids=[q.pk for q in entries[quiz(i).pk]],
            started_at=start + timedelta(minutes=i),
            submitted_at=start + timedelta(minutes=i + 9),
            score=0.0,
        )
        for i in range(n)
    )
    answers = []
    for i, attempt in enumerate(made):
        total = 0.0
        for k, q in enumerate(entries[attempt.quiz_id]):
            response, result = graded[q.pk][(i * 7 + k) % len(graded[q.pk])]
            total += result.score
            answers.append(
                Answer(attempt=attempt, question=q, response=response, score=result.score,
                       correct=result.correct, feedback=result.feedback,
                       saved_at=attempt.started_at, graded_at=attempt.submitted_at)
            )  # fmt: skip
        attempt.score = total / QUESTIONS_PER_QUIZ
        attempt.passed = attempt.score >= 0.7
    Attempt.objects.bulk_update(made, ["score", "passed"], batch_size=500)
    Answer.objects.bulk_create(answers, batch_size=2000)
    return len(made), len(answers)
