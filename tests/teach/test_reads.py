"""The teaching pages' reads with SQL compiled once (`PreparedQuery`) give what their querysets
give, for each user and question they are asked about, and refuse a key the SQL would freeze."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from lessons.models import Source
from quizzes.models import Answer, Question, Quiz
from srm_trainer.prepared import PreparedQuery
from teach import bank, services
from teach.access import QUESTION_BY_KEY, QUIZ_BY_KEY, ByViewer, questions_visible
from teach.forms import LESSON_MENU, MODULE_MENUS
from teach.services import QUESTION_TAGS
from teach.views_bank import TARGET_QUIZZES, _target_quizzes
from tests.quizzes.builders import make_attempt, make_lesson, make_question, make_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture
def questions(instructor, other_instructor):
    """Questions of two instructors and the curriculum's, in two banks, one archived, with
    tags and misconceptions, and one answered."""
    mine = make_question(owner=instructor, source=Source.AUTHORED, category="s3")
    make_question(
        owner=instructor, source=Source.AUTHORED, category="iam", misconceptions=["a", "b"]
    )
    make_question(owner=other_instructor, source=Source.AUTHORED, category="kms")
    make_question(source=Source.FILE, category="iam", archived=True, misconceptions=[])
    make_lesson()
    services.question_set_tags(question=mine, tags=["exam", "s3"])
    theirs = Question.objects.get(category="kms")
    services.question_set_tags(question=theirs, tags=["exam"])
    attempt = make_attempt(make_quiz(theirs), session_key="visitor")
    Answer.objects.create(attempt=attempt, question=theirs, saved_at=timezone.now())
    return mine, theirs


# A read of a JSON list and a flag per visible question, as the question editor's offers
# were read before the database counted them (teach.bank.question_offers): what the prepared
# SQL must convert as the ORM does.
LISTS_AND_FLAGS = ByViewer(
    Question,
    lambda user: (
        questions_visible(user)
        .order_by()
        .values_list("category", "archived", "misconceptions", "module_id")
    ),
)


def _staff():
    return get_user_model().objects.create_user("sam", is_staff=True)


def test_each_read_gives_what_its_queryset_gives(questions, instructor, other_instructor):
    mine, theirs = questions
    reads = [
        (LESSON_MENU, ()),
        (MODULE_MENUS["pk"], ()),
        (MODULE_MENUS["slug"], ()),
        (QUESTION_TAGS, (mine.pk,)),
        (QUESTION_TAGS, (theirs.pk,)),
        (bank.TAG_COUNTS[True], ()),
        (LISTS_AND_FLAGS[True], ()),
        (bank.CATEGORIES[True], ()),
    ]
    for user in (instructor, other_instructor, _staff()):
        if user.is_staff:
            reads.append((bank.STAFF_SUMMARIES, (user.pk,)))
        else:
            reads += [
                (read[False], (user.pk,))
                for read in (bank.TAG_COUNTS, LISTS_AND_FLAGS, bank.CATEGORIES)
            ]
    for read, keys in reads:
        rows = [tuple(row) for row in read.rows(*keys)]
        assert rows, keys  # each holds something here, so the comparison says something
        assert rows == list(read.build(*keys)), keys


def test_the_values_are_converted_as_the_orm_converts_them(questions, instructor):
    offers = LISTS_AND_FLAGS[True].rows()
    assert {type(archived) for _, archived, _, _ in offers} == {bool}
    assert [] in [tags for _, _, tags, _ in offers] and ["a", "b"] in [t for _, _, t, _ in offers]
    (_, _, _, last_edited), *_ = bank.STAFF_SUMMARIES.rows(instructor.pk)
    assert isinstance(last_edited, datetime) and last_edited.tzinfo is not None


def test_each_user_and_question_gets_their_own_rows(questions, instructor, other_instructor):
    mine, theirs = questions
    assert bank.tag_counts(instructor) == [("exam", 1), ("s3", 1)]
    assert bank.tag_counts(other_instructor) == [("exam", 1)]
    assert [row["category"] for row in bank.bank_summaries(instructor)] == ["iam", "s3"]
    assert [row["mine"] for row in bank.bank_summaries(other_instructor)] == [1]
    assert bank.question_offers(instructor).categories == ["iam", "s3"]
    assert bank.question_offers(other_instructor).categories == ["kms"]
    assert bank.categories(instructor) == ["iam", "s3"]  # the file question is archived
    assert bank.categories(other_instructor) == ["kms"]
    assert services.question_tags(mine) == ["exam", "s3"]
    assert (services.question_has_answers(mine), services.question_has_answers(theirs)) == (
        False,
        True,
    )


def test_a_key_the_sql_would_hold_as_a_constant_is_refused():
    # A slice's bound is written into the SQL, not passed as a parameter: the first run with
    # another key would have kept the first one.
    read = PreparedQuery(
        Question, ("int",), lambda key: Question.objects.values_list("pk")[: abs(key)]
    )
    with pytest.raises(ValueError, match="not among the compiled parameters"):
        read.rows(3)
    with pytest.raises(ValueError):
        bank.TAG_COUNTS[False].rows()


def _fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_a_row_by_its_key_is_the_orms_row_with_its_related_row(
    instructor, django_assert_num_queries
):
    with_scenario = make_question("policy_decision", owner=instructor, source=Source.AUTHORED)
    without = make_question(owner=instructor, source=Source.AUTHORED)
    for question in (with_scenario, without):
        orm = Question.objects.select_related("scenario").get(pk=question.pk)
        read = QUESTION_BY_KEY.get(question.pk)
        assert type(read) is Question and _fields(read) == _fields(orm)
        assert not read._state.adding and read._state.db == "default"
        with django_assert_num_queries(0):
            scenario = read.scenario  # cached with it, as select_related leaves it
        assert (scenario and _fields(scenario)) == (orm.scenario and _fields(orm.scenario))
    quiz = make_quiz(without, owner=instructor, module=make_lesson().module)
    assert _fields(QUIZ_BY_KEY.get(quiz.pk).module) == _fields(quiz.module)
    assert QUESTION_BY_KEY.get(without.pk + 1000) is None


def test_the_banks_quiz_chooser_is_what_only_reads(instructor, other_instructor):
    for n in range(3):
        make_quiz(owner=instructor, title=f"Mine {n}")
    make_quiz(owner=other_instructor, title="Theirs")
    for user in (instructor, other_instructor, _staff()):
        mine = Quiz.objects.all() if user.is_staff else Quiz.objects.filter(owner=user)
        orm = list(mine.order_by("-updated_at").only("pk", "title", "slug")[:TARGET_QUIZZES])
        read = _target_quizzes(user)
        assert [q.__dict__.keys() for q in read] == [q.__dict__.keys() for q in orm]
        assert [(q.pk, q.title, q.slug) for q in read] == [(q.pk, q.title, q.slug) for q in orm]
    assert [q.title for q in _target_quizzes(other_instructor)] == ["Theirs"]


def test_a_pages_tags_are_read_the_same_for_any_number_of_questions(questions, monkeypatch):
    mine, theirs = questions
    page = list(Question.objects.order_by("pk"))
    bank.with_tag_slugs(page)
    prepared = {q.pk: q.tag_slugs for q in page}
    assert prepared[mine.pk] == ["exam", "s3"] and prepared[theirs.pk] == ["exam"]
    monkeypatch.setattr(bank, "MAX_INTS", 2)  # more questions than a prepared query takes
    bank.with_tag_slugs(page)
    assert {q.pk: q.tag_slugs for q in page} == prepared


def test_a_quizs_attempts_are_counted_as_the_orm_counts_them(instructor, learner):
    question = make_question(owner=instructor, lesson=None)
    quiz, other = make_quiz(question, owner=instructor), make_quiz(question, owner=instructor)
    assert services.attempt_count(quiz) == 0
    for n in range(3):
        make_attempt(quiz, session_key=f"visitor-{n}")
    make_attempt(other, user=learner)
    assert (services.attempt_count(quiz), services.attempt_count(other)) == (3, 1)
    assert services.attempt_count(quiz) == quiz.attempts.count()


def test_a_quizs_own_questions_are_the_orms_in_its_order_with_their_rows(
    instructor, django_assert_num_queries
):
    """`services.quiz_questions` reads them compiled once (`OWN_QUESTIONS`): the same
    questions as the entries' queryset, in the quiz's order, the archived and the broken left
    out, each with its lesson and scenario already read."""
    lesson = make_lesson()
    policy = make_question("policy_decision", owner=instructor, lesson=lesson)
    plain = make_question("single", owner=instructor, lesson=None)
    archived = make_question("ordering", owner=instructor, archived=True)
    broken = make_question("single", owner=instructor)
    Question.objects.filter(pk=broken.pk).update(data={"choices": "not a list"})
    quiz = make_quiz(plain, archived, broken, policy, owner=instructor)
    quiz.entries.filter(question=plain).update(order=9)  # last, though added first
    rows = quiz.entries.filter(question__archived=False).select_related(
        "question__scenario", "question__lesson"
    )
    orm = [e.question for e in rows.order_by("order", "pk") if e.question.is_usable()]
    assert [q.pk for q in orm] == [policy.pk, plain.pk]
    with django_assert_num_queries(1):
        read = services.quiz_questions(quiz)
        related = [(q.lesson, q.scenario) for q in read]
    assert [_fields(q) for q in read] == [_fields(q) for q in orm]
    assert related == [(q.lesson, q.scenario) for q in orm] and related[0][0] == lesson
    assert _fields(related[0][1]) == _fields(orm[0].scenario)
