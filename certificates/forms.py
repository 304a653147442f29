from django import forms

from certificates.issuing import NAME_MAX, clean_name
from srm_trainer.labels import PlainLabels
from srm_trainer.typed_text import LimitsOnServer


class NameForm(LimitsOnServer, PlainLabels, forms.Form):
    name = forms.CharField(
        label="Your name as it will be printed",
        max_length=NAME_MAX * 2,
        error_messages={
            "required": "Write the name to print on the certificate."
        },  # the real limit (after spaces are collapsed) is clean_name's
        help_text="It appears on the certificate and on its public verification page, and "
        "cannot be changed once the certificate is issued.",
    )

    def clean_name(self) -> str:
        try:
            return clean_name(self.cleaned_data["name"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
