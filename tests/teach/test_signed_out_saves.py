"""A save sent after the session ended (signed out in another tab, a password changed in
another browser) is refused with a page that says why and shows what was typed, to copy: it was
a redirect to sign in, which dropped a question written for twenty minutes (`teach.access`)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from quizzes.models import Question
from tests.teach.formdata import form_fields

pytestmark = pytest.mark.django_db
PROMPT = "Which party patches the guest OS on Amazon EC2?\n\nThink it through."


def _signed_out_with_the_editor_open(teacher, question):
    url = reverse("teach:question-edit", args=[question.pk])
    fields = form_fields(teacher.get(url).content.decode(), "question-editor")
    teacher.logout()  # another tab signed out: this browser's session is gone
    return url, fields


def test_a_save_after_signing_out_elsewhere_shows_what_was_typed(teacher, owned):
    _, question = owned
    url, fields = _signed_out_with_the_editor_open(teacher, question)
    response = teacher.post(
        url, {**fields, "prompt": PROMPT}, headers={"Referer": "http://testserver" + url}
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert "You were signed out, so nothing was saved" in page
    assert '<label for="typed-back-1">Prompt</label>' in page
    assert "Which party patches the guest OS on Amazon EC2?\n\nThink it through.</textarea>" in page
    assert "csrfmiddlewaretoken" not in page.split("What you typed")[1]  # not a page's own fields
    sign_in = reverse("account_login") + "?next=" + url
    assert f'href="{sign_in}"' in page  # back to the editor once signed in
    assert Question.objects.get(pk=question.pk).prompt != PROMPT


def test_a_live_update_after_signing_out_says_so_in_the_alert_region(teacher, owned):
    _, question = owned
    url, fields = _signed_out_with_the_editor_open(teacher, question)
    shown = "http://testserver" + url
    response = teacher.post(
        url,
        {**fields, "action": "preview"},
        headers={"HX-Request": "true", "HX-Current-URL": shown},
    )
    assert response.status_code == 403
    assert response["X-Page-Stale"] == "1" and response["HX-Retarget"] == "#page-alert"
    assert "Sign in again" in response.content.decode()


def test_opening_a_teaching_page_signed_out_still_goes_to_sign_in(client, owned):
    _, question = owned
    response = client.get(reverse("teach:question-edit", args=[question.pk]))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_save_to_a_question_deleted_meanwhile_shows_what_was_typed(teacher, owned):
    """A co-author deleted it while this editor was open: the 404 says why nothing was saved and
    shows the typing (it said "The address may be mistyped"), for a form from this site only."""
    _, question = owned
    url = reverse("teach:question-edit", args=[question.pk])
    fields = form_fields(teacher.get(url).content.decode(), "question-editor")
    Question.objects.filter(pk=question.pk).delete()
    sent = {**fields, "prompt": PROMPT}
    response = teacher.post(url, sent, headers={"Origin": "http://testserver"})
    assert response.status_code == 404
    page = response.content.decode()
    assert "Nothing was saved: what this form was about is gone" in page
    assert "Think it through.</textarea>" in page
    elsewhere = teacher.post(url, sent, headers={"Origin": "https://elsewhere.example"})
    assert "Think it through." not in elsewhere.content.decode()
    assert "couldn't find that page" in elsewhere.content.decode()
