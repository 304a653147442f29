"""Roles hold exactly the permissions they need: learners none, instructors authoring, content
editors content, admins content and (read-mostly) accounts."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from tests.conftest import give_mfa

pytestmark = pytest.mark.django_db

INSTRUCTOR_PERMISSIONS = {
    "quizzes.add_question",
    "quizzes.change_question",
    "quizzes.view_question",
    "quizzes.add_quiz",
    "quizzes.change_quiz",
    "quizzes.view_quiz",
    "quizzes.add_quizquestion",
    "quizzes.change_quizquestion",
    "quizzes.view_quizquestion",
    "lessons.add_scenario",
    "lessons.change_scenario",
    "lessons.view_scenario",
    "lessons.view_module",
    "lessons.view_lesson",
}

_CONTENT = {
    "lessons": [
        "module",
        "lesson",
        "layer",
        "service",
        "responsibility",
        "scenario",
        "artifactsection",
        "complianceprogram",
    ],
    "quizzes": ["question", "quiz", "quizquestion"],
}
ADMINISTRATOR_PERMISSIONS = {
    f"{app}.{verb}_{model}"
    for app, models in _CONTENT.items()
    for model in models
    for verb in ("add", "change", "delete", "view")
} | {"auth.change_user", "auth.view_user", "auth.view_group", "auditlog.view_logentry"}
# 0002_view_certificates: to look a certificate up; nobody changes one.
ADMINISTRATOR_PERMISSIONS |= {"certificates.view_certificate"}
# 0005_view_glossary: to look a term up (its admin is read-only: the file is its source).
ADMINISTRATOR_PERMISSIONS |= {"glossary.view_glossaryterm"}
# 0006_content_editors: the admins' content, as admins hold it, and nothing about people:
# no accounts, groups, certificates or audit log.
CONTENT_EDITOR_PERMISSIONS = {
    f"{app}.{verb}_{model}"
    for app, models in _CONTENT.items()
    for model in models
    for verb in ("add", "change", "delete", "view")
} | {"glossary.view_glossaryterm"}


def _codenames(group_name: str) -> set[str]:
    group = Group.objects.get(name=group_name)
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }


def test_instructors_hold_exactly_the_authoring_permissions():
    assert _codenames("Instructors") == INSTRUCTOR_PERMISSIONS


def test_administrators_hold_exactly_content_permissions_and_read_only_accounts():
    assert _codenames("Administrators") == ADMINISTRATOR_PERMISSIONS


def test_content_editors_hold_exactly_the_content_permissions():
    assert _codenames("Content editors") == CONTENT_EDITOR_PERMISSIONS


def test_content_editors_hold_nothing_about_people():
    """Each app of theirs is content: not accounts, certificates (a learner's record) or the
    audit log (every sign-in, with its address)."""
    assert {codename.split(".")[0] for codename in _codenames("Content editors")} == {
        "lessons",
        "quizzes",
        "glossary",
    }


def test_no_role_touches_learner_records_or_grants_power():
    for group in ("Instructors", "Administrators", "Content editors"):
        for codename in _codenames(group):
            assert not codename.startswith(
                ("quizzes.add_attempt", "quizzes.change_attempt", "quizzes.delete_attempt")
            )
            assert "lessonprogress" not in codename
            assert "reviewcard" not in codename
            assert "answer" not in codename
            assert "knowledgecheck" not in codename  # learners' answers in lessons
            assert codename.split(".")[0] != "certificates" or codename.endswith(
                ".view_certificate"
            )
            assert "permission" not in codename
            assert codename not in {"auth.add_user", "auth.delete_user", "auth.change_group"}


def test_a_learner_has_no_permissions(learner):
    assert learner.get_all_permissions() == set()


def test_make_instructor_adds_and_removes_the_role(learner):
    call_command("make_instructor", "ada")
    assert learner.groups.filter(name="Instructors").exists()
    fresh = type(learner).objects.get(pk=learner.pk)  # permissions are cached per object
    assert fresh.has_perm("quizzes.add_question")
    call_command("make_instructor", "ada", "--remove")
    assert not learner.groups.filter(name="Instructors").exists()


def test_make_instructor_names_an_unknown_user():
    with pytest.raises(CommandError, match="No user is called 'nobody'"):
        call_command("make_instructor", "nobody")


def test_make_admin_gives_staff_and_the_group_and_takes_both_back(learner):
    call_command("make_admin", "ada")
    learner.refresh_from_db()
    assert learner.is_staff and not learner.is_superuser
    assert learner.groups.filter(name="Administrators").exists()
    call_command("make_admin", "ada", "--remove")
    learner.refresh_from_db()
    assert not learner.is_staff
    assert not learner.groups.filter(name="Administrators").exists()


def test_make_content_editor_gives_staff_and_the_group_and_takes_both_back(learner):
    from io import StringIO

    said = StringIO()
    call_command("make_content_editor", "ada", stdout=said)
    learner.refresh_from_db()
    assert learner.is_staff and not learner.is_superuser
    assert [g.name for g in learner.groups.all()] == ["Content editors"]
    assert "ada is now a content editor; they must set up two-factor" in said.getvalue()
    fresh = type(learner).objects.get(pk=learner.pk)  # permissions are cached per object
    assert fresh.has_perm("lessons.change_lesson") and not fresh.has_perm("auth.view_user")
    said = StringIO()
    call_command("make_content_editor", "ada", "--remove", stdout=said)
    learner.refresh_from_db()
    assert not learner.is_staff and not learner.groups.exists()
    assert said.getvalue() == "ada is no longer a content editor.\n"


def test_make_content_editor_names_an_unknown_user():
    with pytest.raises(CommandError, match="No user is called 'nobody'"):
        call_command("make_content_editor", "nobody")


@pytest.mark.parametrize(
    ("kept", "taken", "stays_as"),
    [
        ("make_admin", "make_content_editor", "an admin"),
        ("make_content_editor", "make_admin", "a content editor"),
    ],
)
def test_taking_one_staff_role_keeps_staff_for_the_other(learner, kept, taken, stays_as):
    """Someone both admin and content editor who loses one role keeps the other, which is
    nothing without staff status: taking the admin role away cleared staff outright."""
    from io import StringIO

    call_command(kept, "ada")
    call_command(taken, "ada")
    said = StringIO()
    call_command(taken, "ada", "--remove", stdout=said)
    learner.refresh_from_db()
    assert learner.is_staff
    assert f"ada stays staff as {stays_as}: /admin/ is still open to them." in said.getvalue()
    call_command(kept, "ada", "--remove")
    learner.refresh_from_db()
    assert not learner.is_staff and not learner.groups.exists()


def test_a_superuser_keeps_staff_when_a_staff_role_is_taken(django_user_model):
    from io import StringIO

    root = django_user_model.objects.create_superuser("root", password="a-long-passphrase-8")
    call_command("make_content_editor", "root")
    said = StringIO()
    call_command("make_content_editor", "root", "--remove", stdout=said)
    root.refresh_from_db()
    assert root.is_staff and not root.groups.exists()
    assert "root stays staff as a superuser" in said.getvalue()


def test_an_everyday_admin_makes_instructors_from_the_user_list(client, everyday_admin, learner):
    response = client.post(
        "/admin/auth/user/",
        {"action": "make_instructor", "_selected_action": [learner.pk]},
    )
    assert response.status_code == 302
    assert learner.groups.filter(name="Instructors").exists()
    client.post(
        "/admin/auth/user/", {"action": "remove_instructor", "_selected_action": [learner.pk]}
    )
    assert not learner.groups.filter(name="Instructors").exists()


def test_an_everyday_admin_cannot_grant_staff_or_superuser(client, everyday_admin, learner):
    page = client.get(f"/admin/auth/user/{learner.pk}/change/").content.decode()
    assert 'name="is_superuser"' not in page
    assert 'name="is_staff"' not in page
    assert 'name="groups"' not in page
    client.post(
        f"/admin/auth/user/{learner.pk}/change/",
        {"username": "ada", "is_superuser": "on", "is_staff": "on", "is_active": "on"},
    )
    learner.refresh_from_db()
    assert not learner.is_superuser and not learner.is_staff


def test_an_everyday_admin_cannot_rewrite_when_a_learner_joined_or_last_signed_in(
    client, everyday_admin, learner
):
    """They are records of what happened (the "Your data" export reads them): Django's user
    page had a date and time box for each."""
    joined = learner.date_joined
    page = client.get(f"/admin/auth/user/{learner.pk}/change/").content.decode()
    assert 'name="date_joined_0"' not in page and 'name="last_login_0"' not in page
    saved = client.post(
        f"/admin/auth/user/{learner.pk}/change/",
        {
            "username": learner.username,
            "first_name": "Ada",
            "is_active": "on",
            "date_joined_0": "2001-01-01",
            "date_joined_1": "10:00:00",
            "last_login_0": "2001-01-02",
            "last_login_1": "10:00:00",
        },
    )
    assert saved.status_code == 302  # the rest of the form was taken
    learner.refresh_from_db()
    assert learner.first_name == "Ada"
    assert learner.date_joined == joined and learner.last_login is None


def test_an_everyday_admin_edits_content_but_cannot_add_users(client, everyday_admin):
    assert client.get("/admin/lessons/module/add/").status_code == 200
    assert client.get("/admin/auth/user/add/").status_code == 403


def test_an_everyday_admin_cannot_touch_staff_accounts(client, everyday_admin, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="a-long-passphrase-8")
    client.post(f"/admin/auth/user/{root.pk}/change/", {"username": "root", "email": "x@evil.test"})
    root.refresh_from_db()
    assert root.email == ""  # shown read-only, not saved
    response = client.post(
        f"/admin/auth/user/{root.pk}/password/",
        {"password1": "taken-over-pass-1", "password2": "taken-over-pass-1"},
    )
    assert response.status_code == 403
    root.refresh_from_db()
    assert root.check_password("a-long-passphrase-8")
    client.post("/admin/auth/user/", {"action": "make_instructor", "_selected_action": [root.pk]})
    assert not root.groups.exists()


def test_make_instructor_tells_whether_two_factor_is_still_to_set_up(learner):
    """An account that has an authenticator already is not told to set one up."""
    from io import StringIO

    from tests.conftest import give_mfa

    said = StringIO()
    call_command("make_instructor", "ada", stdout=said)
    assert "must set up two-factor authentication" in said.getvalue()
    give_mfa(learner)
    said = StringIO()
    call_command("make_instructor", "ada", stdout=said)
    assert "must set up" not in said.getvalue()
    assert "they have two-factor authentication" in said.getvalue()


def test_only_a_superuser_sets_someone_elses_password_in_the_admin(
    client, everyday_admin, learner, django_user_model
):
    """Learners' records are for superusers only, yet an everyday admin could set a learner's
    (or an instructor's) password on the admin's password page and sign in as them: their
    attempts, progress and "Your data" file opened, with no audit entry and no mail to the
    owner. The page is refused, and the user's page no longer links to it."""
    instructor = django_user_model.objects.create_user("turing", password="a-long-passphrase-4")
    call_command("make_instructor", "turing")
    for user, password in ((learner, "a-long-passphrase-1"), (instructor, "a-long-passphrase-4")):
        url = f"/admin/auth/user/{user.pk}/password/"
        assert client.get(url).status_code == 403
        response = client.post(
            url, {"password1": "taken-over-pass-1", "password2": "taken-over-pass-1"}
        )
        assert response.status_code == 403
        user.refresh_from_db()
        assert user.check_password(password)
        page = client.get(f"/admin/auth/user/{user.pk}/change/").content.decode()
        assert "../password/" not in page
    # The names stay editable; the address, where reset links go, does not (next test).
    assert 'name="first_name"' in page and 'name="email"' not in page


def test_an_everyday_admin_cannot_point_a_learners_reset_links_elsewhere(
    client, everyday_admin, learner, mailoutbox
):
    """The admin's e-mail box set the account's address, which allauth sends reset links to:
    an everyday admin typed their own, asked for a reset, and signed in as the learner."""
    form = {
        "username": "ada",
        "first_name": "Ada",
        "email": "evil-admin@example.net",
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
    }
    saved = client.post(f"/admin/auth/user/{learner.pk}/change/", form)
    assert saved.status_code == 302  # the rest of the form was taken
    learner.refresh_from_db()
    assert learner.first_name == "Ada"
    assert learner.email != "evil-admin@example.net"
    client.logout()
    client.post("/accounts/password/reset/", {"email": "evil-admin@example.net"})
    assert all("/accounts/password/reset/key/" not in m.body for m in mailoutbox)


def test_a_superuser_still_sets_a_learners_password(client, learner, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="a-long-passphrase-8")
    give_mfa(root)
    client.force_login(root)
    response = client.post(
        f"/admin/auth/user/{learner.pk}/password/",
        {"password1": "a-new-long-passphrase", "password2": "a-new-long-passphrase"},
    )
    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.check_password("a-new-long-passphrase")


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("\u0430dmin", "character 1 is not one of them: cyrillic small letter a (U+0430)"),
        ("Instructor", "would look like a role on this site"),
        ("BOB", "Another account is already called bob"),
    ],
)
def test_renaming_a_user_in_the_admin_follows_the_sign_up_rule(
    client, everyday_admin, learner, django_user_model, typed, said
):
    """Sign-up refuses look-alike letters, names that read as a role and a name another
    account has in another case; the admin's user page took all three, so a learner could be
    renamed "аdmin" (a Cyrillic а) or a second "bob" (signing in as bob then finds two)."""
    django_user_model.objects.create_user("bob", password="a-long-passphrase-2")
    form = {
        "username": typed,
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
    }
    response = client.post(f"/admin/auth/user/{learner.pk}/change/", form)
    assert response.status_code == 200
    assert said in response.content.decode()
    learner.refresh_from_db()
    assert learner.username == "ada"
    form["username"] = "ADA"  # its own name in another case is no clash
    assert client.post(f"/admin/auth/user/{learner.pk}/change/", form).status_code == 302


def test_the_admins_change_password_link_opens_the_accounts_password_page(
    client, everyday_admin, mailoutbox
):
    """Django's own form at /admin/password_change/ changed the password without the note to
    the owner every other password change sends (docs/accounts.md): a takeover
    through a signed-in admin session went unnoticed. The link opens the account's page."""
    assert client.get("/admin/password_change/")["Location"] == "/accounts/password/change/"
    posted = client.post(
        "/admin/password_change/",
        {
            "old_password": "a-long-passphrase-6",
            "new_password1": "taken-over-pass-1",
            "new_password2": "taken-over-pass-1",
        },
    )
    assert posted["Location"] == "/accounts/password/change/"
    everyday_admin.refresh_from_db()
    assert everyday_admin.check_password("a-long-passphrase-6")
    assert client.get("/admin/password_change/done/")["Location"] == "/accounts/password/change/"
    assert "/admin/password_change/" in client.get("/admin/").content.decode()  # the link stays
