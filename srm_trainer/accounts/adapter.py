"""Our allauth adapter: one client address for throttles, and a throttle on "username taken"."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context, ratelimit
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from srm_trainer.clientip import client_ip

TOO_MANY_TAKEN = (
    "Too many sign-up attempts with usernames that are already in use. "
    "Wait a few minutes, then try a different username."
)


class AccountAdapter(DefaultAccountAdapter):
    def get_client_ip(self, request: HttpRequest) -> str:
        return client_ip(request)

    def clean_username(self, username: str, shallow: bool = False) -> str:
        """Usernames are public and unique, so sign-up must say when one is taken; what we can
        stop is using that answer to list accounts: after a few "taken" answers from one address,
        the form only says to wait (the `signup_username_taken` rate limit)."""
        try:
            return super().clean_username(username, shallow=shallow)
        except ValidationError as error:
            request = getattr(context, "request", None)
            if (
                error.code == "username_taken"
                and request is not None
                and not ratelimit.consume(request, action="signup_username_taken")
            ):
                raise ValidationError(TOO_MANY_TAKEN, code="rate_limited") from None
            raise
