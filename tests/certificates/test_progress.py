"""Course progress: what makes a module complete, what the certificate needs, and the cost."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from certificates.progress import (
    CourseProgress,
    ModuleProgress,
    Part,
    certificate_ready,
    course_progress,
    module_complete,
    module_parts,
)
from lessons import knowledge_checks
from lessons import progress as lesson_progress
from lessons.models import Module
from quizzes import review
from quizzes.models import QuizQuestion, ReviewCard
from tests.certificates.conftest import complete, course_from, read_all, take
from tests.conftest import make_lesson, make_module, make_scenario
from tests.quizzes.builders import make_question, make_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(shared_course, db):
    """The small course, built once for this module (tests/certificates/conftest.py)."""
    return course_from(shared_course)


def test_module_complete_needs_every_required_part():
    lessons = Part("lessons", "Lessons completed", 2, 2)
    assert module_complete([lessons, Part("quiz", "Quiz passed", 1, 1)])
    assert not module_complete([lessons, Part("quiz", "Quiz passed", 0, 1)])
    assert not module_complete([Part("lessons", "Lessons completed", 1, 2)])
    # review items are shown, never required
    assert module_complete([lessons, Part("review", "Mastered", 0, 5, required=False)])
    assert not module_complete([Part("review", "Mastered", 0, 0, required=False)])


def test_module_parts_gathers_lessons_quiz_and_review():
    parts = module_parts(
        lessons=(1, 3), quizzes=[{"passed": False}, {"passed": True}], review=(2, 4)
    )
    assert [(p.key, p.done, p.total, p.required) for p in parts] == [
        ("lessons", 1, 3, True),
        ("quiz", 1, 1, True),
        ("review", 2, 4, False),
    ]
    assert [p.key for p in module_parts(lessons=(1, 1), quizzes=[], review=(0, 0))] == [
        "lessons",
        "review",
    ]


def test_module_parts_shows_knowledge_checks_answered_of_offered_but_never_requires_them():
    parts = module_parts(lessons=(2, 2), quizzes=[], review=(0, 0), checks=(1, 3))
    assert [(p.key, p.done, p.total, p.required) for p in parts] == [
        ("lessons", 2, 2, True),
        ("checks", 1, 3, False),
        ("review", 0, 0, False),
    ]
    assert module_complete(parts)
    # a module offering no check has no such part
    assert "checks" not in [p.key for p in module_parts(lessons=(1, 1), quizzes=[], review=(0, 0))]


def _answer(user, lesson, ref, *, correct=True):
    knowledge_checks.record(
        user=user, lesson=lesson, kind="question", ref=ref, response={}, score=1.0, correct=correct
    )


def test_knowledge_checks_count_per_module_and_are_not_needed_to_complete_it(
    course, learner, other_learner
):
    one, two = course["modules"]
    first, second = course["lessons"][one.pk]
    make_scenario(first, slug="predict-me")  # a scenario shown in the lesson: one check
    for slug in ("q-one", "q-two", "q-three"):  # checks count only once their question exists
        make_question(slug=slug, lesson=second)
    second.body += "\n::: check q-one\n:::\n\nMore words.\n\n::: check q-two\n:::\n"
    second.save()
    draft = make_lesson(one, published=False, body="::: check q-three\n:::\n")  # not offered
    _answer(learner, second, "q-one")
    _answer(learner, second, "q-two", correct=False)  # a wrong first answer still counts
    _answer(learner, second, "q-two")  # a second try is not a second check
    _answer(other_learner, first, "predict-me")  # someone else's

    progress = course_progress(learner)
    checks = progress.for_module(one.pk).checks
    assert (checks.done, checks.total, checks.required) == (2, 3, False)
    assert progress.for_module(two.pk).checks is None  # it offers none
    # The database's count agrees with the one that renders each lesson.
    offered = knowledge_checks.offered_by_lesson([first.pk, second.pk])
    assert checks.total == sum(offered.values())
    assert draft.pk not in offered

    complete(learner, course)  # every lesson read and quiz passed, one check unanswered
    assert course_progress(learner).for_module(one.pk).complete
    assert course_progress(other_learner).for_module(one.pk).checks.done == 1
    assert course_progress(_anonymous(), {}).for_module(one.pk).checks.done == 0


def test_a_module_is_complete_when_its_lessons_are_read_and_its_quiz_passed(course, learner):
    one, two = course["modules"]
    progress = course_progress(learner)
    assert [m.module.pk for m in progress.modules] == [one.pk, two.pk]
    assert (progress.modules[0].lessons.done, progress.modules[0].lessons.total) == (0, 2)
    read_all(learner, course)
    progress = course_progress(learner)
    assert not progress.for_module(one.pk).complete  # its quiz is not passed yet
    assert progress.for_module(two.pk).complete  # no quiz: lessons are enough
    take(course["quiz"], learner, right=False)
    assert not course_progress(learner).for_module(one.pk).complete  # a failed attempt
    take(course["quiz"], learner)
    progress = course_progress(learner)
    assert progress.for_module(one.pk).complete
    assert progress.modules_complete == 2
    assert not progress.ready  # the final exam is not passed
    assert progress.percent == 80  # 3 lessons + 1 quiz of 3 + 1 + 1 exam


def test_the_certificate_needs_every_module_and_the_final_exam(course, learner):
    take(course["exam"], learner)
    assert not course_progress(learner).ready  # exam passed, modules not complete
    read_all(learner, course)
    take(course["quiz"], learner)
    progress = course_progress(learner)
    assert progress.ready and certificate_ready(progress) and progress.percent == 100


def test_the_progress_carries_the_learners_own_certificate_once_issued(
    course, learner, other_learner
):
    from certificates.issuing import issue

    complete(learner, course)
    assert course_progress(learner).certificate is None
    issued = issue(user=learner, name="Ada Lovelace")
    found = course_progress(learner).certificate
    assert found == issued and found.name == "Ada Lovelace"
    assert found.issued_at == issued.issued_at and found.code == issued.code
    assert course_progress(other_learner).certificate is None


def test_without_a_published_exam_the_modules_are_enough(course, learner):
    course["exam"].published = False
    course["exam"].save()
    read_all(learner, course)
    take(course["quiz"], learner)
    progress = course_progress(learner)
    assert progress.exam is None and progress.ready


def test_another_learners_work_never_counts(course, learner, other_learner):
    complete(other_learner, course)
    progress = course_progress(learner)
    assert progress.percent == 0 and not progress.ready


def test_review_items_mastered_are_counted_per_module(course, learner):
    one, _ = course["modules"]
    question = course["quiz"].questions.get()
    other = make_question(lesson=course["lessons"][one.pk][1], module=None)  # by its lesson
    start = timezone.now() - timedelta(days=200)
    review.card_record(user=learner, question=question, correct=False, now=start)
    review.card_record(user=learner, question=other, correct=False, now=start)
    assert course_progress(learner).for_module(one.pk).review.total == 2
    assert course_progress(learner).for_module(one.pk).review.done == 0
    when = start
    for _ in range(8):  # right again and again: the intervals grow past three weeks
        card = ReviewCard.objects.get(user=learner, question=question)
        when = max(when, card.due) + timedelta(minutes=1)
        review.card_record(user=learner, question=question, correct=True, now=when)
    card = ReviewCard.objects.get(user=learner, question=question)
    assert card.due - card.last_reviewed_at >= timedelta(days=21)
    part = course_progress(learner).for_module(one.pk).review
    assert (part.done, part.total, part.required) == (1, 2, False)


def test_a_question_taken_out_of_use_leaves_the_modules_review_count(course, learner):
    # The review queue, its counts and the badge leave an archived question's card out; the
    # module's "Review: 0 of 2 items mastered" counted it, beside a queue of one question.
    one, _ = course["modules"]
    question = course["quiz"].questions.get()
    other = make_question(lesson=course["lessons"][one.pk][1], module=None)
    now = timezone.now()
    review.card_record(user=learner, question=question, correct=False, now=now)
    review.card_record(user=learner, question=other, correct=False, now=now)
    other.archived = True
    other.save()
    assert course_progress(learner).for_module(one.pk).review.total == 1
    assert review.queue(user=learner, now=now, module_id=one.pk).later_today == 1
    other.archived = False  # back in use: back in the count, its card as it was
    other.save()
    assert course_progress(learner).for_module(one.pk).review.total == 2


def test_an_anonymous_learners_progress_comes_from_their_session(course, client):
    session = client.session
    read_all(client_user := _anonymous(), course, session=session)
    take(course["quiz"], client_user, session_key="browser-key")
    progress = course_progress(client_user, session, learner_key="browser-key")
    assert progress.modules_complete == 2
    assert course_progress(client_user, session, learner_key="another").modules_complete == 1


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


def test_progress_costs_a_fixed_number_of_queries_whatever_the_amount_of_work(course, learner):
    # A body is only measured in the database (for its `::: check` markers), never sent.
    sent_body = re.compile(r'(?<!LENGTH\()(?<!REPLACE\()"lessons_lesson"\."body"')

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            course_progress(learner)
        assert not any(sent_body.search(q["sql"]) for q in ctx.captured_queries)
        return len(ctx.captured_queries)

    before = count()
    complete(learner, course)
    for _ in range(3):
        module = make_module()
        lessons = [make_lesson(module) for _ in range(4)]
        for lesson in lessons:
            lesson_progress.mark_complete(user=learner, lesson=lesson)
        question = make_question(lesson=lessons[0], module=module)
        quiz = make_quiz(question, module=module)
        take(quiz, learner)
        review.card_record(user=learner, question=question, correct=False, now=timezone.now())
        make_scenario(lessons[1], slug=f"scenario-{module.pk}")
        _answer(learner, lessons[1], f"scenario-{module.pk}")
    # The kept reading order (lessons per module, their checks), scenarios shown per module,
    # the learner's kept completions per module and, as this course has a draft, which drafts
    # they completed (taken off), quizzes, knowledge checks answered, review cards, certificate.
    assert count() == before == 8


def _one_module_course(lessons: tuple[int, int], *, exam_passed: bool) -> CourseProgress:
    module = ModuleProgress(
        module=Module(pk=1, slug="one", title="One"),
        parts=module_parts(lessons=lessons, quizzes=[], review=(0, 0)),
    )
    exam = {"slug": "final-exam", "title": "Final exam", "passed": exam_passed}
    return CourseProgress(modules=[module], exam=exam, certificate=None)


def test_the_course_reads_100_percent_only_once_it_is_complete():
    # 200 of 201 steps is 99.5%: it read "100% of the course" with a lesson still to read.
    almost = _one_module_course((199, 200), exam_passed=True)
    assert almost.steps == (200, 201) and not almost.ready
    assert almost.percent == 99
    assert _one_module_course((200, 200), exam_passed=False).percent == 99
    assert _one_module_course((200, 200), exam_passed=True).percent == 100
    assert _one_module_course((1, 200), exam_passed=False).percent == 0  # 0.5%: not begun


def test_a_quiz_with_no_question_to_ask_is_no_part_of_its_module(course, learner):
    # It cannot be started ("This quiz has no questions to ask at the moment"), so a module
    # whose only quiz it was could never be completed, nor the certificate earned.
    one, two = course["modules"]
    empty = make_quiz(module=two, title="Nothing listed yet")
    drawn = make_quiz(module=two, title="From a bank", draw_category="empty-bank", draw_count=3)
    complete(learner, course)
    progress = course_progress(learner)
    assert progress.for_module(two.pk).quiz is None and progress.ready
    assert [q["title"] for q in progress.for_module(two.pk).quizzes] == []
    # A question listed, or put in the bank, makes each a quiz to pass again.
    lesson = course["lessons"][two.pk][0]
    make_question(lesson=lesson, module=two, category="empty-bank")
    listed = make_question(lesson=lesson, module=two)
    QuizQuestion.objects.create(quiz=empty, question=listed, order=1)
    progress = course_progress(learner)
    titles = {q["title"] for q in progress.for_module(two.pk).quizzes}
    assert titles == {drawn.title, empty.title} and len(progress.modules) == 2
    assert not progress.ready
    # Its questions archived, the module's own quiz leaves it too.
    course["quiz"].questions.update(archived=True)
    assert course_progress(learner).for_module(one.pk).quiz is None


def test_an_instructors_quiz_filed_under_a_module_is_not_the_course_quiz(
    course, learner, client, django_user_model
):
    # Published with a pass mark of 0, it completed the module for anyone who took it.
    instructor = django_user_model.objects.create_user("ines")
    one, _two = course["modules"]
    lesson = course["lessons"][one.pk][0]
    theirs = make_quiz(
        make_question(lesson=lesson, module=one), module=one, owner=instructor, pass_mark=0,
        order=0, title="Week 1 warm-up",
    )  # fmt: skip
    course["quiz"].order = 5
    course["quiz"].save(update_fields=["order"])
    read_all(learner, course)
    take(theirs, learner, right=False)
    progress = course_progress(learner)
    assert not progress.for_module(one.pk).complete
    assert [q["title"] for q in progress.for_module(one.pk).quizzes] == [course["quiz"].title]
    # The module's page names the course's quiz as its "Module quiz", not theirs.
    page = client.get(one.get_absolute_url()).content.decode()
    box = page[page.index("Module quiz") :][:600]
    assert course["quiz"].title in box and theirs.title not in box
