"""Two tabs (or two co-authors) editing the same question or quiz: the page saved second was
drawn before the first save, and writing it would undo that save without anyone seeing it.
It is refused once, with everything typed kept; saving again is a deliberate overwrite."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from quizzes.models import Question, Quiz
from teach import services
from tests.teach.formdata import form_fields

pytestmark = pytest.mark.django_db


def _page(client, url, form_class):
    return form_fields(client.get(url).content.decode(), form_class)


def test_a_question_saved_in_another_tab_is_not_overwritten_by_a_stale_page(teacher, owned):
    quiz, question = owned
    url = reverse("teach:question-edit", args=[question.pk]) + f"?quiz={quiz.pk}"
    first, second = _page(teacher, url, "question-editor"), _page(teacher, url, "question-editor")

    saved = teacher.post(url, {**first, "explanation": "Saved in the first tab"})
    assert saved.status_code == 302
    refused = teacher.post(url, {**second, "prompt": "Typed in the second tab"})

    assert refused.status_code == 200
    page = refused.content.decode()
    assert "The question was not saved." in page
    assert "was saved somewhere else" in page
    assert "Typed in the second tab" in page  # what was typed is drawn again
    question.refresh_from_db()
    assert question.explanation == "Saved in the first tab"
    assert question.prompt != "Typed in the second tab"

    # The refused page now remembers the latest save: saving it again is a choice, and works.
    again = teacher.post(url, form_fields(page, "question-editor"))
    assert again.status_code == 302
    question.refresh_from_db()
    assert question.prompt == "Typed in the second tab"


def test_saving_the_same_page_twice_in_a_row_is_no_clash(teacher, owned):
    """The save redirects, and the page drawn after it remembers that save."""
    quiz, question = owned
    url = reverse("teach:question-edit", args=[question.pk])
    assert (
        teacher.post(url, {**_page(teacher, url, "question-editor"), "prompt": "One"}).status_code
        == 302
    )
    assert (
        teacher.post(url, {**_page(teacher, url, "question-editor"), "prompt": "Two"}).status_code
        == 302
    )
    assert Question.objects.get(pk=question.pk).prompt == "Two"


def test_quiz_settings_saved_in_another_tab_are_not_undone(teacher, owned):
    quiz, _ = owned
    url = reverse("teach:quiz-edit", args=[quiz.pk])
    first, second = _page(teacher, url, "teach-form"), _page(teacher, url, "teach-form")

    assert teacher.post(url, {**first, "pass_mark": "90"}).status_code == 302
    refused = teacher.post(url, {**second, "title": "Renamed in the other tab"})

    assert refused.status_code == 200
    assert "was saved somewhere else" in refused.content.decode()
    quiz = Quiz.objects.get(pk=quiz.pk)
    assert quiz.pass_mark == 90
    assert quiz.title != "Renamed in the other tab"
    again = teacher.post(url, form_fields(refused.content.decode(), "teach-form"))
    assert again.status_code == 302
    assert Quiz.objects.get(pk=quiz.pk).title == "Renamed in the other tab"


def test_a_post_that_remembers_nothing_is_not_asked(teacher, owned):
    """A script (or a page from before this check) sends no stamp: saved as before."""
    quiz, question = owned
    url = reverse("teach:question-edit", args=[question.pk])
    fields = _page(teacher, url, "question-editor")
    fields.pop("seen")
    Question.objects.filter(pk=question.pk).update(prompt="Changed", updated_at=timezone.now())
    assert teacher.post(url, {**fields, "prompt": "Mine"}).status_code == 302


def test_two_saves_from_pages_drawn_together_cannot_both_go_through(owned):
    """Two requests read the question, then both save: the second's own copy of the row still
    carries the stamp its page was drawn with, so only the database, at the save, can tell that
    the first went through in between. (Compared with the copy read at the request's start, both
    were accepted and the second undid the first.)"""
    _, question = owned
    seen = services.edit_stamp(question)
    mine, theirs = Question.objects.get(pk=question.pk), Question.objects.get(pk=question.pk)

    theirs.explanation = "Saved first"
    services.save_unless_edited(theirs, seen, theirs.save)
    mine.prompt = "Saved second, from the same moment"
    with pytest.raises(services.EditedElsewhere) as refused:
        services.save_unless_edited(mine, seen, mine.save)

    stored = Question.objects.get(pk=question.pk)
    assert stored.explanation == "Saved first"
    assert stored.prompt != "Saved second, from the same moment"
    assert refused.value.stamp == services.edit_stamp(stored)  # the page's next save is a choice
    services.save_unless_edited(mine, refused.value.stamp, mine.save)
    assert Question.objects.get(pk=question.pk).prompt == "Saved second, from the same moment"


def test_a_save_after_the_row_was_deleted_says_so_and_writes_nothing(owned):
    quiz, _ = owned
    stale = Quiz.objects.get(pk=quiz.pk)
    seen = services.edit_stamp(stale)
    Quiz.objects.filter(pk=quiz.pk).delete()
    with pytest.raises(services.EditedElsewhere, match="was deleted after you opened"):
        services.save_unless_edited(stale, seen, stale.save)
    assert not Quiz.objects.filter(pk=quiz.pk).exists()


# Past the years a datetime holds once read in UTC (the year 0, the year 10000): comparing one
# with the stored save raised OverflowError, a server error.
OUT_OF_RANGE_STAMPS = ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"]


@pytest.mark.parametrize(
    "seen",
    ["", "not a time", "2026-13-45T99:00:00", "2026-12-03T10:00:00", *OUT_OF_RANGE_STAMPS],
)
def test_a_stamp_no_page_was_given_is_not_asked(owned, seen):
    """Missing, unreadable, without a time zone (edit_stamp always writes one) or outside the
    years a time holds in UTC: as a script's."""
    _, question = owned
    Question.objects.filter(pk=question.pk).update(updated_at=timezone.now())
    question.prompt = "Mine"
    services.save_unless_edited(question, seen, question.save)
    assert Question.objects.get(pk=question.pk).prompt == "Mine"


def test_a_stamp_with_an_offset_postgresql_refuses_is_compared_in_utc(owned):
    """Python reads offsets up to 23:59, PostgreSQL takes up to 15:59: a `seen` edited to
    `+23:59` was DataError there, a 500. Read in UTC, it is a save that is not the row's, and
    the page is refused once like any stale one."""
    _, question = owned
    seen = "2026-01-01T00:00:00+23:59"
    assert services._stamp_time(seen).utcoffset() == timedelta(0)
    question.prompt = "Mine"
    with pytest.raises(services.EditedElsewhere):
        services.save_unless_edited(question, seen, question.save)


def test_an_edited_stamp_out_of_range_saves_the_editors_as_sent(teacher, owned):
    """The question's and the quiz's editors, their hidden `seen` edited to the year 0 in UTC:
    a server error; now a stamp no page was given, the save goes through."""
    quiz, question = owned
    question_url = reverse("teach:question-edit", args=[question.pk])
    fields = _page(teacher, question_url, "question-editor")
    sent = {**fields, "seen": OUT_OF_RANGE_STAMPS[0], "prompt": "Mine"}
    assert teacher.post(question_url, sent).status_code == 302
    assert Question.objects.get(pk=question.pk).prompt == "Mine"
    quiz_url = reverse("teach:quiz-edit", args=[quiz.pk])
    fields = _page(teacher, quiz_url, "teach-form")
    sent = {**fields, "seen": OUT_OF_RANGE_STAMPS[1], "title": "Renamed"}
    assert teacher.post(quiz_url, sent).status_code == 302
    assert Quiz.objects.get(pk=quiz.pk).title == "Renamed"


@pytest.mark.parametrize(
    ("name", "data"),
    [("teach:quiz-question-remove", {}), ("teach:quiz-question-move", {"direction": "up"})],
)
def test_a_question_taken_out_meanwhile_is_said_on_the_quizs_page(teacher, owned, name, data):
    """A double click on "Take out" without JavaScript, or a co-author's page drawn before:
    it was the site's 404 page, "The address may be mistyped"."""
    quiz, question = owned
    url = reverse(name, args=[quiz.pk, question.pk])
    assert teacher.post(reverse("teach:quiz-question-remove", args=[quiz.pk, question.pk]))
    response = teacher.post(url, data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("teach:quiz", args=[quiz.pk]) + (
        "#questions-title"
    )
    assert "That question is no longer in this quiz" in response.content.decode()
    # With htmx the 404 stands, said in the page's alert region (srm_trainer/gone.py).
    live = teacher.post(url, data, headers={"HX-Request": "true"})
    assert live.status_code == 404 and live["X-Page-Stale"] == "1"
