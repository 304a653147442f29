"""Work done before signing in belongs to the account afterwards.

A receiver of Django's `user_logged_in` (sent by sign-up, sign-in and allauth alike) hands the
anonymous learner's attempts to the user, and puts the questions they missed in submitted
attempts into the user's review queue, as if they had been signed in all along.

That happens inside the sign-in's request, so its work is bounded: a browser holds at most
`attempts.MAX_ANONYMOUS_ATTEMPTS` attempts (a start past it asks to sign in), and the review
queue is replayed from the newest submitted ones, at most `MAX_CARRIED_RESULTS` questions in
all. Before, each carried attempt cost ~3 ms (~18 ms for one of 200 questions): 1,000
anonymous attempts, under an hour of starts, made one sign-in cost 2.8 s of CPU.
"""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.dispatch import receiver

from quizzes import review
from quizzes.attempts import MAX_ANONYMOUS_ATTEMPTS
from quizzes.models import Answer, Attempt, Question
from quizzes.results_version import results_changed

LEARNER_KEY = "quizzes_learner_key"  # the session key quizzes/views.py keeps it under

# The most questions of carried attempts replayed into the review queue at a sign-in: 50
# attempts of the course's quizzes (20-40 questions), or 10 of the largest a quiz asks (200).
# Older attempts are carried all the same; only their place in the queue is not worked out.
MAX_CARRIED_RESULTS = 2_000


def carry_attempts(*, user, learner_key: str) -> int:
    """Give `user` the anonymous attempts made under `learner_key`; returns how many."""
    if not learner_key:
        return 0
    with transaction.atomic():
        owned = Attempt.objects.filter(user__isnull=True, learner_key=learner_key)
        # The newest handed-in attempts, locked so a concurrent sign-in carries them once.
        newest = list(
            owned.select_for_update()
            .filter(submitted_at__isnull=False)
            .order_by("-submitted_at", "-pk")
            .values_list("pk", "submitted_at", "question_ids")[:MAX_ANONYMOUS_ATTEMPTS]
        )
        quiz_ids = list(owned.order_by().values_list("quiz_id", flat=True).distinct())
        carried = owned.update(user=user)
        if not carried:
            return 0
        results_changed(*quiz_ids)  # a key's learner is now the account's
        replayed, room = [], MAX_CARRIED_RESULTS
        for pk, submitted_at, question_ids in newest:
            if submitted_at is None:  # none is: they were read handed in
                continue
            if len(question_ids) > room:
                break
            room -= len(question_ids)
            replayed.append((pk, submitted_at, question_ids))
        replayed.reverse()  # oldest first, as they were handed in
        questions = Question.objects.in_bulk({qid for *_, ids in replayed for qid in ids})
        correct = {
            (attempt_id, question_id): right
            for attempt_id, question_id, right in Answer.objects.filter(
                attempt_id__in=[pk for pk, *_ in replayed]
            ).values_list("attempt_id", "question_id", "correct")
        }
        review.cards_replay(
            user_id=user.pk,
            sittings=[
                (
                    submitted_at,
                    [
                        (questions[qid], bool(correct.get((pk, qid))))
                        for qid in question_ids
                        if qid in questions
                    ],
                )
                for pk, submitted_at, question_ids in replayed
            ],
        )
    return carried


@receiver(user_logged_in, dispatch_uid="quizzes-carry-anonymous-attempts")
def _carry_on_login(sender, request, user, **kwargs) -> None:
    session = getattr(request, "session", None)
    if session is not None:
        carry_attempts(user=user, learner_key=session.get(LEARNER_KEY, ""))
