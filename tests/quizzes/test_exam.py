"""A quiz drawn by rules from several banks (the final exam): every module represented, the
draw fixed per attempt, attempts limited, and the result broken down by module."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from quizzes import attempts, exam
from quizzes.draw_rules import rule_problems
from quizzes.models import Answer, Quiz
from tests.conftest import make_lesson, make_module
from tests.quizzes.builders import make_question, make_quiz, right_response, wrong_response

pytestmark = pytest.mark.django_db


# --- the rules ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rules", "words"),
    [
        ({"module": "iam"}, "must be a list"),
        (["iam"], "draw rule 1 must be a mapping"),
        ([{"count": 3}], "draw rule 1 needs exactly one of 'module' or 'category'"),
        ([{"module": "iam", "category": "iam", "count": 3}], "exactly one of"),
        (
            [{"module": "iam", "count": 0}],
            "draw rule 1: 'count' must be a whole number of at least 1",
        ),
        ([{"module": "iam", "count": True}], "'count' must be a whole number"),
        ([{"module": "IAM here", "count": 2}], "'module' must be a slug"),
        ([{"module": "iam", "count": 2, "weight": 1}], "unknown field(s) 'weight'"),
        (
            [{"module": "iam", "count": 2}, {"module": "iam", "count": 3}],
            "draw rule 2: module 'iam' already has a rule",
        ),
        (
            [{"category": f"c{n}", "count": 100} for n in range(3)],
            "draw 300 questions; at most 200",
        ),
    ],
)
def test_bad_draw_rules_are_refused_saying_which_rule_and_why(rules, words):
    problems = rule_problems(rules)
    assert any(words in p for p in problems), problems
    with pytest.raises(ValidationError, match="draw_rules"):
        Quiz(slug="exam", title="Exam", draw_rules=rules).full_clean()


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ({"module": "Q\u202e1", "count": 2}, "'module' must be a slug, not 'Q[U+202E]1'"),
        ({"module": "iam", "count": "5"}, "at least 1, not '5'"),
        ({"module": "iam", "count": 2.5}, "at least 1, not 2.5"),
        ({"module": "iam", "count": None}, "at least 1, not null"),
        ({"module": "iam"}, "draw rule 1: 'count' is required"),
        ({"module": "iam", "count": 2, "we\u200bight": 1}, "unknown field(s) 'we[U+200B]ight'"),
    ],
)
def test_a_rule_is_quoted_as_written_with_hidden_characters_named(rule, words):
    """The messages quoted with Python's repr ('Q\\u202e1', None), as no other message does,
    and said "not None" of a count left out."""
    assert words in rule_problems([rule])[0]


def test_good_rules_pass_and_cannot_be_mixed_with_a_category_draw():
    rules = [{"module": "iam", "count": 5}, {"category": "kms", "count": 3}]
    assert rule_problems(rules) == []
    quiz = Quiz(slug="exam", title="Exam", draw_rules=rules)
    assert quiz.drawn_count == 8
    quiz.draw_category, quiz.draw_count = "iam", 2
    assert ("draw_rules", "use either draw rules or a draw from one category, not both") in (
        quiz.problems()
    )


def test_a_rule_naming_no_module_is_refused_as_the_loader_refuses_it():
    """Saved in the admin, the quiz's page said "Questions 5" and Start answered "This quiz
    has no questions yet."."""
    module = make_module()
    rules = [{"module": module.slug, "count": 2}, {"module": "nope", "count": 5}]
    with pytest.raises(ValidationError) as refused:
        Quiz(slug="exam", title="Exam", draw_rules=rules).full_clean()
    assert refused.value.message_dict["draw_rules"] == ["draw rule 2: unknown module 'nope'"]
    Quiz(slug="exam", title="Exam", draw_rules=rules[:1]).full_clean()


# --- the draw -------------------------------------------------------------------------------


@pytest.fixture
def course():
    """Three modules of six questions each (one module's questions know it only through their
    lesson, as an authored question may), and an exam of three from each."""
    modules = [make_module() for _ in range(3)]
    banks = {}
    for index, module in enumerate(modules):
        lesson = make_lesson(module)
        own = {"module": None} if index == 2 else {"module": module}
        banks[module.pk] = [
            make_question(lesson=lesson, category=f"bank-{index}", **own) for _ in range(6)
        ]
    make_question(category="elsewhere")  # in no module of the exam: never drawn
    quiz = make_quiz(
        draw_rules=[{"module": m.slug, "count": 3} for m in modules],
        attempts_allowed=2,
        shuffle_questions=True,
        pass_mark=72,
        feedback="end",
        time_limit=60,
    )
    return {"modules": modules, "banks": banks, "quiz": quiz}


def _module_counts(course, ids):
    return {pk: len([q for q in bank if q.pk in ids]) for pk, bank in course["banks"].items()}


def test_every_module_is_represented_with_its_count(course, learner):
    attempt = attempts.attempt_start(quiz=course["quiz"], user=learner)
    assert len(attempt.question_ids) == 9 == len(set(attempt.question_ids))
    assert set(_module_counts(course, attempt.question_ids).values()) == {3}
    assert attempt.deadline is not None


def test_the_draw_is_the_same_for_the_same_attempt_and_new_for_the_next(course, learner):
    quiz = course["quiz"]
    first = attempts.attempt_start(quiz=quiz, user=learner)
    ids = list(first.question_ids)
    first.delete()  # the same learner's first attempt again: the same questions
    again = attempts.attempt_start(quiz=quiz, user=learner)
    assert again.question_ids == ids
    attempts.attempt_submit(attempt=again)
    second = attempts.attempt_start(quiz=quiz, user=learner)
    assert set(second.question_ids) != set(ids)
    assert set(_module_counts(course, second.question_ids).values()) == {3}


def test_the_seed_depends_on_learner_and_attempt_number(course, learner, other_learner):
    quiz = course["quiz"]

    def draw(owner, n):
        return exam.draw_by_rules(quiz, exam.draw_seed(quiz, owner, n), attempts.usable)

    assert draw("user:1", 0) == draw("user:1", 0)
    assert len({tuple(draw(f"user:{u}", n)) for u in (1, 2) for n in (0, 1)}) == 4


def test_attempts_are_limited(course, learner):
    quiz = course["quiz"]
    for _ in range(2):
        attempts.attempt_submit(attempt=attempts.attempt_start(quiz=quiz, user=learner))
    with pytest.raises(attempts.AttemptLimitReached, match="all 2 attempt"):
        attempts.attempt_start(quiz=quiz, user=learner)


def test_a_bank_short_of_questions_gives_what_it_has_and_archived_ones_never(course, learner):
    module = course["modules"][0]
    for question in course["banks"][module.pk][:5]:
        question.archived = True
        question.save()
    attempt = attempts.attempt_start(quiz=course["quiz"], user=learner)
    counts = _module_counts(course, attempt.question_ids)
    assert counts[module.pk] == 1
    assert len(attempt.question_ids) == 7


# --- the breakdown --------------------------------------------------------------------------


def _answer_all(attempt, right_in):
    questions = attempts.attempt_questions(attempt)
    for question in questions:
        good = exam.module_id_of(question) in right_in
        response = right_response(question) if good else wrong_response(question)
        attempts.answer_save(attempt=attempt, question=question, response=response)
    attempt, _ = attempts.attempt_submit(attempt=attempt)
    return attempt


def test_the_breakdown_scores_each_module_and_points_to_what_to_revisit(course, learner):
    modules = course["modules"]
    practice = make_quiz(module=modules[1], title="Practise module two")
    attempt = _answer_all(
        attempts.attempt_start(quiz=course["quiz"], user=learner), right_in={modules[0].pk}
    )
    questions = attempts.attempt_questions(attempt)
    rows = exam.breakdown(course["quiz"], questions, attempts.answers_by_question(attempt))
    assert [r.module.pk for r in rows] == [m.pk for m in modules]  # course order
    assert [(r.percent, r.correct, r.questions, r.weak) for r in rows] == [
        (100, 3, 3, False),
        (0, 0, 3, True),
        (0, 0, 3, True),
    ]
    assert rows[0].lessons == []
    assert rows[1].lessons and all(le.module_id == modules[1].pk for le in rows[1].lessons)
    assert rows[1].quiz == practice
    assert rows[2].quiz is None  # module three has no quiz of its own
    assert attempt.percent == 33 and not attempt.passed


def test_the_result_page_shows_the_breakdown_with_links(client, course, learner):
    client.force_login(learner)
    modules = course["modules"]
    practice = make_quiz(module=modules[1], title="Practise module two")
    attempt = _answer_all(
        attempts.attempt_start(quiz=course["quiz"], user=learner), right_in={modules[0].pk}
    )
    body = client.get(f"/quizzes/attempts/{attempt.pk}/result/").content.decode()
    assert "Your score by module" in body
    assert f'href="{modules[1].get_absolute_url()}"' in body
    assert f'href="{practice.get_absolute_url()}"' in body
    missed = Answer.objects.filter(attempt=attempt, correct=False).select_related(
        "question__lesson"
    )
    assert f'href="{missed[0].question.lesson.get_absolute_url()}"' in body
    assert body.count('badge-wrong">Revisit') == 2


def test_a_quiz_from_one_module_has_no_breakdown(client, learner):
    client.force_login(learner)
    module = make_module()
    quiz = make_quiz(*[make_question(lesson=make_lesson(module), module=module) for _ in range(2)])
    attempt = attempts.attempt_start(quiz=quiz, user=learner)
    attempts.attempt_submit(attempt=attempt)
    body = client.get(f"/quizzes/attempts/{attempt.pk}/result/").content.decode()
    assert "Your score by module" not in body


def test_teach_sees_every_question_the_rules_could_draw(course):
    from teach.services import quiz_questions

    pool = quiz_questions(course["quiz"])
    assert len(pool) == 18 and all(q.category.startswith("bank-") for q in pool)


def test_a_quiz_drawn_from_several_modules_is_not_called_a_mixed_review(client, course):
    """The quiz list and the quiz page name what a quiz covers above its title: the final exam
    is drawn from every module, not a mixed review of one bank."""
    quiz = course["quiz"]
    for url in (quiz.get_absolute_url(), "/quizzes/"):
        body = client.get(url).content.decode()
        assert "Mixed review" not in body
        assert "Several modules" in body


def test_the_quiz_list_puts_the_module_quizzes_first_and_the_exam_after_them(client, course):
    """In course order: a learner reads down the list from module 1 to the final exam (SQLite
    sorted a quiz with no module first)."""
    quiz = make_quiz(module=course["modules"][0], title="Quiz of the first module")
    body = client.get("/quizzes/").content.decode()
    assert body.index(quiz.title) < body.index(course["quiz"].title)
