from django import forms

from certificates.issuing import NAME_MAX, clean_name
from srm_trainer.labels import PlainLabels
from srm_trainer.typed_text import LimitsOnServer


class NameForm(LimitsOnServer, PlainLabels, forms.Form):
    name = forms.CharField(
        label="Your name as it will be printed",
        max_length=NAME_MAX * 2,
        # The box takes twice the limit, for spaces clean_name collapses before it measures;
        # past it, the refusal names the limit that decides (it said "at most 200", then, the
        # name shortened to 150, "at most 100 fit").
        error_messages={
            "required": "Write the name to print on the certificate.",
            "max_length": "This is %(show_value)s characters long; at most "
            f"{NAME_MAX} fit on the certificate. Nothing was cut: shorten it here.",
        },
        help_text="It appears on the certificate and on its public verification page, and "
        "cannot be changed once the certificate is issued.",
    )

    def clean_name(self) -> str:
        try:
            return clean_name(self.cleaned_data["name"])
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
