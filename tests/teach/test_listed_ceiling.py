"""A quiz lists at most `MAX_DRAWN` (200) questions, as a draw draws at most that many: every
attempt asks each listed question, and its pages and result grow with them (docs/limits.md).
Each door that adds to a quiz's list refuses the one past it, saying how many there are, the
limit and what to do, and keeps what was there: the teaching pages (add, copy, a new question,
an import into the quiz, a duplicate), the admin's rows and the content loader. A quiz listed
past it before the upgrade keeps working: its attempts take its first 200 usable questions."""

from __future__ import annotations

import html
import json

import pytest
from django.urls import reverse

from curriculum.quiz_readers import read_quizzes
from curriculum.readers import CurriculumError, read_curriculum
from lessons.models import Source
from quizzes import attempts
from quizzes.draw_rules import MAX_DRAWN
from quizzes.models import Question, Quiz, QuizQuestion
from teach.transfer import importer, json_format
from teach.transfer.drafts import TransferError
from tests.content import write
from tests.curriculum.test_loader_quizzes import content  # noqa: F401 - a fixture
from tests.quizzes.builders import make_question, make_quiz
from tests.teach.test_views_questions import KINDS, form_data

pytestmark = pytest.mark.django_db


def _listing(quiz: Quiz, n: int, owner=None, *, start: int = 1) -> list[Question]:
    """`n` more questions of `owner` listed in `quiz` after its own, written in bulk (copies
    of one saved through the model), as an upgraded database may hold them."""
    model = make_question(
        "true_false", owner=owner, source=Source.AUTHORED, lesson=None, category="fill",
        slug=f"fill-{quiz.pk}-{start}",
    )  # fmt: skip
    fields = {
        f.attname: getattr(model, f.attname)
        for f in Question._meta.concrete_fields
        if not f.primary_key and f.attname != "slug"
    }
    made = [model] + Question.objects.bulk_create(
        Question(slug=f"fill-{quiz.pk}-{start + i}", **fields) for i in range(1, n)
    )
    last = QuizQuestion.objects.filter(quiz=quiz).count()
    QuizQuestion.objects.bulk_create(
        QuizQuestion(quiz=quiz, question=q, order=last + i) for i, q in enumerate(made, start=1)
    )
    return made


def _full(owned, instructor) -> Quiz:
    quiz, _ = owned  # lists one question already
    _listing(quiz, MAX_DRAWN - 1, instructor)
    return quiz


def _said(response) -> str:
    return " ".join(html.unescape(response.content.decode()).split())


def _refusal_said(text: str, listed: int) -> None:
    """The refusal says how many the quiz lists, the limit, and the two ways on."""
    assert f"already lists {listed} questions" in text
    assert f"a quiz lists at most {MAX_DRAWN} questions" in text
    assert "split it into two quizzes" in text and "draw up to 200" in text


def test_a_question_from_the_bank_is_not_added_to_a_full_quiz(teacher, owned, instructor):
    quiz = _full(owned, instructor)
    spare = make_question("single", owner=instructor, source=Source.AUTHORED, lesson=None)
    url = reverse("teach:quiz-question-add", args=[quiz.pk])
    bank = reverse("teach:bank") + f"?into={quiz.pk}"
    refused = teacher.post(url, {"question": spare.pk, "next": bank})
    assert refused.url == bank  # at the top, where the refusal is said, not scrolled to the row
    _refusal_said(_said(teacher.get(refused.url)), MAX_DRAWN)
    assert quiz.entries.count() == MAX_DRAWN
    assert not quiz.entries.filter(question=spare).exists()
    # One taken out makes room again.
    QuizQuestion.objects.filter(quiz=quiz, order=MAX_DRAWN).delete()
    teacher.post(url, {"question": spare.pk})
    assert quiz.entries.filter(question=spare).exists()


def test_the_quiz_page_says_it_is_full_where_questions_are_added(teacher, owned, instructor):
    quiz = _full(owned, instructor)
    page = _said(teacher.get(reverse("teach:quiz", args=[quiz.pk])))
    _refusal_said(page, MAX_DRAWN)
    assert reverse("teach:question-create", args=[quiz.pk, "single"]) not in page


def test_a_new_question_written_for_a_full_quiz_is_refused_and_kept_on_the_page(
    teacher, owned, instructor
):
    quiz = _full(owned, instructor)
    before = Question.objects.count()
    rows, extra = KINDS["single"]
    url = reverse("teach:question-create", args=[quiz.pk, "single"])
    response = teacher.post(url, form_data(rows, extra, prompt="My carefully typed prompt"))
    assert response.status_code == 200
    said = _said(response)
    _refusal_said(said, MAX_DRAWN)
    assert "My carefully typed prompt" in said  # drawn again as typed, to send once there is room
    assert Question.objects.count() == before
    assert quiz.entries.count() == MAX_DRAWN


def test_a_copy_of_a_question_of_a_full_quiz_is_refused(teacher, owned, instructor):
    quiz = _full(owned, instructor)
    _, question = owned
    before = Question.objects.count()
    url = reverse("teach:quiz-question-copy", args=[quiz.pk, question.pk])
    response = teacher.post(url, {"once": "t" * 20}, follow=True)
    _refusal_said(_said(response), MAX_DRAWN)
    assert Question.objects.count() == before
    assert quiz.entries.count() == MAX_DRAWN


def test_a_quiz_listed_past_the_ceiling_is_not_duplicated_whole(teacher, owned, instructor):
    quiz, _ = owned
    _listing(quiz, MAX_DRAWN + 9, instructor)  # 210, listed before the ceiling
    response = teacher.post(reverse("teach:quiz-duplicate", args=[quiz.pk]), follow=True)
    said = _said(response)
    assert f"lists {MAX_DRAWN + 10} questions, more than the {MAX_DRAWN}" in said
    assert "Take 10 out of it first" in said
    assert Quiz.objects.count() == 1


def _file(n: int, *, quiz: dict | None = None) -> str:
    questions = [
        {
            "slug": f"imported-{k}",
            "type": "true_false",
            "prompt": f"Statement {k}?",
            "explanation": "Because.",
            "data": {"answer": True},
        }
        for k in range(n)
    ]
    document = {"format": json_format.FORMAT, "version": json_format.VERSION}
    if quiz is None:
        document.update(kind="bank", name="b", questions=questions)
    else:
        document.update(kind="quiz", quiz=quiz, questions=questions)
    return json.dumps(document)


def test_an_import_that_would_take_a_quiz_past_the_ceiling_is_refused_whole(owned, instructor):
    quiz, _ = owned
    _listing(quiz, MAX_DRAWN - 6, instructor)  # 195
    questions = Question.objects.count()
    for step in (importer.preview, importer.run):
        with pytest.raises(TransferError) as refused:
            step(_file(10), "json", owner=instructor, into=quiz)
        said = " ".join(refused.value.lines())
        assert "Adding 10 questions would make" in said and "list 205" in said
        assert "room for 5 more" in said and "Import fewer into it" in said
    assert quiz.entries.count() == MAX_DRAWN - 5
    assert Question.objects.count() == questions
    importer.run(_file(5), "json", owner=instructor, into=quiz)  # what fits goes in
    assert quiz.entries.count() == MAX_DRAWN


def test_an_import_into_a_quiz_filled_since_its_preview_is_refused_whole(owned, instructor):
    quiz, _ = owned
    plan = importer.preview(_file(3), "json", owner=instructor, into=quiz)
    _listing(quiz, MAX_DRAWN - 2, instructor)  # filled meanwhile: 199
    questions = Question.objects.count()
    with pytest.raises(TransferError, match="Import fewer into it"):
        importer.write(plan)
    assert quiz.entries.count() == MAX_DRAWN - 1
    assert Question.objects.count() == questions


def test_a_file_whose_own_quiz_lists_too_many_is_refused(instructor):
    quiz = {"slug": "huge", "title": "Huge"}
    with pytest.raises(TransferError) as refused:
        importer.preview(_file(MAX_DRAWN + 1, quiz=quiz), "json", owner=instructor)
    said = " ".join(refused.value.lines())
    assert f"“Huge” would list {MAX_DRAWN + 1} questions" in said
    assert f"Split the file into quizzes of at most {MAX_DRAWN}." in said
    importer.run(_file(MAX_DRAWN, quiz=quiz), "json", owner=instructor)
    assert Quiz.objects.get(slug="huge").entries.count() == MAX_DRAWN


def _post_new_rows(client, quiz: Quiz, questions: list[Question]):
    """The admin's quiz page sent with a new row for each of `questions` (the rows it shows
    for the entries already there are left out: they stay, after the rows)."""
    data = {
        "slug": quiz.slug, "title": quiz.title, "pass_mark": "70", "attempts_allowed": "0",
        "feedback": "immediate", "order": "0", "draw_count": "0", "draw_rules": "[]",
        "tries": "1", "try_penalty": "0", "published": "on",
        "entries-TOTAL_FORMS": str(len(questions)), "entries-INITIAL_FORMS": "0",
        "entries-MIN_NUM_FORMS": "0", "entries-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    for n, question in enumerate(questions):
        data[f"entries-{n}-id"] = ""
        data[f"entries-{n}-quiz"] = str(quiz.pk)
        data[f"entries-{n}-question"] = str(question.pk)
        data[f"entries-{n}-order"] = ""
    return client.post(f"/admin/quizzes/quiz/{quiz.pk}/change/", data)


def test_the_admins_rows_do_not_take_a_quiz_past_the_ceiling(admin_client):
    quiz = make_quiz(slug="rows", title="Rows")
    _listing(quiz, 100)  # as many as its page shows in rows
    spare = [make_question("true_false", lesson=None, slug=f"spare-{n}") for n in range(101)]
    response = _post_new_rows(admin_client, quiz, spare)
    assert response.status_code == 200
    said = _said(response)
    assert "Adding 101 questions would make “Rows” list 201" in said
    assert "room for 100 more" in said
    assert quiz.entries.count() == 100
    assert _post_new_rows(admin_client, quiz, spare[:100]).status_code == 302
    assert quiz.entries.count() == MAX_DRAWN


def test_a_quiz_file_listing_too_many_questions_stops_the_load(content):  # noqa: F811
    questions = "".join(
        f"  - slug: many-{n}\n    type: true_false\n    prompt: Statement {n}?\n"
        f"    explanation: Because.\n    answer: true\n"
        for n in range(MAX_DRAWN + 1)
    )
    write(
        content, "quizzes/many.yaml", f"quiz:\n  slug: many\n  title: Many\nquestions:\n{questions}"
    )
    with pytest.raises(CurriculumError) as refused:
        read_quizzes(content, read_curriculum(content))
    said = str(refused.value)
    print(said)
    assert (
        f"quiz 'many': {MAX_DRAWN + 1} questions listed; a quiz lists at most {MAX_DRAWN}" in said
    )


def test_a_quiz_listed_past_the_ceiling_before_the_upgrade_asks_its_first_200(learner):
    quiz = make_quiz(slug="legacy", published=True)
    listed = _listing(quiz, MAX_DRAWN + 50)
    attempt = attempts.attempt_start(quiz=quiz, user=learner)
    assert attempt.question_ids == [q.pk for q in listed[:MAX_DRAWN]]
    counts = attempts.learner_counts([quiz], QuizQuestion.objects.filter(quiz=quiz))
    assert counts[quiz.pk] == MAX_DRAWN  # what its page promises


def test_the_teaching_page_of_a_quiz_listed_past_the_ceiling_says_so(teacher, owned, instructor):
    quiz, _ = owned
    _listing(quiz, MAX_DRAWN + 4, instructor)  # 205
    said = _said(teacher.get(reverse("teach:quiz", args=[quiz.pk])))
    assert "it lists 205 questions, 5 more than a quiz may list now" in said
    assert (
        f"already lists 205 questions (listed before that limit: attempts take its first {MAX_DRAWN})"
        in said
    )
