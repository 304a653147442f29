"""An ordering or categorize item an instructor rewords in the question editor: the choices'
rule (tests/teach/test_reworded_choices.py). A learner's answer names items by id (an order,
a placing), and the statistics count per item id, so an item keeps its id through a typo fix
only: reworded beyond a `small_edit` it is a new item, and no answer or open attempt is shown
or counted as having placed words its learner never saw. The instructor is told on save."""

from __future__ import annotations

import pytest
from django.urls import reverse

from lessons.models import Source
from quizzes import attempts
from quizzes.attempts import answer_save, attempt_submit
from quizzes.grading import grade
from quizzes.models import Attempt, Question
from teach.statistics import quiz_statistics
from tests.quizzes.builders import (
    make_attempt,
    make_authored_categorize,
    make_question,
    make_quiz,
    page_text,
    start_through_page,
)
from tests.teach.formdata import text
from tests.teach.test_views_questions import form_data

pytestmark = pytest.mark.django_db

STEPS = ("Sign in to the console", "Assume the admin role", "Call the API", "Read the result")


@pytest.fixture
def ordering(instructor):
    question = make_question(
        "ordering",
        owner=instructor,
        source=Source.AUTHORED,
        lesson=None,
        category="mine",
        data={"items": [{"id": f"s{n}", "text": t} for n, t in enumerate(STEPS)]},
    )
    return make_quiz(question, owner=instructor, source=Source.AUTHORED, published=True), question


@pytest.fixture
def categorize(instructor):
    return make_authored_categorize(instructor, published=True)


def _rows(question: Question) -> list[dict]:
    """The editor's rows as the page draws them: each with its stored id."""
    return [dict(item) for item in question.items()]


def _save(teacher, question: Question, rows: list[dict]) -> str:
    extra = {"categories": "AWS\nCustomer\n"} if question.type == "categorize" else None
    url = reverse("teach:question-edit", args=[question.pk])
    response = teacher.post(url, form_data(rows, extra, category="mine"), follow=True)
    assert response.redirect_chain, "saved"
    question.refresh_from_db()
    return text(response)


def _submitted(quiz, question, learner, response: dict) -> Attempt:
    attempt = make_attempt(quiz, user=learner)
    answer_save(attempt=attempt, question=question, response=response)
    attempt_submit(attempt=attempt)
    return attempt


def _in_order(question: Question) -> dict:
    items = question.items()
    return {"order": [i["id"] for i in items], "texts": [i["text"] for i in items]}


def test_an_ordering_items_typo_fix_keeps_its_id_and_says_nothing(teacher, ordering, learner):
    quiz, question = ordering
    attempt = _submitted(quiz, question, learner, _in_order(question))
    rows = _rows(question)
    rows[1]["text"] = "Asume the admin role"
    page = _save(teacher, question, rows)
    assert [i["id"] for i in question.items()] == ["s0", "s1", "s2", "s3"]
    assert "Question saved." in page and "reworded" not in page
    stats = quiz_statistics(quiz=quiz, attempts=Attempt.objects.filter(pk=attempt.pk))
    assert {t.label: t.count for t in stats.questions[0].tallies}["2. Asume the admin role"] == 1


def test_an_ordering_item_reworded_is_a_new_item_for_answers_and_statistics(
    teacher, ordering, learner
):
    quiz, question = ordering
    attempt = _submitted(quiz, question, learner, _in_order(question))
    answer = attempt.answers.get()
    editor = text(teacher.get(reverse("teach:question-edit", args=[question.pk])))
    assert "An item reworded beyond a small fix becomes a new item" in editor
    rows = _rows(question)
    rows[1]["text"] = "Rotate the access keys"
    page = _save(teacher, question, rows)
    ids = [i["id"] for i in question.items()]
    assert ids[0] == "s0" and ids[2:] == ["s2", "s3"] and ids[1] not in ("s0", "s1", "s2", "s3")
    assert (
        "Item 2 was reworded (“Assume the admin role” is now “Rotate the access keys”) and "
        "became new, as “Same item, reworded” was not ticked (ticked, it would have kept its "
        "answers and statistics): answers given to the old wording keep it and their marks" in page
    )
    # The learner never placed the new words: the statistics do not say they did.
    stats = quiz_statistics(quiz=quiz, attempts=Attempt.objects.filter(pk=attempt.pk))
    tallies = {t.label: t.count for t in stats.questions[0].tallies}
    assert tallies["2. Rotate the access keys"] == 0
    assert tallies["1. Sign in to the console"] == 1
    # Their answer keeps the words they ordered and its mark.
    kept = attempt.answers.get()
    assert kept.response["texts"][1] == "Assume the admin role"
    assert (kept.score, kept.correct) == (answer.score, answer.correct) == (1.0, True)
    # The key follows the new item: its new id in its place is right.
    assert grade(question, {"order": ids}).correct


def test_a_categorize_item_reworded_is_a_new_item_and_a_typo_fix_is_not(
    teacher, categorize, learner
):
    quiz, question = categorize
    wrong = {"placed": {"c0": "Customer", "c1": "Customer", "c2": "Customer"}, "texts": {}}
    attempt = _submitted(quiz, question, learner, wrong)
    rows = _rows(question)
    rows[1]["text"] = "The guest  OS."  # spacing and punctuation
    rows[0]["text"] = "The physical data centre"
    page = _save(teacher, question, rows)
    ids = [i["id"] for i in question.items()]
    assert ids[1:] == ["c1", "c2"] and ids[0] not in ("c0", "c1", "c2")
    assert "Item 1 was reworded (“The hypervisor” is now “The physical data centre”)" in page
    assert "Item 2 was reworded" not in page
    stats = quiz_statistics(quiz=quiz, attempts=Attempt.objects.filter(pk=attempt.pk))
    tallies = {t.label: t for t in stats.questions[0].tallies}
    # The learner's misplacing of the hypervisor is not said of the new words.
    assert tallies["The physical data centre → AWS"].note == ""
    assert tallies["The guest  OS. → Customer"].count == 1  # the typo fix kept its answer


def test_an_unanswered_ordering_question_gets_the_rule_and_says_nobody_had_answered(
    teacher, ordering
):
    _, question = ordering
    rows = _rows(question)
    rows[3]["text"] = "Delete the stack"
    page = _save(teacher, question, rows)
    assert question.items()[3]["id"] != "s3"
    assert (
        "Item 4 was reworded (“Read the result” is now “Delete the stack”), so it is a new item "
        "(nobody had answered the question yet)."
    ) in page


def test_an_open_attempt_that_placed_the_reworded_item_is_asked_to_place_again(
    teacher, ordering, learner_client
):
    """Its place is not shown beside the new words, and the question counts as not answered
    (on its page and the summary, as for a reworded choice) until the items are placed again."""
    quiz, question = ordering
    attempt = start_through_page(learner_client, quiz)
    sent = {"action": "save", "question": question.pk}
    sent.update({f"pos_s{n}": str(n + 1) for n in range(4)})
    learner_client.post(reverse("quizzes:answer", args=[attempt.pk, 1]), sent)
    rows = _rows(question)
    rows[1]["text"] = "Rotate the access keys"
    assert "learners with an attempt still open who placed it are asked to place the items" in (
        _save(teacher, question, rows)
    )
    new_id = question.items()[1]["id"]
    response = learner_client.get(reverse("quizzes:take", args=[attempt.pk]))
    take = response.content.decode()
    assert 'name="pos_s0"' in take and f'name="pos_{new_id}"' in take
    start = take.index(f'name="pos_{new_id}"')
    select = take[start : take.index("</select>", start)]
    assert "selected" not in select  # the place given to the old words is not put on the new
    assert (
        "your answer placed “Assume the admin role”, no longer one of its items (reworded or "
        "taken out), so as it stands it counts as not answered. Place the items again."
    ) in page_text(response)
    assert "0 of 1 questions answered" in page_text(response)
    summary = page_text(learner_client.get(reverse("quizzes:summary", args=[attempt.pk])))
    assert "Your answer to question 1 placed an item the question no longer has" in summary
    assert "Not answered : an item you placed was changed in the question, place the items" in (
        summary
    )
    # Placed again, it is answered.
    sent = {"action": "save", "question": question.pk}
    sent.update({f"pos_{item['id']}": str(n) for n, item in enumerate(question.items(), 1)})
    learner_client.post(reverse("quizzes:answer", args=[attempt.pk, 1]), sent)
    summary = page_text(learner_client.get(reverse("quizzes:summary", args=[attempt.pk])))
    assert "Question 1 Answered" in summary


def test_an_open_categorize_answer_with_a_reworded_item_counts_as_not_answered(
    teacher, categorize, learner
):
    quiz, question = categorize
    attempt = make_attempt(quiz, user=learner)
    placed = {"placed": {"c0": "AWS", "c1": "Customer", "c2": "Customer"}, "texts": {}}
    answer_save(attempt=attempt, question=question, response=placed)
    rows = _rows(question)
    rows[2]["text"] = "Objects in your bucket"
    _save(teacher, question, rows)
    (row,) = attempts.attempt_summary(attempt)
    assert (row.answered, row.choice_gone, row.item_gone) == (False, True, True)
