"""Staff preview unpublished content on the learner pages only once they have two-factor
sign-in, the rule the admin's door asks (`accounts.roles.sees_drafts`): a staff account whose
password alone was stolen reads no draft lesson, module or quiz, and no quiz's broken
questions, on any learner page, by any of its lists, counts, links or addresses. (The search
indexes published content alone, for everyone: search/sources.py.)"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from glossary.models import GlossaryTerm
from lessons import progress
from quizzes.models import Question
from srm_trainer.accounts.roles import passes_mfa_rule, sees_drafts, set_instructor
from tests.conftest import give_mfa, make_lesson, make_module, sign_in
from tests.quizzes.builders import make_question, make_quiz

pytestmark = pytest.mark.django_db

SECRET = "Unreleased"  # in every draft's title: not one may show


@pytest.fixture
def world(db):
    """A published module whose middle lesson is a draft (prev/next must pass over it), a draft
    module, a published quiz with a broken question, a draft quiz ahead of it (the one lesson
    pages would offer), and a glossary term taught in the draft lesson."""
    shown = make_module(slug="shown", title="Shown module", order=1)
    first = make_lesson(shown, slug="first", title="First lesson", order=1)
    draft = make_lesson(shown, slug="draft", title=f"{SECRET} lesson", order=2, published=False)
    last = make_lesson(shown, slug="last", title="Last lesson", order=3)
    hidden = make_module(slug="hidden", title=f"{SECRET} module", order=2, published=False)
    make_lesson(hidden, slug="inside", title=f"{SECRET} inside lesson")
    good, bad = make_question(lesson=first), make_question(lesson=first, slug="broken-one")
    Question.objects.filter(pk=bad.pk).update(data={"answer": "maybe"})  # fails validation
    quiz = make_quiz(good, bad, module=shown, title="Shown quiz", order=2)
    # The module's first quiz, which its lesson pages offer (to those who may take it).
    draft_quiz = make_quiz(
        make_question(), module=shown, title=f"{SECRET} quiz", order=1, published=False
    )
    GlossaryTerm.objects.create(
        slug="scp", term="SCP", definition="Words.", lesson=draft, related=[], aliases=[]
    )
    return {
        "first": first,
        "draft": draft,
        "last": last,
        "quiz": quiz,
        "draft_quiz": draft_quiz,
        "pages": [
            "/",
            "/learn/shown/",
            first.get_absolute_url(),
            last.get_absolute_url(),
            draft.get_absolute_url(),
            "/learn/hidden/",
            "/learn/hidden/inside/",
            "/quizzes/",
            quiz.get_absolute_url(),
            draft_quiz.get_absolute_url(),
            "/learn/glossary/",
            "/labs/",
            "/progress/",
        ],
    }


@pytest.fixture
def staff_without_mfa(django_user_model):
    return django_user_model.objects.create_user(
        "casey", password="a-long-passphrase-4", is_staff=True
    )


def _main(response) -> str:
    """The page's <main> as a reader sees it, less the per-session form tokens."""
    body = response.content.decode()
    main = body.split("<main", 1)[1].split("</main>", 1)[0] if "<main" in body else body
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", main)


def _seen(client, user, pages) -> dict[str, tuple[int, str]]:
    sign_in(client, user)
    return {url: (r.status_code, _main(r)) for url in pages for r in [client.get(url)]}


def test_staff_without_two_factor_see_exactly_what_a_learner_sees(
    client, learner, staff_without_mfa, world
):
    for user in (learner, staff_without_mfa):  # read before the draft was unpublished
        for lesson in (world["first"], world["draft"]):
            progress.mark_complete(user=user, lesson=lesson)
    as_learner = _seen(client, learner, world["pages"])
    as_staff = _seen(client, staff_without_mfa, world["pages"])
    for url in world["pages"]:
        assert as_staff[url] == as_learner[url], url
        assert SECRET not in as_staff[url][1], url
        assert "broken-one" not in as_staff[url][1], url
    for url in ("/learn/hidden/", world["draft"].get_absolute_url(), "/learn/hidden/inside/"):
        assert as_staff[url][0] == 404, url  # the draft's own address answers as a learner's
    assert as_staff[world["draft_quiz"].get_absolute_url()][0] == 404
    # Prev/next on the lessons either side of the draft pass over it.
    first = as_staff[world["first"].get_absolute_url()][1]
    assert f'href="{world["last"].get_absolute_url()}" rel="next"' in first


def test_a_draft_lesson_cannot_be_completed_or_a_draft_quiz_started_without_two_factor(
    client, staff_without_mfa, world
):
    sign_in(client, staff_without_mfa)
    draft = world["draft"].get_absolute_url()
    assert client.post(f"{draft}complete/").status_code == 404
    assert client.post(f"{world['draft_quiz'].get_absolute_url()}start/").status_code == 404


def test_staff_with_two_factor_preview_every_draft(client, staff_without_mfa, world):
    give_mfa(staff_without_mfa)
    sign_in(client, staff_without_mfa)
    assert SECRET in _main(client.get("/"))  # the draft module's card
    assert f"{SECRET} lesson" in _main(client.get("/learn/shown/"))
    assert client.get(world["draft"].get_absolute_url()).status_code == 200
    assert client.get("/learn/hidden/inside/").status_code == 200
    assert f"{SECRET} quiz" in _main(client.get("/quizzes/"))
    assert client.get(world["draft_quiz"].get_absolute_url()).status_code == 200
    assert "broken-one" in _main(client.get(world["quiz"].get_absolute_url()))
    assert world["draft_quiz"].get_absolute_url() in _main(
        client.get(world["last"].get_absolute_url())
    )
    first = _main(client.get(world["first"].get_absolute_url()))
    assert f'href="{world["draft"].get_absolute_url()}" rel="next"' in first


def test_telling_drafts_apart_costs_a_page_no_query(client, learner, staff_without_mfa, world):
    """Whether the signed-in person previews drafts is read with them at the start of the
    request (the backend's authenticator flag): staff without two-factor cost what a learner
    does, page by page."""

    def queries(user, url) -> int:
        sign_in(client, user)
        client.get(url)  # what the process keeps afterwards
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        return len(ctx.captured_queries)

    for url in (
        "/",
        world["first"].get_absolute_url(),
        "/quizzes/",
        world["quiz"].get_absolute_url(),
    ):
        assert queries(staff_without_mfa, url) == queries(learner, url), url


def test_the_rule_is_the_admins_door(learner, staff_without_mfa, django_user_model):
    """`sees_drafts` is staff plus `passes_mfa_rule`, the test `RequireMFAMiddleware` asks
    before /admin/ and /teach/; instructors are not staff, and read as learners here."""
    assert not sees_drafts(None) and not sees_drafts(AnonymousUser()) and not sees_drafts(learner)
    assert passes_mfa_rule(learner)  # learners need no two-factor for anything
    assert not passes_mfa_rule(staff_without_mfa) and not sees_drafts(staff_without_mfa)
    give_mfa(staff_without_mfa)
    assert passes_mfa_rule(staff_without_mfa) and sees_drafts(staff_without_mfa)
    instructor = django_user_model.objects.create_user("turing", password="a-long-passphrase-5")
    set_instructor(user=instructor, instructor=True)
    give_mfa(instructor)
    assert passes_mfa_rule(instructor) and not sees_drafts(instructor)
