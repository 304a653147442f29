"""A question learners have answered is never deleted: not from the admin (its page or the
list's action), not from code, not from /teach/ (which archives it). Its answers and the
scores they make stay; deleting a learner or a quiz still takes their attempts and answers."""

from __future__ import annotations

from unittest import mock

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import ProtectedError
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from quizzes.models import Answer, Attempt, Question
from teach import services
from tests.quizzes.builders import make_attempt, make_question, make_quiz

pytestmark = pytest.mark.django_db


def _answered(learner, *slugs: str):
    """A quiz of these questions, and an attempt of `learner` that answered each."""
    questions = [make_question(slug=slug) for slug in slugs]
    quiz = make_quiz(*questions)
    attempt = make_attempt(quiz, user=learner)
    for question in questions:
        Answer.objects.create(attempt=attempt, question=question, saved_at=timezone.now())
    return quiz, attempt, questions


def test_its_delete_page_refuses_and_says_to_archive_it(client, everyday_admin, learner):
    _, attempt, (question,) = _answered(learner, "answered")
    url = f"/admin/quizzes/question/{question.pk}/delete/"
    page = client.get(url).content.decode()
    assert "Learners have answered the question “answered”, so it cannot be deleted" in page
    assert "Archive it instead" in page
    assert f'href="/admin/quizzes/question/{question.pk}/change/"' in page
    assert "“answered”: 1 answer<" in page
    assert 'value="Yes, I’m sure"' not in page  # nothing to confirm

    response = client.post(url, {"post": "yes"})
    assert response.status_code == 200  # the same refusal, not a deletion
    assert Question.objects.filter(pk=question.pk).exists()
    assert attempt.answers.count() == 1


def test_the_lists_delete_action_refuses_answered_questions(client, everyday_admin, learner):
    _, attempt, (one, two) = _answered(learner, "first-q", "second-q")
    Answer.objects.create(
        attempt=make_attempt(make_quiz(two), user=learner), question=two, saved_at=timezone.now()
    )
    spare = make_question(slug="never-answered")
    chosen = {"action": "delete_selected", "_selected_action": [one.pk, two.pk, spare.pk]}
    page = client.post("/admin/quizzes/question/", chosen).content.decode()
    assert "Learners have answered these questions, so they cannot be deleted" in page
    assert "“first-q”: 1 answer<" in page and "“second-q”: 2 answers<" in page
    assert "Archive them instead" in page
    assert "Answers: " not in page  # no summary of answers about to go

    response = client.post("/admin/quizzes/question/", {**chosen, "post": "yes"})
    assert response.status_code == 200
    assert Question.objects.filter(pk__in=[one.pk, two.pk, spare.pk]).count() == 3
    assert Answer.objects.count() == 3


def test_code_cannot_delete_an_answered_question(learner):
    _, attempt, (question,) = _answered(learner, "kept")
    with pytest.raises(ProtectedError):
        question.delete()
    with pytest.raises(ProtectedError):
        Question.objects.filter(pk=question.pk).delete()
    assert attempt.answers.get().question_id == question.pk


def test_a_learner_or_a_quiz_deleted_still_takes_its_attempts_and_answers(learner, other_learner):
    quiz, attempt, (question,) = _answered(learner, "shared")
    other = make_attempt(quiz, user=other_learner)
    Answer.objects.create(attempt=other, question=question, saved_at=timezone.now())
    learner.delete()
    assert not Attempt.objects.filter(pk=attempt.pk).exists()
    assert Answer.objects.filter(attempt=other).exists()
    quiz.delete()
    assert not Answer.objects.exists()
    assert Question.objects.filter(pk=question.pk).exists()  # content stays


def test_teach_archives_a_question_answered_after_it_looked(learner):
    """An answer saved between the look for answers and the deletion (a learner mid-quiz):
    the deletion is undone, the quiz keeps its entry, and the question is archived."""
    quiz, attempt, (question,) = _answered(learner, "late")
    with mock.patch.object(services, "question_has_answers", return_value=False):
        outcome = services.question_delete_or_archive(question=question)
    assert outcome == "archived"
    question.refresh_from_db()
    assert question.archived
    assert list(quiz.entries.values_list("question_id", "order")) == [(question.pk, 1)]
    assert attempt.answers.count() == 1


@pytest.mark.parametrize("how", ["its page", "the list's action"])
def test_an_answer_saved_while_the_admin_confirms_stops_the_delete_with_a_message(
    client, everyday_admin, learner, how
):
    """The admin checked for answers when it drew the confirmation, and a learner answered
    before it was sent (here: as the deletion's history is written, between Django's check and
    its delete). Nothing is deleted, no history says it was, and the admin says why on the page
    it returns to, instead of a 500. (The learner's answer, saved here inside the admin's own
    transaction, is undone with it; a real one, committed apart, stays and protects.)"""
    from auditlog.models import LogEntry as AuditEntry
    from django.contrib.admin.models import LogEntry
    from django.contrib.admin.options import ModelAdmin

    question = make_question(slug="answered-meanwhile")
    quiz = make_quiz(question)

    def a_learner_answers(*args, **kwargs):
        attempt = make_attempt(quiz, user=learner)
        Answer.objects.create(attempt=attempt, question=question, saved_at=timezone.now())
        return real(*args, **kwargs)

    real = ModelAdmin.log_deletions
    if how == "its page":
        url, sent = f"/admin/quizzes/question/{question.pk}/delete/", {"post": "yes"}
    else:
        url = "/admin/quizzes/question/"
        sent = {"action": "delete_selected", "_selected_action": [question.pk], "post": "yes"}
    audit_before = AuditEntry.objects.count()
    with mock.patch.object(ModelAdmin, "log_deletions", a_learner_answers):
        response = client.post(url, sent)

    assert response.status_code == 302 and response.url == url
    assert Question.objects.filter(pk=question.pk).exists()
    assert list(quiz.entries.values_list("question_id", "order")) == [(question.pk, 1)]
    assert not LogEntry.objects.filter(action_flag=3).exists()  # no "deleted" in its history
    assert AuditEntry.objects.count() == audit_before
    page = client.get(url).content.decode()
    assert (
        "Nothing was deleted: while you were confirming, 1 answer came to depend on what you"
        " chose, and deleting it would lose them." in page
    )


def test_a_question_taken_through_a_quiz_is_refused_with_the_same_words(
    client, everyday_admin, learner
):
    """A question answered through a quiz is also in the learner's review queue (a card,
    which no role may delete): the page said only Django's "your account doesn't have
    permission to delete ... review card", as if the admin lacked a permission, and never
    that learners had answered it or to archive it. One skipped (a card, no answer) too."""
    from quizzes import attempts
    from quizzes.models import ReviewCard
    from tests.quizzes.builders import wrong_response

    answered, skipped = make_question(slug="taken"), make_question(slug="skipped")
    attempt = attempts.attempt_start(quiz=make_quiz(answered, skipped), user=learner)
    attempts.answer_save(attempt=attempt, question=answered, response=wrong_response(answered))
    attempts.attempt_submit(attempt=attempt)
    assert ReviewCard.objects.filter(question=answered).exists()

    page = client.get(f"/admin/quizzes/question/{answered.pk}/delete/").content.decode()
    assert "Learners have answered the question “taken”" in page
    assert "“taken”: 1 answer, in 1 review queue<" in page
    assert "Archive it instead" in page
    assert "permission to delete" not in page

    assert ReviewCard.objects.filter(question=skipped).exists()  # a miss, to review
    chosen = {"action": "delete_selected", "_selected_action": [answered.pk, skipped.pk]}
    page = client.post("/admin/quizzes/question/", chosen).content.decode()
    assert "“skipped”: in 1 review queue<" in page
    assert "Archive them instead" in page
    assert "permission to delete" not in page
    client.post("/admin/quizzes/question/", {**chosen, "post": "yes"})
    assert Question.objects.filter(pk__in=[answered.pk, skipped.pk]).count() == 2


def test_a_quiz_learners_took_is_refused_saying_so_and_to_unpublish_it(
    client, everyday_admin, learner, other_learner
):
    """Its attempts (learner records no role may delete) would go with it: Django told an
    everyday admin only that they lack "permission to delete ... attempt"."""
    quiz, _, _ = _answered(learner, "q-one")
    make_attempt(quiz, user=other_learner)
    page = client.get(f"/admin/quizzes/quiz/{quiz.pk}/delete/").content.decode()
    assert "Learners have taken the quiz" in page
    assert f"“{quiz.slug}”: 2 attempts<" in page
    assert "Unpublish it instead" in page and "permission to delete" not in page
    client.post(f"/admin/quizzes/quiz/{quiz.pk}/delete/", {"post": "yes"})
    chosen = {"action": "delete_selected", "_selected_action": [quiz.pk]}
    page = client.post("/admin/quizzes/quiz/", chosen).content.decode()
    assert "Learners have taken these quizzes" in page and "Unpublish them instead" in page
    client.post("/admin/quizzes/quiz/", {**chosen, "post": "yes"})
    assert Attempt.objects.filter(quiz=quiz).count() == 2


def test_a_quiz_an_instructor_assigned_to_a_cohort_is_refused_to_an_everyday_admin(
    client, everyday_admin, django_user_model
):
    """Its cohort assignments (with their dates and extensions) went with it without a word:
    Django checks the permissions of models in the admin only, and cohorts are not in it."""
    from cohorts import services as cohorts
    from cohorts.models import Assignment

    owner = django_user_model.objects.create_user("ines", password="a-long-passphrase-7")
    quiz = make_quiz(make_question(slug="assigned-q"), slug="assigned")
    spare = make_quiz(make_question(slug="spare-q"), slug="spare")
    cohort = cohorts.cohort_create(owner=owner, name="Spring class")
    cohorts.assignment_create(cohort=cohort, quiz=quiz, by=owner)

    page = client.get(f"/admin/quizzes/quiz/{quiz.pk}/delete/").content.decode()
    assert "an instructor has assigned it to a cohort, so it cannot be deleted" in page
    assert "“assigned”: assigned to 1 cohort<" in page
    assert "Unpublish it instead" in page
    client.post(f"/admin/quizzes/quiz/{quiz.pk}/delete/", {"post": "yes"})
    chosen = {"action": "delete_selected", "_selected_action": [quiz.pk, spare.pk]}
    page = client.post("/admin/quizzes/quiz/", chosen).content.decode()
    assert "“assigned”: assigned to 1 cohort<" in page
    client.post("/admin/quizzes/quiz/", {**chosen, "post": "yes"})
    assert Assignment.objects.filter(quiz=quiz, cohort=cohort).exists()

    # A quiz nobody took or was assigned is deleted as before.
    client.post(f"/admin/quizzes/quiz/{spare.pk}/delete/", {"post": "yes"})
    assert not type(spare).objects.filter(pk=spare.pk).exists()


def test_the_list_archives_and_restores_selected_questions_each_saved_and_audited(
    client, everyday_admin, learner
):
    """What the delete pages advise, for many at once: each question is saved as the editors
    save it, so the audit log names who archived it."""
    from auditlog.models import LogEntry

    _, _, (one, two) = _answered(learner, "first-q", "second-q")
    chosen = {"action": "archive_selected", "_selected_action": [one.pk, two.pk]}
    page = client.post("/admin/quizzes/question/", chosen, follow=True).content.decode()
    assert _said(page) == [("success", "2 questions archived.")]
    assert set(Question.objects.filter(archived=True).values_list("slug", flat=True)) == {
        "first-q",
        "second-q",
    }
    entries = LogEntry.objects.get_for_objects(Question.objects.filter(pk__in=[one.pk, two.pk]))
    assert {entry.actor for entry in entries.filter(changes__icontains="archived")} == {
        everyday_admin
    }

    # Nothing to do is no success: "0 questions archived" came in the admin's green, ticked.
    page = client.post("/admin/quizzes/question/", chosen, follow=True).content.decode()
    assert _said(page) == [("warning", "Nothing archived: the 2 chosen were already archived.")]

    restore = {"action": "restore_selected", "_selected_action": [one.pk, two.pk]}
    page = client.post(
        "/admin/quizzes/question/", {**restore, "_selected_action": [one.pk]}, follow=True
    ).content.decode()
    assert _said(page) == [("success", "1 question put back in use.")]
    assert list(Question.objects.filter(archived=False).values_list("slug", flat=True)) == [
        "first-q"
    ]
    page = client.post("/admin/quizzes/question/", restore, follow=True).content.decode()
    assert _said(page) == [("success", "1 question put back in use (1 already in use).")]
    page = client.post("/admin/quizzes/question/", restore, follow=True).content.decode()
    assert _said(page) == [
        ("warning", "Nothing put back in use: the 2 chosen were already in use.")
    ]


def _said(page: str) -> list[tuple[str, str]]:
    """The admin's messages on `page`: (level, text), as its list draws them."""
    found = BeautifulSoup(page, "html.parser").select("ul.messagelist li")
    return [(" ".join(li.get("class") or []), li.get_text(" ", strip=True)) for li in found]


def test_archiving_too_many_at_once_changes_nothing_and_says_how_many_it_takes(
    client, everyday_admin, monkeypatch
):
    """Each question is saved on its own, so "Select all" of a large bank is refused whole."""
    from quizzes import admin as quiz_admin

    monkeypatch.setattr(quiz_admin, "ARCHIVE_AT_MOST", 2)
    questions = [make_question(slug=f"q-{n}") for n in range(3)]
    chosen = {"action": "archive_selected", "_selected_action": [q.pk for q in questions]}
    page = client.post("/admin/quizzes/question/", chosen, follow=True).content.decode()
    assert "Nothing changed: select at most 2 questions to archive at a time" in page
    assert not Question.objects.filter(archived=True).exists()


def test_an_answered_questions_type_change_is_refused_at_the_field_keeping_what_was_typed(
    admin_client, learner
):
    """A single-choice question's data reads as multiple select too, so the admin saved the
    change without a word, and learners' answers were then shown and marked as another type.
    The loader refuses it in a file (docs/curriculum.md); the admin now says why at the field."""
    from tests.quizzes.test_admin_edited_elsewhere import _form

    _, _, (question,) = _answered(learner, "answered-single")
    url = f"/admin/quizzes/question/{question.pk}/change/"
    form = _form(admin_client, url, "question_form")

    refused = admin_client.post(url, {**form, "type": ["multiple"], "prompt": ["Reworded?"]})

    assert refused.status_code == 200
    page = refused.content.decode()
    assert (
        "Learners have answered this question as &#x27;Single choice&#x27; (1 answer), which "
        "&#x27;Multiple select&#x27; can neither show nor mark, so its type stays &#x27;Single "
        "choice&#x27;."
    ) in page
    assert "archive this one (its answers are kept)" in page
    assert "Reworded?" in page  # what was typed is drawn again
    question.refresh_from_db()
    assert (question.type, question.prompt) != ("multiple", "Reworded?")

    unanswered = make_question(slug="never-answered")
    url = f"/admin/quizzes/question/{unanswered.pk}/change/"
    form = _form(admin_client, url, "question_form")
    assert admin_client.post(url, {**form, "type": ["multiple"]}).status_code == 302
    unanswered.refresh_from_db()
    assert unanswered.type == "multiple"


def test_a_row_read_with_its_type_is_refused_a_change_without_reading_it_again(learner):
    """A question read from the database keeps the type it was read with (`from_db`), so a
    save that keeps it reads nothing more, and one that changes it is refused all the same,
    its answers counted, as the admin's change is above."""
    _, _, (answered,) = _answered(learner, "answered-passed")
    question = Question.objects.get(pk=answered.pk)
    question.type = "multiple"
    with pytest.raises(ValidationError) as refused:
        question.full_clean()
    assert "as 'Single choice' (1 answer), which 'Multiple select' can neither show" in str(
        refused.value.message_dict["type"]
    )
    question.type = "single"
    with CaptureQueriesContext(connection) as queries:
        question.type_change_refused()
    assert queries.captured_queries == []  # unchanged: nothing to refuse, nothing read
