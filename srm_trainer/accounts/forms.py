"""allauth's sign-up form, saying before the first try what a username may hold."""

from __future__ import annotations

from allauth.account.forms import SignupForm as AllauthSignupForm

USERNAME_HELP = "Letters a-z and A-Z, digits and @ . + - _ only; up to 150 characters."


class SignupForm(AllauthSignupForm):
    """The username rule (`adapter.clean_username`) was only said once it refused a name."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].help_text = USERNAME_HELP
