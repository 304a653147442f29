"""Authentication backends that load a signed-in user together with their role.

Django fetches the user once per request (`get_user`). These backends add two `EXISTS`
subqueries to that same query, saying whether the user is in the `Instructors` group and
whether they have any authenticator, so the header's "Teaching" link, the /teach/ guard and
the MFA guard before /teach/ and /admin/ know them without a query of their own. The flags
are read fresh on every request, so making or removing an instructor, or removing the last
authenticator, takes effect on their next page, not at their next sign-in. The query is compiled to SQL once
(`srm_trainer.prepared`): compiling it had cost more than running it.

settings.AUTHENTICATION_BACKENDS lists the plain backends after these, only so that sessions
signed in through them still load. Asked to authenticate, they would check the same password
against the same user again: a refused sign-in ran the password hasher (~0.4 s in production)
four times instead of two. So once these two have refused, the plain ones are skipped
(`_only_copies_follow`).

Of these two, allauth's finds every account Django's would (the one username that matches
ignoring case, and here also the exact match when several do), so when it comes right after
Django's, Django's leaves the password to it (`_allauth_checks_next`): a refused sign-in runs
the hasher once, as a successful one does, whether or not the username exists. It looks the
exact name up first (by the username's index), then, only if that finds no account, the name
ignoring case (a scan, as allauth's `iexact` was); a refusal runs both either way. Both
queries are compiled once (`PreparedQuery`).
"""

from __future__ import annotations

from functools import lru_cache

from allauth.account import app_settings as account_settings
from allauth.account.app_settings import LoginMethod
from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from allauth.account.utils import user_username
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth import backends, get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Value
from django.db.models.functions import Lower
from django.utils.module_loading import import_string

from srm_trainer.accounts.roles import AUTHENTICATOR_FLAG, INSTRUCTOR_FLAG, INSTRUCTORS
from srm_trainer.prepared import PreparedQuery, concrete_attnames, instance


def _user_with_role(user_id):
    User = get_user_model()
    membership = User.groups.through.objects.filter(user_id=OuterRef("pk"), group__name=INSTRUCTORS)
    authenticators = Authenticator.objects.filter(user_id=OuterRef("pk"))
    return (
        User._default_manager.annotate(
            **{INSTRUCTOR_FLAG: Exists(membership), AUTHENTICATOR_FLAG: Exists(authenticators)}
        )
        .filter(pk=user_id)
        .order_by()
        .values_list(*concrete_attnames(User), INSTRUCTOR_FLAG, AUTHENTICATOR_FLAG)
    )


_USER_WITH_ROLE: dict[type, PreparedQuery] = {}


def load_user_with_role(user_id):
    """The user with primary key `user_id`, their `INSTRUCTOR_FLAG` and `AUTHENTICATOR_FLAG`,
    or None."""
    User = get_user_model()
    prepared = _USER_WITH_ROLE.get(User)
    if prepared is None:  # per user model: tests may swap it
        prepared = _USER_WITH_ROLE[User] = PreparedQuery(User, ["int"], _user_with_role)
    pk = User._meta.pk.get_prep_value(user_id)
    rows = prepared.rows(pk)
    if not rows:
        return None
    *values, instructor, authenticator = rows[0]
    user = instance(User, values)
    setattr(user, INSTRUCTOR_FLAG, bool(instructor))
    setattr(user, AUTHENTICATOR_FLAG, bool(authenticator))
    return user


class RoleMixin:
    def get_user(self, user_id):
        user = load_user_with_role(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(RoleMixin, backends.ModelBackend):
    """Django's username-and-password backend (the admin's sign-in), role included."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if _allauth_checks_next(tuple(settings.AUTHENTICATION_BACKENDS)):
            return None  # the next backend checks this password, finding the same account
        return super().authenticate(request, username, password, **kwargs)

    async def aauthenticate(self, request, username=None, password=None, **kwargs):
        if _allauth_checks_next(tuple(settings.AUTHENTICATION_BACKENDS)):
            return None
        return await super().aauthenticate(request, username, password, **kwargs)


class AuthenticationBackend(RoleMixin, AllauthBackend):
    """django-allauth's backend (sign-in, sign-up), role included."""

    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is None and _only_copies_follow(tuple(settings.AUTHENTICATION_BACKENDS)):
            # Django's `authenticate` stops here and reports the failure (user_login_failed)
            # as it would after the last backend.
            raise PermissionDenied
        return user

    def _authenticate_by_username(self, username, password):
        if not _finds_what_django_finds():
            return super()._authenticate_by_username(username, password)
        if LoginMethod.USERNAME not in account_settings.LOGIN_METHODS or not username:
            return None
        exact = _account_spelled(username)
        if exact is None:
            return self._check_password(_one_account_ignoring_case(username), password)
        user = self._check_password(exact, password)
        if user is None:
            # The look-up a name that does not match exactly costs, so that a refusal takes
            # the same work whether or not the name exists (as the hasher runs either way).
            _accounts_named_ignoring_case(username)
        return user


ROLE_BACKENDS = (ModelBackend, AuthenticationBackend)


def _spelled(name):
    User = get_user_model()
    return (
        User._default_manager.filter(**{User.USERNAME_FIELD: name})
        .order_by()
        .values_list(*concrete_attnames(User))
    )


def _named_ignoring_case(name):
    """allauth's `filter_users_by_username` (PRESERVE_USERNAME_CASING), as a fixed-shape query
    for `PreparedQuery`: LOWER() on both sides folds case as its `iexact` does (ASCII-only in
    SQLite, as LIKE; fully in PostgreSQL), with no LIKE pattern to escape."""
    User = get_user_model()
    return (
        User._default_manager.annotate(_folded=Lower(User.USERNAME_FIELD))
        .filter(_folded=Lower(Value(name)))
        .order_by()
        .values_list(*concrete_attnames(User))
    )


_QUERIES: dict[tuple, PreparedQuery] = {}


def _accounts(build, name: str) -> list:
    User = get_user_model()
    prepared = _QUERIES.get((User, build))
    if prepared is None:  # per user model: tests may swap it
        prepared = _QUERIES[User, build] = PreparedQuery(User, ["text"], build)
    return [instance(User, row) for row in prepared.rows(name)]


def _account_spelled(username: str):
    """The account with exactly this username (the one Django's backend finds), or None."""
    users = _accounts(_spelled, username)
    return users[0] if users else None


def _accounts_named_ignoring_case(username: str) -> list:
    return _accounts(_named_ignoring_case, username)


def _one_account_ignoring_case(username: str):
    """allauth's `get_user_by_username`: the one account whose username matches ignoring
    case, or None (none, or several)."""
    folded = username.lower()
    same = [
        user
        for user in _accounts_named_ignoring_case(username)
        if (user_username(user) or "").lower() == folded
    ]
    return same[0] if len(same) == 1 else None


def account_signing_in_as(username: str):
    """The account a sign-in with `username` is checked against: the one spelled exactly so,
    else the one account that matches ignoring case (as `_authenticate_by_username` finds it),
    or None. One look-up of the same shape whatever the name, so that recording a refusal
    (accounts.audit) takes the same work whether or not the name exists."""
    found = _accounts_named_ignoring_case(username)
    for user in found:
        if user_username(user) == username:
            return user
    folded = username.lower()
    same = [user for user in found if (user_username(user) or "").lower() == folded]
    return same[0] if len(same) == 1 else None


def _finds_what_django_finds() -> bool:
    """allauth's username look-up is case-insensitive (so it includes the exact match) and on
    the field Django's backend reads."""
    User = get_user_model()
    return bool(
        account_settings.PRESERVE_USERNAME_CASING
        and account_settings.USER_MODEL_USERNAME_FIELD
        and account_settings.USER_MODEL_USERNAME_FIELD == User.USERNAME_FIELD
        and LoginMethod.USERNAME in account_settings.LOGIN_METHODS
    )


def _allauth_checks_next(paths: tuple[str, ...]) -> bool:
    """Our ModelBackend is listed right before our AuthenticationBackend, which checks every
    password Django's would, against the same account."""
    return _listed_in_a_row(paths) and _finds_what_django_finds()


@lru_cache(maxsize=8)
def _listed_in_a_row(paths: tuple[str, ...]) -> bool:
    classes = [import_string(path) for path in paths]
    return any(
        first is ModelBackend and then is AuthenticationBackend
        for first, then in zip(classes, classes[1:], strict=False)
    )


@lru_cache(maxsize=8)
def _only_copies_follow(paths: tuple[str, ...]) -> bool:
    """True when the role-aware backends are listed, this one last of them, and every backend
    after it is a class they extend (Django's or allauth's own): one that would only repeat
    their checks, with the same answer. Any other backend after them still gets its turn."""
    classes = [import_string(path) for path in paths]
    found = [i for i, cls in enumerate(classes) if cls in ROLE_BACKENDS]
    if {classes[i] for i in found} != set(ROLE_BACKENDS) or classes[found[-1]] is not (
        AuthenticationBackend
    ):
        return False
    rest = classes[found[-1] + 1 :]
    return all(any(issubclass(ours, cls) for ours in ROLE_BACKENDS) for cls in rest)
