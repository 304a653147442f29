"""Asking before the irreversible: a new join code (the old one stops working) and deleting a
cohort (owner only; learners' attempts stay). And what the co-instructor box says when the
username is wrong."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from cohorts import services
from cohorts.models import Assignment, Cohort, Extension, Membership
from quizzes import attempts
from quizzes.models import Attempt
from tests.cohorts.conftest import at, client_for, make_learner

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_a_new_code_is_asked_for_first_without_javascript(cohort, owner):
    client = client_for(owner)
    people = client.get(reverse("teach_cohorts:people", args=[cohort.pk])).content.decode()
    url = reverse("teach_cohorts:code-rotate", args=[cohort.pk])
    assert f'href="{url}"' in people  # a link to the question, not a form that acts at once
    old = cohort.join_code
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert cohort.code_display in text and "stop working" in text
    assert re.search(r'<form method="post"[^>]*>', text)  # a plain form posts to this URL
    cohort.refresh_from_db()
    assert cohort.join_code == old  # asking changed nothing
    done = client.post(url)
    assert done["Location"] == reverse("teach_cohorts:people", args=[cohort.pk])
    cohort.refresh_from_db()
    assert cohort.join_code != old


def test_the_owner_deletes_a_cohort_and_learners_keep_their_attempts(cohort, owner, learner, quiz):
    assignment = services.assignment_create(
        cohort=cohort, quiz=quiz, lessons=[], opens_at=None, due_at=at(days=4), by=owner
    )
    services.extension_set(assignment=assignment, user_id=learner.pk, due_at=at(days=6))
    attempt = attempts.attempt_start(quiz=quiz, user=learner)
    client = client_for(owner)
    url = reverse("teach_cohorts:delete", args=[cohort.pk])

    ask = client.get(url)
    assert ask.status_code == 200
    text = ask.content.decode()
    assert "1 assignment " in text and "1 learner." in text
    assert "attempts are not deleted" in text
    assert Cohort.objects.filter(pk=cohort.pk).exists()

    done = client.post(url)
    assert done["Location"] == reverse("teach_cohorts:list")
    assert "Spring class" in _messages(done)[0]
    assert not Cohort.objects.filter(pk=cohort.pk).exists()
    assert not Membership.objects.exists() and not Assignment.objects.exists()
    assert not Extension.objects.exists()
    assert Attempt.objects.filter(pk=attempt.pk, user=learner).exists()
    assert client_for(learner).get(attempt.get_absolute_url()).status_code == 200
    assert client.get(cohort.get_absolute_url()).status_code == 404


def test_deleting_again_from_the_same_browser_says_it_is_gone(cohort, owner, co_instructor):
    """A double click on "Delete", or Back to the question and Delete again: the second request
    finds no cohort. The browser that deleted it is told so on the cohorts list; anyone else
    (here the co-instructor) still gets the 404 every unknown cohort gets."""
    url = reverse("teach_cohorts:delete", args=[cohort.pk])
    client = client_for(owner)
    assert client.post(url)["Location"] == reverse("teach_cohorts:list")
    for again in (client.post, client.get):
        response = again(url)
        assert response["Location"] == reverse("teach_cohorts:list")
        assert _messages(response)[-1] == "Cohort “Spring class” is deleted already."
    assert client_for(co_instructor).post(url).status_code == 404
    other = reverse("teach_cohorts:delete", args=[cohort.pk + 1000])
    assert client.post(other).status_code == 404


def test_only_the_owner_may_delete_and_only_the_owner_sees_the_button(cohort, owner, co_instructor):
    url = reverse("teach_cohorts:delete", args=[cohort.pk])
    helper = client_for(co_instructor)
    assert helper.get(url).status_code == 403
    assert helper.post(url).status_code == 403
    assert Cohort.objects.filter(pk=cohort.pk).exists()
    people = reverse("teach_cohorts:people", args=[cohort.pk])
    assert url not in helper.get(people).content.decode()
    assert url in client_for(owner).get(people).content.decode()


@pytest.mark.parametrize(
    ("username", "says"),
    [
        ("nobody", "No account is called “nobody”"),
        ("hal", "hal is not an instructor here"),
        ("   ", "Type the username of an instructor"),
        ("ines", "The owner already teaches this cohort"),
        ("ada", "ada is not an instructor here"),
    ],
)
def test_the_co_instructor_box_says_what_is_wrong(cohort, owner, username, says):
    make_learner("hal")
    client = client_for(owner)
    response = client.post(
        reverse("teach_cohorts:instructor-add", args=[cohort.pk]), {"username": username}
    )
    # the people page again, the problem beside the box and the name as typed in it
    assert response.status_code == 200
    page = response.content.decode()
    assert says in page
    # said to an instructor, who runs no command on the server
    assert "make_instructor" not in page
    assert 'aria-describedby="id_username_error' in page
    if username.strip():
        assert f'name="username" value="{username}"' in page
    assert list(cohort.co_instructors.values_list("username", flat=True)) == ["colm"]


def test_the_assignment_page_gives_every_field_its_own_id(cohort, owner, quiz):
    """The extension form sits beside the assignment's: a duplicate id would send the label
    "Their due date" (and a screen reader) to the assignment's due date."""
    assignment = services.assignment_create(
        cohort=cohort, quiz=quiz, lessons=[], opens_at=None, due_at=at(days=4), by=owner
    )
    url = reverse("teach_cohorts:assignment", args=[cohort.pk, assignment.pk])
    page = client_for(owner).get(url).content.decode()
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert 'for="extension-due_at"' in page


def test_the_headers_teaching_link_is_current_on_the_cohort_pages(cohort, owner):
    """The cohorts are part of Teaching (under /teach/): the header says so there too."""
    client = client_for(owner)
    for url in (
        reverse("teach_cohorts:list"),
        reverse("teach_cohorts:gradebook", args=[cohort.pk]),
    ):
        page = client.get(url, follow=True).content.decode()  # the list: to its ?once= address
        assert re.search(r'<a href="/teach/" aria-current="page">Teaching</a>', page), url


def test_every_teaching_page_lists_the_sections_and_marks_its_own(cohort, owner):
    """Under the breadcrumbs, the four sections of Teaching, the page's own marked as current
    (a lone "Cohorts" link sat there, on some pages only)."""
    client = client_for(owner)
    pages = {
        reverse("teach:bank"): "Question bank",
        reverse("teach:import"): "Import and export",
        reverse("teach:quiz-create"): "Quizzes",
        reverse("teach_cohorts:list"): "Cohorts",
        reverse("teach_cohorts:gradebook", args=[cohort.pk]): "Cohorts",
        reverse("teach_cohorts:people", args=[cohort.pk]): "Cohorts",
    }
    for url, section in pages.items():
        page = client.get(url, follow=True).content.decode()  # create pages: to ?once=
        nav = re.search(r'<nav class="teach-sections" aria-label="Teaching sections">(.*?)</nav>',
                        page, re.S)  # fmt: skip
        assert nav, url
        links = re.findall(r'<a href="[^"]+"( aria-current="true")?>([^<]+)</a>', nav[1])
        assert [name for _, name in links] == [
            "Quizzes", "Question bank", "Import and export", "Cohorts"
        ], url  # fmt: skip
        assert [name for current, name in links if current] == [section], url
