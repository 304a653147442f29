"""Roles, least privilege first.

learner: any signed-in account; no model permissions at all.
instructor: member of the `Instructors` group; may author quiz content (see the roles migration).
content editor: staff in the `Content editors` group; edits course content in the Django admin and
nothing else there (no accounts, certificates or audit log).
admin: staff in the `Administrators` group; manages content in the Django admin, but cannot grant
staff, superuser or permissions (only a superuser can, and the superuser is for set-up only).
Staff and instructors must set up two-factor authentication before /admin/ and /teach/ open,
and staff preview drafts on the learner pages only once they have (`sees_drafts`).
"""

from __future__ import annotations

from allauth.mfa.adapter import DefaultMFAAdapter, get_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib.auth.models import AnonymousUser, Group, User

from srm_trainer.prepared import PreparedQuery

INSTRUCTORS = "Instructors"
ADMINISTRATORS = "Administrators"
CONTENT_EDITORS = "Content editors"
ROLE_GROUPS = (INSTRUCTORS, ADMINISTRATORS, CONTENT_EDITORS)
# The roles that come with staff status (the admin's door): someone keeps it while they hold one.
STAFF_ROLE_GROUPS = (ADMINISTRATORS, CONTENT_EDITORS)
_STAFF_ROLE_NAMES = {ADMINISTRATORS: "an admin", CONTENT_EDITORS: "a content editor"}
# Set on the user by our authentication backends (`srm_trainer.accounts.backends`) when they
# load the signed-in user: membership of `Instructors`, fetched in the same query.
INSTRUCTOR_FLAG = "in_instructors_group"
# Set by the same backends in the same query: whether the user has any authenticator, so the
# MFA guard before /teach/ and /admin/ asks no query of its own.
AUTHENTICATOR_FLAG = "has_authenticator"
# `only_content_editor`'s answer, kept on the user object for the rest of the request.
ONLY_CONTENT_EDITOR_FLAG = "_only_content_editor"


def is_instructor(user: User | AnonymousUser) -> bool:
    """In the `Instructors` group: free for the signed-in user (the backend loaded it with
    them), one query for any other user object."""
    if not user.is_authenticated:
        return False
    flag = getattr(user, INSTRUCTOR_FLAG, None)
    if flag is not None:
        return bool(flag)
    return user.groups.filter(name=INSTRUCTORS).exists()


def needs_mfa(user: User | AnonymousUser) -> bool:
    """Anyone who can change what learners see, or see other people's data."""
    return user.is_authenticated and (user.is_staff or user.is_superuser or is_instructor(user))


# allauth's own test (any authenticator at all), for a user object our backends did not load
# for this request: compiled to SQL once (`srm_trainer.prepared`).
_ANY_AUTHENTICATOR = PreparedQuery(
    Authenticator,
    ["int"],
    lambda user_id: Authenticator.objects.filter(user_id=user_id).order_by().values_list("pk")[:1],
)


def has_mfa(user: User | AnonymousUser) -> bool:
    """allauth's rule (any authenticator at all). Free for the signed-in user: the backend
    read it with them at the start of this request, so adding or removing an authenticator
    takes effect on the next request; one query for any other user object."""
    if not user.is_authenticated:
        return False
    if type(get_adapter()).is_mfa_enabled is not DefaultMFAAdapter.is_mfa_enabled:
        return is_mfa_enabled(user)  # an adapter with its own rule
    flag = getattr(user, AUTHENTICATOR_FLAG, None)
    if flag is not None:
        return bool(flag)
    return bool(_ANY_AUTHENTICATOR.rows(user.pk))


def passes_mfa_rule(user: User | AnonymousUser) -> bool:
    """The rule before /admin/ and /teach/ (`RequireMFAMiddleware`): true of anyone who needs
    no two-factor authentication (`needs_mfa`) or has it (`has_mfa`). Free for the signed-in
    user (their backend loaded the role and the authenticator with them)."""
    return not needs_mfa(user) or has_mfa(user)


def sees_drafts(user: User | AnonymousUser | None) -> bool:
    """Whether the learner pages show this person unpublished content (lessons, modules,
    quizzes, a quiz's broken questions): staff who pass the rule the admin's door asks
    (`passes_mfa_rule`). Staff without two-factor see what a learner sees, so a staff
    password alone, stolen, reads no draft. Free for the signed-in user, as that rule is."""
    if user is None or not user.is_authenticated or not user.is_staff:
        return False
    return passes_mfa_rule(user)


def only_content_editors():
    """The users `only_content_editor` is true of, as a query (for lists of who may teach)."""
    return (
        User.objects.filter(is_staff=True, is_superuser=False, groups__name=CONTENT_EDITORS)
        .exclude(groups__name=ADMINISTRATORS)
        .values("pk")
    )


def only_content_editor(user: User | AnonymousUser) -> bool:
    """Staff only through the `Content editors` group (not an admin, not a superuser): they
    edit the course, and run no class. `only_content_editors`'s rule, asked once a request of
    such staff (kept on the user; a role change clears it) and never of anyone else."""
    if not (user.is_authenticated and user.is_staff) or user.is_superuser:
        return False
    kept = getattr(user, ONLY_CONTENT_EDITOR_FLAG, None)
    if kept is None:
        kept = only_content_editors().filter(pk=user.pk).exists()
        setattr(user, ONLY_CONTENT_EDITOR_FLAG, kept)
    return kept


def set_instructor(*, user: User, instructor: bool) -> None:
    group = Group.objects.get(name=INSTRUCTORS)
    if instructor:
        user.groups.add(group)
    else:
        user.groups.remove(group)
    setattr(user, INSTRUCTOR_FLAG, instructor)  # this object must not keep a stale role


def _set_staff_role(*, user: User, group_name: str, on: bool) -> None:
    """A staff role is staff plus its group. Taking it away takes the group, and staff status
    unless the user still holds another staff role (an admin who was also a content editor
    stays an admin) or is a superuser (the admin is the superuser's only door)."""
    group = Group.objects.get(name=group_name)
    if on:
        user.groups.add(group)
        user.is_staff = True
    else:
        user.groups.remove(group)
        others = [name for name in STAFF_ROLE_GROUPS if name != group_name]
        user.is_staff = user.is_superuser or user.groups.filter(name__in=others).exists()
    user.save(update_fields=["is_staff"])
    user.__dict__.pop(ONLY_CONTENT_EDITOR_FLAG, None)  # this object must not keep a stale role


def staff_roles(user: User) -> list[str]:
    """What keeps `user` staff, in words (["a superuser", "an admin"]); empty for non-staff."""
    if not user.is_staff:
        return []
    held = set(user.groups.filter(name__in=STAFF_ROLE_GROUPS).values_list("name", flat=True))
    roles = ["a superuser"] if user.is_superuser else []
    return roles + [_STAFF_ROLE_NAMES[name] for name in STAFF_ROLE_GROUPS if name in held]


def set_administrator(*, user: User, administrator: bool) -> None:
    """An everyday admin is staff plus the `Administrators` group."""
    _set_staff_role(user=user, group_name=ADMINISTRATORS, on=administrator)


def set_content_editor(*, user: User, content_editor: bool) -> None:
    """A content editor is staff plus the `Content editors` group."""
    _set_staff_role(user=user, group_name=CONTENT_EDITORS, on=content_editor)


# The data migrations that grant the roles' permissions, in order, each with its table of
# {group: {app: {model: [verbs]}}}: 0001 makes the first two groups, 0006 `Content editors`,
# and the others add to them.
ROLE_MIGRATIONS = (
    ("0001_roles", "GROUPS"),
    ("0002_view_certificates", "GRANTS"),
    ("0005_view_glossary", "GRANTS"),
    ("0006_content_editors", "GRANTS"),
)


def role_grants(name: str) -> dict[str, dict[str, list[str]]]:
    """Everything the roles migrations grant the group `name`, merged."""
    import importlib

    merged: dict[str, dict[str, list[str]]] = {}
    for module, table in ROLE_MIGRATIONS:
        migration = importlib.import_module(f"srm_trainer.accounts.migrations.{module}")
        for app_label, models in getattr(migration, table).get(name, {}).items():
            for model, verbs in models.items():
                kept = merged.setdefault(app_label, {}).setdefault(model, [])
                kept.extend(verb for verb in verbs if verb not in kept)
    return merged


def ensure_role_groups(*, using: str = "default", **kwargs) -> None:
    """After every `migrate`, and after `flush` (which empties every table and sends
    post_migrate again): the role groups exist, made with the grants their migrations give
    (`ROLE_MIGRATIONS`). A group that exists is left as it is, so an admin's change to its
    permissions is never undone here."""
    import importlib

    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    missing = set(ROLE_GROUPS) - set(
        Group.objects.using(using).filter(name__in=ROLE_GROUPS).values_list("name", flat=True)
    )
    if not missing:
        return
    for app_config in apps.get_app_configs():  # later apps' permissions may not exist yet
        create_permissions(app_config, verbosity=0, using=using)
    roles_migration = importlib.import_module("srm_trainer.accounts.migrations.0001_roles")
    for name in sorted(missing):
        group = Group.objects.using(using).create(name=name)
        # The migration's own lookup, given the live app registry instead of the historical one.
        group.permissions.set(roles_migration._permissions(apps, role_grants(name)))
