"""Authentication backends that load a signed-in user together with their role.

Django fetches the user once per request (`get_user`). These backends add one `EXISTS`
subquery to that same query, saying whether the user is in the `Instructors` group, so the
header's "Teaching" link and the /teach/ guard know the role without a query of their own.
The flag is read fresh on every request, so making or removing an instructor takes effect
on their next page, not at their next sign-in.
"""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import backends, get_user_model
from django.db.models import Exists, OuterRef

from srm_trainer.accounts.roles import INSTRUCTOR_FLAG, INSTRUCTORS


class RoleMixin:
    def get_user(self, user_id):
        User = get_user_model()
        membership = User.groups.through.objects.filter(
            user_id=OuterRef("pk"), group__name=INSTRUCTORS
        )
        user = (
            User._default_manager.annotate(**{INSTRUCTOR_FLAG: Exists(membership)})
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(RoleMixin, backends.ModelBackend):
    """Django's username-and-password backend (the admin's sign-in), role included."""


class AuthenticationBackend(RoleMixin, AllauthBackend):
    """django-allauth's backend (sign-in, sign-up), role included."""
