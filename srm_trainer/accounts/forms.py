from django.contrib.auth.forms import UserCreationForm


class SignUpForm(UserCreationForm):
    """Django's own sign-up form: username and password twice, validated by AUTH_PASSWORD_VALIDATORS."""

    class Meta(UserCreationForm.Meta):
        fields = ("username",)
