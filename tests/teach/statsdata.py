"""Hand-made attempts for the statistics tests and the benchmark: answers graded as the app
grades them, so what is stored is what a real class would leave."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from quizzes.grading import grade
from quizzes.models import Answer, Attempt
from tests.conftest import make_lesson
from tests.quizzes.builders import allow, make_question, make_quiz, policy

T0 = timezone.now() - timedelta(days=1)


def submitted_attempt(quiz, questions, user=None, key="", minutes=0, answers=()):
    """A submitted attempt holding `questions`, with `answers` ({question: response}) graded
    as the app grades them; its total is the mean, unanswered questions counting 0."""
    now = T0 + timedelta(minutes=minutes)
    attempt = Attempt.objects.create(
        quiz=quiz,
        user=user,
        learner_key=key,
        question_ids=[q.pk for q in questions],
        started_at=now,
        submitted_at=now + timedelta(minutes=5),
    )
    scores = []
    for question in questions:
        response = dict(answers).get(question)
        if response is None:
            scores.append(0.0)
            continue
        result = grade(question, response)
        Answer.objects.create(
            attempt=attempt,
            question=question,
            response=response,
            score=result.score,
            correct=result.correct,
            feedback=result.feedback,
            saved_at=now,
            graded_at=now,
        )
        scores.append(result.score)
    attempt.score = sum(scores) / len(scores)
    attempt.save(update_fields=["score"])
    return attempt


def entry_ids(question):
    return [c["id"] for c in question.data.get("choices") or question.data.get("items")]


def build_class():
    """Four attempts at a six-question quiz: Ada twice, Grace once, an anonymous learner once."""
    users = get_user_model().objects
    ada, grace = users.create_user("ada-s"), users.create_user("grace-s")
    l1, l2 = make_lesson(title="Root user"), make_lesson(title="MFA")
    single = make_question("single", lesson=l1, misconceptions=["root-is-limited"])
    multiple = make_question(
        "multiple", lesson=l2, misconceptions=["root-is-limited", "mfa-optional"]
    )
    ordering = make_question("ordering", misconceptions=[])
    categorize = make_question("categorize", misconceptions=["aws-patches-guest"])
    decision = make_question("policy_decision", misconceptions=["implicit-vs-explicit"])
    lp = make_question("least_privilege", misconceptions=["wildcards-are-fine"])
    qs = [single, multiple, ordering, categorize, decision, lp]
    quiz = make_quiz(*qs)

    mfa, share, daily = entry_ids(single)
    a, b, c, d = entry_ids(multiple)
    first, second, third, fourth = entry_ids(ordering)
    hyper, guest, data = entry_ids(categorize)
    reports = "arn:aws:s3:::reports/*"
    just_right = policy(allow("s3:GetObject", "arn:aws:s3:::reports/q1.csv"))
    puts_too = policy(allow(["s3:GetObject", "s3:PutObject"], reports))
    deletes_too = policy(allow(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], reports))

    def placed(h, g, y):
        return {"placed": {hyper: h, guest: g, data: y}, "texts": {}}

    submitted_attempt(quiz, qs, user=ada, minutes=0, answers={  # Ada's first
        single: {"choice": share},
        multiple: {"choices": [a, b]},
        ordering: {"order": [first, second, third, fourth]},
        categorize: placed("AWS", "Customer", "Customer"),
        decision: {"decision": "Allow"},
        lp: {"policy": deletes_too},
    })  # fmt: skip
    submitted_attempt(quiz, qs, user=ada, minutes=60, answers={  # Ada's second
        single: {"choice": mfa},
        multiple: {"choices": [a]},
        ordering: {"order": [second, first, third, fourth]},
        categorize: placed("AWS", "AWS", "Customer"),
        decision: {"decision": "ExplicitDeny"},
        lp: {"policy": just_right},
    })  # fmt: skip
    submitted_attempt(quiz, qs, user=grace, minutes=30, answers={
        single: {"choice": mfa},
        multiple: {"choices": [a, c]},
        ordering: {"order": [first, second, fourth, third]},
        categorize: placed("Customer", "AWS", "Customer"),
        decision: {"decision": "ImplicitDeny"},
        lp: {"policy": puts_too},
    })  # fmt: skip
    submitted_attempt(quiz, qs, key="anon-1", minutes=10, answers={  # leaves Q2 and Q4 unanswered
        single: {"choice": daily},
        ordering: {"order": [first, third, second, fourth]},
        decision: {"decision": "ImplicitDeny"},
        lp: {"policy": '{"Version": "2012-10-17", "Statement": ['},  # does not parse
    })  # fmt: skip
    return quiz, qs, (l1, l2)


def bulk_class(quiz, questions, responses, n: int, *, users=()):
    """`n` submitted attempts at `quiz` made fast: attempt i answers each question with
    `responses[question][(i * 7 + k) % len]` (k: the question's index), each distinct response
    graded once. Attempts belong to `users` in turn, else to anonymous keys."""
    graded = {(q.pk, j): grade(q, r) for q in questions for j, r in enumerate(responses[q])}
    now = T0
    users = list(users)
    attempts = Attempt.objects.bulk_create(
        Attempt(
            quiz=quiz,
            user=users[i % len(users)] if users else None,
            learner_key="" if users else f"bulk-{i}",
            question_ids=[q.pk for q in questions],
            started_at=now + timedelta(seconds=i),
            submitted_at=now + timedelta(seconds=i + 1),
            score=0.0,
        )
        for i in range(n)
    )
    answers = []
    for i, attempt in enumerate(attempts):
        total = 0.0
        for k, q in enumerate(questions):
            j = (i * 7 + k) % len(responses[q])
            result = graded[(q.pk, j)]
            total += result.score
            answers.append(
                Answer(
                    attempt=attempt,
                    question=q,
                    response=responses[q][j],
                    score=result.score,
                    correct=result.correct,
                    feedback=result.feedback,
                    saved_at=now,
                    graded_at=now,
                )
            )
        attempt.score = total / len(questions)
    Attempt.objects.bulk_update(attempts, ["score"], batch_size=500)
    Answer.objects.bulk_create(answers, batch_size=1000)
    return attempts


def mixed_quiz(owner=None):
    """A quiz of every kind with a handful of plausible responses to each (right and wrong)."""
    from lessons.models import Source

    fields = {"owner": owner, "source": Source.AUTHORED} if owner else {}
    single = make_question("single", misconceptions=["root-is-limited"], **fields)
    multiple = make_question("multiple", misconceptions=["mfa-optional"], **fields)
    ordering = make_question("ordering", misconceptions=["order-of-evaluation"], **fields)
    categorize = make_question("categorize", misconceptions=["aws-patches-guest"], **fields)
    decision = make_question(
        "policy_decision", misconceptions=["implicit-vs-explicit"], ask_statement=True, **fields
    )
    lp = make_question("least_privilege", misconceptions=["wildcards-are-fine"], **fields)
    true_false = make_question("true_false", misconceptions=["shared-means-aws"], **fields)
    questions = [single, multiple, ordering, categorize, decision, lp, true_false]
    quiz = make_quiz(*questions, **fields)
    c = entry_ids(single)
    m = entry_ids(multiple)
    o = entry_ids(ordering)
    h, g, d = entry_ids(categorize)
    reports = "arn:aws:s3:::reports/*"
    responses = {
        single: [{"choice": x} for x in c],
        multiple: [{"choices": m[:2]}, {"choices": m[:1]}, {"choices": [m[0], m[2]]}],
        ordering: [{"order": o}, {"order": [o[1], o[0], *o[2:]]}, {"order": o[::-1]}],
        categorize: [
            {"placed": {h: "AWS", g: "Customer", d: "Customer"}},
            {"placed": {h: "AWS", g: "AWS", d: "Customer"}},
        ],
        decision: [
            {"decision": "Allow", "statement": "identity::0:0"},
            {"decision": "ImplicitDeny", "statement": "none"},
            {"decision": "ExplicitDeny", "statement": "none"},
        ],
        lp: [
            {"policy": policy(allow("s3:GetObject", "arn:aws:s3:::reports/q1.csv"))},
            {"policy": policy(allow(["s3:GetObject", "s3:PutObject"], reports))},
            {"policy": policy(allow("s3:*", "*"))},
            {"policy": "{not json"},
        ],
        true_false: [{"answer": True}, {"answer": False}, {"answer": True}],
    }
    return quiz, questions, responses
