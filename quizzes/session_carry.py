"""Work done before signing in belongs to the account afterwards.

A receiver of Django's `user_logged_in` (sent by sign-up, sign-in and allauth alike) hands the
anonymous learner's attempts to the user, and puts the questions they missed in submitted
attempts into the user's review queue, as if they had been signed in all along.
"""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver

from quizzes import review
from quizzes.models import Answer, Attempt, Question
from quizzes.results_version import results_changed

LEARNER_KEY = "quizzes_learner_key"  # the session key quizzes/views.py keeps it under


def carry_attempts(*, user, learner_key: str) -> int:
    """Give `user` the anonymous attempts made under `learner_key`; returns how many."""
    if not learner_key:
        return 0
    with transaction.atomic():
        carried = list(
            Attempt.objects.select_for_update().filter(user__isnull=True, learner_key=learner_key)
        )
        if not carried:
            return 0
        Attempt.objects.filter(pk__in=[a.pk for a in carried]).update(user=user)
        results_changed(*(a.quiz_id for a in carried))  # a key's learner is now the account's
        for attempt in carried:
            if attempt.submitted_at is None:
                continue
            questions = Question.objects.in_bulk(attempt.question_ids)
            correct = dict(
                Answer.objects.filter(attempt=attempt).values_list("question_id", "correct")
            )
            results = [
                (questions[qid], bool(correct.get(qid)))
                for qid in attempt.question_ids
                if qid in questions
            ]
            review.cards_record(user=user, results=results, now=attempt.submitted_at)
    return len(carried)


@receiver(user_logged_in, dispatch_uid="quizzes-carry-anonymous-attempts")
def _carry_on_login(sender, request, user, **kwargs) -> None:
    session = getattr(request, "session", None)
    if session is not None:
        carry_attempts(user=user, learner_key=session.get(LEARNER_KEY, ""))
