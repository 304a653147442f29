"""The content editor (staff + `Content editors`) edits the course in the admin, and nothing
about people: accounts answer 403, the admin's home lists the content apps alone, an owner is
named, never linked to an account page, and an everyday admin cannot make anyone one. Which
admin lists open for them (the content models', 403 for the rest) is the authorization
matrix's (`CONTENT_EDITOR` in tests/test_authorization_matrix.py), with their /teach/ and
cohort pages."""

from __future__ import annotations

import re

import pytest
from auditlog.models import LogEntry
from bs4 import BeautifulSoup
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from certificates.models import Certificate
from tests.conftest import give_mfa, make_lesson, make_scenario, sign_in
from tests.quizzes.builders import make_question, make_quiz
from tests.quizzes.test_admin_edited_elsewhere import _form
from tests.test_authorization_matrix import CONTENT_EDITOR_MODELS

pytestmark = pytest.mark.django_db


def test_the_admin_asks_a_content_editor_for_two_factor_first(client, django_user_model):
    """Staff status is what the guard reads: the role is staff, so /admin/ waits for it."""
    user = django_user_model.objects.create_user("kim", password="a-long-passphrase-7")
    call_command("make_content_editor", "kim")
    sign_in(client, user)
    for page in ("/admin/", "/admin/lessons/lesson/"):
        response = client.get(page)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/2fa/?next=")
    give_mfa(user)
    assert client.get("/admin/lessons/lesson/").status_code == 200


def test_the_admins_home_lists_only_the_content_apps(client, content_editor):
    page = client.get("/admin/").content.decode()
    main = page[page.index('id="content-main"') : page.index('id="content-related"')]
    listed = set(re.findall(r'href="/admin/(\w+)/(\w+)/"', main))
    assert {f"{app}.{model}" for app, model in listed} == CONTENT_EDITOR_MODELS
    sections = re.findall(r'class="section" title="Models in the [^"]*">([^<]*)</a>', main)
    assert sections == ["Curriculum", "Glossary", "Quizzes"]  # no accounts, progress, log


def test_a_content_editor_cannot_open_or_change_an_account(client, content_editor, learner):
    learner_page = f"/admin/auth/user/{learner.pk}/"
    # (Its password and hand-over pages: the matrix.)
    for page in ("change/", "history/", "delete/"):
        assert client.get(learner_page + page).status_code == 403, page
    assert client.get("/admin/auth/user/add/").status_code == 403
    client.post(learner_page + "change/", {"username": "ada", "first_name": "Renamed"})
    response = client.post(
        "/admin/auth/user/", {"action": "make_instructor", "_selected_action": [learner.pk]}
    )
    assert response.status_code == 403
    learner.refresh_from_db()
    assert learner.first_name == "" and not learner.groups.exists()
    # Nor find accounts through a question's owner search.
    found = client.get(
        "/admin/autocomplete/",
        {"app_label": "quizzes", "model_name": "question", "field_name": "owner", "term": "ada"},
    )
    assert found.status_code == 403


def test_a_content_editor_changes_a_lesson_in_the_admin(client, content_editor):
    lesson = make_lesson(body="## Roles\n\nA role has no long-term credentials.\n")
    url = f"/admin/lessons/lesson/{lesson.pk}/change/"
    form = _form(client, url, "lesson_form")
    fixed = "## Roles\n\nA role has no long-term credentials of its own.\n"
    form["body"] = [fixed]
    assert client.post(url, form).status_code == 302
    lesson.refresh_from_db()
    assert lesson.body == fixed.strip()
    change = LogEntry.objects.get_for_object(lesson).get(action=LogEntry.Action.UPDATE)
    assert change.actor == content_editor  # the audit log names who, as for an admin
    assert client.get(f"/learn/{lesson.module.slug}/{lesson.slug}/").status_code == 200


def test_a_questions_owner_is_shown_to_a_content_editor_not_chosen(
    client, content_editor, learner, other_learner
):
    """The owner search reads accounts, which the role may not: the box whose search always
    failed is the owner's name instead, and a save keeps the owner."""
    question = make_question(owner=learner)
    url = f"/admin/quizzes/question/{question.pk}/change/"
    page = client.get(url).content.decode()
    assert 'name="owner"' not in page
    assert ">ada<" in page
    form = _form(client, url, "question_form")
    form["owner"] = [str(other_learner.pk)]
    form["explanation"] = ["Rewritten by the content editor."]
    assert client.post(url, form).status_code == 302
    question.refresh_from_db()
    assert question.explanation == "Rewritten by the content editor."
    assert question.owner == learner
    for page in ("/admin/quizzes/quiz/add/", "/admin/lessons/scenario/add/"):
        assert 'name="owner"' not in client.get(page).content.decode(), page


def test_an_everyday_admin_cannot_make_a_content_editor(client, everyday_admin, learner):
    """Staff and groups are the superuser's to give: the user page's fields stay read-only,
    a sent group or staff box is ignored, and the user list has no such action."""
    editors = Group.objects.get(name="Content editors")
    client.post(
        f"/admin/auth/user/{learner.pk}/change/",
        {"username": "ada", "is_active": "on", "is_staff": "on", "groups": [editors.pk]},
    )
    client.post(
        "/admin/auth/user/", {"action": "make_content_editor", "_selected_action": [learner.pk]}
    )
    learner.refresh_from_db()
    assert not learner.is_staff and not learner.groups.exists()


def test_an_everyday_admin_cannot_change_a_content_editors_account(
    client, everyday_admin, django_user_model
):
    """A content editor is staff: no everyday admin edits them (their address would let the
    admin have a reset link sent, and sign in as them)."""
    kim = django_user_model.objects.create_user("kim", password="a-long-passphrase-7")
    call_command("make_content_editor", "kim")
    client.post(f"/admin/auth/user/{kim.pk}/change/", {"username": "kim", "first_name": "Renamed"})
    client.post("/admin/auth/user/", {"action": "remove_instructor", "_selected_action": [kim.pk]})
    kim.refresh_from_db()
    assert kim.first_name == "" and kim.is_staff
    assert [g.name for g in kim.groups.all()] == ["Content editors"]


def _owner_box(page: str):
    """The read-only owner on a change page (Django's `.field-owner .readonly`)."""
    return BeautifulSoup(page, "html.parser").select_one(".field-owner .readonly")


def _form_links(page: str) -> set[str]:
    """Every address into the admin that the change form's fields link to."""
    form = BeautifulSoup(page, "html.parser").select_one("#content-main form")
    return {a["href"] for a in form.find_all("a", href=True) if a["href"].startswith("/admin/")}


def test_an_owner_is_named_not_linked_for_a_content_editor(client, content_editor, learner):
    """Django drew the read-only owner as a link to the account's admin page, which answers
    the role 403: it is the owner's name, and no link on the page is refused."""
    question = make_question(owner=learner)
    pages = (
        f"/admin/quizzes/question/{question.pk}/change/",
        f"/admin/quizzes/quiz/{make_quiz(question, owner=learner).pk}/change/",
        f"/admin/lessons/scenario/{make_scenario(owner=learner).pk}/change/",
    )
    links = set()
    for url in pages:
        page = client.get(url).content.decode()
        box = _owner_box(page)
        assert box.get_text(strip=True) == "ada" and box.find("a") is None, url
        links |= _form_links(page)
    assert f"/admin/auth/user/{learner.pk}/change/" not in links
    refused = {href for href in links if client.get(href).status_code == 403}
    assert refused == set()


def test_a_read_only_account_is_linked_for_whoever_may_open_it(
    client, everyday_admin, learner, django_user_model, monkeypatch
):
    """An everyday admin reads a certificate (view only): its account is a link they may
    follow. Asked of the account itself: where the user admin refuses one account, its
    certificate names it instead."""
    page = client.get(f"/admin/certificates/certificate/{_certificate(learner).pk}/change/")
    box = BeautifulSoup(page.content.decode(), "html.parser").select_one(".field-user .readonly")
    href = f"/admin/auth/user/{learner.pk}/change/"
    assert box.find("a")["href"] == href
    assert client.get(href).status_code == 200

    kim = django_user_model.objects.create_user("kim", password="a-long-passphrase-7")
    call_command("make_content_editor", "kim")
    user_admin = type(admin.site._registry[django_user_model])
    refuse_staff = lambda self, request, obj=None: obj is None or not obj.is_staff  # noqa: E731
    monkeypatch.setattr(user_admin, "has_view_permission", refuse_staff)
    page = client.get(f"/admin/certificates/certificate/{_certificate(kim).pk}/change/")
    box = BeautifulSoup(page.content.decode(), "html.parser").select_one(".field-user .readonly")
    assert box.get_text(strip=True) == "kim" and box.find("a") is None


def _certificate(user):
    return Certificate.objects.create(
        user=user, course_title="The course", name=user.username, issued_at=timezone.now()
    )


def _refusal(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 403
    main = BeautifulSoup(response.content.decode(), "html.parser").find("main")
    return " ".join(main.get_text(" ").split()) + str(main.find_all("a"))


def test_a_refused_admin_page_tells_a_content_editor_their_role_and_leads_back_to_the_admin(
    client, content_editor, learner
):
    """The plain 403 told staff to "ask your instructor or an administrator" and led to the
    lessons, out of the admin."""
    for url in (f"/admin/auth/user/{learner.pk}/change/", "/admin/auditlog/logentry/"):
        said = _refusal(client, url)
        assert "As a content editor, you edit the course here" in said, url
        assert "ask your instructor" not in said
        assert 'href="/admin/">Back to the admin<' in said


def test_a_refused_admin_page_tells_an_everyday_admin_whose_it_is(client, everyday_admin):
    for url in ("/admin/mfa/authenticator/", "/admin/quizzes/attempt/"):
        said = _refusal(client, url)
        assert "This admin page is not open to your role" in said, url
        assert "superuser" in said and "ask your instructor" not in said
        assert 'href="/admin/">Back to the admin<' in said


def test_a_refused_admin_page_is_drawn_in_the_admins_frame(client, content_editor, learner):
    """Staff refused inside /admin/ stay in the admin's layout (its header, which leads to its
    home), with the refusal's words and the way back: the learners' header, menu and
    course search made the refusal look as if it had led them out of the admin. A glossary
    term's add page, refused for every role, likewise."""
    from bs4 import BeautifulSoup

    for url, said, back in (
        (f"/admin/auth/user/{learner.pk}/change/", "As a content editor", "Back to the admin"),
        ("/admin/glossary/glossaryterm/add/", "Glossary terms are not added in the admin", None),
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        page = BeautifulSoup(response.content.decode(), "html.parser")
        assert page.select_one("#site-name").get_text(strip=True) == "SRM Trainer administration"
        assert page.select_one("#content h1").get_text(strip=True) == "You can't open this page"
        assert page.select_one("#site-name a[href='/admin/']") is not None
        assert page.select_one(".site-header, .site-search, .site-nav") is None, url
        assert said in page.find("main").get_text(" "), url
        link = page.select("#content-main a")[-1]
        assert link.get_text(strip=True) == (back or "Back to the glossary terms"), url
