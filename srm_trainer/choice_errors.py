"""Django's refusal of a value no menu, radio or checkbox offers quotes the value whole ("Select
a valid choice. %(value)s is not one of the available choices."), and a page may say a refusal
in several places: the route-the-findings editor said a 2 MB value posted to its sample ticks
three times, a 6 MB response. Every such message quotes at most the value's first 40
characters (enough to recognise a typed one, "expert"); the learner's answer form does not
quote it at all (`quizzes.forms.NOT_SHOWN`)."""

from __future__ import annotations

from django import forms

QUOTED = 40


def quote_choices_briefly() -> None:
    """Cut `%(value)s` to its first QUOTED characters in every choice field's refusals."""
    for field in (forms.ChoiceField, forms.MultipleChoiceField, forms.ModelMultipleChoiceField):
        messages = field.default_error_messages
        for code, message in list(messages.items()):
            text = str(message)
            if "%(value)s" in text:
                messages[code] = text.replace("%(value)s", f"%(value).{QUOTED}s")
