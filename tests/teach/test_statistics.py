"""The statistics formulas on small hand-computed examples (teach.statistics).

Every expected number below is worked out by hand in the comments next to it, from the
responses the test writes; the code's own output is never copied in."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction

from lessons.models import Lesson
from quizzes.models import Attempt, Question, Quiz
from teach.statistics import (
    QuestionStats,
    discrimination,
    group_size,
    quiz_statistics,
    submitted_attempts,
)
from tests.quizzes.builders import make_question, make_quiz
from tests.teach.statsdata import T0, build_class, entry_ids, submitted_attempt

pytestmark = pytest.mark.django_db


# --- discrimination on its own ------------------------------------------------------------


def test_group_size_is_27_percent_rounded_half_up():
    # 10 × 0.27 = 2.7 → 3; 12 × 0.27 = 3.24 → 3; 20 × 0.27 = 5.4 → 5; 50 × 0.27 = 13.5 → 14
    assert [group_size(n) for n in (10, 12, 20, 50)] == [3, 3, 5, 14]


def test_discrimination_shares_the_boundary_among_tied_totals():
    pairs = [  # (attempt total, question score)
        (1.0, 1),
        (0.9, 1),
        (0.8, 0),
        (0.8, 1),
        (0.8, 1),  # three tied at 0.8 share the upper group's last place
        (0.5, 1),
        (0.4, 0),
        (0.2, 0),
        (0.2, 1),
        (0.2, 0),  # the lower group is exactly these three
    ]
    # groups of 3; upper = (1 + 1 + 1 × mean(0, 1, 1)) / 3 = (2 + 2/3) / 3 = 8/9
    # lower = (0 + 1 + 0) / 3 = 1/3;  D = 8/9 − 1/3 = 5/9
    assert discrimination(pairs) == pytest.approx(5 / 9)
    # the order the tied attempts arrive in does not matter
    assert discrimination(list(reversed(pairs))) == pytest.approx(5 / 9)


def test_discrimination_is_zero_when_every_total_is_equal():
    pairs = [(0.5, score) for score in (1, 0, 1, 0, 1, 1, 0, 0, 1, 0, 1, 1)]
    assert discrimination(pairs) == pytest.approx(0.0)


def test_discrimination_is_negative_when_weaker_learners_do_better():
    totals = [0.95, 0.9, 0.85, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2]
    pairs = [(t, 1 if t < 0.5 else 0) for t in totals]
    # upper (0.95, 0.9, 0.85) all 0; lower (0.2, 0.3, 0.4) all 1 → D = 0 − 1 = −1
    assert discrimination(pairs) == pytest.approx(-1.0)


def test_discrimination_needs_ten_attempts():
    pairs = [(t / 10, 1) for t in range(9)]
    assert discrimination(pairs) is None
    assert discrimination([*pairs, (1.0, 1)]) is not None


# --- a small class, every kind ------------------------------------------------------------


@pytest.fixture(scope="module")
def _klass_rows(django_db_setup, django_db_blocker):
    """build_class()'s rows, built once for the module, in a transaction rolled back when the
    module ends (as tests/conftest.py's `shipped_course`); each test runs in a savepoint inside
    it (pytest-django's `db`), so what one test changes in the database the next never sees."""
    with django_db_blocker.unblock(), transaction.atomic():
        quiz, qs, lessons = build_class()
        yield quiz.pk, [q.pk for q in qs], [lesson.pk for lesson in lessons]
        transaction.set_rollback(True)


@pytest.fixture
def klass(_klass_rows, db):
    """The small class (tests/teach/statsdata.py), as fresh objects for each test: a test that
    changes one in memory (a question's choices) leaves the next test's copies alone."""
    quiz_pk, question_pks, lesson_pks = _klass_rows
    questions = Question.objects.in_bulk(question_pks)
    lessons = Lesson.objects.in_bulk(lesson_pks)
    return (
        Quiz.objects.get(pk=quiz_pk),
        [questions[pk] for pk in question_pks],
        tuple(lessons[pk] for pk in lesson_pks),
    )


def _stats(quiz, **kw):
    return quiz_statistics(quiz=quiz, attempts=submitted_attempts(quiz=quiz), **kw)


def _counts(q):
    return [(t.count, t.total) for t in q.tallies]


def test_facility_is_the_mean_score_with_unanswered_as_zero(klass):
    quiz, _, _ = klass
    stats = _stats(quiz)
    assert (stats.attempts, stats.learners) == (4, 3)
    facility = [q.facility for q in stats.questions]
    # Q1 single: 0, 1, 1, 0 → 0.5
    # Q2 multiple, (right − wrong) / 4 each: {A,B} 1; {A} (3 − 1)/4 = .5; {A,C} (2 − 2)/4 = 0;
    #    unanswered 0 → 1.5 / 4 = 0.375
    # Q3 ordering, share in place: 1, .5 (first two swapped), .5 (last two), .5 → 2.5/4
    # Q4 categorize: 3/3, 2/3, 1/3, unanswered → 2 / 4 = 0.5
    # Q5 decision, key Allow (the scenario's policy allows it): 1, 0, 0, 0 → 0.25
    assert facility[:5] == pytest.approx([0.5, 0.375, 0.625, 0.5, 0.25])
    assert [q.answered for q in stats.questions] == [4, 3, 4, 3, 4, 4]
    # four attempts are too few for a discrimination index
    assert all(q.discrimination is None and q.too_few for q in stats.questions)


def test_choice_counts(klass):
    quiz, _, _ = klass
    single, multiple = _stats(quiz).questions[:2]
    # picks: Ada1 "Share it", Ada2 and Grace "Turn on MFA", anonymous "Use it daily"
    assert [(t.label, t.count, t.total, t.key) for t in single.tallies] == [
        ("Turn on MFA", 2, 4, True),
        ("Share it", 1, 4, False),
        ("Use it daily", 1, 4, False),
    ]
    # {A,B}, {A}, {A,C}: A three times, B once, C once, D never, out of three answers
    assert _counts(multiple) == [(3, 3), (1, 3), (1, 3), (0, 3)]
    assert [t.key for t in multiple.tallies] == [True, True, False, False]


def test_items_placed_right(klass):
    quiz, _, _ = klass
    ordering, categorize = _stats(quiz).questions[2:4]
    # orders: 1234, 2134, 1243, 1324 → item 1 right in 3, item 2 in 2, item 3 in 2, item 4 in 3
    assert _counts(ordering) == [(3, 4), (2, 4), (2, 4), (3, 4)]
    # Hypervisor→AWS: right in Ada1, Ada2; Guest OS→Customer: Ada1 only; Your data: all three
    assert _counts(categorize) == [(2, 3), (1, 3), (3, 3)]
    guest = categorize.tallies[1]
    assert "“AWS” (2)" in guest.note  # Ada2 and Grace put the guest OS with AWS


def test_decision_counts_against_the_engines_key(klass):
    quiz, _, _ = klass
    decision = _stats(quiz).questions[4]
    # Allow once (Ada1), ExplicitDeny once (Ada2), ImplicitDeny twice; the key is Allow
    assert [(t.count, t.total, t.key) for t in decision.tallies] == [
        (1, 4, True),
        (1, 4, False),
        (2, 4, False),
    ]


def test_least_privilege_misses_and_overgrants(klass):
    quiz, _, _ = klass
    lp = _stats(quiz).questions[5]
    # three policies parse (Ada1 deletes too, Ada2 just right, Grace puts too); one does not
    assert (lp.checked, lp.unparsed) == (3, 1)
    # only Ada1's policy lets the must-deny DeleteObject through; GetObject always passes
    assert lp.most_missed.label.startswith("s3:DeleteObject on arn:aws:s3:::reports/q1.csv")
    assert _counts(lp) == [(1, 3), (0, 3)]
    # over-grants on the rest of the bucket: PutObject by Ada1 and Grace, DeleteObject by Ada1
    assert lp.overgranting == 2
    assert [(t.label, t.count) for t in lp.overgrants] == [
        ("s3:PutObject on arn:aws:s3:::reports/example", 2),
        ("s3:DeleteObject on arn:aws:s3:::reports/example", 1),
    ]


def test_misconceptions_ranked_by_learners_then_wrong_answers(klass):
    quiz, _, (l1, l2) = klass
    ranking = _stats(quiz).misconceptions
    # root-is-limited: Q1 wrong by Ada1, anon; Q2 wrong by Ada2, Grace → 3 learners, 4 answers
    # implicit-vs-explicit: Q5 wrong by Ada2, Grace, anon → 3 learners, 3 answers
    # wildcards-are-fine: Q6 wrong by Ada1, Grace, anon (Ada2 right) → 3, 3 (after "implicit")
    # aws-patches-guest: Q4 wrong by Ada2, Grace → 2, 2;  mfa-optional: Q2 the same → 2, 2
    assert [(m.tag, m.learners, m.wrong_answers) for m in ranking] == [
        ("root-is-limited", 3, 4),
        ("implicit-vs-explicit", 3, 3),
        ("wildcards-are-fine", 3, 3),
        ("aws-patches-guest", 2, 2),
        ("mfa-optional", 2, 2),
    ]
    assert ranking[0].lessons == (l1, l2)  # the lessons of Q1 and Q2, in question order


def test_first_attempts_only(klass):
    quiz, _, _ = klass
    stats = _stats(quiz, first_only=True)
    # Ada's first (not her later, better one), Grace's, the anonymous learner's
    assert (stats.attempts, stats.learners) == (3, 3)
    # Q1: Ada1 0, Grace 1, anon 0 → 1/3
    assert stats.questions[0].facility == pytest.approx(1 / 3)
    assert _counts(stats.questions[0]) == [(1, 3), (1, 3), (1, 3)]


def test_a_cohorts_users_narrow_the_attempts(klass):
    quiz, _, _ = klass
    ada = get_user_model().objects.filter(username="ada-s")
    stats = quiz_statistics(quiz=quiz, attempts=submitted_attempts(quiz=quiz, users=ada))
    assert (stats.attempts, stats.learners) == (2, 1)
    assert stats.questions[0].facility == pytest.approx(0.5)  # Share it (0), then MFA (1)


def test_unsubmitted_attempts_and_other_quizzes_are_left_out(klass):
    quiz, qs, _ = klass
    Attempt.objects.create(quiz=quiz, question_ids=[q.pk for q in qs], started_at=T0)
    other = make_quiz(qs[0])
    submitted_attempt(
        other, [qs[0]], key="elsewhere", answers={qs[0]: {"choice": entry_ids(qs[0])[0]}}
    )
    every_attempt = Attempt.objects.values_list("pk", flat=True)
    assert quiz_statistics(quiz=quiz, attempts=every_attempt).attempts == 4


def test_discrimination_through_the_quiz_uses_attempt_totals(db):
    question = make_question("true_false", misconceptions=[])
    quiz = make_quiz(question)
    right, wrong = {"answer": True}, {"answer": False}
    # ten attempts; totals stored as the app would for a one-question quiz, except that the
    # last one is unanswered (0). Six right (1.0), four wrong or blank (0.0).
    answers = [right] * 6 + [wrong] * 3 + [None]
    for n, response in enumerate(answers):
        submitted_attempt(
            quiz, [question], key=f"k{n}", answers={question: response} if response else {}
        )
    stats = _stats(quiz)
    q = stats.questions[0]
    assert q.facility == pytest.approx(0.6)
    # groups of 3: the upper three are all right (1), the lower three all 0 → D = 1
    assert q.discrimination == pytest.approx(1.0)
    assert q.flag == ""
    assert _counts(q) == [(6, 9), (3, 9)]  # True picked 6 times of 9 answers


def test_the_flags():
    q = QuestionStats(question=None, position=1)
    flags = []
    for d in (None, -0.05, 0.0, 0.19, 0.2, 0.5):
        q.discrimination = d
        flags.append(q.flag)
    assert flags == ["", "negative", "weak", "weak", "", ""]


def test_a_question_edited_into_a_broken_shape_keeps_its_scores_and_loses_only_its_counts(klass):
    quiz, qs, _ = klass
    ordering = qs[2]
    type(ordering).objects.filter(pk=ordering.pk).update(data={"items": "no longer a list"})
    stats = _stats(quiz)
    broken = stats.questions[2]
    assert broken.facility == pytest.approx(0.625)  # as before: the stored scores
    assert broken.tallies == []
    assert stats.questions[0].tallies  # the others are untouched


def test_picks_of_a_choice_since_removed_are_counted_apart(klass):
    quiz, qs, _ = klass
    single = qs[0]
    single.data["choices"] = [c for c in single.data["choices"] if c["text"] != "Use it daily"]
    single.save()
    tallies = _stats(quiz).questions[0].tallies
    # the anonymous learner picked "Use it daily" before it was taken out
    assert [(t.label, t.count) for t in tallies] == [
        ("Turn on MFA", 2),
        ("Share it", 1),
        ("A choice since removed", 1),
    ]
