"""An instructor who rewords a choice or item beyond a small fix but means the same option
ticks "Same choice, reworded" on its row: it keeps its id, so answers given to the old words
stay selected and scored and the statistics count them with the new words (the file's `id:`,
in the editor). A tick the save cannot honour is refused beside the box, never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from quizzes.models import Attempt
from teach.editors import assign_ids
from teach.statistics import quiz_statistics
from tests.quizzes.builders import page_text, start_through_page
from tests.teach.formdata import text
from tests.teach.test_reworded_choices import _published, _save, _stored, _submitted_choosing
from tests.teach.test_reworded_items import _in_order, _rows, _submitted, ordering  # noqa: F401
from tests.teach.test_reworded_items import _save as _save_items
from tests.teach.test_views_questions import form_data

pytestmark = pytest.mark.django_db


# --- the id rule (`assign_ids`, by `quizzes.kinds.same_entry`) --------------------------------


def test_a_ticked_row_keeps_its_id_through_a_rewording_and_is_not_said_reworded():
    previous = [{"id": "a1", "text": "S3"}, {"id": "b2", "text": "EC2"}]
    reworded: list = []
    rows = [
        {"id": "a1", "text": "Amazon Simple Storage Service", "same": True},
        {"id": "b2", "text": "Amazon Elastic Compute Cloud"},
    ]
    out = assign_ids(rows, previous, reworded=reworded)
    assert out[0] == {"id": "a1", "text": "Amazon Simple Storage Service"}  # "same" not stored
    assert out[1]["id"] != "b2"
    assert [r.number for r in reworded] == [2]


def test_a_tick_cannot_give_a_row_an_id_the_question_never_had_or_one_taken():
    previous = [{"id": "a1", "text": "S3"}]
    rows = [
        {"id": "a1", "text": "S3"},
        {"id": "a1", "text": "Amazon S3 buckets", "same": True},
        {"id": "zz", "text": "Glacier", "same": True},
    ]
    out = assign_ids(rows, previous, reworded=[])
    ids = [e["id"] for e in out]
    assert ids[0] == "a1" and "a1" not in ids[1:] and "zz" not in ids
    assert not any("same" in e for e in out)  # the tick is how it was posted, not data


# --- the editor -------------------------------------------------------------------------------


def test_a_reworded_choice_kept_the_same_keeps_its_answers_and_statistics(teacher, owned, learner):
    quiz, question = owned
    attempt = _submitted_choosing(quiz, question, learner, "Share it")
    old = {c["text"]: c["id"] for c in question.choices()}
    editor = text(teacher.get(reverse("teach:question-edit", args=[question.pk])))
    assert "Choice 2: same choice, reworded" in editor
    rows = _stored(question)
    rows[1] |= {"text": "Keep it in a password manager", "same": "on"}
    page = _save(teacher, question, rows)
    assert "Question saved." in page and "reworded (" not in page
    now = {c["text"]: c["id"] for c in question.choices()}
    assert now["Keep it in a password manager"] == old["Share it"]
    stats = quiz_statistics(quiz=quiz, attempts=Attempt.objects.filter(pk=attempt.pk))
    picked = {t.label: t.count for t in stats.questions[0].tallies}
    assert picked == {"Turn on MFA": 0, "Keep it in a password manager": 1, "Use it daily": 0}


def test_an_open_attempt_keeps_its_choice_selected_through_a_kept_rewording(
    teacher, owned, learner_client
):
    quiz, question = owned
    attempt = start_through_page(learner_client, _published(quiz))
    chosen = next(c for c in question.choices() if c["text"] == "Share it")
    sent = {"action": "save", "question": question.pk, "choice": chosen["id"]}
    learner_client.post(reverse("quizzes:answer", args=[attempt.pk, 1]), sent)
    rows = _stored(question)
    rows[1] |= {"text": "Write it on a sticky note", "same": "on"}
    _save(teacher, question, rows)
    take = learner_client.get(reverse("quizzes:take", args=[attempt.pk])).content.decode()
    assert "Choose again" not in page_text(
        learner_client.get(reverse("quizzes:take", args=[attempt.pk]))
    )
    assert f'value="{chosen["id"]}"' in take
    checked = take.split(f'value="{chosen["id"]}"', 1)[1].split(">", 1)[0]
    assert "checked" in checked


def test_a_kept_item_through_a_rewording_keeps_its_placings(teacher, ordering, learner):  # noqa: F811
    quiz, question = ordering
    attempt = _submitted(quiz, question, learner, _in_order(question))
    rows = _rows(question)
    rows[1] |= {"text": "Rotate the access keys", "same": "on"}
    page = _save_items(teacher, question, rows)
    assert "was reworded" not in page
    assert question.items()[1] == {"id": "s1", "text": "Rotate the access keys"}
    stats = quiz_statistics(quiz=quiz, attempts=Attempt.objects.filter(pk=attempt.pk))
    tallies = {t.label: t.count for t in stats.questions[0].tallies}
    assert tallies["2. Rotate the access keys"] == 1  # the learner's placing, counted with it


def _refused(teacher, question, rows) -> str:
    url = reverse("teach:question-edit", args=[question.pk])
    response = teacher.post(url, form_data(rows, category=question.category))
    assert response.status_code == 200  # the form again, not a save and not a 500
    return text(response)


def test_a_tampered_id_with_the_tick_is_refused_beside_its_row(teacher, owned):
    quiz, question = owned
    before = question.data
    rows = _stored(question)
    rows[1] |= {"id": "not-a-stored-id", "text": "Keep it safe", "same": "on"}
    page = _refused(teacher, question, rows)
    assert "The question was not saved." in page
    assert (
        "Choice 2: This row is not a choice the question had when it was opened, so there is "
        "no choice for it to stay"
    ) in page
    question.refresh_from_db()
    assert question.data == before


def test_two_rows_claiming_one_choice_are_refused(teacher, owned):
    quiz, question = owned
    before = question.data
    rows = _stored(question)
    rows[2] |= {"id": rows[1]["id"], "text": "Keep it safe", "same": "on"}
    page = _refused(teacher, question, rows)
    assert "Choice 3: Another row is the same choice too" in page
    question.refresh_from_db()
    assert question.data == before


def test_the_box_is_on_stored_rows_once_answered_and_never_on_a_new_row(teacher, owned, learner):
    quiz, question = owned
    url = reverse("teach:question-edit", args=[question.pk])
    assert 'name="rows-0-same"' not in teacher.get(url).content.decode()  # nobody answered
    _submitted_choosing(quiz, question, learner, "Share it")
    assert "tick “Same choice, reworded” on its row" in text(teacher.get(url))
    rows = _stored(question) + [{"id": "", "text": "", "correct": False, "feedback": ""}]
    page = teacher.post(url, form_data(rows, category=question.category, action="add"))
    html = page.content.decode()
    assert 'name="rows-2-same"' in html and 'name="rows-3-same"' not in html


def test_a_kept_choice_may_change_its_correctness_as_an_unchanged_one_may(teacher, owned, learner):
    """Keeping the id and changing the tick is the editor's answer-key change, as ticking
    "Correct" on an unreworded choice is: graded answers keep their marks (scored at submit),
    an open attempt is graded with the new key when it is submitted."""
    quiz, question = owned
    attempt = _submitted_choosing(quiz, question, learner, "Share it")
    answer = attempt.answers.get()
    assert answer.score == 0
    rows = _stored(question)
    rows[0]["correct"] = False
    rows[1] |= {"text": "Store it in a hardware MFA device", "correct": True, "same": "on"}
    assert "Question saved." in _save(teacher, question, rows)
    kept = question.choices()[1]
    assert (kept["id"], kept["correct"]) == (answer.response["choice"], True)
    answer.refresh_from_db()
    assert answer.score == 0  # marked as it was graded
