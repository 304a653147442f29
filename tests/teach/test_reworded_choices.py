"""A choice an instructor rewords in the question editor: a typo fix keeps its id, more makes
it a new choice (the course loader's rule, `quizzes.kinds.small_edit`), so answers given to the
old words are never shown or counted under words their learners never saw; the instructor is
told on save."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from quizzes.attempts import answer_save, attempt_submit
from quizzes.grading import grade
from quizzes.models import Attempt, Question
from teach.editors import Reworded, assign_ids, reworded_notice
from teach.statistics import quiz_statistics
from tests.quizzes.builders import make_attempt, page_text, start_through_page
from tests.teach.formdata import text
from tests.teach.test_views_questions import choice, form_data

pytestmark = pytest.mark.django_db


def _stored(question: Question) -> list[dict]:
    """The editor's rows as the page draws them: each with its stored id."""
    return [choice(c["text"], c["correct"], c["feedback"], id=c["id"]) for c in question.choices()]


def _save(teacher, question: Question, rows: list[dict]):
    """Save the edited rows, following to the page the save goes to (where it says what it
    did)."""
    url = reverse("teach:question-edit", args=[question.pk])
    response = teacher.post(url, form_data(rows, category=question.category), follow=True)
    assert response.redirect_chain, "saved"
    question.refresh_from_db()
    return text(response)


def _published(quiz):
    quiz.published = True
    quiz.save()
    return quiz


def _submitted_choosing(quiz, question, learner, wanted: str) -> Attempt:
    chosen = next(c for c in question.choices() if c["text"] == wanted)
    attempt = make_attempt(_published(quiz), user=learner)
    answer_save(
        attempt=attempt, question=question, response={"choice": chosen["id"], "text": wanted}
    )
    attempt_submit(attempt=attempt)
    return attempt


def test_a_typo_fix_keeps_the_choice_and_says_nothing_of_rewording(teacher, owned, learner):
    quiz, question = owned
    attempt = _submitted_choosing(quiz, question, learner, "Share it")
    before = [c["id"] for c in question.choices()]
    rows = _stored(question)
    rows[1]["text"] = "Share  it!"  # spacing and punctuation
    rows[2]["text"] = "Use it dialy"  # two letters swapped
    page = _save(teacher, question, rows)
    assert [c["id"] for c in question.choices()] == before
    assert "Question saved." in page and "reworded" not in page
    # The learner's answer is still to a choice the question has.
    stats = quiz_statistics(quiz=quiz, attempts=Attempt.objects.filter(pk=attempt.pk))
    picked = {t.label: t.count for t in stats.questions[0].tallies}
    assert picked == {"Turn on MFA": 0, "Share  it!": 1, "Use it dialy": 0}


def test_a_rewording_on_an_answered_question_is_a_new_choice_and_the_author_is_told(
    teacher, owned, learner
):
    quiz, question = owned
    attempt = _submitted_choosing(quiz, question, learner, "Share it")
    old = {c["text"]: c["id"] for c in question.choices()}
    # The editor says so before the save, too.
    editor = text(teacher.get(reverse("teach:question-edit", args=[question.pk])))
    assert (
        "Learners have answered this question. Editing keeps their answers: each choice keeps "
        "its id when you move it or fix a typo in it. A choice reworded beyond a small fix "
        "becomes a new choice"
    ) in editor
    rows = _stored(question)
    rows[1]["text"] = "Keep it in a password manager"
    page = _save(teacher, question, rows)
    now = {c["text"]: c["id"] for c in question.choices()}
    assert now["Keep it in a password manager"] not in old.values()
    assert (now["Turn on MFA"], now["Use it daily"]) == (old["Turn on MFA"], old["Use it daily"])
    assert (
        "Choice 2 was reworded (“Share it” is now “Keep it in a password manager”) and became "
        "new, as “Same choice, reworded” was not ticked (ticked, it would have kept its answers "
        "and statistics): answers given to the old wording keep it and are counted as a removed "
        "choice in the statistics"
    ) in page
    # The statistics count the learner's pick as a removed choice, not as the new words.
    stats = quiz_statistics(quiz=quiz, attempts=Attempt.objects.filter(pk=attempt.pk))
    picked = {t.label: t.count for t in stats.questions[0].tallies}
    assert picked == {
        "Turn on MFA": 0,
        "Keep it in a password manager": 0,
        "Use it daily": 0,
        "A choice since removed": 1,
    }
    # Grading is as before: the right choice kept its id, the new one is wrong as written.
    assert grade(question, {"choice": now["Turn on MFA"]}).correct
    assert not grade(question, {"choice": now["Keep it in a password manager"]}).correct


def test_the_right_choice_reworded_stays_the_right_answer_under_its_new_id(teacher, owned):
    quiz, question = owned
    old = {c["text"]: c["id"] for c in question.choices()}
    rows = _stored(question)
    rows[0]["text"] = "Require an authenticator app"
    _save(teacher, question, rows)
    right = next(c for c in question.choices() if c["correct"])
    assert right["text"] == "Require an authenticator app"
    assert right["id"] not in old.values()
    assert grade(question, {"choice": right["id"]}).correct
    assert question.problems() == []


def test_an_unanswered_question_gets_the_same_rule_and_says_nobody_had_answered(teacher, owned):
    """The rule does not wait for an answer: one rule, as the loader's, and no moment between
    a look at the answers and the save for a learner's answer to land under new words."""
    quiz, question = owned
    old = {c["text"]: c["id"] for c in question.choices()}
    rows = _stored(question)
    rows[2]["text"] = "Post it on the wiki"
    page = _save(teacher, question, rows)
    assert {c["text"]: c["id"] for c in question.choices()}["Post it on the wiki"] not in (
        old.values()
    )
    assert (
        "Choice 3 was reworded (“Use it daily” is now “Post it on the wiki”), so it is a new "
        "choice (nobody had answered the question yet)."
    ) in page


def test_an_open_attempt_that_chose_the_reworded_choice_is_asked_to_choose_again(
    teacher, owned, learner_client
):
    quiz, question = owned
    attempt = start_through_page(learner_client, _published(quiz))
    chosen = next(c for c in question.choices() if c["text"] == "Share it")
    sent = {"action": "save", "question": question.pk, "choice": chosen["id"]}
    learner_client.post(reverse("quizzes:answer", args=[attempt.pk, 1]), sent)
    rows = _stored(question)
    rows[1]["text"] = "Write it on a sticky note"
    assert "learners with an attempt still open who chose it are asked to choose again" in (
        _save(teacher, question, rows)
    )
    take = page_text(learner_client.get(reverse("quizzes:take", args=[attempt.pk])))
    assert (
        "your answer (“Share it”) is no longer one of its choices, so as it stands it counts "
        "as not right. Choose again." in take
    )
    summary = page_text(learner_client.get(reverse("quizzes:summary", args=[attempt.pk])))
    assert "Not answered : your choice was taken out of the question, choose again" in summary


def test_the_two_to_six_limit_still_refuses_and_keeps_what_was_stored(teacher, owned):
    quiz, question = owned
    before = question.data
    rows = _stored(question)
    rows[1]["text"] = "Something else entirely"
    rows += [choice(f"Extra {n}") for n in range(4)]  # seven choices
    url = reverse("teach:question-edit", args=[question.pk])
    page = text(teacher.post(url, form_data(rows, category=question.category)))
    assert "Give 2 to 6 choices: there are 7." in page
    assert "was reworded" not in page
    question.refresh_from_db()
    assert question.data == before


def test_a_reworded_choices_old_id_is_no_other_rows_even_if_posted_twice():
    previous = [{"id": "a1", "text": "Share it"}, {"id": "b2", "text": "Use it daily"}]
    reworded: list = []
    rows = [{"id": "a1", "text": "Something new"}, {"id": "a1", "text": "Share it"}]
    out = assign_ids(rows, previous, reworded=reworded)
    assert "a1" not in [e["id"] for e in out]
    assert [(r.number, r.old, r.new) for r in reworded] == [(1, "Share it", "Something new")]


def test_after_a_save_that_made_answered_choices_new_the_author_is_told_once(
    teacher, owned, learner
):
    """One notice says which choices were reworded into new ones, what became of their
    answers, that "Same choice, reworded" would have kept them, and how to get that now (the
    old words put back take back the old id), after "Question saved.". It was a line per
    choice and then a second notice after them, read as two saves' news."""
    quiz, question = owned
    _submitted_choosing(quiz, question, learner, "Share it")
    old = {c["text"]: c["id"] for c in question.choices()}
    rows = _stored(question)
    rows[1]["text"] = "Keep it in a password manager"
    rows[2]["text"] = "Post it on the wiki"
    url = reverse("teach:question-edit", args=[question.pk])
    response = teacher.post(url, form_data(rows, category=question.category), follow=True)
    notices = re.findall(r'<li class="message message-success">(.*?)</li>', response.text, re.S)
    assert notices == [
        "Question saved. Choices 2 and 3 were reworded (2: “Share it” is now “Keep it in a password manager”; "
        "3: “Use it daily” is now “Post it on the wiki”) and became new, as “Same choice, "
        "reworded” was not ticked (ticked, it would have kept their answers and statistics): "
        "answers given to the old wordings keep them and are counted as removed choices in "
        "the statistics; learners with an attempt still open who chose one are asked to "
        "choose again. To keep choices 2 and 3 after all, edit the question, put back the old "
        "words exactly and save, then reword with “Same choice, reworded” ticked."
    ]
    question.refresh_from_db()
    # And that way works: the old words back take back the old id, answers and all.
    rows = _stored(question)
    rows[1]["text"] = "Share it"
    _save(teacher, question, rows)
    assert {c["text"]: c["id"] for c in question.choices()}["Share it"] == old["Share it"]
    rows = _stored(question)
    rows[1]["text"] = "Keep it in a password manager"
    rows[1]["same"] = "on"
    page = _save(teacher, question, rows)
    assert "became new" not in page
    assert question.choices()[1]["id"] == old["Share it"]


def test_a_save_with_reworded_notices_opens_the_quiz_page_where_they_are_said(
    teacher, owned, learner
):
    """The notices are at the page's top: the entry's #fragment scrolled them out of sight (on
    a phone, always). A save with nothing more to say goes back to the entry as before."""
    quiz, question = owned
    url = reverse("teach:question-edit", args=[question.pk]) + f"?quiz={quiz.pk}"
    rows = _stored(question)
    response = teacher.post(url, form_data(rows, category=question.category))
    assert response["Location"].endswith(f"#entry-{question.pk}")
    rows[1]["text"] = "Keep it in a password manager"
    response = teacher.post(url, form_data(rows, category=question.category))
    assert response["Location"] == reverse("teach:quiz", args=[quiz.pk])


def test_a_save_that_reworded_says_so_in_its_one_saved_notice(teacher, owned):
    """One notice says "Question saved." and what became of the reworded choices: they were two
    (a success, then an information), read as two pieces of news."""
    _quiz, question = owned
    rows = _stored(question)
    rows[1]["text"] = "Keep it in a password manager"
    url = reverse("teach:question-edit", args=[question.pk])
    page = teacher.post(url, form_data(rows, category=question.category), follow=True)
    said = re.findall(r'<li class="message message-(\w+)">(.*?)</li>', page.content.decode(), re.S)
    assert len(said) == 1, said
    level, notice = said[0]
    assert level == "success"
    assert notice.startswith("Question saved. Choice 2 was reworded (“Share it” is now “Keep")
    assert notice.endswith("so it is a new choice (nobody had answered the question yet).")


def test_a_choice_whose_id_came_from_earlier_words_is_not_offered_the_way_back(
    teacher, owned, learner
):
    quiz, question = owned
    rows = _stored(question)
    rows[1]["text"] = "Share it!"  # a typo fix keeps the id made from "Share it"
    _save(teacher, question, rows)
    _submitted_choosing(quiz, question, learner, "Share it!")
    rows = _stored(question)
    rows[1]["text"] = "Keep it in a password manager"
    page = _save(teacher, question, rows)
    assert (
        "Choice 2 was reworded (“Share it!” is now “Keep it in a password manager”) and became new"
    ) in page
    assert "For choice 2 that is no longer possible here." in page
    assert "put back the old words" not in page


def test_nothing_is_said_of_the_box_before_anyone_answered(teacher, owned):
    _quiz, question = owned
    rows = _stored(question)
    rows[1]["text"] = "Keep it in a password manager"
    page = _save(teacher, question, rows)
    assert "so it is a new choice (nobody had answered the question yet)" in page
    assert "Same choice, reworded" not in page


def test_the_box_is_named_as_an_items_page_names_it():
    said = reworded_notice([Reworded(2, "Sign in", "Log on", "Item", back=True)], answered=True)
    assert said == (
        "Item 2 was reworded (“Sign in” is now “Log on”) and became new, as “Same item, "
        "reworded” was not ticked (ticked, it would have kept its answers and statistics): "
        "answers given to the old wording keep it and their marks; the statistics count only "
        "where learners put the new wording; learners with an attempt still open who placed it "
        "are asked to place the items again. To keep item 2 after all, edit the question, put "
        "back the old words exactly and save, then reword with “Same item, reworded” ticked."
    )


def test_several_rows_reworded_before_anyone_answered_are_said_in_one_notice():
    said = reworded_notice(
        [Reworded(1, "Share it", "Post it"), Reworded(3, "Use it daily", "Burn it")],
        answered=False,
    )
    assert said == (
        "Choices 1 and 3 were reworded (1: “Share it” is now “Post it”; 3: “Use it daily” is "
        "now “Burn it”), so each is a new choice (nobody had answered the question yet)."
    )
